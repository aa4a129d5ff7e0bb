import { z } from 'zod';
import { FramewiseError } from '../../errors/index.js';
import { parseInput } from '../../support/index.js';
import { driveCanRead, type LtoGeneration, LtoGenerationSchema, TapeTimeModel } from './lto.js';

/** One file to restore from tape, with where it starts (from the LTFS index or the tape catalog). */
export const TapeRestoreRequestSchema = z.strictObject({
  /** The caller's key for the file (a catalog file key, a path). */
  fileKey: z.string().min(1).max(1024),
  /** Barcode of the cartridge holding the copy. */
  barcode: z.string().regex(/^[A-Z0-9]{1,16}$/, 'a barcode is 1 to 16 upper-case letters and digits'),
  /** Path of the file on the LTFS volume (`/`-separated, relative to the volume root). */
  path: z.string().min(1).max(4096),
  /** LTFS partition of the first extent (`a` index, `b` data). */
  partition: z.string().regex(/^[a-z]$/, 'an LTFS partition is one lower-case letter'),
  /** Block where the first extent starts. */
  startBlock: z.number().int().nonnegative(),
  /** Bytes to read. */
  sizeBytes: z.number().int().nonnegative(),
});
/** One file to restore from tape. */
export type TapeRestoreRequest = z.output<typeof TapeRestoreRequestSchema>;

/** A drive available to a restore, and what it holds now. */
export const RestoreDriveSchema = z.strictObject({
  index: z.number().int().nonnegative(),
  generation: LtoGenerationSchema,
  /** The cartridge loaded now, if any (its batch then needs no mount). */
  loaded: z.string().optional(),
});
/** A drive available to a restore. */
export type RestoreDrive = z.output<typeof RestoreDriveSchema>;

/** Everything {@link planTapeRestore} needs. */
export const TapeRestorePlanInputSchema = z.strictObject({
  requests: z.array(TapeRestoreRequestSchema).max(1_000_000),
  drives: z.array(RestoreDriveSchema).min(1).max(256),
  /** Generation of each cartridge, by barcode. */
  cartridges: z.record(z.string(), LtoGenerationSchema),
  /** Bytes per tape block (LTFS default 524288). */
  blockSize: z.number().int().positive().default(524_288),
  /** Seconds for the robot to move a cartridge between slot and drive. */
  robotMoveSeconds: z.number().nonnegative().default(10),
});
/** Input of {@link planTapeRestore}. */
export type TapeRestorePlanInput = z.input<typeof TapeRestorePlanInputSchema>;

/** The files of one cartridge, in the order they are read, on one drive. */
export interface TapeRestoreBatch {
  readonly barcode: string;
  readonly drive: number;
  /** Files in tape order: by partition, then start block. */
  readonly files: readonly TapeRestoreRequest[];
  /** Whether the cartridge must be mounted (false when the drive already holds it). */
  readonly mount: boolean;
  /** Modelled seconds from the start of the restore when this batch starts (dismount of the previous cartridge included before it). */
  readonly startSeconds: number;
  /** Modelled seconds of this batch: mount, locates and reads (not the dismount after it). */
  readonly seconds: number;
}

/** A restore plan: one batch per cartridge, spread over the drives. */
export interface TapeRestorePlan {
  /** Batches in the order each drive runs them (drives run in parallel). */
  readonly batches: readonly TapeRestoreBatch[];
  /** Number of mounts the plan performs (one per cartridge not already loaded). */
  readonly mounts: number;
  /** Modelled seconds until the last file is read. */
  readonly estimatedSeconds: number;
  /**
   * A lower bound under the same model: every cartridge's mount, locates over the span it must
   * cover, reads at the native rate and dismount (but for the last cartridge of each drive),
   * spread perfectly over the drives.
   */
  readonly lowerBoundSeconds: number;
  readonly totalBytes: number;
}

interface Cartridge {
  readonly barcode: string;
  readonly model: TapeTimeModel;
  readonly files: TapeRestoreRequest[];
  loadedOn: number | undefined;
  work: number;
  dismount: number;
}

/** A position on tape, for the model: partition and block. */
interface Position {
  partition: string;
  block: number;
}

/** Modelled seconds to locate between two positions; a partition change goes through the load point. */
function locate(model: TapeTimeModel, from: Position, to: Position): number {
  if (from.partition === to.partition) return model.locateSeconds(from.block, to.block);
  return model.locateSeconds(from.block, 0) + model.locateSeconds(0, to.block);
}

/** Modelled seconds to read `files` in order from `start`; returns the seconds and where the head ends. */
function readSeconds(
  model: TapeTimeModel,
  files: readonly TapeRestoreRequest[],
  start: Position,
): { seconds: number; end: Position } {
  let at = start;
  let seconds = 0;
  for (const f of files) {
    seconds += locate(model, at, { partition: f.partition, block: f.startBlock });
    seconds += model.transferSeconds(f.sizeBytes);
    at = { partition: f.partition, block: f.startBlock + model.blocksOf(f.sizeBytes) };
  }
  return { seconds, end: at };
}

const byTapeOrder = (a: TapeRestoreRequest, b: TapeRestoreRequest): number =>
  a.partition < b.partition
    ? -1
    : a.partition > b.partition
      ? 1
      : a.startBlock - b.startBlock || (a.fileKey < b.fileKey ? -1 : a.fileKey > b.fileKey ? 1 : 0);

/**
 * Turn restore requests into a plan that reads each cartridge once, in tape order — by
 * (partition, start block), as LTFS's `ltfs_ordered_copy` does — and spreads the cartridges over
 * the drives so the last file is read as early as possible: longest batch first onto the least
 * loaded drive that can read it; a cartridge already loaded stays on its drive and goes first; on
 * each drive the cartridge whose dismount costs most goes last (it is never dismounted). Times
 * come from {@link TapeTimeModel} (LTO specification figures).
 *
 * @throws `INVALID_INPUT` for malformed requests, an unknown cartridge or the same file key twice;
 *   `UNSUPPORTED` when no drive can read a cartridge's generation.
 * @example
 *   const plan = planTapeRestore({ requests, drives: [{ index: 0, generation: 'LTO-9' }], cartridges: { A00001: 'LTO-9' } });
 */
export function planTapeRestore(input: TapeRestorePlanInput): TapeRestorePlan {
  const parsed = parseInput(TapeRestorePlanInputSchema, input, 'Tape restore');
  const seen = new Set<string>();
  const cartridges = new Map<string, Cartridge>();
  for (const r of parsed.requests) {
    if (seen.has(r.fileKey))
      throw new FramewiseError('INVALID_INPUT', `Tape restore asks for "${r.fileKey}" twice`, {
        details: { fileKey: r.fileKey },
      });
    seen.add(r.fileKey);
    let c = cartridges.get(r.barcode);
    if (c === undefined) {
      const generation = parsed.cartridges[r.barcode];
      if (generation === undefined)
        throw new FramewiseError('INVALID_INPUT', `Tape restore: cartridge "${r.barcode}" has no known generation`, {
          details: { barcode: r.barcode },
        });
      const loadedOn = parsed.drives.find((d) => d.loaded === r.barcode)?.index;
      c = {
        barcode: r.barcode,
        model: new TapeTimeModel(generation, parsed.blockSize, parsed.robotMoveSeconds),
        files: [],
        loadedOn,
        work: 0,
        dismount: 0,
      };
      cartridges.set(r.barcode, c);
    }
    c.files.push(r);
  }
  for (const c of cartridges.values()) {
    c.files.sort(byTapeOrder);
    const { seconds, end } = readSeconds(c.model, c.files, { partition: 'a', block: 0 });
    c.work = (c.loadedOn === undefined ? c.model.mountSeconds() : 0) + seconds;
    c.dismount = c.model.dismountSeconds(end.block);
    const generation = c.model.spec.generation;
    if (!parsed.drives.some((d) => driveCanRead(d.generation, generation)))
      throw new FramewiseError('UNSUPPORTED', `No drive can read cartridge "${c.barcode}" (${generation})`, {
        details: { barcode: c.barcode, generation },
      });
  }
  // Each drive's timeline: when it is free, and the position-dependent dismount it owes first.
  // A drive holding a cartridge nobody asked for must dismount it first (from the load point at
  // best: its position is unknown).
  const drives = parsed.drives.map((d) => ({
    ...d,
    owes:
      d.loaded === undefined || cartridges.has(d.loaded)
        ? 0
        : new TapeTimeModel(
            parsed.cartridges[d.loaded] ?? d.generation,
            parsed.blockSize,
            parsed.robotMoveSeconds,
          ).dismountSeconds(0),
    /** Modelled load so far: every assigned batch's work and dismount. */
    load: 0,
    assigned: [] as Cartridge[],
  }));
  // Assignment: a loaded cartridge stays on its drive; the rest, longest first, go to the drive
  // with the least load that can read them.
  for (const c of cartridges.values()) {
    if (c.loadedOn === undefined) continue;
    const d = drives.find((x) => x.index === c.loadedOn) as (typeof drives)[number];
    d.assigned.push(c);
    d.load += c.work + c.dismount;
  }
  const rest = [...cartridges.values()]
    .filter((c) => c.loadedOn === undefined)
    .sort((a, b) => b.work + b.dismount - (a.work + a.dismount) || (a.barcode < b.barcode ? -1 : 1));
  for (const c of rest) {
    const generation = c.model.spec.generation;
    let best: (typeof drives)[number] | undefined;
    for (const d of drives) {
      if (!driveCanRead(d.generation, generation)) continue;
      if (best === undefined || d.owes + d.load < best.owes + best.load) best = d;
    }
    (best as (typeof drives)[number]).assigned.push(c);
    (best as (typeof drives)[number]).load += c.work + c.dismount;
  }
  // Sequence per drive: the loaded cartridge first, then by dismount time, so the cartridge whose
  // dismount costs most is the last one and is never dismounted.
  const batches: TapeRestoreBatch[] = [];
  let mounts = 0;
  let estimatedSeconds = 0;
  for (const d of drives) {
    const order = d.assigned
      .filter((c) => c.loadedOn === undefined)
      .sort((a, b) => a.dismount - b.dismount || (a.barcode < b.barcode ? -1 : 1));
    const loaded = d.assigned.find((c) => c.loadedOn !== undefined);
    let free = 0;
    let owes = d.owes;
    for (const c of loaded === undefined ? order : [loaded, ...order]) {
      const mount = c !== loaded;
      const startSeconds = free + (mount ? owes : 0);
      batches.push({ barcode: c.barcode, drive: d.index, files: c.files, mount, startSeconds, seconds: c.work });
      free = startSeconds + c.work;
      owes = c.dismount;
      if (mount) mounts++;
    }
    estimatedSeconds = Math.max(estimatedSeconds, free);
  }
  batches.sort((a, b) => a.drive - b.drive || a.startSeconds - b.startSeconds);
  const all = [...cartridges.values()];
  const totalWork = all.reduce((s, c) => s + c.work + c.dismount, 0);
  const spared = all
    .map((c) => c.dismount)
    .sort((a, b) => b - a)
    .slice(0, drives.length)
    .reduce((s, x) => s + x, 0);
  const lowerBoundSeconds = Math.max(
    all.reduce((m, c) => Math.max(m, c.work), 0),
    (totalWork - spared) / drives.length,
  );
  return {
    batches,
    mounts,
    estimatedSeconds,
    lowerBoundSeconds,
    totalBytes: parsed.requests.reduce((s, r) => s + r.sizeBytes, 0),
  };
}

/**
 * Modelled seconds to restore `requests` in the order given (first come, first served): each file
 * goes to the drive holding its cartridge, else to the drive that frees up first, which dismounts
 * what it holds and mounts the cartridge. The baseline a position-ordered plan is compared with.
 */
export function estimateArrivalOrderSeconds(input: TapeRestorePlanInput): number {
  const parsed = parseInput(TapeRestorePlanInputSchema, input, 'Tape restore');
  const models = new Map<string, TapeTimeModel>();
  const modelOf = (barcode: string): TapeTimeModel => {
    let m = models.get(barcode);
    if (m === undefined) {
      const generation = parsed.cartridges[barcode] as LtoGeneration | undefined;
      if (generation === undefined)
        throw new FramewiseError('INVALID_INPUT', `Tape restore: cartridge "${barcode}" has no known generation`, {
          details: { barcode },
        });
      m = new TapeTimeModel(generation, parsed.blockSize, parsed.robotMoveSeconds);
      models.set(barcode, m);
    }
    return m;
  };
  const drives = parsed.drives.map((d) => ({
    generation: d.generation,
    loaded: d.loaded,
    at: { partition: 'a', block: 0 } as Position,
    free: 0,
  }));
  for (const r of parsed.requests) {
    const model = modelOf(r.barcode);
    let drive = drives.find((d) => d.loaded === r.barcode);
    if (drive === undefined) {
      const able = drives.filter((d) => driveCanRead(d.generation, model.spec.generation));
      drive = able.sort((a, b) => a.free - b.free)[0];
      if (drive === undefined)
        throw new FramewiseError('UNSUPPORTED', `No drive can read cartridge "${r.barcode}"`, {
          details: { barcode: r.barcode },
        });
      if (drive.loaded !== undefined) drive.free += modelOf(drive.loaded).dismountSeconds(drive.at.block);
      drive.free += model.mountSeconds();
      drive.loaded = r.barcode;
      drive.at = { partition: 'a', block: 0 };
    }
    const { seconds, end } = readSeconds(model, [r], drive.at);
    drive.free += seconds;
    drive.at = end;
  }
  return drives.reduce((m, d) => Math.max(m, d.free), 0);
}
