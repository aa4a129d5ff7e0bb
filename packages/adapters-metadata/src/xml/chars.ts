import { FramewiseError } from '@framewise/core/errors';

/**
 * Index of the first character XML 1.0 cannot carry (C0 controls other than tab, LF and CR;
 * lone surrogates; U+FFFE and U+FFFF), or -1. Text and attribute values go through this before
 * they are written, so nothing is silently dropped or mangled.
 */
export function invalidXmlCharIndex(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0xd800) continue;
    if (c < 0x20) {
      if (c === 0x09 || c === 0x0a || c === 0x0d) continue;
      return i;
    }
    if (c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return i;
    }
    if (c <= 0xdfff) return i;
    if (c === 0xfffe || c === 0xffff) return i;
  }
  return -1;
}

/** Refuse a string XML 1.0 cannot carry, naming the field and the character. */
export function assertXmlText(text: string, field: string): void {
  const at = invalidXmlCharIndex(text);
  if (at < 0) return;
  const code = text.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0');
  throw new FramewiseError(
    'INVALID_INPUT',
    `${field} contains U+${code} at index ${at}, which an XML 1.0 document cannot carry; remove it before export`,
    { details: { field, index: at, codePoint: `U+${code}` } },
  );
}

/**
 * Walk a value and refuse every string in it that XML cannot carry; `path` names the root in the
 * error (`asset.titles[0].value`).
 */
export function assertXmlSafe(value: unknown, path: string): void {
  if (typeof value === 'string') {
    assertXmlText(value, path);
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) assertXmlSafe(value[i], `${path}[${i}]`);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) assertXmlSafe(v, `${path}.${key}`);
  }
}
