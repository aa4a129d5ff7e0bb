import type { Catalog, PrincipalInput } from '../catalog/index.js';
import { asFramewiseError, FramewiseError } from '../errors/index.js';
import type { RightsEngine } from '../rights/engine.js';
import { type Clock, type Logger, parseInput, silentLogger, systemClock } from '../support/index.js';
import {
  buildPackage,
  type DeliverySource,
  type DeliverySubject,
  type DistributionEndpoint,
  diffPackage,
  fieldHashes,
} from './package.js';
import type { DeliveryPackage, DistributionContext, DistributionOutcome } from './port.js';
import { type DeliveryProfile, DeliveryProfileSchema } from './profile.js';
import { type DistributionRecord, type DistributionState, distributionRecordId, redact } from './record.js';
import type { DistributionRecordStore } from './record-store.js';
import { type DeliveryValidation, validateDelivery } from './validate.js';
import { rightsCover, rightsWindow } from './window.js';

/** Options of {@link createDistributor}. */
export interface DistributorOptions {
  readonly store: DistributionRecordStore;
  readonly endpoints: readonly DistributionEndpoint[];
  /** Where versions, renditions, thumbnails, captions and QC reports are read from. */
  readonly source: DeliverySource;
  /** The rights gate and the default windows. Without it nothing is checked against rights. */
  readonly rights?: RightsEngine;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Backoff of retryable outcomes: from `baseMs` (30 s) doubling to `maxMs` (1 h), at most `maxAttempts` (8). */
  readonly retry?: { readonly baseMs?: number; readonly maxMs?: number; readonly maxAttempts?: number };
  /** How often an endpoint that processes asynchronously is asked where the content stands (60 s). */
  readonly pollIntervalMs?: number;
  /** How long a remote call may hold a record before another distributor takes over (15 min). */
  readonly leaseMs?: number;
  /** Record every submission, update, removal and rights takedown in the catalog's audit trail. */
  readonly audit?: { readonly catalog: Catalog; readonly actor: PrincipalInput };
  /**
   * Records a sweep handles at once (default 8): with a database store each step is a few round
   * trips, and endpoints are slow. Remote calls to one endpoint are further limited by its
   * `maxConcurrent`.
   */
  readonly concurrency?: number;
}

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

const ACTIVE: ReadonlySet<DistributionState> = new Set(['live', 'processing', 'updating', 'submitting']);
const IN_FLIGHT: Readonly<Partial<Record<DistributionState, 'submit' | 'update' | 'remove'>>> = {
  submitting: 'submit',
  updating: 'update',
  removing: 'remove',
};
const ERROR_OF = { submit: 'error-submit', update: 'error-update', remove: 'error-remove' } as const;

/**
 * The distribution orchestrator: one record per asset × endpoint, moved through explicit states by
 * {@link Distributor.sweep}. Validation comes before any send; the rights gate is absolute (nothing
 * is submitted, or kept live, where the endpoint's territories and channel are not covered at that
 * instant); windows default to the rights windows; changes become updates computed from the
 * difference with what was last sent; removals fall back from delete to unpublish; remote ids and
 * resume state are saved as soon as adapters report them; every write is compare-and-set.
 */
export class Distributor {
  readonly #o: DistributorOptions;
  readonly #endpoints = new Map<string, { endpoint: DistributionEndpoint; profile: DeliveryProfile }>();
  readonly #clock: Clock;
  readonly #log: Logger;
  /** Ids of records this distributor has written (a sweep re-reads only records a step changed). */
  readonly #written = new Set<string>();
  /** Remote calls in flight per endpoint, and the calls waiting for a slot. */
  readonly #slots = new Map<string, { busy: number; waiting: (() => void)[] }>();

  constructor(options: DistributorOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#log = options.logger ?? silentLogger;
    const positive = (n: number | undefined) => n === undefined || (Number.isSafeInteger(n) && n >= 1);
    if (!positive(options.concurrency))
      throw new FramewiseError(
        'INVALID_CONFIG',
        `Distributor concurrency must be a whole number ≥ 1, not ${options.concurrency}`,
      );
    for (const endpoint of options.endpoints) {
      if (this.#endpoints.has(endpoint.id))
        throw new FramewiseError('INVALID_CONFIG', `Endpoint "${endpoint.id}" is declared twice`);
      if (!positive(endpoint.maxConcurrent))
        throw new FramewiseError(
          'INVALID_CONFIG',
          `maxConcurrent of endpoint "${endpoint.id}" must be a whole number ≥ 1, not ${endpoint.maxConcurrent}`,
        );
      const profile = parseInput(
        DeliveryProfileSchema,
        endpoint.profile,
        `Delivery profile of endpoint "${endpoint.id}"`,
      );
      this.#endpoints.set(endpoint.id, { endpoint, profile });
    }
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
    if (existing !== undefined && !['removed', 'error-submit', 'pending'].includes(existing.state)) return existing;
    const window: DistributionRecord['window'] =
      options.window !== undefined
        ? { ...options.window, source: 'manual' as const }
        : this.#o.rights === undefined
          ? { source: 'none' as const }
          : (() => {
              const w = rightsWindow(this.#o.rights, assetId, options.versionId, profile, now);
              return {
                ...(w.sunrise === undefined ? {} : { sunrise: w.sunrise }),
                ...(w.sunset === undefined ? {} : { sunset: w.sunset }),
                source: 'rights' as const,
              };
            })();
    const sunrise = window.sunrise === undefined ? now : Math.max(now, Date.parse(window.sunrise));
    const base: DistributionRecord = existing ?? {
      id,
      assetId,
      endpointId,
      versionId: options.versionId,
      state: 'pending',
      revision: 0,
      origin,
      changes: 0,
      appliedChanges: 0,
      approvedChanges: 0,
      removalOwed: false,
      window: { source: 'none' },
      remoteFiles: {},
      attempts: 0,
      history: [],
      createdAt: this.#iso(now),
      updatedAt: this.#iso(now),
    };
    const next: DistributionRecord = {
      ...base,
      versionId: options.versionId,
      origin,
      window,
      removalOwed: false,
      attempts: 0,
      nextAttemptAt: this.#iso(sunrise),
    };
    delete (next as { lastError?: unknown }).lastError;
    delete (next as { removalReason?: unknown }).removalReason;
    return this.#write(existing, next, sunrise > now ? 'pending' : 'queued', origin === 'manual' ? 'submit' : 'ready');
  }

  /**
   * The asset's metadata or files changed: every record where it is live owes an update, made
   * automatically or on {@link Distributor.approveUpdate}, as the profile says. A change while an
   * update is in flight is never lost: it is counted and sent after.
   */
  async changed(assetId: string): Promise<DistributionRecord[]> {
    const out: DistributionRecord[] = [];
    for (const r of await this.#o.store.list({ assetId })) {
      if (['removed', 'removing', 'error-remove', 'error-submit', 'pending', 'queued'].includes(r.state)) continue;
      const { profile } = this.#endpoint(r.endpointId);
      const automatic = profile.automation.update === 'automatic';
      out.push(
        await this.#save(r, (fresh) => ({
          changes: fresh.changes + 1,
          ...(automatic && fresh.leaseUntil === undefined ? { nextAttemptAt: this.#iso(), attempts: 0 } : {}),
        })),
      );
    }
    return out;
  }

  /** Approve the owed update of a record whose endpoint's updates are manual. */
  async approveUpdate(assetId: string, endpointId: string): Promise<DistributionRecord> {
    const r = await this.#require(assetId, endpointId);
    return this.#save(r, (fresh) => ({ approvedChanges: fresh.changes, nextAttemptAt: this.#iso(), attempts: 0 }));
  }

  /** Take an asset down from an endpoint (owed until the endpoint confirms, or a typed error). */
  async remove(assetId: string, endpointId: string, reason = 'requested'): Promise<DistributionRecord> {
    const r = await this.#require(assetId, endpointId);
    return this.#save(r, { removalOwed: true, removalReason: reason, nextAttemptAt: this.#iso(), attempts: 0 });
  }

  /** Set an asset's window at an endpoint by hand (instead of the rights windows). */
  async setWindow(
    assetId: string,
    endpointId: string,
    window: { readonly sunrise?: string; readonly sunset?: string },
  ): Promise<DistributionRecord> {
    const r = await this.#require(assetId, endpointId);
    const sunrise = window.sunrise === undefined ? undefined : Date.parse(window.sunrise);
    return this.#save(r, {
      window: { ...window, source: 'manual' },
      ...(r.state === 'pending' && sunrise !== undefined ? { nextAttemptAt: window.sunrise } : {}),
    });
  }

  /** The record of an asset at an endpoint. */
  async get(assetId: string, endpointId: string): Promise<DistributionRecord | undefined> {
    return this.#o.store.get(distributionRecordId(assetId, endpointId));
  }

  /** What is live on an endpoint (or processing there, or being updated). */
  async liveOn(endpointId: string): Promise<DistributionRecord[]> {
    return this.#o.store.list({ endpointId, states: ['live', 'processing', 'updating'] });
  }

  /** Where an asset is: its record at every endpoint. */
  async whereIs(assetId: string): Promise<DistributionRecord[]> {
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
    const records = await this.#o.store.list();
    const done: (SweepAction | undefined)[] = new Array(records.length);
    let wake = Number.POSITIVE_INFINITY;
    let next = 0;
    const handle = async (record: DistributionRecord, index: number) => {
      this.#written.delete(record.id);
      try {
        done[index] = await this.#step(record, now);
      } catch (error) {
        if ((error as { code?: string }).code === 'CONFLICT') return; // another distributor has it
        this.#log.error({ record: record.id, error: String(error) }, 'distribution step failed');
      }
      // Read the record again only when the step wrote it (most records in a sweep are untouched).
      const fresh = this.#written.delete(record.id) ? ((await this.#o.store.get(record.id)) ?? record) : record;
      for (const t of [
        fresh.nextAttemptAt,
        fresh.parkedUntil,
        ACTIVE.has(fresh.state) ? fresh.window.sunset : undefined,
      ])
        if (t !== undefined) wake = Math.min(wake, Date.parse(t));
    };
    const worker = async () => {
      while (next < records.length) {
        const index = next++;
        await handle(records[index] as DistributionRecord, index);
      }
    };
    const workers = Math.max(1, Math.min(this.#o.concurrency ?? 8, records.length));
    await Promise.all(Array.from({ length: workers }, worker));
    const actions = done.filter((a): a is SweepAction => a !== undefined);
    return {
      at: this.#iso(now),
      examined: records.length,
      actions,
      ...(Number.isFinite(wake) ? { nextWakeAt: this.#iso(Math.max(wake, now)) } : {}),
    };
  }

  async #step(record: DistributionRecord, now: number): Promise<SweepAction | undefined> {
    let r = record;
    const entry = this.#endpoints.get(r.endpointId);
    if (entry === undefined) return undefined;
    const { profile } = entry;
    if (r.leaseUntil !== undefined && Date.parse(r.leaseUntil) > now) return undefined;
    if (r.state === 'parked') {
      if (r.parkedUntil !== undefined && Date.parse(r.parkedUntil) > now) return undefined;
      r = await this.#write(
        r,
        { ...r, parkedUntil: undefined, nextAttemptAt: this.#iso(now) },
        r.resumeState ?? 'queued',
        'unpark',
      );
    }
    // The gate: the window and the rights at this instant.
    const inWindow =
      (r.window.sunrise === undefined || Date.parse(r.window.sunrise) <= now) &&
      (r.window.sunset === undefined || now < Date.parse(r.window.sunset));
    const rightsOk = this.#o.rights === undefined || rightsCover(this.#o.rights, r.assetId, r.versionId, profile, now);
    if (!(inWindow && rightsOk) && (ACTIVE.has(r.state) || r.state === 'error-update') && !r.removalOwed) {
      const reason = !rightsOk ? 'rights not held at this instant' : 'sunset';
      r = await this.#save(r, { removalOwed: true, removalReason: reason, nextAttemptAt: this.#iso(now), attempts: 0 });
    }
    if (r.nextAttemptAt !== undefined && Date.parse(r.nextAttemptAt) > now && !r.removalOwed) return undefined;
    if (r.removalOwed) {
      if (r.state === 'pending' || r.state === 'queued') {
        const to = await this.#write(r, { ...r, removalOwed: false, nextAttemptAt: undefined }, 'removed', 'cancel');
        return { recordId: r.id, action: 'cancel', from: r.state, to: to.state, note: 'never sent' };
      }
      if (r.state === 'removed' || r.state === 'error-remove' || r.state === 'error-submit') return undefined;
      if (r.nextAttemptAt !== undefined && Date.parse(r.nextAttemptAt) > now) return undefined;
      return this.#run(r, 'remove', now);
    }
    const inFlight = IN_FLIGHT[r.state];
    if (inFlight !== undefined) return this.#run(r, inFlight, now);
    switch (r.state) {
      case 'pending':
      case 'queued': {
        if (!(inWindow && rightsOk)) {
          const note = !rightsOk ? 'rights not held' : 'before sunrise';
          const hold =
            r.window.sunrise !== undefined && Date.parse(r.window.sunrise) > now ? r.window.sunrise : undefined;
          if (r.state === 'pending' && r.nextAttemptAt === hold) return undefined;
          const to = await this.#write(r, { ...r, nextAttemptAt: hold }, 'pending', 'hold');
          return { recordId: r.id, action: 'hold', from: r.state, to: to.state, note };
        }
        return this.#run(r, 'submit', now);
      }
      case 'processing':
        return this.#run(r, 'poll', now);
      case 'live': {
        const approved = profile.automation.update === 'automatic' ? r.changes : Math.min(r.changes, r.approvedChanges);
        if (approved > r.appliedChanges && profile.automation.update !== 'disabled') return this.#run(r, 'update', now);
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** One remote action, waiting for a slot of the endpoint's `maxConcurrent` (default 1). */
  async #run(
    record: DistributionRecord,
    action: 'submit' | 'update' | 'remove' | 'poll',
    now: number,
  ): Promise<SweepAction> {
    const { endpoint } = this.#endpoint(record.endpointId);
    let slot = this.#slots.get(endpoint.id);
    if (slot === undefined) {
      slot = { busy: 0, waiting: [] };
      this.#slots.set(endpoint.id, slot);
    }
    const gate = slot;
    if (gate.busy >= (endpoint.maxConcurrent ?? 1)) await new Promise<void>((resolve) => gate.waiting.push(resolve));
    else gate.busy++;
    try {
      return await this.#runNow(record, action, now);
    } finally {
      const nextInLine = gate.waiting.shift();
      if (nextInLine === undefined) gate.busy--;
      else nextInLine();
    }
  }

  async #runNow(
    record: DistributionRecord,
    action: 'submit' | 'update' | 'remove' | 'poll',
    now: number,
  ): Promise<SweepAction> {
    const { endpoint, profile } = this.#endpoint(record.endpointId);
    const adapter = endpoint.adapter;
    const from = record.state;
    const claimedState: DistributionState =
      action === 'submit' ? 'submitting' : action === 'update' ? 'updating' : action === 'remove' ? 'removing' : from;
    // Claim the record (compare-and-set) before calling out, with a lease another distributor honours.
    let r = await this.#write(
      record,
      { ...record, leaseUntil: this.#iso(now + (this.#o.leaseMs ?? 15 * 60_000)) },
      claimedState,
      action,
    );
    const ctx: DistributionContext = {
      remoteId: r.remoteId,
      remoteFiles: r.remoteFiles,
      progress: r.progress,
      save: async (update) => {
        r = await this.#save(r, (fresh) => ({
          ...(update.remoteId === undefined ? {} : { remoteId: update.remoteId }),
          ...(update.remoteFiles === undefined ? {} : { remoteFiles: { ...fresh.remoteFiles, ...update.remoteFiles } }),
          ...('progress' in update ? { progress: update.progress } : {}),
        }));
      },
    };
    let outcome: DistributionOutcome;
    let pkg: DeliveryPackage | undefined;
    const capturedChanges = r.changes;
    try {
      if (action === 'remove') {
        const caps = adapter.capabilities;
        if (profile.automation.remove === 'disabled' && r.removalReason === 'requested')
          outcome = {
            kind: 'failed',
            code: 'FORBIDDEN',
            message: `Removals from "${endpoint.id}" are disabled by its profile`,
          };
        else if (caps.remoteDelete) outcome = await adapter.remove('delete', ctx);
        else if (caps.unpublish) outcome = await adapter.remove('unpublish', ctx);
        else
          outcome = {
            kind: 'failed',
            code: 'UNSUPPORTED',
            message: `"${endpoint.id}" can neither delete nor unpublish: take "${r.assetId}" down by hand`,
          };
      } else if (action === 'poll') {
        outcome = await adapter.poll(ctx);
      } else {
        const subject = await this.#o.source.load(r.assetId, r.versionId, profile);
        const validation = this.#validate(endpoint, profile, subject, now);
        if (!validation.ok) {
          outcome = {
            kind: 'failed',
            code: 'INVALID_INPUT',
            message: validation.problems.map((p) => p.message).join('; '),
          };
        } else {
          const publishAt =
            adapter.capabilities.scheduledPublish &&
            r.window.sunrise !== undefined &&
            Date.parse(r.window.sunrise) > now
              ? r.window.sunrise
              : undefined;
          pkg = buildPackage(endpoint, profile, subject, r, publishAt);
          if (action === 'submit' || r.remoteId === undefined) outcome = await adapter.submit(pkg, ctx);
          else {
            const changes = diffPackage(pkg, r.sent);
            outcome =
              changes.fields.length + changes.files.length + changes.removedFiles.length === 0
                ? { kind: 'success', remoteState: 'live' }
                : adapter.capabilities.update
                  ? await adapter.update(pkg, changes, ctx)
                  : await adapter.submit(pkg, ctx);
          }
        }
      }
    } catch (raw) {
      const e = asFramewiseError(raw, `${adapter.name} ${action} of "${r.assetId}"`, { recordId: r.id });
      outcome =
        e.code === 'TRANSIENT' || e.code === 'TIMEOUT' || e.code === 'RATE_LIMITED'
          ? { kind: 'retry', afterMs: e.retryAfterMs ?? 0, reason: e.message }
          : e.code === 'AUTH'
            ? { kind: 'auth-required', reason: e.message }
            : { kind: 'failed', code: e.code, message: e.message };
    }
    // Requests made while the call was in flight (a change, a removal) wrote the record: apply the
    // outcome on the fresh record, so they are kept.
    for (let attempt = 0; ; attempt++) {
      try {
        r = await this.#apply(r, action, from, outcome, pkg, capturedChanges, now);
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== 'CONFLICT' || attempt >= 10) throw error;
        r = (await this.#o.store.get(r.id)) ?? r;
      }
    }
    await this.#audit(r, action, outcome);
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

  async #apply(
    r: DistributionRecord,
    action: 'submit' | 'update' | 'remove' | 'poll',
    from: DistributionState,
    outcome: DistributionOutcome,
    pkg: DeliveryPackage | undefined,
    capturedChanges: number,
    now: number,
  ): Promise<DistributionRecord> {
    const poll = this.#o.pollIntervalMs ?? 60_000;
    const base = { ...r, leaseUntil: undefined, lastError: undefined } as DistributionRecord;
    const failAction = action === 'poll' ? (from === 'removing' ? 'remove' : 'submit') : action;
    switch (outcome.kind) {
      case 'success': {
        const next: DistributionRecord = {
          ...base,
          attempts: 0,
          nextAttemptAt: undefined,
          ...(outcome.remoteId === undefined ? {} : { remoteId: outcome.remoteId }),
          remoteFiles: { ...r.remoteFiles, ...(outcome.remoteFiles ?? {}) },
          ...(outcome.response === undefined ? {} : { received: redact(outcome.response) as Record<string, unknown> }),
          ...(pkg === undefined
            ? {}
            : {
                sent: {
                  revision: pkg.revision,
                  at: this.#iso(now),
                  fields: redact(pkg.fields) as Record<string, unknown>,
                  fieldHashes: fieldHashes(pkg.fields),
                  files: pkg.files.map((f) => ({
                    name: f.name,
                    sizeBytes: f.sizeBytes,
                    ...(f.sha256 === undefined ? {} : { sha256: f.sha256 }),
                  })),
                },
                progress: undefined,
              }),
        };
        if (action === 'update' || action === 'submit')
          next.appliedChanges = Math.max(r.appliedChanges, capturedChanges);
        if (action === 'remove' || (action === 'poll' && from === 'removing')) {
          const confirmed =
            outcome.remoteState === 'removed' ||
            outcome.remoteState === 'unpublished' ||
            !this.#endpoint(r.endpointId).endpoint.adapter.capabilities.confirmsRemoval;
          if (confirmed) return this.#write(r, { ...next, removalOwed: false }, 'removed', action);
          return this.#write(r, { ...next, nextAttemptAt: this.#iso(now + poll) }, 'removing', action);
        }
        if (outcome.remoteState === 'processing')
          return this.#write(r, { ...next, nextAttemptAt: this.#iso(now + poll) }, 'processing', action);
        const more = next.changes > next.appliedChanges;
        return this.#write(r, { ...next, ...(more ? { nextAttemptAt: this.#iso(now) } : {}) }, 'live', action);
      }
      case 'retry': {
        const retry = this.#o.retry ?? {};
        const attempts = r.attempts + 1;
        if (attempts >= (retry.maxAttempts ?? 8))
          return this.#write(
            r,
            {
              ...base,
              attempts,
              lastError: { code: 'TRANSIENT', message: `gave up after ${attempts} attempts: ${outcome.reason}` },
            },
            ERROR_OF[failAction],
            action,
          );
        const backoff = Math.min((retry.baseMs ?? 30_000) * 2 ** (attempts - 1), retry.maxMs ?? 3_600_000);
        const state: DistributionState = action === 'poll' ? from : r.state;
        return this.#write(
          r,
          {
            ...base,
            attempts,
            nextAttemptAt: this.#iso(now + Math.max(backoff, outcome.afterMs)),
            lastError: { code: 'TRANSIENT', message: outcome.reason },
          },
          state,
          action,
          `retry in ${Math.round(Math.max(backoff, outcome.afterMs) / 1000)} s: ${outcome.reason}`,
        );
      }
      case 'parked':
        return this.#write(
          r,
          {
            ...base,
            parkedUntil: outcome.until,
            resumeState: action === 'poll' ? from : r.state,
            lastError: { code: 'RATE_LIMITED', message: outcome.reason },
          },
          'parked',
          action,
          `parked until ${outcome.until}: ${outcome.reason}`,
        );
      case 'auth-required':
        return this.#write(
          r,
          { ...base, lastError: { code: 'AUTH', message: outcome.reason } },
          ERROR_OF[failAction],
          action,
          outcome.reason,
        );
      case 'failed':
        return this.#write(
          r,
          { ...base, lastError: { code: outcome.code, message: outcome.message } },
          ERROR_OF[failAction],
          action,
          outcome.message,
        );
    }
  }

  async #audit(r: DistributionRecord, action: string, outcome: DistributionOutcome): Promise<void> {
    if (this.#o.audit === undefined || (action === 'poll' && outcome.kind !== 'success')) return;
    try {
      await this.#o.audit.catalog.recordEvent(this.#o.audit.actor, {
        assetId: r.assetId,
        action: `distribution.${action}`,
        details: {
          endpointId: r.endpointId,
          state: r.state,
          outcome: outcome.kind,
          ...(r.remoteId === undefined ? {} : { remoteId: r.remoteId }),
          ...(r.removalReason === undefined || action !== 'remove' ? {} : { reason: r.removalReason }),
          ...(r.lastError === undefined ? {} : { error: r.lastError.message.slice(0, 500) }),
        },
      });
    } catch (error) {
      this.#log.warn({ record: r.id, error: String(error) }, 'distribution audit event not recorded');
    }
  }

  /** Write a record (compare-and-set), changing state and appending history when it changes. */
  async #write(
    before: DistributionRecord | undefined,
    next: DistributionRecord,
    state: DistributionState,
    event: string,
    note?: string,
  ): Promise<DistributionRecord> {
    const now = this.#iso();
    const clean = Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined)) as DistributionRecord;
    const from = before?.state ?? 'pending';
    const history =
      from !== state || before === undefined || note !== undefined
        ? [
            ...next.history,
            { at: now, from, to: state, event, ...(note === undefined ? {} : { note: note.slice(0, 2000) }) },
          ].slice(-200)
        : next.history;
    const written: DistributionRecord = {
      ...clean,
      state,
      history,
      revision: (before?.revision ?? 0) + 1,
      updatedAt: now,
    };
    await this.#o.store.put(written, before?.revision);
    this.#written.add(written.id);
    return written;
  }

  /**
   * Change fields of a record without changing its state. On a concurrent write (a request while a
   * call is in flight) the patch is computed again on the fresh record, so no request is lost.
   */
  async #save(
    r: DistributionRecord,
    patch: Partial<DistributionRecord> | ((fresh: DistributionRecord) => Partial<DistributionRecord>),
  ): Promise<DistributionRecord> {
    let current = r;
    for (let attempt = 0; ; attempt++) {
      const p = typeof patch === 'function' ? patch(current) : patch;
      try {
        return await this.#write(current, { ...current, ...p }, current.state, 'save');
      } catch (error) {
        if ((error as { code?: string }).code !== 'CONFLICT' || attempt >= 10) throw error;
        const fresh = await this.#o.store.get(r.id);
        if (fresh === undefined) throw error;
        current = fresh;
      }
    }
  }

  /** Release every endpoint adapter. */
  async close(): Promise<void> {
    for (const { endpoint } of this.#endpoints.values()) await endpoint.adapter.close();
  }
}

function invalid(assetId: string, endpointId: string, problems: DeliveryValidation['problems']): FramewiseError {
  return new FramewiseError(
    'INVALID_INPUT',
    `"${assetId}" cannot go to "${endpointId}": ${problems.map((p) => p.message).join('; ')}`,
    { details: { assetId, endpointId, problems } },
  );
}

/** Create a {@link Distributor}. No I/O happens until it is used. */
export function createDistributor(options: DistributorOptions): Distributor {
  return new Distributor(options);
}
