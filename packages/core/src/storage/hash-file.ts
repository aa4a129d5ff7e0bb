import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { loadXxh64, xxh64Hex } from './digest.js';

/** Digests of one file, computed in a single streaming read. */
export interface FileDigests {
  readonly sha256: string;
  readonly md5: string;
  /** XXH64 (hex, seed 0), when asked for. */
  readonly xxh64?: string;
  readonly sizeBytes: number;
}

/**
 * SHA-256 and MD5 of a file — and XXH64 with `xxh64` — in one pass over a stream (memory: one read
 * buffer).
 */
export async function hashFile(
  path: string,
  signal?: AbortSignal,
  options: { readonly xxh64?: boolean } = {},
): Promise<FileDigests> {
  const sha256 = createHash('sha256');
  const md5 = createHash('md5');
  const xxh64 = options.xxh64 === true ? (await loadXxh64()).create64() : undefined;
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024, ...(signal ? { signal } : {}) })) {
    sha256.update(chunk as Buffer);
    md5.update(chunk as Buffer);
    xxh64?.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return {
    sha256: sha256.digest('hex'),
    md5: md5.digest('hex'),
    ...(xxh64 === undefined ? {} : { xxh64: xxh64Hex(xxh64.digest()) }),
    sizeBytes: size,
  };
}
