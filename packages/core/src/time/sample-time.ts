import { describeInput, FramewiseError } from '../errors/index.js';
import { FrameRate, type FrameRateInput } from './frame-rate.js';
import { mulDivRound, type Rational, type Rounding, rational } from './rational.js';

const SAMPLE_PATTERN = /^(\d{1,16})@(\d{1,9})$/;

/**
 * A position counted in samples at an integer sample rate, written `samples@rate`
 * (`96000@48000` is two seconds of 48 kHz audio). Audio edits, loudness findings and caption
 * cues aligned to audio use it where a video frame is too coarse.
 *
 * @example
 * ```ts
 * const t = SampleTime.parse('1601@48000');
 * t.toFrames(FrameRate.FPS_29_97_DF, 'floor'); // 0 (one NTSC frame is 1601.6 samples)
 * ```
 */
export class SampleTime {
  /** The sample count (non-negative integer). */
  readonly samples: number;
  /** Samples per second (positive integer). */
  readonly sampleRate: number;

  private constructor(samples: number, sampleRate: number) {
    this.samples = samples;
    this.sampleRate = sampleRate;
    Object.freeze(this);
  }

  /**
   * A sample position.
   *
   * @throws `INVALID_INPUT` for a negative or fractional count or a non-positive sample rate.
   */
  static of(samples: number, sampleRate: number): SampleTime {
    if (!Number.isSafeInteger(samples) || samples < 0) {
      throw new FramewiseError(
        'INVALID_INPUT',
        `Sample count ${describeInput(samples)} must be a non-negative integer`,
        {
          details: { samples },
        },
      );
    }
    if (!Number.isSafeInteger(sampleRate) || sampleRate <= 0) {
      throw new FramewiseError('INVALID_INPUT', `Sample rate ${describeInput(sampleRate)} must be a positive integer`, {
        details: { sampleRate },
      });
    }
    return new SampleTime(samples, sampleRate);
  }

  /** Read `samples@rate`, e.g. `'96000@48000'`. */
  static parse(text: string): SampleTime {
    const match = typeof text === 'string' ? SAMPLE_PATTERN.exec(text.trim()) : null;
    if (match === null) {
      throw new FramewiseError('INVALID_INPUT', `Sample time ${describeInput(text)} is not written as samples@rate`, {
        details: { text },
      });
    }
    return SampleTime.of(Number(match[1]), Number(match[2]));
  }

  /** The sample position of a video frame, rounded with the given mode. */
  static fromFrames(frames: number, rate: FrameRateInput, sampleRate: number, rounding: Rounding): SampleTime {
    const r = FrameRate.parse(rate);
    if (!Number.isSafeInteger(frames) || frames < 0) {
      throw new FramewiseError('INVALID_INPUT', `Frame count ${describeInput(frames)} must be a non-negative integer`, {
        details: { frames },
      });
    }
    SampleTime.of(0, sampleRate);
    return SampleTime.of(mulDivRound(frames, r.den * sampleRate, r.num, rounding), sampleRate);
  }

  /** Exact seconds. */
  toSeconds(): Rational {
    return rational(this.samples, this.sampleRate);
  }

  /** The frame that contains (floor), starts nearest to (nearest) or follows (ceil) this sample. */
  toFrames(rate: FrameRateInput, rounding: Rounding): number {
    const r = FrameRate.parse(rate);
    return mulDivRound(this.samples, r.num, this.sampleRate * r.den, rounding);
  }

  /** The same instant at another sample rate, rounded with the given mode. */
  toSampleRate(sampleRate: number, rounding: Rounding): SampleTime {
    SampleTime.of(0, sampleRate);
    return SampleTime.of(mulDivRound(this.samples, sampleRate, this.sampleRate, rounding), sampleRate);
  }

  /** `samples@rate`. */
  toString(): string {
    return `${this.samples}@${this.sampleRate}`;
  }

  /** The JSON form is the string form. */
  toJSON(): string {
    return this.toString();
  }
}
