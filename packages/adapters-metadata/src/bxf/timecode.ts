import { FramewiseError } from '@framewise/core/errors';
import { FrameRate, type FrameRateJson } from '@framewise/core/time';
import { decimalRate, timecodeLabel } from '../xml/time.js';
import { BXF_RELEASE, type BxfVersion } from './names.js';

/**
 * The most frames per second each release's timecode pattern can count: BXF 1.0 (2008) allows
 * frame numbers `[0-2][0-9]`, 5.0 (2017) and 8.0 (2022) `[0-5][0-9]`; 100 and 120 fps channels
 * have no BXF timecode.
 */
export const BXF_MAX_TIMECODE_BASE: Readonly<Record<BxfVersion, number>> = { '2008': 30, '2017': 60, '2022': 60 };

/**
 * The timecode base of a rate, refused when the release cannot write its timecodes.
 *
 * @throws `UNSUPPORTED` naming the field when the rate has no timecode or exceeds the release.
 */
export function bxfTimecodeBase(rate: FrameRateJson, version: BxfVersion, field: string): number {
  const base = FrameRate.parse(rate).timecodeBase;
  if (base === undefined) {
    throw new FramewiseError('UNSUPPORTED', `${field}: rate ${rate.num}/${rate.den} has no SMPTE timecode`, {
      details: { field, rate },
    });
  }
  const max = BXF_MAX_TIMECODE_BASE[version];
  if (base > max) {
    const later =
      version === '2008' && base <= 60 ? ' needs BXF 2017 or later' : ' cannot be written in any BXF release';
    throw new FramewiseError(
      'UNSUPPORTED',
      `${field}: BXF ${BXF_RELEASE[version]} (${version}) timecodes count at most ${max} frames per second; a ${decimalRate(rate)} fps channel${later}`,
      { details: { field, rate, version } },
    );
  }
  return base;
}

/**
 * A timecode label valid for the BXF release, of a position or a length in frames: drop-frame
 * labels use `;`. Timecodes count within one day, so a negative count or one of 24 hours or more
 * is refused rather than wrapped.
 *
 * @throws `UNSUPPORTED` naming the field when the rate has no timecode or exceeds the release;
 * `INVALID_INPUT` when the count is negative or reaches 24 hours.
 */
export function bxfTimecode(frames: number, rate: FrameRateJson, version: BxfVersion, field: string): string {
  bxfTimecodeBase(rate, version, field);
  const day = FrameRate.parse(rate).framesPerDay;
  if (!Number.isInteger(frames) || frames < 0 || frames >= day) {
    throw new FramewiseError(
      'INVALID_INPUT',
      `${field}: ${frames} frames ${frames < 0 ? 'is negative' : 'is 24 hours or more'}; a BXF timecode counts from 00:00:00:00 to under 24:00:00:00 (${day} frames at ${decimalRate(rate)} fps)`,
      { details: { field, frames, framesPerDay: day } },
    );
  }
  return timecodeLabel(frames, rate);
}
