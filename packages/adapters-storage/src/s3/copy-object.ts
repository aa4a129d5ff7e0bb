import type { S3Client } from '@aws-sdk/client-s3';
import { s3Error } from './errors.js';
import type { S3Sdk } from './put-object.js';

/** CopyObject's limit: larger objects are copied part by part on the server. */
export const SINGLE_COPY_LIMIT = 5 * 1024 ** 3;
const COPY_PART = 512 * 1024 ** 2;

const source = (bucket: string, key: string) => `${bucket}/${encodeURIComponent(key).replace(/%2F/g, '/')}`;

/**
 * A server-side copy within a bucket: CopyObject up to 5 GiB, above it a multipart upload whose
 * parts are UploadPartCopy byte ranges (512 MiB each) — the bytes never pass through this process.
 * With `ifMatch` (an ETag), every request is conditional on the source still having it.
 */
export async function copyObject(
  sdk: S3Sdk,
  client: S3Client,
  bucket: string,
  from: string,
  to: string,
  sizeBytes: number,
  writeFields: Record<string, unknown>,
  limit = SINGLE_COPY_LIMIT,
  partSize = COPY_PART,
  ifMatch?: string,
): Promise<void> {
  // Only the source as it was checked: a source replaced since fails (412) instead of being copied.
  const condition = ifMatch === undefined ? {} : { CopySourceIfMatch: `"${ifMatch}"` };
  if (sizeBytes <= limit) {
    try {
      await client.send(
        new sdk.CopyObjectCommand({
          Bucket: bucket,
          Key: to,
          CopySource: source(bucket, from),
          ...condition,
          ...writeFields,
        }),
      );
      return;
    } catch (error) {
      throw s3Error(error, `S3 copy of "${from}" to "${to}"`);
    }
  }
  let uploadId: string | undefined;
  try {
    uploadId = (await client.send(new sdk.CreateMultipartUploadCommand({ Bucket: bucket, Key: to, ...writeFields })))
      .UploadId as string;
    const parts: { PartNumber: number; ETag: string }[] = [];
    for (let start = 0, n = 1; start < sizeBytes; start += partSize, n++) {
      const end = Math.min(sizeBytes, start + partSize) - 1;
      const out = await client.send(
        new sdk.UploadPartCopyCommand({
          Bucket: bucket,
          Key: to,
          UploadId: uploadId,
          PartNumber: n,
          CopySource: source(bucket, from),
          CopySourceRange: `bytes=${start}-${end}`,
          ...condition,
        }),
      );
      parts.push({ PartNumber: n, ETag: out.CopyPartResult?.ETag ?? '' });
    }
    await client.send(
      new sdk.CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: to,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
  } catch (error) {
    if (uploadId !== undefined)
      await client
        .send(new sdk.AbortMultipartUploadCommand({ Bucket: bucket, Key: to, UploadId: uploadId }))
        .catch(() => undefined);
    throw s3Error(error, `S3 multipart copy of "${from}" to "${to}"`);
  }
}
