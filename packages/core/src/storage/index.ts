/**
 * Object storage: the `StorageDriver` port adapters implement, and the `ObjectStorage` host object
 * (key validation, checksums while streaming, retries, events).
 *
 * @module
 */
export { createMemoryStorage, type MemoryStorageOptions, MemoryStorageOptionsSchema } from './memory-driver.js';
export {
  createObjectStorage,
  isSameObject,
  ObjectStorage,
  type ObjectStorageOptions,
  ObjectStorageOptionsSchema,
  type PutOptions,
  type PutResult,
  type PutSource,
  type StorageEvents,
} from './object-storage.js';
export type { ByteRange, DriverPutOptions, ObjectInfo, StorageCapabilities, StorageDriver } from './port.js';
export type { ExpectedContent } from './verified-read.js';
