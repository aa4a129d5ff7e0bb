/**
 * The LTFS volume driver against the real LTFS reference implementation (`file` backend: a
 * directory is an emulated cartridge, mounted through FUSE). Every mount is unmounted in teardown.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  configureEmulatedCartridge,
  indexFiles,
  type LtfsVolumeDriver,
  readEmulatedCartridgeIndex,
  writeLtfsIndex,
} from '../src/ltfs/index.js';
import { tempDir, testDriver, validateLtfsXml } from './helpers.js';

let driver: LtfsVolumeDriver;
let teardown: () => Promise<void>;
let root: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ driver, teardown } = testDriver());
  ({ dir: root, cleanup } = await tempDir('ltfs'));
});
afterAll(async () => {
  await teardown?.();
  await cleanup?.();
});

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

async function cartridge(name: string, volumeName = 'Vault A'): Promise<{ device: string; mountPoint: string }> {
  const device = join(root, 'tapes', name);
  const mountPoint = join(root, 'drives', name);
  await mkdir(device, { recursive: true });
  await mkdir(mountPoint, { recursive: true });
  await driver.format(device, { serial: name, volumeName });
  return { device, mountPoint };
}

describe('LTFS volume (real ltfs, emulated cartridge)', () => {
  it('formats, writes with digests in one pass, reads ranges, lists, reads xattrs, and writes a valid index at unmount', async () => {
    const { device, mountPoint } = await cartridge('TAPE01', 'Vault A');
    const mount = await driver.mount(device, mountPoint);
    const info = await mount.volume();
    expect(info).toMatchObject({ serial: 'TAPE01', volumeName: 'Vault A', readOnly: false });
    expect(info.capacityBytes).toBeGreaterThan(1e9);
    expect(info.freeBytes).toBeGreaterThan(0);
    const master = randomBytes(3_000_000);
    const sidecar = Buffer.from('<sidecar>HL-S01E01</sidecar>');
    const progress: number[] = [];
    const a = await mount.writeFile(
      'masters/HL_S01E01.mxf',
      Readable.from([master.subarray(0, 1_000_000), master.subarray(1_000_000)]),
      {
        xxh64: true,
        onProgress: (b) => progress.push(b),
      },
    );
    const b = await mount.writeFile('masters/HL_S01E01.xml', Readable.from([sidecar]));
    // Digests against node:crypto over the same bytes (an independent computation).
    expect(a).toMatchObject({
      sizeBytes: master.length,
      sha256: sha256(master),
      md5: md5(master),
      path: 'masters/HL_S01E01.mxf',
    });
    expect(a.xxh64).toMatch(/^[0-9a-f]{16}$/);
    expect(progress.at(-1)).toBe(master.length);
    if (a.position === undefined || b.position === undefined) throw new Error('no tape position after write');
    expect(a.position.partition).toBe('b');
    expect(b.position.startBlock).toBeGreaterThan(a.position.startBlock);
    expect(a.fileUid).not.toBe(b.fileUid);
    // Byte range [1000, 1999] and the whole file.
    const range = Buffer.concat(
      await (await mount.readFile('masters/HL_S01E01.mxf', { start: 1000, end: 1999 })).toArray(),
    );
    expect(range.equals(master.subarray(1000, 2000))).toBe(true);
    expect(await text(await mount.readFile('masters/HL_S01E01.xml'))).toBe(sidecar.toString());
    expect(await mount.list()).toEqual([
      { path: 'masters', kind: 'directory', sizeBytes: 0 },
      { path: 'masters/HL_S01E01.mxf', kind: 'file', sizeBytes: master.length },
      { path: 'masters/HL_S01E01.xml', kind: 'file', sizeBytes: sidecar.length },
    ]);
    // Never overwrites; never leaves the mount point.
    await expect(mount.writeFile('masters/HL_S01E01.xml', Readable.from([sidecar]))).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(mount.writeFile('../escape.txt', Readable.from([sidecar]))).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(mount.readFile('masters/../../etc/passwd')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(mount.readFile('masters/HL_S01E01.mxf', { start: 10, end: 3_000_000 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });

    // Verify after write reads the bytes back; a changed file fails with INTEGRITY.
    expect(await mount.verifyFile('masters/HL_S01E01.mxf', a)).toEqual({ sha256: a.sha256, sizeBytes: a.sizeBytes });
    await expect(mount.verifyFile('masters/HL_S01E01.xml', { ...b, sha256: a.sha256 })).rejects.toMatchObject({
      code: 'INTEGRITY',
    });

    const { index, indexXml } = await mount.unmount();
    if (index === undefined || indexXml === undefined) throw new Error('unmount returned no index');
    expect(index.volumeUuid).toBe(info.volumeUuid);
    // The index LTFS wrote agrees with the xattrs read live, and passes the LTFS profile (xmllint).
    const files = Object.fromEntries(indexFiles(index).map((f) => [f.path, f]));
    expect(files['masters/HL_S01E01.mxf']?.extents[0]).toMatchObject(a.position);
    expect(files['masters/HL_S01E01.mxf']?.fileUid).toBe(a.fileUid);
    expect(files['masters/HL_S01E01.xml']?.extents[0]?.startBlock).toBe(b.position.startBlock);
    expect((await validateLtfsXml(indexXml)).valid).toBe(true);
    expect((await validateLtfsXml(writeLtfsIndex(index))).valid).toBe(true);
    // The same index, read from the cartridge's own records without mounting.
    const onTape = await readEmulatedCartridgeIndex(device);
    expect(onTape.generation).toBe(index.generation);
    expect(
      indexFiles(onTape)
        .map((f) => f.path)
        .sort(),
    ).toEqual(Object.keys(files).sort());

    // Mount again: the data is on the cartridge.
    const again = await driver.mount(device, mountPoint);
    const back = Buffer.concat(await (await again.readFile('masters/HL_S01E01.mxf')).toArray());
    expect(sha256(back)).toBe(a.sha256);
    expect((await again.attributes('masters/HL_S01E01.mxf')).position).toEqual(a.position);
    expect((await again.volume()).indexGeneration).toBeGreaterThanOrEqual(index.generation ?? 0);
    await again.unmount();
  });

  it('refuses a second mount of the same cartridge, and a mount point in use (mount-busy)', async () => {
    const { device, mountPoint } = await cartridge('TAPE02');
    const mount = await driver.mount(device, mountPoint);
    try {
      await expect(driver.mount(device, join(root, 'drives', 'TAPE01'))).rejects.toMatchObject({
        code: 'CONFLICT',
        details: expect.objectContaining({ reason: 'mount-busy' }),
      });
      const other = join(root, 'tapes', 'OTHER1');
      await mkdir(other, { recursive: true });
      await expect(driver.mount(other, mountPoint)).rejects.toMatchObject({
        details: expect.objectContaining({ reason: 'mount-busy' }),
      });
      // An open file keeps the volume busy: the unmount is refused and the volume stays usable.
      await mount.writeFile('open.bin', Readable.from([Buffer.alloc(1000, 1)]));
      const handle = await open(join(mountPoint, 'open.bin'), 'r');
      try {
        await expect(mount.unmount()).rejects.toMatchObject({
          details: expect.objectContaining({ reason: 'mount-busy' }),
        });
      } finally {
        await handle.close();
      }
      expect((await mount.list()).map((e) => e.path)).toEqual(['open.bin']);
    } finally {
      await mount.unmount();
    }
  });

  it('a write-protected cartridge mounts read-only and refuses writes and formatting (write-protected)', async () => {
    const { device, mountPoint } = await cartridge('TAPE03');
    const first = await driver.mount(device, mountPoint);
    await first.writeFile('kept.txt', Readable.from([Buffer.from('kept')]));
    await first.unmount();
    await configureEmulatedCartridge(device, { writeProtected: true });
    const mount = await driver.mount(device, mountPoint);
    try {
      expect(mount.writeProtected).toBe(true);
      expect(await text(await mount.readFile('kept.txt'))).toBe('kept');
      await expect(mount.writeFile('new.txt', Readable.from([Buffer.from('x')]))).rejects.toMatchObject({
        code: 'FORBIDDEN',
        details: expect.objectContaining({ reason: 'write-protected' }),
      });
    } finally {
      await mount.unmount();
    }
    await expect(driver.format(device, { serial: 'TAPE03', force: true })).rejects.toMatchObject({
      details: expect.objectContaining({ reason: 'write-protected' }),
    });
  });

  it('a full cartridge fails the write with tape-full and leaves no partial file', async () => {
    const { device, mountPoint } = await cartridge('TAPE04');
    // Shrink the emulated cartridge after formatting: LTFS reads the capacity at every load.
    await configureEmulatedCartridge(device, { capacityMb: 256 });
    const mount = await driver.mount(device, mountPoint);
    try {
      const big = (async function* () {
        const chunk = randomBytes(1024 * 1024);
        for (let i = 0; i < 300; i++) yield chunk;
      })();
      await expect(mount.writeFile('too-big.bin', big)).rejects.toMatchObject({
        code: 'CONFLICT',
        details: expect.objectContaining({ reason: 'tape-full' }),
      });
      expect((await mount.list()).map((e) => e.path)).not.toContain('too-big.bin');
    } finally {
      await mount.unmount().catch(() => undefined);
    }
  });

  it('a cartridge whose index records are destroyed fails to mount with index-unreadable', async () => {
    const { device, mountPoint } = await cartridge('TAPE05');
    const mount = await driver.mount(device, mountPoint);
    await mount.writeFile('a.bin', Readable.from([randomBytes(10_000)]));
    await mount.unmount();
    for (const name of await readdir(device)) {
      if (!/^\d+_\d+_R$/.test(name)) continue;
      const path = join(device, name);
      const body = await readFile(path);
      if (body.subarray(0, 200).toString('latin1').includes('<ltfsindex'))
        await writeFile(
          path,
          body.toString('utf8').replace('<ltfsindex', '<ltfsindeks').replace('</ltfsindex>', '</ltfsindeks>'),
        );
    }
    await expect(driver.mount(device, mountPoint)).rejects.toMatchObject({
      code: 'INTEGRITY',
      details: expect.objectContaining({ reason: 'index-unreadable' }),
    });
    await expect(readEmulatedCartridgeIndex(device)).rejects.toMatchObject({ code: 'INTEGRITY' });
  });
});
