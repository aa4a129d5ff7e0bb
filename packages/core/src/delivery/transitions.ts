/**
 * The distributor's state machine as pure functions: what is due for a record at an instant
 * ({@link decide}), and where a remote call's outcome takes it ({@link applyOutcome}). No store, no
 * clock, no adapter: the facade reads, writes and calls; these decide.
 */
import { type BackoffPolicy, backoffMs } from '../errors/index.js';
import type { DistributionGate } from './gate.js';
import { fieldHashes } from './package.js';
import type { DeliveryPackage, DistributionOutcome } from './port.js';
import type { Automation } from './profile.js';
import { type DistributionRecord, type DistributionState, redact } from './record.js';
import {
  type DistributionAction,
  ERROR_STATE_OF,
  NOTHING_TO_REMOVE_STATES,
  RESUMED_ACTION_OF,
  TAKEDOWN_STATES,
  UNSENT_STATES,
} from './states.js';

/** A new state (or the same) with the record's new fields, and why: one history entry. */
export interface DistributionTransition {
  readonly next: DistributionRecord;
  readonly state: DistributionState;
  /** What caused it (`unpark`, `hold`, `cancel`, `submit`, …). */
  readonly event: string;
  readonly note?: string;
}

/** What {@link decide} says is due for a record now. */
export type DistributionDecision =
  /** Nothing now (not due, leased by another call, waiting for a person). */
  | { readonly kind: 'idle' }
  /** Write this transition, then decide again; `report` when the sweep should list it. */
  | ({
      readonly kind: 'transition';
      readonly report?: { readonly action: 'hold' | 'cancel'; readonly note: string };
    } & DistributionTransition)
  /** Change these fields (kept on a concurrent write), then decide again; `escalate`: raise `takedown-overdue`. */
  | { readonly kind: 'patch'; readonly patch: Partial<DistributionRecord>; readonly escalate?: boolean }
  /** Make this remote call. */
  | { readonly kind: 'call'; readonly action: DistributionAction };

/** Why the gate owes a takedown: the window's sunset, or rights that lapsed. */
export const GATE_TAKEDOWN_REASONS: ReadonlySet<string> = new Set(['sunset', 'rights not held at this instant']);

const iso = (ms: number) => new Date(ms).toISOString();
const after = (instant: string | undefined, now: number) => instant !== undefined && Date.parse(instant) > now;

/**
 * What is due for `record` at `now`, behind `gate`: resume parked work, owe a takedown when the
 * gate closed on exposed content, cancel or make an owed removal, resume a call left in flight,
 * hold a submission before sunrise or without rights, submit, poll, or send an owed update (as
 * `updates` — the profile's update automation — allows).
 */
export function decide(
  record: DistributionRecord,
  now: number,
  gate: DistributionGate,
  updates: Automation = 'automatic',
  takedownOverdueMs = 0,
): DistributionDecision {
  const r = record;
  // Escalation first, whatever holds the record: an owed takedown past its delay is raised once.
  if (takedownOverdue(r, now, takedownOverdueMs, false))
    return { kind: 'patch', patch: { takedownOverdueAt: iso(now) }, escalate: true };
  if (after(r.leaseUntil, now)) return { kind: 'idle' };
  const open = gate.inWindow && gate.rightsHeld;
  if (!open && TAKEDOWN_STATES.has(r.state) && !r.removalOwed) {
    const reason = gate.rightsHeld ? 'sunset' : 'rights not held at this instant';
    return { kind: 'patch', patch: owe(reason, now) };
  }
  if (r.state === 'parked') {
    // A takedown does not wait for a quota reset: it is tried at once (a removal the endpoint
    // parks in turn waits for its own parking to end).
    const takedown = r.removalOwed && r.resumeState !== 'removing';
    if (!takedown && after(r.parkedUntil, now)) return { kind: 'idle' };
    const next = { ...r, parkedUntil: undefined, nextAttemptAt: iso(now) };
    // Back to the work it was doing (never to `parked` again: that would park it for good).
    const resume = takedown
      ? 'removing'
      : r.resumeState === undefined || r.resumeState === 'parked'
        ? 'queued'
        : r.resumeState;
    return { kind: 'transition', next, state: resume, event: takedown ? 'takedown' : 'unpark' };
  }
  if (r.removalOwed) {
    if (UNSENT_STATES.has(r.state)) {
      const next = { ...r, removalOwed: false, nextAttemptAt: undefined, removalOwedAt: undefined };
      const report = { action: 'cancel', note: 'never sent' } as const;
      return { kind: 'transition', next, state: 'removed', event: 'cancel', report };
    }
    if (NOTHING_TO_REMOVE_STATES.has(r.state) || after(r.nextAttemptAt, now)) return { kind: 'idle' };
    return { kind: 'call', action: 'remove' };
  }
  if (after(r.nextAttemptAt, now)) return { kind: 'idle' };
  const resumed = RESUMED_ACTION_OF[r.state];
  if (resumed !== undefined) return { kind: 'call', action: resumed };
  switch (r.state) {
    case 'pending':
    case 'queued': {
      if (open) return { kind: 'call', action: 'submit' };
      const note = gate.rightsHeld ? 'before sunrise' : 'rights not held';
      const hold = after(r.window.sunrise, now) ? r.window.sunrise : undefined;
      if (r.state === 'pending' && r.nextAttemptAt === hold) return { kind: 'idle' };
      const report = { action: 'hold', note } as const;
      return { kind: 'transition', next: { ...r, nextAttemptAt: hold }, state: 'pending', event: 'hold', report };
    }
    case 'processing':
      return { kind: 'call', action: 'poll' };
    case 'live': {
      const approved = updates === 'automatic' ? r.changes : Math.min(r.changes, r.approvedChanges);
      return approved > r.appliedChanges && updates !== 'disabled'
        ? { kind: 'call', action: 'update' }
        : { kind: 'idle' };
    }
    default:
      return { kind: 'idle' };
  }
}

/** The fields of a record that starts to owe a removal (`reason`) at `now`. */
export function owe(reason: string, now: number): Partial<DistributionRecord> {
  return {
    removalOwed: true,
    removalReason: reason,
    removalOwedAt: iso(now),
    takedownOverdueAt: undefined,
    nextAttemptAt: iso(now),
    attempts: 0,
  };
}

/**
 * Whether an owed removal must be escalated (`takedown-overdue`) now: it is owed, not done, not yet
 * escalated, and its delay has run out — `afterAttempt`: right after an attempt that did not
 * succeed (the delay reached), else only once the delay has passed (a sweep between attempts).
 */
export function takedownOverdue(r: DistributionRecord, now: number, overdueMs: number, afterAttempt: boolean): boolean {
  if (!r.removalOwed || r.takedownOverdueAt !== undefined || r.state === 'removed') return false;
  if (UNSENT_STATES.has(r.state)) return false;
  const since = r.removalOwedAt === undefined ? Number.NaN : Date.parse(r.removalOwedAt);
  if (Number.isNaN(since)) return afterAttempt;
  return afterAttempt ? now >= since + overdueMs : now > since + overdueMs;
}

/** A submission's record: which asset, version and endpoint, how it came, its window, and when. */
export interface EnqueueInput {
  readonly id: string;
  readonly assetId: string;
  readonly endpointId: string;
  readonly versionId: string;
  readonly origin: 'automatic' | 'manual';
  readonly window: DistributionRecord['window'];
  readonly now: number;
}

/**
 * A submission (`ready` or `submit`) of a new record, or over one in a state that starts over
 * (`removed`, `error-submit`, `pending`): due at its window's sunrise (`pending` until then) or now
 * (`queued`), with attempts, removal and the last error cleared.
 */
export function enqueued(existing: DistributionRecord | undefined, input: EnqueueInput): DistributionTransition {
  const { now, origin, versionId } = input;
  const sunrise = input.window.sunrise === undefined ? now : Math.max(now, Date.parse(input.window.sunrise));
  const base: DistributionRecord = existing ?? {
    id: input.id,
    assetId: input.assetId,
    endpointId: input.endpointId,
    versionId,
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
    createdAt: iso(now),
    updatedAt: iso(now),
  };
  const next: DistributionRecord = {
    ...base,
    versionId,
    origin,
    window: input.window,
    removalOwed: false,
    attempts: 0,
    nextAttemptAt: iso(sunrise),
    lastError: undefined,
    removalReason: undefined,
    removalOwedAt: undefined,
    takedownOverdueAt: undefined,
    // After a removal the endpoint's ids are gone: a new delivery makes new ones (a fresh video).
    ...(existing?.state === 'removed' ? { remoteId: undefined, remoteFiles: {}, progress: undefined } : {}),
  };
  return { next, state: sunrise > now ? 'pending' : 'queued', event: origin === 'manual' ? 'submit' : 'ready' };
}

/**
 * The earliest instant (epoch ms) a record needs a sweep: its next attempt, the end of its
 * parking, or — while the content may be at the endpoint — its window's sunset, and the instant an
 * owed takedown becomes overdue; none of them (but the escalation) before a lease held on the record
 * runs out. Undefined when nothing is due.
 */
export function nextWake(record: DistributionRecord, takedownOverdueMs = 0): number | undefined {
  const sunset = TAKEDOWN_STATES.has(record.state) && !record.removalOwed ? record.window.sunset : undefined;
  const overdue =
    record.removalOwed && record.takedownOverdueAt === undefined && record.removalOwedAt !== undefined
      ? new Date(Date.parse(record.removalOwedAt) + takedownOverdueMs + 1).toISOString()
      : undefined;
  // Nothing but an escalation happens while another call holds the lease.
  const lease = record.leaseUntil === undefined ? Number.NEGATIVE_INFINITY : Date.parse(record.leaseUntil);
  // Parked work waits for the end of its parking only (a takedown owed leaves parking in the step that owes it).
  const attempt = record.state === 'parked' ? undefined : record.nextAttemptAt;
  const times = [attempt, record.parkedUntil, sunset]
    .filter((t) => t !== undefined)
    .map((t) => Math.max(Date.parse(t), lease));
  if (overdue !== undefined && record.state !== 'removed') times.push(Date.parse(overdue));
  return times.length === 0 ? undefined : Math.min(...times);
}

/** What {@link applyOutcome} needs besides the record. */
export interface OutcomeInput {
  readonly action: DistributionAction;
  /** The record's state before the call claimed it. */
  readonly from: DistributionState;
  readonly outcome: DistributionOutcome;
  /** The package sent, for submissions and updates that built one. */
  readonly pkg?: DeliveryPackage | undefined;
  /** The record's `changes` when the call started: what a successful update or submission applied. */
  readonly capturedChanges: number;
  readonly now: number;
  /** How often to poll an endpoint that processes (or removes) asynchronously. */
  readonly pollIntervalMs: number;
  /** Backoff of retryable outcomes (the distributor's: no jitter), and the attempts before giving up. */
  readonly retry: BackoffPolicy & { readonly maxAttempts: number };
  /** The endpoint confirms removals by polling (else a removal call that succeeded is final). */
  readonly confirmsRemoval: boolean;
}

/**
 * Where an outcome takes a record (the fresh record: requests made while the call was in flight
 * are kept). Success goes live, processing, removing or removed; `retry` backs off (never sooner
 * than the endpoint asked) until the last attempt, then fails; `parked` waits until a time;
 * `auth-required` and `failed` end in the error state of the call.
 */
export function applyOutcome(record: DistributionRecord, input: OutcomeInput): DistributionTransition {
  const { action, from, outcome, pkg, now } = input;
  const r = record;
  const base = { ...r, leaseUntil: undefined, leaseHolder: undefined, lastError: undefined } as DistributionRecord;
  const failState = ERROR_STATE_OF[action === 'poll' ? (from === 'removing' ? 'remove' : 'submit') : action];
  const removal = action === 'remove' || (action === 'poll' && from === 'removing');
  /** A removal that failed or needs credentials is tried again after a backoff (a person may fix it meanwhile). */
  const again =
    removal && r.removalOwed
      ? { attempts: r.attempts + 1, nextAttemptAt: iso(now + backoffMs(r.attempts + 1, input.retry)) }
      : { nextAttemptAt: undefined };
  switch (outcome.kind) {
    case 'success': {
      const next: DistributionRecord = {
        ...base,
        attempts: 0,
        nextAttemptAt: undefined,
        ...(outcome.remoteId === undefined ? {} : { remoteId: outcome.remoteId }),
        remoteFiles: { ...r.remoteFiles, ...(outcome.remoteFiles ?? {}) },
        ...(outcome.response === undefined ? {} : { received: redact(outcome.response) as Record<string, unknown> }),
        ...(pkg === undefined ? {} : { sent: sentOf(pkg, now), progress: undefined }),
      };
      if (action === 'update' || action === 'submit')
        next.appliedChanges = Math.max(r.appliedChanges, input.capturedChanges);
      const polled = { ...next, nextAttemptAt: iso(now + input.pollIntervalMs) };
      const done = { ...next, removalOwed: false, removalOwedAt: undefined, takedownOverdueAt: undefined };
      if (action === 'remove' || (action === 'poll' && from === 'removing')) {
        const gone = outcome.remoteState === 'removed' || outcome.remoteState === 'unpublished';
        if (gone || !input.confirmsRemoval) return { next: done, state: 'removed', event: action };
        return { next: polled, state: 'removing', event: action };
      }
      // Gone at the endpoint (deleted there while processing): never recorded live.
      if (outcome.remoteState === 'removed')
        return { next: done, state: 'removed', event: action, note: 'the endpoint reports the content removed' };
      if (outcome.remoteState === 'processing') return { next: polled, state: 'processing', event: action };
      const more = next.changes > next.appliedChanges;
      return { next: { ...next, ...(more ? { nextAttemptAt: iso(now) } : {}) }, state: 'live', event: action };
    }
    case 'retry': {
      const attempts = r.attempts + 1;
      // A removal never gives up: it backs off (to `retry.maxMs`) and is escalated when overdue.
      if (attempts >= input.retry.maxAttempts && !removal) {
        const message = `gave up after ${attempts} attempts: ${outcome.reason}`;
        return {
          next: { ...base, attempts, nextAttemptAt: undefined, lastError: { code: 'TRANSIENT', message } },
          state: failState,
          event: action,
        };
      }
      const wait = backoffMs(attempts, input.retry, outcome.afterMs);
      return {
        next: {
          ...base,
          attempts,
          nextAttemptAt: iso(now + wait),
          lastError: { code: 'TRANSIENT', message: outcome.reason },
        },
        state: action === 'poll' ? from : r.state,
        event: action,
        note: `retry in ${Math.round(wait / 1000)} s: ${outcome.reason}`,
      };
    }
    case 'parked':
      return {
        next: {
          ...base,
          nextAttemptAt: undefined,
          parkedUntil: outcome.until,
          resumeState: action === 'poll' ? from : r.state,
          lastError: { code: 'RATE_LIMITED', message: outcome.reason },
        },
        state: 'parked',
        event: action,
        note: `parked until ${outcome.until}: ${outcome.reason}`,
      };
    case 'auth-required':
      return {
        next: { ...base, ...again, lastError: { code: 'AUTH', message: outcome.reason } },
        state: failState,
        event: action,
        note: outcome.reason,
      };
    case 'failed':
      return {
        next: { ...base, ...again, lastError: { code: outcome.code, message: outcome.message } },
        state: failState,
        event: action,
        note: outcome.message,
      };
  }
}

/** What the record keeps of a package it delivered (secrets redacted, field hashes to find changes). */
function sentOf(pkg: DeliveryPackage, now: number): NonNullable<DistributionRecord['sent']> {
  return {
    revision: pkg.revision,
    at: iso(now),
    fields: redact(pkg.fields) as Record<string, unknown>,
    fieldHashes: fieldHashes(pkg.fields),
    files: pkg.files.map((f) => ({
      name: f.name,
      sizeBytes: f.sizeBytes,
      ...(f.sha256 === undefined ? {} : { sha256: f.sha256 }),
    })),
  };
}
