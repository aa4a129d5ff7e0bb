import type { TechnicalMetadata } from '../assets/index.js';
import { FrameRate } from '../time/index.js';
import { type ProxyPlan, type ProxySpec, planProxy } from './proxy.js';

/** Poster candidates: frames at scene cuts (and at regular intervals), scored, black and frozen ones left out. */
export interface PosterSpec {
  /** How many to keep (default 3). */
  readonly count?: number;
  /** Picture height (default the source's, at most 720). */
  readonly height?: number;
  /** Scene-change threshold of ffmpeg's `select` scene score, 0-1 (default 0.3). */
  readonly sceneThreshold?: number;
}

/** A WebVTT sprite sheet for scrubbing: tiles of one frame every `intervalSeconds`. */
export interface SpriteSpec {
  /** Seconds between tiles (default: the duration / 100, at least 1). */
  readonly intervalSeconds?: number;
  /** Tile size (default 160×90). */
  readonly tileWidth?: number;
  readonly tileHeight?: number;
  /** Tiles per row and rows per sheet (default 10×10). */
  readonly columns?: number;
  readonly rows?: number;
}

/** A thumbnail size a delivery profile asks for, cut from the best poster. */
export interface ThumbnailSize {
  readonly width: number;
  readonly height: number;
  /** `crop` fills the size (centre crop), `letterbox` fits it with bars (default `crop`). */
  readonly fit?: 'crop' | 'letterbox';
}

/** What to make from one decode of a source. */
export interface DerivativesSpec {
  readonly proxy?: ProxySpec | false;
  readonly posters?: PosterSpec | false;
  readonly sprite?: SpriteSpec | false;
  readonly thumbnails?: readonly ThumbnailSize[];
}

/** One ffmpeg command of a derivatives plan. */
export interface DerivativesCommand {
  /** What it makes: `proxy`, `posters`, `sprite` (several for one decode). */
  readonly makes: readonly ('proxy' | 'posters' | 'sprite')[];
  readonly args: readonly string[];
  /** Files (or patterns' folders) it writes, removed when it fails. */
  readonly outputs: readonly string[];
}

/** A plan: the commands, and what the parsing of their output needs. */
export interface DerivativesPlan {
  readonly commands: readonly DerivativesCommand[];
  readonly proxy?: ProxyPlan & { readonly file: string };
  readonly posters?: {
    readonly pattern: string;
    readonly width: number;
    readonly height: number;
    readonly everyFrames: number;
    readonly count: number;
    readonly threshold: number;
  };
  readonly sprite?: {
    readonly pattern: string;
    readonly intervalSeconds: number;
    readonly tileWidth: number;
    readonly tileHeight: number;
    readonly columns: number;
    readonly rows: number;
    readonly tiles: number;
  };
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/** The conversion every branch starts from. */
const CONVERT = 'format=yuv420p';

/**
 * Plan proxy, poster candidates and sprite sheets from a probed source: `one-decode` makes one
 * ffmpeg command whose decoded video is `split` to every output; `separate` makes one command per
 * output (each decoding the source again), for comparison.
 */
export function planDerivatives(
  input: string,
  technical: TechnicalMetadata,
  durationSeconds: number,
  spec: DerivativesSpec,
  dir: string,
  mode: 'one-decode' | 'separate',
  files: { readonly textFile?: string } = {},
): DerivativesPlan {
  const video = technical.video[0];
  const rate = FrameRate.parse(video?.frameRate ?? FrameRate.FPS_25);
  const fps = rate.num / rate.den;
  const branches: { makes: 'proxy' | 'posters' | 'sprite'; chain: string; out: string[]; outputs: string[] }[] = [];
  let proxy: DerivativesPlan['proxy'];
  let posters: DerivativesPlan['posters'];
  let sprite: DerivativesPlan['sprite'];
  if (spec.proxy !== false && spec.proxy !== undefined) {
    const plan = planProxy(technical, spec.proxy, files);
    const file = `${dir}/proxy.mp4`;
    proxy = { ...plan, file };
    branches.push({ makes: 'proxy', chain: plan.videoChain, out: [...plan.outputArgs, file], outputs: [file] });
  }
  if (video !== undefined && spec.posters !== false && spec.posters !== undefined) {
    const height = even(spec.posters.height ?? Math.min(720, video.height));
    const width = even((height * video.width) / Math.max(1, video.height));
    const count = spec.posters.count ?? 3;
    const threshold = spec.posters.sceneThreshold ?? 0.3;
    // Candidates: the scene cuts, plus a frame at regular intervals (20 over the duration) so a
    // single-shot source still has some; measured before selection so YDIF compares with the
    // source's previous frame (a frozen picture has none).
    const everyFrames = Math.max(1, Math.round((durationSeconds * fps) / 20));
    const pattern = `${dir.replace(/%/g, '%%')}/poster-%04d.jpg`; // image2 numbers the %04d
    posters = { pattern, width, height, everyFrames, count, threshold };
    branches.push({
      makes: 'posters',
      chain: [
        `scale=${width}:${height}`,
        'signalstats',
        `select=gt(scene\\,${threshold})+not(mod(n\\,${everyFrames}))`,
        'metadata=mode=print',
      ].join(','),
      out: ['-fps_mode', 'vfr', '-q:v', '3', '-f', 'image2', pattern],
      outputs: [],
    });
  }
  if (video !== undefined && spec.sprite !== false && spec.sprite !== undefined) {
    const intervalSeconds = spec.sprite.intervalSeconds ?? Math.max(1, Math.ceil(durationSeconds / 100));
    const tileWidth = even(spec.sprite.tileWidth ?? 160);
    const tileHeight = even(spec.sprite.tileHeight ?? 90);
    const columns = spec.sprite.columns ?? 10;
    const rows = spec.sprite.rows ?? 10;
    // A tile at each multiple of the interval that has a frame before the end (container durations
    // often run a fraction of a frame past the last one).
    const tiles = Math.max(1, Math.ceil((durationSeconds - 1 / fps) / intervalSeconds));
    const pattern = `${dir.replace(/%/g, '%%')}/sprite-%03d.jpg`;
    sprite = { pattern, intervalSeconds, tileWidth, tileHeight, columns, rows, tiles };
    branches.push({
      makes: 'sprite',
      chain: [
        `fps=1/${intervalSeconds}:round=down`,
        `scale=${tileWidth}:${tileHeight}:force_original_aspect_ratio=decrease`,
        `pad=${tileWidth}:${tileHeight}:(ow-iw)/2:(oh-ih)/2`,
        'format=yuvj420p',
        `tile=${columns}x${rows}`,
      ].join(','),
      out: ['-fps_mode', 'passthrough', '-q:v', '4', '-f', 'image2', pattern],
      outputs: [],
    });
  }
  const command = (group: typeof branches): DerivativesCommand => {
    const labels = group.map((_, i) => `d${i}`);
    // The pixel format is converted once, before the split (every branch works in 8-bit 4:2:0).
    const graph =
      group.length === 1
        ? `[0:v]${CONVERT},${group[0]?.chain}[d0]`
        : `[0:v]${CONVERT},split=${group.length}${labels.map((l) => `[s${l}]`).join('')};${group
            .map((b, i) => `[sd${i}]${b.chain}[d${i}]`)
            .join(';')}`;
    const args = ['-y', '-i', input, '-filter_complex', graph];
    group.forEach((b, i) => {
      args.push('-map', `[${labels[i]}]`, ...b.out);
    });
    return { makes: group.map((b) => b.makes), args, outputs: group.flatMap((b) => b.outputs) };
  };
  const commands =
    branches.length === 0 ? [] : mode === 'one-decode' ? [command(branches)] : branches.map((b) => command([b]));
  return {
    commands,
    ...(proxy ? { proxy } : {}),
    ...(posters ? { posters } : {}),
    ...(sprite ? { sprite } : {}),
  };
}
