import { z } from 'zod';

/** LTO generations the tape model knows. */
export const LtoGenerationSchema = z.enum(['LTO-7', 'LTO-8', 'LTO-9']);
/** An LTO generation: `LTO-7`, `LTO-8` or `LTO-9`. */
export type LtoGeneration = z.output<typeof LtoGenerationSchema>;

/**
 * Physical figures of one LTO generation, for the time model of plans and benchmarks.
 *
 * Sources (public specifications):
 * - Native capacity and native data rate: the LTO Program's generation specifications
 *   (lto.org "LTO generations": LTO-7 6 TB / 300 MB/s, LTO-8 12 TB / 360 MB/s, LTO-9 18 TB /
 *   400 MB/s, full-height drives).
 * - Load-to-ready, unload, average locate ("average space record time from load point") and
 *   average rewind: IBM TS2290/TS2280/TS2270 Tape Drive User's Guide, "Specifications" table
 *   (LTO-9: 16 s, 56 s, 65 s, 62 s; LTO-8: 15 s, 24 s, 59 s, 59 s; LTO-7: 15 s, 20 s, 56 s, 60 s).
 * - Read/write compatibility: LTO Program compatibility rules (an LTO-9 drive reads and writes
 *   LTO-8 and LTO-9; an LTO-8 drive reads and writes LTO-7 and LTO-8; an LTO-7 drive writes
 *   LTO-6 and LTO-7 and reads LTO-5 to LTO-7).
 */
export interface LtoSpec {
  readonly generation: LtoGeneration;
  /** Native (uncompressed) capacity in bytes. */
  readonly capacityBytes: number;
  /** Native data rate in bytes per second. */
  readonly bytesPerSecond: number;
  /** Seconds from cartridge inserted to ready (load and thread). */
  readonly loadSeconds: number;
  /** Seconds to unload once rewound. */
  readonly unloadSeconds: number;
  /** Average seconds to locate from the load point to a random block (half the tape). */
  readonly averageLocateSeconds: number;
  /** Average seconds to rewind to the load point. */
  readonly averageRewindSeconds: number;
  /** Cartridge generations this generation's drive can read. */
  readonly reads: readonly string[];
  /** Cartridge generations this generation's drive can write. */
  readonly writes: readonly string[];
}

/** The figures of each generation (see {@link LtoSpec} for the sources). */
export const LTO_SPECS: Readonly<Record<LtoGeneration, LtoSpec>> = Object.freeze({
  'LTO-7': {
    generation: 'LTO-7',
    capacityBytes: 6e12,
    bytesPerSecond: 300e6,
    loadSeconds: 15,
    unloadSeconds: 20,
    averageLocateSeconds: 56,
    averageRewindSeconds: 60,
    reads: ['LTO-5', 'LTO-6', 'LTO-7'],
    writes: ['LTO-6', 'LTO-7'],
  },
  'LTO-8': {
    generation: 'LTO-8',
    capacityBytes: 12e12,
    bytesPerSecond: 360e6,
    loadSeconds: 15,
    unloadSeconds: 24,
    averageLocateSeconds: 59,
    averageRewindSeconds: 59,
    reads: ['LTO-7', 'LTO-8'],
    writes: ['LTO-7', 'LTO-8'],
  },
  'LTO-9': {
    generation: 'LTO-9',
    capacityBytes: 18e12,
    bytesPerSecond: 400e6,
    loadSeconds: 16,
    unloadSeconds: 56,
    averageLocateSeconds: 65,
    averageRewindSeconds: 62,
    reads: ['LTO-8', 'LTO-9'],
    writes: ['LTO-8', 'LTO-9'],
  },
});

/** Whether a drive of generation `drive` can read a cartridge of generation `cartridge`. */
export function driveCanRead(drive: LtoGeneration, cartridge: string): boolean {
  return LTO_SPECS[drive].reads.includes(cartridge);
}

/**
 * The time model of one drive and cartridge, in seconds. The tape is modelled as a line of blocks
 * from the load point to the end of the written area: locating costs time in proportion to the
 * distance in blocks, calibrated so a locate from the load point to a random block of a full
 * cartridge takes the specification's average; rewinding costs time in proportion to the
 * position. Real LTO tape is serpentine (wraps run back and forth), so a real locate between two
 * blocks far apart in block numbers can be shorter than modelled, and one between adjacent wraps
 * longer; a drive with Recommended Access Order can beat block order. The model is meant for
 * comparing plans (block order against arrival order, one mount per cartridge against many), not
 * for promising a wall-clock time.
 */
export class TapeTimeModel {
  readonly spec: LtoSpec;
  readonly #blocksOnTape: number;

  /**
   * @param generation the cartridge's generation (its spec's figures apply).
   * @param blockSize bytes per tape block (LTFS: 524288 by default).
   * @param robotMoveSeconds seconds for the library robot to move a cartridge between a slot and
   *   a drive (library-specific; not part of the LTO specification).
   */
  constructor(
    generation: LtoGeneration,
    readonly blockSize = 524_288,
    readonly robotMoveSeconds = 10,
  ) {
    this.spec = LTO_SPECS[generation];
    this.#blocksOnTape = this.spec.capacityBytes / blockSize;
  }

  /** Seconds to fetch a cartridge from its slot and load it until ready. */
  mountSeconds(): number {
    return this.robotMoveSeconds + this.spec.loadSeconds;
  }

  /** Seconds to rewind from `block`, unload, and put the cartridge back in its slot. */
  dismountSeconds(block: number): number {
    return this.rewindSeconds(block) + this.spec.unloadSeconds + this.robotMoveSeconds;
  }

  /** Seconds to rewind from `block` to the load point. */
  rewindSeconds(block: number): number {
    return 2 * this.spec.averageRewindSeconds * Math.min(1, Math.max(0, block) / this.#blocksOnTape);
  }

  /** Seconds to locate from block `from` to block `to` (0 when already there). */
  locateSeconds(from: number, to: number): number {
    if (from === to) return 0;
    return 2 * this.spec.averageLocateSeconds * Math.min(1, Math.abs(to - from) / this.#blocksOnTape);
  }

  /** Seconds to stream `bytes` at the native rate. */
  transferSeconds(bytes: number): number {
    return bytes / this.spec.bytesPerSecond;
  }

  /** Blocks `bytes` occupy on tape (at least one for a non-empty file). */
  blocksOf(bytes: number): number {
    return Math.ceil(bytes / this.blockSize);
  }
}
