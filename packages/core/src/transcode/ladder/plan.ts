import type { TechnicalMetadata } from '../../assets/index.js';
import { type AudioProgrammeInput, detectProgrammes, type ProgrammeLayout } from '../../assets/programmes.js';
import { FramewiseError } from '../../errors/index.js';
import { parseInput } from '../../support/index.js';
import { FrameRate, type FrameRateJson } from '../../time/index.js';
import type { FfmpegCapabilities } from '../ffmpeg/capabilities.js';
import { type Conditioning, planConditioning } from './conditioning.js';
import { HDR10_METADATA_ENCODERS } from './hdr10-encoders.js';
import type { ScanAnalysis } from './scan.js';
import {
  DEFAULT_ENCODERS,
  type DynamicRange,
  type LadderCodec,
  type LadderTemplate,
  type LadderTemplateInput,
  LadderTemplateSchema,
} from './template.js';

/** A planned video rung: exact size, rate control and keyframe cadence. */
export interface PlannedRung {
  readonly name: string;
  /** Position in the ladder, 0 = top. */
  readonly rung: number;
  readonly codec: LadderCodec;
  /** The encoder that runs: the first of the rung's preferences this ffmpeg has. */
  readonly encoder: string;
  /** SDR, HDR10 or HLG; an SDR rung from an HDR source is tone-mapped (`toneMap`). */
  readonly dynamicRange: DynamicRange;
  /** True when the branch tone-maps an HDR source to SDR BT.709 (zscale + tonemap). */
  readonly toneMap: boolean;
  readonly width: number;
  readonly height: number;
  readonly bitRate: number;
  readonly maxRate: number;
  readonly bufferSize: number;
  /** Frames per GOP: closed, fixed, aligned to the segment duration, no scene-cut keyframes. */
  readonly gopFrames: number;
  /** Pixel format of the encode. */
  readonly pixelFormat: 'yuv420p' | 'yuv420p10le';
}

/** A planned audio rendition. */
export interface PlannedAudio {
  readonly name: string;
  readonly codec: 'aac' | 'ac3' | 'eac3';
  readonly bitRate: number;
  readonly channels: number;
  readonly sampleRate: number;
  readonly sourceTrack: number;
  /**
   * The source tracks the rendition is encoded from, in channel order: `[sourceTrack]`, or every
   * track of the programme `sourceTrack` belongs to when that programme is carried on several
   * mono tracks (a stereo pair, 5.1 on six tracks), joined into `layout` and then mixed to
   * `channels`.
   */
  readonly sourceTracks?: readonly number[];
  /** The programme's layout when it is joined from several mono tracks. */
  readonly layout?: ProgrammeLayout;
}

/** A ladder planned for one source. */
export interface LadderPlan {
  readonly template: string;
  /** Output frame rate (after deinterlacing to field rate, inverse telecine or CFR conversion). */
  readonly frameRate: FrameRateJson;
  /** The source as the plan saw it: display size (after rotation), rotation, scan. */
  readonly source: { readonly width: number; readonly height: number; readonly rotation: number };
  /** Filters applied once before the split: deinterlace, inverse telecine, constant frame rate. */
  readonly conditioning: Conditioning;
  /** Every decision taken about the source, in words (deinterlace, rotation, CFR, tone-mapping, encoders). */
  readonly decisions: readonly string[];
  /** Segment duration actually produced: `gopFrames / frame rate` seconds. */
  readonly segmentSeconds: number;
  readonly video: readonly PlannedRung[];
  readonly audio: readonly PlannedAudio[];
  /** Template rungs left out, with why (e.g. they would upscale). */
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
}

/** Options for {@link planLadder}. */
export interface PlanLadderOptions {
  /** Only these codecs from the template. */
  readonly codecs?: readonly LadderCodec[];
  /** At most this many video rungs (from the top). */
  readonly maxRungs?: number;
  /** What this ffmpeg has (`ffmpegCapabilities()`): picks encoders, and tone-mapping needs zscale + tonemap. */
  readonly capabilities?: FfmpegCapabilities;
  /** An `analyseScan` result: interlace or 3:2 pulldown found in the picture, whatever the flags say. */
  readonly scan?: ScanAnalysis;
  /**
   * The source's audio programmes (from the order spec), overriding the default grouping of mono
   * tracks (`detectProgrammes`: six → 5.1, pairs → stereo).
   */
  readonly programmes?: readonly AudioProgrammeInput[];
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

function displayAspect(video: TechnicalMetadata['video'][number]): number {
  const ratio = (text: string | undefined) => {
    const [a, b] = (text ?? '').split(':').map(Number) as [number, number];
    return a > 0 && b > 0 ? a / b : undefined;
  };
  return ratio(video.displayAspectRatio) ?? (video.width / video.height) * (ratio(video.sampleAspectRatio) ?? 1);
}

/**
 * Plan an ABR ladder for a probed source: never upscale (rungs taller than the source are
 * skipped), keep the display aspect ratio with even dimensions, one closed GOP per segment
 * (`round(segmentSeconds × rate)` frames, scene-cut keyframes off), VBV maxrate and buffer from
 * the template's factors, 10-bit encodes for HEVC and AV1 when the source is 10-bit or more.
 *
 * @throws `INVALID_INPUT` when the source has no video or no rung fits.
 */
export function planLadder(
  source: TechnicalMetadata,
  template: LadderTemplateInput,
  options: PlanLadderOptions = {},
): LadderPlan {
  const t: LadderTemplate = parseInput(
    LadderTemplateSchema,
    template,
    `Ladder template ${JSON.stringify(template?.name ?? '')}`,
  );
  const video = source.video[0];
  if (video === undefined || video.width <= 0 || video.height <= 0) {
    throw new FramewiseError('INVALID_INPUT', 'The source has no video stream to build a ladder from', { details: {} });
  }
  const conditioned = planConditioning(video, t, options.scan);
  const decisions = [...conditioned.decisions];
  const rate = FrameRate.parse(conditioned.frameRate);
  const gopFrames = Math.max(1, Math.round((t.segmentSeconds * rate.num) / rate.den));
  const turned = video.rotation === 90 || video.rotation === 270;
  const display = turned ? { width: video.height, height: video.width } : { width: video.width, height: video.height };
  const aspect = turned ? 1 / displayAspect(video) : displayAspect(video);
  if (video.rotation)
    decisions.push(`rotated ${video.rotation}° before scaling: shown ${display.width}×${display.height}`);
  const deep = (video.bitDepth ?? 8) > 8;
  const hdr10Metadata = video.masteringDisplay !== undefined || video.contentLightLevel !== undefined;
  const sourceRange = video.transfer === 'smpte2084' ? 'hdr10' : video.transfer === 'arib-std-b67' ? 'hlg' : 'sdr';
  const skipped: { name: string; reason: string }[] = [];
  const rungs: PlannedRung[] = [];
  for (const r of t.video) {
    if (options.codecs !== undefined && !options.codecs.includes(r.codec)) continue;
    const height = even(r.height);
    const width = even(height * aspect);
    if (height > display.height || width > even(display.height * aspect) + 2) {
      skipped.push({ name: r.name, reason: `${height}p would upscale the ${display.height}p source` });
      continue;
    }
    if (r.dynamicRange !== 'sdr' && r.codec === 'h264') {
      throw new FramewiseError(
        'INVALID_INPUT',
        `Ladder template "${t.name}": rung "${r.name}" asks for ${r.dynamicRange.toUpperCase()} in H.264; HDR rungs are HEVC or AV1`,
        { details: { rung: r.name } },
      );
    }
    if (r.dynamicRange !== 'sdr' && r.dynamicRange !== sourceRange) {
      skipped.push({
        name: r.name,
        reason: `${r.dynamicRange} rung needs a ${r.dynamicRange} source (source is ${sourceRange})`,
      });
      continue;
    }
    if (options.maxRungs !== undefined && rungs.length >= options.maxRungs) {
      skipped.push({ name: r.name, reason: `beyond maxRungs ${options.maxRungs}` });
      continue;
    }
    const toneMap = r.dynamicRange === 'sdr' && sourceRange !== 'sdr';
    if (toneMap && options.capabilities !== undefined) {
      const missing = ['zscale', 'tonemap'].filter((f) => !options.capabilities?.filters.has(f));
      if (missing.length > 0)
        throw new FramewiseError(
          'UNSUPPORTED',
          `Rung "${r.name}" is SDR from a ${sourceRange} source and needs tone-mapping, but this ffmpeg lacks ${missing.join(' and ')}; it is not encoded mislabelled`,
          { details: { rung: r.name, missing } },
        );
    }
    const preferences = r.encoders ?? DEFAULT_ENCODERS[r.codec];
    const usable =
      options.capabilities === undefined
        ? preferences
        : preferences.filter((e) => options.capabilities?.encoders.has(e));
    if (usable.length === 0)
      throw new FramewiseError(
        'UNSUPPORTED',
        `Rung "${r.name}": none of the encoders ${preferences.join(', ')} is usable in this ffmpeg`,
        { details: { rung: r.name, encoders: [...preferences] } },
      );
    // An HDR10 rung from a source with static metadata only runs on an encoder that writes it.
    const carries = r.dynamicRange === 'hdr10' && hdr10Metadata;
    const encoder = carries ? usable.find((e) => HDR10_METADATA_ENCODERS.has(e)) : usable[0];
    if (encoder === undefined)
      throw new FramewiseError(
        'UNSUPPORTED',
        `Rung "${r.name}" is HDR10 from a source with mastering-display/MaxCLL metadata, but none of its usable encoders (${usable.join(', ')}) writes that metadata with this ffmpeg (${[...HDR10_METADATA_ENCODERS].join(', ')} do); it is not encoded without it`,
        { details: { rung: r.name, encoders: [...usable], carrying: [...HDR10_METADATA_ENCODERS] } },
      );
    if (carries && encoder !== usable[0])
      decisions.push(`rung ${r.name}: ${encoder}, not ${usable[0]}, which would drop the HDR10 metadata`);
    else if (encoder !== preferences[0])
      decisions.push(`rung ${r.name}: ${encoder} (preferred ${preferences[0]} unavailable)`);
    if (toneMap) decisions.push(`rung ${r.name}: ${sourceRange} source tone-mapped to SDR BT.709`);
    rungs.push({
      name: r.name,
      rung: rungs.length,
      codec: r.codec,
      encoder,
      dynamicRange: r.dynamicRange,
      toneMap,
      width,
      height,
      bitRate: r.bitRate,
      maxRate: Math.round(r.bitRate * t.maxRateFactor),
      bufferSize: Math.round(r.bitRate * t.bufferFactor),
      gopFrames,
      pixelFormat: (deep || r.dynamicRange !== 'sdr') && r.codec !== 'h264' && !toneMap ? 'yuv420p10le' : 'yuv420p',
    });
  }
  if (rungs.length === 0) {
    throw new FramewiseError(
      'INVALID_INPUT',
      `No rung of ladder "${t.name}" fits a ${video.width}×${video.height} source`,
      { details: { skipped } },
    );
  }
  const programmes = source.audio.length === 0 ? [] : detectProgrammes(source.audio, options.programmes);
  const audio: PlannedAudio[] = [];
  for (const a of t.audio) {
    if (a.sourceTrack >= source.audio.length) continue;
    const programme = programmes.find((p) => p.tracks.includes(a.sourceTrack));
    if (programme === undefined || programme.tracks.length === 1 || programme.layout === 'other') {
      audio.push({ ...a, sourceTracks: [a.sourceTrack] });
      continue;
    }
    const layout = programme.layout;
    audio.push({ ...a, sourceTracks: [...programme.tracks], layout });
    decisions.push(
      `audio ${a.name}: ${layout} programme on mono tracks ${programme.tracks.join(', ')} joined, then mixed to ${a.channels} channel(s)`,
    );
  }
  return {
    template: t.name,
    frameRate: rate.toJSON(),
    source: { ...display, rotation: video.rotation ?? 0 },
    conditioning: conditioned.conditioning,
    decisions,
    segmentSeconds: (gopFrames * rate.den) / rate.num,
    video: rungs,
    audio,
    skipped,
  };
}
