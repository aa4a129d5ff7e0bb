import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { filelessDeliverySubject, filelessEndpoint } from '../testing/memory-endpoint.js';
import { createDistributor } from './distributor.js';
import type { DistributionAdapter, DistributionOutcome } from './port.js';
import { type DistributionRecord, DistributionRecordSchema, type DistributionState } from './record.js';
import { createMemoryDistributionStore } from './record-store.js';

const HOUR = 3_600_000;
const SUNSET = Date.parse('2027-05-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** What a remote call does in a failure schedule. */
type Step = 'success' | 'processing' | 'retry' | 'failed' | 'auth' | 'parked' | 'throw';
const step = fc.constantFrom<Step>('success', 'processing', 'retry', 'failed', 'auth', 'parked', 'throw');

/** Where a record starts: every state content can be in when its window closes. */
const start = fc.record({
  state: fc.constantFrom<DistributionState>(
    'live',
    'processing',
    'updating',
    'submitting',
    'removing',
    'parked',
    'error-submit',
    'error-update',
    'error-remove',
    'queued',
    'pending',
  ),
  resumeState: fc.constantFrom<DistributionState>('submitting', 'updating', 'removing', 'queued'),
  /** A crashed distributor's lease, still running at sunset for up to two hours. */
  leaseHours: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
  parkedHours: fc.integer({ min: 1, max: 48 }),
  removalOwed: fc.boolean(),
  remoteId: fc.boolean(),
});

/**
 * An adapter answering every call from a schedule (the last step repeats): failures of every
 * kind, parking for a day and more, exceptions, processing that never ends.
 */
function scheduled(schedule: readonly Step[], now: () => number): DistributionAdapter & { calls: string[] } {
  let i = 0;
  const next = (removal: boolean): DistributionOutcome => {
    const s = schedule[Math.min(i++, schedule.length - 1)] as Step;
    switch (s) {
      case 'success':
        return { kind: 'success', remoteId: 'r-1', remoteState: removal ? 'removed' : 'live' };
      case 'processing':
        return { kind: 'success', remoteId: 'r-1', remoteState: 'processing' };
      case 'retry':
        return { kind: 'retry', afterMs: 0, reason: 'endpoint down' };
      case 'failed':
        return { kind: 'failed', code: 'FORBIDDEN', message: 'refused' };
      case 'auth':
        return { kind: 'auth-required', reason: 'token revoked' };
      case 'parked':
        return { kind: 'parked', until: iso(now() + 30 * HOUR), reason: 'quota' };
      case 'throw':
        throw new Error('socket hang up');
    }
  };
  const calls: string[] = [];
  return {
    name: 'scheduled',
    calls,
    capabilities: {
      update: true,
      remoteDelete: true,
      unpublish: false,
      asyncProcessing: true,
      confirmsRemoval: true,
      resumableUpload: false,
      scheduledPublish: false,
    },
    submit: async () => {
      calls.push('submit');
      return next(false);
    },
    update: async () => {
      calls.push('update');
      return next(false);
    },
    remove: async () => {
      calls.push('remove');
      return next(true);
    },
    poll: async () => {
      calls.push('poll');
      return next(false);
    },
    close: async () => {},
  };
}

describe('takedowns (property over random failure schedules)', () => {
  it('after sunset + the overdue delay, every record is removed or has raised takedown-overdue, and removals never stop', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(start, { minLength: 1, maxLength: 5 }),
        fc.array(step, { minLength: 1, maxLength: 12 }),
        fc.constantFrom(0, 10 * 60_000, 2 * HOUR),
        async (starts, schedule, overdueMs) => {
          let now = SUNSET - HOUR;
          const store = createMemoryDistributionStore();
          const adapter = scheduled(schedule, () => now);
          const distributor = createDistributor({
            store,
            clock: { now: () => now },
            source: { load: async (assetId) => filelessDeliverySubject(assetId) },
            endpoints: [filelessEndpoint('ep', adapter)],
            retry: { baseMs: 60_000, maxMs: HOUR, maxAttempts: 3 },
            takedownOverdueMs: overdueMs,
          });
          const raised = new Set<string>();
          distributor.on('takedown-overdue', ({ record }) => raised.add(record.id));
          for (const [i, s] of starts.entries()) {
            const r: DistributionRecord = DistributionRecordSchema.parse({
              id: `a${i}@ep`,
              assetId: `a${i}`,
              endpointId: 'ep',
              versionId: `a${i}-v`,
              state: s.state,
              revision: 0,
              origin: 'automatic',
              window: { sunset: iso(SUNSET), source: 'manual' },
              createdAt: iso(now - 48 * HOUR),
              updatedAt: iso(now - HOUR),
              ...(s.remoteId ? { remoteId: `r-${i}` } : {}),
              ...(s.removalOwed && s.state !== 'pending' && s.state !== 'queued'
                ? { removalOwed: true, removalReason: 'requested', removalOwedAt: iso(SUNSET - HOUR) }
                : {}),
              ...(s.state === 'parked'
                ? { parkedUntil: iso(SUNSET + s.parkedHours * HOUR), resumeState: s.resumeState }
                : {}),
              ...(s.leaseHours === undefined ? {} : { leaseUntil: iso(SUNSET + s.leaseHours * HOUR) }),
            });
            await store.put(r, undefined);
          }
          // Sweep when told to (and at least hourly, as a timer would) until the budget ran out.
          const budgetEnd = SUNSET + 2 * HOUR + overdueMs + 1;
          for (let sweeps = 0; now <= budgetEnd; sweeps++) {
            expect(sweeps).toBeLessThan(500);
            const report = await distributor.sweep(now);
            const wake = report.nextWakeAt === undefined ? now + HOUR : Date.parse(report.nextWakeAt);
            now = Math.min(Math.max(wake, now + 1), now + HOUR);
          }
          for (const r of await store.list()) {
            const neverSent =
              (r.state === 'pending' || r.state === 'queued') && !r.history.some((h) => h.to === 'submitting');
            if (neverSent) continue;
            const ok = r.state === 'removed' || (r.takedownOverdueAt !== undefined && raised.has(r.id));
            expect(ok, `${r.id} ended ${r.state} (${JSON.stringify(r.history.map((h) => h.to))})`).toBe(true);
            // Never given up: a takedown not done is still owed, and due again.
            if (r.state !== 'removed') {
              expect(r.removalOwed).toBe(true);
              expect(r.nextAttemptAt ?? r.parkedUntil ?? r.leaseUntil).toBeDefined();
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);
});
