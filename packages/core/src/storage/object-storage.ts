import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { backoffMs, FramewiseError, isFramewiseError, isRetryable, messageOf, waitToRetry } from '../errors/index.js';
import {
  type Logger,
  LoggerSchema,
  parseOptions,
  silentLogger,
  type Tracer,
  TracerSchema,
  TypedEvents,
  withSpan,
} from '../support/index.js';
import { DigestStream, type Digests, HashWorker, loadXxh64 } from './digest.js';
import { normalizeKey, normalizePrefix, stagingKey } from './keys.js';
import type { ByteRange, ObjectInfo, StorageDriver } from './port.js';
import { type ExpectedContent, VerifyingStream } from './verified-read.js';

/** Something to store: a stream (read once), bytes, or a file on disk (re-readable, so retried). */
export type PutSource = Readable | Uint8Array | { readonly file: string };

/** Options of {@link ObjectStorage.put}. */
export interface PutOptions {
  readonly contentType?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  /**
   * Checksums the content must have; on a mismatch `INTEGRITY` is thrown and the key keeps
   * whatever it held (the new bytes are verified under a temporary name before they replace it).
   */
  readonly expected?: { readonly sha256?: string; readonly md5?: string; readonly sizeBytes?: number };
  /** Called with the number of bytes sent so far. */
  readonly onProgress?: (bytes: number) => void;
  readonly signal?: AbortSignal;
  /**
   * Create only: never replace an object already under the key — `CONFLICT` (details
   * `reason: 'exists'`), the existing object untouched. Needs a driver declaring
   * `capabilities.createOnly` and `verifiedPut` (fs, S3, memory); others refuse it with `UNSUPPORTED`.
   */
  readonly createOnly?: boolean;
}

/** What {@link ObjectStorage.put} stored. */
export interface PutResult {
  readonly key: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly md5: string;
  /** XXH64 (hex, seed 0), with the storage's `xxh64` option. */
  readonly xxh64?: string;
  readonly etag?: string;
}

/** Events of an {@link ObjectStorage}. */
export interface StorageEvents {
  stored: PutResult;
  deleted: { readonly key: string };
  copied: { readonly from: string; readonly to: string };
  retry: { readonly operation: string; readonly key: string; readonly attempt: number; readonly error: FramewiseError };
}

/** Options of {@link createObjectStorage}. */
export const ObjectStorageOptionsSchema = z.strictObject({
  /** Where transfers are logged: start and finish at debug, retries at warn (default: nowhere). */
  logger: LoggerSchema.optional(),
  /** An OpenTelemetry tracer: `put`, `get` and `copy` become spans `framewise.storage.<operation>`. */
  tracer: TracerSchema.optional(),
  /**
   * Attempts for operations that fail retryably (default 3): `TRANSIENT`, `RATE_LIMITED` and
   * `TIMEOUT`, the one retry rule of `isRetryable`.
   */
  attempts: z.number().int().min(1).max(100).optional(),
  /**
   * First backoff in ms, doubled each attempt, between half and all of it (`backoffMs` with equal
   * jitter), never shorter than the driver's `retryAfterMs` (default 200).
   */
  backoffMs: z.number().min(0).max(3_600_000).optional(),
  /**
   * Also compute XXH64 of everything stored and read for fixity (in the same pass; several GB/s,
   * WebAssembly): a fast digest for frequent audits beside SHA-256. Default false.
   */
  xxh64: z.boolean().optional(),
});
/** Options of {@link createObjectStorage}. */
export type ObjectStorageOptions = z.input<typeof ObjectStorageOptionsSchema>;

/** The identity of drivers that declare none: each driver instance is its own store. */
const driverIdentities = new WeakMap<StorageDriver, string>();

/** Transfers at least this large hash in a worker thread beside the transfer (smaller ones inline). */
const WORKER_HASHING_BYTES = 8 * 1024 * 1024;

/**
 * Object storage: the host object around a {@link StorageDriver}. Keys are validated and
 * normalised the same way for every driver; content is hashed (SHA-256 and MD5) while it streams,
 * so there is no second read; transient failures are retried with exponential backoff and jitter
 * where the source can be read again; events report what was stored, deleted and retried.
 * Memory per transfer is one stream buffer, whatever the object size.
 */
export class ObjectStorage {
  readonly driver: StorageDriver;
  readonly #logger: Logger;
  readonly #tracer: Tracer | undefined;
  #closed = false;
  readonly #attempts: number;
  readonly #backoffMs: number;
  readonly #events = new TypedEvents<StorageEvents>();
  readonly #hasher = new HashWorker();
  readonly #xxh64: boolean;

  /** @hidden use {@link createObjectStorage}. */
  constructor(driver: StorageDriver, options: ObjectStorageOptions) {
    this.driver = driver;
    this.#logger = options.logger ?? silentLogger;
    this.#tracer = options.tracer;
    this.#attempts = Math.max(1, options.attempts ?? 3);
    this.#backoffMs = options.backoffMs ?? 200;
    this.#xxh64 = options.xxh64 === true;
  }

  /** What a DigestStream needs for XXH64: nothing when off; `true` in the worker; the module inline. */
  async #xxh64For(worker: HashWorker | undefined) {
    if (!this.#xxh64) return undefined;
    return worker === undefined ? await loadXxh64() : (true as const);
  }

  /** Refuse work once closed: `CONFLICT`, the resource is closed. */
  #checkOpen(operation: string, key: string): void {
    if (this.#closed)
      throw new FramewiseError(
        'CONFLICT',
        `Storage "${this.driver.name}" is closed: cannot ${operation} ${JSON.stringify(key)}`,
        { details: { storage: this.driver.name, operation, key } },
      );
  }

  /** Run a transfer in a span, logging its start and finish at debug. */
  async #transfer<T>(
    operation: string,
    key: string,
    fields: Record<string, string>,
    run: () => Promise<T>,
  ): Promise<T> {
    this.#checkOpen(operation, key);
    const storage = this.driver.name;
    this.#logger.debug({ storage, operation, key, ...fields }, `framewise storage: ${operation} started`);
    const result = await withSpan(
      this.#tracer,
      `framewise.storage.${operation}`,
      { 'framewise.storage': storage, 'framewise.storage.key': key, ...fields },
      run,
    );
    const size = (result as { sizeBytes?: unknown } | undefined)?.sizeBytes;
    this.#logger.debug(
      { storage, operation, key, ...fields, ...(typeof size === 'number' ? { sizeBytes: size } : {}) },
      `framewise storage: ${operation} finished`,
    );
    return result;
  }

  /**
   * The physical store: the driver's `identity`, or one of the driver instance's own when it
   * declares none. Two storages with the same identity hold the same object under a key.
   */
  get identity(): string {
    let own = driverIdentities.get(this.driver);
    if (own === undefined) {
      own = `instance:${randomUUID()}`;
      driverIdentities.set(this.driver, own);
    }
    return this.driver.identity ?? own;
  }

  /** The driver's capabilities. */
  get capabilities(): StorageDriver['capabilities'] {
    return this.driver.capabilities;
  }

  /** Listen to an event; returns a function that stops listening. */
  on<E extends keyof StorageEvents>(event: E, listener: (payload: StorageEvents[E]) => void): () => void {
    return this.#events.on(event, listener);
  }

  async #retry<T>(
    operation: string,
    key: string,
    run: () => Promise<T>,
    retryable = true,
    signal?: AbortSignal,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (raw) {
        const error = isFramewiseError(raw)
          ? raw
          : new FramewiseError(
              'INTERNAL',
              `Storage "${this.driver.name}" ${operation} of ${JSON.stringify(key)}: ${messageOf(raw)}`,
              { cause: raw },
            );
        if (!retryable || !isRetryable(error) || attempt >= this.#attempts || signal?.aborted) throw error;
        this.#events.emit('retry', { operation, key, attempt, error });
        this.#logger.warn({ operation, key, attempt, message: error.message }, 'framewise storage: retrying');
        await waitToRetry(backoffMs(attempt, { baseMs: this.#backoffMs, jitter: 'equal' }, error.retryAfterMs), signal);
      }
    }
  }

  /**
   * Store content under a key, hashing it while it streams. A stream source is sent once; bytes
   * and files are re-read on a transient failure. With `expected`, a mismatch deletes the object
   * and throws `INTEGRITY`.
   */
  async put(key: string, source: PutSource, options: PutOptions = {}): Promise<PutResult> {
    const k = normalizeKey(key);
    const caps = this.driver.capabilities;
    if (options.createOnly === true && !(caps.createOnly === true && caps.verifiedPut === true))
      throw new FramewiseError(
        'UNSUPPORTED',
        `Storage "${this.driver.name}" cannot put ${JSON.stringify(k)} create-only: its driver does not declare createOnly and verifiedPut`,
        { details: { key: k } },
      );
    return this.#transfer('put', k, {}, () => this.#put(k, source, options));
  }

  async #put(k: string, source: PutSource, options: PutOptions): Promise<PutResult> {
    const rereadable = !(source instanceof Readable);
    const open = (): Readable =>
      source instanceof Readable
        ? source
        : source instanceof Uint8Array
          ? Readable.from([Buffer.from(source.buffer, source.byteOffset, source.byteLength)])
          : createReadStream(source.file, { highWaterMark: 1024 * 1024 });
    // Large or unknown-size content hashes in a worker thread, beside the upload.
    const size =
      source instanceof Readable
        ? Number.POSITIVE_INFINITY
        : source instanceof Uint8Array
          ? source.byteLength
          : await stat(source.file).then(
              (s) => s.size,
              () => 0,
            );
    const hasher = size >= WORKER_HASHING_BYTES ? this.#hasher : undefined;
    const xxh64 = await this.#xxh64For(hasher);
    const result = await this.#retry(
      'put',
      k,
      async () => {
        const digest = new DigestStream(hasher, options.onProgress, xxh64);
        const body = open();
        body.on('error', (e) => digest.destroy(e));
        body.pipe(digest);
        const driverOptions = {
          ...(options.contentType ? { contentType: options.contentType } : {}),
          ...(options.metadata ? { metadata: options.metadata } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.createOnly === true ? { createOnly: true } : {}),
        };
        const verify = async (stored: { readonly sizeBytes: number; readonly etag?: string }) =>
          this.#verifyStored(k, digest, stored, options.expected);
        let stored: { readonly sizeBytes: number; readonly etag?: string };
        if (this.driver.capabilities.verifiedPut === true) {
          stored = await this.driver.put(k, digest, { ...driverOptions, verify });
        } else {
          // The driver cannot verify before replacing: stage under a reserved name, copy into place once verified.
          const staging = stagingKey(k);
          try {
            stored = await this.driver.put(staging, digest, driverOptions);
            await verify(stored);
            await this.driver.copy(staging, k);
          } finally {
            await this.driver.delete(staging).catch(() => undefined);
          }
        }
        const { sha256, md5, xxh64: xxh } = digest.digests;
        return {
          key: k,
          sizeBytes: digest.bytes,
          sha256,
          md5,
          ...(xxh === undefined ? {} : { xxh64: xxh }),
          ...(stored.etag ? { etag: stored.etag } : {}),
        };
      },
      rereadable,
      options.signal,
    );
    this.#events.emit('stored', result);
    return result;
  }

  /**
   * Check what a driver stored against what was sent (size; a plain-MD5 ETag) and the caller's
   * expected checksums, before the key is replaced. `INTEGRITY` on a mismatch: the key keeps
   * whatever it held.
   */
  async #verifyStored(
    k: string,
    digest: DigestStream,
    stored: { readonly sizeBytes: number; readonly etag?: string },
    e: PutOptions['expected'],
  ): Promise<void> {
    const { sha256, md5 } = digest.digests;
    const fail = (message: string, details: Record<string, unknown>): never => {
      throw new FramewiseError(
        'INTEGRITY',
        `${message}; nothing was stored and whatever was under the key is untouched`,
        { details: { key: k, ...details } },
      );
    };
    // A driver reporting a plain MD5 as the stored ETag (S3 single-part puts) lets the stored
    // bytes be checked against what was sent without reading them back.
    if (stored.etag !== undefined && /^[0-9a-f]{32}$/i.test(stored.etag) && stored.etag.toLowerCase() !== md5)
      fail(
        `Storage "${this.driver.name}" stored ${JSON.stringify(k)} with MD5 ETag ${stored.etag}, but ${md5} was sent`,
        {},
      );
    if (stored.sizeBytes !== digest.bytes)
      fail(
        `Storage "${this.driver.name}" stored ${stored.sizeBytes} bytes for ${JSON.stringify(k)} but ${digest.bytes} were sent`,
        {},
      );
    const mismatch =
      (e?.sha256 !== undefined && e.sha256.toLowerCase() !== sha256 && 'sha256') ||
      (e?.md5 !== undefined && e.md5.toLowerCase() !== md5 && 'md5') ||
      (e?.sizeBytes !== undefined && e.sizeBytes !== digest.bytes && 'size');
    if (mismatch)
      fail(`Content sent for ${JSON.stringify(k)} does not match the expected ${mismatch}`, {
        expected: e,
        actual: { sha256, md5, sizeBytes: digest.bytes },
      });
  }

  /**
   * A stream of an object or of a byte range of it (ends inclusive). `NOT_FOUND` when missing.
   * With `expected` (whole objects only), the bytes are hashed as they stream and a mismatch fails
   * the stream with `INTEGRITY` before the consumer receives the last byte.
   */
  async get(
    key: string,
    options: { readonly range?: ByteRange; readonly signal?: AbortSignal; readonly expected?: ExpectedContent } = {},
  ): Promise<Readable> {
    const k = normalizeKey(key);
    const range = options.range;
    const expected = options.expected;
    if (expected !== undefined && range !== undefined)
      throw new FramewiseError(
        'INVALID_INPUT',
        `A verified read of ${JSON.stringify(k)} reads the whole object: drop the byte range or the expected digest`,
        { details: { key: k, range } },
      );
    if (
      range !== undefined &&
      !(
        Number.isSafeInteger(range.start) &&
        Number.isSafeInteger(range.end) &&
        range.start >= 0 &&
        range.end >= range.start
      )
    ) {
      throw new FramewiseError(
        'INVALID_INPUT',
        `Byte range ${JSON.stringify(range)} of ${JSON.stringify(k)} must have 0 <= start <= end`,
        { details: { key: k, range } },
      );
    }
    const fields: Record<string, string> = range === undefined ? {} : { range: `${range.start}-${range.end}` };
    const { expected: _e, ...driverOptions } = options;
    const stream = await this.#transfer('get', k, fields, () =>
      this.#retry('get', k, () => this.driver.get(k, driverOptions), true, options.signal),
    );
    if (expected === undefined) return stream;
    // Media-sized reads hash in the worker thread beside the transfer, as puts do; small ones inline.
    const hashing =
      (expected.sha256 !== undefined || expected.md5 !== undefined) &&
      (expected.sizeBytes ?? Number.POSITIVE_INFINITY) >= WORKER_HASHING_BYTES
        ? new DigestStream(this.#hasher, undefined, undefined)
        : undefined;
    const verifying = new VerifyingStream(k, this.driver.name, expected, hashing);
    const fail = (error: Error) => verifying.destroy(error);
    stream.on('error', fail);
    verifying.on('close', () => stream.destroy());
    if (hashing === undefined) return stream.pipe(verifying);
    hashing.on('error', fail);
    verifying.on('close', () => hashing.destroy());
    return stream.pipe(hashing).pipe(verifying);
  }

  /** The whole object as bytes, refusing objects larger than `maxBytes` (default 64 MiB). */
  async read(key: string, maxBytes = 64 * 1024 * 1024): Promise<Buffer> {
    const info = await this.head(key);
    if (info === undefined)
      throw new FramewiseError('NOT_FOUND', `No object at ${JSON.stringify(normalizeKey(key))}`, { details: { key } });
    if (info.sizeBytes > maxBytes)
      throw new FramewiseError(
        'INVALID_INPUT',
        `Object ${JSON.stringify(info.key)} is ${info.sizeBytes} bytes, more than ${maxBytes}; stream it with get()`,
        { details: { key } },
      );
    const chunks: Buffer[] = [];
    for await (const chunk of await this.get(key)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /** What is stored at a key, or undefined. */
  async head(key: string): Promise<ObjectInfo | undefined> {
    const k = normalizeKey(key);
    this.#checkOpen('head', k);
    return this.#retry('head', k, () => this.driver.head(k));
  }

  /** One page of objects under a prefix, in key order. */
  async listPage(
    prefix: string,
    options: { readonly cursor?: string; readonly limit?: number } = {},
  ): Promise<{ readonly items: readonly ObjectInfo[]; readonly cursor?: string }> {
    const p = normalizePrefix(prefix);
    const limit = options.limit ?? 1000;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 10_000)
      throw new FramewiseError('INVALID_INPUT', `List limit ${limit} must be 1-10000`, { details: { limit } });
    this.#checkOpen('list', p);
    return this.#retry('list', p, () =>
      this.driver.list(p, { limit, ...(options.cursor === undefined ? {} : { cursor: options.cursor }) }),
    );
  }

  /** Every object under a prefix, page by page, in key order. */
  async *list(prefix = ''): AsyncIterable<ObjectInfo> {
    let cursor: string | undefined;
    do {
      const page = await this.listPage(prefix, cursor === undefined ? {} : { cursor });
      yield* page.items;
      cursor = page.cursor;
    } while (cursor !== undefined);
  }

  /** Delete an object; true when it existed. */
  async delete(key: string): Promise<boolean> {
    const k = normalizeKey(key);
    this.#checkOpen('delete', k);
    const existed = await this.#retry('delete', k, () => this.driver.delete(k));
    if (existed) this.#events.emit('deleted', { key: k });
    return existed;
  }

  /** Copy an object (server-side where the driver can). */
  async copy(from: string, to: string): Promise<void> {
    const f = normalizeKey(from);
    const t = normalizeKey(to);
    await this.#transfer('copy', f, { to: t }, () => this.#retry('copy', f, () => this.driver.copy(f, t)));
    this.#events.emit('copied', { from: f, to: t });
  }

  /**
   * Move an object to another storage class in place (a tier move without moving bytes through
   * this process).
   *
   * @throws `UNSUPPORTED` when the driver has no storage classes; `NOT_FOUND` when nothing is at
   * the key.
   */
  async setStorageClass(key: string, storageClass: string): Promise<void> {
    const k = normalizeKey(key);
    this.#checkOpen('setStorageClass', k);
    const set = this.driver.setStorageClass;
    if (!this.driver.capabilities.storageClasses || set === undefined)
      throw new FramewiseError(
        'UNSUPPORTED',
        `Storage "${this.driver.name}" has no storage classes: cannot move ${JSON.stringify(k)} to ${storageClass}`,
        { details: { key: k, storageClass } },
      );
    await this.#retry('setStorageClass', k, () => set.call(this.driver, k, storageClass));
  }

  /** SHA-256, MD5 (and XXH64 with the `xxh64` option) and size of a stored object, read as a stream (for fixity checks). */
  async digest(key: string, signal?: AbortSignal): Promise<Digests> {
    // Fixity reads are media: hashed in the worker, with no HEAD first to ask the size.
    // The object first: a hashing session opened for a missing key would never end.
    const source = await this.get(key, signal ? { signal } : {});
    const digest = new DigestStream(this.#hasher, undefined, await this.#xxh64For(this.#hasher));
    const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
    await pipeline(source, digest, discard);
    return digest.digests;
  }

  /**
   * Close the driver (and the hashing worker, if one was started). Afterwards every operation
   * throws `CONFLICT` (the resource is closed); closing again does nothing.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#hasher.close();
    await this.driver.close();
  }
}

/**
 * Wrap a storage driver in the host object. No I/O happens here.
 *
 * @throws `INVALID_CONFIG` naming the offending option.
 */
export function createObjectStorage(driver: StorageDriver, options: ObjectStorageOptions = {}): ObjectStorage {
  return new ObjectStorage(driver, parseOptions(ObjectStorageOptionsSchema, options, 'Object storage options'));
}

/**
 * Whether two (storage, key) places are one physical object: the store identity joined with the
 * key names the same place. Identities are paths of a store (`fs:<root>`,
 * `s3:<endpoint>/<bucket>/<prefix>`), so storages whose roots or prefixes nest see one object under
 * two keys (`media/m.mov` in the whole bucket is `m.mov` under the prefix `media/`). Copying one
 * onto the other is no copy; deleting one deletes the other.
 */
export function isSameObject(a: ObjectStorage, aKey: string, b: ObjectStorage, bKey: string): boolean {
  if (a === b) return normalizeKey(aKey) === normalizeKey(bKey);
  return physicalPlace(a.identity, aKey) === physicalPlace(b.identity, bKey);
}

/** A store identity and a key inside it as one path (`fs:/r` + `a/b` → `fs:/r/a/b`). */
function physicalPlace(identity: string, key: string): string {
  return `${identity.endsWith('/') ? identity : `${identity}/`}${normalizeKey(key)}`;
}
