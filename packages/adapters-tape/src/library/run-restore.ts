import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { TapeLibrary, TapeRestoreBatch, TapeRestorePlan, TapeRestoreRequest } from '@framewise/core/archive';
import { FramewiseError } from '@framewise/core/errors';
import { volumePathParts } from '../ltfs/paths.js';

/** Progress of {@link runTapeRestore}, after each file. */
export interface TapeRestoreProgress {
  readonly fileKey: string;
  readonly barcode: string;
  readonly drive: number;
  readonly filesDone: number;
  readonly filesTotal: number;
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

/** One restored file. */
export interface RestoredFile {
  readonly fileKey: string;
  readonly barcode: string;
  /** Where it was written. */
  readonly target: string;
  readonly sizeBytes: number;
  /** SHA-256 of the bytes read, computed while copying. */
  readonly sha256: string;
}

/** Options of {@link runTapeRestore}. */
export interface TapeRestoreRunOptions {
  readonly library: TapeLibrary;
  /** Directory the files are restored into, each at its volume path. */
  readonly destination: string;
  /** File keys already restored (from an earlier, interrupted run): skipped. */
  readonly skip?: ReadonlySet<string>;
  readonly onProgress?: (progress: TapeRestoreProgress) => void;
  /** Stop: the run rejects with `CANCELLED` whose `details.restored` lists the files done. */
  readonly signal?: AbortSignal;
  /** Unload each drive when its batches are done (default true). */
  readonly unloadAtEnd?: boolean;
}

/** The outcome of {@link runTapeRestore}. */
export interface TapeRestoreReport {
  readonly restored: readonly RestoredFile[];
  readonly skipped: readonly string[];
}

const cancelled = (restored: readonly RestoredFile[]) =>
  new FramewiseError('CANCELLED', `Tape restore was cancelled after ${restored.length} files`, {
    details: { restored: restored.map((r) => r.fileKey) },
  });

/**
 * Run a plan of `planTapeRestore` (`@framewise/core/archive`): each drive works through its batches in order (loading
 * the batch's cartridge, unloading the previous one), reading files in tape order into
 * `destination/<volume path>` (written to a temporary name, renamed when complete, so a partial
 * file never appears), with progress after each file. Drives run in parallel. Resume an
 * interrupted run by passing the restored file keys as `skip`.
 *
 * @throws `CANCELLED` on abort (`details.restored`); the library's errors otherwise.
 */
export async function runTapeRestore(
  plan: TapeRestorePlan,
  options: TapeRestoreRunOptions,
): Promise<TapeRestoreReport> {
  const { library, destination, signal } = options;
  const skip = options.skip ?? new Set<string>();
  const restored: RestoredFile[] = [];
  const skipped: string[] = [];
  const filesTotal = plan.batches.reduce((s, b) => s + b.files.length, 0);
  let bytesDone = 0;
  const byDrive = new Map<number, TapeRestoreBatch[]>();
  for (const b of plan.batches) byDrive.set(b.drive, [...(byDrive.get(b.drive) ?? []), b]);

  const copy = async (mountPoint: string, file: TapeRestoreRequest, drive: number, barcode: string) => {
    const parts = volumePathParts(file.path);
    const target = join(destination, ...parts);
    const partial = `${target}.partial-${process.pid}`;
    await mkdir(dirname(target), { recursive: true });
    library.noteRead?.(drive, { partition: file.partition, startBlock: file.startBlock }, file.sizeBytes);
    const hash = createHash('sha256');
    let size = 0;
    try {
      await pipeline(
        createReadStream(join(mountPoint, ...parts), { highWaterMark: 1024 * 1024 }),
        new Transform({
          transform(chunk: Buffer, _e, cb) {
            hash.update(chunk);
            size += chunk.length;
            cb(null, chunk);
          },
        }),
        createWriteStream(partial),
        signal === undefined ? {} : { signal },
      );
      await rename(partial, target);
    } catch (error) {
      await rm(partial, { force: true });
      if (signal?.aborted) throw cancelled(restored);
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw new FramewiseError('NOT_FOUND', `"${file.path}" is not on cartridge "${barcode}"`, {
          details: { fileKey: file.fileKey, barcode, path: file.path },
          cause: error,
        });
      throw error;
    }
    const done: RestoredFile = { fileKey: file.fileKey, barcode, target, sizeBytes: size, sha256: hash.digest('hex') };
    restored.push(done);
    bytesDone += size;
    options.onProgress?.({
      fileKey: file.fileKey,
      barcode,
      drive,
      filesDone: restored.length + skipped.length,
      filesTotal,
      bytesDone,
      bytesTotal: plan.totalBytes,
    });
  };

  const runDrive = async (drive: number, batches: readonly TapeRestoreBatch[]) => {
    for (const batch of batches) {
      const todo = batch.files.filter((f) => !skip.has(f.fileKey));
      skipped.push(...batch.files.filter((f) => skip.has(f.fileKey)).map((f) => f.fileKey));
      if (todo.length === 0) continue;
      if (signal?.aborted) throw cancelled(restored);
      const inventory = await library.inventory();
      const holds = inventory.drives.find((d) => d.index === drive)?.barcode;
      let mountPoint = inventory.drives.find((d) => d.index === drive)?.mountPoint;
      if (holds !== batch.barcode || mountPoint === undefined) {
        if (holds !== undefined) await library.unload(drive);
        mountPoint = await library.load(batch.barcode, drive, signal === undefined ? {} : { signal });
      }
      for (const file of todo) {
        if (signal?.aborted) throw cancelled(restored);
        await copy(mountPoint, file, drive, batch.barcode);
      }
    }
    if (options.unloadAtEnd !== false) await library.unload(drive);
  };

  const results = await Promise.allSettled([...byDrive].map(([drive, batches]) => runDrive(drive, batches)));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure !== undefined) {
    if (signal?.aborted) throw cancelled(restored);
    throw failure.reason;
  }
  return { restored, skipped };
}
