import { describeInput, FramewiseError } from '../errors/index.js';
import { FrameRate, type FrameRateInput } from './frame-rate.js';
import { mulDivRound, type Rational, type Rounding, rational } from './rational.js';

const CLOCK_PATTERN = /^(\d{2,}):(\d{2}):(\d{2})(?:\.(\d{1,9})|:(\d{2,3})(?:\.(\d{1,3}))?)?$/;

/** Options for {@link parseClockTime}. */
export interface ClockTimeOptions {
  /**
   * The effective frame rate that frame fields count at (TTML `ttp:frameRate` ×
   * `ttp:frameRateMultiplier`). Required when the value has a frames field.
   */
  readonly rate?: FrameRateInput;
  /** Sub-frames per frame (TTML `ttp:subFrameRate`), default 1. */
  readonly subFrameRate?: number;
}

/**
 * Read a media clock time — `HH:MM:SS`, `HH:MM:SS.fraction` or `HH:MM:SS:FF[.sub]` — into exact
 * seconds, the way TTML reads clock times with `ttp:timeBase="media"`: hours, minutes and seconds
 * are real seconds and only the frames field counts at the (possibly 1000/1001) frame rate.
 *
 * This is not SMPTE timecode. At 29.97 fps, the clock time `01:00:00:00` is exactly 3600 s, while
 * the non-drop timecode label `01:00:00:00` is 3603.6 s. Mixing the two up shifts captions by
 * 3.6 s per hour; use {@link Timecode} for SMPTE labels.
 *
 * @throws `INVALID_INPUT` naming the value when it is malformed, a field is out of range, or a
 * frames field is given without a rate.
 *
 * @example
 * ```ts
 * parseClockTime('01:00:00:15', { rate: '29.97' }); // 3600 + 15 × 1001/30000 s
 * parseClockTime('00:00:01.500');                    // { num: 3, den: 2 }
 * ```
 */
export function parseClockTime(value: string, options: ClockTimeOptions = {}): Rational {
  const match = typeof value === 'string' ? CLOCK_PATTERN.exec(value.trim()) : null;
  const fail = (why: string): never => {
    throw new FramewiseError('INVALID_INPUT', `Clock time ${describeInput(value)} ${why}`, { details: { value } });
  };
  if (match === null) return fail('is not written as HH:MM:SS, HH:MM:SS.fraction or HH:MM:SS:FF');
  const [, h = '0', m = '0', s = '0', fraction, frameField, subField] = match;
  const minutes = Number(m);
  const seconds = Number(s);
  if (minutes > 59 || seconds > 59) fail('has minutes or seconds above 59');
  const whole = Number(h) * 3600 + minutes * 60 + seconds;
  if (!Number.isSafeInteger(whole)) fail('is too large');
  if (fraction !== undefined) {
    const scale = 10 ** fraction.length;
    return rational(whole * scale + Number(fraction), scale);
  }
  if (frameField === undefined) return { num: whole, den: 1 };
  if (options.rate === undefined) return fail('has a frames field but no frame rate was given');
  const rate = FrameRate.parse(options.rate);
  const frames = Number(frameField);
  if (frames >= Math.ceil(rate.num / rate.den)) fail(`has frames at or above the frame rate ${rate.toString()}`);
  const subRate = options.subFrameRate ?? 1;
  if (!Number.isSafeInteger(subRate) || subRate <= 0) fail('was given a sub-frame rate that is not a positive integer');
  const sub = subField === undefined ? 0 : Number(subField);
  if (sub >= subRate) fail(`has sub-frames at or above the sub-frame rate ${subRate}`);
  // whole + (frames + sub / subRate) × den / num
  return rational(whole * rate.num * subRate + (frames * subRate + sub) * rate.den, rate.num * subRate);
}

/**
 * Write exact seconds as a media clock time `HH:MM:SS:FF` at a frame rate (TTML
 * `timeBase="media"` semantics: see {@link parseClockTime}), rounding the frames field with the
 * given mode. Without a rate, writes `HH:MM:SS.mmm` with milliseconds rounded.
 */
export function formatClockTime(seconds: Rational, rounding: Rounding, rate?: FrameRateInput): string {
  const s = rational(seconds.num, seconds.den);
  if (s.num < 0) {
    throw new FramewiseError('INVALID_INPUT', `Clock time ${s.num}/${s.den} s is negative`, { details: { seconds } });
  }
  const pad = (n: number) => String(n).padStart(2, '0');
  if (rate === undefined) {
    const ms = mulDivRound(s.num, 1000, s.den, rounding);
    const whole = Math.floor(ms / 1000);
    return `${pad(Math.floor(whole / 3600))}:${pad(Math.floor(whole / 60) % 60)}:${pad(whole % 60)}.${String(ms % 1000).padStart(3, '0')}`;
  }
  const r = FrameRate.parse(rate);
  const base = Math.ceil(r.num / r.den);
  let whole = Math.floor(s.num / s.den);
  // frames within the second: (s - whole) × rate
  let frames = mulDivRound(s.num - whole * s.den, r.num, s.den * r.den, rounding);
  if (frames >= base) {
    whole += 1;
    frames = 0;
  }
  return `${pad(Math.floor(whole / 3600))}:${pad(Math.floor(whole / 60) % 60)}:${pad(whole % 60)}:${pad(frames)}`;
}
