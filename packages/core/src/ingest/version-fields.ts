import type { FileLocationInput, TechnicalMetadata, VersionInput, VersionKind } from '../assets/index.js';
import { FrameRate, type FrameRateInput, Timecode } from '../time/index.js';

/** What {@link versionFieldsFromProbe} needs besides the probe. */
export interface VersionFieldsOptions {
  readonly name: string;
  readonly kind: VersionKind;
  /** Where the file is stored. */
  readonly locations: readonly FileLocationInput[];
  /** The timeline rate of a file without video (default 25). */
  readonly audioOnlyRate?: FrameRateInput;
  /** Duration in microseconds, when the stream summary gives no frame count (audio-only files). */
  readonly durationUs?: number | undefined;
}

/** The fields of a new version, and what could not be mapped as probed. */
export interface VersionFields {
  readonly version: VersionInput & { readonly startTimecode: string };
  /** Why a probed value was not taken (e.g. a start timecode that is not a timecode at the rate). */
  readonly warnings: readonly string[];
}

/**
 * Map a probe to a catalog version (the table in docs/ingest.md):
 *
 * - `rate` ← the first video stream's exact rate (`avg_frame_rate`, or `r_frame_rate` when frames
 *   are missing), drop-frame when the start timecode is written with `;` at 30000/1001 or
 *   60000/1001; for audio-only files `audioOnlyRate` (default 25).
 * - `durationFrames` ← the video stream's frame count (`nb_frames`), else the container duration
 *   times the rate, rounded; for audio-only files the duration at `audioOnlyRate`.
 * - `startTimecode` ← the timecode of the video stream, a `tmcd` stream, the container, the MPEG-2
 *   GOP header or the BWF time reference, re-written in the rate's canonical form
 *   (`01:00:00;00` for drop-frame); `00:00:00:00` with a warning when it is not a timecode at
 *   the rate.
 * - `essence` ← every technical field of the probe (container, operational pattern, per video
 *   stream codec/profile/level/size/aspect/scan/bit depth/chroma/colour/HDR, per audio track
 *   codec/channels/layout/sample rate/language/role).
 * - `locations` ← where the file was stored, with its size and digests.
 */
export function versionFieldsFromProbe(technical: TechnicalMetadata, options: VersionFieldsOptions): VersionFields {
  const warnings: string[] = [];
  const video = technical.video[0];
  const rate =
    video === undefined ? FrameRate.parse(options.audioOnlyRate ?? FrameRate.FPS_25) : FrameRate.parse(video.frameRate);
  let durationFrames = technical.durationFrames;
  if (durationFrames === undefined && options.durationUs !== undefined)
    durationFrames = Math.round((options.durationUs * rate.num) / (rate.den * 1e6));
  if (durationFrames === undefined) warnings.push('duration unknown: recorded as 0 frames');
  let startTimecode = '00:00:00:00';
  const probed = technical.startTimecode;
  if (probed !== undefined) {
    try {
      rate.requireTimecodeBase();
      startTimecode = Timecode.parse(probed, rate).toString();
    } catch (error) {
      warnings.push(
        `start timecode ${JSON.stringify(probed)} is not a timecode at ${rate.toString()} fps (${(error as Error).message}): recorded as 00:00:00:00`,
      );
    }
  } else if (rate.timecodeBase !== undefined && rate.dropFrame) {
    startTimecode = Timecode.fromFrames(0, rate).toString();
  }
  return {
    version: {
      name: options.name,
      kind: options.kind,
      rate: rate.toJSON(),
      durationFrames: durationFrames ?? 0,
      startTimecode,
      essence: technical,
      locations: [...options.locations],
    },
    warnings,
  };
}
