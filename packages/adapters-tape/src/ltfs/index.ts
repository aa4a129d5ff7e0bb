/**
 * `@framewise/adapters-tape/ltfs`: LTFS volumes through the LTFS reference implementation's
 * binaries (`mkltfs`, `ltfs`, `fusermount`, `getfattr`): format, mount, write with digests in the
 * same pass, read files and byte ranges, list, LTFS extended attributes, unmount with the final
 * index; the LTFS index and label XML (read with the safe XML reader, written canonically); the
 * `file` backend's emulated cartridges.
 *
 * @module
 */
export { findTool, type LtfsTool } from './binaries.js';
export {
  configureEmulatedCartridge,
  type EmulatedCartridgeSettings,
  readEmulatedCartridgeIndex,
} from './emulated.js';
export { type TapeErrorReason, tapeError, tapeErrorReason } from './errors.js';
export {
  indexFiles,
  type LtfsDirectory,
  type LtfsExtent,
  type LtfsFile,
  type LtfsIndex,
  type LtfsLabel,
  type LtfsTimes,
  type LtfsXattr,
  type TapePosition,
} from './index-model.js';
export { parseLtfsIndex, parseLtfsLabel } from './index-parse.js';
export { writeLtfsIndex } from './index-write.js';
export {
  type LtfsFileAttributes,
  type LtfsListEntry,
  LtfsMount,
  type LtfsMountInit,
  type LtfsUnmountResult,
  type LtfsVolumeInfo,
  type LtfsWriteOptions,
  type LtfsWrittenFile,
} from './mount.js';
export { volumePathParts } from './paths.js';
export {
  createLtfsVolumeDriver,
  type LtfsFormatRequest,
  LtfsFormatRequestSchema,
  type LtfsMountOptions,
  type LtfsVolumeDriver,
  type LtfsVolumeDriverOptions,
  LtfsVolumeDriverOptionsSchema,
} from './volume.js';
