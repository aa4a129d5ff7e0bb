/**
 * Delivery and distribution: delivery profiles per endpoint, validation before anything is sent,
 * the `DistributionAdapter` port, distribution records with explicit states, and the distributor
 * that submits, updates and takes down content on time (sunrise and sunset from the rights
 * windows) behind an absolute rights gate.
 *
 * @module
 */
export {
  createDistributor,
  type DistributionEvent,
  type DistributionSubmitOptions,
  Distributor,
  type DistributorEvents,
  type DistributorOptions,
  DistributorOptionsSchema,
  type SweepAction,
  type SweepReport,
} from './distributor.js';
export { type DistributionGate, windowOpen } from './gate.js';
export { type DistributionFailureOutcome, outcomeOf, outcomeOfHttp, parseRetryAfter } from './outcome.js';
export type { DeliverySource, DeliverySubject, DistributionEndpoint } from './package.js';
export type {
  DeliveryChanges,
  DeliveryFile,
  DeliveryPackage,
  DistributionAdapter,
  DistributionCapabilities,
  DistributionContext,
  DistributionOutcome,
} from './port.js';
export type {
  DeliveryProblem,
  DeliveryProblemBase,
  DeliveryProblemKind,
} from './problems.js';
export {
  type Automation,
  AutomationSchema,
  CaptionSpecSchema,
  type DeliveryProfile,
  type DeliveryProfileInput,
  DeliveryProfileSchema,
  type MetadataFieldSpec,
  MetadataFieldSpecSchema,
  type RenditionSpec,
  RenditionSpecSchema,
  type ThumbnailSpec,
  ThumbnailSpecSchema,
} from './profile.js';
export {
  type DistributionHistoryEntry,
  DistributionHistoryEntrySchema,
  type DistributionRecord,
  DistributionRecordSchema,
  type DistributionState,
  DistributionStateSchema,
  distributionRecordId,
} from './record.js';
export {
  createMemoryDistributionStore,
  type DistributionRecordQuery,
  type DistributionRecordStore,
} from './record-store.js';
export { catalogDeliverySource } from './source.js';
export {
  CLAIMED_STATE_OF,
  type DistributionAction,
  ERROR_STATE_OF,
  ERROR_STATES,
  EXPOSED_STATES,
  IN_FLIGHT_STATES,
  LIVE_STATES,
  NO_UPDATE_STATES,
  NOTHING_TO_REMOVE_STATES,
  RESUBMITTABLE_STATES,
  RESUMED_ACTION_OF,
  TAKEDOWN_STATES,
  UNSENT_STATES,
} from './states.js';
export {
  applyOutcome,
  type DistributionDecision,
  type DistributionTransition,
  decide,
  GATE_TAKEDOWN_REASONS,
  type OutcomeInput,
} from './transitions.js';
export { type DeliveryCandidate, type DeliveryValidation, matchesRendition, validateDelivery } from './validate.js';
export { type ExpectedDelivery, verifiedRead } from './verified-read.js';
export { rightsCover, rightsWindow } from './window.js';
