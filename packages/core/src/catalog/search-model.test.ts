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
  });
});

describe('tokenize', () => {
  it('splits into distinct lower-cased words across scripts', () => {
    expect(tokenize('The River, the NIGHT — Ça va? 東京 river')).toEqual(['the', 'river', 'night', 'ça', 'va', '東京']);
  });
});
