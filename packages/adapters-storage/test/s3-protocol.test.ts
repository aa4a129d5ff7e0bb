/**
 * The S3 calls s3rver does not implement, against a local server answering the documented S3 XML
 * for them (test/s3-protocol-server.ts): restores and their status, multipart copy with
 * UploadPartCopy, abort of a cancelled multipart upload, storage class changes, SHA-256 part
 * checksums echoed by the server.
 */
import { createHash, createHmac, type Hash, type Hmac, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { S3Client } from '@aws-sdk/client-s3';
import { isFramewiseError } from '@framewise/core/errors';
import { createObjectStorage } from '@framewise/core/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Storage } from '../src/s3/index.js';
import { type S3ProtocolServer, startS3ProtocolServer } from './s3-protocol-server.js';

let server: S3ProtocolServer;
beforeAll(async () => {
  server = await startS3ProtocolServer();
});
afterAll(async () => {
  await server?.close();
});

const make = (extra: Partial<Parameters<typeof createS3Storage>[0]> = {}) =>
  createS3Storage({
    bucket: 'archive',
    endpoint: server.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'k', secretAccessKey: 's' },
    partSizeBytes: 5 * 1024 * 1024,
    concurrency: 1,
    ...extra,
  });

const MiB = 1024 * 1024;
const parts = (bytes: Buffer) => Readable.from([bytes.subarray(0, 3 * MiB), bytes.subarray(3 * MiB)]);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest();

describe('S3 calls s3rver lacks (local S3 protocol server)', () => {
  it('asks for a restore with the tier and days, and reads its progress and expiry', async () => {
    const driver = make();
    server.requests.length = 0;
    await driver.restore('masters/lt101.mxf', { days: 3, tier: 'Bulk' });
    const request = server.requests.at(-1);
    expect(request).toMatchObject({ method: 'POST', path: '/archive/masters/lt101.mxf' });
    expect(request?.query.has('restore')).toBe(true);
    expect(request?.body).toMatch(/<Days>3<\/Days>/);
    expect(request?.body).toMatch(/<Tier>Bulk<\/Tier>/);
    server.head = { sizeBytes: 10, storageClass: 'DEEP_ARCHIVE' };
    expect(await driver.restoreStatus('masters/lt101.mxf')).toEqual({ state: 'none', storageClass: 'DEEP_ARCHIVE' });
    server.head = { sizeBytes: 10, storageClass: 'DEEP_ARCHIVE', restore: 'ongoing-request="true"' };
    expect((await driver.restoreStatus('masters/lt101.mxf')).state).toBe('in-progress');
    server.head = {
      sizeBytes: 10,
      storageClass: 'DEEP_ARCHIVE',
      restore: 'ongoing-request="false", expiry-date="Thu, 24 Dec 2026 00:00:00 GMT"',
    };
    expect(await driver.restoreStatus('masters/lt101.mxf')).toEqual({
      state: 'restored',
      storageClass: 'DEEP_ARCHIVE',
      expiresAt: '2026-12-24T00:00:00.000Z',
    });
    await expect(driver.restore('x', { days: 0, tier: 'Standard' })).rejects.toThrow(/positive integer/);
  });

  it('copies an object over 5 GiB on the server, in 512 MiB UploadPartCopy ranges', async () => {
    const driver = make();
    server.head = { sizeBytes: 6 * 1024 ** 3 };
    server.requests.length = 0;
    await driver.copy('masters/uhd.mxf', 'archive/uhd.mxf');
    const parts = server.requests.filter((r) => r.method === 'PUT' && r.query.has('partNumber'));
    expect(parts).toHaveLength(12);
    expect(parts[0]?.headers['x-amz-copy-source-range']).toBe('bytes=0-536870911');
    expect(parts.at(-1)?.headers['x-amz-copy-source-range']).toBe(`bytes=${11 * 512 * 1024 ** 2}-${6 * 1024 ** 3 - 1}`);
    expect(parts[0]?.headers['x-amz-copy-source']).toBe('archive/masters/uhd.mxf');
    const complete = server.requests.find((r) => r.method === 'POST' && r.query.has('uploadId'));
    expect(complete?.body.match(/<PartNumber>/g)).toHaveLength(12);
  });

  it('aborts the multipart upload when a put is cancelled', async () => {
    const storage = createObjectStorage(make());
    server.uploadPartDelayMs = 300;
    server.requests.length = 0;
    const controller = new AbortController();
    const body = Readable.from(
      (async function* () {
        for (let i = 0; i < 4; i++) yield Buffer.alloc(5 * 1024 * 1024, i);
      })(),
    );
    // Cancel once the first part is on its way (not on a timer: on a busy machine the parts may not
    // have started yet).
    const watch = setInterval(() => {
      if (server.requests.some((r) => r.method === 'PUT' && r.query.has('partNumber'))) {
        clearInterval(watch);
        controller.abort();
      }
    }, 5);
    const error = await storage
      .put('masters/cancelled.mxf', body, { signal: controller.signal })
      .catch((e: unknown) => e);
    clearInterval(watch);
    expect(isFramewiseError(error, 'CANCELLED')).toBe(true);
    expect(server.requests.some((r) => r.method === 'DELETE' && r.query.get('uploadId') === 'upload-1')).toBe(true);
    server.uploadPartDelayMs = 0;
  });

  it('aborts an upload the server created while the put was being cancelled', async () => {
    const storage = createObjectStorage(make());
    server.requests.length = 0;
    server.createUploadDelayMs = 200;
    const controller = new AbortController();
    const body = Readable.from(
      (async function* () {
        for (let i = 0; i < 4; i++) yield Buffer.alloc(5 * 1024 * 1024, i);
      })(),
    );
    // Cancel once the CreateMultipartUpload request has reached the server, before its answer.
    const watch = setInterval(() => {
      if (server.requests.some((r) => r.method === 'POST' && r.query.has('uploads'))) {
        clearInterval(watch);
        controller.abort();
      }
    }, 1);
    const error = await storage
      .put('masters/cancelled-early.mxf', body, { signal: controller.signal })
      .catch((e: unknown) => e);
    clearInterval(watch);
    expect(isFramewiseError(error, 'CANCELLED')).toBe(true);
    const created = server.requests.filter((r) => r.method === 'POST' && r.query.has('uploads')).length;
    const aborted = server.requests.filter((r) => r.method === 'DELETE' && r.query.has('uploadId')).length;
    expect(created).toBe(1);
    expect(aborted).toBe(1);
    server.createUploadDelayMs = 0;
  });

  it('moves an object to another storage class with a copy onto itself', async () => {
    const driver = make();
    server.requests.length = 0;
    await driver.setStorageClass('masters/lt101.mxf', 'GLACIER');
    const request = server.requests.at(-1);
    expect(request).toMatchObject({ method: 'PUT', path: '/archive/masters/lt101.mxf' });
    expect(request?.headers['x-amz-storage-class']).toBe('GLACIER');
    expect(request?.headers['x-amz-copy-source']).toBe('archive/masters/lt101.mxf');
    await expect(driver.setStorageClass('x', 'COLD' as never)).rejects.toThrow();
  });

  describe('SHA-256 part checks', () => {
    const bytes = randomBytes(12 * MiB + 5);
    const slices = [bytes.subarray(0, 5 * MiB), bytes.subarray(5 * MiB, 10 * MiB), bytes.subarray(10 * MiB)];

    it('signs each part with its own SHA-256, sends it as the checksum, and checks the echoes', async () => {
      server.echoChecksums = true;
      server.requests.length = 0;
      server.head = { sizeBytes: bytes.length };
      const driver = make({ partChecksum: 'sha256' });
      const stored = await driver.put('masters/sha.mxf', parts(bytes), {});
      const create = server.requests.find((r) => r.method === 'POST' && r.query.has('uploads'));
      expect(create?.headers['x-amz-checksum-algorithm']).toBe('SHA256');
      const sent = server.requests.filter((r) => r.method === 'PUT' && r.query.has('partNumber'));
      expect(sent.map((r) => r.headers['x-amz-content-sha256'])).toEqual(
        slices.map((slice) => sha256(slice).toString('hex')),
      );
      expect(sent.map((r) => r.bodySha256)).toEqual(slices.map((slice) => sha256(slice).toString('hex')));
      expect(sent.map((r) => r.headers['x-amz-checksum-sha256'])).toEqual(
        slices.map((slice) => sha256(slice).toString('base64')),
      );
      expect(sent.every((r) => r.headers['content-md5'] === undefined)).toBe(true);
      const complete = server.requests.find((r) => r.method === 'POST' && r.query.has('uploadId'));
      expect(complete?.body).toContain(`<ChecksumSHA256>${sha256(slices[2] as Buffer).toString('base64')}`);
      expect(stored).toMatchObject({ sizeBytes: bytes.length });
      expect(driver.lastPut).toMatchObject({ partsSent: 3 });
      // A single-request put is signed and checked the same way.
      server.requests.length = 0;
      server.head = { sizeBytes: 1000 };
      await driver.put('masters/small.mxf', Readable.from([bytes.subarray(0, 1000)]), {});
      expect(server.requests[0]?.headers['x-amz-content-sha256']).toBe(sha256(bytes.subarray(0, 1000)).toString('hex'));
    });

    it('spares the SDK hashing the parts again to sign them', async () => {
      // The client's SHA-256 counts what it is given: signing keys and canonical requests only.
      let hashed = 0;
      type Data = string | ArrayBuffer | ArrayBufferView;
      const view = (d: Data): Uint8Array =>
        typeof d === 'string'
          ? Buffer.from(d)
          : ArrayBuffer.isView(d)
            ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength)
            : new Uint8Array(d);
      class CountingSha256 {
        #hash: Hash | Hmac;
        constructor(secret?: Data) {
          this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', view(secret));
        }
        update(data: Data) {
          const bytes = view(data);
          hashed += bytes.byteLength;
          this.#hash.update(bytes);
        }
        async digest() {
          return new Uint8Array(this.#hash.digest());
        }
        reset() {}
      }
      const client = new S3Client({
        region: 'us-east-1',
        endpoint: server.endpoint,
        forcePathStyle: true,
        credentials: { accessKeyId: 'k', secretAccessKey: 's' },
        requestChecksumCalculation: 'WHEN_REQUIRED',
        sha256: CountingSha256,
      });
      server.echoChecksums = true;
      server.head = { sizeBytes: bytes.length };
      await make({ partChecksum: 'sha256', client }).put('masters/signed.mxf', parts(bytes), {});
      expect(hashed).toBeGreaterThan(0);
      expect(hashed).toBeLessThan(64 * 1024);
      // Checked by MD5, the parts are hashed by the SDK to sign them, as before.
      hashed = 0;
      await make({ partChecksum: 'md5', client }).put('masters/signed-md5.mxf', parts(bytes), {});
      expect(hashed).toBeGreaterThan(bytes.length);
      client.destroy();
    });

    // A server storing a part with its first byte flipped: the echoed SHA-256, or the ETag (MD5).
    it.each([
      { partChecksum: 'sha256', echo: true, part: 2, says: /part 2 of "masters\/corrupt-sha256.mxf" with SHA-256/ },
      { partChecksum: 'md5', echo: false, part: 1, says: /part 1 of "masters\/corrupt-md5.mxf" with ETag/ },
    ] as const)('fails INTEGRITY naming the part a server stored wrongly ($partChecksum)', async (c) => {
      server.echoChecksums = c.echo;
      server.corruptPart = c.part;
      try {
        const error = await make({ partChecksum: c.partChecksum })
          .put(`masters/corrupt-${c.partChecksum}.mxf`, parts(bytes), {})
          .catch((e: unknown) => e);
        expect(isFramewiseError(error, 'INTEGRITY')).toBe(true);
        expect(String(error)).toMatch(c.says);
      } finally {
        server.corruptPart = undefined;
      }
    });

    it('removes the object and fails INTEGRITY when the server echoes no checksum and its ETag is not an MD5', async () => {
      server.echoChecksums = false;
      server.requests.length = 0;
      const error = await make({ partChecksum: 'sha256' })
        .put('masters/unverifiable.mxf', parts(bytes), {})
        .catch((e: unknown) => e);
      expect(isFramewiseError(error, 'INTEGRITY')).toBe(true);
      expect(String(error)).toMatch(/cannot be verified.*partChecksum "md5"/);
      const removed = server.requests.filter((r) => r.method === 'DELETE' && !r.query.has('uploadId'));
      expect(removed.map((r) => r.path)).toEqual(['/archive/masters/unverifiable.mxf']);
    });

    // Whatever was wrong was found after the object existed: it is removed, not left behind.
    const deletes = () => server.requests.filter((r) => r.method === 'DELETE' && !r.query.has('uploadId'));

    it.each(['sha256', 'md5'] as const)(
      'removes a completed object whose multipart ETag or checksum is not what the parts make (%s)',
      async (partChecksum) => {
        server.echoChecksums = true;
        server.misreportComplete = true;
        server.requests.length = 0;
        try {
          const error = await make({ partChecksum })
            .put(`masters/misreported-${partChecksum}.mxf`, parts(bytes), {})
            .catch((e: unknown) => e);
          expect(isFramewiseError(error, 'INTEGRITY')).toBe(true);
          expect(String(error)).toContain(`"masters/misreported-${partChecksum}.mxf"`);
          expect(deletes().map((r) => r.path)).toEqual([`/archive/masters/misreported-${partChecksum}.mxf`]);
        } finally {
          server.misreportComplete = false;
        }
      },
    );

    it('removes a single-request object stored differently from what was sent', async () => {
      server.echoChecksums = false;
      server.corruptPart = 1;
      server.requests.length = 0;
      try {
        const error = await make({ partChecksum: 'md5' })
          .put('masters/small-corrupt.mxf', Readable.from([bytes.subarray(0, 1000)]), {})
          .catch((e: unknown) => e);
        expect(isFramewiseError(error, 'INTEGRITY')).toBe(true);
        expect(String(error)).toMatch(/"masters\/small-corrupt.mxf" with ETag/);
        expect(deletes().map((r) => r.path)).toEqual(['/archive/masters/small-corrupt.mxf']);
      } finally {
        server.corruptPart = undefined;
      }
    });

    it.each(['sha256', 'md5'] as const)(
      'reports a body the server refused as not matching its digest (BadDigest) as INTEGRITY (%s)',
      async (partChecksum) => {
        server.rejectBadDigest = true;
        server.corruptPart = 2;
        try {
          const error = await make({ partChecksum })
            .put(`masters/bad-digest-${partChecksum}.mxf`, parts(bytes), {})
            .catch((e: unknown) => e);
          expect(isFramewiseError(error, 'INTEGRITY')).toBe(true);
          expect(String(error)).toMatch(new RegExp(`"masters/bad-digest-${partChecksum}.mxf".*BadDigest`));
        } finally {
          server.rejectBadDigest = false;
          server.corruptPart = undefined;
        }
      },
    );
  });
});

describe('abandoned multipart uploads (local S3 protocol server: s3rver lacks ListMultipartUploads and AbortMultipartUpload)', () => {
  it('lists uploads older than the threshold page by page and aborts only those', async () => {
    const now = new Date('2026-12-02T12:00:00Z');
    const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();
    server.uploads = [
      ...Array.from({ length: 1005 }, (_, i) => ({
        key: `masters/killed-${String(i).padStart(4, '0')}.mxf`,
        uploadId: `old-${i}`,
        initiated: hoursAgo(48),
      })),
      { key: 'masters/running.mxf', uploadId: 'young', initiated: hoursAgo(1) },
    ];
    const storage = make();
    const pending = await storage.listPendingUploads({ olderThanMs: 86_400_000, now });
    expect(pending).toHaveLength(1005);
    expect(pending[0]).toEqual({
      key: 'masters/killed-0000.mxf',
      uploadId: 'old-0',
      initiatedAt: hoursAgo(48),
    });
    server.requests.length = 0;
    const { aborted } = await storage.abortStaleUploads({ olderThanMs: 86_400_000, now });
    expect(aborted).toHaveLength(1005);
    expect(server.requests.filter((r) => r.method === 'DELETE' && r.query.has('uploadId'))).toHaveLength(1005);
    expect(server.uploads.map((u) => u.uploadId)).toEqual(['young']);
    await expect(storage.abortStaleUploads({ olderThanMs: -5 })).rejects.toSatisfy((e: unknown) =>
      isFramewiseError(e, 'INVALID_INPUT'),
    );
    server.uploads = [];
  }, 60_000);
});
