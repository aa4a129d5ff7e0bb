import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { FramewiseError } from '@framewise/core';
import { s3Error } from './errors.js';
import type { UploadedPart, UploadStateStore } from './upload-state.js';

/** What a put needs to know about its bucket and defaults. */
export interface PutContext {
  readonly client: S3Client;
  readonly bucket: string;
  readonly partSizeBytes: number;
  readonly concurrency: number;
  readonly state: UploadStateStore;
  /** Extra fields of PutObject / CreateMultipartUpload (storage class, encryption). */
  readonly writeFields: Record<string, unknown>;
  /** Whether ETags are MD5 digests (not under SSE-KMS), so they can verify what was stored. */
  readonly etagIsMd5: boolean;
}

/** What a put reports. */
export interface PutOutcome {
  readonly sizeBytes: number;
  readonly etag: string;
  /** Parts sent in this call (a resumed upload skips parts already stored). */
  readonly partsSent: number;
  readonly partsReused: number;
}

const unquote = (etag: string | undefined) => (etag ?? '').replace(/"/g, '');

/**
 * Part buffers, allocated once and reused: memory stays at part size × (concurrency + 1) however
 * large the object, instead of waiting for the garbage collector to free one buffer per part.
 */
class PartBuffers {
  readonly #free: Buffer[] = [];
  readonly #waiting: ((buffer: Buffer) => void)[] = [];
  #made = 0;
  constructor(
    readonly size: number,
    readonly max: number,
  ) {}
  async acquire(): Promise<Buffer> {
    const free = this.#free.pop();
    if (free !== undefined) return free;
    if (this.#made < this.max) {
      this.#made++;
      return Buffer.allocUnsafe(this.size);
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }
  release(buffer: Buffer): void {
    const next = this.#waiting.shift();
    if (next !== undefined) next(buffer);
    else this.#free.push(buffer);
  }
}

/** A part read from the stream: its bytes, in a pooled buffer to give back once sent, and their MD5 (hex). */
interface Part {
  readonly buffer: Buffer;
  readonly bytes: Buffer;
  readonly md5: string;
}

/**
 * Read a stream as parts of exactly the pool's size (the last may be shorter; an empty stream is
 * one empty part). Each part's MD5 is computed as its bytes arrive, in small steps, rather than in
 * one 16 MiB block that would hold up the event loop (and the other parts' sockets) when the part
 * is sent.
 */
async function* parts(body: Readable, pool: PartBuffers): AsyncGenerator<Part> {
  let buffer = await pool.acquire();
  let md5 = createHash('md5');
  let filled = 0;
  let count = 0;
  for await (const raw of body) {
    let chunk = raw as Buffer;
    while (chunk.length > 0) {
      const take = Math.min(pool.size - filled, chunk.length);
      chunk.copy(buffer, filled, 0, take);
      md5.update(chunk.subarray(0, take));
      filled += take;
      chunk = chunk.subarray(take);
      if (filled === pool.size) {
        count++;
        yield { buffer, bytes: buffer.subarray(0, filled), md5: md5.digest('hex') };
        buffer = await pool.acquire();
        md5 = createHash('md5');
        filled = 0;
      }
    }
  }
  if (filled > 0 || count === 0) yield { buffer, bytes: buffer.subarray(0, filled), md5: md5.digest('hex') };
  else pool.release(buffer);
}

/**
 * Store a stream: one PutObject when it fits in a part, else a multipart upload with parts sent
 * `concurrency` at a time (memory: part size × (concurrency + 1)). Every part's ETag is checked
 * against its MD5 and the upload state persisted after each one; an upload of the same key whose
 * state exists resumes: parts whose bytes hash the same are not sent again. The completed
 * object's multipart ETag is checked too. Aborting aborts the multipart upload and forgets it.
 */
export async function putObject(
  ctx: PutContext,
  key: string,
  body: Readable,
  fields: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<PutOutcome> {
  const id = `${ctx.bucket}/${key}`;
  const pool = new PartBuffers(ctx.partSizeBytes, ctx.concurrency + 1);
  const reader = parts(body, pool)[Symbol.asyncIterator]();
  const first = await reader.next();
  const firstPart = first.done
    ? { buffer: Buffer.alloc(0), bytes: Buffer.alloc(0), md5: createHash('md5').digest('hex') }
    : first.value;
  const second = first.done ? first : await reader.next();
  const options = signal ? { abortSignal: signal } : {};
  if (second.done) {
    // Small enough for one request; the server checks Content-MD5, and we check the ETag.
    const bytes = firstPart.bytes;
    const md5 = Buffer.from(firstPart.md5, 'hex');
    try {
      const out = await ctx.client.send(
        new PutObjectCommand({
          Bucket: ctx.bucket,
          Key: key,
          Body: bytes,
          ContentMD5: md5.toString('base64'),
          ContentLength: bytes.length,
          ...ctx.writeFields,
          ...fields,
        }),
        options,
      );
      if (ctx.etagIsMd5 && out.ETag !== undefined && unquote(out.ETag) !== md5.toString('hex'))
        throw new FramewiseError(
          'INTEGRITY',
          `S3 stored "${key}" with ETag ${out.ETag}, expected the MD5 ${md5.toString('hex')}`,
          {
            details: { key },
          },
        );
      return { sizeBytes: bytes.length, etag: unquote(out.ETag), partsSent: 1, partsReused: 0 };
    } catch (error) {
      throw s3Error(error, `S3 put of "${key}"`);
    } finally {
      pool.release(firstPart.buffer);
    }
  }

  let state = await ctx.state.get(id);
  if (state !== undefined && state.partSizeBytes !== ctx.partSizeBytes) {
    await ctx.state.delete(id);
    state = undefined;
  }
  let uploadId = state?.uploadId;
  if (uploadId === undefined) {
    const cancelled = () => new FramewiseError('CANCELLED', `S3 upload of "${key}" cancelled`, { details: { key } });
    if (signal?.aborted) throw cancelled();
    // Not cancelled mid-request: the server may create the upload even if the answer never
    // arrives, and an upload nobody knows of is never aborted. A cancel is honoured just after.
    let created: { UploadId?: string | undefined };
    try {
      created = await ctx.client.send(
        new CreateMultipartUploadCommand({ Bucket: ctx.bucket, Key: key, ...ctx.writeFields, ...fields }),
      );
    } catch (error) {
      throw s3Error(error, `S3 multipart upload of "${key}"`);
    }
    uploadId = created.UploadId as string;
    if (signal?.aborted) {
      await ctx.client
        .send(new AbortMultipartUploadCommand({ Bucket: ctx.bucket, Key: key, UploadId: uploadId }))
        .catch(() => undefined);
      throw cancelled();
    }
    state = { uploadId, partSizeBytes: ctx.partSizeBytes, parts: {} };
    await ctx.state.put(id, state);
  }
  const done: Record<number, UploadedPart> = { ...(state?.parts ?? {}) };
  let sent = 0;
  let reused = 0;
  let total = 0;
  const inflight = new Set<Promise<void>>();
  let failure: unknown;
  const send = async (n: number, part: Part) => {
    try {
      await sendPart(n, part.bytes, part.md5);
    } finally {
      pool.release(part.buffer);
    }
  };
  const sendPart = async (n: number, bytes: Buffer, md5: string) => {
    const known = done[n];
    if (known !== undefined && known.md5 === md5 && known.sizeBytes === bytes.length) {
      reused++;
      return;
    }
    const out = await ctx.client.send(
      new UploadPartCommand({
        Bucket: ctx.bucket,
        Key: key,
        UploadId: uploadId,
        PartNumber: n,
        Body: bytes,
        ContentMD5: Buffer.from(md5, 'hex').toString('base64'),
        ContentLength: bytes.length,
      }),
      options,
    );
    const etag = unquote(out.ETag);
    if (ctx.etagIsMd5 && etag !== md5)
      throw new FramewiseError(
        'INTEGRITY',
        `S3 stored part ${n} of "${key}" with ETag ${etag}, expected the MD5 ${md5}`,
        { details: { key, part: n } },
      );
    done[n] = { etag, md5, sizeBytes: bytes.length };
    sent++;
    await ctx.state.put(id, { uploadId: uploadId as string, partSizeBytes: ctx.partSizeBytes, parts: { ...done } });
  };
  let n = 0;
  const queue = async function* () {
    yield firstPart;
    if (!second.done) yield second.value;
    for (;;) {
      const next = await reader.next();
      if (next.done) return;
      yield next.value;
    }
  };
  try {
    for await (const part of queue()) {
      if (failure !== undefined) {
        pool.release(part.buffer);
        break;
      }
      n++;
      total += part.bytes.length;
      const task: Promise<void> = send(n, part)
        .catch((error) => {
          failure ??= error;
        })
        .finally(() => inflight.delete(task));
      inflight.add(task);
      if (inflight.size >= ctx.concurrency) await Promise.race(inflight);
    }
    await Promise.all(inflight);
    if (failure !== undefined) throw failure;
    const numbers = Array.from({ length: n }, (_, i) => i + 1);
    const completed = await ctx.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: ctx.bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: numbers.map((p) => ({ PartNumber: p, ETag: `"${done[p]?.etag}"` })) },
      }),
      options,
    );
    const expected = `${createHash('md5')
      .update(Buffer.concat(numbers.map((p) => Buffer.from(done[p]?.md5 ?? '', 'hex'))))
      .digest('hex')}-${n}`;
    const etag = unquote(completed.ETag);
    // S3 answers MD5-of-part-MD5s; some compatible stores answer the whole object's MD5 instead,
    // which the ObjectStorage host checks against the MD5 it computed while streaming.
    if (ctx.etagIsMd5 && etag !== '' && etag !== expected && !/^[0-9a-f]{32}$/.test(etag))
      throw new FramewiseError('INTEGRITY', `S3 completed "${key}" with ETag ${etag}, expected ${expected}`, {
        details: { key },
      });
    await ctx.state.delete(id);
    return { sizeBytes: total, etag: etag || expected, partsSent: sent, partsReused: reused };
  } catch (error) {
    await Promise.allSettled(inflight);
    if (signal?.aborted) {
      // Cancelled: nothing is to resume. Best effort — some S3-compatible stores lack the call.
      await ctx.client
        .send(new AbortMultipartUploadCommand({ Bucket: ctx.bucket, Key: key, UploadId: uploadId }))
        .catch(() => undefined);
      await ctx.state.delete(id);
      throw new FramewiseError('CANCELLED', `S3 upload of "${key}" cancelled`, { cause: error, details: { key } });
    }
    if ((error as { name?: string }).name === 'NoSuchUpload') await ctx.state.delete(id);
    throw s3Error(error, `S3 multipart upload of "${key}" (state kept: the next put of it resumes)`);
  }
}
