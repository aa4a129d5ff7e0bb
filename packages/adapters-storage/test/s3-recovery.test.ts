import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createObjectStorage } from '@framewise/core/storage';
import { type S3rverServer, startS3rver } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileUploadStateStore, createS3Storage } from '../src/s3/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(createRequire(import.meta.url).resolve('s3rver/package.json'), '..', 'bin', 's3rver.js');
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const MiB = 1024 * 1024;

/** The same pseudo-random bytes as the child fixture for a seed. */
function source(total: number, seed: number): Readable {
  let x = seed;
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const chunk = Buffer.alloc(Math.min(MiB, total - sent));
      for (let i = 0; i < chunk.length; i += 4) {
        x = (x * 1664525 + 1013904223) >>> 0;
        chunk.writeUInt32LE(x, i);
      }
      sent += chunk.length;
      this.push(chunk);
    },
  });
}

/** Run the fixture that completes a multipart upload and is SIGKILLed before it forgets the upload state. */
async function completeThenDie(server: S3rverServer, stateDir: string, key: string, mib: number, seed: number) {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@framewise/source',
      '--import',
      'tsx',
      join(here, 'fixtures/s3-complete-then-die.ts'),
      server.endpoint,
      server.bucket,
      stateDir,
      key,
      String(mib),
      String(seed),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += String(d);
  });
  child.stderr.on('data', (d) => {
    err += String(d);
  });
  const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, s) => resolve(s)));
  expect({ signal, out, err }).toMatchObject({ signal: 'SIGKILL', out: 'completed\n' });
}

describe('S3: a multipart upload completed but not forgotten (the uploader killed in between)', () => {
  let server: S3rverServer;
  beforeAll(async () => {
    server = await startS3rver(bin);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });
  const make = (stateDir: string) =>
    createS3Storage({
      bucket: server.bucket,
      endpoint: server.endpoint,
      forcePathStyle: true,
      credentials,
      partSizeBytes: 5 * MiB,
      concurrency: 2,
      uploadState: createFileUploadStateStore(stateDir),
    });

  it('a direct put killed after completing: the key stays writable — over the object, and after it is deleted', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'fw-s3-state-'));
    await completeThenDie(server, stateDir, 'recover/direct.bin', 12, 3);
    const state = createFileUploadStateStore(stateDir);
    const id = `${server.bucket}/recover/direct.bin`;
    expect(await state.get(id)).toBeDefined();
    const driver = make(stateDir);
    const storage = createObjectStorage(driver);
    // The completed object is there, and is what the child sent.
    const reference = createObjectStorage(make(mkdtempSync(join(tmpdir(), 'fw-s3-state-'))));
    const same = await reference.put('recover/reference-3.bin', source(12 * MiB, 3));
    expect((await storage.digest('recover/direct.bin')).sha256).toBe(same.sha256);
    // Deleting the key forgets the state that named it; a put to the free key goes straight there.
    await storage.delete('recover/direct.bin');
    expect(await state.get(id)).toBeUndefined();
    const stored = await storage.put('recover/direct.bin', source(12 * MiB, 4));
    expect((await storage.digest('recover/direct.bin')).sha256).toBe(stored.sha256);
  }, 120_000);

  it('the same content put again after the crash adopts the completed upload: nothing is sent again', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'fw-s3-state-'));
    await completeThenDie(server, stateDir, 'recover/adopt.bin', 12, 7);
    const state = createFileUploadStateStore(stateDir);
    const id = `${server.bucket}/recover/adopt.bin`;
    expect(await state.get(id)).toBeDefined();
    const driver = make(stateDir);
    const storage = createObjectStorage(driver);
    // The retried put of the same bytes: its parts' digests are the completed upload's, and the
    // object under the key is what they make (size, and s3rver's whole-object MD5 ETag, which the
    // host compares with the MD5 it computed while reading): success is recorded, nothing re-sent.
    const stored = await storage.put('recover/adopt.bin', source(12 * MiB, 7));
    expect(driver.lastPut).toMatchObject({ adopted: true, partsSent: 0, partsReused: 3, sizeBytes: 12 * MiB });
    expect(await state.get(id)).toBeUndefined();
    expect((await storage.digest('recover/adopt.bin')).sha256).toBe(stored.sha256);
    const reference = createObjectStorage(make(mkdtempSync(join(tmpdir(), 'fw-s3-state-'))));
    expect((await reference.put('recover/reference-7.bin', source(12 * MiB, 7))).sha256).toBe(stored.sha256);
    // Other content of the same size after such a crash is not adopted: its first part differs, it is sent.
    await completeThenDie(server, stateDir, 'recover/adopt.bin', 12, 8);
    const other = await storage.put('recover/adopt.bin', source(12 * MiB, 9));
    expect(driver.lastPut).toMatchObject({ partsSent: 3, partsReused: 0 });
    expect(driver.lastPut?.adopted).toBeUndefined();
    expect((await storage.digest('recover/adopt.bin')).sha256).toBe(other.sha256);
  }, 120_000);

  it('a Complete whose answer is lost (the server completed it): the put adopts the object instead of failing', async () => {
    const { S3Client } = await import('@aws-sdk/client-s3');
    const client = new S3Client({
      region: 'us-east-1',
      endpoint: server.endpoint,
      forcePathStyle: true,
      credentials,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    const send = client.send.bind(client) as (...args: unknown[]) => Promise<unknown>;
    let lost = 0;
    (client as unknown as { send: (...args: unknown[]) => Promise<unknown> }).send = async (...args: unknown[]) => {
      const out = await send(...args);
      if ((args[0] as object).constructor.name === 'CompleteMultipartUploadCommand') {
        // completed on the server; the answer never reaches us
        lost++;
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', $metadata: {} });
      }
      return out;
    };
    const stateDir = mkdtempSync(join(tmpdir(), 'fw-s3-state-'));
    const driver = createS3Storage({
      bucket: server.bucket,
      endpoint: server.endpoint,
      forcePathStyle: true,
      client,
      partSizeBytes: 5 * MiB,
      uploadState: createFileUploadStateStore(stateDir),
    });
    const storage = createObjectStorage(driver);
    const stored = await storage.put('recover/lost-answer.bin', source(11 * MiB, 11));
    expect(lost).toBe(1);
    expect(driver.lastPut).toMatchObject({ adopted: true, partsSent: 3 });
    expect(await createFileUploadStateStore(stateDir).get(`${server.bucket}/recover/lost-answer.bin`)).toBeUndefined();
    expect((await storage.digest('recover/lost-answer.bin')).sha256).toBe(stored.sha256);
    client.destroy();
  }, 120_000);

  it('a stale state is recognised without a delete: a direct put to the key starts afresh', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'fw-s3-state-'));
    await completeThenDie(server, stateDir, 'recover/stale.bin', 12, 5);
    // The driver itself, without the host's staging: the put goes to the key with the stale state.
    const driver = make(stateDir);
    await driver.put('recover/stale.bin', source(11 * MiB, 6), {});
    expect(driver.lastPut).toMatchObject({ partsReused: 0, partsSent: 3 });
    expect(await createFileUploadStateStore(stateDir).get(`${server.bucket}/recover/stale.bin`)).toBeUndefined();
    const storage = createObjectStorage(driver);
    const reference = await createObjectStorage(make(mkdtempSync(join(tmpdir(), 'fw-s3-state-')))).put(
      'recover/reference-6.bin',
      source(11 * MiB, 6),
    );
    expect((await storage.digest('recover/stale.bin')).sha256).toBe(reference.sha256);
  }, 120_000);

  it('a staged put killed after completing its staging upload: the next put over the object succeeds, the leaked staging object is swept', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'fw-s3-state-'));
    const driver = make(stateDir);
    const storage = createObjectStorage(driver);
    const original = await storage.put('recover/staged.bin', source(11 * MiB, 1));
    await completeThenDie(server, stateDir, 'recover/staged.bin', 12, 2);
    // The child died before the copy into place: the object is the original, the staging object leaked.
    expect((await storage.digest('recover/staged.bin')).sha256).toBe(original.sha256);
    const listed: string[] = [];
    for await (const item of storage.list('recover/')) listed.push(item.key);
    expect(listed).not.toContainEqual(expect.stringMatching(/fw-stage/));
    expect(listed).toContain('recover/staged.bin');
    const swept = await driver.sweepStaging({ olderThanMs: 0 });
    expect(swept.deleted).toHaveLength(1);
    expect(swept.deleted[0]?.key).toMatch(/^recover\/\.fw-stage-[0-9a-f]{24}\.partial$/);
    expect(swept.deleted[0]?.sizeBytes).toBe(12 * MiB);
    // Nothing young is swept; nothing else is.
    expect((await driver.sweepStaging({ olderThanMs: 0 })).deleted).toEqual([]);
    // The staging key's upload state is stale: the next put over the object starts afresh and lands.
    const next = await storage.put('recover/staged.bin', source(12 * MiB, 2));
    expect(driver.lastPut).toMatchObject({ partsReused: 0, partsSent: 3 });
    expect((await storage.digest('recover/staged.bin')).sha256).toBe(next.sha256);
    const again = await storage.put('recover/staged.bin', source(11 * MiB, 9));
    expect((await storage.digest('recover/staged.bin')).sha256).toBe(again.sha256);
  }, 120_000);

  it('the staged crash again without a sweep: the next put is not stuck on the completed staging upload', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'fw-s3-state-'));
    const storage = createObjectStorage(make(stateDir));
    await storage.put('recover/unswept.bin', source(11 * MiB, 1));
    await completeThenDie(server, stateDir, 'recover/unswept.bin', 12, 2);
    for (const seed of [2, 3]) {
      const stored = await storage.put('recover/unswept.bin', source(12 * MiB, seed));
      expect((await storage.digest('recover/unswept.bin')).sha256).toBe(stored.sha256);
    }
  }, 120_000);

  it('concurrent puts of one key over an object all land whole: the final object is one of them, byte for byte', async () => {
    const storage = createObjectStorage(make(mkdtempSync(join(tmpdir(), 'fw-s3-state-'))));
    await storage.put('race/key.bin', source(6 * MiB, 100));
    const results = await Promise.allSettled(
      [101, 102, 103, 104].map((seed) => storage.put('race/key.bin', source(6 * MiB, seed))),
    );
    const landed = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.sha256] : []));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(landed).toContain((await storage.digest('race/key.bin')).sha256);
    // A put failing its check after staging leaves the object as it was, and no staging object.
    const before = (await storage.digest('race/key.bin')).sha256;
    await expect(
      storage.put('race/key.bin', source(6 * MiB, 105), { expected: { sha256: '0'.repeat(64) } }),
    ).rejects.toMatchObject({ code: 'INTEGRITY' });
    expect((await storage.digest('race/key.bin')).sha256).toBe(before);
  }, 120_000);
});
