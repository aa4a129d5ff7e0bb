/** ffprobe's JSON mapped to the catalog's technical metadata. */
import { z } from 'zod';
import { ColourPrimariesSchema, MatrixSchema, type TechnicalMetadata, TransferSchema } from '../../assets/index.js';
import { FrameRate } from '../../time/index.js';
import {
  bwfTimecode,
  contentLightLevelOf,
  isVariableFrameRate,
  masteringDisplayOf,
  rotationOf,
} from './probe-fields.js';

const StreamSchema = z
  .object({
    index: z.number(),
    codec_type: z.string().optional(),
    codec_name: z.string().optional(),
    codec_tag_string: z.string().optional(),
    profile: z.string().optional(),
    level: z.number().optional(),
    width: z.number().optional(),
    height: z.number().optional(),
    sample_aspect_ratio: z.string().optional(),
    display_aspect_ratio: z.string().optional(),
    r_frame_rate: z.string().optional(),
    avg_frame_rate: z.string().optional(),
    field_order: z.string().optional(),
    pix_fmt: z.string().optional(),
    bits_per_raw_sample: z.string().optional(),
    color_range: z.string().optional(),
    color_space: z.string().optional(),
    color_transfer: z.string().optional(),
    color_primaries: z.string().optional(),
    channels: z.number().optional(),
    channel_layout: z.string().optional(),
    sample_rate: z.string().optional(),
    bit_rate: z.string().optional(),
    nb_frames: z.string().optional(),
    duration: z.string().optional(),
    disposition: z.record(z.string(), z.number()).optional(),
    tags: z.record(z.string(), z.string()).optional(),
    side_data_list: z.array(z.record(z.string(), z.unknown())).optional(),
  })
  .loose();

const FrameSchema = z
  .object({
    stream_index: z.number().optional(),
    side_data_list: z.array(z.record(z.string(), z.unknown())).optional(),
  })
  .loose();

/**
 * The part of `ffprobe -print_format json -show_format -show_streams -show_frames` Framewise reads
 * (the first frame of each stream, for HDR side data), plus the video packets' timestamps probe
 * adds (`packets`, for variable frame rate) and the MPEG-2 GOP timecode it reads (`gopTimecode`).
 */
export const FfprobeOutputSchema = z.object({
  streams: z.array(StreamSchema).default([]),
  frames: z.array(FrameSchema).default([]),
  packets: z.array(z.object({ pts: z.number().optional() }).loose()).optional(),
  gopTimecode: z.string().optional(),
  format: z
    .object({
      format_name: z.string().optional(),
      duration: z.string().optional(),
      size: z.string().optional(),
      bit_rate: z.string().optional(),
      tags: z.record(z.string(), z.string()).optional(),
    })
    .loose()
    .default({}),
});
/** Parsed ffprobe output. */
export type FfprobeOutput = z.output<typeof FfprobeOutputSchema>;
type Stream = z.output<typeof StreamSchema>;

const int = (v: string | number | undefined) => {
  const n = typeof v === 'number' ? v : Number.parseInt(v ?? '', 10);
  return Number.isFinite(n) && n > 0 ? n : undefined;
};

/** Whether a rate has SMPTE timecode (integer rates and their 1000/1001 variants). */
function standard(rate: FrameRate): boolean {
  try {
    rate.requireTimecodeBase();
    return true;
  } catch {
    return false;
  }
}

function frameRateOf(stream: Stream, timecode: string | undefined): FrameRate | undefined {
  const rates = [stream.avg_frame_rate, stream.r_frame_rate].flatMap((text) => {
    const [num, den] = (text ?? '').split('/').map(Number) as [number, number];
    return num > 0 && den > 0 ? [FrameRate.of(num, den)] : [];
  });
  // The average rate, unless frames are missing (a gap pulls the average off the nominal rate):
  // then the nominal rate ffprobe derives from the timestamps.
  const rate = rates.find(standard) ?? rates[0];
  if (rate === undefined) return undefined;
  const drop =
    timecode !== undefined &&
    /[;.,]\d+$/.test(timecode) &&
    (rate.num === 30000 || rate.num === 60000) &&
    rate.den === 1001;
  return drop ? rate.withDropFrame(true) : rate;
}

function containerOf(format: FfprobeOutput['format']): string {
  const names = (format.format_name ?? 'unknown').split(',');
  if (names.includes('mov')) return format.tags?.major_brand?.trim() === 'qt' ? 'mov' : 'mp4';
  if (names.includes('matroska'))
    return format.format_name?.includes('webm') && format.tags?.DOCTYPE === 'webm' ? 'webm' : 'matroska';
  return names[0] ?? 'unknown';
}

/** MXF operational pattern from its UL (`060e2b34.04010101.0d010201.01010900` → `OP1a`). */
export function operationalPattern(ul: string | undefined): string | undefined {
  const groups = ul?.toLowerCase().split('.');
  if (groups === undefined || groups.length < 4 || groups[2] !== '0d010201') return undefined;
  const item = groups[3]?.slice(0, 2);
  const pack = groups[3]?.slice(2, 4);
  if (item === '10') return 'OPAtom';
  const n = Number.parseInt(item ?? '', 16);
  const p = { '01': 'a', '02': 'b', '03': 'c' }[pack ?? ''];
  return n >= 1 && n <= 3 && p !== undefined ? `OP${n}${p}` : undefined;
}

const LAYOUTS: Record<string, TechnicalMetadata['audio'][number]['layout']> = {
  mono: 'mono',
  stereo: 'stereo',
  '2.1': '2.1',
  '5.0': '5.0',
  '5.0(side)': '5.0(side)',
  '5.1': '5.1',
  '5.1(side)': '5.1(side)',
  '7.1': '7.1',
  '7.1(wide)': '7.1(wide)',
  '5.1.2': '5.1.2',
  '5.1.4': '5.1.4',
  '7.1.2': '7.1.2',
  '7.1.4': '7.1.4',
};

/** A colour value when the model names it; ffprobe's `unknown`/`unspecified` and newer values are left out. */
function namedColour<S extends z.ZodType<string>>(schema: S, value: string | undefined): z.output<S> | undefined {
  const parsed = schema.safeParse(value);
  return parsed.success && parsed.data !== 'unknown' ? parsed.data : undefined;
}

function depthAndChroma(stream: Stream): {
  bitDepth?: number;
  chromaSubsampling?: '4:2:0' | '4:2:2' | '4:4:4' | '4:1:1';
} {
  const pix = stream.pix_fmt ?? '';
  const depth =
    int(stream.bits_per_raw_sample) ?? int(/p(\d+)(?:le|be)$/.exec(pix)?.[1]) ?? (pix === '' ? undefined : 8);
  const chroma =
    /^yuv(?:a|j)?420/.test(pix) || /^nv12|^p010/.test(pix)
      ? '4:2:0'
      : /^yuv(?:a|j)?422/.test(pix)
        ? '4:2:2'
        : /^yuv(?:a|j)?444|^gbr/.test(pix)
          ? '4:4:4'
          : /^yuv411/.test(pix)
            ? '4:1:1'
            : undefined;
  return {
    ...(depth === undefined ? {} : { bitDepth: depth }),
    ...(chroma === undefined ? {} : { chromaSubsampling: chroma }),
  };
}

/** MPEG-2 level codes (4:2:2 profile uses 2 and 5 for High and Main). */
const MPEG2_LEVELS: Record<number, string> = { 2: 'High', 4: 'High', 5: 'Main', 6: 'High 1440', 8: 'Main', 10: 'Low' };

function levelOf(stream: Stream): string | undefined {
  const level = stream.level;
  if (level === undefined || level < 0) return undefined;
  if (stream.codec_name === 'h264') return (level / 10).toFixed(1);
  if (stream.codec_name === 'hevc') return String(Math.round((level / 30) * 10) / 10);
  if (stream.codec_name === 'mpeg2video') return MPEG2_LEVELS[level] ?? String(level);
  return String(level);
}

function hdrOf(stream: Stream): TechnicalMetadata['video'][number]['hdrFormat'] {
  const side = (stream.side_data_list ?? []).map((d) => String(d.side_data_type ?? ''));
  if (side.some((s) => s.includes('DOVI'))) return 'dolby-vision';
  if (stream.color_transfer === 'smpte2084') return side.some((s) => s.includes('2094-40')) ? 'hdr10plus' : 'hdr10';
  if (stream.color_transfer === 'arib-std-b67') return 'hlg';
  return stream.color_transfer === undefined ? undefined : 'sdr';
}

/**
 * A Broadcast WAVE `time_reference` as a timecode at the video's rate, or 25 fps when there is no
 * video (audio-only files carry no rate of their own).
 */
function bwfTimecodeOf(output: FfprobeOutput): string | undefined {
  const audio = output.streams.find((s) => s.codec_type === 'audio');
  const video = output.streams.find((s) => s.codec_type === 'video');
  const rate = (video && frameRateOf(video, undefined)) ?? FrameRate.FPS_25;
  return bwfTimecode(output.format.tags?.time_reference, int(audio?.sample_rate) ?? 48_000, rate);
}

function language(tag: string | undefined): string | undefined {
  if (tag === undefined || tag === 'und' || tag === '') return undefined;
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

/**
 * Map ffprobe's JSON to the catalog's technical metadata: container and MXF operational pattern,
 * duration in frames, start timecode (from the video stream, a tmcd stream, or the container), and
 * per stream the exact frame rate (drop-frame when the timecode label says so), scan and field
 * order, bit depth and chroma subsampling, colour primaries, transfer, matrix and range, HDR
 * format, and per audio track the codec, channels and layout, sample rate, language and role.
 */
export function technicalMetadataFromProbe(output: FfprobeOutput): TechnicalMetadata {
  const streams = output.streams;
  const format = output.format;
  const timecode =
    streams.find((s) => s.codec_type === 'video' && s.tags?.timecode)?.tags?.timecode ??
    streams.find((s) => s.tags?.timecode)?.tags?.timecode ??
    format.tags?.timecode ??
    output.gopTimecode ??
    bwfTimecodeOf(output);
  const durationS = Number.parseFloat(format.duration ?? '');
  let durationFrames: number | undefined;
  const videoStreams = streams.filter((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  const firstVideo = videoStreams[0];
  const video = videoStreams.map((s) => {
    const rate = frameRateOf(s, timecode) ?? FrameRate.FPS_25;
    if (durationFrames === undefined) {
      durationFrames =
        int(s.nb_frames) ?? (Number.isFinite(durationS) ? Math.round((durationS * rate.num) / rate.den) : undefined);
    }
    const sideData = [
      ...(s.side_data_list ?? []),
      ...((output.frames ?? []).find((f) => f.stream_index === s.index)?.side_data_list ?? []),
    ];
    const masteringDisplay = masteringDisplayOf(sideData);
    const contentLightLevel = contentLightLevelOf(sideData);
    const rotation = rotationOf(sideData, s.tags);
    const vfr =
      s === firstVideo ? isVariableFrameRate((output.packets ?? []).map((p) => p.pts ?? Number.NaN)) : undefined;
    const fieldOrder = s.field_order;
    const interlaced = fieldOrder !== undefined && fieldOrder !== 'progressive' && fieldOrder !== 'unknown';
    const colourPrimaries = namedColour(ColourPrimariesSchema, s.color_primaries);
    const transfer = namedColour(TransferSchema, s.color_transfer);
    const matrix = namedColour(MatrixSchema, s.color_space);
    return {
      codec: s.codec_name ?? 'unknown',
      ...(s.profile ? { profile: s.profile } : {}),
      ...(levelOf(s) ? { level: levelOf(s) as string } : {}),
      width: s.width ?? 0,
      height: s.height ?? 0,
      ...(s.sample_aspect_ratio && s.sample_aspect_ratio !== '0:1' ? { sampleAspectRatio: s.sample_aspect_ratio } : {}),
      ...(s.display_aspect_ratio && s.display_aspect_ratio !== '0:1'
        ? { displayAspectRatio: s.display_aspect_ratio }
        : {}),
      frameRate: rate.toJSON(),
      ...(fieldOrder === undefined || fieldOrder === 'unknown'
        ? {}
        : {
            scan: interlaced
              ? {
                  type: 'interlaced' as const,
                  fieldOrder: fieldOrder === 'tt' || fieldOrder === 'tb' ? ('tff' as const) : ('bff' as const),
                }
              : { type: 'progressive' as const },
          }),
      ...depthAndChroma(s),
      ...(colourPrimaries ? { colourPrimaries } : {}),
      ...(transfer ? { transfer } : {}),
      ...(matrix ? { matrix } : {}),
      ...(s.color_range === 'tv'
        ? { colourRange: 'limited' as const }
        : s.color_range === 'pc'
          ? { colourRange: 'full' as const }
          : {}),
      ...(hdrOf(s) ? { hdrFormat: hdrOf(s) } : {}),
      ...(masteringDisplay ? { masteringDisplay } : {}),
      ...(contentLightLevel ? { contentLightLevel } : {}),
      ...(rotation === 0 ? {} : { rotation }),
      ...(vfr === undefined ? {} : { variableFrameRate: vfr }),
      ...(/^(?:yuva|rgba|bgra|argb|abgr|gbrap|ya\d)/.test(s.pix_fmt ?? '') ? { alpha: true } : {}),
      ...(int(s.bit_rate) ? { bitRate: int(s.bit_rate) as number } : {}),
    };
  });
  const audio = streams
    .filter((s) => s.codec_type === 'audio')
    .map((s, index) => {
      const d = s.disposition ?? {};
      const role = d.visual_impaired
        ? 'description'
        : d.clean_effects
          ? 'music-and-effects'
          : d.comment
            ? 'commentary'
            : d.hearing_impaired
              ? 'clean-audio'
              : 'main';
      const lang = language(s.tags?.language);
      const layout = LAYOUTS[s.channel_layout ?? ''];
      return {
        index,
        codec: s.codec_name ?? 'unknown',
        channels: s.channels ?? 1,
        ...(layout ? { layout } : {}),
        sampleRate: int(s.sample_rate) ?? 48_000,
        ...(int(s.bits_per_raw_sample) ? { bitDepth: int(s.bits_per_raw_sample) as number } : {}),
        ...(lang ? { language: lang } : {}),
        role: role as 'main',
        ...(int(s.bit_rate) ? { bitRate: int(s.bit_rate) as number } : {}),
      };
    });
  const op = operationalPattern(format.tags?.operational_pattern_ul);
  return {
    container: containerOf(format),
    ...(op ? { operationalPattern: op } : {}),
    ...(durationFrames === undefined ? {} : { durationFrames }),
    ...(timecode ? { startTimecode: timecode } : {}),
    ...(int(format.size) ? { sizeBytes: int(format.size) as number } : {}),
    ...(int(format.bit_rate) ? { bitRate: int(format.bit_rate) as number } : {}),
    video,
    audio,
  };
}
