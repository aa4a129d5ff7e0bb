import { randomBytes } from 'node:crypto';

let lastMs = -1;
let counter = 0;

/** Random bytes drawn 4 KiB at a time (one system call per 256 ids, not one per id). */
let pool: Buffer = Buffer.alloc(0);
let offset = 0;
function randomCopy(size: number): Buffer {
  if (offset + size > pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  const out = Buffer.from(pool.subarray(offset, offset + size));
  offset += size;
  return out;
}

/**
 * A new UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, a 12-bit counter, then random bits.
 * Ids made by one process sort in the order they were made, even within one millisecond (the
 * counter method of RFC 9562 §6.2), and index well in B-trees.
 */
export function newId(now: number = Date.now()): string {
  let ms = Math.max(Math.floor(now), 0);
  if (ms <= lastMs) {
    ms = lastMs;
    counter++;
    if (counter > 0xfff) {
      ms = ++lastMs;
      counter = 0;
    }
  } else {
    lastMs = ms;
    counter = randomCopy(2).readUInt16BE(0) & 0x3ff;
  }
  const bytes = randomCopy(16);
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
