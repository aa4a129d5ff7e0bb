import type { DistributionState } from './record.js';

/** A remote call the distributor makes for a record. */
export type DistributionAction = 'submit' | 'update' | 'remove' | 'poll';

const set = (...states: DistributionState[]): ReadonlySet<DistributionState> => new Set(states);

/** A remote call is in flight (or was, when the process holding it died): it is resumed. */
export const IN_FLIGHT_STATES = set('submitting', 'updating', 'removing');

/** What {@link Distributor.liveOn} lists: live at the endpoint, processing there, or being updated. */
export const LIVE_STATES = set('live', 'processing', 'updating');

/**
 * The content is (or may be) at the endpoint: its window's sunset wakes a sweep, and a closed gate
 * (sunset, rights lapsed) makes a takedown owed.
 */
export const EXPOSED_STATES = set('live', 'processing', 'updating', 'submitting');

/**
 * A closed gate owes a takedown from these: the exposed states, a removal in flight or failed, a
 * failed update (still live), a failed submission (it may have left part of the content at the
 * endpoint) and parked work (a quota does not delay a sunset).
 */
export const TAKEDOWN_STATES = set(
  ...EXPOSED_STATES,
  'removing',
  'error-update',
  'error-submit',
  'error-remove',
  'parked',
);

/** The last attempt failed permanently or needs credentials; a person looks. */
export const ERROR_STATES = set('error-submit', 'error-update', 'error-remove');

/** Never sent: an owed removal cancels these instead of calling the endpoint. */
export const UNSENT_STATES = set('pending', 'queued');

/**
 * A removal owed from these has nothing to do (gone). Every other state with a removal owed is
 * removed — a failed submission's partial content and a failed removal included — and retried
 * until the endpoint confirms.
 */
export const NOTHING_TO_REMOVE_STATES = set('removed');

/** A submission (`ready`, `submit`) starts over from these; from any other it returns the record as it is. */
export const RESUBMITTABLE_STATES = set('removed', 'error-submit', 'pending');

/** A change of the asset owes no update in these: nothing is live, or it is going away. */
export const NO_UPDATE_STATES = set('removed', 'removing', 'error-remove', 'error-submit', 'pending', 'queued');

/** The state a record is claimed in while each kind of call is in flight. */
export const CLAIMED_STATE_OF: Readonly<Record<Exclude<DistributionAction, 'poll'>, DistributionState>> = {
  submit: 'submitting',
  update: 'updating',
  remove: 'removing',
};

/** The call to resume for a record found in an in-flight state. */
export const RESUMED_ACTION_OF: Readonly<Partial<Record<DistributionState, Exclude<DistributionAction, 'poll'>>>> = {
  submitting: 'submit',
  updating: 'update',
  removing: 'remove',
};

/** The error state each kind of call ends in when it fails. */
export const ERROR_STATE_OF: Readonly<Record<Exclude<DistributionAction, 'poll'>, DistributionState>> = {
  submit: 'error-submit',
  update: 'error-update',
  remove: 'error-remove',
};
