import type { Catalog, PrincipalInput } from '../catalog/index.js';
import { messageOf } from '../errors/index.js';
import type { Logger, TypedEvents } from '../support/index.js';
import type { DistributionOutcome } from './port.js';
import type { DistributionRecord, DistributionState } from './record.js';
import { type DistributionAction, ERROR_STATES } from './states.js';

/** What every distributor event carries: the record as written, and the state it came from. */
export interface DistributionEvent {
  readonly record: DistributionRecord;
  /** The record's state before the step (before a call claimed it). */
  readonly from: DistributionState;
}

/** Events of a {@link Distributor}; listen with {@link Distributor.on}. */
export interface DistributorEvents {
  /** An endpoint accepted a submission (live, processing or scheduled there). */
  submitted: DistributionEvent;
  /** Content became live at an endpoint (after a submission, or once processing finished). */
  live: DistributionEvent;
  /** Content was taken down (deleted or unpublished; confirmed where the endpoint can). */
  removed: DistributionEvent & { readonly reason?: string };
  /** A call failed permanently or needs credentials: the record is in an error state. */
  failed: DistributionEvent & { readonly error: { readonly code: string; readonly message: string } };
  /** Work is parked until a time (a quota reset). */
  parked: DistributionEvent & { readonly until: string };
  /**
   * An owed takedown (window closed, rights lapsed, requested) has not happened within
   * `takedownOverdueMs` (the removal is retrying, parked or failing): content may be live where it
   * must not be. Raised once per takedown; the removal keeps being retried. `outcome` is the last
   * attempt's, or `waiting` when none ended since the delay ran out.
   */
  'takedown-overdue': DistributionEvent & {
    readonly reason: string;
    readonly outcome: DistributionOutcome['kind'] | 'waiting';
  };
}

/** A remote call's result, as {@link announce} reads it. */
interface CallResult {
  /** The record as written after the call. */
  readonly record: DistributionRecord;
  /** Its state before the call claimed it. */
  readonly from: DistributionState;
  readonly action: DistributionAction;
  readonly outcome: DistributionOutcome;
}

/**
 * Emit the typed events a call's result means (submitted, live, removed, failed, parked), and log
 * failures at `warn`. An overdue takedown is raised by {@link escalate}.
 */
export function announce(events: TypedEvents<DistributorEvents>, log: Logger, call: CallResult): void {
  const { record: r, from, action, outcome } = call;
  const base = { record: r, from };
  if (action === 'submit' && outcome.kind === 'success') events.emit('submitted', base);
  if (r.state === 'live' && from !== 'live') events.emit('live', base);
  if (r.state === 'removed' && from !== 'removed')
    events.emit('removed', { ...base, ...(r.removalReason === undefined ? {} : { reason: r.removalReason }) });
  if (r.state === 'parked' && r.parkedUntil !== undefined) events.emit('parked', { ...base, until: r.parkedUntil });
  if (ERROR_STATES.has(r.state) && r.lastError !== undefined) {
    log.warn({ record: r.id, endpoint: r.endpointId, error: r.lastError }, `distribution: ${action} failed`);
    events.emit('failed', { ...base, error: r.lastError });
  }
}

/** Raise `takedown-overdue` for a record just escalated (logged at `warn`). */
export function escalate(
  events: TypedEvents<DistributorEvents>,
  log: Logger,
  r: DistributionRecord,
  from: DistributionState,
  outcome: DistributionOutcome['kind'] | 'waiting',
): void {
  const reason = r.removalReason ?? 'requested';
  log.warn({ record: r.id, endpoint: r.endpointId, reason, outcome }, 'distribution: takedown overdue');
  events.emit('takedown-overdue', { record: r, from, reason, outcome });
}

/**
 * Record a call in the catalog's audit trail (`distribution.<action>`; polls only when they
 * succeed). An audit event that cannot be recorded is logged, never fails the call.
 */
export async function auditCall(
  audit: { readonly catalog: Catalog; readonly actor: PrincipalInput },
  log: Logger,
  r: DistributionRecord,
  action: DistributionAction,
  outcome: DistributionOutcome,
): Promise<void> {
  if (action === 'poll' && outcome.kind !== 'success') return;
  try {
    await audit.catalog.recordEvent(audit.actor, {
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
    log.warn({ record: r.id, error: messageOf(error) }, 'distribution: audit event not recorded');
  }
}
