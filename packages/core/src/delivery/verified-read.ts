import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { FramewiseError } from '../errors/index.js';
import type { ExpectedContent } from '../storage/index.js';

/** What a delivered file must be: the catalog's SHA-256 (and size, when known). */
export type ExpectedDelivery = ExpectedContent & { readonly sha256: string };

/**
 * A stream of a stored file from byte `start`, verified against the catalog's digest while it
 * streams: the whole file is read (from byte 0, the bytes before `start` hashed and dropped), and
 * the last chunk is held back until the digest (and size) match — a file whose bytes rotted in
 * storage fails with `INTEGRITY` before the consumer gets its last byte, so no endpoint ever holds
 * it complete. Memory: one chunk of the source.
 *
 * @param open - Opens the stored file from byte 0.
 * @param what - Names the file in the error (`"main" of lt-101`).
 */
export function verifiedRead(
  open: () => Promise<Readable>,
  expected: ExpectedDelivery,
  start: number,
  what: string,
): Promise<Readable> {
  return open().then((source) => {
    async function* verified(): AsyncGenerator<Buffer> {
      const hash = createHash('sha256');
      let position = 0;
      let held: Buffer | undefined;
      try {
        for await (const raw of source) {
          const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw as Uint8Array);
          hash.update(chunk);
          const end = position + chunk.length;
          if (end > start) {
            if (held !== undefined) yield held;
            held = position >= start ? chunk : chunk.subarray(start - position);
          }
          position = end;
        }
        const digest = hash.digest('hex');
        const sizeOk = expected.sizeBytes === undefined || expected.sizeBytes === position;
        if (digest !== expected.sha256.toLowerCase() || !sizeOk)
          throw new FramewiseError(
            'INTEGRITY',
            `${what} does not match its catalog digest: SHA-256 ${digest} over ${position} bytes, expected ${expected.sha256}${expected.sizeBytes === undefined ? '' : ` over ${expected.sizeBytes}`}; it is not delivered`,
            { details: { expected: expected.sha256, actual: digest, sizeBytes: position } },
          );
        if (held !== undefined) yield held;
      } finally {
        source.destroy();
      }
    }
    return Readable.from(verified(), { objectMode: false });
  });
}
