import { FramewiseError } from '../errors/index.js';

const MAX_KEY_BYTES = 1024;

/**
 * Check and normalise an object key: `/`-separated segments, no empty, `.` or `..` segments, no
 * leading `/`, no backslash, no control characters, at most 1024 bytes of UTF-8. A leading `./`
 * is dropped. The same rules for every driver, so a key that escapes a filesystem root or means
 * something else on another store is refused before any driver sees it.
 *
 * @throws `INVALID_INPUT` naming the key and the rule.
 */
export function normalizeKey(key: string): string {
  const fail = (why: string): never => {
    throw new FramewiseError('INVALID_INPUT', `Object key ${JSON.stringify(String(key).slice(0, 120))} ${why}`, {
      details: { key: String(key).slice(0, 300) },
    });
  };
  if (typeof key !== 'string' || key.length === 0) return fail('is empty');
  const k = key.startsWith('./') ? key.slice(2) : key;
  if (Buffer.byteLength(k, 'utf8') > MAX_KEY_BYTES) fail(`is longer than ${MAX_KEY_BYTES} bytes`);
  if (k.startsWith('/')) fail('is absolute; keys are relative paths like "masters/a.mxf"');
  if (k.includes('\\')) fail('contains a backslash');
  for (let i = 0; i < k.length; i++) {
    const c = k.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) fail('contains control characters');
  }
  for (const segment of k.split('/')) {
    if (segment === '') fail('has an empty segment ("//" or a trailing "/")');
    if (segment === '.' || segment === '..') fail(`has a "${segment}" segment`);
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
