/**
 * The simulated tape library over real LTFS mounts of emulated cartridges, and position-ordered
 * restores run on it: plan, progress, cancellation and resume.
 */

import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { planTapeRestore, type TapeRestoreRequest } from '@framewise/core/archive';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulatedTapeLibrary, runTapeRestore, type SimulatedTapeLibrary } from '../src/library/index.js';
import type { LtfsVolumeDriver } from '../src/ltfs/index.js';
import { tempDir, testDriver } from './helpers.js';

let driver: LtfsVolumeDriver;
let teardown: () => Promise<void>;
let root: string;
let cleanup: () => Promise<void>;
let library: SimulatedTapeLibrary;
/** What was written: file key → request and sha256. */
const written = new Map<string, { request: TapeRestoreRequest; sha256: string }>();

beforeAll(async () => {
  ({ driver, teardown } = testDriver());
  ({ dir: root, cleanup } = await tempDir('library'));
  library = createSimulatedTapeLibrary({
    root,
    slots: 6,
    importExportSlots: 2,
    drives: [{ generation: 'LTO-9' }, { generation: 'LTO-8' }],
    volumes: driver,
  });
  for (const [barcode, generation] of [
    ['ARC001', 'LTO-9'],
    ['ARC002', 'LTO-9'],
    ['ARC003', 'LTO-8'],
  ] as const) {
    await library.insert(barcode, generation);
    await library.importCartridge(barcode);
    await library.format(barcode, { volumeName: `Vault ${barcode}` });
  }
  // Three files per cartridge, written in an order that differs from any later request order.
  for (const barcode of ['ARC001', 'ARC002', 'ARC003']) {
    const drive = library.generationOf(barcode) === 'LTO-9' ? 0 : 1;
    await library.load(barcode, drive);
    const mount = library.mountOf(drive);
    if (mount === undefined) throw new Error('no mount after load');
    // Written out of name order, so tape order differs from the names' order.
    for (const i of [2, 0, 1]) {
      const bytes = randomBytes(200_000 + i * 50_000);
      const path = `proj/${barcode}-clip${i}.mxf`;
      const w = await mount.writeFile(path, Readable.from([bytes]));
      library.noteWrite(drive, w.sizeBytes);
      written.set(`${barcode}/${i}`, {
        request: {
          fileKey: `${barcode}/${i}`,
          barcode,
          path,
          partition: w.position?.partition ?? 'b',
          startBlock: w.position?.startBlock ?? 0,
          sizeBytes: w.sizeBytes,
        },
        sha256: createHash('sha256').update(bytes).digest('hex'),
      });
    }
    await library.unload(drive);
  }
});
afterAll(async () => {
  await library?.close();
  await teardown?.();
  await cleanup?.();
});

describe('simulated tape library (real LTFS mounts)', () => {
  it('keeps an inventory by barcode through import, load, unload and export', async () => {
    let inv = await library.inventory();
    expect(inv.slots.filter((s) => s.barcode !== undefined).map((s) => s.barcode)).toEqual([
      'ARC001',
      'ARC002',
      'ARC003',
    ]);
    expect(inv.drives.map((d) => d.barcode)).toEqual([undefined, undefined]);
    const point = await library.load('ARC002', 0);
    inv = await library.inventory();
    expect(inv.drives[0]).toMatchObject({ barcode: 'ARC002', mountPoint: point });
    expect(inv.slots.some((s) => s.barcode === 'ARC002')).toBe(false);
    await expect(library.load('ARC001', 0)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(library.exportCartridge('ARC002')).rejects.toMatchObject({ code: 'CONFLICT' });
    await library.unload(0);
    // An LTO-8 drive cannot read an LTO-9 cartridge.
    await expect(library.load('ARC001', 1)).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    await expect(library.load('NOPE01', 0)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const mail = await library.exportCartridge('ARC003');
    expect((await library.inventory()).importExport[mail]?.barcode).toBe('ARC003');
    await library.importCartridge('ARC003');
    // Modelled time: loads and unloads were accounted with the LTO figures.
    expect(library.events().some((e) => e.action === 'mount' && e.seconds === 10 + 16)).toBe(true);
  });

  it('restores in position order, one mount per cartridge, with progress; the bytes are the ones written', async () => {
    const requests = [...written.values()].map((w) => w.request).reverse();
    const plan = planTapeRestore({
      requests,
      drives: [
        { index: 0, generation: 'LTO-9' },
        { index: 1, generation: 'LTO-8' },
      ],
      cartridges: { ARC001: 'LTO-9', ARC002: 'LTO-9', ARC003: 'LTO-8' },
    });
    expect(plan.mounts).toBe(3);
    const before = library.events().filter((e) => e.action === 'mount').length;
    const progress: string[] = [];
    const destination = join(root, 'restore');
    const report = await runTapeRestore(plan, { library, destination, onProgress: (p) => progress.push(p.fileKey) });
    expect(library.events().filter((e) => e.action === 'mount').length - before).toBe(3);
    expect(report.restored).toHaveLength(9);
    for (const r of report.restored) {
      const w = written.get(r.fileKey);
      expect(r.sha256).toBe(w?.sha256);
      expect(
        createHash('sha256')
          .update(await readFile(r.target))
          .digest('hex'),
      ).toBe(w?.sha256);
    }
    // Per cartridge, files came off in ascending start block.
    for (const barcode of ['ARC001', 'ARC002', 'ARC003']) {
      const blocks = progress.filter((k) => k.startsWith(barcode)).map((k) => written.get(k)?.request.startBlock ?? -1);
      expect(blocks).toEqual([...blocks].sort((a, b) => a - b));
    }
  });

  it("reads a cartridge in the order of ltfs_ordered_copy, the reference implementation's tape-order copy", async () => {
    // Request ARC001's files in reverse, then plan; the oracle is ltfs_ordered_copy's own copy order.
    const requests = [...written.values()]
      .filter((w) => w.request.barcode === 'ARC001')
      .map((w) => w.request)
      .reverse();
    const plan = planTapeRestore({
      requests,
      drives: [{ index: 0, generation: 'LTO-9' }],
      cartridges: { ARC001: 'LTO-9' },
    });
    const ours = plan.batches.flatMap((b) => b.files.map((f) => f.path));
    const point = await library.load('ARC001', 0);
    try {
      const tool = join(process.env.FRAMEWISE_LTFS_BIN ?? '/opt/ltfs/bin', 'ltfs_ordered_copy');
      const out = join(root, 'ordered-copy');
      await mkdir(out, { recursive: true });
      // ltfs_ordered_copy is written against pyxattr's API (xattr.get/list/set); Debian's
      // python3-xattr is another library under the same module name. A three-line module maps
      // pyxattr's API onto os.getxattr so the unmodified tool runs.
      const shim = join(root, 'pyxattr-shim');
      await mkdir(shim, { recursive: true });
      await writeFile(
        join(shim, 'xattr.py'),
        'import os\ndef get(path, name): return os.getxattr(path, name)\ndef list(path): return os.listxattr(path)\ndef set(path, name, value): os.setxattr(path, name, value)\n',
      );
      const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
      const result = spawnSync(python, [tool, '-v', '-r', join(point, 'proj'), out], {
        encoding: 'utf8',
        env: { ...process.env, PYTHONPATH: shim },
      });
      expect(result.status, `ltfs_ordered_copy failed: ${result.stderr}`).toBe(0);
      const theirs = [...result.stderr.matchAll(/^"([^"]+)" \((\d+)\) -> /gm)].map((m) =>
        relative(point, m[1] as string),
      );
      expect(theirs).toHaveLength(3);
      expect(ours).toEqual(theirs);
    } finally {
      await library.unload(0);
    }
  });

  it('stops on cancellation with what was restored, and a resumed run restores only the rest', async () => {
    const requests = [...written.values()].map((w) => w.request);
    const plan = planTapeRestore({
      requests,
      drives: [{ index: 0, generation: 'LTO-9' }],
      cartridges: { ARC001: 'LTO-9', ARC002: 'LTO-9', ARC003: 'LTO-8' },
    });
    const controller = new AbortController();
    const destination = join(root, 'restore-cancel');
    const done = new Set<string>();
    const error = await runTapeRestore(plan, {
      library,
      destination,
      signal: controller.signal,
      onProgress: (p) => {
        done.add(p.fileKey);
        if (done.size === 2) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CANCELLED' });
    const restored = (error as { details: { restored: string[] } }).details.restored;
    expect(new Set(restored)).toEqual(done);
    await library.close();
    const rest = await runTapeRestore(plan, { library, destination, skip: done });
    expect(rest.restored.map((r) => r.fileKey).sort()).toEqual(
      requests
        .map((r) => r.fileKey)
        .filter((k) => !done.has(k))
        .sort(),
    );
    expect([...rest.skipped].sort()).toEqual([...done].sort());
  });
});
