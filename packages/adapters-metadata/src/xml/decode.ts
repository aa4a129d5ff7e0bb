import { FramewiseError } from '@framewise/core/errors';

/** The character encodings the reader decodes from bytes. */
export type XmlByteEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

/** Bytes decoded to text, with the encoding they were read in. */
export interface DecodedXml {
  readonly text: string;
  readonly encoding: XmlByteEncoding;
}

/**
 * Decode the bytes of an XML document (XML 1.0 appendix F): a UTF-16 byte-order mark, or the
 * first characters `<?` in UTF-16 without one, selects UTF-16 (little- or big-endian); anything
 * else is UTF-8 (a UTF-8 byte-order mark is dropped). Decoding is strict: invalid sequences and
 * unpaired surrogates are errors, never replacement characters. UTF-32 and EBCDIC are refused.
 *
 * @throws `INVALID_INPUT` for bytes that are not valid in the detected encoding; `UNSUPPORTED`
 * for UTF-32.
 */
export function decodeXmlBytes(bytes: Uint8Array, source: string): DecodedXml {
  const [b0, b1, b2, b3] = bytes;
  if ((b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) || (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0)) {
    throw new FramewiseError('UNSUPPORTED', `${source} is UTF-32; Framewise reads UTF-8 and UTF-16 XML`, {
      details: { source },
    });
  }
  let encoding: XmlByteEncoding = 'utf-8';
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0x3c && b1 === 0 && b2 === 0x3f && b3 === 0)) encoding = 'utf-16le';
  else if ((b0 === 0xfe && b1 === 0xff) || (b0 === 0 && b1 === 0x3c && b2 === 0 && b3 === 0x3f)) encoding = 'utf-16be';
  if (encoding !== 'utf-8' && bytes.length % 2 !== 0) {
    throw new FramewiseError('INVALID_INPUT', `${source} is not valid ${encodingName(encoding)}: odd number of bytes`, {
      details: { source, encoding },
    });
  }
  try {
    // The decoder drops the byte-order mark of its own encoding.
    return { text: new TextDecoder(encoding, { fatal: true }).decode(bytes), encoding };
  } catch (cause) {
    throw new FramewiseError('INVALID_INPUT', `${source} is not valid ${encodingName(encoding)}`, {
      cause,
      details: { source, encoding },
    });
  }
}

/**
 * Whether an encoding declaration names the encoding the bytes were read in. UTF-8 documents may
 * declare UTF-8 or US-ASCII (a subset); UTF-16 documents UTF-16 or the byte order they use.
 */
export function declarationMatches(declared: string, encoding: XmlByteEncoding): boolean {
  const name = declared.toLowerCase();
  if (encoding === 'utf-8') return name === 'utf-8' || name === 'utf8' || name === 'us-ascii' || name === 'ascii';
  return name === 'utf-16' || name === encoding;
}

/** The encoding's name as documents spell it. */
export function encodingName(encoding: XmlByteEncoding): string {
  return encoding === 'utf-8' ? 'UTF-8' : encoding === 'utf-16le' ? 'UTF-16 (little-endian)' : 'UTF-16 (big-endian)';
}
