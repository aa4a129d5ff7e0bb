import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DistributionGate } from './gate.js';
import type { DistributionOutcome } from './port.js';
import { type DistributionRecord, type DistributionState, DistributionStateSchema } from './record.js';
import {
  type DistributionAction,
  ERROR_STATE_OF,
  ERROR_STATES,
  IN_FLIGHT_STATES,
  TAKEDOWN_STATES,
  UNSENT_STATES,
} from './states.js';
import {
  applyOutcome,
  type DistributionDecision,
  decide,
  enqueued,
  nextWake,
  type OutcomeInput,
} from './transitions.js';

const NOW = Date.parse('2027-03-01T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3_600_000;

/** An instant around NOW (past or future by up to two days), or none. */
const instant = fc.option(
  fc.integer({ min: -48, max: 48 }).map((h) => iso(NOW + h * HOUR)),
  { nil: undefined },
);
const state = fc.constantFrom(...DistributionStateSchema.options);

const record: fc.Arbitrary<DistributionRecord> = fc
  .record({
    state,
    resumeState: fc.option(state, { nil: undefined }),
    sunrise: instant,
    sunset: instant,
    leaseUntil: instant,
    nextAttemptAt: instant,
    parkedUntil: instant,
    removalOwed: fc.boolean(),
    removalReason: fc.option(fc.constantFrom('requested', 'sunset', 'rights not held at this instant'), {
      nil: undefined,
    }),
    changes: fc.nat(5),
    applied: fc.nat(5),
    approved: fc.nat(5),
    attempts: fc.nat(9),
    remoteId: fc.option(fc.constant('remote-1'), { nil: undefined }),
  })
  .map((g) => {
    const r: DistributionRecord = {
      id: 'a1@e1',
      assetId: 'a1',
      endpointId: 'e1',
      versionId: 'v1',
      state: g.state,
      revision: 3,
      origin: 'automatic',
      changes: g.changes,
      appliedChanges: Math.min(g.applied, g.changes),
      approvedChanges: Math.min(g.approved, g.changes),
      removalOwed: g.removalOwed,
      window: {
        ...(g.sunrise === undefined ? {} : { sunrise: g.sunrise }),
        ...(g.sunset === undefined ? {} : { sunset: g.sunset }),
        source: 'rights',
      },
      remoteFiles: {},
      attempts: g.attempts,
      history: [],
      createdAt: iso(NOW - 72 * HOUR),
      updatedAt: iso(NOW - HOUR),
    };
    const optional = {
      resumeState: g.resumeState,
      leaseUntil: g.leaseUntil,
      nextAttemptAt: g.nextAttemptAt,
      parkedUntil: g.parkedUntil,
      removalReason: g.removalReason,
      remoteId: g.remoteId,
    };
    for (const [k, v] of Object.entries(optional)) if (v !== undefined) Object.assign(r, { [k]: v });
    return r;
  });

const gate: fc.Arbitrary<DistributionGate> = fc.record({ inWindow: fc.boolean(), rightsHeld: fc.boolean() });
const updates = fc.constantFrom('automatic', 'manual', 'disabled') as fc.Arbitrary<'automatic' | 'manual' | 'disabled'>;
const RESUME: Record<string, DistributionAction> = { submitting: 'submit', updating: 'update', removing: 'remove' };
const isLater = (instant: string | undefined) => instant !== undefined && Date.parse(instant) > NOW;

/** Apply decisions that change the record (as the facade does, without a store) until a call or idle. */
function settle(
  r: DistributionRecord,
  g: DistributionGate,
  u: 'automatic' | 'manual' | 'disabled',
): { final: DistributionDecision; record: DistributionRecord; rounds: number } {
  let current = r;
  for (let rounds = 1; rounds <= 4; rounds++) {
    const d = decide(current, NOW, g, u);
    if (d.kind === 'idle' || d.kind === 'call') return { final: d, record: current, rounds };
    current = d.kind === 'patch' ? { ...current, ...d.patch } : { ...d.next, state: d.state };
    if (d.kind === 'transition' && d.report !== undefined) return { final: d, record: current, rounds };
  }
  throw new Error('decide did not settle');
}

describe('decide (property)', () => {
  it('never submits or updates while the gate is closed, and owes a takedown of exposed content', () => {
    fc.assert(
      fc.property(record, gate, updates, (r, g, u) => {
        const { final, record: settled } = settle(r, g, u);
        const open = g.inWindow && g.rightsHeld;
        if (!open && final.kind === 'call') expect(['remove', 'poll']).toContain(final.action);
        const leased = isLater(r.leaseUntil);
        if (!open && !leased && TAKEDOWN_STATES.has(r.state)) {
          expect(settled.removalOwed).toBe(true);
          if (
            !isLater(settled.nextAttemptAt) &&
            (r.state !== 'parked' || r.resumeState !== 'removing' || !isLater(r.parkedUntil))
          )
            expect(final).toEqual({ kind: 'call', action: 'remove' });
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('leaves a leased record alone, and acts on nothing before it is due', () => {
    fc.assert(
      fc.property(record, gate, updates, (r, g, u) => {
        const d = decide(r, NOW, g, u);
        if (isLater(r.leaseUntil)) expect(d).toEqual({ kind: 'idle' });
        const gateOwes = !(g.inWindow && g.rightsHeld) && TAKEDOWN_STATES.has(r.state);
        // Parking waits for its end, but never delays a takedown.
        const takedown = gateOwes || (r.removalOwed && r.resumeState !== 'removing');
        if (r.state === 'parked' && isLater(r.parkedUntil) && !takedown) expect(d).toEqual({ kind: 'idle' });
        if (r.state === 'parked' && !isLater(r.leaseUntil) && r.removalOwed && r.resumeState !== 'removing')
          expect(d).toMatchObject({ kind: 'transition', state: 'removing' });
        if (isLater(r.nextAttemptAt) && r.state !== 'parked' && !gateOwes) expect(d.kind).not.toBe('call');
      }),
      { numRuns: 2_000 },
    );
  });

  it('cancels owed removals of what was never sent, resumes calls left in flight, settles in a few steps', () => {
    fc.assert(
      fc.property(record, gate, updates, (r, g, u) => {
        const frozen = structuredClone(r);
        const { final, rounds } = settle(r, g, u);
        expect(r).toEqual(frozen); // pure: the input is not touched
        expect(rounds).toBeLessThanOrEqual(3);
        const free = !isLater(r.leaseUntil) && r.state !== 'parked' && !isLater(r.nextAttemptAt);
        if (free && r.removalOwed && UNSENT_STATES.has(r.state))
          expect(final).toMatchObject({ kind: 'transition', state: 'removed', report: { action: 'cancel' } });
        if (free && !r.removalOwed && IN_FLIGHT_STATES.has(r.state) && g.inWindow && g.rightsHeld)
          expect(final).toEqual({ kind: 'call', action: RESUME[r.state] });
        if (final.kind === 'call' && final.action === 'update' && r.state === 'live') {
          expect(u).not.toBe('disabled');
          expect(r.changes).toBeGreaterThan(r.appliedChanges);
        }
      }),
      { numRuns: 2_000 },
    );
  });
});

const outcome: fc.Arbitrary<DistributionOutcome> = fc.oneof(
  fc.record({
    kind: fc.constant('success' as const),
    remoteState: fc.constantFrom('live', 'processing', 'scheduled', 'unpublished', 'removed') as fc.Arbitrary<
      'live' | 'processing' | 'scheduled' | 'unpublished' | 'removed'
    >,
  }),
  fc.record({ kind: fc.constant('retry' as const), afterMs: fc.nat(10 * HOUR), reason: fc.constant('busy') }),
  fc.record({
    kind: fc.constant('parked' as const),
    until: fc.constant(iso(NOW + 5 * HOUR)),
    reason: fc.constant('quota'),
  }),
  fc.record({
    kind: fc.constant('failed' as const),
    code: fc.constant('INVALID_INPUT' as const),
    message: fc.constant('bad'),
  }),
  fc.record({ kind: fc.constant('auth-required' as const), reason: fc.constant('token revoked') }),
);
const action = fc.constantFrom('submit', 'update', 'remove', 'poll') as fc.Arbitrary<DistributionAction>;

/** The state a call leaves a record in while in flight, as the facade claims it. */
const claimed = (a: DistributionAction, from: DistributionState): DistributionState =>
  a === 'poll' ? from : a === 'submit' ? 'submitting' : a === 'update' ? 'updating' : 'removing';

describe('applyOutcome (property)', () => {
  it('takes every outcome where it belongs, keeping requests made during the call', () => {
    fc.assert(
      fc.property(
        record,
        action,
        outcome,
        fc.boolean(),
        fc.integer({ min: 1, max: 10 }),
        (r0, a, o, confirmsRemoval, maxAttempts) => {
          const from: DistributionState =
            a === 'poll' ? (r0.state === 'removing' ? 'removing' : 'processing') : r0.state;
          const r = { ...r0, state: claimed(a, from), leaseUntil: iso(NOW + HOUR) };
          const input: OutcomeInput = {
            action: a,
            from,
            outcome: o,
            capturedChanges: r.changes,
            now: NOW,
            pollIntervalMs: 60_000,
            retry: { baseMs: 30_000, maxMs: HOUR, jitter: 'none', maxAttempts },
            confirmsRemoval,
          };
          const t = applyOutcome(r, input);
          expect(t.next.leaseUntil).toBeUndefined();
          expect(t.next.changes).toBe(r.changes);
          expect(t.next.appliedChanges).toBeGreaterThanOrEqual(r.appliedChanges);
          expect(t.event).toBe(a);
          const removal = a === 'remove' || (a === 'poll' && from === 'removing');
          const failState = ERROR_STATE_OF[a === 'poll' ? (from === 'removing' ? 'remove' : 'submit') : a];
          switch (o.kind) {
            case 'success':
              expect(t.next.attempts).toBe(0);
              if (removal) {
                const gone = o.remoteState === 'removed' || o.remoteState === 'unpublished' || !confirmsRemoval;
                expect(t.state).toBe(gone ? 'removed' : 'removing');
                if (gone) expect(t.next.removalOwed).toBe(false);
              } else if (o.remoteState === 'removed') {
                // Gone at the endpoint (deleted while processing): never recorded live.
                expect(t.state).toBe('removed');
              } else {
                expect(t.state).toBe(o.remoteState === 'processing' ? 'processing' : 'live');
                if (a === 'submit' || a === 'update') expect(t.next.appliedChanges).toBe(r.changes);
              }
              break;
            case 'retry':
              expect(t.next.attempts).toBe(r.attempts + 1);
              if (r.attempts + 1 >= maxAttempts && !removal) {
                expect(t.state).toBe(failState);
                expect(t.next.lastError?.message).toMatch(/gave up after/);
              } else {
                expect(t.state).toBe(a === 'poll' ? from : r.state);
                const wait = Date.parse(t.next.nextAttemptAt as string) - NOW;
                expect(wait).toBeGreaterThanOrEqual(o.afterMs);
                expect(wait).toBeGreaterThanOrEqual(Math.min(30_000 * 2 ** r.attempts, HOUR));
              }
              break;
            case 'parked':
              expect(t.state).toBe('parked');
              expect(t.next.parkedUntil).toBe(o.until);
              expect(t.next.resumeState).toBe(a === 'poll' ? from : r.state);
              break;
            default:
              expect(t.state).toBe(failState);
              expect(ERROR_STATES.has(t.state)).toBe(true);
              expect(t.next.lastError?.code).toBe(o.kind === 'failed' ? o.code : 'AUTH');
              // A failed removal stays owed and is tried again after a backoff.
              if (removal && r.removalOwed) {
                expect(t.next.removalOwed).toBe(true);
                expect(Date.parse(t.next.nextAttemptAt as string)).toBeGreaterThan(NOW);
              }
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('keeps a change requested while an update was in flight owed, and due at once', () => {
    fc.assert(
      fc.property(record, fc.nat(3), (r0, extra) => {
        const r = { ...r0, state: 'updating' as const, changes: r0.changes + extra };
        const t = applyOutcome(r, {
          action: 'update',
          from: 'live',
          outcome: { kind: 'success', remoteState: 'live' },
          capturedChanges: r0.changes,
          now: NOW,
          pollIntervalMs: 60_000,
          retry: { baseMs: 30_000, maxAttempts: 8, jitter: 'none' },
          confirmsRemoval: false,
        });
        expect(t.state).toBe('live');
        expect(t.next.appliedChanges).toBe(Math.max(r0.appliedChanges, r0.changes));
        if (extra > 0) expect(t.next.nextAttemptAt).toBe(iso(NOW));
        else expect(t.next.nextAttemptAt).toBeUndefined();
      }),
    );
  });
});

describe('enqueued and nextWake', () => {
  const window = { sunrise: iso(NOW + HOUR), sunset: iso(NOW + 5 * HOUR), source: 'manual' as const };
  const input = { id: 'a1@e1', assetId: 'a1', endpointId: 'e1', versionId: 'v2', origin: 'manual' as const, now: NOW };

  it('queues a new submission now, or holds it pending until sunrise; starting over clears the past', () => {
    expect(enqueued(undefined, { ...input, window: { source: 'none' } })).toMatchObject({
      state: 'queued',
      event: 'submit',
      next: { nextAttemptAt: iso(NOW), attempts: 0, revision: 0 },
    });
    fc.assert(
      fc.property(record, (r) => {
        const t = enqueued({ ...r, lastError: { code: 'AUTH', message: 'x' } }, { ...input, window });
        expect(t.state).toBe('pending');
        expect(t.next).toMatchObject({
          versionId: 'v2',
          nextAttemptAt: window.sunrise,
          removalOwed: false,
          attempts: 0,
        });
        expect(t.next.lastError).toBeUndefined();
        expect(t.next.history).toBe(r.history);
      }),
      { numRuns: 200 },
    );
  });

  it('wakes at the earliest of the next attempt, the end of parking, the sunset of content that may be out, and an overdue takedown', () => {
    fc.assert(
      fc.property(record, fc.option(instant, { nil: undefined }), fc.nat(5 * HOUR), (r0, owedAt, overdueMs) => {
        const r = owedAt === undefined ? r0 : { ...r0, removalOwedAt: owedAt };
        const wake = nextWake(r, overdueMs);
        const exposed = [
          'live',
          'processing',
          'updating',
          'submitting',
          'removing',
          'error-update',
          'error-submit',
          'error-remove',
          'parked',
        ].includes(r.state);
        const overdue =
          r.removalOwed && r.removalOwedAt !== undefined && r.state !== 'removed'
            ? iso(Date.parse(r.removalOwedAt) + overdueMs + 1)
            : undefined;
        const lease = r.leaseUntil === undefined ? Number.NEGATIVE_INFINITY : Date.parse(r.leaseUntil);
        const times = [
          r.state === 'parked' ? undefined : r.nextAttemptAt,
          r.parkedUntil,
          exposed && !r.removalOwed ? r.window.sunset : undefined,
        ]
          .filter((t): t is string => t !== undefined)
          .map((t) => Math.max(Date.parse(t), lease));
        if (overdue !== undefined) times.push(Date.parse(overdue));
        expect(wake).toBe(times.length === 0 ? undefined : Math.min(...times));
      }),
      { numRuns: 500 },
    );
  });
});
