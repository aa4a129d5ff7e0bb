import { createHash, type Hash } from 'node:crypto';
import { createRequire } from 'node:module';
import { Transform, type TransformCallback } from 'node:stream';
import { Worker } from 'node:worker_threads';
import xxhash from 'xxhash-wasm';
import { FramewiseError } from '../errors/index.js';

/** SHA-256 and MD5 (hex), XXH64 when asked for (hex, seed 0), and the byte count of what was hashed. */
export interface Digests {
  readonly sha256: string;
  readonly md5: string;
  readonly xxh64?: string;
  readonly sizeBytes: number;
}

/** An incremental XXH64 (xxhash-wasm's). */
export interface Xxh64 {
  update(data: Uint8Array): Xxh64;
  digest(): bigint;
}

let xxh64Api: Promise<{ create64(seed?: bigint): Xxh64 }> | undefined;

/** Load the XXH64 implementation (WebAssembly, compiled once per process). */
export function loadXxh64(): Promise<{ create64(seed?: bigint): Xxh64 }> {
  xxh64Api ??= xxhash().catch((error: unknown) => {
    xxh64Api = undefined;
    throw new FramewiseError('INTERNAL', `XXH64 could not be loaded: ${(error as Error).message}`, { cause: error });
  });
  return xxh64Api;
}

/** An XXH64 digest as 16 lower-case hex digits (the form `xxhsum` prints). */
export const xxh64Hex = (value: bigint): string => value.toString(16).padStart(16, '0');

/**
 * The hashing worker's code (CommonJS, run with `eval`, so it needs no file of its own in either
 * the sources or the build): one SHA-256 and one MD5 per session — and an XXH64 when the session
 * asks (xxhash-wasm, loaded from the path the parent resolved) — fed from the session's ring, a
 * SharedArrayBuffer the sender copies into. A message names how far the sender has written
 * (counted from the session's start); the worker hashes up to there in place and acknowledges the
 * position, so the sender can reuse the room. Nothing is cloned or allocated per chunk, and the
 * sender has at most one message outstanding per session: whatever it writes meanwhile goes in
 * the next one, so a fast stream costs few messages.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
let xx;
let xxError = 'not loaded';
const sessions = new Map();
const hash = (s, from, to) => {
  const span = new Uint8Array(s.ring, from, to - from);
  s.sha256.update(span);
  s.md5.update(span);
  if (s.xxh64 !== undefined) s.xxh64.update(span);
};
const handle = (m) => {
  if (m.open && m.xxh64 && xx === undefined) {
    parentPort.postMessage({ id: m.id, failed: 'XXH64 could not be loaded in the hashing worker: ' + xxError });
    return;
  }
  if (m.open) {
    sessions.set(m.id, { ring: m.ring, at: 0, sha256: createHash('sha256'), md5: createHash('md5'), xxh64: m.xxh64 ? xx.create64() : undefined });
    return;
  }
  const s = sessions.get(m.id);
  if (s === undefined) return;
  // Hash from where this session stopped to the position named (counted from its start), in at
  // most two spans of the ring.
  const size = s.ring.byteLength;
  while (s.at < m.upTo) {
    const from = s.at % size;
    const to = Math.min(size, from + (m.upTo - s.at));
    hash(s, from, to);
    s.at += to - from;
  }
  if (!m.end) {
    parentPort.postMessage({ id: m.id, ack: s.at });
    return;
  }
  sessions.delete(m.id);
  parentPort.postMessage({
    id: m.id,
    sha256: s.sha256.digest('hex'),
    md5: s.md5.digest('hex'),
    xxh64: s.xxh64 === undefined ? undefined : s.xxh64.digest().toString(16).padStart(16, '0'),
  });
};
// Messages wait, in order, for the XXH64 module to compile.
let queue = Promise.resolve()
  .then(() => require(workerData.xxhash)())
  .then((api) => { xx = api; }, (e) => { xxError = String(e && e.message || e); });
parentPort.on('message', (m) => { queue = queue.then(() => handle(m)); });
`;

/** Where the worker loads xxhash-wasm from (its CommonJS build, resolved from this module). */
const XXHASH_PATH = createRequire(import.meta.url).resolve('xxhash-wasm');

/**
 * Each session's ring: the bytes copied for the worker and not yet hashed. When it is full the
 * stream waits (backpressure) rather than queueing more.
 */
const RING_BYTES = 4 * 1024 * 1024;

/** What a {@link HashWorker} session reports to its owner. */
export interface HashSession {
  /** Bytes hashed (acknowledged) since the last call. */
  onAck(bytes: number): void;
  /** SHA-256 and MD5 (hex), and XXH64 if asked for, once the session has ended. */
  onDone(digests: { readonly sha256: string; readonly md5: string; readonly xxh64?: string }): void;
  /** The worker died or was closed: the session will never finish. */
  onError(error: FramewiseError): void;
}

/**
 * A worker thread that hashes for an `ObjectStorage`, so SHA-256 and MD5 of a large upload
 * run beside the upload instead of on the event loop that feeds it. Started on first use; it keeps
 * the process alive only while a transfer is hashing; stopped by `close`.
 */
export class HashWorker {
  #worker: Worker | undefined;
  #next = 0;
  readonly #sessions = new Map<number, HashSession>();

  #start(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const worker = new Worker(WORKER, { eval: true, workerData: { xxhash: XXHASH_PATH } });
    worker.on(
      'message',
      (m: { id: number; ack?: number; sha256?: string; md5?: string; xxh64?: string; failed?: string }) => {
        const session = this.#sessions.get(m.id);
        if (session === undefined) return;
        if (m.failed !== undefined) {
          this.#sessions.delete(m.id);
          session.onError(new FramewiseError('INTERNAL', m.failed, { details: {} }));
        } else if (m.ack !== undefined) session.onAck(m.ack);
        else {
          this.#sessions.delete(m.id);
          if (this.#sessions.size === 0) worker.unref();
          session.onDone({
            sha256: m.sha256 as string,
            md5: m.md5 as string,
            ...(m.xxh64 === undefined ? {} : { xxh64: m.xxh64 }),
          });
        }
      },
    );
    const died = (why: string) => {
      if (this.#worker === worker) this.#worker = undefined;
      this.#failAll(new FramewiseError('INTERNAL', `The hashing worker ${why}`, { details: {} }));
    };
    worker.on('error', (error: Error) => died(`failed: ${error.message}`));
    worker.on('exit', (code) => {
      if (this.#worker === worker) died(`exited with code ${code}`);
    });
    // Held open only while a session runs (after the listeners: adding one refs the port again).
    worker.unref();
    this.#worker = worker;
    return worker;
  }

  /** Every pending session ends with `error`: none is left waiting for a digest that never comes. */
  #failAll(error: FramewiseError): void {
    const pending = [...this.#sessions.values()];
    this.#sessions.clear();
    for (const session of pending) session.onError(error);
  }

  /**
   * A new hashing session (SHA-256 and MD5, and XXH64 with `xxh64`), with its own ring of
   * `capacity` bytes. `write` copies as much of the bytes as the ring has room for and returns how
   * many it took; the session's `onAck` reports room coming free as the worker hashes.
   */
  open(
    session: HashSession,
    xxh64 = false,
  ): { readonly id: number; readonly capacity: number; write(bytes: Uint8Array): number; end(): void } {
    const worker = this.#start();
    const id = this.#next++;
    const ring = new SharedArrayBuffer(RING_BYTES);
    const view = new Uint8Array(ring);
    // Positions counted from the session's start: bytes copied into the ring, and hashed.
    let written = 0;
    let hashed = 0;
    let outstanding = false;
    const announce = () => {
      outstanding = true;
      worker.postMessage({ id, upTo: written });
    };
    this.#sessions.set(id, {
      onAck: (position) => {
        const freed = position - hashed;
        hashed = position;
        outstanding = false;
        if (written > hashed) announce();
        session.onAck(freed);
      },
      onDone: (digests) => session.onDone(digests),
      onError: (error) => session.onError(error),
    });
    // A session waiting for the worker must keep the process alive.
    worker.ref();
    worker.postMessage({ id, open: true, ring, xxh64 });
    return {
      id,
      capacity: RING_BYTES,
      write: (bytes) => {
        let taken = 0;
        // At most two spans: up to the ring's end, then from its start.
        while (taken < bytes.length && written - hashed < RING_BYTES) {
          const at = written % RING_BYTES;
          const n = Math.min(bytes.length - taken, RING_BYTES - (written - hashed), RING_BYTES - at);
          view.set(bytes.subarray(taken, taken + n), at);
          written += n;
          taken += n;
        }
        if (taken > 0 && !outstanding) announce();
        return taken;
      },
      end: () => worker.postMessage({ id, upTo: written, end: true }),
    };
  }

  /** Stop the worker; transfers still hashing fail with `CANCELLED`. */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    this.#failAll(new FramewiseError('CANCELLED', 'The hashing worker was closed during a transfer', { details: {} }));
    await worker?.terminate();
  }
}

/**
 * Hashes what flows through — SHA-256, MD5 and byte count — on the event loop, or in a
 * {@link HashWorker} for large transfers. With a worker, each chunk is passed on at once and
 * copied into the session's 4 MiB ring; when the ring is full the stream takes no more input
 * (backpressure) until the worker has hashed its way through. Digests are ready once the stream
 * has ended ({@link DigestStream.digests}).
 */
export class DigestStream extends Transform {
  bytes = 0;
  #sha256: Hash | undefined;
  #md5: Hash | undefined;
  #xxh64: Xxh64 | undefined;
  #session: ReturnType<HashWorker['open']> | undefined;
  /** The rest of a chunk the ring had no room for, copied as room comes free. */
  #waiting: (() => void) | undefined;
  #finished:
    | ((digests: { readonly sha256: string; readonly md5: string; readonly xxh64?: string }) => void)
    | undefined;
  #result: Digests | undefined;

  /**
   * @param worker hash in this worker thread (else inline).
   * @param onProgress bytes so far, after each chunk.
   * @param xxh64 also compute XXH64: inline, the loaded implementation ({@link loadXxh64}); with a
   *   worker, `true`.
   */
  constructor(
    worker: HashWorker | undefined,
    private readonly onProgress?: (bytes: number) => void,
    xxh64?: { create64(): Xxh64 } | true,
  ) {
    super();
    if (worker === undefined) {
      this.#sha256 = createHash('sha256');
      this.#md5 = createHash('md5');
      if (xxh64 === true)
        throw new FramewiseError('INTERNAL', 'DigestStream: inline XXH64 needs the loaded implementation', {
          details: {},
        });
      this.#xxh64 = xxh64?.create64();
      return;
    }
    this.#session = worker.open(
      {
        onAck: () => {
          const resume = this.#waiting;
          this.#waiting = undefined;
          resume?.();
        },
        onDone: (digests) => this.#finished?.(digests),
        onError: (error) => this.destroy(error),
      },
      xxh64 !== undefined,
    );
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    this.onProgress?.(this.bytes);
    if (this.#session === undefined) {
      this.#sha256?.update(chunk);
      this.#md5?.update(chunk);
      this.#xxh64?.update(chunk);
      callback(null, chunk);
      return;
    }
    // The ring holds a copy, so the chunk can go on now; the next one waits for room.
    this.push(chunk);
    const session = this.#session;
    let copied = 0;
    const copy = () => {
      copied += session.write(copied === 0 ? chunk : chunk.subarray(copied));
      if (copied === chunk.length) callback();
      else this.#waiting = copy;
    };
    copy();
  }

  override _flush(callback: TransformCallback): void {
    if (this.#session === undefined) {
      this.#result = {
        sha256: (this.#sha256 as Hash).digest('hex'),
        md5: (this.#md5 as Hash).digest('hex'),
        ...(this.#xxh64 === undefined ? {} : { xxh64: xxh64Hex(this.#xxh64.digest()) }),
        sizeBytes: this.bytes,
      };
      callback();
      return;
    }
    this.#finished = (digests) => {
      this.#result = { ...digests, sizeBytes: this.bytes };
      callback();
    };
    this.#session.end();
  }

  /** The digests, once the stream has ended. */
  get digests(): Digests {
    if (this.#result === undefined)
      throw new FramewiseError('INTERNAL', 'DigestStream: digests read before the stream ended', { details: {} });
    return this.#result;
  }
}
