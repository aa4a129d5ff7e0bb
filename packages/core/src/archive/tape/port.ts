import type { LtoGeneration } from './lto.js';

/** Where a cartridge sits in a library: a storage slot, an import/export (mail) slot or a drive. */
export interface CartridgeLocation {
  /** `storage` and `import-export` slots, or a `drive`. */
  readonly kind: 'storage' | 'import-export' | 'drive';
  /** The element's number within its kind, from 0 (as `mtx status` numbers them, minus one). */
  readonly index: number;
}

/** One storage or import/export slot in a library inventory. */
export interface LibrarySlot extends CartridgeLocation {
  readonly kind: 'storage' | 'import-export';
  /** The barcode of the cartridge in the slot, `undefined` when empty. */
  readonly barcode: string | undefined;
}

/** One drive in a library inventory. */
export interface LibraryDrive {
  readonly index: number;
  readonly generation: LtoGeneration;
  /** The barcode of the loaded cartridge, `undefined` when empty. */
  readonly barcode: string | undefined;
  /** Where the loaded cartridge's LTFS volume is mounted, when it is. */
  readonly mountPoint: string | undefined;
}

/** What a library holds: its slots, import/export slots and drives. */
export interface LibraryInventory {
  readonly slots: readonly LibrarySlot[];
  readonly importExport: readonly LibrarySlot[];
  readonly drives: readonly LibraryDrive[];
}

/** Options of the long operations of a {@link TapeLibrary}. */
export interface TapeLibraryCallOptions {
  /** Abort the operation: it rejects with `CANCELLED` and leaves the library consistent. */
  readonly signal?: AbortSignal;
}

/**
 * A tape library (robot, slots, drives) as Framewise drives it: inventory by barcode, moves
 * between storage slots, import/export slots and drives, and load/unload of a drive with the
 * LTFS mount of the loaded cartridge. Implementations: the simulated library of
 * `@framewise/adapters-tape/library` (emulated cartridges on real LTFS mounts).
 */
export interface TapeLibrary {
  /** Slots, import/export slots and drives with the barcodes in them. */
  inventory(): Promise<LibraryInventory>;
  /**
   * Move the cartridge `barcode` into drive `drive` and mount its LTFS volume; resolves with the
   * mount point. `CONFLICT` when the drive holds another cartridge; `NOT_FOUND` for an unknown
   * barcode; `UNSUPPORTED` when the drive's generation cannot read the cartridge.
   */
  load(barcode: string, drive: number, options?: TapeLibraryCallOptions): Promise<string>;
  /** Unmount the drive's volume (writing its index), rewind, unload and return the cartridge to its home slot. */
  unload(drive: number, options?: TapeLibraryCallOptions): Promise<void>;
  /** Take a cartridge from an import/export slot into a free storage slot; resolves with its slot index. */
  importCartridge(barcode: string): Promise<number>;
  /** Move a cartridge from its storage slot to a free import/export slot (to leave the library). */
  exportCartridge(barcode: string): Promise<number>;
  /**
   * Tell the library that `bytes` are read from drive `drive` starting at `position`. Libraries that
   * model physical time (the simulated one) account the locate and the read; real ones need not
   * implement it.
   */
  noteRead?(drive: number, position: { readonly partition: string; readonly startBlock: number }, bytes: number): void;
}
