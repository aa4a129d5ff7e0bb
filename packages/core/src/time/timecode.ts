import { describeInput, FramewiseError } from '../errors/index.js';
import { FrameRate, type FrameRateInput } from './frame-rate.js';
import { mulDivRound, type Rational, type Rounding, rational, scaleNumber } from './rational.js';
import { fieldsOf, formatLabel, type LabelReading, readLabel, type TimecodeFields } from './timecode-label.js';

/**
 * What to do when arithmetic leaves the 24-hour timecode day: `'error'` (the default) throws
 * `INVALID_INPUT`; `'wrap'` continues on the next or previous day, as a clock does, using the
 * day length of the rate (drop-frame days have fewer frames).
 */
export type DayOverflow = 'error' | 'wrap';

/** Options for operations that may leave the 24-hour day. */
export interface TimecodeOptions {
  /** What happens past 23:59:59:FF or before 00:00:00:00. Default `'error'`. */
  readonly overflow?: DayOverflow;
}

/** The JSON form of a {@link Timecode}. */
export interface TimecodeJson {
  /** The label, e.g. `"01:00:00;00"`. */
  readonly timecode: string;
  /** The frame rate as {@link FrameRate.toString} writes it, e.g. `"29.97df"`. */
  readonly rate: string;
}

const reading: LabelReading = { frames: 0, problem: undefined, dropSeparator: false };

/**
 * A SMPTE ST 12-1 timecode: a frame position within a 24-hour day at an exact frame rate. It is
 * stored as an integer frame count, so arithmetic is exact and labels are computed, never
 * accumulated.
 *
 * Seconds and samples conversions give the real elapsed time since 00:00:00:00: at 29.97 NDF the
 * label 01:00:00:00 is 108 000 frames, 3603.6 seconds; at 29.97 DF, 01:00:00;00 is 107 892 frames,
 * 3599.9964 seconds.
 *
 * @example
 * ```ts
 * const rate = FrameRate.parse('29.97df');
 * const tc = Timecode.parse('00:09:59;29', rate);
 * tc.add(1).toString();        // '00:10:00;00'
 * Timecode.fromFrames(17982, rate).toString(); // '00:10:00;00'
 * tc.toSamples(48000, 'nearest');              // audio sample position at 48 kHz
 * ```
 */
export class Timecode {
  /** Frames since 00:00:00:00 at {@link Timecode.rate}: `0 <= frames < rate.framesPerDay`. */
  readonly frames: number;
  /** The frame rate the label is counted at. */
  readonly rate: FrameRate;

  private constructor(frames: number, rate: FrameRate) {
    this.frames = frames;
    this.rate = rate;
  }

  /**
   * The timecode of a frame count since 00:00:00:00.
   *
   * @throws `INVALID_INPUT` for a negative or fractional count, or one past the day unless
   * `overflow: 'wrap'`; `UNSUPPORTED` for a rate without SMPTE timecode.
   */
  static fromFrames(frames: number, rate: FrameRateInput, options?: TimecodeOptions): Timecode {
    const r = rate instanceof FrameRate ? rate : FrameRate.parse(rate);
    return new Timecode(checkFrames(frames, r, options?.overflow ?? 'error'), r);
  }

  /** 00:00:00:00 at a rate. */
  static zero(rate: FrameRateInput): Timecode {
    return Timecode.fromFrames(0, rate);
  }

  /**
   * Read a label such as `'01:00:00:00'` or `'01:00:00;00'` at a rate. At a drop-frame rate both
   * `:` and `;` (also `.` or `,`) are accepted before the frames; at a non-drop rate a drop-frame
   * separator is an error, because the label was written for another rate.
   *
   * @throws `INVALID_INPUT` naming the label: malformed, a field out of range (frames at or above
   * the nominal rate), a label that does not exist in drop-frame (such as 00:01:00;00), or a
   * drop-frame label at a non-drop rate.
   */
  static parse(label: string, rate: FrameRateInput): Timecode {
    const r = rate instanceof FrameRate ? rate : FrameRate.parse(rate);
    const base = r.requireTimecodeBase();
    if (typeof label !== 'string') {
      throw new FramewiseError('INVALID_INPUT', `Timecode ${describeInput(label)} is not a string`, {
        details: { label },
      });
    }
    const read = readLabel(label, base, r.dropFramesPerMinute, reading);
    if (read.problem === undefined) return new Timecode(read.frames, r);
    if (read.problem === 'syntax' && label.trim() !== label) return Timecode.parse(label.trim(), r);
    throw labelError(label, r, read);
  }

  /**
   * The timecode at an exact or approximate number of seconds since 00:00:00:00. A number is
   * taken as the exact double it is, then rounded once to a frame with `rounding`.
   */
  static fromSeconds(
    seconds: number | Rational,
    rate: FrameRateInput,
    rounding: Rounding,
    options: TimecodeOptions = {},
  ): Timecode {
    const r = FrameRate.parse(rate);
    let frames: number;
    if (typeof seconds === 'number') {
      frames = scaleNumber(seconds, r.num, r.den, rounding, 'Seconds');
    } else {
      // frames = seconds × rate = (s.num / s.den) × (num / den)
      const s = rational(seconds.num, seconds.den);
      frames = mulDivRound(s.num, r.num, s.den * r.den, rounding);
    }
    return Timecode.fromFrames(frames, r, options);
  }

  /** The timecode at an audio sample position (e.g. 48 000 samples per second). */
  static fromSamples(
    samples: number,
    sampleRate: number,
    rate: FrameRateInput,
    rounding: Rounding,
    options: TimecodeOptions = {},
  ): Timecode {
    const r = FrameRate.parse(rate);
    checkSampleRate(sampleRate);
    if (!Number.isSafeInteger(samples)) {
      throw new FramewiseError('INVALID_INPUT', `Sample position ${describeInput(samples)} is not an integer`, {
        details: { samples },
      });
    }
    return Timecode.fromFrames(mulDivRound(samples, r.num, sampleRate * r.den, rounding), r, options);
  }

  /** The label fields (hours, minutes, seconds, frames). */
  get fields(): TimecodeFields {
    return fieldsOf(this.frames, this.rate.requireTimecodeBase(), this.rate.dropFramesPerMinute);
  }

  /** `HH:MM:SS:FF`, or `HH:MM:SS;FF` at drop-frame rates (three frame digits above 100 fps). */
  toString(): string {
    return formatLabel(this.frames, this.rate.requireTimecodeBase(), this.rate.dropFramesPerMinute);
  }

  /** The JSON form: `{ timecode, rate }`. */
  toJSON(): TimecodeJson {
    return { timecode: this.toString(), rate: this.rate.toString() };
  }

  /**
   * This timecode moved by a number of frames, or by the frame count of another timecode at the
   * same rate (a duration written as a label).
   */
  add(delta: number | Timecode, options: TimecodeOptions = {}): Timecode {
    const frames = this.frames + this.deltaFrames(delta, 'add');
    return new Timecode(checkFrames(frames, this.rate, options.overflow ?? 'error'), this.rate);
  }

  /** This timecode moved back by a number of frames or by another timecode's frame count. */
  subtract(delta: number | Timecode, options: TimecodeOptions = {}): Timecode {
    const frames = this.frames - this.deltaFrames(delta, 'subtract');
    return new Timecode(checkFrames(frames, this.rate, options.overflow ?? 'error'), this.rate);
  }

  /** Signed number of frames from `other` to this timecode (`this - other`); both at the same rate. */
  framesSince(other: Timecode): number {
    this.assertSameRate(other, 'compare');
    return this.frames - other.frames;
  }

  /** Negative, zero or positive as this timecode is before, equal to or after `other`. */
  compare(other: Timecode): number {
    this.assertSameRate(other, 'compare');
    return this.frames < other.frames ? -1 : this.frames > other.frames ? 1 : 0;
  }

  /** Same frame at the same rate. */
  equals(other: Timecode): boolean {
    return this.frames === other.frames && this.rate.equals(other.rate);
  }

  /** Exact elapsed seconds since 00:00:00:00. */
  toSeconds(): Rational {
    return rational(this.frames * this.rate.den, this.rate.num);
  }

  /** Elapsed seconds as a double (display only: may not be exact). */
  toSecondsNumber(): number {
    return (this.frames * this.rate.den) / this.rate.num;
  }

  /** Elapsed whole milliseconds, rounded with the given mode. */
  toMilliseconds(rounding: Rounding): number {
    return mulDivRound(this.frames, this.rate.den * 1000, this.rate.num, rounding);
  }

  /** The audio sample position of this frame at a sample rate, rounded with the given mode. */
  toSamples(sampleRate: number, rounding: Rounding): number {
    checkSampleRate(sampleRate);
    return mulDivRound(this.frames, this.rate.den * sampleRate, this.rate.num, rounding);
  }

  /**
   * The timecode at another rate for the same elapsed time since 00:00:00:00, rounded with the
   * given mode. Between drop-frame and non-drop of one cadence this keeps the frame and changes
   * the label.
   */
  toRate(rate: FrameRateInput, rounding: Rounding, options: TimecodeOptions = {}): Timecode {
    const target = FrameRate.parse(rate);
    const frames = mulDivRound(this.frames, target.num * this.rate.den, this.rate.num * target.den, rounding);
    return Timecode.fromFrames(frames, target, options);
  }

  private deltaFrames(delta: number | Timecode, verb: string): number {
    if (typeof delta === 'number') {
      if (!Number.isSafeInteger(delta)) {
        throw new FramewiseError('INVALID_INPUT', `Cannot ${verb} ${describeInput(delta)} frames: not an integer`, {
          details: { delta },
        });
      }
      return delta;
    }
    this.assertSameRate(delta, verb);
    return delta.frames;
  }

  private assertSameRate(other: Timecode, verb: string): void {
    if (!this.rate.equals(other.rate)) {
      throw new FramewiseError(
        'INVALID_INPUT',
        `Cannot ${verb} timecode ${other.toString()} at ${other.rate.toString()} with ${this.toString()} at ${this.rate.toString()}: convert one with toRate() first`,
        { details: { left: this.toJSON(), right: other.toJSON() } },
      );
    }
  }
}

function checkFrames(frames: number, rate: FrameRate, overflow: DayOverflow): number {
  const day = rate.framesPerDay;
  if (frames >= 0 && frames < day && Number.isInteger(frames)) return frames;
  if (!Number.isSafeInteger(frames)) {
    throw new FramewiseError('INVALID_INPUT', `Frame count ${describeInput(frames)} is not an integer`, {
      details: { frames },
    });
  }
  if (frames >= 0 && frames < day) return frames;
  if (overflow === 'wrap') return ((frames % day) + day) % day;
  throw new FramewiseError(
    'INVALID_INPUT',
    frames < 0
      ? `Frame count ${frames} is before 00:00:00:00; pass overflow: 'wrap' to count back from 24:00:00:00`
      : `Frame count ${frames} is past the 24-hour day at ${rate.toString()} (${day} frames); pass overflow: 'wrap' to wrap`,
    { details: { frames, framesPerDay: day, rate: rate.toJSON() } },
  );
}

function checkSampleRate(sampleRate: number): void {
  if (!Number.isSafeInteger(sampleRate) || sampleRate <= 0) {
    throw new FramewiseError('INVALID_INPUT', `Sample rate ${describeInput(sampleRate)} must be a positive integer`, {
      details: { sampleRate },
    });
  }
}

function labelError(label: string, rate: FrameRate, read: LabelReading): FramewiseError {
  const base = rate.requireTimecodeBase();
  const at = `at ${rate.toString()}`;
  const reasons: Record<NonNullable<LabelReading['problem']>, string> = {
    syntax: `is not a timecode label; expected HH:MM:SS${rate.dropFrame ? ';' : ':'}${base > 100 ? 'FFF' : 'FF'}`,
    range: `has a field out of range ${at} (hours 00-23, minutes and seconds 00-59, frames 00-${String(base - 1).padStart(2, '0')})`,
    dropped: `does not exist ${at}: drop-frame skips frames 00-${String(rate.dropFramesPerMinute - 1).padStart(2, '0')} at the start of every minute except each tenth`,
    'drop-separator': `is written as drop-frame but the rate ${rate.toString()} is non-drop`,
  };
  return new FramewiseError('INVALID_INPUT', `Timecode ${describeInput(label)} ${reasons[read.problem ?? 'syntax']}`, {
    details: { label, rate: rate.toJSON(), problem: read.problem },
  });
}
