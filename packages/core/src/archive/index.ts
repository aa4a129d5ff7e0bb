/**
 * Archive policy: storage locations (tier, media, site, region, cost), file copies, placement
 * rules (3-2-1 and beyond) and the checker that proves them per asset; tape: the LTO time model,
 * the `TapeLibrary` port and the position-ordered tape restore planner.
 *
 * @module
 */
export type { AssessedCopy } from './assess-copy.js';
export { copiesOnVersion, recordCopies } from './catalog-copies.js';
export {
  createPlacementChecker,
  type FilePlacement,
  type PlacementChecker,
  type PlacementCheckerOptions,
  PlacementCheckerOptionsSchema,
  type PlacementReport,
  type PlacementSubject,
  type PlacementViolation,
  type PlacementViolationKind,
} from './check-placement.js';
export {
  type FileCopy,
  type FileCopyInput,
  FileCopySchema,
  type FileIdentity,
  FileIdentitySchema,
} from './file-copy.js';
export {
  type FixityAuditOptions,
  FixityAuditOptionsSchema,
  type FixityAuditReport,
  type FixityResult,
  type FixityTarget,
  fixityOrder,
  type RepairOptions,
  repairCopy,
  runFixityAudit,
} from './fixity-audit.js';
export type { CopySetRecord } from './guarded-delete.js';
export {
  physicalObjectOf,
  physicalStoreOf,
  type RestoreOption,
  RestoreOptionSchema,
  type StorageCost,
  StorageCostSchema,
  type StorageLocation,
  type StorageLocationInput,
  StorageLocationSchema,
  type StorageMedia,
  StorageMediaSchema,
  type StorageTier,
  StorageTierSchema,
} from './locations.js';
export {
  type PlacementPolicy,
  type PlacementPolicyInput,
  PlacementPolicySchema,
  type PlacementRule,
  type PlacementRuleInput,
  PlacementRuleSchema,
  type PlacementScope,
  PlacementScopeSchema,
  threeTwoOne,
} from './placement-rules.js';
export {
  planReconcile,
  type ReconcileAction,
  ReconcileActionSchema,
  type ReconcilePlan,
} from './plan-reconcile.js';
export { planRestore, type RestoreCandidate, type RestorePlan } from './plan-restore.js';
export {
  applyReconcileOutcome,
  archiveJobs,
  executeReconcileAction,
  executeReconcilePlan,
  type ReconcileOutcome,
  type ReconcileRunOptions,
  type StorageResolver,
} from './run-reconcile.js';
export {
  driveCanRead,
  LTO_SPECS,
  type LtoGeneration,
  LtoGenerationSchema,
  type LtoSpec,
  TapeTimeModel,
} from './tape/lto.js';
export {
  estimateArrivalOrderSeconds,
  planTapeRestore,
  type RestoreDrive,
  RestoreDriveSchema,
  type TapeRestoreBatch,
  type TapeRestorePlan,
  type TapeRestorePlanInput,
  TapeRestorePlanInputSchema,
  type TapeRestoreRequest,
  TapeRestoreRequestSchema,
} from './tape/plan-tape-restore.js';
export type {
  CartridgeLocation,
  LibraryDrive,
  LibraryInventory,
  LibrarySlot,
  TapeLibrary,
  TapeLibraryCallOptions,
} from './tape/port.js';
export {
  parseTapeCopyKey,
  type TapeCopyLocation,
  tapeCopyKey,
  tapeRestoreRequests,
} from './tape/tape-copy.js';
