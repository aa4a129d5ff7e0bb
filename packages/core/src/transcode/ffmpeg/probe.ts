import { execFile } from 'node:child_process';
import { open } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { TechnicalMetadata } from '../../assets/index.js';
import { FramewiseError } from '../../errors/index.js';
import { safeMediaPath } from './media-path.js';
import { mpeg2GopTimecode } from './probe-fields.js';
import { type FfprobeOutput, FfprobeOutputSchema, technicalMetadataFromProbe } from './probe-map.js';
import type { FfmpegTools } from './runner.js';

export {
  type FfprobeOutput,
  FfprobeOutputSchema,
  operationalPattern,
  technicalMetadataFromProbe,
} from './probe-map.js';

const execFileAsync = promisify(execFile);
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
      [
        '-v',
        'error',
        '-print_format',
        'json',
        '-show_format',
        '-show_streams',
        '-show_frames',
        '-read_intervals',
        '%+#1',
        file,
      ],
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
  const firstVideo = parsed.data.streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  if (firstVideo !== undefined) {
    const packets = await videoPackets(ffprobe, file, firstVideo.index, options.signal);
    if (packets !== undefined) parsed.data.packets = packets;
    if (firstVideo.codec_name === 'mpeg2video' && !parsed.data.streams.some((s) => s.tags?.timecode)) {
      const tc = await firstBytes(file, 4 * 1024 * 1024).then(mpeg2GopTimecode, () => undefined);
      if (tc !== undefined) parsed.data.gopTimecode = tc;
    }
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

/** Presentation timestamps of a video stream's first 240 packets (no decoding), or undefined. */
async function videoPackets(
  ffprobe: string,
  file: string,
  index: number,
  signal: AbortSignal | undefined,
): Promise<{ pts?: number }[] | undefined> {
  try {
    const { stdout } = await execFileAsync(
      ffprobe,
      [
        '-v',
        'error',
        '-print_format',
        'json',
        '-select_streams',
        String(index),
        '-show_entries',
        'packet=pts',
        '-read_intervals',
        '%+#240',
        file,
      ],
      { maxBuffer: 16 * 1024 * 1024, ...(signal ? { signal } : {}) },
    );
    const packets = (JSON.parse(stdout) as { packets?: { pts?: unknown }[] }).packets ?? [];
    return packets.map((p) => (typeof p.pts === 'number' ? { pts: p.pts } : {}));
  } catch {
    return undefined; // The stream summary stands without the timing detail.
  }
}

async function firstBytes(file: string, length: number): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const buffer = new Uint8Array(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
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
