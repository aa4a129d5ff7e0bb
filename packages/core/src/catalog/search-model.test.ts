import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareCodePoints, tokenize } from './search-model.js';

describe('compareCodePoints', () => {
  it('orders by code point, as PostgreSQL COLLATE "C" does on UTF-8', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        const bytes = Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
        expect(Math.sign(compareCodePoints(a, b))).toBe(
          a === b ? 0 : Math.sign(bytes) || Math.sign(compareCodePoints(a, b)),
        );
      }),
    );
    // U+1F600 (a surrogate pair) sorts after U+FF5E in code point order, before it in UTF-16 order.
    expect(compareCodePoints('\u{1F600}', '\uFF5E')).toBeGreaterThan(0);
    expect(compareCodePoints('a', 'ab')).toBeLessThan(0);
  }, 60_000); // 100 binary-string pairs; slow only on a loaded machine
});

describe('tokenize', () => {
  it('splits into distinct lower-cased words across scripts', () => {
    expect(tokenize('The River, the NIGHT — Ça va? river')).toEqual(['the', 'river', 'night', 'ça', 'va']);
  });

  it('indexes Chinese and Japanese runs as characters and pairs, and queries them by pairs', () => {
    expect(tokenize('東京の物語')).toEqual(['東', '京', 'の', '物', '語', '東京', '京の', 'の物', '物語']);
    expect(tokenize('東京', 'query')).toEqual(['東京']);
    expect(tokenize('東', 'query')).toEqual(['東']);
    expect(tokenize('Tokyo2020東京オリンピック', 'query')).toEqual([
      'tokyo2020',
      '東京',
      '京オ',
      'オリ',
      'リン',
      'ンピ',
      'ピッ',
      'ック',
    ]);
  });

  it('finds a query in a text whenever the query is a substring of a CJK run (naive oracle)', () => {
    const cjk = fc.string({
      unit: fc.constantFrom(...'東京都の物語映画日本語カタナひらが'),
      minLength: 1,
      maxLength: 12,
    });
    fc.assert(
      fc.property(cjk, fc.nat(), fc.nat(), (text, a, b) => {
        const from = a % text.length;
        const to = from + 1 + (b % (text.length - from));
        const query = text.slice(from, to);
        const index = new Set(tokenize(text));
        expect(tokenize(query, 'query').every((t) => index.has(t))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
