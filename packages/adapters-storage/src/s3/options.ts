import type { S3Client } from '@aws-sdk/client-s3';
import { LoggerSchema } from '@framewise/core/adapter-kit';
import { z } from 'zod';
import type { UploadStateStore } from './upload-state.js';

/** S3 storage classes (tiers) an object can be written in or moved to. */
export const S3StorageClassSchema = z.enum([
  'STANDARD',
  'STANDARD_IA',
  'INTELLIGENT_TIERING',
  'GLACIER_IR',
  'GLACIER',
  'DEEP_ARCHIVE',
]);
/** An S3 storage class. */
export type S3StorageClass = z.output<typeof S3StorageClassSchema>;

const MiB = 1024 * 1024;

/** Options for {@link createS3Storage}. */
export const S3StorageOptionsSchema = z.strictObject({
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name'),
  /** Key prefix inside the bucket (`media/`), so several storages can share one. */
  prefix: z
    .string()
    .regex(/^(?:[^/\\\\]+\/)*$/, 'empty, or path segments ending in "/"')
    .default(''),
  region: z.string().min(1).default('us-east-1'),
  /** For S3-compatible stores (MinIO, Ceph, s3rver): their URL. */
  endpoint: z.string().url().optional(),
  /** Path-style addressing (`endpoint/bucket/key`), which most S3-compatible stores need. */
  forcePathStyle: z.boolean().default(false),
  credentials: z
    .object({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1), sessionToken: z.string().optional() })
    .optional(),
  /** Multipart part size (5 MiB – 5 GiB, default 16 MiB); memory is bounded by part size × (concurrency + 1). */
  partSizeBytes: z
    .number()
    .int()
    .min(5 * MiB)
    .max(5 * 1024 * MiB)
    .default(16 * MiB),
  /** Parts uploaded at once (default 4). */
  concurrency: z.number().int().min(1).max(64).default(4),
  /** Storage class of new objects (default STANDARD). */
  storageClass: S3StorageClassSchema.default('STANDARD'),
  /**
   * How each uploaded part is checked. `md5` (the default with an `endpoint`): Content-MD5 and the
   * part's ETag — works with any S3-compatible server. `sha256` (the default on AWS S3): the part's
   * SHA-256 signs the request and goes as `x-amz-checksum-sha256`, which S3 verifies and echoes, so
   * no second digest is computed per byte (faster) and SSE-KMS objects are verified too; a server
   * that echoes no checksum must answer the whole object's MD5 as its ETag (s3rver does), or the
   * upload fails INTEGRITY and the unverified object is removed.
   */
  partChecksum: z.enum(['md5', 'sha256']).optional(),
  /** Server-side encryption of new objects. */
  serverSideEncryption: z
    .union([
      z.object({ type: z.literal('AES256') }),
      z.object({ type: z.literal('aws:kms'), kmsKeyId: z.string().min(1).optional() }),
    ])
    .optional(),
  /** An S3 client of the host's (its credentials, retries, proxies); otherwise one is made from the options. */
  client: z
    .custom<S3Client>(
      (v) => typeof v === 'object' && v !== null && typeof (v as S3Client).send === 'function',
      'must be an S3Client',
    )
    .optional(),
  /** Where multipart upload state is kept so an interrupted upload resumes (default: in memory). */
  uploadState: z
    .custom<UploadStateStore>(
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        ['get', 'put', 'delete'].every((m) => typeof (v as Record<string, unknown>)[m] === 'function'),
      'must be an UploadStateStore (get, put, delete)',
    )
    .optional(),
  /** Where resumed uploads are logged (info); default: nowhere. */
  logger: LoggerSchema.optional(),
});
/** Options for {@link createS3Storage}. */
export type S3StorageOptions = z.input<typeof S3StorageOptionsSchema>;
