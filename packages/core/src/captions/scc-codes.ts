import type { CaptionColor } from './model.js';

/** Add odd parity in bit 7 to a 7-bit value. */
export function withParity(b: number): number {
  let bits = b & 0x7f;
  let ones = 0;
  while (bits !== 0) {
    ones += bits & 1;
    bits >>= 1;
  }
  return ones % 2 === 0 ? (b & 0x7f) | 0x80 : b & 0x7f;
}

/** True when a byte has odd parity (the CEA-608 rule for every transmitted byte). */
export function hasOddParity(b: number): boolean {
  return withParity(b) === b;
}

/**
 * The CEA-608 basic character set where it differs from ASCII (0x20-0x7F); every other code in
 * that range is its ASCII character.
 */
export const BASIC_DIFFERENCES: Readonly<Record<number, string>> = {
  42: 'á',
  92: 'é',
  94: 'í',
  95: 'ó',
  96: 'ú',
  123: 'ç',
  124: '÷',
  125: 'Ñ',
  126: 'ñ',
  127: '█',
};

/** Special characters: second byte 0x30-0x3F after 0x11 (0x19 on channel 2). */
export const SPECIAL = [...'®°½¿™¢£♪à\u00a0èâêîôû'];

/** Extended characters after 0x12 (Spanish, French, misc), second byte 0x20-0x3F. */
export const EXTENDED_12 = [...'ÁÉÓÚÜü‘¡*’—©℠•“”ÀÂÇÈÊËëÎÏïÔÙùÛ«»'];
/** Extended characters after 0x13 (Portuguese, German, Danish), second byte 0x20-0x3F. */
export const EXTENDED_13 = [...'ÃãÍÌìÒòÕõ{}\\^_|~ÄäÖöß¥¤¦ÅåØø┌┐└┘'];

/** The standard character a decoder without extended characters shows instead (sent before it). */
export const EXTENDED_FALLBACK: Readonly<Record<string, string>> = {
  Á: 'A',
  É: 'E',
  Ó: 'O',
  Ú: 'U',
  Ü: 'U',
  ü: 'u',
  '‘': "'",
  '¡': '!',
  '*': "'",
  '’': "'",
  '—': '-',
  '©': 'c',
  '℠': 's',
  '•': '.',
  '“': '"',
  '”': '"',
  À: 'A',
  Â: 'A',
  Ç: 'C',
  È: 'E',
  Ê: 'E',
  Ë: 'E',
  ë: 'e',
  Î: 'I',
  Ï: 'I',
  ï: 'i',
  Ô: 'O',
  Ù: 'U',
  ù: 'u',
  Û: 'U',
  '«': '"',
  '»': '"',
  Ã: 'A',
  ã: 'a',
  Í: 'I',
  Ì: 'I',
  ì: 'i',
  Ò: 'O',
  ò: 'o',
  Õ: 'O',
  õ: 'o',
  '{': '(',
  '}': ')',
  '\\': '/',
  '^': "'",
  _: '-',
  '|': '!',
  '~': '-',
  Ä: 'A',
  ä: 'a',
  Ö: 'O',
  ö: 'o',
  ß: 's',
  '¥': 'Y',
  '¤': 'C',
  '¦': '!',
  Å: 'A',
  å: 'a',
  Ø: 'O',
  ø: 'o',
  '┌': '+',
  '┐': '+',
  '└': '+',
  '┘': '+',
};

/** PAC and mid-row colours, in code order (index 7 is "italics", which is white). */
export const CODE_COLORS: readonly CaptionColor[] = ['white', 'green', 'blue', 'cyan', 'red', 'yellow', 'magenta'];

/**
 * The row of a preamble address code: first byte (channel bit cleared) 0x10-0x17, and whether
 * the second byte is in 0x60-0x7F. Undefined for combinations that are not PACs.
 */
export function pacRow(b1: number, b2: number): number | undefined {
  const high = b2 >= 0x60;
  switch (b1) {
    case 0x11:
      return high ? 2 : 1;
    case 0x12:
      return high ? 4 : 3;
    case 0x15:
      return high ? 6 : 5;
    case 0x16:
      return high ? 8 : 7;
    case 0x17:
      return high ? 10 : 9;
    case 0x10:
      return high ? undefined : 11;
    case 0x13:
      return high ? 13 : 12;
    case 0x14:
      return high ? 15 : 14;
    default:
      return undefined;
  }
}

/** The first byte (channel 1, no parity) and the 0x40/0x60 base of the second for a row's PAC. */
export function pacBytes(row: number): [number, number] {
  const table: Record<number, [number, number]> = {
    1: [0x11, 0x40],
    2: [0x11, 0x60],
    3: [0x12, 0x40],
    4: [0x12, 0x60],
    5: [0x15, 0x40],
    6: [0x15, 0x60],
    7: [0x16, 0x40],
    8: [0x16, 0x60],
    9: [0x17, 0x40],
    10: [0x17, 0x60],
    11: [0x10, 0x40],
    12: [0x13, 0x40],
    13: [0x13, 0x60],
    14: [0x14, 0x40],
    15: [0x14, 0x60],
  };
  return table[row] as [number, number];
}

/** Miscellaneous control codes (second byte after 0x14 / 0x1C). */
export const MISC = {
  RCL: 0x20,
  BS: 0x21,
  DER: 0x24,
  RU2: 0x25,
  RU3: 0x26,
  RU4: 0x27,
  RDC: 0x29,
  EDM: 0x2c,
  CR: 0x2d,
  ENM: 0x2e,
  EOC: 0x2f,
} as const;
