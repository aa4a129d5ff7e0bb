import { z } from 'zod';
import { FrameRateJsonSchema, LabelSchema, LanguageTagSchema } from './common.js';

/** Colour primaries (ITU-T H.273 names as ffprobe writes them, plus DCI-P3 variants). */
export const ColourPrimariesSchema = z.enum([
  'bt709',
  'bt2020',
  'bt470bg',
  'smpte170m',
  'smpte432',
  'smpte431',
  'unknown',
]);
/** Transfer characteristics: SDR gamma, PQ (`smpte2084`), HLG (`arib-std-b67`). */
export const TransferSchema = z.enum([
  'bt709',
  'smpte2084',
  'arib-std-b67',
  'bt2020-10',
  'bt2020-12',
  'smpte170m',
  'iec61966-2-1',
  'linear',
  'unknown',
]);
/** Matrix coefficients. */
export const MatrixSchema = z.enum(['bt709', 'bt2020nc', 'bt2020c', 'smpte170m', 'bt470bg', 'rgb', 'ictcp', 'unknown']);
/** HDR formats. */
export const HdrFormatSchema = z.enum(['sdr', 'hdr10', 'hdr10plus', 'hlg', 'dolby-vision']);
/** Scan type and field order. */
export const ScanSchema = z.object({
  type: z.enum(['progressive', 'interlaced', 'psf']),
  fieldOrder: z.enum(['tff', 'bff']).optional(),
});

const Chromaticity = z.object({ x: z.number().min(0).max(1), y: z.number().min(0).max(1) });

/**
 * SMPTE ST 2086 mastering display colour volume (HDR10 static metadata): CIE 1931 chromaticities
 * of the display's primaries and white point, and its luminance range in cd/m².
 */
export const MasteringDisplaySchema = z.object({
  red: Chromaticity,
  green: Chromaticity,
  blue: Chromaticity,
  whitePoint: Chromaticity,
  minLuminance: z.number().min(0).max(10_000),
  maxLuminance: z.number().min(0).max(10_000),
});
/** Mastering display colour volume. */
export type MasteringDisplay = z.output<typeof MasteringDisplaySchema>;

/** CTA-861.3 content light level (HDR10 static metadata): MaxCLL and MaxFALL in cd/m². */
export const ContentLightLevelSchema = z.object({
  maxCll: z.number().int().min(0).max(65_535),
  maxFall: z.number().int().min(0).max(65_535),
});
/** Content light level. */
export type ContentLightLevel = z.output<typeof ContentLightLevelSchema>;

/** One video stream of an essence. */
export const VideoTrackSchema = z.object({
  codec: LabelSchema,
  profile: LabelSchema.optional(),
  level: LabelSchema.optional(),
  width: z.number().int().positive().max(32_768),
  height: z.number().int().positive().max(32_768),
  /** Sample (pixel) aspect ratio as `num:den`. */
  sampleAspectRatio: z
    .string()
    .regex(/^\d{1,5}:\d{1,5}$/)
    .optional(),
  /** Display aspect ratio as `num:den`. */
  displayAspectRatio: z
    .string()
    .regex(/^\d{1,5}:\d{1,5}$/)
    .optional(),
  frameRate: FrameRateJsonSchema,
  scan: ScanSchema.optional(),
  bitDepth: z.number().int().min(1).max(16).optional(),
  chromaSubsampling: z.enum(['4:2:0', '4:2:2', '4:4:4', '4:1:1']).optional(),
  colourPrimaries: ColourPrimariesSchema.optional(),
  transfer: TransferSchema.optional(),
  matrix: MatrixSchema.optional(),
  colourRange: z.enum(['limited', 'full']).optional(),
  hdrFormat: HdrFormatSchema.optional(),
  /** HDR10 mastering display (SEI or container `mdcv`). */
  masteringDisplay: MasteringDisplaySchema.optional(),
  /** HDR10 content light level (SEI or container `clli`). */
  contentLightLevel: ContentLightLevelSchema.optional(),
  /** Display rotation, degrees clockwise, from the display matrix; the picture is shown turned by this. */
  rotation: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]).optional(),
  /** True when frame durations vary (a phone's variable frame rate); `frameRate` is then the nominal rate. */
  variableFrameRate: z.boolean().optional(),
  /** True when the picture carries an alpha channel (ProRes 4444, `yuva*`/`rgba` formats). */
  alpha: z.boolean().optional(),
  bitRate: z.number().int().positive().optional(),
});

/** Audio channel layouts, from mono to immersive. */
export const ChannelLayoutSchema = z.enum([
  'mono',
  'stereo',
  '2.1',
  '5.0',
  '5.0(side)',
  '5.1',
  '5.1(side)',
  '7.1',
  '7.1(wide)',
  '5.1.2',
  '5.1.4',
  '7.1.2',
  '7.1.4',
  'atmos-bed',
  'discrete',
]);
/** What an audio track is for. */
export const AudioRoleSchema = z.enum([
  'main',
  'dialogue',
  'music-and-effects',
  'description',
  'commentary',
  'clean-audio',
  'isolated',
  'other',
]);

/** One audio track of an essence. */
export const AudioTrackSchema = z.object({
  index: z.number().int().nonnegative(),
  codec: LabelSchema,
  channels: z.number().int().positive().max(128),
  layout: ChannelLayoutSchema.optional(),
  sampleRate: z.number().int().positive().max(768_000),
  bitDepth: z.number().int().positive().max(64).optional(),
  language: LanguageTagSchema.optional(),
  role: AudioRoleSchema.default('main'),
  bitRate: z.number().int().positive().optional(),
});

/** Technical metadata of one essence (a media file or package), as probed. */
export const TechnicalMetadataSchema = z.object({
  container: LabelSchema,
  /** MXF operational pattern (`OP1a`, `OPAtom`) where it applies. */
  operationalPattern: LabelSchema.optional(),
  durationFrames: z.number().int().nonnegative().optional(),
  startTimecode: z.string().max(16).optional(),
  sizeBytes: z.number().int().nonnegative().optional(),
  bitRate: z.number().int().positive().optional(),
  video: z.array(VideoTrackSchema).max(16).default([]),
  audio: z.array(AudioTrackSchema).max(128).default([]),
});

/** Technical metadata of one essence. */
export type TechnicalMetadata = z.output<typeof TechnicalMetadataSchema>;
/** Technical metadata as accepted on input. */
export type TechnicalMetadataInput = z.input<typeof TechnicalMetadataSchema>;
