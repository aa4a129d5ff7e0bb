/**
 * What this ffmpeg can do: its encoders and filters, with hardware encoders proven by a one-frame
 * encode (a listed `h264_nvenc` without a GPU is not usable).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { FramewiseError } from '../../errors/index.js';
import type { FfmpegTools } from './runner.js';

const execFileAsync = promisify(execFile);

/** Encoders and filters an ffmpeg build has and can use. */
export interface FfmpegCapabilities {
  /** Usable encoders: software ones listed by `-encoders`, hardware ones that encoded a test frame. */
  readonly encoders: ReadonlySet<string>;
  /** Filters listed by `-filters`. */
  readonly filters: ReadonlySet<string>;
  /** Hardware encoders listed, and whether the one-frame test encode worked. */
  readonly hardware: Readonly<Record<string, boolean>>;
}

/** Hardware encoder name suffixes. */
const HARDWARE = /_(nvenc|vaapi|qsv|amf|videotoolbox|v4l2m2m|mf|omx|vulkan)$/;

/** Names in the second column of `ffmpeg -encoders` / `-filters` output (after the legend). */
export function parseCapabilityList(text: string, kind: 'encoders' | 'filters'): Set<string> {
  const names = new Set<string>();
  const flags = kind === 'encoders' ? /^\s*[VAS][F.][S.][X.][B.][D.]\s+(\S+)/ : /^\s*[T.][S.][C.]\s+(\S+)\s+\S+->\S+/;
  for (const line of text.split('\n')) {
    const name = flags.exec(line)?.[1];
    if (name !== undefined && name !== '=') names.add(name);
  }
  return names;
}

function hardwareTestArgs(encoder: string): string[] {
  const input = ['-f', 'lavfi', '-i', 'color=black:size=256x144:duration=0.1:rate=25', '-frames:v', '1'];
  if (encoder.endsWith('_vaapi'))
    return [
      '-init_hw_device',
      'vaapi=hw:/dev/dri/renderD128',
      '-filter_hw_device',
      'hw',
      ...input,
      '-vf',
      'format=nv12,hwupload',
    ];
  if (encoder.endsWith('_qsv'))
    return ['-init_hw_device', 'qsv=hw', '-filter_hw_device', 'hw', ...input, '-vf', 'format=nv12,hwupload'];
  return [...input, '-pix_fmt', 'yuv420p'];
}

const cache = new Map<string, Promise<FfmpegCapabilities>>();

/** Options for {@link ffmpegCapabilities}. */
export interface CapabilityOptions extends Pick<FfmpegTools, 'ffmpegPath'> {
  /** Hardware encoders to try (default every listed one whose codec is H.264, HEVC or AV1). */
  readonly hardware?: readonly string[];
  /** Probe again instead of answering from the per-path cache. */
  readonly refresh?: boolean;
}

/**
 * Probe an ffmpeg build's encoders and filters once per path (cached): `-encoders`, `-filters`,
 * and a one-frame encode for each listed hardware encoder (10 s limit each).
 *
 * @throws `INVALID_CONFIG` when ffmpeg cannot be run.
 */
export function ffmpegCapabilities(options: CapabilityOptions = {}): Promise<FfmpegCapabilities> {
  const path = options.ffmpegPath ?? 'ffmpeg';
  const key = `${path}\u0000${options.hardware?.join(',') ?? '*'}`;
  let found = options.refresh ? undefined : cache.get(key);
  if (found === undefined) {
    found = probeCapabilities(path, options.hardware);
    cache.set(key, found);
    found.catch(() => cache.delete(key));
  }
  return found;
}

async function probeCapabilities(path: string, only: readonly string[] | undefined): Promise<FfmpegCapabilities> {
  const list = async (what: 'encoders' | 'filters') => {
    try {
      const { stdout } = await execFileAsync(path, ['-hide_banner', `-${what}`], {
        timeout: 10_000,
        maxBuffer: 4 * 1024 * 1024,
      });
      return parseCapabilityList(stdout, what);
    } catch (error) {
      throw new FramewiseError('INVALID_CONFIG', `${path} -${what} failed: ${(error as Error).message}`, {
        cause: error,
        details: { path },
      });
    }
  };
  const [listed, filters] = await Promise.all([list('encoders'), list('filters')]);
  const candidates = [...listed].filter(
    (e) => HARDWARE.test(e) && /^(h264|hevc|av1)_/.test(e) && (only === undefined || only.includes(e)),
  );
  const hardware: Record<string, boolean> = {};
  for (const encoder of candidates) {
    try {
      await execFileAsync(
        path,
        [
          '-hide_banner',
          '-nostdin',
          '-loglevel',
          'error',
          ...hardwareTestArgs(encoder),
          '-c:v',
          encoder,
          '-f',
          'null',
          '-',
        ],
        { timeout: 10_000 },
      );
      hardware[encoder] = true;
    } catch {
      hardware[encoder] = false;
    }
  }
  const encoders = new Set([...listed].filter((e) => !HARDWARE.test(e) || hardware[e] === true));
  return { encoders, filters, hardware };
}
