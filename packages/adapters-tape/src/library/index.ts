/**
 * `@framewise/adapters-tape/library`: a protocol-faithful simulated tape library over real LTFS
 * mounts of emulated cartridges (with an LTO physical-time model), and the runner that executes
 * position-ordered restore plans on any `TapeLibrary`.
 *
 * @module
 */
export {
  type RestoredFile,
  runTapeRestore,
  type TapeRestoreProgress,
  type TapeRestoreReport,
  type TapeRestoreRunOptions,
} from './run-restore.js';
export {
  createSimulatedTapeLibrary,
  type LibraryEvent,
  type SimulatedTapeLibrary,
  type SimulatedTapeLibraryOptions,
  SimulatedTapeLibraryOptionsSchema,
} from './simulated-library.js';
