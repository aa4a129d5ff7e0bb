import { randomUUID } from 'node:crypto';
import { FramewiseError, messageOf } from '../errors/index.js';
import {
  type Clock,
  type Logger,
  parseInput,
  parseOptions,
  silentLogger,
  systemClock,
  TypedEvents,
} from '../support/index.js';
import { announce, auditCall, type DistributorEvents, escalate } from './distribution-events.js';
import {
  type DistributorOptions,
  DistributorOptionsSchema,
  type ParsedDistributorOptions,
} from './distributor-options.js';
import { createEndpointSlots } from './endpoint-slots.js';
import { gateOf, submissionWindow } from './gate.js';
import { holdLease } from './lease.js';
import type { DeliverySubject, DistributionEndpoint } from './package.js';
import type { DistributionContext } from './port.js';
import { type DeliveryProfile, DeliveryProfileSchema } from './profile.js';
import { type DistributionRecord, type DistributionState, distributionRecordId } from './record.js';
import { RecordWriter } from './record-writer.js';
import { callEndpoint } from './remote-call.js';
import {
  CLAIMED_STATE_OF,
  type DistributionAction,
  LIVE_STATES,
  NO_UPDATE_STATES,
  RESUBMITTABLE_STATES,
} from './states.js';
import { applyOutcome, decide, enqueued, nextWake, owe, takedownOverdue } from './transitions.js';
import { type DeliveryValidation, validateDelivery } from './validate.js';

export type { DistributionEvent, DistributorEvents } from './distribution-events.js';
export { type DistributorOptions, DistributorOptionsSchema } from './distributor-options.js';

/** One thing a sweep did. */
export interface SweepAction {
  readonly recordId: string;
  readonly action: 'submit' | 'update' | 'remove' | 'poll' | 'hold' | 'cancel';
  readonly from: DistributionState;
  readonly to: DistributionState;
  readonly note?: string;
}

/** What {@link Distributor.sweep} did, and when the next one is due. */
export interface SweepReport {
  readonly at: string;
  /** Records looked at. */
  readonly examined: number;
  readonly actions: readonly SweepAction[];
  /** The earliest instant something is due (a retry, a sunrise, a sunset, a poll), if any. */
  readonly nextWakeAt?: string;
}

/** Options of {@link Distributor.submit}. */
export interface DistributionSubmitOptions {
  readonly versionId: string;
  /** A window set by hand instead of the rights windows. */
  readonly window?: { readonly sunrise?: string; readonly sunset?: string };
}

/**
 * The distribution orchestrator: one record per asset × endpoint, moved through explicit states by
 * {@link Distributor.sweep}. Validation comes before any send; the rights gate is absolute (nothing
 * is submitted, or kept live, where the endpoint's territories and channel are not covered at that
 * instant); windows default to the rights windows; changes become updates computed from the
 * difference with what was last sent; removals fall back from delete to unpublish; remote ids and
 * resume state are saved as soon as adapters report them; every write is compare-and-set.
 *
 * This class is the facade: what is due and where an outcome leads are pure functions
 * (`decide`, `applyOutcome`), records are written by a compare-and-set writer, the gate and the
 * remote call are modules of their own. Create one with {@link createDistributor}.
 */
export class Distributor {
  readonly #o: ParsedDistributorOptions;
  readonly #endpoints = new Map<string, { endpoint: DistributionEndpoint; profile: DeliveryProfile }>();
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #events = new TypedEvents<DistributorEvents>();
  readonly #writer: RecordWriter;
  /** Remote calls in flight per endpoint, at most its `maxConcurrent`. */
  readonly #slots = createEndpointSlots();
  /** Who this distributor is, in the leases it holds. */
  readonly #id = `distributor-${randomUUID()}`;

  /** Prefer {@link createDistributor}; both parse the options once. */
  #closed = false;

  constructor(options: DistributorOptions) {
    const o = parseOptions(DistributorOptionsSchema, options, 'Distributor options');
    this.#o = o;
    this.#clock = o.clock ?? systemClock;
    this.#log = o.logger ?? silentLogger;
    this.#writer = new RecordWriter(o.store, this.#clock, (before, written, event, note) =>
      this.#log.info(
        {
          record: written.id,
          endpoint: written.endpointId,
          from: before?.state ?? 'new',
          to: written.state,
          event,
          ...(note === undefined ? {} : { note: note.slice(0, 500) }),
        },
        `distribution: ${before?.state ?? 'new'} → ${written.state}`,
      ),
    );
    for (const endpoint of o.endpoints) {
      const profile = parseInput(
        DeliveryProfileSchema,
        endpoint.profile,
        `Delivery profile of endpoint "${endpoint.id}"`,
      );
      this.#endpoints.set(endpoint.id, { endpoint, profile });
    }
  }

  /** Listen to an event; returns a function that stops listening. */
  on<E extends keyof DistributorEvents>(event: E, listener: (payload: DistributorEvents[E]) => void): () => void {
    return this.#events.on(event, listener);
  }

  #endpoint(id: string) {
    const e = this.#endpoints.get(id);
    if (e === undefined) throw new FramewiseError('NOT_FOUND', `No endpoint "${id}"`, { details: { endpointId: id } });
    return e;
  }

  #iso(ms = this.#clock.now()): string {
    return new Date(ms).toISOString();
  }

  /**
   * Check a version against an endpoint's profile now (or at `at`), as a submission would: every
   * problem with its parameters and a fix hint.
   */
  async validate(assetId: string, versionId: string, endpointId: string, at?: number): Promise<DeliveryValidation> {
    this.#assertOpen();
    const { endpoint, profile } = this.#endpoint(endpointId);
    const subject = await this.#o.source.load(assetId, versionId, profile);
    return this.#validate(endpoint, profile, subject, at ?? this.#clock.now());
  }

  #validate(endpoint: DistributionEndpoint, profile: DeliveryProfile, subject: DeliverySubject, at: number) {
    return validateDelivery(profile, {
      ...subject,
      fields: endpoint.fields(subject),
      at,
      ...(this.#o.rights === undefined ? {} : { rights: this.#o.rights }),
    });
  }

  /**
   * A version is ready: every endpoint whose profile submits automatically gets a record, due at
   * its window's sunrise (the rights window unless set by hand).
   */
  async ready(assetId: string, versionId: string): Promise<DistributionRecord[]> {
    this.#assertOpen();
    const out: DistributionRecord[] = [];
    for (const { endpoint, profile } of this.#endpoints.values()) {
      if (profile.automation.submit !== 'automatic') continue;
      out.push(await this.#enqueue(assetId, endpoint.id, { versionId }, 'automatic'));
    }
    return out;
  }

  /**
   * Ask for a version to go to an endpoint. It is validated at once: a version that would be
   * refused is refused now, with every problem.
   *
   * @throws `INVALID_INPUT` whose `details.problems` lists each problem; `FORBIDDEN` when the
   * endpoint's submissions are disabled.
   */
  async submit(assetId: string, endpointId: string, options: DistributionSubmitOptions): Promise<DistributionRecord> {
    this.#assertOpen();
    const { endpoint, profile } = this.#endpoint(endpointId);
    if (profile.automation.submit === 'disabled')
      throw new FramewiseError('FORBIDDEN', `Submissions to "${endpointId}" are disabled by its profile`, {
        details: { endpointId },
      });
    const subject = await this.#o.source.load(assetId, options.versionId, profile);
    const at = options.window?.sunrise === undefined ? this.#clock.now() : Date.parse(options.window.sunrise);
    const validation = this.#validate(endpoint, profile, subject, at);
    const blocking = validation.problems.filter((p) => p.kind !== 'rights-not-held' || options.window === undefined);
    if (blocking.length > 0) throw invalid(assetId, endpointId, blocking);
    return this.#enqueue(assetId, endpointId, options, 'manual');
  }

  async #enqueue(
    assetId: string,
    endpointId: string,
    options: DistributionSubmitOptions,
    origin: 'automatic' | 'manual',
  ): Promise<DistributionRecord> {
    const { profile } = this.#endpoint(endpointId);
    const id = distributionRecordId(assetId, endpointId);
    const now = this.#clock.now();
    const existing = await this.#o.store.get(id);
    if (existing !== undefined && !RESUBMITTABLE_STATES.has(existing.state)) return existing;
    const window = submissionWindow(options.window, this.#o.rights, assetId, options.versionId, profile, now);
    const t = enqueued(existing, { id, assetId, endpointId, versionId: options.versionId, origin, window, now });
    return this.#writer.write(existing, t.next, t.state, t.event);
  }

  /**
   * The asset's metadata or files changed: every record where it is live owes an update, made
   * automatically or on {@link Distributor.approveUpdate}, as the profile says. A change while an
   * update is in flight is never lost: it is counted and sent after.
   */
  async changed(assetId: string): Promise<DistributionRecord[]> {
    this.#assertOpen();
    const out: DistributionRecord[] = [];
    for (const r of await this.#o.store.list({ assetId })) {
      if (NO_UPDATE_STATES.has(r.state)) continue;
      const { profile } = this.#endpoint(r.endpointId);
      const automatic = profile.automation.update === 'automatic';
      out.push(
        await this.#writer.save(r, (fresh) => ({
          changes: fresh.changes + 1,
          ...(automatic && fresh.leaseUntil === undefined ? { nextAttemptAt: this.#iso(), attempts: 0 } : {}),
        })),
      );
    }
    return out;
  }

  /** Approve the owed update of a record whose endpoint's updates are manual. */
  async approveUpdate(assetId: string, endpointId: string): Promise<DistributionRecord> {
    this.#assertOpen();
    const r = await this.#require(assetId, endpointId);
    return this.#writer.save(r, (fresh) => ({
      approvedChanges: fresh.changes,
      nextAttemptAt: this.#iso(),
      attempts: 0,
    }));
  }

  /** Take an asset down from an endpoint (owed until the endpoint confirms, or a typed error). */
  async remove(assetId: string, endpointId: string, reason = 'requested'): Promise<DistributionRecord> {
    this.#assertOpen();
    const r = await this.#require(assetId, endpointId);
    return this.#writer.save(r, owe(reason, this.#clock.now()));
  }

  /** Set an asset's window at an endpoint by hand (instead of the rights windows). */
  async setWindow(
    assetId: string,
    endpointId: string,
    window: { readonly sunrise?: string; readonly sunset?: string },
  ): Promise<DistributionRecord> {
    this.#assertOpen();
    const r = await this.#require(assetId, endpointId);
    const sunrise = window.sunrise === undefined ? undefined : Date.parse(window.sunrise);
    return this.#writer.save(r, {
      window: { ...window, source: 'manual' },
      ...(r.state === 'pending' && sunrise !== undefined ? { nextAttemptAt: window.sunrise } : {}),
    });
  }

  /** The record of an asset at an endpoint. */
  async get(assetId: string, endpointId: string): Promise<DistributionRecord | undefined> {
    this.#assertOpen();
    return this.#o.store.get(distributionRecordId(assetId, endpointId));
  }

  /** What is live on an endpoint (or processing there, or being updated). */
  async liveOn(endpointId: string): Promise<DistributionRecord[]> {
    this.#assertOpen();
    return this.#o.store.list({ endpointId, states: [...LIVE_STATES] });
  }

  /** Where an asset is: its record at every endpoint. */
  async whereIs(assetId: string): Promise<DistributionRecord[]> {
    this.#assertOpen();
    return this.#o.store.list({ assetId });
  }

  async #require(assetId: string, endpointId: string): Promise<DistributionRecord> {
    this.#endpoint(endpointId);
    const r = await this.#o.store.get(distributionRecordId(assetId, endpointId));
    if (r === undefined)
      throw new FramewiseError('NOT_FOUND', `"${assetId}" has no distribution record at "${endpointId}"`, {
        details: { assetId, endpointId },
      });
    return r;
  }

  /**
   * Do whatever is due at `now`: submissions at sunrise, takedowns at sunset or when rights lapse,
   * owed updates and removals, retries, polls, and work parked until a time. Call it on a timer
   * (every minute) and at `nextWakeAt`; each record is handled by one distributor at a time.
   */
  async sweep(now = this.#clock.now()): Promise<SweepReport> {
    this.#assertOpen();
    const records = await this.#o.store.list();
    const done: (SweepAction | undefined)[] = new Array(records.length);
    let wake = Number.POSITIVE_INFINITY;
    let next = 0;
    const handle = async (record: DistributionRecord, index: number) => {
      this.#writer.forget(record.id);
      try {
        done[index] = await this.#step(record, now);
      } catch (error) {
        if ((error as { code?: string }).code === 'CONFLICT') return; // another distributor has it
        this.#log.error({ record: record.id, error: messageOf(error) }, 'distribution: step failed');
      }
      // Read the record again only when the step wrote it (most records in a sweep are untouched).
      const fresh = this.#writer.forget(record.id) ? ((await this.#o.store.get(record.id)) ?? record) : record;
      const due = nextWake(fresh, this.#o.takedownOverdueMs);
      if (due !== undefined) wake = Math.min(wake, due);
    };
    const worker = async () => {
      while (next < records.length) {
        const index = next++;
        await handle(records[index] as DistributionRecord, index);
      }
    };
    const workers = Math.max(1, Math.min(this.#o.concurrency, records.length));
    await Promise.all(Array.from({ length: workers }, worker));
    const actions = done.filter((a): a is SweepAction => a !== undefined);
    return {
      at: this.#iso(now),
      examined: records.length,
      actions,
      ...(Number.isFinite(wake) ? { nextWakeAt: this.#iso(Math.max(wake, now)) } : {}),
    };
  }

  /** Apply what {@link decide} says until it calls out, reports, or has nothing to do. */
  async #step(record: DistributionRecord, now: number): Promise<SweepAction | undefined> {
    const entry = this.#endpoints.get(record.endpointId);
    if (entry === undefined) return undefined;
    const gate = gateOf(record, entry.profile, this.#o.rights, now);
    let r = record;
    // Each decision but a call or an idle changes what the next one sees (unpark, owe a takedown, then act).
    for (let round = 0; round < 4; round++) {
      const d = decide(r, now, gate, entry.profile.automation.update, this.#o.takedownOverdueMs);
      switch (d.kind) {
        case 'idle':
          return undefined;
        case 'call':
          return this.#run(r, d.action, now);
        case 'patch':
          r = await this.#writer.save(r, d.patch);
          if (d.escalate === true)
            escalate(this.#events, this.#log, r, r.state, r.state === 'parked' ? 'parked' : 'waiting');
          break;
        case 'transition': {
          const from = r.state;
          r = await this.#writer.write(r, d.next, d.state, d.event, d.note);
          if (d.report !== undefined)
            return { recordId: r.id, action: d.report.action, from, to: r.state, note: d.report.note };
        }
      }
    }
    throw new FramewiseError('INTERNAL', `Distribution record "${record.id}" did not settle in one sweep step`, {
      details: { id: record.id, state: r.state },
    });
  }

  /** One remote action, waiting for a slot of the endpoint's `maxConcurrent` (default 1). */
  async #run(record: DistributionRecord, action: DistributionAction, now: number): Promise<SweepAction> {
    const { endpoint } = this.#endpoint(record.endpointId);
    const release = await this.#slots.acquire(endpoint.id, endpoint.maxConcurrent ?? 1);
    try {
      return await this.#runNow(record, action, now);
    } finally {
      release();
    }
  }

  async #runNow(record: DistributionRecord, action: DistributionAction, now: number): Promise<SweepAction> {
    const { endpoint, profile } = this.#endpoint(record.endpointId);
    const from = record.state;
    const claimed = action === 'poll' ? from : CLAIMED_STATE_OF[action];
    // Claim the record (compare-and-set) before calling out, with a lease another distributor
    // honours; the lease is renewed by heartbeat while the call runs.
    let r = await this.#writer.write(
      record,
      { ...record, leaseUntil: this.#iso(now + this.#o.leaseMs), leaseHolder: this.#id },
      claimed,
      action,
    );
    const lease = holdLease({
      holder: this.#id,
      leaseMs: this.#o.leaseMs,
      clock: this.#clock,
      leaseUntil: Date.parse(r.leaseUntil as string),
      renew: async () => {
        r = await this.#writer.save(r, (fresh) => {
          lease.check(fresh);
          return { leaseUntil: this.#iso(this.#clock.now() + this.#o.leaseMs) };
        });
        return Date.parse(r.leaseUntil as string);
      },
      onLost: (why) => this.#log.warn({ record: r.id, why }, 'distribution: lease lost, the call is aborted'),
    });
    const ctx: DistributionContext = {
      remoteId: r.remoteId,
      remoteFiles: r.remoteFiles,
      progress: r.progress,
      signal: lease.signal,
      save: async (update) => {
        // Nothing is saved (and so no side effect follows) once the lease is lost.
        lease.check();
        r = await this.#writer.save(r, (fresh) => {
          lease.check(fresh);
          return {
            ...(update.remoteId === undefined ? {} : { remoteId: update.remoteId }),
            ...(update.remoteFiles === undefined
              ? {}
              : { remoteFiles: { ...fresh.remoteFiles, ...update.remoteFiles } }),
            ...('progress' in update ? { progress: update.progress } : {}),
          };
        });
      },
    };
    const capturedChanges = r.changes;
    let called: Awaited<ReturnType<typeof callEndpoint>>;
    try {
      called = await callEndpoint({
        endpoint,
        profile,
        record: r,
        action,
        ctx,
        now,
        source: this.#o.source,
        validate: (subject) => this.#validate(endpoint, profile, subject, now),
        tracer: this.#o.tracer,
      });
    } finally {
      lease.stop();
    }
    const { outcome, pkg } = called;
    let escalated = false;
    // Requests made while the call was in flight (a change, a removal) wrote the record: apply the
    // outcome on the fresh record, so they are kept. A call whose lease was lost writes nothing:
    // the record belongs to whoever took it over.
    r = await this.#writer.writeFresh(r, (fresh) => {
      lease.check(fresh);
      const t = applyOutcome(fresh, {
        action,
        from,
        outcome,
        pkg,
        capturedChanges,
        now,
        pollIntervalMs: this.#o.pollIntervalMs,
        retry: { ...this.#o.retry, jitter: 'none' },
        confirmsRemoval: endpoint.adapter.capabilities.confirmsRemoval,
      });
      escalated =
        outcome.kind !== 'success' &&
        takedownOverdue({ ...t.next, state: t.state }, now, this.#o.takedownOverdueMs, true);
      return escalated ? { ...t, next: { ...t.next, takedownOverdueAt: this.#iso(now) } } : t;
    });
    announce(this.#events, this.#log, { record: r, from, action, outcome });
    if (escalated) escalate(this.#events, this.#log, r, from, outcome.kind);
    if (this.#o.audit !== undefined) await auditCall(this.#o.audit, this.#log, r, action, outcome);
    return {
      recordId: r.id,
      action,
      from,
      to: r.state,
      ...(outcome.kind === 'success'
        ? {}
        : { note: 'reason' in outcome ? outcome.reason : 'message' in outcome ? outcome.message : undefined }),
    } as SweepAction;
  }

  /**
   * Release every endpoint adapter. Every later call fails with `CONFLICT` ("closed"); closing again
   * does nothing.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const { endpoint } of this.#endpoints.values()) await endpoint.adapter.close();
  }

  #assertOpen(): void {
    if (this.#closed) throw new FramewiseError('CONFLICT', 'The distributor is closed', { details: { closed: true } });
  }
}

function invalid(assetId: string, endpointId: string, problems: DeliveryValidation['problems']): FramewiseError {
  return new FramewiseError(
    'INVALID_INPUT',
    `"${assetId}" cannot go to "${endpointId}": ${problems.map((p) => p.message).join('; ')}`,
    { details: { assetId, endpointId, problems } },
  );
}

/**
 * Create a {@link Distributor}: the options are parsed once against {@link DistributorOptionsSchema}
 * (`INVALID_CONFIG` naming each wrong option). No I/O happens until it is used.
 *
 * @example
 * ```ts
 * const distributor = createDistributor({ store, endpoints: [youtube], source: catalogDeliverySource(catalog, storage) });
 * distributor.on('live', ({ record }) => notify(record.assetId, record.endpointId));
 * setInterval(() => distributor.sweep(), 60_000);
 * ```
 */
export function createDistributor(options: DistributorOptions): Distributor {
  return new Distributor(options);
}
