/**
 * Object storage: the `StorageDriver` port adapters implement, and the `ObjectStorage` host object
 * (key validation, checksums while streaming, retries, events).
 *
 * @module
 */
export { createMemoryStorage } from './memory-driver.js';
export {
  createObjectStorage,
  ObjectStorage,
  type ObjectStorageOptions,
  type PutOptions,
  type PutResult,
  type PutSource,
  type StorageEvents,
} from './object-storage.js';
export type { ByteRange, DriverPutOptions, ObjectInfo, StorageCapabilities, StorageDriver } from './port.js';
