import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createObjectStorage } from '@framewise/core/storage';
import { objectStorageConformance } from '@framewise/core/testing';
import { type S3rverServer, startS3rver } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileUploadStateStore, createMemoryUploadStateStore, createS3Storage } from '../src/s3/index.js';

const bin = join(createRequire(import.meta.url).resolve('s3rver/package.json'), '..', 'bin', 's3rver.js');
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** The storage conformance suite on an s3rver of its own, with these S3 options. */
function conformanceOnS3rver(name: string, extra: Partial<Parameters<typeof createS3Storage>[0]> = {}): void {
  let own: S3rverServer | undefined;
  objectStorageConformance(name, {
    async create() {
      own = await startS3rver(bin);
      return createS3Storage({
        bucket: own.bucket,
        endpoint: own.endpoint,
        forcePathStyle: true,
        credentials,
        partSizeBytes: 5 * 1024 * 1024,
        ...extra,
      });
    },
    async destroy(driver) {
      await driver.close();
      await own?.stop();
    },
    largeBytes: 12 * 1024 * 1024,
  });
}
conformanceOnS3rver('s3 (s3rver)');
conformanceOnS3rver('s3 (s3rver, parts checked by SHA-256)', { partChecksum: 'sha256' });

/** A stream of `total` pseudo-random bytes (the same for a seed), failing after `failAfter` bytes when given. */
function source(total: number, seed: number, failAfter?: number): Readable {
  let sent = 0;
  let x = seed;
  return new Readable({
    read() {
      if (failAfter !== undefined && sent >= failAfter) {
        this.destroy(new Error('the uploading process died'));
        return;
      }
      if (sent >= total) {
        this.push(null);
        return;
      }
      const n = Math.min(1024 * 1024, total - sent);
      const chunk = Buffer.alloc(n);
      for (let i = 0; i < n; i += 4) {
        x = (x * 1664525 + 1013904223) >>> 0;
        chunk.writeUInt32LE(x, i);
      }
      sent += n;
      this.push(chunk);
    },
  });
}

describe('S3 storage', () => {
  let server: S3rverServer;
  const MiB = 1024 * 1024;
  beforeAll(async () => {
    server = await startS3rver(bin);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });
  const make = (extra: Partial<Parameters<typeof createS3Storage>[0]> = {}) =>
    createS3Storage({
      bucket: server.bucket,
      endpoint: server.endpoint,
      forcePathStyle: true,
      credentials,
      partSizeBytes: 5 * MiB,
      concurrency: 2,
      ...extra,
    });

  it('resumes an interrupted upload from its persisted part state, sending only the missing parts', async () => {
    const state = createFileUploadStateStore(join(server.directory, '..', `upload-state-${process.pid}`));
    const driver = make({ uploadState: state });
    const storage = createObjectStorage(driver);
    const size = 23 * MiB;
    const failed = await storage.put('masters/resume.bin', source(size, 7, 16 * MiB)).catch((e: unknown) => e);
    expect(String(failed)).toMatch(/died|state kept/);
    expect(await storage.head('masters/resume.bin')).toBeUndefined();
    const stored = await storage.put('masters/resume.bin', source(size, 7));
    expect(driver.lastPut).toMatchObject({ partsReused: 3, partsSent: 2 });
    const reference = createObjectStorage(make());
    const again = await reference.put('masters/reference.bin', source(size, 7));
    expect(stored.sha256).toBe(again.sha256);
    expect((await storage.digest('masters/resume.bin')).sha256).toBe(again.sha256);
  }, 120_000);

  it('checks parts by SHA-256 when asked: s3rver echoes none, so its whole-object MD5 ETag proves the object; resumes by SHA-256', async () => {
    const state = createMemoryUploadStateStore();
    const driver = make({ uploadState: state, partChecksum: 'sha256' });
    const storage = createObjectStorage(driver);
    const size = 23 * MiB;
    const failed = await storage.put('masters/sha-resume.bin', source(size, 5, 16 * MiB)).catch((e: unknown) => e);
    expect(String(failed)).toMatch(/died|state kept/);
    const kept = await state.get(`${server.bucket}/masters/sha-resume.bin`);
    expect(kept?.checksum).toBe('sha256');
    expect(Object.values(kept?.parts ?? {}).every((p) => /^[0-9a-f]{64}$/.test(p.sha256 ?? ''))).toBe(true);
    const stored = await storage.put('masters/sha-resume.bin', source(size, 5));
    expect(driver.lastPut).toMatchObject({ partsReused: 3, partsSent: 2 });
    // s3rver's multipart ETag is the MD5 of the whole object: the host compared it with its own.
    expect(driver.lastPut?.etag).toBe(stored.md5);
    expect((await storage.digest('masters/sha-resume.bin')).sha256).toBe(stored.sha256);
    // A state made with MD5 part checks is not resumed by a SHA-256 put: its parts are sent again.
    const md5State = createMemoryUploadStateStore();
    const md5Driver = make({ uploadState: md5State, partChecksum: 'md5' });
    await createObjectStorage(md5Driver)
      .put('masters/switch.bin', source(size, 5, 16 * MiB))
      .catch(() => undefined);
    const switched = make({ uploadState: md5State, partChecksum: 'sha256' });
    const again = await createObjectStorage(switched).put('masters/switch.bin', source(size, 5));
    expect(switched.lastPut).toMatchObject({ partsReused: 0, partsSent: 5 });
    expect(again.sha256).toBe(stored.sha256);
  }, 120_000);

  it('resumes after the server is killed mid-part: completed parts are not sent again, the object is byte-identical', async () => {
    const own = await startS3rver(bin, 'crash-test');
    try {
      const state = createMemoryUploadStateStore();
      const driver = createS3Storage({
        bucket: own.bucket,
        endpoint: own.endpoint,
        forcePathStyle: true,
        credentials,
        partSizeBytes: 5 * MiB,
        concurrency: 1,
        uploadState: state,
      });
      const storage = createObjectStorage(driver);
      // Hold the stream after 12 MiB (two parts sent, the third filling) until the server is dead.
      let release!: () => void;
      const held = new Promise<void>((r) => {
        release = r;
      });
      const full = source(18 * MiB, 11);
      const gated = Readable.from(
        (async function* () {
          let sent = 0;
          for await (const chunk of full) {
            if (sent >= 12 * MiB) await held;
            sent += (chunk as Buffer).length;
            yield chunk;
          }
        })(),
      );
      const first = storage.put('crash/master.bin', gated).catch((e: unknown) => e);
      const id = `${own.bucket}/crash/master.bin`;
      while (Object.keys((await state.get(id))?.parts ?? {}).length < 2) await new Promise((r) => setTimeout(r, 20));
      await own.kill();
      release();
      expect(String(await first)).toMatch(/ECONNREFUSED|TRANSIENT|socket|state kept/i);
      await own.restart();
      const stored = await storage.put('crash/master.bin', source(18 * MiB, 11));
      expect(driver.lastPut).toMatchObject({ partsReused: 2, partsSent: 2 });
      const reference = await createObjectStorage(make()).put('crash/reference.bin', source(18 * MiB, 11));
      expect(stored.sha256).toBe(reference.sha256);
      expect((await storage.digest('crash/master.bin')).sha256).toBe(reference.sha256);
    } finally {
      await own.stop();
    }
  }, 120_000);

  it('gives presigned GET and PUT URLs that work without credentials', async () => {
    const driver = make();
    const storage = createObjectStorage(driver);
    await storage.put('share/trailer.txt', Buffer.from('Low Tide trailer'));
    const get = await driver.presign('share/trailer.txt', { method: 'GET', expiresInSeconds: 600 });
    expect(get).toMatch(/X-Amz-Signature=/);
    expect(await (await fetch(get)).text()).toBe('Low Tide trailer');
    const put = await driver.presign('share/upload.txt', { method: 'PUT', expiresInSeconds: 600 });
    expect((await fetch(put, { method: 'PUT', body: 'from a partner' })).ok).toBe(true);
    expect((await storage.read('share/upload.txt')).toString()).toBe('from a partner');
    await expect(driver.presign('x', { method: 'GET', expiresInSeconds: 8 * 86_400 })).rejects.toThrow(/7 days/);
  });

  it('refuses bad options naming them, and maps a missing key to NOT_FOUND', async () => {
    expect(() => createS3Storage({ bucket: 'Bad_Bucket' })).toThrow(/bucket/);
    expect(() => createS3Storage({ bucket: 'ok-bucket', partSizeBytes: 1024 })).toThrow(/partSizeBytes/);
    expect(() => createS3Storage({ bucket: 'ok-bucket', partChecksum: 'crc32' as never })).toThrow(/partChecksum/);
    const storage = createObjectStorage(make());
    await expect(storage.read('nowhere.bin')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
