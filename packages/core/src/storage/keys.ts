import { randomBytes } from 'node:crypto';
import { FramewiseError } from '../errors/index.js';

const MAX_KEY_BYTES = 1024;
/** Longest segment: 255 bytes, the name limit of common filesystems (ext4, XFS, APFS, NTFS in UTF-16 units). */
export const MAX_KEY_SEGMENT_BYTES = 255;
/** Suffix of temporary objects (staged uploads, fs temp files): reserved, refused in keys. */
export const PARTIAL_SUFFIX = '.partial';

/** C0 and C1 controls, DEL, and the bidirectional formatting characters (LRM, RLM, ALM, embeddings, overrides, isolates), and line/paragraph separators. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find them
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/u;

/**
 * Check and normalise an object key: Unicode NFC (so `é` typed precomposed or decomposed is one
 * key), `/`-separated segments, no empty, `.` or `..` segments, no leading `/`, no backslash, no
 * control or bidirectional-formatting characters (an override can make `evil‮4pm.mxf` read as
 * another name), no unpaired surrogates, segments of at most 255 bytes, no segment ending in the
 * reserved `.partial`, at most 1024 bytes of UTF-8 in all. A leading `./` is dropped. The same
 * rules for every driver, so a key that escapes a filesystem root or means something else on
 * another store is refused before any driver sees it.
 *
 * @throws `INVALID_INPUT` naming the key and the rule (`details.rule`).
 */
export function normalizeKey(key: string): string {
  const fail = (rule: string, why: string): never => {
    throw new FramewiseError('INVALID_INPUT', `Object key ${JSON.stringify(String(key).slice(0, 120))} ${why}`, {
      details: { key: String(key).slice(0, 300), rule },
    });
  };
  if (typeof key !== 'string' || key.length === 0) return fail('empty', 'is empty');
  if (Buffer.from(key, 'utf8').toString('utf8') !== key) fail('encoding', 'contains an unpaired UTF-16 surrogate');
  const n = key.normalize('NFC');
  const k = n.startsWith('./') ? n.slice(2) : n;
  if (Buffer.byteLength(k, 'utf8') > MAX_KEY_BYTES) fail('length', `is longer than ${MAX_KEY_BYTES} bytes`);
  if (k.startsWith('/')) fail('absolute', 'is absolute; keys are relative paths like "masters/a.mxf"');
  if (k.includes('\\')) fail('backslash', 'contains a backslash');
  if (FORBIDDEN.test(k)) fail('characters', 'contains control or bidirectional-formatting characters');
  for (const segment of k.split('/')) {
    if (segment === '') fail('empty-segment', 'has an empty segment ("//" or a trailing "/")');
    if (segment === '.' || segment === '..') fail('dot-segment', `has a "${segment}" segment`);
    if (Buffer.byteLength(segment, 'utf8') > MAX_KEY_SEGMENT_BYTES)
      fail('segment-length', `has a segment longer than ${MAX_KEY_SEGMENT_BYTES} bytes`);
    if (segment.endsWith(PARTIAL_SUFFIX))
      fail('reserved-suffix', `has a segment ending in "${PARTIAL_SUFFIX}", which is reserved for temporary objects`);
  }
  return k;
}

/** Check a key prefix for listing: like a key, but may be empty or end with `/`. */
export function normalizePrefix(prefix: string): string {
  if (prefix === '') return '';
  const trailing = prefix.endsWith('/');
  const key = normalizeKey(trailing ? prefix.slice(0, -1) : prefix);
  return trailing ? `${key}/` : key;
}

/**
 * A fresh temporary key beside `key` (same "directory"), ending in the reserved `.partial` so no
 * user key can collide with it and listings can skip it.
 *
 * @internal
 */
export function stagingKey(key: string): string {
  const slash = key.lastIndexOf('/');
  return `${key.slice(0, slash + 1)}.fw-${randomBytes(8).toString('hex')}${PARTIAL_SUFFIX}`;
}
