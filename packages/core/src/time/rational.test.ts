import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFramewiseError } from '../errors/index.js';
import { compareRational, mulDivRound, rational, scaleNumber } from './rational.js';

describe('rational', () => {
  it('reduces to lowest terms with a positive denominator', () => {
    expect(rational(50, 2)).toEqual({ num: 25, den: 1 });
    expect(rational(3, -6)).toEqual({ num: -1, den: 2 });
    expect(rational(0, 5)).toEqual({ num: 0, den: 1 });
    expect(() => rational(1, 0)).toThrow(/non-zero denominator/);
  });

  it('compares exactly', () => {
    expect(compareRational({ num: 30000, den: 1001 }, { num: 2997, den: 100 })).toBe(1);
    expect(compareRational({ num: 1, den: 3 }, { num: 2, den: 6 })).toBe(0);
  });

  it('scales doubles exactly, rounding once', () => {
    expect(scaleNumber(0.5, 24, 1, 'exact', 'Seconds')).toBe(12);
    // 0.1 is stored as slightly more than 1/10, so 0.1 s × 30 fps is just over 3 frames.
    expect(scaleNumber(0.1, 30, 1, 'floor', 'Seconds')).toBe(3);
    expect(scaleNumber(0.1, 30, 1, 'ceil', 'Seconds')).toBe(4);
    expect(scaleNumber(1 / 3, 3, 1, 'nearest', 'Seconds')).toBe(1);
    expect(scaleNumber(-0.25, 2, 1, 'floor', 'Seconds')).toBe(-1);
    expect(scaleNumber(-0.25, 2, 1, 'trunc', 'Seconds')).toBe(0);
    expect(scaleNumber(5e-324, 1, 1, 'ceil', 'Seconds')).toBe(1);
    expect(() => scaleNumber(Number.NaN, 1, 1, 'floor', 'Seconds')).toThrow(/Seconds NaN/);
    expect(() => scaleNumber(0.1, 30, 1, 'exact', 'Seconds')).toThrow(/whole unit/);
    expect(() => scaleNumber(1e300, 30, 1, 'floor', 'Seconds')).toThrow(/out of range/);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.integer({ min: 1, max: 120_000 }), (v, mul) => {
        const floor = scaleNumber(v, mul, 1001, 'floor', 'v');
        const approx = (v * mul) / 1001;
        expect(Math.abs(floor - approx)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('rounds a*b/c in every mode, agreeing with BigInt arithmetic', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
        fc.integer({ min: 1, max: 2 ** 24 }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        (a, b, c) => {
          const p = BigInt(a) * BigInt(b);
          const bc = BigInt(c);
          const floor = p >= 0n ? p / bc : -((-p + bc - 1n) / bc);
          const rem = p - floor * bc;
          const expectSafe = (v: bigint, mode: 'floor' | 'ceil' | 'nearest' | 'trunc') => {
            if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) return;
            expect(mulDivRound(a, b, c, mode)).toBe(Number(v));
          };
          expectSafe(floor, 'floor');
          expectSafe(rem === 0n ? floor : floor + 1n, 'ceil');
          expectSafe(2n * rem >= bc ? floor + 1n : floor, 'nearest');
          expectSafe(p < 0n && rem !== 0n ? floor + 1n : floor, 'trunc');
          if (rem !== 0n) {
            try {
              mulDivRound(a, b, c, 'exact');
              expect.unreachable();
            } catch (e) {
              expect(isFramewiseError(e, 'INVALID_INPUT')).toBe(true);
            }
          }
        },
      ),
    );
  });

  it('rounds exact halves up', () => {
    expect(mulDivRound(1, 1, 2, 'nearest')).toBe(1);
    expect(mulDivRound(-1, 1, 2, 'nearest')).toBe(0);
    expect(mulDivRound(7, 1, 2, 'floor')).toBe(3);
    expect(mulDivRound(8, 1, 2, 'exact')).toBe(4);
  });
});
