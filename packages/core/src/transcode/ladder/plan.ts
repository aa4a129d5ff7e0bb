import type { TechnicalMetadata } from '../../assets/index.js';
import { FramewiseError } from '../../errors/index.js';
import { parseInput } from '../../support/index.js';
import { FrameRate, type FrameRateJson } from '../../time/index.js';
import { type LadderCodec, type LadderTemplate, type LadderTemplateInput, LadderTemplateSchema } from './template.js';

/** A planned video rung: exact size, rate control and keyframe cadence. */
export interface PlannedRung {
  readonly name: string;
  /** Position in the ladder, 0 = top. */
  readonly rung: number;
  readonly codec: LadderCodec;
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
}

/** A ladder planned for one source. */
export interface LadderPlan {
  readonly template: string;
  readonly frameRate: FrameRateJson;
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
  const rate = FrameRate.parse(video.frameRate);
  const gopFrames = Math.max(1, Math.round((t.segmentSeconds * rate.num) / rate.den));
  const aspect = displayAspect(video);
  const deep = (video.bitDepth ?? 8) > 8;
  const skipped: { name: string; reason: string }[] = [];
  const rungs: PlannedRung[] = [];
  for (const r of t.video) {
    if (options.codecs !== undefined && !options.codecs.includes(r.codec)) continue;
    const height = even(r.height);
    const width = even(height * aspect);
    if (height > video.height || width > even(video.height * aspect) + 2) {
      skipped.push({ name: r.name, reason: `${height}p would upscale the ${video.height}p source` });
      continue;
    }
    if (options.maxRungs !== undefined && rungs.length >= options.maxRungs) {
      skipped.push({ name: r.name, reason: `beyond maxRungs ${options.maxRungs}` });
      continue;
    }
    rungs.push({
      name: r.name,
      rung: rungs.length,
      codec: r.codec,
      width,
      height,
      bitRate: r.bitRate,
      maxRate: Math.round(r.bitRate * t.maxRateFactor),
      bufferSize: Math.round(r.bitRate * t.bufferFactor),
      gopFrames,
      pixelFormat: deep && r.codec !== 'h264' ? 'yuv420p10le' : 'yuv420p',
    });
  }
  if (rungs.length === 0) {
    throw new FramewiseError(
      'INVALID_INPUT',
      `No rung of ladder "${t.name}" fits a ${video.width}×${video.height} source`,
      { details: { skipped } },
    );
  }
  const audio =
    source.audio.length === 0 ? [] : t.audio.filter((a) => a.sourceTrack < source.audio.length).map((a) => ({ ...a }));
  return {
    template: t.name,
    frameRate: rate.toJSON(),
    segmentSeconds: (gopFrames * rate.den) / rate.num,
    video: rungs,
    audio,
    skipped,
  };
}
