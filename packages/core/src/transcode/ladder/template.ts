import { z } from 'zod';
import { LabelSchema } from '../../assets/index.js';

/** Video codecs a ladder rung can use. */
export const LadderCodecSchema = z.enum(['h264', 'hevc', 'av1']);
/** A video codec of a ladder. */
export type LadderCodec = z.output<typeof LadderCodecSchema>;

/**
 * An output name: it becomes a file name in the output directory, so letters, digits, `.`, `_`
 * and `-` only, not starting with `.` or `-` (no `/`, no `..`, no `%` that a muxer would expand).
 */
export const OutputNameSchema = z
  .string()
  .max(100)
  .regex(/^[A-Za-z0-9_][A-Za-z0-9._-]*$/, 'must be letters, digits, ".", "_" or "-", not starting with "." or "-"');

/** Dynamic range of a rung: SDR (BT.709), HDR10 (BT.2020 PQ with static metadata) or HLG. */
export const DynamicRangeSchema = z.enum(['sdr', 'hdr10', 'hlg']);
/** A rung's dynamic range. */
export type DynamicRange = z.output<typeof DynamicRangeSchema>;

/** Default encoder preference per codec: the first one this ffmpeg has is used. */
export const DEFAULT_ENCODERS: Readonly<Record<LadderCodec, readonly string[]>> = {
  h264: ['libx264'],
  hevc: ['libx265'],
  av1: ['libsvtav1', 'libaom-av1', 'librav1e'],
};

/** One video rung of a ladder template: a target height and bitrate for a codec. */
export const RungTemplateSchema = z.object({
  name: OutputNameSchema,
  codec: LadderCodecSchema,
  /** Preferred encoders, best first (e.g. `['hevc_nvenc', 'libx265']`); default {@link DEFAULT_ENCODERS}. */
  encoders: z.array(LabelSchema).min(1).max(8).optional(),
  /** SDR (default; HDR sources are tone-mapped), HDR10 or HLG (HEVC or AV1, from a source of that range). */
  dynamicRange: DynamicRangeSchema.default('sdr'),
  height: z.number().int().min(64).max(4320),
  /** Average bitrate in bits per second. */
  bitRate: z.number().int().min(10_000).max(200_000_000),
});

/** An audio rendition of a ladder. */
export const AudioRenditionTemplateSchema = z.object({
  name: OutputNameSchema,
  codec: z.enum(['aac', 'ac3', 'eac3']),
  bitRate: z.number().int().min(8_000).max(1_536_000),
  channels: z.number().int().min(1).max(8),
  sampleRate: z.number().int().positive().default(48_000),
  /** Which source audio track to encode (0-based among audio tracks). */
  sourceTrack: z.number().int().nonnegative().default(0),
});

/** A ladder template: rungs, audio renditions, segment duration and rate-control factors. */
export const LadderTemplateSchema = z.object({
  name: LabelSchema,
  video: z.array(RungTemplateSchema).min(1).max(20),
  audio: z.array(AudioRenditionTemplateSchema).max(8).default([]),
  /** Segment duration in seconds; every rung has a closed GOP of exactly this length. */
  segmentSeconds: z.number().min(1).max(10).default(2),
  /** Peak bitrate as a multiple of the average (VBV maxrate). */
  maxRateFactor: z.number().min(1).max(3).default(1.1),
  /** VBV buffer as a multiple of the average bitrate. */
  bufferFactor: z.number().min(0.5).max(4).default(2),
  /**
   * Interlaced sources are deinterlaced with bwdif: `frame` keeps the frame rate (25i → 25p),
   * `field` outputs one frame per field (50i → 50p, 59.94i → 59.94p, as Apple's HLS authoring
   * specification recommends).
   */
  deinterlace: z.enum(['frame', 'field']).default('frame'),
  /** Inverse telecine (fieldmatch + decimate to 23.976) when the scan analysis finds 3:2 pulldown. */
  inverseTelecine: z.boolean().default(true),
  /** The constant rate a variable-frame-rate source is encoded at (e.g. `"30"`, `"29.97"`); default its nominal rate. */
  frameRate: z.string().max(20).optional(),
});
/** A ladder template as written. */
export type LadderTemplateInput = z.input<typeof LadderTemplateSchema>;
/** A ladder template. */
export type LadderTemplate = z.output<typeof LadderTemplateSchema>;

const aac = [{ name: 'aac-stereo-128k', codec: 'aac' as const, bitRate: 128_000, channels: 2 }];

/**
 * H.264 ladder after Apple's HLS authoring specification (16:9 rungs from 234p at 145 kb/s to
 * 1080p at 7.8 Mb/s) with stereo AAC at 128 kb/s and 2-second segments.
 */
export const APPLE_HLS_H264: LadderTemplateInput = {
  name: 'apple-hls-h264',
  video: [
    { name: 'h264-1080p-7800k', codec: 'h264', height: 1080, bitRate: 7_800_000 },
    { name: 'h264-1080p-6000k', codec: 'h264', height: 1080, bitRate: 6_000_000 },
    { name: 'h264-720p-4500k', codec: 'h264', height: 720, bitRate: 4_500_000 },
    { name: 'h264-720p-3000k', codec: 'h264', height: 720, bitRate: 3_000_000 },
    { name: 'h264-540p-2000k', codec: 'h264', height: 540, bitRate: 2_000_000 },
    { name: 'h264-432p-1100k', codec: 'h264', height: 432, bitRate: 1_100_000 },
    { name: 'h264-360p-730k', codec: 'h264', height: 360, bitRate: 730_000 },
    { name: 'h264-234p-145k', codec: 'h264', height: 234, bitRate: 145_000 },
  ],
  audio: aac,
};

/** HEVC ladder after Apple's HLS authoring specification (SDR), 2-second segments. */
export const APPLE_HLS_HEVC: LadderTemplateInput = {
  name: 'apple-hls-hevc',
  video: [
    { name: 'hevc-2160p-16800k', codec: 'hevc', height: 2160, bitRate: 16_800_000 },
    { name: 'hevc-1440p-8100k', codec: 'hevc', height: 1440, bitRate: 8_100_000 },
    { name: 'hevc-1080p-5800k', codec: 'hevc', height: 1080, bitRate: 5_800_000 },
    { name: 'hevc-1080p-4500k', codec: 'hevc', height: 1080, bitRate: 4_500_000 },
    { name: 'hevc-720p-3400k', codec: 'hevc', height: 720, bitRate: 3_400_000 },
    { name: 'hevc-720p-2400k', codec: 'hevc', height: 720, bitRate: 2_400_000 },
    { name: 'hevc-540p-1600k', codec: 'hevc', height: 540, bitRate: 1_600_000 },
    { name: 'hevc-432p-900k', codec: 'hevc', height: 432, bitRate: 900_000 },
    { name: 'hevc-360p-300k', codec: 'hevc', height: 360, bitRate: 300_000 },
  ],
  audio: aac,
};

/** AV1 ladder at about 70% of the HEVC bitrates, 2-second segments. */
export const AV1_DEFAULT: LadderTemplateInput = {
  name: 'av1-default',
  video: [
    { name: 'av1-2160p-11800k', codec: 'av1', height: 2160, bitRate: 11_800_000 },
    { name: 'av1-1080p-4000k', codec: 'av1', height: 1080, bitRate: 4_000_000 },
    { name: 'av1-720p-2400k', codec: 'av1', height: 720, bitRate: 2_400_000 },
    { name: 'av1-540p-1100k', codec: 'av1', height: 540, bitRate: 1_100_000 },
    { name: 'av1-360p-250k', codec: 'av1', height: 360, bitRate: 250_000 },
  ],
  audio: aac,
};
