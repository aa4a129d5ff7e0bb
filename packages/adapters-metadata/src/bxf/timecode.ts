import { FramewiseError } from '@framewise/core/errors';
import { FrameRate, type FrameRateJson } from '@framewise/core/time';
import { decimalRate, timecodeLabel } from '../xml/time.js';
import { BXF_RELEASE, type BxfVersion } from './names.js';

/**
 * A timecode label valid for the BXF release: BXF 1.0 (2008) allows frame numbers up to 29
 * only, so rates above 30 frames per second need 2017 or later; drop-frame labels use `;`.
 *
 * @throws `UNSUPPORTED` naming the field when the rate has no timecode or exceeds the release.
 */
export function bxfTimecode(frames: number, rate: FrameRateJson, version: BxfVersion, field: string): string {
  const base = FrameRate.parse(rate).timecodeBase;
  if (base === undefined) {
    throw new FramewiseError('UNSUPPORTED', `${field}: rate ${rate.num}/${rate.den} has no SMPTE timecode`, {
      details: { field, rate },
    });
  }
  if (version === '2008' && base > 30) {
    throw new FramewiseError(
      'UNSUPPORTED',
      `${field}: BXF ${BXF_RELEASE[version]} (2008) timecodes count at most 30 frames per second; a ${decimalRate(rate)} fps channel needs BXF 2017 or later`,
      { details: { field, rate, version } },
    );
  }
  return timecodeLabel(frames, rate);
}
