import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { CompleteMultipartUploadCommand, PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import type { Logger } from '@framewise/core/adapter-kit';
import { FramewiseError } from '@framewise/core/errors';
import { s3Error } from './errors.js';
import type { UploadedPart, UploadState, UploadStateStore } from './upload-state.js';

/**
 * The `@aws-sdk/client-s3` module: an optional peer of `/s3`, imported on first use (see
 * `../peers.ts`), so its classes are reached through this value rather than imported statically.
 */
export type S3Sdk = typeof import('@aws-sdk/client-s3');

/** What a put needs to know about its bucket and defaults. */
export interface PutContext {
  /** The SDK's command classes. */
  readonly sdk: S3Sdk;
  readonly client: S3Client;
  readonly bucket: string;
  readonly partSizeBytes: number;
  readonly concurrency: number;
  readonly state: UploadStateStore;
  /** Extra fields of PutObject / CreateMultipartUpload (storage class, encryption). */
  readonly writeFields: Record<string, unknown>;
  /** Whether ETags are MD5 digests (not under SSE-KMS), so they can verify what was stored. */
  readonly etagIsMd5: boolean;
  /** How each part is checked: Content-MD5 and its ETag, or SHA-256 checksums ({@link PartChecksum}). */
  readonly partChecksum: PartChecksum;
  /** Where a resumed upload is logged (info). */
  readonly logger: Logger;
}

/**
 * How parts are checked. `md5`: Content-MD5 on every request and the ETag compared with it —
 * works with any S3-compatible server. `sha256`: the part's SHA-256 is both the signature's
 * payload hash (which the SDK would otherwise compute) and an `x-amz-checksum-sha256` the server
 * verifies and echoes — no second digest per byte; what was stored is proven by the echoed
 * checksums, or by an ETag that is the whole object's MD5, which the ObjectStorage host compares.
 */
export type PartChecksum = 'md5' | 'sha256';

/** What a put reports. */
export interface PutOutcome {
  readonly sizeBytes: number;
  readonly etag: string;
  /** Parts sent in this call (a resumed upload skips parts already stored). */
  readonly partsSent: number;
  readonly partsReused: number;
  /**
   * The object was already stored by this put's multipart upload — completed by an earlier call
   * that never learned it (a crash or a lost answer between CompleteMultipartUpload and its
   * acknowledgement) — and was adopted once its size and digests matched, rather than sent again.
   */
  readonly adopted?: true;
}

/** Conditions of a put. */
export interface PutConditions {
  /**
   * Create only: the object is written with `If-None-Match: *` (PutObject, CompleteMultipartUpload),
   * so S3 refuses (412) to replace an object already under the key; that is `CONFLICT`.
   */
  readonly createOnly?: boolean;
  /**
   * Another key (full) whose upload state may name a completed upload of this very content — the
   * key itself, when this put goes to its staging key because an object is there: that object is
   * adopted (and reported as `adoptedAt`) if it is the one that upload made.
   */
  readonly adoptFrom?: string;
}

/** What {@link putObject} reports: the outcome, and where an adopted object is when not at the put's key. */
export interface PutObjectResult extends PutOutcome {
  readonly adoptedAt?: string;
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

/** A part read from the stream: its bytes, in a pooled buffer to give back once sent, and their digest. */
interface Part {
  readonly buffer: Buffer;
  readonly bytes: Buffer;
  /** MD5 or SHA-256 (by the put's {@link PartChecksum}), raw. */
  readonly digest: Buffer;
}

/**
 * Read a stream as parts of exactly the pool's size (the last may be shorter; an empty stream is
 * one empty part). Each part's digest is computed as its bytes arrive, in small steps, rather than
 * in one 16 MiB block that would hold up the event loop (and the other parts' sockets) when the
 * part is sent.
 */
async function* parts(body: Readable, pool: PartBuffers, kind: PartChecksum): AsyncGenerator<Part> {
  let buffer = await pool.acquire();
  let hash = createHash(kind);
  let filled = 0;
  let count = 0;
  for await (const raw of body) {
    let chunk = raw as Buffer;
    while (chunk.length > 0) {
      const take = Math.min(pool.size - filled, chunk.length);
      chunk.copy(buffer, filled, 0, take);
      hash.update(chunk.subarray(0, take));
      filled += take;
      chunk = chunk.subarray(take);
      if (filled === pool.size) {
        count++;
        yield { buffer, bytes: buffer.subarray(0, filled), digest: hash.digest() };
        buffer = await pool.acquire();
        hash = createHash(kind);
        filled = 0;
      }
    }
  }
  if (filled > 0 || count === 0) yield { buffer, bytes: buffer.subarray(0, filled), digest: hash.digest() };
  else pool.release(buffer);
}

/** The request field that carries a part's digest: Content-MD5, or the SHA-256 checksum. */
function digestFields(kind: PartChecksum, digest: Buffer): Record<string, unknown> {
  return kind === 'md5' ? { ContentMD5: digest.toString('base64') } : { ChecksumSHA256: digest.toString('base64') };
}

/**
 * Send a command; with SHA-256 part checks, the part's digest is set as the signature's payload
 * hash (`x-amz-content-sha256`), so the SDK does not hash the body a second time and the server
 * rejects a body that does not match it.
 */
async function sendWithDigest<T>(
  ctx: PutContext,
  command: PutObjectCommand | UploadPartCommand,
  digest: Buffer,
  options: { abortSignal?: AbortSignal },
): Promise<T> {
  if (ctx.partChecksum === 'sha256') {
    const hex = digest.toString('hex');
    type Args = { request: { headers: Record<string, string> } };
    const payloadHash = (next: (args: Args) => unknown) => (args: Args) => {
      args.request.headers['x-amz-content-sha256'] = hex;
      return next(args);
    };
    (command.middlewareStack as PutObjectCommand['middlewareStack']).add(payloadHash as never, {
      step: 'build',
      name: 'framewisePayloadHash',
    });
  }
  return (await ctx.client.send(command as PutObjectCommand, options)) as T;
}

/**
 * Check an echoed SHA-256 checksum against ours: `true` when it matches, `false` when the server
 * echoed none. A different one is an INTEGRITY error.
 */
function checkEcho(echoed: string | undefined, expected: string, key: string, part?: number): boolean {
  if (echoed === undefined || echoed === '') return false;
  // A multipart object's checksum is composite: the digest of the part digests, then "-" and the count.
  if (echoed.replace(/-\d+$/, '') !== expected) {
    const what = part === undefined ? `"${key}"` : `part ${part} of "${key}"`;
    throw new FramewiseError('INTEGRITY', `S3 stored ${what} with SHA-256 ${echoed}, expected ${expected}`, {
      details: { key, ...(part === undefined ? {} : { part }) },
    });
  }
  return true;
}

/** An S3 error is not the point of a delete after a failed check: the check's error is. */
async function removeUnverified(ctx: PutContext, key: string): Promise<void> {
  await ctx.client.send(new ctx.sdk.DeleteObjectCommand({ Bucket: ctx.bucket, Key: key })).catch(() => undefined);
}

const unverifiable = (key: string) =>
  new FramewiseError(
    'INTEGRITY',
    `S3 stored "${key}" but echoed no SHA-256 checksum and its ETag is not an MD5, so what it stored cannot be verified; the object is removed (use partChecksum "md5" with this server)`,
    { details: { key } },
  );

const MD5_ETAG = /^[0-9a-f]{32}$/;

/** A create-only put found an object under the key. */
export function alreadyExists(key: string, cause?: unknown): FramewiseError {
  return new FramewiseError(
    'CONFLICT',
    `An object already exists under "${key}" and the put was create-only (If-None-Match: *): nothing was written`,
    { ...(cause === undefined ? {} : { cause }), details: { key, reason: 'exists' } },
  );
}

const statusOf = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;

/** What HEAD says of a key with checksums asked for (a composite SHA-256 on S3), or undefined when there is none. */
async function headWithChecksum(
  ctx: PutContext,
  key: string,
  options: { abortSignal?: AbortSignal },
): Promise<{ size: number; etag: string; checksum: string | undefined; modified: number } | undefined> {
  try {
    const head = await ctx.client.send(
      new ctx.sdk.HeadObjectCommand({ Bucket: ctx.bucket, Key: key, ChecksumMode: 'ENABLED' }),
      options,
    );
    return {
      size: head.ContentLength ?? 0,
      etag: unquote(head.ETag),
      checksum: head.ChecksumSHA256,
      modified: head.LastModified?.getTime() ?? 0,
    };
  } catch (error) {
    const e = s3Error(error, `S3 head of "${key}"`);
    if (e.code === 'NOT_FOUND') return undefined;
    throw e;
  }
}

/**
 * Whether the object under the key is the one a multipart upload of these parts produced: written
 * since the upload started, of their total size, and with the multipart ETag or composite SHA-256
 * of their digests (or a whole-object MD5 ETag, which the host compares with its own MD5). Returns
 * the ETag to report, or undefined when it is not shown to be.
 */
async function storedAsUploaded(
  ctx: PutContext,
  key: string,
  startedAt: string | undefined,
  partDigests: readonly Buffer[],
  total: number,
  options: { abortSignal?: AbortSignal },
): Promise<string | undefined> {
  const head = await headWithChecksum(ctx, key, options);
  if (head === undefined || head.size !== total) return undefined;
  if (startedAt !== undefined && head.modified < new Date(startedAt).getTime()) return undefined;
  // A whole-object MD5 as the ETag (s3rver, some stores): the host compares it with the MD5 it computed.
  if (ctx.etagIsMd5 && MD5_ETAG.test(head.etag)) return head.etag;
  const composite = createHash(ctx.partChecksum).update(Buffer.concat(partDigests)).digest();
  if (ctx.partChecksum === 'md5')
    return ctx.etagIsMd5 && head.etag === `${composite.toString('hex')}-${partDigests.length}` ? head.etag : undefined;
  try {
    return checkEcho(head.checksum, composite.toString('base64'), key) ? head.etag : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Check a completed multipart object against the digests of its parts. Multipart digests are the
 * digest of the parts' digests, then "-" and the part count: S3's ETag (MD5) and its composite
 * checksum (SHA-256). Some compatible stores answer the whole object's MD5 as the ETag instead,
 * which the ObjectStorage host compares with the MD5 it computed while streaming. With SHA-256
 * part checks and no composite checksum, every part sent must have been echoed, or the ETag must
 * be such an MD5. Returns the ETag to report (the expected one when the server answered none).
 */
function verifyCompleted(
  ctx: PutContext,
  key: string,
  etag: string,
  checksum: string | undefined,
  partDigests: readonly Buffer[],
  echoed: number,
): string {
  const kind = ctx.partChecksum;
  const composite = createHash(kind).update(Buffer.concat(partDigests)).digest();
  const wholeMd5 = ctx.etagIsMd5 && MD5_ETAG.test(etag);
  if (kind === 'md5') {
    const expected = `${composite.toString('hex')}-${partDigests.length}`;
    if (ctx.etagIsMd5 && etag !== '' && etag !== expected && !wholeMd5)
      throw new FramewiseError('INTEGRITY', `S3 completed "${key}" with ETag ${etag}, expected ${expected}`, {
        details: { key },
      });
    return etag || expected;
  }
  if (!checkEcho(checksum, composite.toString('base64'), key) && echoed < partDigests.length && !wholeMd5)
    throw unverifiable(key);
  return etag;
}

/** What {@link adoptCompleted} found. */
type Adoption =
  /** The content is that of the completed upload, and the object is what it made. */
  | { readonly kind: 'adopted'; readonly outcome: PutOutcome }
  /** A part read ahead differs: nothing was read past the parts `held` (still to be sent). */
  | { readonly kind: 'differs'; readonly held: Part[] }
  /** The content differs further on, or the object is not shown to be the upload's: the content was read. */
  | { readonly kind: 'consumed'; readonly matched: number; readonly held: Part[] };

/**
 * Read the content of a put whose upload state names a completed upload and compare each part
 * with the state's part digests, sending nothing. When every part matches, and the object under the
 * key is what those parts make ({@link storedAsUploaded}), the upload is adopted.
 */
async function adoptCompleted(
  ctx: PutContext,
  key: string,
  state: UploadState,
  held: Part[],
  reader: AsyncIterator<Part>,
  pool: PartBuffers,
  options: { abortSignal?: AbortSignal },
): Promise<Adoption> {
  const kind = ctx.partChecksum;
  const matches = (n: number, part: Part) => {
    const p = state.parts[n];
    return p !== undefined && p[kind] === part.digest.toString('hex') && p.sizeBytes === part.bytes.length;
  };
  const digests: Buffer[] = [];
  let total = 0;
  let n = 0;
  for (const part of held) {
    n++;
    if (!matches(n, part)) return { kind: 'differs', held };
    digests.push(part.digest);
    total += part.bytes.length;
  }
  for (const part of held) pool.release(part.buffer);
  for (;;) {
    const next = await reader.next();
    if (next.done) break;
    n++;
    const same = matches(n, next.value);
    pool.release(next.value.buffer);
    if (!same) return { kind: 'consumed', matched: n - 1, held: [] };
    digests.push(next.value.digest);
    total += next.value.bytes.length;
  }
  if (n !== Object.keys(state.parts).length) return { kind: 'consumed', matched: n, held: [] };
  const etag = await storedAsUploaded(ctx, key, state.startedAt, digests, total, options);
  if (etag === undefined) return { kind: 'consumed', matched: n, held: [] };
  return { kind: 'adopted', outcome: { sizeBytes: total, etag, partsSent: 0, partsReused: n, adopted: true } };
}

/** How far the server's clock may be behind ours when judging whether an object is newer than an upload. */
const CLOCK_SKEW_MS = 60_000;

/**
 * Whether the key holds an object written since the upload of `state` started: the upload was
 * completed (its uploader died before forgetting it) or another writer replaced the key meanwhile.
 * Either way its parts are not to be completed now. A state without `startedAt` (older format) is
 * judged by size: an object exactly the size of all its parts is that upload, completed.
 */
async function completedSince(
  ctx: PutContext,
  key: string,
  state: UploadState,
  options: { abortSignal?: AbortSignal },
): Promise<boolean> {
  let head: { ContentLength?: number | undefined; LastModified?: Date | undefined };
  try {
    head = await ctx.client.send(new ctx.sdk.HeadObjectCommand({ Bucket: ctx.bucket, Key: key }), options);
  } catch (error) {
    const e = s3Error(error, `S3 head of "${key}"`);
    if (e.code === 'NOT_FOUND') return false;
    throw e;
  }
  if (state.startedAt !== undefined) return (head.LastModified?.getTime() ?? 0) >= new Date(state.startedAt).getTime();
  const size = Object.values(state.parts).reduce((sum, p) => sum + p.sizeBytes, 0);
  return head.ContentLength === size;
}

/**
 * Store a stream: one PutObject when it fits in a part, else a multipart upload with parts sent
 * `concurrency` at a time (memory: part size × (concurrency + 1)). Every part is checked as it is
 * stored — its ETag against its MD5, or its echoed SHA-256 ({@link PartChecksum}) — and the upload
 * state persisted after each one; an upload of the same key whose state exists resumes: parts
 * whose bytes hash the same are not sent again. The completed object is checked too. Aborting
 * aborts the multipart upload and forgets it.
 */
export async function putObject(
  ctx: PutContext,
  key: string,
  body: Readable,
  fields: Record<string, unknown>,
  signal?: AbortSignal,
  conditions: PutConditions = {},
): Promise<PutObjectResult> {
  const id = `${ctx.bucket}/${key}`;
  const ifNoneMatch = conditions.createOnly === true ? { IfNoneMatch: '*' } : {};
  const kind = ctx.partChecksum;
  const pool = new PartBuffers(ctx.partSizeBytes, ctx.concurrency + 1);
  const reader = parts(body, pool, kind)[Symbol.asyncIterator]();
  const first = await reader.next();
  const firstPart = first.done
    ? { buffer: Buffer.alloc(0), bytes: Buffer.alloc(0), digest: createHash(kind).digest() }
    : first.value;
  const second = first.done ? first : await reader.next();
  const options = signal ? { abortSignal: signal } : {};
  if (second.done) {
    // Small enough for one request; the server checks the digest, and we check what it answers.
    const bytes = firstPart.bytes;
    const digest = firstPart.digest;
    try {
      const out = await sendWithDigest<{ ETag?: string; ChecksumSHA256?: string }>(
        ctx,
        new ctx.sdk.PutObjectCommand({
          Bucket: ctx.bucket,
          Key: key,
          Body: bytes,
          ...digestFields(kind, digest),
          ContentLength: bytes.length,
          ...ctx.writeFields,
          ...fields,
          ...ifNoneMatch,
        }),
        digest,
        options,
      );
      const etag = unquote(out.ETag);
      try {
        if (kind === 'md5' && ctx.etagIsMd5 && out.ETag !== undefined && etag !== digest.toString('hex'))
          throw new FramewiseError(
            'INTEGRITY',
            `S3 stored "${key}" with ETag ${out.ETag}, expected the MD5 ${digest.toString('hex')}`,
            { details: { key } },
          );
        // No echo: the ETag must be the MD5, which the host compares with its own.
        if (
          kind === 'sha256' &&
          !checkEcho(out.ChecksumSHA256, digest.toString('base64'), key) &&
          !(ctx.etagIsMd5 && MD5_ETAG.test(etag))
        )
          throw unverifiable(key);
      } catch (error) {
        // Stored, but not what was sent (or not shown to be): remove it.
        await removeUnverified(ctx, key);
        throw error;
      }
      return { sizeBytes: bytes.length, etag, partsSent: 1, partsReused: 0 };
    } catch (error) {
      // 412: the create-only condition failed, an object is already there (and was not touched).
      if (
        conditions.createOnly === true &&
        (statusOf(error) === 412 || (error as { name?: string }).name === 'PreconditionFailed')
      )
        throw alreadyExists(key, error);
      throw s3Error(error, `S3 put of "${key}"`);
    } finally {
      pool.release(firstPart.buffer);
    }
  }

  let state = await ctx.state.get(id);
  const dropState = async (stale: UploadState, why: string) => {
    // Best effort — some stores lack Abort, and a completed upload is gone anyway.
    ctx.logger.info(
      { bucket: ctx.bucket, key, uploadId: stale.uploadId },
      `framewise s3: upload state dropped (${why})`,
    );
    await ctx.client
      .send(new ctx.sdk.AbortMultipartUploadCommand({ Bucket: ctx.bucket, Key: key, UploadId: stale.uploadId }))
      .catch(() => undefined);
    await ctx.state.delete(id);
  };
  if (state !== undefined && (state.partSizeBytes !== ctx.partSizeBytes || (state.checksum ?? 'md5') !== kind)) {
    // Made with other settings: its parts cannot be reused; start afresh.
    await dropState(state, 'other part size or checksum');
    state = undefined;
  }
  /** The parts read ahead, to be sent first. */
  let readAhead: Part[] = second.done ? [firstPart] : [firstPart, second.value];
  if (state !== undefined && (await completedSince(ctx, key, state, options))) {
    // The upload completed — a crash or a lost answer between CompleteMultipartUpload and
    // forgetting the state — or another writer replaced the key since it started. If this content
    // is the content of that upload (every part's digest), and the object is what it produced,
    // adopt it instead of sending it again; otherwise start afresh.
    const adopted = await adoptCompleted(ctx, key, state, readAhead, reader, pool, options);
    if (adopted.kind === 'adopted') {
      await ctx.state.delete(id);
      ctx.logger.info({ bucket: ctx.bucket, key, uploadId: state.uploadId }, 'framewise s3: completed upload adopted');
      return adopted.outcome;
    }
    await dropState(state, 'its upload completed, with other content');
    state = undefined;
    if (conditions.createOnly === true) {
      for (const part of adopted.held) pool.release(part.buffer);
      throw alreadyExists(key);
    }
    if (adopted.kind === 'consumed')
      throw new FramewiseError(
        'TRANSIENT',
        `S3 put of "${key}": its upload state named a completed upload whose first ${adopted.matched} parts this content matches but not the rest; the state is dropped and the content was read past them: put it again`,
        { details: { key } },
      );
    readAhead = adopted.held;
  }
  const adoptFrom = conditions.adoptFrom;
  if (state === undefined && adoptFrom !== undefined) {
    const otherId = `${ctx.bucket}/${adoptFrom}`;
    const other = await ctx.state.get(otherId);
    if (
      other !== undefined &&
      other.partSizeBytes === ctx.partSizeBytes &&
      (other.checksum ?? 'md5') === kind &&
      (await completedSince(ctx, adoptFrom, other, options))
    ) {
      // The object under the key may be this content, completed by an upload that never learned it.
      const adopted = await adoptCompleted(ctx, adoptFrom, other, readAhead, reader, pool, options);
      // Either way that state is stale now: its upload completed.
      await ctx.state.delete(otherId);
      if (adopted.kind === 'adopted') {
        ctx.logger.info(
          { bucket: ctx.bucket, key: adoptFrom, uploadId: other.uploadId },
          'framewise s3: completed upload adopted',
        );
        return { ...adopted.outcome, adoptedAt: adoptFrom };
      }
      if (adopted.kind === 'consumed')
        throw new FramewiseError(
          'TRANSIENT',
          `S3 put of "${adoptFrom}": its upload state named a completed upload whose first ${adopted.matched} parts this content matches but not the rest; the state is dropped and the content was read past them: put it again`,
          { details: { key: adoptFrom } },
        );
      readAhead = adopted.held;
    }
  }
  if (state !== undefined)
    ctx.logger.info(
      { bucket: ctx.bucket, key, partsStored: Object.keys(state.parts).length, partSizeBytes: state.partSizeBytes },
      'framewise s3: resuming multipart upload',
    );
  let uploadId = state?.uploadId;
  // The instant an upload starts, by our clock less a minute of skew against the server's.
  const startedAt = state?.startedAt ?? new Date(Date.now() - CLOCK_SKEW_MS).toISOString();
  if (uploadId === undefined) {
    const cancelled = () => new FramewiseError('CANCELLED', `S3 upload of "${key}" cancelled`, { details: { key } });
    if (signal?.aborted) throw cancelled();
    // Not cancelled mid-request: the server may create the upload even if the answer never
    // arrives, and an upload nobody knows of is never aborted. A cancel is honoured just after.
    let created: { UploadId?: string | undefined };
    try {
      created = await ctx.client.send(
        new ctx.sdk.CreateMultipartUploadCommand({
          Bucket: ctx.bucket,
          Key: key,
          ...(kind === 'sha256' ? { ChecksumAlgorithm: 'SHA256' } : {}),
          ...ctx.writeFields,
          ...fields,
        }),
      );
    } catch (error) {
      throw s3Error(error, `S3 multipart upload of "${key}"`);
    }
    uploadId = created.UploadId as string;
    if (signal?.aborted) {
      await ctx.client
        .send(new ctx.sdk.AbortMultipartUploadCommand({ Bucket: ctx.bucket, Key: key, UploadId: uploadId }))
        .catch(() => undefined);
      throw cancelled();
    }
    state = { uploadId, partSizeBytes: ctx.partSizeBytes, checksum: kind, parts: {}, startedAt };
    await ctx.state.put(id, state);
  }
  const done: Record<number, UploadedPart> = { ...(state?.parts ?? {}) };
  // Parts sent in this call whose SHA-256 the server echoed (a resumed part was checked before, but
  // perhaps not by an echo: only the composite checksum or the ETag vouch for it now).
  let echoed = 0;
  let sent = 0;
  let reused = 0;
  let total = 0;
  const inflight = new Set<Promise<void>>();
  let failure: unknown;
  const send = async (n: number, part: Part) => {
    try {
      await sendPart(n, part.bytes, part.digest);
    } finally {
      pool.release(part.buffer);
    }
  };
  const sendPart = async (n: number, bytes: Buffer, digest: Buffer) => {
    const hex = digest.toString('hex');
    const known = done[n];
    if (known !== undefined && known[kind] === hex && known.sizeBytes === bytes.length) {
      reused++;
      return;
    }
    const out = await sendWithDigest<{ ETag?: string; ChecksumSHA256?: string }>(
      ctx,
      new ctx.sdk.UploadPartCommand({
        Bucket: ctx.bucket,
        Key: key,
        UploadId: uploadId,
        PartNumber: n,
        Body: bytes,
        ...digestFields(kind, digest),
        ContentLength: bytes.length,
      }),
      digest,
      options,
    );
    const etag = unquote(out.ETag);
    if (kind === 'md5' && ctx.etagIsMd5 && etag !== hex)
      throw new FramewiseError(
        'INTEGRITY',
        `S3 stored part ${n} of "${key}" with ETag ${etag}, expected the MD5 ${hex}`,
        { details: { key, part: n } },
      );
    if (kind === 'sha256' && checkEcho(out.ChecksumSHA256, digest.toString('base64'), key, n)) echoed++;
    done[n] = { etag, [kind]: hex, sizeBytes: bytes.length };
    sent++;
    await ctx.state.put(id, {
      uploadId: uploadId as string,
      partSizeBytes: ctx.partSizeBytes,
      checksum: kind,
      parts: { ...done },
      startedAt,
    });
  };
  // A Complete the server answers with an error (not a throttle) leaves an upload that cannot be
  // completed as recorded — on some stores one already completed, whose parts a resume would
  // re-create: the state is forgotten so the next put starts afresh instead of failing forever.
  const complete = async (
    command: CompleteMultipartUploadCommand,
    partDigests: readonly Buffer[],
  ): Promise<{ ETag?: string | undefined; ChecksumSHA256?: string | undefined }> => {
    try {
      return await ctx.client.send(command, options);
    } catch (error) {
      if (signal?.aborted) throw error;
      // The server may have completed the upload though its answer was lost (a reset connection,
      // the SDK's retry then finding no such upload, or 412 under create-only): adopt the object
      // if it is the one these parts make.
      const etag = await storedAsUploaded(ctx, key, startedAt, partDigests, total, options).catch(() => undefined);
      if (etag !== undefined) {
        adoptedAfterComplete = true;
        return { ETag: etag };
      }
      const status = statusOf(error);
      if (
        conditions.createOnly === true &&
        (status === 412 || (error as { name?: string }).name === 'PreconditionFailed')
      ) {
        await ctx.client
          .send(new ctx.sdk.AbortMultipartUploadCommand({ Bucket: ctx.bucket, Key: key, UploadId: uploadId }))
          .catch(() => undefined);
        await ctx.state.delete(id);
        throw alreadyExists(key, error);
      }
      if (status !== undefined && status !== 429 && status !== 503) {
        await ctx.state.delete(id);
        throw s3Error(
          error,
          `S3 completion of the multipart upload of "${key}" (upload state dropped: the next put starts afresh)`,
        );
      }
      throw error;
    }
  };
  let adoptedAfterComplete = false;
  let n = 0;
  const queue = async function* () {
    yield* readAhead;
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
    const digestOf = (p: number) => Buffer.from(done[p]?.[kind] ?? '', 'hex');
    const completed = await complete(
      new ctx.sdk.CompleteMultipartUploadCommand({
        Bucket: ctx.bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: {
          Parts: numbers.map((p) => ({
            PartNumber: p,
            ETag: `"${done[p]?.etag}"`,
            ...(kind === 'sha256' ? { ChecksumSHA256: digestOf(p).toString('base64') } : {}),
          })),
        },
        ...ifNoneMatch,
      }),
      numbers.map(digestOf),
    );
    await ctx.state.delete(id);
    if (adoptedAfterComplete)
      return { sizeBytes: total, etag: unquote(completed.ETag), partsSent: sent, partsReused: reused, adopted: true };
    let etag: string;
    try {
      etag = verifyCompleted(
        ctx,
        key,
        unquote(completed.ETag),
        completed.ChecksumSHA256,
        numbers.map(digestOf),
        echoed,
      );
    } catch (error) {
      // The object exists now, but it is not what was sent (or cannot be shown to be): remove it.
      await removeUnverified(ctx, key);
      throw error;
    }
    return { sizeBytes: total, etag, partsSent: sent, partsReused: reused };
  } catch (error) {
    await Promise.allSettled(inflight);
    if (signal?.aborted) {
      // Cancelled: nothing is to resume. Best effort — some S3-compatible stores lack the call.
      await ctx.client
        .send(new ctx.sdk.AbortMultipartUploadCommand({ Bucket: ctx.bucket, Key: key, UploadId: uploadId }))
        .catch(() => undefined);
      await ctx.state.delete(id);
      throw new FramewiseError('CANCELLED', `S3 upload of "${key}" cancelled`, { cause: error, details: { key } });
    }
    if ((error as { name?: string }).name === 'NoSuchUpload') await ctx.state.delete(id);
    throw s3Error(error, `S3 multipart upload of "${key}" (state kept: the next put of it resumes)`);
  }
}
