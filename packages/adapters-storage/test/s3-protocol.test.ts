/**
 * The S3 calls s3rver does not implement, against a local server answering the documented S3 XML
 * for them (test/s3-protocol-server.ts): restores and their status, multipart copy with
 * UploadPartCopy, abort of a cancelled multipart upload, storage class changes.
 */
import { Readable } from 'node:stream';
import { createObjectStorage, isFramewiseError } from '@framewise/core';
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

const make = () =>
  createS3Storage({
    bucket: 'archive',
    endpoint: server.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'k', secretAccessKey: 's' },
    partSizeBytes: 5 * 1024 * 1024,
    concurrency: 1,
  });

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
});
