import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { FramewiseError } from '../errors/index.js';

/** What a verified read must match: any of SHA-256, MD5 and size. */
export interface ExpectedContent {
  readonly sha256?: string;
  readonly md5?: string;
  readonly sizeBytes?: number;
}

/**
 * Passes an object's bytes through while hashing them, holding back the latest chunk until the
 * next arrives: when the stream ends, the digests are compared before that last chunk is
 * released, so on a mismatch the stream fails with `INTEGRITY` and the consumer never receives
 * the last byte (and never sees a clean end). More bytes than `sizeBytes` fail at once.
 * Memory: one chunk held back.
 *
 * @internal
 */
export class VerifyingStream extends Transform {
  #bytes = 0;
  #held: Buffer | undefined;
  readonly #sha256: Hash | undefined;
  readonly #md5: Hash | undefined;

  /**
   * @param upstream a digest stream the bytes passed through first (hashing in a worker thread);
   *   without it, the digests asked for are computed inline.
   */
  constructor(
    private readonly key: string,
    private readonly storage: string,
    private readonly expected: ExpectedContent,
    private readonly upstream?: { readonly digests: { readonly sha256: string; readonly md5: string } },
  ) {
    super();
    const inline = upstream === undefined;
    this.#sha256 = inline && expected.sha256 !== undefined ? createHash('sha256') : undefined;
    this.#md5 = inline && expected.md5 !== undefined ? createHash('md5') : undefined;
  }

  #fail(what: string, actual: string | number): FramewiseError {
    return new FramewiseError(
      'INTEGRITY',
      `Object ${JSON.stringify(this.key)} in storage "${this.storage}" does not match the expected ${what}: read ${actual}`,
      { details: { key: this.key, storage: this.storage, expected: this.expected, actual: { [what]: actual } } },
    );
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#bytes += chunk.length;
    const size = this.expected.sizeBytes;
    if (size !== undefined && this.#bytes > size) {
      callback(this.#fail('sizeBytes', `more than ${size} bytes`));
      return;
    }
    this.#sha256?.update(chunk);
    this.#md5?.update(chunk);
    const previous = this.#held;
    this.#held = chunk;
    callback(null, previous);
  }

  override _flush(callback: TransformCallback): void {
    const e = this.expected;
    if (e.sizeBytes !== undefined && e.sizeBytes !== this.#bytes) {
      callback(this.#fail('sizeBytes', this.#bytes));
      return;
    }
    const upstream = this.upstream?.digests;
    const sha256 = upstream?.sha256 ?? this.#sha256?.digest('hex');
    if (e.sha256 !== undefined && sha256 !== e.sha256.toLowerCase()) {
      callback(this.#fail('sha256', sha256 as string));
      return;
    }
    const md5 = upstream?.md5 ?? this.#md5?.digest('hex');
    if (e.md5 !== undefined && md5 !== e.md5.toLowerCase()) {
      callback(this.#fail('md5', md5 as string));
      return;
    }
    callback(null, this.#held);
  }
}
