import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { distributionAdapterConformance, testDistributionContext } from '@framewise/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createFolderEndpoint } from '../src/folder/index.js';
import { mediaPackage } from './helpers.js';

const roots: string[] = [];
const newRoot = () => {
  const dir = mkdtempSync(join(tmpdir(), 'fw-drop-'));
  roots.push(dir);
  return join(dir, 'drop');
};
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const conformanceRoot = newRoot();
distributionAdapterConformance('folder', {
  create: () => createFolderEndpoint({ root: conformanceRoot }),
  remoteItems: async () => (existsSync(conformanceRoot) ? readdirSync(conformanceRoot) : []),
  fetchFile: async (_a, remoteId, name) =>
    createHash('sha256')
      .update(readFileSync(join(conformanceRoot, remoteId, `${name}.mp4`)))
      .digest('hex'),
});

describe('folder endpoint', () => {
  it('delivers media, then the sidecar, then the completion marker, all under their final names', async () => {
    const root = newRoot();
    const adapter = createFolderEndpoint({ root, packagePath: '{field:houseNumber}/v{revision}' });
    const body = randomBytes(64 * 1024);
    const c = testDistributionContext();
    const outcome = await adapter.submit(mediaPackage(body), c);
    expect(outcome).toMatchObject({ kind: 'success', remoteId: 'LT-101/v1', remoteState: 'live' });
    expect(readdirSync(join(root, 'LT-101', 'v1')).sort()).toEqual(['READY', 'lt-101.json', 'main.mp4']);
    const sidecar = JSON.parse(readFileSync(join(root, 'LT-101', 'v1', 'lt-101.json'), 'utf8'));
    expect(sidecar).toMatchObject({
      revision: 1,
      fields: { title: 'Low Tide' },
      files: [
        {
          name: 'main',
          file: 'main.mp4',
          sizeBytes: body.length,
          sha256: createHash('sha256').update(body).digest('hex'),
        },
      ],
    });
    expect(readFileSync(join(root, 'LT-101', 'v1', 'main.mp4')).equals(body)).toBe(true);
    expect(c.remoteFiles).toMatchObject({ main: 'LT-101/v1/main.mp4', 'package:LT-101/v1': 'LT-101/v1' });
  });

  it('resumes an interrupted upload from the size on disk, without resending what is there', async () => {
    const root = newRoot();
    const logged: { level: string; fields: Record<string, unknown>; message: string }[] = [];
    const at =
      (level: string) =>
      (fields: Record<string, unknown>, message: string): void =>
        void logged.push({ level, fields, message });
    const logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
    const adapter = createFolderEndpoint({ root, logger });
    const body = randomBytes(1024 * 1024);
    const c = testDistributionContext();
    const starts: number[] = [];
    let fail = true;
    const open = (start: number) => {
      starts.push(start);
      if (!fail) return Readable.from([body.subarray(start)]);
      fail = false;
      // 300 KiB arrive, then the connection drops.
      return Readable.from(
        (async function* () {
          yield body.subarray(0, 300 * 1024);
          await new Promise((resolve) => setTimeout(resolve, 50));
          throw Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
        })(),
      );
    };
    const first = await adapter.submit(mediaPackage(body, { open }), c);
    expect(first).toMatchObject({ kind: 'retry' });
    expect(readdirSync(join(root, 'lt-101', 'v1'))).toEqual(['.main.mp4.part']);
    const second = await adapter.submit(mediaPackage(body, { open }), c);
    expect(second).toMatchObject({ kind: 'success' });
    expect(starts).toEqual([0, 300 * 1024]);
    expect(readFileSync(join(root, 'lt-101', 'v1', 'main.mp4')).equals(body)).toBe(true);
    // The resume is logged at info with where it picks up; the first attempt only at debug.
    expect(logged.filter((l) => l.level === 'info')).toEqual([
      {
        level: 'info',
        fields: { transport: 'folder', path: 'lt-101/v1/main.mp4', sizeBytes: body.length, offset: 300 * 1024 },
        message: 'framewise folder: resuming upload',
      },
    ]);
  });

  it('delivers a new revision in its own folder and removes the old one once it is complete', async () => {
    const root = newRoot();
    const c = testDistributionContext();
    await createFolderEndpoint({ root }).submit(mediaPackage(Buffer.from('one'), { revision: 1 }), c);
    await createFolderEndpoint({ root }).submit(mediaPackage(Buffer.from('two'), { revision: 2 }), c);
    expect(readdirSync(join(root, 'lt-101'))).toEqual(['v2']);
    const kept = testDistributionContext();
    const keepRoot = newRoot();
    const keep = createFolderEndpoint({ root: keepRoot, keepRevisions: true });
    await keep.submit(mediaPackage(Buffer.from('one'), { revision: 1 }), kept);
    await keep.submit(mediaPackage(Buffer.from('two'), { revision: 2 }), kept);
    expect(await keep.remove('delete', kept)).toMatchObject({
      kind: 'success',
      response: { removed: ['lt-101/v1', 'lt-101/v2'] },
    });
    expect(await keep.poll(kept)).toMatchObject({ remoteState: 'removed' });
    expect(readdirSync(keepRoot)).toEqual([]);
  });

  it('refuses names that would leave the drop folder, through a template or a symbolic link', async () => {
    const root = newRoot();
    const adapter = createFolderEndpoint({ root, packagePath: '{field:houseNumber}' });
    for (const houseNumber of ['../escape', '..', '/etc', 'a/b', 'x\u0000y', '.hidden'])
      expect(
        await adapter.submit(mediaPackage(Buffer.from('x'), { fields: { houseNumber } }), testDistributionContext()),
      ).toMatchObject({
        kind: 'failed',
        code: 'INVALID_INPUT',
      });
    const outside = mkdtempSync(join(tmpdir(), 'fw-outside-'));
    roots.push(outside);
    mkdirSync(root, { recursive: true });
    symlinkSync(outside, join(root, 'LINK'));
    const escaped = await adapter.submit(
      mediaPackage(Buffer.from('x'), { fields: { houseNumber: 'LINK' } }),
      testDistributionContext(),
    );
    expect(escaped).toMatchObject({ kind: 'failed', code: 'FORBIDDEN' });
    expect(readdirSync(outside)).toEqual([]);
    writeFileSync(join(root, 'ok'), '');
  });

  it('refuses unknown template tokens when it is created', () => {
    expect(() => createFolderEndpoint({ root: newRoot(), packagePath: '{asset}/v{revision}' })).toThrow(
      /Unknown token \{asset\}/,
    );
  });
});
