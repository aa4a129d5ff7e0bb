import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { z } from 'zod';
import { ColourPrimariesSchema, MatrixSchema, type TechnicalMetadata, TransferSchema } from '../../assets/index.js';
import { FramewiseError } from '../../errors/index.js';
import { FrameRate } from '../../time/index.js';
import { safeMediaPath } from './media-path.js';
import type { FfmpegTools } from './runner.js';

const execFileAsync = promisify(execFile);

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

/** The part of `ffprobe -print_format json -show_format -show_streams` Framewise reads. */
export const FfprobeOutputSchema = z.object({
  streams: z.array(StreamSchema).default([]),
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
  '5.0(side)': '5.0',
  '5.1': '5.1',
  '5.1(side)': '5.1',
  '7.1': '7.1',
  '7.1(wide)': '7.1',
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
    format.tags?.timecode;
  const durationS = Number.parseFloat(format.duration ?? '');
  let durationFrames: number | undefined;
  const video = streams
    .filter((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1)
    .map((s) => {
      const rate = frameRateOf(s, timecode) ?? FrameRate.FPS_25;
      if (durationFrames === undefined) {
        durationFrames =
          int(s.nb_frames) ?? (Number.isFinite(durationS) ? Math.round((durationS * rate.num) / rate.den) : undefined);
      }
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
        ...(s.sample_aspect_ratio && s.sample_aspect_ratio !== '0:1'
          ? { sampleAspectRatio: s.sample_aspect_ratio }
          : {}),
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

/** Options for {@link probe}. */
export interface ProbeOptions extends FfmpegTools {
  readonly signal?: AbortSignal;
  /** Also run MediaInfo (when installed) to fill what ffprobe does not report, e.g. HDR formats it names. */
  readonly mediainfo?: boolean | { readonly path?: string };
}

/** The probed file: technical metadata, exact duration, and ffprobe's raw output. */
export interface ProbeResult {
  readonly technical: TechnicalMetadata;
  /** Duration in microseconds (container duration). */
  readonly durationUs: number | undefined;
  readonly raw: FfprobeOutput;
}

/**
 * Probe a media file with ffprobe (JSON output) and map it to the catalog's technical metadata.
 *
 * @throws `INVALID_INPUT` naming the file when it is not readable media; `INVALID_CONFIG` when
 * ffprobe is missing.
 */
export async function probe(path: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const file = safeMediaPath(path);
  const ffprobe = options.ffprobePath ?? 'ffprobe';
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(
      ffprobe,
      ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file],
      {
        maxBuffer: 64 * 1024 * 1024,
        ...(options.signal ? { signal: options.signal } : {}),
      },
    ));
  } catch (error) {
    const e = error as { code?: unknown; stderr?: string; name?: string };
    if (e.name === 'AbortError')
      throw new FramewiseError('CANCELLED', `Probe of ${JSON.stringify(path)} was cancelled`, { cause: error });
    if (e.code === 'ENOENT')
      throw new FramewiseError(
        'INVALID_CONFIG',
        `${ffprobe} not found: install ffmpeg (apt-get install -y ffmpeg) or set ffprobePath`,
        { cause: error },
      );
    throw new FramewiseError(
      'INVALID_INPUT',
      `${JSON.stringify(path)} is not readable media: ${(e.stderr ?? String(error)).trim().split('\n').slice(-1)[0]?.slice(0, 300)}`,
      {
        cause: error,
        details: { path },
      },
    );
  }
  const parsed = FfprobeOutputSchema.safeParse(JSON.parse(stdout));
  if (!parsed.success || parsed.data.streams.length === 0) {
    throw new FramewiseError('INVALID_INPUT', `${JSON.stringify(path)} has no media streams ffprobe can read`, {
      details: { path },
    });
  }
  let technical = technicalMetadataFromProbe(parsed.data);
  if (options.mediainfo)
    technical = await enrichWithMediaInfo(
      file,
      technical,
      typeof options.mediainfo === 'object' ? options.mediainfo.path : undefined,
    );
  const seconds = Number.parseFloat(parsed.data.format.duration ?? '');
  return { technical, durationUs: Number.isFinite(seconds) ? Math.round(seconds * 1e6) : undefined, raw: parsed.data };
}

async function enrichWithMediaInfo(
  file: string,
  technical: TechnicalMetadata,
  path = 'mediainfo',
): Promise<TechnicalMetadata> {
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(path, ['--Output=JSON', file], { maxBuffer: 64 * 1024 * 1024 }));
  } catch {
    return technical; // MediaInfo is optional: without it, ffprobe's view stands.
  }
  const tracks = ((JSON.parse(stdout) as { media?: { track?: Record<string, string>[] } }).media?.track ??
    []) as Record<string, string>[];
  const general = tracks.find((t) => t['@type'] === 'General');
  const videoTracks = tracks.filter((t) => t['@type'] === 'Video');
  const profile = general?.Format_Profile;
  const op =
    profile && /^OP-?(1|2|3)([abc])$/i.test(profile)
      ? profile.replace(/^OP-?/i, 'OP')
      : profile?.toLowerCase() === 'op-atom'
        ? 'OPAtom'
        : undefined;
  return {
    ...technical,
    ...(technical.operationalPattern === undefined && op ? { operationalPattern: op } : {}),
    video: technical.video.map((v, i) => {
      const hdr = videoTracks[i]?.HDR_Format ?? '';
      const named = /Dolby Vision/i.test(hdr) ? 'dolby-vision' : /2094-40|HDR10\+/i.test(hdr) ? 'hdr10plus' : undefined;
      return named !== undefined && (v.hdrFormat === undefined || v.hdrFormat === 'hdr10')
        ? { ...v, hdrFormat: named }
        : v;
    }),
  };
}
