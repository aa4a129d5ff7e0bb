/**
 * Demo step: a simulated tape library (two LTO-9 drives) over real LTFS mounts of two emulated
 * cartridges: format both, archive the master and renditions to one cartridge each with verify
 * after write (read back from tape, digests compared with the catalog's), show where each file
 * starts on tape, then restore in position order with the plan's modelled time.
 *
 * Needs the LTFS reference implementation (`mkltfs`, `ltfs` in /opt/ltfs/bin or
 * FRAMEWISE_LTFS_BIN), `getfattr`/`setfattr` and `fusermount`, and /dev/fuse; without them the
 * step says which binary is missing and is skipped, so the rest of the demo still runs.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createSimulatedTapeLibrary, runTapeRestore } from '@framewise/adapters-tape/library';
import { createLtfsVolumeDriver, type LtfsWrittenFile } from '@framewise/adapters-tape/ltfs';
import { planTapeRestore, type TapeRestoreRequest } from '@framewise/core/archive';
import { isFramewiseError } from '@framewise/core/errors';
import type { ObjectStorage } from '@framewise/core/storage';
import { heading, note, table } from '../print.js';
import type { StoredFile } from './media.js';

/** Run the tape step over the files the media step stored. */
export async function runTapeStep(
  dataDir: string,
  storage: ObjectStorage,
  stored: readonly StoredFile[],
): Promise<void> {
  heading('Tape: LTFS cartridges in a simulated library, verify after write, ordered restore');
  const volumes = createLtfsVolumeDriver({ backend: 'file' });
  try {
    volumes.tools();
  } catch (error) {
    if (!isFramewiseError(error, 'INVALID_CONFIG')) throw error;
    note(`skipped: ${error.message}`);
    return;
  }
  const root = join(dataDir, 'tape');
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  const library = createSimulatedTapeLibrary({
    root,
    slots: 8,
    importExportSlots: 2,
    drives: [{ generation: 'LTO-9' }, { generation: 'LTO-9' }],
    volumes,
  });
  try {
    // Two cartridges, two sets: the master on set A, the renditions on set B.
    for (const [barcode, name] of [
      ['SETA01', 'Set A'],
      ['SETB01', 'Set B'],
    ] as const) {
      await library.insert(barcode, 'LTO-9');
      await library.importCartridge(barcode);
      await library.format(barcode, { volumeName: name });
    }
    note('formatted SETA01 (Set A) and SETB01 (Set B) with mkltfs; both back in their slots');
    const requests: TapeRestoreRequest[] = [];
    const rows: string[][] = [];
    const placement = [
      { barcode: 'SETA01', files: stored.filter((f) => f.fileKey === 'master') },
      { barcode: 'SETB01', files: stored.filter((f) => f.fileKey !== 'master') },
    ];
    for (const [drive, { barcode, files }] of placement.entries()) {
      if (files.length === 0) continue;
      await library.load(barcode, drive);
      const mount = library.mountOf(drive);
      if (mount === undefined) throw new Error(`drive ${drive} has no mount after loading ${barcode}`);
      for (const file of files) {
        const path = `crossing-s01e01/${file.fileKey.replace(/[^A-Za-z0-9._-]/g, '_')}`;
        const written: LtfsWrittenFile = await mount.writeFile(path, await storage.get(file.key));
        library.noteWrite(drive, written.sizeBytes);
        // Verify after write: commit the index, read the copy back from tape, compare with the
        // catalog's digest (verifyFile throws INTEGRITY on a mismatch).
        if (written.sha256 !== file.sha256) throw new Error(`${path} was written with a different digest`);
        await mount.verifyFile(path, { sha256: file.sha256, sizeBytes: file.sizeBytes });
        requests.push({
          fileKey: file.fileKey,
          barcode,
          path,
          // An empty file has no position (it occupies no block).
          partition: written.position?.partition ?? 'b',
          startBlock: written.position?.startBlock ?? 0,
          sizeBytes: written.sizeBytes,
        });
        rows.push([
          barcode,
          path,
          written.position === undefined ? '(empty)' : `${written.position.partition}:${written.position.startBlock}`,
          `${(written.sizeBytes / 1e6).toFixed(2)} MB`,
          `${written.sha256.slice(0, 12)}…`,
          'verified',
        ]);
      }
      await library.unload(drive);
    }
    table(['cartridge', 'path on the LTFS volume', 'partition:block', 'size', 'sha256', 'after write'], rows);
    // Restore everything, asked for in reverse: the plan reads each cartridge once, in tape order.
    const plan = planTapeRestore({
      requests: [...requests].reverse(),
      drives: [
        { index: 0, generation: 'LTO-9' },
        { index: 1, generation: 'LTO-9' },
      ],
      cartridges: { SETA01: 'LTO-9', SETB01: 'LTO-9' },
    });
    const report = await runTapeRestore(plan, { library, destination: join(root, 'restore') });
    const intact = report.restored
      .filter((r) => requests.some((q) => q.fileKey === r.fileKey))
      .every((r) => stored.some((s) => s.fileKey === r.fileKey && s.sha256 === r.sha256));
    note(
      `restored ${report.restored.length} files in tape order with ${plan.mounts} mounts; modelled ${(plan.estimatedSeconds / 60).toFixed(1)} min (lower bound ${(plan.lowerBoundSeconds / 60).toFixed(1)} min); checksums ${intact ? 'match' : 'DIFFER'}`,
    );
  } finally {
    await library.close();
    await volumes.close();
  }
}
