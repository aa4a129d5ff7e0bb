/**
 * `@framewise/core/testing`: conformance suites for Framewise ports, plus test fixtures and
 * reference implementations. Kept off the main entry so vitest is never loaded in production.
 * Every adapter's tests call the suite of its port; third-party adapters run the same suites.
 *
 * @packageDocumentation
 */
export * from './catalog/index.js';
export {
  type DistributionConformanceOptions,
  distributionAdapterConformance,
  testDistributionContext,
} from './distribution.js';
export { type DistributionStoreConformanceOptions, distributionRecordStoreConformance } from './distribution-store.js';
export { type InterchangeConformanceOptions, interchangeConformance } from './interchange.js';
export {
  filelessDeliverySubject,
  filelessEndpoint,
  MemoryEndpoint,
  type MemoryEndpointItem,
} from './memory-endpoint.js';
export { type QueueConformanceOptions, queueBackendConformance } from './queue.js';
export { ReferenceRights, type ReferenceScope } from './rights-reference.js';
export { objectStorageConformance, type StorageConformanceOptions } from './storage.js';
