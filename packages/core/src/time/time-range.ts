import { describeInput, FramewiseError } from '../errors/index.js';
import { FrameRate, type FrameRateInput } from './frame-rate.js';
import { mulDivRound, type Rounding } from './rational.js';
import { Timecode } from './timecode.js';

/**
 * How {@link TimeRange.toRate} moves range bounds onto another rate's frame grid.
 *
 * - `nearest` (default): each bound goes to the nearest frame boundary (an exact half goes
 *   later). Adjacent ranges stay adjacent and order is kept, so a rundown converts without gaps
 *   or overlaps.
 * - `cover`: start rounds down and end rounds up: the result covers every instant of the source
 *   range (for QC findings and rights restrictions that must not shrink).
 * - `inside`: start rounds up and end rounds down: the result holds only instants inside the
 *   source range (may become empty).
 */
export type RangeRounding = 'nearest' | 'cover' | 'inside';

/** The JSON form of a {@link TimeRange}. */
export interface TimeRangeJson {
  /** First frame. */
  readonly start: number;
  /** Number of frames. */
  readonly duration: number;
  /** Frame rate as {@link FrameRate.toString} writes it. */
  readonly rate: string;
}

/**
 * A half-open span of frames `[start, start + duration)` on a media timeline at an exact rate.
 * A duration of zero marks a point (an ad-break opportunity, a cue). Frame counts are positions
 * on the timeline, not labels, so ranges may extend past 24 hours.
 *
 * @example
 * ```ts
 * const rate = FrameRate.FPS_25;
 * const segment = TimeRange.fromTimecodes(
 *   Timecode.parse('00:00:10:00', rate),
 *   Timecode.parse('00:00:20:00', rate),
 * );
 * segment.duration;                                  // 250 frames
 * segment.toRate(FrameRate.FPS_29_97_DF).toString(); // '00:00:09;29-00:00:19;29@29.97df'
 * ```
 */
export class TimeRange {
  /** First frame of the range. */
  readonly start: number;
  /** Number of frames (0 for a point). */
  readonly duration: number;
  /** The frame rate the range is counted at. */
  readonly rate: FrameRate;

  private constructor(start: number, duration: number, rate: FrameRate) {
    this.start = start;
    this.duration = duration;
    this.rate = rate;
    Object.freeze(this);
  }

  /**
   * A range from a first frame and a frame count.
   *
   * @throws `INVALID_INPUT` for negative or fractional values.
   */
  static of(start: number, duration: number, rate: FrameRateInput): TimeRange {
    const r = FrameRate.parse(rate);
    checkCount(start, 'start');
    checkCount(duration, 'duration');
    if (!Number.isSafeInteger(start + duration)) checkCount(start + duration, 'end');
    return new TimeRange(start, duration, r);
  }

  /** A range from its first frame to its end (exclusive). */
  static between(start: number, end: number, rate: FrameRateInput): TimeRange {
    if (end < start) {
      throw new FramewiseError(
        'INVALID_INPUT',
        `Range end ${describeInput(end)} is before its start ${describeInput(start)}`,
        {
          details: { start, end },
        },
      );
    }
    return TimeRange.of(start, end - start, rate);
  }

  /** A range from an in timecode to an out timecode (exclusive), both at the same rate. */
  static fromTimecodes(inPoint: Timecode, outPoint: Timecode): TimeRange {
    inPoint.compare(outPoint);
    return TimeRange.between(inPoint.frames, outPoint.frames, inPoint.rate);
  }

  /**
   * Sort ranges at one rate and merge those that overlap or touch, giving the smallest set of
   * disjoint ranges covering the same frames. Empty ranges are dropped.
   */
  static merge(ranges: readonly TimeRange[]): TimeRange[] {
    const first = ranges[0];
    if (first === undefined) return [];
    const sorted: TimeRange[] = [];
    for (const range of ranges) {
      range.assertSameCadence(first, 'merge');
      if (range.duration > 0) sorted.push(range);
    }
    sorted.sort((a, b) => a.start - b.start || a.end - b.end);
    const out: TimeRange[] = [];
    for (const range of sorted) {
      const last = out[out.length - 1];
      if (last !== undefined && range.start <= last.end) {
        if (range.end > last.end) out[out.length - 1] = new TimeRange(last.start, range.end - last.start, last.rate);
      } else {
        out.push(range);
      }
    }
    return out;
  }

  /** The first frame after the range. */
  get end(): number {
    return this.start + this.duration;
  }

  /** True for a zero-length range. */
  get isEmpty(): boolean {
    return this.duration === 0;
  }

  /**
   * True when a frame (or every frame of a range) lies inside this range. An empty range contains
   * nothing and is contained where its position is.
   */
  contains(target: number | Timecode | TimeRange): boolean {
    if (typeof target === 'number') return target >= this.start && target < this.end;
    if (target instanceof Timecode) {
      this.assertSameCadence(target, 'test');
      return target.frames >= this.start && target.frames < this.end;
    }
    this.assertSameCadence(target, 'test');
    return target.start >= this.start && target.end <= this.end && (target.duration > 0 || target.start < this.end);
  }

  /** True when the two ranges share at least one frame. */
  overlaps(other: TimeRange): boolean {
    this.assertSameCadence(other, 'intersect');
    return other.start < this.end && this.start < other.end;
  }

  /** The frames both ranges share, or `undefined` when they share none. */
  intersect(other: TimeRange): TimeRange | undefined {
    this.assertSameCadence(other, 'intersect');
    const start = Math.max(this.start, other.start);
    const end = Math.min(this.end, other.end);
    return end > start ? new TimeRange(start, end - start, this.rate) : undefined;
  }

  /**
   * The range covering both, when they overlap or touch.
   *
   * @throws `INVALID_INPUT` when a gap separates them (use {@link TimeRange.merge} for sets).
   */
  union(other: TimeRange): TimeRange {
    this.assertSameCadence(other, 'join');
    if (other.start > this.end || this.start > other.end) {
      throw new FramewiseError(
        'INVALID_INPUT',
        `Ranges ${this.toString()} and ${other.toString()} do not touch, so their union is not one range; use TimeRange.merge`,
        { details: { left: this.toJSON(), right: other.toJSON() } },
      );
    }
    const start = Math.min(this.start, other.start);
    return new TimeRange(start, Math.max(this.end, other.end) - start, this.rate);
  }

  /**
   * Cut the range at the given frames (those strictly inside it), giving consecutive pieces that
   * together cover the range exactly.
   */
  split(...at: number[]): TimeRange[] {
    for (const f of at) checkCount(f, 'split point');
    const cuts = [...new Set(at)].filter((f) => f > this.start && f < this.end);
    cuts.sort((a, b) => a - b);
    const pieces: TimeRange[] = [];
    let from = this.start;
    for (const cut of [...cuts, this.end]) {
      pieces.push(new TimeRange(from, cut - from, this.rate));
      from = cut;
    }
    return pieces;
  }

  /** The range moved by a signed number of frames. */
  shift(frames: number): TimeRange {
    return TimeRange.of(this.start + frames, this.duration, this.rate);
  }

  /**
   * The same wall-clock span on another rate's frame grid, positions measured from frame 0. See
   * {@link RangeRounding} for how bounds land; `nearest` keeps adjacent ranges adjacent.
   */
  toRate(rate: FrameRateInput, rounding: RangeRounding = 'nearest'): TimeRange {
    const target = FrameRate.parse(rate);
    const [startMode, endMode]: [Rounding, Rounding] =
      rounding === 'cover' ? ['floor', 'ceil'] : rounding === 'inside' ? ['ceil', 'floor'] : ['nearest', 'nearest'];
    const mul = target.num * this.rate.den;
    const div = this.rate.num * target.den;
    const start = mulDivRound(this.start, mul, div, startMode);
    const end = Math.max(start, mulDivRound(this.end, mul, div, endMode));
    return new TimeRange(start, end - start, target);
  }

  /** The timecode of the first frame (the range must lie within the 24-hour day). */
  startTimecode(): Timecode {
    return Timecode.fromFrames(this.start, this.rate);
  }

  /** The timecode of the frame after the range (the out point, exclusive). */
  endTimecode(): Timecode {
    return Timecode.fromFrames(this.end, this.rate);
  }

  /** Same start, duration and rate. */
  equals(other: TimeRange): boolean {
    return this.start === other.start && this.duration === other.duration && this.rate.equals(other.rate);
  }

  /** `IN-OUT@rate` with timecode labels when inside the day, else `start+duration@rate`. */
  toString(): string {
    if (this.rate.timecodeBase !== undefined && this.end < this.rate.framesPerDay) {
      return `${this.startTimecode().toString()}-${this.endTimecode().toString()}@${this.rate.toString()}`;
    }
    return `${this.start}+${this.duration}@${this.rate.toString()}`;
  }

  /** The JSON form: `{ start, duration, rate }`. */
  toJSON(): TimeRangeJson {
    return { start: this.start, duration: this.duration, rate: this.rate.toString() };
  }

  private assertSameCadence(other: { rate: FrameRate; toString(): string }, verb: string): void {
    if (!this.rate.sameCadence(other.rate)) {
      throw new FramewiseError(
        'INVALID_INPUT',
        `Cannot ${verb} ${other.toString()} at ${other.rate.toString()} with range ${this.toString()}: convert it with toRate() first`,
        { details: { range: this.toJSON(), otherRate: other.rate.toString() } },
      );
    }
  }
}

function checkCount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new FramewiseError(
      'INVALID_INPUT',
      `Range ${what} ${describeInput(value)} must be a non-negative whole frame count`,
      {
        details: { [what]: value },
      },
    );
  }
}
