/**
 * Interchange: the models interchange documents carry (an asset version's description, a playout
 * schedule) and the exporter and importer ports that EBUCore and BXF adapters implement.
 *
 * @module
 */
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
export type { MetadataExporter, MetadataImporter } from './port.js';
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
  SecondaryEventSchema,
} from './schedule.js';
