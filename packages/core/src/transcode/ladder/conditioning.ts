/**
 * Source conditioning before a ladder's split: deinterlacing (bwdif, at frame or field rate),
 * inverse telecine (fieldmatch + decimate), constant frame rate for variable-rate sources; and
 * HDR → SDR tone-mapping (zscale + tonemap). Decided from the probe and, when given, an `idet`
 * scan analysis; every decision is recorded in words.
 */
import type { TechnicalMetadata } from '../../assets/index.js';
import { FramewiseError } from '../../errors/index.js';
import { FrameRate, type FrameRateJson } from '../../time/index.js';
import type { ScanAnalysis } from './scan.js';
import type { LadderTemplate } from './template.js';

/** Filters applied once to the decoded source before it is split into rungs. */
export interface Conditioning {
  /** bwdif deinterlacing; `fieldRate` doubles the frame rate (one frame per field). */
  readonly deinterlace?: { readonly fieldOrder: 'tff' | 'bff'; readonly fieldRate: boolean };
  /** Inverse telecine: 29.97 with 3:2 pulldown back to 23.976 progressive. */
  readonly inverseTelecine?: { readonly fieldOrder: 'tff' | 'bff' };
  /** Frames duplicated or dropped onto this constant rate (a variable-frame-rate source). */
  readonly constantFrameRate?: FrameRateJson;
}

const STANDARD = [
  FrameRate.FPS_23_976,
  FrameRate.FPS_24,
  FrameRate.FPS_25,
  FrameRate.FPS_29_97_NDF,
  FrameRate.FPS_30,
  FrameRate.FPS_50,
  FrameRate.FPS_59_94_NDF,
  FrameRate.FPS_60,
];

/** The standard rate nearest to a rate (for a VFR source's nominal rate). */
function nearestStandard(rate: FrameRate): FrameRate {
  const value = rate.num / rate.den;
  return STANDARD.reduce((best, r) =>
    Math.abs(r.num / r.den - value) < Math.abs(best.num / best.den - value) ? r : best,
  );
}

/** Decide the conditioning of a source for a template. */
export function planConditioning(
  video: TechnicalMetadata['video'][number],
  template: LadderTemplate,
  scan: ScanAnalysis | undefined,
): { conditioning: Conditioning; frameRate: FrameRateJson; decisions: string[] } {
  const decisions: string[] = [];
  let rate = FrameRate.parse(video.frameRate).withDropFrame(false);
  const conditioning: { -readonly [K in keyof Conditioning]: Conditioning[K] } = {};
  const flagged = video.scan?.type === 'interlaced';
  const fieldOrder = scan?.fieldOrder ?? video.scan?.fieldOrder ?? 'tff';
  if (scan?.scan === 'telecined' && template.inverseTelecine) {
    conditioning.inverseTelecine = { fieldOrder };
    rate = FrameRate.of(rate.num * 4, rate.den * 5);
    decisions.push(
      `3:2 pulldown found (${scan.repeatedFields} of ${scan.frames} frames repeat a field): inverse telecine to ${rate}`,
    );
  } else if (scan?.scan === 'interlaced' || scan?.scan === 'telecined' || (scan === undefined && flagged)) {
    const fieldRate = template.deinterlace === 'field';
    conditioning.deinterlace = { fieldOrder, fieldRate };
    const from = rate.toString();
    if (fieldRate) rate = FrameRate.of(rate.num * 2, rate.den);
    decisions.push(
      `interlaced ${fieldOrder.toUpperCase()}${scan ? ' (idet)' : ' (flagged)'}: bwdif deinterlace ${from} → ${rate}p${fieldRate ? ' at field rate' : ''}`,
    );
  } else if (flagged && scan?.scan === 'progressive') {
    decisions.push('flagged interlaced but idet found progressive frames: not deinterlaced');
  }
  if (video.variableFrameRate) {
    let declared: FrameRate;
    try {
      declared = template.frameRate === undefined ? nearestStandard(rate) : FrameRate.parse(template.frameRate);
    } catch (error) {
      throw new FramewiseError(
        'INVALID_INPUT',
        `Ladder template "${template.name}": frameRate ${JSON.stringify(template.frameRate)} is not a frame rate`,
        { cause: error, details: { frameRate: template.frameRate } },
      );
    }
    rate = declared.withDropFrame(false);
    conditioning.constantFrameRate = rate.toJSON();
    decisions.push(
      `variable frame rate: constant ${rate} output (${template.frameRate === undefined ? 'nearest standard to the nominal rate' : 'the template rate'})`,
    );
  }
  return { conditioning, frameRate: rate.toJSON(), decisions };
}

/** The filters of a conditioning, in order (deinterlace or inverse telecine, then constant rate). */
export function conditioningFilters(c: Conditioning): string[] {
  const filters: string[] = [];
  if (c.inverseTelecine)
    filters.push(
      `fieldmatch=order=${c.inverseTelecine.fieldOrder}:combmatch=full`,
      'yadif=deint=interlaced',
      'decimate',
    );
  if (c.deinterlace)
    filters.push(
      `bwdif=mode=${c.deinterlace.fieldRate ? 'send_field' : 'send_frame'}:parity=${c.deinterlace.fieldOrder}:deint=all`,
    );
  if (c.constantFrameRate) filters.push(`fps=${c.constantFrameRate.num}/${c.constantFrameRate.den}`);
  if (filters.length > 0) filters.push('setfield=prog');
  return filters;
}

/** HDR (PQ or HLG) → SDR BT.709 limited range, 8-bit 4:2:0: linearise, convert primaries, Hable tone curve. */
export const TONE_MAP_FILTERS: readonly string[] = [
  'zscale=t=linear:npl=100',
  'format=gbrpf32le',
  'zscale=p=bt709',
  'tonemap=tonemap=hable:desat=0',
  'zscale=t=bt709:m=bt709:r=tv',
  'format=yuv420p',
];
