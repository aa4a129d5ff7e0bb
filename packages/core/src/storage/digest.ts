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
 * asks (xxhash-wasm, loaded from the path the parent resolved) — fed chunk by chunk, each chunk
 * acknowledged so the sender can bound what is in flight.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
let xx;
let xxError = 'not loaded';
const sessions = new Map();
const handle = (m) => {
  if (m.open && m.xxh64 && xx === undefined) {
    parentPort.postMessage({ id: m.id, failed: 'XXH64 could not be loaded in the hashing worker: ' + xxError });
    return;
  }
  if (m.open) {
    sessions.set(m.id, { sha256: createHash('sha256'), md5: createHash('md5'), xxh64: m.xxh64 ? xx.create64() : undefined });
    return;
  }
  const s = sessions.get(m.id);
  if (s === undefined) return;
  if (m.chunk !== undefined) {
    s.sha256.update(m.chunk);
    s.md5.update(m.chunk);
    if (s.xxh64 !== undefined) s.xxh64.update(m.chunk);
    parentPort.postMessage({ id: m.id, ack: m.chunk.byteLength });
  } else {
    sessions.delete(m.id);
    parentPort.postMessage({
      id: m.id,
      sha256: s.sha256.digest('hex'),
      md5: s.md5.digest('hex'),
      xxh64: s.xxh64 === undefined ? undefined : s.xxh64.digest().toString(16).padStart(16, '0'),
    });
  }
};
// Messages wait, in order, for the XXH64 module to compile.
let queue = Promise.resolve()
  .then(() => require(workerData.xxhash)())
  .then((api) => { xx = api; }, (e) => { xxError = String(e && e.message || e); });
parentPort.on('message', (m) => { queue = queue.then(() => handle(m)); });
`;

/** Where the worker loads xxhash-wasm from (its CommonJS build, resolved from this module). */
const XXHASH_PATH = createRequire(import.meta.url).resolve('xxhash-wasm');

/** Bytes sent to the worker and not yet hashed before the stream waits (bounds memory). */
const IN_FLIGHT = 4 * 1024 * 1024;

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
 * A worker thread that hashes for an {@link ObjectStorage}, so SHA-256 and MD5 of a large upload
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

  /** A new hashing session (SHA-256 and MD5, and XXH64 with `xxh64`). */
  open(session: HashSession, xxh64 = false): { readonly id: number; post(chunk: Buffer): void; end(): void } {
    const worker = this.#start();
    const id = this.#next++;
    this.#sessions.set(id, session);
    // A session waiting for the worker must keep the process alive.
    worker.ref();
    worker.postMessage({ id, open: true, xxh64 });
    return {
      id,
      // Posting copies the bytes (structured clone): the chunk itself goes on to the driver.
      post: (chunk) => worker.postMessage({ id, chunk }),
      end: () => worker.postMessage({ id }),
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
 * {@link HashWorker} for large transfers. With a worker, at most 4 MiB is in flight to it: the
 * stream waits (backpressure) rather than queueing more. Digests are ready once the stream has
 * ended ({@link DigestStream.digests}).
 */
export class DigestStream extends Transform {
  bytes = 0;
  #sha256: Hash | undefined;
  #md5: Hash | undefined;
  #xxh64: Xxh64 | undefined;
  #session: ReturnType<HashWorker['open']> | undefined;
  #inFlight = 0;
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
        onAck: (bytes) => {
          this.#inFlight -= bytes;
          if (this.#inFlight <= IN_FLIGHT && this.#waiting !== undefined) {
            const resume = this.#waiting;
            this.#waiting = undefined;
            resume();
          }
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
    this.#session.post(chunk);
    this.#inFlight += chunk.length;
    if (this.#inFlight <= IN_FLIGHT) callback(null, chunk);
    else
      this.#waiting = () => {
        callback(null, chunk);
      };
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
