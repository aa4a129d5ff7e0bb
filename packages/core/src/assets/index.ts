/**
 * Typed models of the catalog: assets, technical metadata, versions and their genealogy,
 * renditions, related assets, DRM policy and timecoded annotations. Zod schemas are the source of
 * truth; types are inferred from them.
 *
 * @module
 */
export {
  type Annotation,
  type AnnotationInput,
  AnnotationInputSchema,
  AnnotationSchema,
  type AnnotationType,
  AnnotationTypeSchema,
  type Provenance,
  ProvenanceSchema,
} from './annotation.js';
export {
  type Asset,
  type AssetInput,
  AssetInputSchema,
  type AssetKind,
  AssetKindSchema,
  AssetSchema,
  ContentRatingSchema,
  CreditSchema,
  ExternalIdSchema,
  NumberingSchema,
  primaryTitle,
  RecommendationFieldsSchema,
  SynopsisSchema,
  TitleSchema,
} from './asset.js';
export { type CarriedAnnotation, type CarryReport, carryAnnotations, SPLIT_BY_EDIT } from './carry.js';
export {
  FrameRateJsonSchema,
  hasControlCharacter,
  IdSchema,
  InstantSchema,
  LabelSchema,
  LanguageTagSchema,
  TerritoryCodeSchema,
  textSchema,
} from './common.js';
export {
  DeviceClassSchema,
  type DrmPolicy,
  type DrmPolicyInput,
  DrmPolicySchema,
  DrmSchemesSchema,
  type DrmSystem,
  DrmSystemSchema,
  type EncryptionScheme,
  EncryptionSchemeSchema,
  type OutputRestriction,
  OutputRestrictionSchema,
  TrackKeyBoundariesSchema,
  type TrackKeyType,
  TrackKeyTypeSchema,
} from './drm.js';
export {
  JSON_FIELD_LIMITS,
  type JsonValueProblem,
  jsonRecordSchema,
  jsonValueProblem,
  unstorableText,
} from './json-value.js';
export {
  DeliveryRuleSchema,
  type RelatedAsset,
  type RelatedAssetInput,
  RelatedAssetInputSchema,
  RelatedAssetKindSchema,
  RelatedAssetSchema,
  type Rendition,
  type RenditionInput,
  RenditionInputSchema,
  RenditionSchema,
} from './rendition.js';
export {
  AudioRoleSchema,
  AudioTrackSchema,
  ChannelLayoutSchema,
  ColourPrimariesSchema,
  type ContentLightLevel,
  ContentLightLevelSchema,
  HdrFormatSchema,
  type MasteringDisplay,
  MasteringDisplaySchema,
  MatrixSchema,
  ScanSchema,
  type TechnicalMetadata,
  type TechnicalMetadataInput,
  TechnicalMetadataSchema,
  TransferSchema,
  VideoTrackSchema,
} from './technical.js';
export {
  type CopyStatus,
  CopyStatusSchema,
  EDIT_RELATIONS,
  type FileLocation,
  type FileLocationInput,
  FileLocationSchema,
  type Version,
  type VersionInput,
  VersionInputSchema,
  type VersionKind,
  VersionKindSchema,
  type VersionRelation,
  VersionRelationSchema,
  type VersionRelationType,
  VersionRelationTypeSchema,
  VersionSchema,
} from './version.js';
