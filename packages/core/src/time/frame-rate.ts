import { describeInput, FramewiseError } from '../errors/index.js';
import { type Rational, rational } from './rational.js';

/** The JSON form of a {@link FrameRate}: exact rational plus the drop-frame flag. */
export interface FrameRateJson {
  readonly num: number;
  readonly den: number;
  readonly dropFrame: boolean;
}

/** Anything {@link FrameRate.parse} accepts. */
export type FrameRateInput = FrameRate | FrameRateJson | Rational | string | number;

const MAX_PART = 2 ** 31 - 1;
const RATE_PATTERN =
  /^(\d{1,7}(?:\.\d{1,9})?)(?:\s*\/\s*(\d{1,10}))?\s*(?:fps|p)?\s*[-_ ]?\s*(df|ndf|drop|nondrop|non-drop)?$/;

/**
 * An exact video frame rate: a rational number of frames per second plus the SMPTE drop-frame
 * flag, which only changes how timecode labels are written, never the frame cadence.
 *
 * Drop-frame exists only where SMPTE ST 12-1 defines it: 29.97 (two labels dropped per minute)
 * and 59.94 (four), except every tenth minute.
 *
 * @example
 * ```ts
 * const ntsc = FrameRate.parse('29.97df');  // 30000/1001, drop-frame
 * const film = FrameRate.parse('23.976');   // 24000/1001, non-drop
 * FrameRate.parse('30000/1001').equals(FrameRate.FPS_29_97_NDF); // true
 * ```
 */
export class FrameRate {
  /** Frames per second, numerator (lowest terms). */
  readonly num: number;
  /** Frames per second, denominator (lowest terms, positive). */
  readonly den: number;
  /** True when timecode labels at this rate are drop-frame. */
  readonly dropFrame: boolean;
  /**
   * Frames per timecode second (the nominal rate: 30 for 29.97), or `undefined` when the rate has
   * no SMPTE timecode (neither an integer nor an integer × 1000/1001).
   */
  readonly timecodeBase: number | undefined;
  /** Labels skipped at the start of each minute not divisible by ten: 0, 2 (29.97 DF) or 4 (59.94 DF). */
  readonly dropFramesPerMinute: number;
  readonly #framesPerDay: number | undefined;

  private constructor(num: number, den: number, dropFrame: boolean) {
    this.num = num;
    this.den = den;
    this.dropFrame = dropFrame;
    this.timecodeBase = den === 1 ? num : den === 1001 && num % 1000 === 0 ? num / 1000 : undefined;
    this.dropFramesPerMinute = dropFrame ? (this.timecodeBase === 30 ? 2 : 4) : 0;
    this.#framesPerDay =
      this.timecodeBase === undefined ? undefined : this.timecodeBase * 86_400 - this.dropFramesPerMinute * 1_296;
    Object.freeze(this);
  }

  /**
   * A frame rate from an exact fraction.
   *
   * @throws `INVALID_INPUT` when the parts are not positive integers, or drop-frame is asked for
   * at a rate other than 30000/1001 or 60000/1001.
   */
  static of(num: number, den = 1, options: { readonly dropFrame?: boolean } = {}): FrameRate {
    if (
      !Number.isSafeInteger(num) ||
      !Number.isSafeInteger(den) ||
      num <= 0 ||
      den <= 0 ||
      num > MAX_PART ||
      den > MAX_PART
    ) {
      throw new FramewiseError(
        'INVALID_INPUT',
        `Frame rate ${describeInput(num)}/${describeInput(den)} must be a fraction of positive integers`,
        { details: { num, den } },
      );
    }
    const r = rational(num, den);
    const dropFrame = options.dropFrame ?? false;
    if (dropFrame && !(r.den === 1001 && (r.num === 30000 || r.num === 60000))) {
      throw new FramewiseError(
        'INVALID_INPUT',
        `Drop-frame timecode exists only at 29.97 and 59.94 fps (SMPTE ST 12-1); frame rate ${formatRate(r.num, r.den)} cannot be drop-frame`,
        { details: { num, den, dropFrame } },
      );
    }
    return new FrameRate(r.num, r.den, dropFrame);
  }

  /**
   * Parse a frame rate written the way people and tools write them: `'25'`, `'29.97df'`,
   * `'29.97 NDF'`, `'59.94df'`, `'23.976'`, `'23.98'`, `'30000/1001'`, `'25p'`, `'50 fps'`, a
   * number, `{ num, den }` or `{ num, den, dropFrame }`.
   *
   * A decimal within 0.006 of an integer × 1000/1001 is read as that NTSC rate (29.97 means
   * 30000/1001); other decimals are exact (12.5 means 25/2). Interlaced notations such as `'50i'`
   * are refused: give the frame rate.
   *
   * @throws `INVALID_INPUT` naming the input when it is not a frame rate or asks for drop-frame
   * where SMPTE defines none.
   */
  static parse(input: FrameRateInput): FrameRate {
    if (input instanceof FrameRate) return input;
    if (typeof input === 'number') return FrameRate.fromDecimal(input, String(input), false);
    if (typeof input === 'object' && input !== null) {
      const { num, den } = input as Partial<FrameRateJson>;
      const dropFrame = (input as Partial<FrameRateJson>).dropFrame;
      if (
        typeof num !== 'number' ||
        typeof den !== 'number' ||
        (dropFrame !== undefined && typeof dropFrame !== 'boolean')
      ) {
        throw new FramewiseError('INVALID_INPUT', `Frame rate ${describeInput(input)} needs numeric num and den`, {
          details: { input },
        });
      }
      return FrameRate.of(num, den, { dropFrame: dropFrame ?? false });
    }
    if (typeof input !== 'string') {
      throw new FramewiseError(
        'INVALID_INPUT',
        `Frame rate ${describeInput(input)} is not a string, number or fraction`,
        {
          details: { input },
        },
      );
    }
    const match = RATE_PATTERN.exec(input.trim().toLowerCase());
    if (match === null) {
      throw new FramewiseError(
        'INVALID_INPUT',
        `Frame rate ${describeInput(input)} is not recognised; write it like "25", "29.97df", "23.976" or "30000/1001"`,
        { details: { input } },
      );
    }
    const [, value = '', denominator, dropMark] = match;
    const dropFrame = dropMark === 'df' || dropMark === 'drop';
    if (denominator !== undefined) {
      if (value.includes('.')) {
        throw new FramewiseError('INVALID_INPUT', `Frame rate ${describeInput(input)} mixes a decimal and a fraction`, {
          details: { input },
        });
      }
      return FrameRate.withContext(input, () => FrameRate.of(Number(value), Number(denominator), { dropFrame }));
    }
    return FrameRate.fromDecimal(Number(value), input, dropFrame);
  }

  private static fromDecimal(value: number, input: string, dropFrame: boolean): FrameRate {
    if (!Number.isFinite(value) || value <= 0) {
      throw new FramewiseError('INVALID_INPUT', `Frame rate ${describeInput(input)} must be positive`, {
        details: { input },
      });
    }
    if (Number.isInteger(value)) return FrameRate.withContext(input, () => FrameRate.of(value, 1, { dropFrame }));
    const nominal = Math.round(value);
    if (nominal > 0 && Math.abs(value - (nominal * 1000) / 1001) < 0.006) {
      return FrameRate.withContext(input, () => FrameRate.of(nominal * 1000, 1001, { dropFrame }));
    }
    const decimals = String(value).split('.')[1]?.length ?? 0;
    const scale = 10 ** Math.min(decimals, 9);
    return FrameRate.withContext(input, () => FrameRate.of(Math.round(value * scale), scale, { dropFrame }));
  }

  private static withContext(input: string, build: () => FrameRate): FrameRate {
    try {
      return build();
    } catch (error) {
      throw new FramewiseError('INVALID_INPUT', `Frame rate ${describeInput(input)}: ${(error as Error).message}`, {
        cause: error,
        details: { input },
      });
    }
  }

  /** Frames per second as a double (for display and estimates only). */
  get fps(): number {
    return this.num / this.den;
  }

  /** The exact duration of one frame in seconds. */
  get frameDuration(): Rational {
    return { num: this.den, den: this.num };
  }

  /** The exact rate as a rational number of frames per second. */
  get rational(): Rational {
    return { num: this.num, den: this.den };
  }

  /**
   * The number of frames in one 24-hour timecode day: `base × 86400` for non-drop, minus the
   * dropped labels for drop-frame (2 589 408 at 29.97 DF, 5 178 816 at 59.94 DF).
   */
  get framesPerDay(): number {
    return this.#framesPerDay ?? this.requireTimecodeBase();
  }

  /** @internal the timecode base, or an `UNSUPPORTED` error naming the rate. */
  requireTimecodeBase(): number {
    if (this.timecodeBase === undefined) {
      throw new FramewiseError(
        'UNSUPPORTED',
        `Frame rate ${this.toString()} has no SMPTE timecode (only integer rates and their 1000/1001 variants do)`,
        { details: { rate: this.toJSON() } },
      );
    }
    return this.timecodeBase;
  }

  /** True when both rates have the same cadence and the same drop-frame flag. */
  equals(other: FrameRate): boolean {
    return this.num === other.num && this.den === other.den && this.dropFrame === other.dropFrame;
  }

  /** True when both rates have the same cadence, whatever their drop-frame flags. */
  sameCadence(other: FrameRate): boolean {
    return this.num === other.num && this.den === other.den;
  }

  /** The same cadence with the drop-frame flag set or cleared. */
  withDropFrame(dropFrame: boolean): FrameRate {
    return dropFrame === this.dropFrame ? this : FrameRate.of(this.num, this.den, { dropFrame });
  }

  /** `'25'`, `'29.97df'`, `'23.976'`, or `'num/den'` for other fractions; {@link FrameRate.parse} reads it back. */
  toString(): string {
    return formatRate(this.num, this.den) + (this.dropFrame ? 'df' : '');
  }

  /** The JSON form: `{ num, den, dropFrame }`. */
  toJSON(): FrameRateJson {
    return { num: this.num, den: this.den, dropFrame: this.dropFrame };
  }

  /** 23.976 fps (24000/1001), non-drop: film transferred for NTSC. */
  static readonly FPS_23_976: FrameRate = new FrameRate(24000, 1001, false);
  /** 24 fps: cinema. */
  static readonly FPS_24: FrameRate = new FrameRate(24, 1, false);
  /** 25 fps: PAL and most of the world's television. */
  static readonly FPS_25: FrameRate = new FrameRate(25, 1, false);
  /** 29.97 fps (30000/1001), drop-frame timecode. */
  static readonly FPS_29_97_DF: FrameRate = new FrameRate(30000, 1001, true);
  /** 29.97 fps (30000/1001), non-drop timecode. */
  static readonly FPS_29_97_NDF: FrameRate = new FrameRate(30000, 1001, false);
  /** 30 fps. */
  static readonly FPS_30: FrameRate = new FrameRate(30, 1, false);
  /** 47.952 fps (48000/1001). */
  static readonly FPS_47_952: FrameRate = new FrameRate(48000, 1001, false);
  /** 48 fps: high frame rate cinema. */
  static readonly FPS_48: FrameRate = new FrameRate(48, 1, false);
  /** 50 fps: 50p television. */
  static readonly FPS_50: FrameRate = new FrameRate(50, 1, false);
  /** 59.94 fps (60000/1001), drop-frame timecode. */
  static readonly FPS_59_94_DF: FrameRate = new FrameRate(60000, 1001, true);
  /** 59.94 fps (60000/1001), non-drop timecode. */
  static readonly FPS_59_94_NDF: FrameRate = new FrameRate(60000, 1001, false);
  /** 60 fps. */
  static readonly FPS_60: FrameRate = new FrameRate(60, 1, false);
  /** 100 fps. */
  static readonly FPS_100: FrameRate = new FrameRate(100, 1, false);
  /** 119.88 fps (120000/1001). */
  static readonly FPS_119_88: FrameRate = new FrameRate(120000, 1001, false);
  /** 120 fps. */
  static readonly FPS_120: FrameRate = new FrameRate(120, 1, false);
}

function formatRate(num: number, den: number): string {
  if (den === 1) return String(num);
  if (den === 1001 && num % 1000 === 0) return String(Math.round((num / 1001) * 1000) / 1000);
  return `${num}/${den}`;
}
