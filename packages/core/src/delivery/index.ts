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
  type DistributionSubmitOptions,
  Distributor,
  type DistributorOptions,
  type SweepAction,
  type SweepReport,
} from './distributor.js';
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
export { type DeliveryCandidate, type DeliveryValidation, matchesRendition, validateDelivery } from './validate.js';
export { rightsCover, rightsWindow } from './window.js';
