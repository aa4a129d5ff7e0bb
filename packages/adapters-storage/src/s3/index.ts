/**
 * `@framewise/adapters-storage/s3`: object storage on Amazon S3 and S3-compatible stores.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { StorageClass } from '@aws-sdk/client-s3';
import { parseOptions, silentLogger } from '@framewise/core/adapter-kit';
import { FramewiseError, isFramewiseError } from '@framewise/core/errors';
import type { ByteRange, ObjectInfo, StorageDriver } from '@framewise/core/storage';
import { loadS3Client, loadS3Presigner } from '../peers.js';
import { copyObject } from './copy-object.js';
import { s3Error } from './errors.js';
import { type S3StorageClass, S3StorageClassSchema, type S3StorageOptions, S3StorageOptionsSchema } from './options.js';
import { alreadyExists, type PutContext, type PutOutcome, putObject } from './put-object.js';
import { createMemoryUploadStateStore } from './upload-state.js';
import {
  abortPendingUploads,
  type LeakedStagingObject,
  listPendingUploads,
  type PendingUpload,
  sweepStagingObjects,
  type UploadSweepOptions,
} from './uploads.js';

export { type S3StorageClass, S3StorageClassSchema, type S3StorageOptions, S3StorageOptionsSchema } from './options.js';
export type { PutOutcome } from './put-object.js';
export {
  createFileUploadStateStore,
  createMemoryUploadStateStore,
  type UploadedPart,
  type UploadState,
  type UploadStateStore,
} from './upload-state.js';
export type { LeakedStagingObject, PendingUpload, UploadSweepOptions } from './uploads.js';

/** A restore of an archived object (GLACIER, DEEP_ARCHIVE): its progress and the restored copy's expiry. */
export interface RestoreStatus {
  /** `none`: not archived or never requested; `in-progress`; `restored` until `expiresAt`. */
  readonly state: 'none' | 'in-progress' | 'restored';
  readonly expiresAt?: string;
  readonly storageClass?: string;
}

/** The S3 driver: the storage port plus what only S3 does. */
export interface S3Storage extends StorageDriver {
  /** Move an object to another storage class (a server-side copy onto itself). */
  setStorageClass(key: string, storageClass: S3StorageClass): Promise<void>;
  /** Ask for a temporary copy of an archived object (`Expedited`, `Standard`, `Bulk`) for `days`. */
  restore(
    key: string,
    options: { readonly days: number; readonly tier: 'Expedited' | 'Standard' | 'Bulk' },
  ): Promise<void>;
  restoreStatus(key: string): Promise<RestoreStatus>;
  /** A presigned URL for GET or PUT of a key, valid `expiresInSeconds` (max 7 days). */
  presign(key: string, options: { readonly method: 'GET' | 'PUT'; readonly expiresInSeconds: number }): Promise<string>;
  /** The last put's outcome (parts sent and reused), for progress reporting and tests. */
  readonly lastPut: PutOutcome | undefined;
  /**
   * Multipart uploads under the prefix that were started more than `olderThanMs` ago (default
   * one day) and never completed or aborted: killed uploaders leave them, and their parts are billed.
   */
  listPendingUploads(options?: UploadSweepOptions): Promise<PendingUpload[]>;
  /**
   * Abort those uploads (ListMultipartUploads, then AbortMultipartUpload each) and forget the
   * resume state kept for them. Uploads younger than the threshold are left to finish.
   */
  abortStaleUploads(options?: UploadSweepOptions): Promise<{ readonly aborted: PendingUpload[] }>;
  /**
   * Delete staging objects older than `olderThanMs` (default one day) that puts killed between
   * staging and copying into place left under the prefix (listed page by page; invisible to `list()`).
   */
  sweepStaging(options?: UploadSweepOptions): Promise<{ readonly deleted: LeakedStagingObject[] }>;
}

/**
 * The staging key of a put over an existing object: beside it, named from a digest of the key so
 * a retried put resumes its multipart upload, ending in the reserved `.partial`.
 */
function s3StagingKey(key: string): string {
  const slash = key.lastIndexOf('/');
  return `${key.slice(0, slash + 1)}.fw-stage-${createHash('sha256').update(key).digest('hex').slice(0, 24)}.partial`;
}

const RESTORE = /ongoing-request="(true|false)"(?:,\s*expiry-date="([^"]+)")?/;

/**
 * Object storage on S3. Uploads stream in parts (bounded memory), resume from persisted part
 * state, and are verified against what the server reports (part and object ETags, size) — some
 * S3-compatible servers store corrupted objects silently under the SDK's default checksum mode, so
 * the client is made with `requestChecksumCalculation: 'WHEN_REQUIRED'` and Content-MD5 is sent
 * instead. Copies are server-side (multipart above 5 GiB). No I/O at construction.
 *
 * `@aws-sdk/client-s3` (and `@aws-sdk/s3-request-presigner` for `presign()`) are optional peer
 * dependencies, imported on first use: without them the first operation fails `INVALID_CONFIG`
 * naming the package to install. An injected `client` needs them too (for the command classes).
 */
export function createS3Storage(input: S3StorageOptions): S3Storage {
  const o = parseOptions(S3StorageOptionsSchema, input, 'S3 storage options');
  const { client: injected, uploadState } = o;
  const full = (key: string) => `${o.prefix}${key}`;
  const writeFields: Record<string, unknown> = {
    ...(o.storageClass === 'STANDARD' ? {} : { StorageClass: o.storageClass }),
    ...(o.serverSideEncryption?.type === 'AES256' ? { ServerSideEncryption: 'AES256' } : {}),
    ...(o.serverSideEncryption?.type === 'aws:kms'
      ? {
          ServerSideEncryption: 'aws:kms',
          ...(o.serverSideEncryption.kmsKeyId ? { SSEKMSKeyId: o.serverSideEncryption.kmsKeyId } : {}),
        }
      : {}),
  };
  const state = uploadState ?? createMemoryUploadStateStore();
  const etagIsMd5 = o.serverSideEncryption?.type !== 'aws:kms';
  // The SDK and the client are made on first use (the SDK is an optional peer), then kept.
  let ready: PutContext | undefined;
  const s3 = async (): Promise<PutContext> => {
    if (ready !== undefined) return ready;
    const sdk = await loadS3Client();
    ready ??= {
      sdk,
      client:
        injected ??
        new sdk.S3Client({
          region: o.region,
          forcePathStyle: o.forcePathStyle,
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
          ...(o.endpoint ? { endpoint: o.endpoint } : {}),
          ...(o.credentials
            ? {
                credentials: {
                  accessKeyId: o.credentials.accessKeyId,
                  secretAccessKey: o.credentials.secretAccessKey,
                  ...(o.credentials.sessionToken ? { sessionToken: o.credentials.sessionToken } : {}),
                },
              }
            : {}),
        }),
      bucket: o.bucket,
      partSizeBytes: o.partSizeBytes,
      concurrency: o.concurrency,
      state,
      writeFields,
      etagIsMd5,
      partChecksum: o.partChecksum ?? (o.endpoint === undefined ? 'sha256' : 'md5'),
      logger: o.logger ?? silentLogger,
    };
    return ready;
  };
  let lastPut: PutOutcome | undefined;

  const head = async (key: string): Promise<ObjectInfo | undefined> => {
    const { sdk, client } = await s3();
    try {
      const out = await client.send(new sdk.HeadObjectCommand({ Bucket: o.bucket, Key: full(key) }));
      return {
        key,
        sizeBytes: out.ContentLength ?? 0,
        modifiedAt: (out.LastModified ?? new Date(0)).toISOString(),
        ...(out.ContentType ? { contentType: out.ContentType } : {}),
        metadata: { ...(out.Metadata ?? {}) },
        ...(out.ETag ? { etag: out.ETag.replace(/"/g, '') } : {}),
        storageClass: out.StorageClass ?? 'STANDARD',
      };
    } catch (error) {
      const e = s3Error(error, `S3 head of "${key}"`);
      if (e.code === 'NOT_FOUND') return undefined;
      throw e;
    }
  };

  // Puts of one key in this process run one after the other: they share the key's staging name
  // (so that a retried put resumes its upload) and must not overwrite each other's staged bytes.
  const putting = new Map<string, Promise<unknown>>();
  const serialised = <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const before = putting.get(key) ?? Promise.resolve();
    const mine = before.catch(() => undefined).then(work);
    const settled = mine.catch(() => undefined);
    putting.set(key, settled);
    void settled.then(() => {
      if (putting.get(key) === settled) putting.delete(key);
    });
    return mine;
  };

  const putOne: StorageDriver['put'] = async (key, body, options) => {
    const fields = {
      ...(options.contentType ? { ContentType: options.contentType } : {}),
      ...(options.metadata ? { Metadata: { ...options.metadata } } : {}),
    };
    const ctx = await s3();
    // A failed put never harms the object already under the key: when there is one, the bytes go
    // to a staging key and are copied into place only once verified.
    const verify = options.verify;
    const createOnly = options.createOnly === true;
    const existing = verify !== undefined || createOnly ? await head(key) : undefined;
    // Create-only: an object already there is refused before any byte is sent — unless this key's
    // upload state names an upload that may have completed it (a crash before its answer), which
    // the put adopts if its content is that upload's. The write itself carries If-None-Match: *,
    // which catches a writer coming in between on stores that honour it (s3rver does not).
    if (createOnly && existing !== undefined && (await ctx.state.get(`${o.bucket}/${full(key)}`)) === undefined)
      throw alreadyExists(key);
    const stage = verify !== undefined && existing !== undefined && !createOnly;
    const target = stage ? s3StagingKey(key) : key;
    let adopted = false;
    try {
      const { adoptedAt, ...outcome } = await putObject(ctx, full(target), body, fields, options.signal, {
        createOnly,
        ...(stage ? { adoptFrom: full(key) } : {}),
      });
      lastPut = outcome;
      adopted = outcome.adopted === true;
      // Adopted under the key itself (an earlier upload of this content completed there, and its
      // uploader never learned it): nothing was staged, nothing is to copy.
      const landed = adoptedAt === undefined ? target : key;
      // What the server stored: its size must be what was sent, and its ETag the one this put got
      // (another process putting the same key may have staged its bytes over ours meanwhile).
      const stored = await head(landed);
      if (stored === undefined || stored.sizeBytes !== lastPut.sizeBytes)
        throw new FramewiseError(
          'INTEGRITY',
          `S3 reports "${key}" as ${stored === undefined ? 'missing' : `${stored.sizeBytes} bytes`} after a put of ${lastPut.sizeBytes}`,
          { details: { key } },
        );
      if (landed !== key && stored.etag !== undefined && lastPut.etag !== '' && stored.etag !== lastPut.etag)
        throw new FramewiseError(
          'CONFLICT',
          `S3 staging object of "${key}" was replaced by another put while this one checked it (ETag ${stored.etag}, this put's ${lastPut.etag}); nothing was changed under the key`,
          { details: { key } },
        );
      // An ETag that is an MD5 (single-part puts, and some stores' multipart ones) is returned for
      // the host to compare with the MD5 it computed; under SSE-KMS ETags are not digests.
      const result = { sizeBytes: lastPut.sizeBytes, ...(etagIsMd5 ? { etag: lastPut.etag } : {}) };
      await verify?.(result);
      // Copied into place only as checked: the copy is conditional on the staging object's ETag.
      if (landed !== key)
        await copyObject(
          ctx.sdk,
          ctx.client,
          o.bucket,
          full(target),
          full(key),
          result.sizeBytes,
          writeFields,
          undefined,
          undefined,
          stored.etag,
        );
      // The key now holds this put's object: an upload state left for the key itself (a direct
      // put that completed and died before forgetting it) is stale from here on.
      if (stage) await ctx.state.delete(`${o.bucket}/${full(key)}`);
      return result;
    } catch (error) {
      // Nothing was under the key before this put: what failed its check goes (not an adopted
      // object that fails it: this put did not write it).
      if (verify !== undefined && !stage && !adopted && isFramewiseError(error, 'INTEGRITY'))
        await ctx.client
          .send(new ctx.sdk.DeleteObjectCommand({ Bucket: o.bucket, Key: full(key) }))
          .catch(() => undefined);
      throw error;
    } finally {
      if (stage)
        await ctx.client
          .send(new ctx.sdk.DeleteObjectCommand({ Bucket: o.bucket, Key: full(target) }))
          .catch(() => undefined);
    }
  };

  return {
    name: 's3',
    identity: `s3:${o.endpoint ?? `aws:${o.region}`}/${o.bucket}/${o.prefix}`,
    capabilities: {
      rangeReads: true,
      resumableUpload: true,
      atomicPut: true,
      serverSideCopy: true,
      userMetadata: true,
      storageClasses: true,
      verifiedPut: true,
      createOnly: true,
    },
    get lastPut() {
      return lastPut;
    },

    put: (key, body, options) => serialised(key, () => putOne(key, body, options)),

    async get(key, options) {
      const range = options.range as ByteRange | undefined;
      const { sdk, client } = await s3();
      try {
        const out = await client.send(
          new sdk.GetObjectCommand({
            Bucket: o.bucket,
            Key: full(key),
            ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
          }),
          options.signal ? { abortSignal: options.signal } : {},
        );
        return out.Body as Readable;
      } catch (error) {
        throw s3Error(error, `S3 get of "${key}"`);
      }
    },

    head,

    async list(prefix, options) {
      const { sdk, client } = await s3();
      try {
        const out = await client.send(
          new sdk.ListObjectsV2Command({
            Bucket: o.bucket,
            Prefix: full(prefix),
            MaxKeys: options.limit,
            ...(options.cursor ? { StartAfter: full(options.cursor) } : {}),
          }),
        );
        const items: ObjectInfo[] = (out.Contents ?? []).map((c) => ({
          key: (c.Key ?? '').slice(o.prefix.length),
          sizeBytes: c.Size ?? 0,
          modifiedAt: (c.LastModified ?? new Date(0)).toISOString(),
          metadata: {},
          ...(c.ETag ? { etag: c.ETag.replace(/"/g, '') } : {}),
          storageClass: c.StorageClass ?? 'STANDARD',
        }));
        const last = items.at(-1);
        // Staged uploads (reserved `.partial` names) are not objects yet.
        const visible = items.filter((i) => !i.key.endsWith('.partial'));
        return { items: visible, ...(out.IsTruncated && last ? { cursor: last.key } : {}) };
      } catch (error) {
        throw s3Error(error, `S3 list of "${prefix}"`);
      }
    },

    async delete(key) {
      const existed = (await head(key)) !== undefined;
      const { sdk, client } = await s3();
      try {
        await client.send(new sdk.DeleteObjectCommand({ Bucket: o.bucket, Key: full(key) }));
      } catch (error) {
        throw s3Error(error, `S3 delete of "${key}"`);
      }
      // An upload state left for the key (its upload completed, the uploader died before
      // forgetting it) can no longer be recognised as completed once the object is gone: forget it
      // (an upload it names that is still pending is aborted by abortStaleUploads).
      await state.delete(`${o.bucket}/${full(key)}`);
      return existed;
    },

    async copy(from, to) {
      const source = await head(from);
      if (source === undefined)
        throw new FramewiseError('NOT_FOUND', `No object at "${from}" to copy`, { details: { key: from } });
      const { sdk, client } = await s3();
      await copyObject(sdk, client, o.bucket, full(from), full(to), source.sizeBytes, writeFields);
    },

    async setStorageClass(key, storageClass) {
      const cls = S3StorageClassSchema.parse(storageClass);
      const { sdk, client } = await s3();
      try {
        await client.send(
          new sdk.CopyObjectCommand({
            Bucket: o.bucket,
            Key: full(key),
            CopySource: `${o.bucket}/${encodeURIComponent(full(key)).replace(/%2F/g, '/')}`,
            StorageClass: cls as StorageClass,
            MetadataDirective: 'COPY',
          }),
        );
      } catch (error) {
        throw s3Error(error, `S3 storage class change of "${key}" to ${cls}`);
      }
    },

    async restore(key, options) {
      if (!Number.isInteger(options.days) || options.days < 1)
        throw new FramewiseError('INVALID_INPUT', `Restore of "${key}": days must be a positive integer`, {
          details: { key },
        });
      const { sdk, client } = await s3();
      try {
        await client.send(
          new sdk.RestoreObjectCommand({
            Bucket: o.bucket,
            Key: full(key),
            RestoreRequest: { Days: options.days, GlacierJobParameters: { Tier: options.tier } },
          }),
        );
      } catch (error) {
        const e = s3Error(error, `S3 restore of "${key}"`);
        // Asking again while a restore runs is not an error for the caller.
        if ((error as { name?: string }).name === 'RestoreAlreadyInProgress') return;
        throw e;
      }
    },

    async restoreStatus(key) {
      const { sdk, client } = await s3();
      try {
        const out = await client.send(new sdk.HeadObjectCommand({ Bucket: o.bucket, Key: full(key) }));
        const m = RESTORE.exec(out.Restore ?? '');
        const storageClass = out.StorageClass ?? 'STANDARD';
        if (m === null) return { state: 'none', storageClass };
        return m[1] === 'true'
          ? { state: 'in-progress', storageClass }
          : { state: 'restored', storageClass, ...(m[2] ? { expiresAt: new Date(m[2]).toISOString() } : {}) };
      } catch (error) {
        throw s3Error(error, `S3 restore status of "${key}"`);
      }
    },

    async presign(key, options) {
      if (!(options.expiresInSeconds > 0 && options.expiresInSeconds <= 604_800))
        throw new FramewiseError('INVALID_INPUT', `Presigned URL for "${key}": expiry must be 1 s to 7 days`, {
          details: { key },
        });
      const { sdk, client } = await s3();
      const { getSignedUrl } = await loadS3Presigner();
      const command =
        options.method === 'GET'
          ? new sdk.GetObjectCommand({ Bucket: o.bucket, Key: full(key) })
          : new sdk.PutObjectCommand({ Bucket: o.bucket, Key: full(key), ...writeFields });
      return getSignedUrl(client, command, { expiresIn: options.expiresInSeconds });
    },

    async listPendingUploads(options = {}) {
      const { sdk, client } = await s3();
      return listPendingUploads({ sdk, client, bucket: o.bucket, prefix: o.prefix, state }, options);
    },

    async abortStaleUploads(options = {}) {
      const { sdk, client } = await s3();
      return abortPendingUploads({ sdk, client, bucket: o.bucket, prefix: o.prefix, state }, options);
    },

    async sweepStaging(options = {}) {
      const { sdk, client } = await s3();
      return sweepStagingObjects({ sdk, client, bucket: o.bucket, prefix: o.prefix, state }, options);
    },

    async close() {
      if (injected === undefined) ready?.client.destroy();
    },
  };
}
