import { describeInput, FramewiseError } from '../errors/index.js';

/**
 * An exact rational number `num / den` with `den > 0`, as used for frame rates, frame durations
 * and exact seconds. Values produced by Framewise are always in lowest terms.
 */
export interface Rational {
  readonly num: number;
  readonly den: number;
}

/**
 * How a value that falls between two integers becomes an integer.
 *
 * - `floor`: towards negative infinity.
 * - `ceil`: towards positive infinity.
 * - `nearest`: to the nearest integer; an exact half goes up (towards positive infinity), so
 *   converting the shared boundary of two adjacent ranges always gives the same frame.
 * - `trunc`: towards zero.
 * - `exact`: no rounding allowed: a value that is not an integer is an `INVALID_INPUT` error.
 */
export type Rounding = 'floor' | 'ceil' | 'nearest' | 'trunc' | 'exact';

const ROUNDINGS: ReadonlySet<string> = new Set(['floor', 'ceil', 'nearest', 'trunc', 'exact']);

/** Throws `INVALID_INPUT` unless `rounding` is one of the {@link Rounding} modes. */
export function assertRounding(rounding: unknown): asserts rounding is Rounding {
  if (typeof rounding !== 'string' || !ROUNDINGS.has(rounding)) {
    throw new FramewiseError(
      'INVALID_INPUT',
      `Rounding ${describeInput(rounding)} is not one of floor, ceil, nearest, trunc, exact`,
      { details: { rounding } },
    );
  }
}

function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y !== 0) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}

/**
 * Build a {@link Rational} in lowest terms. Both parts must be safe integers and `den` non-zero;
 * the sign is carried by `num`.
 *
 * @example
 * ```ts
 * rational(30000, 1001); // { num: 30000, den: 1001 }
 * rational(50, 2);       // { num: 25, den: 1 }
 * ```
 */
export function rational(num: number, den = 1): Rational {
  if (!Number.isSafeInteger(num) || !Number.isSafeInteger(den) || den === 0) {
    throw new FramewiseError(
      'INVALID_INPUT',
      `Rational ${describeInput(num)}/${describeInput(den)} needs safe integers and a non-zero denominator`,
      { details: { num, den } },
    );
  }
  const g = gcd(num, den) || 1;
  const sign = den < 0 ? -1 : 1;
  return { num: (sign * num) / g || 0, den: (sign * den) / g };
}

/** The nearest double to an exact {@link Rational}. */
export function rationalToNumber(value: Rational): number {
  return value.num / value.den;
}

/** Compare two rationals exactly: negative, zero or positive like `Array.prototype.sort`. */
export function compareRational(a: Rational, b: Rational): number {
  const left = BigInt(a.num) * BigInt(b.den);
  const right = BigInt(b.num) * BigInt(a.den);
  return left < right ? -1 : left > right ? 1 : 0;
}

function decompose(value: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n === 1n ? -1n : 1n;
  const exponentBits = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0xf_ffff_ffff_ffffn;
  if (exponentBits === 0) return { mantissa: sign * fraction, exponent: -1074 };
  return { mantissa: sign * (fraction | (1n << 52n)), exponent: exponentBits - 1075 };
}

function roundBig(p: bigint, d: bigint, rounding: Rounding): { value: bigint; exact: boolean } {
  let q = p / d;
  let r = p % d;
  if (r < 0n) {
    q -= 1n;
    r += d;
  }
  const up = rounding === 'ceil' || (rounding === 'trunc' && p < 0n) || (rounding === 'nearest' && 2n * r >= d);
  return { value: r !== 0n && up ? q + 1n : q, exact: r === 0n };
}

/**
 * `value * mul / div` rounded to an integer, where `value` is any finite double taken as the exact
 * binary fraction it stores: a double is rounded once, here, with the caller's mode, and never
 * passes through a lossy intermediate.
 *
 * @throws `INVALID_INPUT` naming `what` for a non-finite value, a result beyond the safe integer
 * range, or an inexact result with rounding `exact`.
 */
export function scaleNumber(value: number, mul: number, div: number, rounding: Rounding, what: string): number {
  if (!Number.isFinite(value)) {
    throw new FramewiseError('INVALID_INPUT', `${what} ${describeInput(value)} is not a finite number`, {
      details: { value },
    });
  }
  if (Number.isSafeInteger(value)) return mulDivRound(value, mul, div, rounding);
  const { mantissa, exponent } = decompose(value);
  const p = exponent >= 0 ? mantissa * BigInt(mul) * (1n << BigInt(exponent)) : mantissa * BigInt(mul);
  const d = exponent >= 0 ? BigInt(div) : BigInt(div) * (1n << BigInt(-exponent));
  const { value: result, exact } = roundBig(p, d, rounding);
  if (rounding === 'exact' && !exact) {
    throw new FramewiseError(
      'INVALID_INPUT',
      `${what} ${value} does not fall on a whole unit and rounding is "exact"`,
      {
        details: { value, rounding },
      },
    );
  }
  const n = Number(result);
  if (!Number.isSafeInteger(n)) {
    throw new FramewiseError('INVALID_INPUT', `${what} ${describeInput(value)} is out of range`, {
      details: { value },
    });
  }
  return n;
}

function roundQuotient(q: number, r: number, c: number, rounding: Rounding, negative: boolean): number {
  // Invariant: value = q + r / c with 0 <= r < c.
  if (r === 0) return q;
  switch (rounding) {
    case 'floor':
      return q;
    case 'ceil':
      return q + 1;
    case 'nearest':
      return 2 * r >= c ? q + 1 : q;
    case 'trunc':
      return negative ? q + 1 : q;
    default:
      return Number.NaN;
  }
}

/**
 * `a * b / c` rounded to an integer with the given mode, computed exactly: a fast path in doubles
 * while the product stays a safe integer, BigInt beyond that. `c` must be positive.
 *
 * @throws `INVALID_INPUT` with rounding `exact` when the quotient is not an integer, and when the
 * result is not a safe integer.
 */
export function mulDivRound(a: number, b: number, c: number, rounding: Rounding): number {
  const product = a * b;
  let result: number;
  if (Number.isSafeInteger(product)) {
    let q = Math.floor(product / c);
    let r = product - q * c;
    if (r < 0) {
      q -= 1;
      r += c;
    } else if (r >= c) {
      q += 1;
      r -= c;
    }
    result = roundQuotient(q, r, c, rounding, product < 0);
  } else {
    const { value, exact } = roundBig(BigInt(a) * BigInt(b), BigInt(c), rounding);
    result = !exact && rounding === 'exact' ? Number.NaN : Number(value);
    if (!Number.isNaN(result) && !Number.isSafeInteger(result)) {
      throw new FramewiseError('INVALID_INPUT', `Result of ${a} × ${b} / ${c} is beyond the safe integer range`, {
        details: { a, b, c },
      });
    }
  }
  if (Number.isNaN(result)) {
    throw new FramewiseError(
      'INVALID_INPUT',
      `${a} × ${b} / ${c} is not a whole number and rounding is "exact"; pass floor, ceil, nearest or trunc`,
      { details: { a, b, c, rounding } },
    );
  }
  return result;
}
