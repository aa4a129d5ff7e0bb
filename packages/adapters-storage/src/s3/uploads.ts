import type { S3Client } from '@aws-sdk/client-s3';
import { FramewiseError } from '@framewise/core/errors';
import { s3Error } from './errors.js';
import type { S3Sdk } from './put-object.js';
import type { UploadStateStore } from './upload-state.js';

/** A multipart upload started and neither completed nor aborted. */
export interface PendingUpload {
  /** The object key (without the storage's prefix). */
  readonly key: string;
  readonly uploadId: string;
  /** When it was started, ISO 8601. */
  readonly initiatedAt: string;
}

/** Options of the S3 storage's upload housekeeping. */
export interface UploadSweepOptions {
  /** Only uploads started more than this long ago (default one day): younger ones may still be running. */
  readonly olderThanMs?: number;
  /** The current instant (default: now). */
  readonly now?: Date;
}

interface Where {
  readonly sdk: S3Sdk;
  readonly client: S3Client;
  readonly bucket: string;
  readonly prefix: string;
  readonly state: UploadStateStore;
}

function cutoffOf(options: UploadSweepOptions): number {
  const olderThanMs = options.olderThanMs ?? 86_400_000;
  if (!(Number.isFinite(olderThanMs) && olderThanMs >= 0))
    throw new FramewiseError('INVALID_INPUT', `Upload sweep: olderThanMs ${olderThanMs} must be >= 0`, {
      details: { olderThanMs },
    });
  return (options.now ?? new Date()).getTime() - olderThanMs;
}

/**
 * Every pending multipart upload under the prefix started before the cutoff
 * (ListMultipartUploads, page by page with key and upload-id markers).
 */
export async function listPendingUploads(where: Where, options: UploadSweepOptions = {}): Promise<PendingUpload[]> {
  const cutoff = cutoffOf(options);
  const out: PendingUpload[] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    let page: import('@aws-sdk/client-s3').ListMultipartUploadsCommandOutput;
    try {
      page = await where.client.send(
        new where.sdk.ListMultipartUploadsCommand({
          Bucket: where.bucket,
          ...(where.prefix ? { Prefix: where.prefix } : {}),
          ...(keyMarker ? { KeyMarker: keyMarker } : {}),
          ...(uploadIdMarker ? { UploadIdMarker: uploadIdMarker } : {}),
        }),
      );
    } catch (error) {
      throw s3Error(error, 'S3 list of multipart uploads');
    }
    for (const u of page.Uploads ?? []) {
      if (u.Key === undefined || u.UploadId === undefined) continue;
      const at = u.Initiated?.getTime() ?? 0;
      if (at < cutoff)
        out.push({
          key: u.Key.slice(where.prefix.length),
          uploadId: u.UploadId,
          initiatedAt: new Date(at).toISOString(),
        });
    }
    if (!page.IsTruncated || (page.NextKeyMarker === undefined && page.NextUploadIdMarker === undefined)) return out;
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
  }
}

/**
 * Abort the pending uploads started before the cutoff (their parts stop being billed) and forget
 * the resume state of those this process knew.
 */
export async function abortPendingUploads(
  where: Where,
  options: UploadSweepOptions = {},
): Promise<{ readonly aborted: PendingUpload[] }> {
  const aborted: PendingUpload[] = [];
  for (const upload of await listPendingUploads(where, options)) {
    const key = `${where.prefix}${upload.key}`;
    try {
      await where.client.send(
        new where.sdk.AbortMultipartUploadCommand({ Bucket: where.bucket, Key: key, UploadId: upload.uploadId }),
      );
    } catch (error) {
      const e = s3Error(error, `S3 abort of upload ${upload.uploadId} of "${upload.key}"`);
      if (e.code !== 'NOT_FOUND') throw e;
    }
    const id = `${where.bucket}/${key}`;
    if ((await where.state.get(id))?.uploadId === upload.uploadId) await where.state.delete(id);
    aborted.push(upload);
  }
  return { aborted };
}

/** A staging object left by a put that died between staging its bytes and copying them into place. */
export interface LeakedStagingObject {
  /** The staging key (without the storage's prefix), `…/.fw-stage-<hash>.partial`. */
  readonly key: string;
  readonly sizeBytes: number;
  /** When it was written, ISO 8601. */
  readonly modifiedAt: string;
}

const STAGING = /(^|\/)\.fw-stage-[0-9a-f]{24}\.partial$/;

/**
 * Delete staging objects (`.fw-stage-<hash>.partial`, invisible to `list()`) under the prefix
 * written before the cutoff: a put killed after staging its bytes leaves one (a put that fails
 * removes its own). Younger ones may belong to running puts. Objects under the reserved
 * `.partial` suffix are never user objects (keys ending in it are refused), so nothing else goes.
 */
export async function sweepStagingObjects(
  where: Where,
  options: UploadSweepOptions = {},
): Promise<{ readonly deleted: LeakedStagingObject[] }> {
  const cutoff = cutoffOf(options);
  const deleted: LeakedStagingObject[] = [];
  let token: string | undefined;
  for (;;) {
    let page: import('@aws-sdk/client-s3').ListObjectsV2CommandOutput;
    try {
      page = await where.client.send(
        new where.sdk.ListObjectsV2Command({
          Bucket: where.bucket,
          ...(where.prefix ? { Prefix: where.prefix } : {}),
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
    } catch (error) {
      throw s3Error(error, 'S3 list of staging objects');
    }
    for (const o of page.Contents ?? []) {
      const key = (o.Key ?? '').slice(where.prefix.length);
      const at = o.LastModified?.getTime() ?? 0;
      if (!STAGING.test(key) || at >= cutoff) continue;
      try {
        await where.client.send(new where.sdk.DeleteObjectCommand({ Bucket: where.bucket, Key: o.Key }));
      } catch (error) {
        throw s3Error(error, `S3 delete of staging object "${key}"`);
      }
      // Its upload state (a completed staging upload) could no longer be recognised as completed.
      await where.state.delete(`${where.bucket}/${o.Key}`);
      deleted.push({ key, sizeBytes: o.Size ?? 0, modifiedAt: new Date(at).toISOString() });
    }
    if (!page.IsTruncated || page.NextContinuationToken === undefined) return { deleted };
    token = page.NextContinuationToken;
  }
}
