/**
 * Create-only puts on S3 (`If-None-Match: *`), which s3rver does not honour (it ignores the header
 * and overwrites), against the local S3 protocol server (test/s3-protocol-server.ts: a stand-in
 * answering the documented S3 XML, not an S3 implementation) with its conditional writes on: a
 * PutObject or CompleteMultipartUpload with the condition on a key holding an object answers 412
 * PreconditionFailed. Another writer is made to land between the put's HEAD and its write.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { S3Client } from '@aws-sdk/client-s3';
import { isFramewiseError } from '@framewise/core/errors';
import { createObjectStorage } from '@framewise/core/storage';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryUploadStateStore, createS3Storage } from '../src/s3/index.js';
import { type S3ProtocolServer, startS3ProtocolServer } from './s3-protocol-server.js';

const MiB = 1024 * 1024;
let server: S3ProtocolServer;
beforeAll(async () => {
  server = await startS3ProtocolServer();
});
afterAll(async () => {
  await server?.close();
});
beforeEach(() => {
  server.conditionalWrites = true;
  server.objects.clear();
  server.beforeWrite = undefined;
  server.requests.length = 0;
});

const make = (extra: Partial<Parameters<typeof createS3Storage>[0]> = {}) =>
  createS3Storage({
    bucket: 'archive',
    endpoint: server.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'k', secretAccessKey: 's' },
    partSizeBytes: 5 * MiB,
    concurrency: 1,
    ...extra,
  });

const writes = () =>
  server.requests.filter(
    (r) => (r.method === 'PUT' && !r.query.has('partNumber')) || (r.method === 'POST' && r.query.has('uploadId')),
  );

async function conflict(promise: Promise<unknown>): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect(isFramewiseError(error, 'CONFLICT'), String(error)).toBe(true);
    expect((error as { details?: { reason?: string } }).details?.reason).toBe('exists');
    expect((error as Error).message).toMatch(/already exists under "media\/m\.mov".*create-only/);
    return;
  }
  expect.unreachable('a create-only put over an object succeeded');
}

describe('S3 create-only puts (local S3 protocol server, conditional writes on)', () => {
  it('a direct put sends If-None-Match: * and lands on a free key; a plain put sends no condition', async () => {
    const storage = createObjectStorage(make());
    const body = randomBytes(64 * 1024);
    const stored = await storage.put('media/m.mov', body, { createOnly: true });
    expect(stored.sizeBytes).toBe(body.length);
    expect(writes().map((r) => r.headers['if-none-match'])).toEqual(['*']);
    server.requests.length = 0;
    await storage.put('media/other.mov', body);
    expect(writes().map((r) => r.headers['if-none-match'])).toEqual([undefined]);
  });

  it('an object already there is refused before any byte is sent', async () => {
    server.objects.set('media/m.mov', { sizeBytes: 3, etag: 'a'.repeat(32) });
    await conflict(createObjectStorage(make()).put('media/m.mov', randomBytes(1024), { createOnly: true }));
    expect(writes()).toEqual([]);
    expect(server.objects.get('media/m.mov')).toEqual({ sizeBytes: 3, etag: 'a'.repeat(32) });
  });

  it('another writer landing between the HEAD and a direct PutObject: 412 → CONFLICT, its object untouched, nothing deleted', async () => {
    const theirs = { sizeBytes: 7, etag: 'b'.repeat(32) };
    server.beforeWrite = (key) => {
      if (key === 'media/m.mov' && !server.objects.has(key)) server.objects.set(key, theirs);
    };
    await conflict(createObjectStorage(make()).put('media/m.mov', randomBytes(4096), { createOnly: true }));
    expect(writes().map((r) => r.headers['if-none-match'])).toEqual(['*']);
    expect(server.objects.get('media/m.mov')).toEqual(theirs);
    expect(server.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
  });

  it('another writer landing before a multipart upload completes: 412 → CONFLICT, the upload aborted and forgotten', async () => {
    const uploadState = createMemoryUploadStateStore();
    const driver = make({ uploadState });
    const theirs = { sizeBytes: 9, etag: 'c'.repeat(32) };
    server.beforeWrite = (key) => {
      if (key === 'media/m.mov' && !server.objects.has(key)) server.objects.set(key, theirs);
    };
    const body = randomBytes(11 * MiB);
    await conflict(createObjectStorage(driver).put('media/m.mov', Readable.from([body]), { createOnly: true }));
    const complete = server.requests.filter((r) => r.method === 'POST' && r.query.has('uploadId'));
    expect(complete.map((r) => r.headers['if-none-match'])).toEqual(['*']);
    expect(server.requests.some((r) => r.method === 'DELETE' && r.query.has('uploadId'))).toBe(true);
    expect(server.objects.get('media/m.mov')).toEqual(theirs);
    expect(await uploadState.get('archive/media/m.mov')).toBeUndefined();
    expect(server.requests.filter((r) => r.method === 'DELETE' && !r.query.has('uploadId'))).toEqual([]);
  });

  it('a create-only multipart put whose Complete answer is lost is adopted (the object is its own), not refused', async () => {
    // The answer of CompleteMultipartUpload is lost after the server completed the upload (a reset
    // connection); the SDK's own retry would find the key taken (412). The put checks the object
    // under the key: its size and multipart ETag are what these parts make, so it is adopted.
    const client = new S3Client({
      region: 'us-east-1',
      endpoint: server.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'k', secretAccessKey: 's' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    const send = client.send.bind(client) as (...args: unknown[]) => Promise<unknown>;
    let lost = 0;
    (client as unknown as { send: (...args: unknown[]) => Promise<unknown> }).send = async (...args: unknown[]) => {
      const out = await send(...args);
      if ((args[0] as object).constructor.name === 'CompleteMultipartUploadCommand') {
        lost++;
        throw Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET', $metadata: {} });
      }
      return out;
    };
    const driver = make({ client });
    const body = randomBytes(11 * MiB);
    const stored = await createObjectStorage(driver).put('media/m.mov', Readable.from([body]), { createOnly: true });
    expect(lost).toBe(1);
    expect(stored.sizeBytes).toBe(body.length);
    expect(driver.lastPut).toMatchObject({ adopted: true, partsSent: 3 });
    expect(server.objects.get('media/m.mov')?.sizeBytes).toBe(body.length);
    client.destroy();
  });
});
