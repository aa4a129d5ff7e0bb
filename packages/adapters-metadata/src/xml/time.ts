import { FramewiseError } from '@framewise/core/errors';
import { FrameRate, type FrameRateJson, Timecode } from '@framewise/core/time';

/** A frame rate as an integer edit rate with a 1000/1001 factor (the EBUCore and BXF form). */
export interface RateParts {
  /** Integer rate (30 for 29.97). */
  readonly base: number;
  readonly factorNumerator: number;
  readonly factorDenominator: number;
}

/**
 * Express a rate as integer × factor: 25 → 25×1/1, 30000/1001 → 30×1000/1001, any other exact
 * rational n/d → n×1/d.
 */
export function rateParts(rate: FrameRateJson): RateParts {
  if (rate.den === 1) return { base: rate.num, factorNumerator: 1, factorDenominator: 1 };
  if (rate.den === 1001 && rate.num % 1000 === 0) {
    return { base: rate.num / 1000, factorNumerator: 1000, factorDenominator: 1001 };
  }
  return { base: rate.num, factorNumerator: 1, factorDenominator: rate.den };
}

/** The exact rate of integer × factor, with the drop-frame flag. */
export function rateFromParts(base: number, numerator: number, denominator: number, dropFrame: boolean): FrameRate {
  return FrameRate.of(base * numerator, denominator, { dropFrame });
}

/** Timecode label of a frame count at a rate (`;` before the frames when drop-frame). */
export function timecodeLabel(frames: number, rate: FrameRateJson): string {
  return Timecode.fromFrames(frames, FrameRate.parse(rate), { overflow: 'wrap' }).toString();
}

/**
 * A start timecode as documents must carry it: parsed at the rate (surrounding spaces dropped;
 * `;`, `.` or `,` before the frames accepted at drop-frame rates, where the label is written with
 * `;`) and written back in its one canonical form.
 *
 * @throws `INVALID_INPUT` naming the field when it is not a timecode of the rate (a drop-frame
 * separator at a non-drop rate, a field out of range, a label drop-frame skips).
 */
export function canonicalTimecode(
  label: string,
  rate: FrameRateJson,
  field: string,
): { frames: number; label: string } {
  try {
    const tc = Timecode.parse(label, FrameRate.parse(rate));
    return { frames: tc.frames, label: tc.toString() };
  } catch (cause) {
    throw new FramewiseError('INVALID_INPUT', `${field} ${JSON.stringify(label)}: ${(cause as Error).message}`, {
      cause,
      details: { field, value: label },
    });
  }
}

/** Frames counted from 00:00:00:00 of a timecode label at a rate. */
export function timecodeFrames(label: string, rate: FrameRateJson): number {
  return Timecode.parse(label, FrameRate.parse(rate)).frames;
}

/** The decimal rate BXF writes in `frameRate` attributes: 25, 29.97, 23.976, 59.94. */
export function decimalRate(rate: FrameRateJson): string {
  if (rate.den === 1) return String(rate.num);
  const value = rate.num / rate.den;
  return String(Math.round(value * 1000) / 1000);
}

/** An xs:duration (`PT52M0.04S`) of a frame count at a rate, exact to the millisecond. */
export function isoDuration(frames: number, rate: FrameRateJson): string {
  const ms = Math.round((frames * rate.den * 1000) / rate.num);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `PT${h > 0 ? `${h}H` : ''}${h > 0 || m > 0 ? `${m}M` : ''}${s}S`;
}

/** Seconds in an xs:duration (`PT1H2M3.5S`, `P1DT2H`); `undefined` when it is not one. */
export function isoDurationSeconds(text: string): number | undefined {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text.trim());
  if (m === null || text.trim() === 'P' || text.trim().endsWith('T')) return undefined;
  const [, d, h, min, s] = m;
  return Number(d ?? 0) * 86_400 + Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + Number(s ?? 0);
}

/** Refuse a rate that has no SMPTE timecode, naming what needed it. */
export function requireTimecodeRate(rate: FrameRateJson, what: string): void {
  if (FrameRate.parse(rate).timecodeBase === undefined) {
    throw new FramewiseError('UNSUPPORTED', `${what}: rate ${rate.num}/${rate.den} has no SMPTE timecode`, {
      details: { rate },
    });
  }
}
