/**
 * Interchange: the models interchange documents carry (an asset version's description, a playout
 * schedule) and the exporter and importer ports that EBUCore and BXF adapters implement.
 *
 * @module
 */
export {
  type AsRunEntry,
  type AsRunEntryInput,
  AsRunEntrySchema,
  type AsRunStatus,
  AsRunStatusSchema,
  NOT_AIRED_STATUSES,
} from './as-run.js';
export { applyScheduleChanges, type ScheduleChange } from './changes.js';
export { type CatalogInputs, catalogInputsFrom, type DescribeOptions, describeVersion } from './describe.js';
export {
  type AssetDescription,
  type AssetDescriptionInput,
  AssetDescriptionSchema,
  DescribedAssetSchema,
  type DescribedPart,
  DescribedPartSchema,
  type DescribedRelation,
  DescribedRelationSchema,
  DescribedVersionSchema,
  type RightsStatement,
  type RightsStatementInput,
  RightsStatementSchema,
} from './description.js';
export {
  type AsRunPlays,
  type PlaysFromAsRunOptions,
  playsFromAsRun,
  type ResolvedHouseNumber,
} from './plays.js';
export type { MetadataExporter, MetadataImporter } from './port.js';
export {
  type AsRunReconciliation,
  type AsRunVerdict,
  type ReconciledEvent,
  type ReconcileOptions,
  ReconcileOptionsSchema,
  reconcileAsRun,
} from './reconcile.js';
export {
  PlayoutContentSchema,
  type PlayoutEvent,
  type PlayoutEventInput,
  type PlayoutEventKind,
  PlayoutEventKindSchema,
  PlayoutEventSchema,
  type PlayoutSchedule,
  type PlayoutScheduleInput,
  PlayoutScheduleSchema,
  type SecondaryEvent,
  type SecondaryEventInput,
  SecondaryEventSchema,
  type Splice,
  type SpliceInput,
  SpliceSchema,
} from './schedule.js';
