export {
  type AuditTamperHooks,
  type CatalogConformanceOptions,
  catalogStoreConformance,
  expectError,
} from './conformance.js';
export { ManualClock, randomAsset, rng } from './fixtures.js';
