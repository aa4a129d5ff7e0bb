/**
 * The asset catalog: operations over assets, versions, genealogy, renditions, annotations,
 * check-outs, access control and the audit trail; the `CatalogStore` port and the in-memory store.
 *
 * @module
 */
export {
  can,
  denied,
  type Permission,
  type Principal,
  type PrincipalInput,
  PrincipalSchema,
  type Role,
  RoleSchema,
  readableProjects,
} from './access.js';
export type { ListAnnotationsOptions } from './annotation-ops.js';
export type { UpdateAssetOptions } from './asset-ops.js';
export {
  type AuditAnchor,
  type AuditChange,
  type AuditEvent,
  type AuditHead,
  auditAnchor,
} from './audit.js';
export type { ReadAuditQuery } from './audit-ops.js';
export {
  type AuditProblem,
  type AuditVerification,
  type VerifyAuditOptions,
  verifyAuditTrail,
} from './audit-verify.js';
export { Catalog, type CatalogOptions, CatalogOptionsSchema, createCatalog } from './catalog.js';
export type { WriteOptions } from './context.js';
export type { DeriveInput, DeriveResult } from './derive-ops.js';
export { type RecordEventInput, RecordEventSchema } from './event-ops.js';
export type { Genealogy, RelateInput } from './genealogy-ops.js';
export type { LeaseOptions } from './lease-ops.js';
export { CATALOG_LIMITS } from './limits.js';
export {
  createMemoryCatalogStore,
  type MemoryCatalogStoreOptions,
  MemoryCatalogStoreOptionsSchema,
} from './memory-store.js';
export type {
  AnnotationIndex,
  AssetIndex,
  CatalogReader,
  CatalogStore,
  CatalogStoreCapabilities,
  CatalogTx,
  EntityFilter,
  EntityKind,
  EntityMap,
  Lease,
  Page,
} from './port.js';
export { type ReindexSearchOptions, type ReindexSearchReport, reindexSearch } from './reindex.js';
export {
  type AnnotationQuery,
  AnnotationQuerySchema,
  type AnnotationSearch,
  type AssetQuery,
  AssetQuerySchema,
  type AssetSearch,
  AssetSortFieldSchema,
  type RecommendationQuery,
  RecommendationQuerySchema,
  type RecommendationSearch,
} from './search-model.js';
export type { RelocateOptions } from './version-ops.js';
