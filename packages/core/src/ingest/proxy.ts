import type { TechnicalMetadata } from '../assets/index.js';
import { FrameRate, Timecode } from '../time/index.js';
import { filterValue } from './filter-escape.js';

/** How a proxy looks. */
export interface ProxySpec {
  /** Picture height (default 540); the width follows the display aspect, rounded to even. */
  readonly height?: number;
  /** x264 CRF (default 23). */
  readonly crf?: number;
  /** x264 preset (default `veryfast`). */
  readonly preset?: 'ultrafast' | 'superfast' | 'veryfast' | 'faster' | 'fast' | 'medium';
  /** Burn in the source timecode (default true). */
  readonly burnTimecode?: boolean;
  /**
   * Title/version text burnt in under the timecode, written to a text file drawtext reads (never
   * into the filter graph) with `%{…}` expansion off, so any text shows as itself.
   */
  readonly text?: string;
  /** A font file for the burn-in; default fontconfig's `monospace`. */
  readonly fontFile?: string;
  /** Audio bit rate per track in bit/s (default 128 000). */
  readonly audioBitRate?: number;
}

/** What a proxy run is planned to produce. */
export interface ProxyPlan {
  /** The `-filter_complex` chain from `[0:v]` ending in `outLabel` (no leading input label). */
  readonly videoChain: string;
  readonly width: number;
  readonly height: number;
  readonly rate: FrameRate;
  /** The start timecode written into the proxy (`-timecode`), in the rate's canonical form. */
  readonly startTimecode: string;
  /** Output args after `-map [label]`: encoders, audio maps, timecode, container flags. */
  readonly outputArgs: readonly string[];
  /** Per audio track of the source: what the proxy carries. */
  readonly audio: readonly { readonly source: number; readonly channels: number }[];
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/** The display width of a picture of `height`, from the source's display (or sample) aspect ratio. */
export function proxyWidth(technical: TechnicalMetadata, height: number): number {
  const v = technical.video[0];
  if (v === undefined) return even((height * 16) / 9);
  const [dn, dd] = (v.displayAspectRatio ?? '').split(':').map(Number) as [number, number];
  const [sn, sd] = (v.sampleAspectRatio ?? '1:1').split(':').map(Number) as [number, number];
  const dar = dn > 0 && dd > 0 ? dn / dd : (v.width * (sn > 0 && sd > 0 ? sn / sd : 1)) / v.height;
  const turned = v.rotation === 90 || v.rotation === 270;
  return even(height * (turned ? 1 / dar : dar));
}

/**
 * Plan an H.264 proxy of a probed source: scaled to `height` (deinterlaced when the source is
 * interlaced, at the frame rate), with the source timecode burnt in — counted by drawtext from the
 * source's start timecode at the source's exact rate, drop-frame included — and the text from
 * `textFile` under it; the same start timecode written as the proxy's timecode track, so the
 * proxy's first frame is the source's first frame by timecode; every audio track mapped (AAC, mono
 * and stereo kept, wider layouts folded to stereo).
 */
export function planProxy(
  technical: TechnicalMetadata,
  spec: ProxySpec,
  files: { readonly textFile?: string },
): ProxyPlan {
  const video = technical.video[0];
  const height = even(spec.height ?? 540);
  const width = proxyWidth(technical, height);
  const rate = FrameRate.parse(video?.frameRate ?? FrameRate.FPS_25);
  let startTimecode = '00:00:00:00';
  if (rate.timecodeBase !== undefined) {
    try {
      startTimecode = Timecode.parse(technical.startTimecode ?? '00:00:00:00', rate).toString();
    } catch {
      startTimecode = Timecode.fromFrames(0, rate).toString();
    }
  }
  const chain: string[] = [];
  if (video?.scan?.type === 'interlaced') chain.push('bwdif=mode=send_frame');
  chain.push(`scale=${width}:${height}:flags=bicubic`, 'setsar=1', 'format=yuv420p');
  const font = spec.fontFile === undefined ? 'font=monospace' : `fontfile=${filterValue(spec.fontFile)}`;
  const size = Math.max(12, Math.round(height / 18));
  if ((spec.burnTimecode ?? true) && rate.timecodeBase !== undefined) {
    chain.push(
      [
        'drawtext=',
        font,
        `:timecode=${filterValue(startTimecode)}`,
        `:rate=${rate.num}/${rate.den}`,
        `:fontsize=${size}:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=${Math.round(size / 4)}`,
        ':x=(w-tw)/2:y=h-th-',
        String(Math.round(size * 0.8)),
      ].join(''),
    );
  }
  if (files.textFile !== undefined) {
    chain.push(
      [
        'drawtext=',
        font,
        `:textfile=${filterValue(files.textFile)}`,
        ':expansion=none',
        `:fontsize=${Math.round(size * 0.8)}:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=${Math.round(size / 5)}`,
        `:x=(w-tw)/2:y=${Math.round(size * 0.6)}`,
      ].join(''),
    );
  }
  const audio = technical.audio.map((a, i) => ({ source: i, channels: Math.min(a.channels, 2) }));
  const outputArgs: string[] = [];
  audio.forEach((a, i) => {
    outputArgs.push('-map', `0:a:${a.source}`, `-c:a:${i}`, 'aac', `-b:a:${i}`, String(spec.audioBitRate ?? 128_000));
    outputArgs.push(`-ac:a:${i}`, String(a.channels));
  });
  const gop = Math.max(1, Math.round((rate.num / rate.den) * 2));
  outputArgs.push(
    '-c:v',
    'libx264',
    '-preset',
    spec.preset ?? 'veryfast',
    '-crf',
    String(spec.crf ?? 23),
    '-g',
    String(gop),
    '-r',
    `${rate.num}/${rate.den}`,
    '-fps_mode',
    'cfr',
    ...(rate.timecodeBase === undefined ? [] : ['-timecode', startTimecode]),
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
  );
  return { videoChain: chain.join(','), width, height, rate, startTimecode, outputArgs, audio };
}
