import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { hasMethods, LoggerSchema, parseInput, parseOptions, silentLogger } from '@framewise/core/adapter-kit';
import {
  driveCanRead,
  type LibraryInventory,
  type LtoGeneration,
  LtoGenerationSchema,
  type TapeLibrary,
  type TapeLibraryCallOptions,
  TapeTimeModel,
} from '@framewise/core/archive';
import { FramewiseError } from '@framewise/core/errors';
import { z } from 'zod';
import type { LtfsMount } from '../ltfs/mount.js';
import type { LtfsFormatRequest, LtfsVolumeDriver } from '../ltfs/volume.js';

/** Options of {@link createSimulatedTapeLibrary}. */
export const SimulatedTapeLibraryOptionsSchema = z.strictObject({
  /** Directory of the simulation: `cartridges/<BARCODE>` (emulated cartridges), `drives/<n>` (mount points). */
  root: z.string().min(1),
  /** Storage slots. */
  slots: z.number().int().min(1).max(10_000),
  /** Import/export (mail) slots. */
  importExportSlots: z.number().int().min(1).max(100).default(4),
  /** The drives, by generation. */
  drives: z
    .array(z.strictObject({ generation: LtoGenerationSchema }))
    .min(1)
    .max(64),
  /** The LTFS volume driver that mounts the emulated cartridges (backend `file`). */
  volumes: z.custom<LtfsVolumeDriver>(hasMethods('format', 'mount', 'mounts'), 'must be an LtfsVolumeDriver'),
  /** Seconds for the robot to move a cartridge between a slot and a drive (library-specific). */
  robotMoveSeconds: z.number().nonnegative().default(10),
  /** Bytes per tape block, for the time model (LTFS default 524288). */
  blockSize: z.number().int().positive().default(524_288),
  logger: LoggerSchema.optional(),
});
/** Options of {@link createSimulatedTapeLibrary}. */
export type SimulatedTapeLibraryOptions = z.input<typeof SimulatedTapeLibraryOptionsSchema>;

const BarcodeSchema = z
  .string()
  .regex(
    /^[A-Z0-9]{6}(L[5-9]|M8)?$/,
    'a barcode is six upper-case letters or digits, optionally with an LTO media id (L9)',
  );

/** One step of the simulated library's physical timeline. */
export interface LibraryEvent {
  readonly drive: number;
  readonly action: 'mount' | 'dismount' | 'locate' | 'read' | 'write' | 'format';
  readonly barcode: string;
  /** Modelled seconds the step took. */
  readonly seconds: number;
  /** The drive's modelled clock after the step. */
  readonly at: number;
}

/** The simulated library: the {@link TapeLibrary} port plus what a simulation can show. */
export interface SimulatedTapeLibrary extends TapeLibrary {
  /**
   * Put a new cartridge in a free import/export slot (an operator inserting it); its emulated
   * cartridge directory is created. `CONFLICT` when the barcode exists or no mail slot is free.
   */
  insert(barcode: string, generation: LtoGeneration): Promise<number>;
  /** Format a cartridge in a free drive that can write its generation, then return it to its slot. */
  format(barcode: string, request: Omit<LtfsFormatRequest, 'serial'>, options?: TapeLibraryCallOptions): Promise<void>;
  /** The LTFS mount of a drive's loaded cartridge, `undefined` when empty. */
  mountOf(drive: number): LtfsMount | undefined;
  /** Account a write of `bytes` on a drive (the modelled time of streaming them). */
  noteWrite(drive: number, bytes: number): void;
  /** A cartridge's generation. */
  generationOf(barcode: string): LtoGeneration;
  /** Modelled seconds of each drive's timeline. */
  driveSeconds(): readonly number[];
  /** Every modelled step so far. */
  events(): readonly LibraryEvent[];
  /** Unload every drive. */
  close(): Promise<void>;
}

interface CartridgeState {
  readonly barcode: string;
  readonly generation: LtoGeneration;
  readonly dir: string;
  /** Storage slot it returns to, once imported. */
  home: number | undefined;
  where: { kind: 'storage' | 'import-export' | 'drive'; index: number };
}

interface DriveState {
  readonly index: number;
  readonly generation: LtoGeneration;
  readonly mountPoint: string;
  barcode: string | undefined;
  mount: LtfsMount | undefined;
  clock: number;
  position: { partition: string; block: number };
  busy: boolean;
}

/**
 * A protocol-faithful simulation of a robotic tape library (no SCSI media changer can be emulated
 * here): storage slots, import/export slots and drives addressed as a changer addresses them,
 * barcodes, moves and load/unload — over real LTFS mounts of emulated cartridges (the LTFS `file`
 * backend), so what is written and read is really on an LTFS volume. Physical time is modelled
 * per drive with {@link TapeTimeModel} (LTO specification figures): robot move and load/thread on
 * load, locate by distance and native-rate transfer on reads and writes, rewind and unload on
 * unload. Robot moves are not serialised between drives (a real robot is one arm).
 *
 * @example
 *   const library = createSimulatedTapeLibrary({ root, slots: 20, drives: [{ generation: 'LTO-9' }], volumes });
 *   await library.insert('TAPE01', 'LTO-9');
 *   await library.importCartridge('TAPE01');
 *   await library.format('TAPE01', { volumeName: 'Vault A' });
 */
export function createSimulatedTapeLibrary(options: SimulatedTapeLibraryOptions): SimulatedTapeLibrary {
  const o = parseOptions(SimulatedTapeLibraryOptionsSchema, options, 'Simulated tape library options');
  const logger = o.logger ?? silentLogger;
  const cartridges = new Map<string, CartridgeState>();
  const drives: DriveState[] = o.drives.map((d, index) => ({
    index,
    generation: d.generation,
    mountPoint: join(o.root, 'drives', `drive${index}`),
    barcode: undefined,
    mount: undefined,
    clock: 0,
    position: { partition: 'a', block: 0 },
    busy: false,
  }));
  const log: LibraryEvent[] = [];
  const models = new Map<LtoGeneration, TapeTimeModel>();
  const modelOf = (generation: LtoGeneration): TapeTimeModel => {
    let m = models.get(generation);
    if (m === undefined) {
      m = new TapeTimeModel(generation, o.blockSize, o.robotMoveSeconds);
      models.set(generation, m);
    }
    return m;
  };
  const account = (d: DriveState, action: LibraryEvent['action'], barcode: string, seconds: number) => {
    d.clock += seconds;
    log.push({ drive: d.index, action, barcode, seconds, at: d.clock });
  };
  const cartridge = (barcode: string): CartridgeState => {
    const c = cartridges.get(barcode);
    if (c === undefined)
      throw new FramewiseError('NOT_FOUND', `No cartridge "${barcode}" in the library`, { details: { barcode } });
    return c;
  };
  const drive = (index: number): DriveState => {
    const d = drives[index];
    if (d === undefined || !Number.isInteger(index))
      throw new FramewiseError('INVALID_INPUT', `Drive ${index} does not exist (the library has ${drives.length})`, {
        details: { drive: index },
      });
    return d;
  };
  const occupied = (kind: 'storage' | 'import-export', index: number) =>
    [...cartridges.values()].some((c) => c.where.kind === kind && c.where.index === index);
  const freeSlot = (kind: 'storage' | 'import-export', count: number): number | undefined => {
    for (let i = 0; i < count; i++) if (!occupied(kind, i) && !(kind === 'storage' && homeTaken(i))) return i;
    return undefined;
  };
  const homeTaken = (slot: number) => [...cartridges.values()].some((c) => c.home === slot);
  const exclusive = async <T>(d: DriveState, fn: () => Promise<T>): Promise<T> => {
    if (d.busy)
      throw new FramewiseError('CONFLICT', `Drive ${d.index} is busy with another operation`, {
        details: { drive: d.index },
      });
    d.busy = true;
    try {
      return await fn();
    } finally {
      d.busy = false;
    }
  };

  const library: SimulatedTapeLibrary = {
    async inventory(): Promise<LibraryInventory> {
      const at = (kind: 'storage' | 'import-export', index: number) =>
        [...cartridges.values()].find((c) => c.where.kind === kind && c.where.index === index)?.barcode;
      return {
        slots: Array.from({ length: o.slots }, (_, index) => ({
          kind: 'storage' as const,
          index,
          barcode: at('storage', index),
        })),
        importExport: Array.from({ length: o.importExportSlots }, (_, index) => ({
          kind: 'import-export' as const,
          index,
          barcode: at('import-export', index),
        })),
        drives: drives.map((d) => ({
          index: d.index,
          generation: d.generation,
          barcode: d.barcode,
          mountPoint: d.mount === undefined ? undefined : d.mountPoint,
        })),
      };
    },

    async insert(barcode, generation) {
      const code = parseInput(BarcodeSchema, barcode, 'Cartridge barcode');
      const gen = parseInput(LtoGenerationSchema, generation, 'Cartridge generation');
      if (cartridges.has(code))
        throw new FramewiseError('CONFLICT', `Cartridge "${code}" is already in the library`, {
          details: { barcode: code },
        });
      const slot = freeSlot('import-export', o.importExportSlots);
      if (slot === undefined)
        throw new FramewiseError('CONFLICT', `No free import/export slot for "${code}"`, {
          details: { barcode: code },
        });
      const dir = join(o.root, 'cartridges', code);
      await mkdir(dir, { recursive: true });
      cartridges.set(code, {
        barcode: code,
        generation: gen,
        dir,
        home: undefined,
        where: { kind: 'import-export', index: slot },
      });
      return slot;
    },

    async importCartridge(barcode) {
      const c = cartridge(barcode);
      if (c.where.kind !== 'import-export')
        throw new FramewiseError('CONFLICT', `Cartridge "${barcode}" is not in an import/export slot`, {
          details: { barcode },
        });
      const slot = freeSlot('storage', o.slots);
      if (slot === undefined)
        throw new FramewiseError('CONFLICT', `No free storage slot for "${barcode}"`, { details: { barcode } });
      c.home = slot;
      c.where = { kind: 'storage', index: slot };
      return slot;
    },

    async exportCartridge(barcode) {
      const c = cartridge(barcode);
      if (c.where.kind !== 'storage')
        throw new FramewiseError('CONFLICT', `Cartridge "${barcode}" is not in a storage slot (unload it first)`, {
          details: { barcode },
        });
      const slot = freeSlot('import-export', o.importExportSlots);
      if (slot === undefined)
        throw new FramewiseError('CONFLICT', `No free import/export slot for "${barcode}"`, { details: { barcode } });
      c.home = undefined;
      c.where = { kind: 'import-export', index: slot };
      return slot;
    },

    async load(barcode, driveIndex, callOptions = {}) {
      const d = drive(driveIndex);
      const c = cartridge(barcode);
      return exclusive(d, async () => {
        if (d.barcode !== undefined)
          throw new FramewiseError(
            'CONFLICT',
            `Drive ${d.index} holds "${d.barcode}"; unload it before loading "${barcode}"`,
            {
              details: { drive: d.index, barcode: d.barcode },
            },
          );
        if (c.where.kind !== 'storage')
          throw new FramewiseError('CONFLICT', `Cartridge "${barcode}" is not in a storage slot`, {
            details: { barcode },
          });
        if (!driveCanRead(d.generation, c.generation))
          throw new FramewiseError(
            'UNSUPPORTED',
            `Drive ${d.index} (${d.generation}) cannot read "${barcode}" (${c.generation})`,
            {
              details: { drive: d.index, barcode, generation: c.generation },
            },
          );
        await mkdir(d.mountPoint, { recursive: true });
        const mount = await o.volumes.mount(c.dir, d.mountPoint, {
          ...(callOptions.signal === undefined ? {} : { signal: callOptions.signal }),
        });
        d.barcode = barcode;
        d.mount = mount;
        d.position = { partition: 'a', block: 0 };
        c.where = { kind: 'drive', index: d.index };
        account(d, 'mount', barcode, modelOf(c.generation).mountSeconds());
        logger.debug({ drive: d.index, barcode }, 'library: loaded');
        return d.mountPoint;
      });
    },

    async unload(driveIndex) {
      const d = drive(driveIndex);
      return exclusive(d, async () => {
        const barcode = d.barcode;
        if (barcode === undefined) return;
        const c = cartridge(barcode);
        await d.mount?.unmount();
        d.mount = undefined;
        d.barcode = undefined;
        c.where = { kind: 'storage', index: c.home ?? 0 };
        account(d, 'dismount', barcode, modelOf(c.generation).dismountSeconds(d.position.block));
        d.position = { partition: 'a', block: 0 };
      });
    },

    noteRead(driveIndex, position, bytes) {
      const d = drive(driveIndex);
      if (d.barcode === undefined) return;
      const model = modelOf(cartridge(d.barcode).generation);
      const from = d.position;
      const locate =
        from.partition === position.partition
          ? model.locateSeconds(from.block, position.startBlock)
          : model.locateSeconds(from.block, 0) + model.locateSeconds(0, position.startBlock);
      if (locate > 0) account(d, 'locate', d.barcode, locate);
      account(d, 'read', d.barcode, model.transferSeconds(bytes));
      d.position = { partition: position.partition, block: position.startBlock + model.blocksOf(bytes) };
    },

    noteWrite(driveIndex, bytes) {
      const d = drive(driveIndex);
      if (d.barcode === undefined) return;
      const model = modelOf(cartridge(d.barcode).generation);
      account(d, 'write', d.barcode, model.transferSeconds(bytes));
      d.position = { partition: 'b', block: d.position.block + model.blocksOf(bytes) };
    },

    async format(barcode, request, callOptions = {}) {
      const c = cartridge(barcode);
      if (c.where.kind !== 'storage')
        throw new FramewiseError('CONFLICT', `Cartridge "${barcode}" must be in a storage slot to be formatted`, {
          details: { barcode },
        });
      const d = drives.find((x) => x.barcode === undefined && !x.busy && driveCanRead(x.generation, c.generation));
      if (d === undefined)
        throw new FramewiseError('CONFLICT', `No free drive can format "${barcode}" (${c.generation})`, {
          details: { barcode },
        });
      await exclusive(d, async () => {
        const model = modelOf(c.generation);
        account(d, 'mount', barcode, model.mountSeconds());
        await o.volumes.format(c.dir, { ...request, serial: barcode.slice(0, 6) }, callOptions);
        account(d, 'format', barcode, 2 * model.spec.averageLocateSeconds);
        account(d, 'dismount', barcode, model.dismountSeconds(0));
      });
    },

    mountOf(driveIndex) {
      return drive(driveIndex).mount;
    },

    generationOf(barcode) {
      return cartridge(barcode).generation;
    },

    driveSeconds() {
      return drives.map((d) => d.clock);
    },

    events() {
      return log;
    },

    async close() {
      for (const d of drives) if (d.barcode !== undefined) await library.unload(d.index);
    },
  };
  return library;
}
