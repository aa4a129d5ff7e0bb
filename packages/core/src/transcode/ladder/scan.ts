/**
 * Scan analysis with ffmpeg's `idet`: whether the picture is really interlaced (whatever the flags
 * say), its field order, and whether it carries 3:2 pulldown (telecined film at 29.97).
 */
import { FramewiseError } from '../../errors/index.js';
import { safeMediaPath } from '../ffmpeg/media-path.js';
import { type FfmpegTools, runFfmpeg } from '../ffmpeg/runner.js';

/** What `idet` saw over the analysed frames. */
export interface ScanAnalysis {
  /** Frames analysed. */
  readonly frames: number;
  /** Multi-frame detection counts. */
  readonly tff: number;
  readonly bff: number;
  readonly progressive: number;
  /** Frames with a repeated top or bottom field (3:2 pulldown repeats 2 fields in every 5 frames). */
  readonly repeatedFields: number;
  /** The verdict: progressive, interlaced (with field order), or telecined. */
  readonly scan: 'progressive' | 'interlaced' | 'telecined';
  readonly fieldOrder?: 'tff' | 'bff';
}

/** Classify `idet` log lines (its summary at the end of a run). */
export function classifyIdet(lines: readonly string[]): ScanAnalysis | undefined {
  const text = lines.join('\n');
  const multi =
    /Multi frame detection:\s*TFF:\s*(\d+)\s*BFF:\s*(\d+)\s*Progressive:\s*(\d+)\s*Undetermined:\s*(\d+)/.exec(text);
  const repeated = /Repeated Fields:\s*Neither:\s*(\d+)\s*Top:\s*(\d+)\s*Bottom:\s*(\d+)/.exec(text);
  if (multi === null) return undefined;
  const [tff, bff, progressive, undetermined] = multi.slice(1, 5).map(Number) as [number, number, number, number];
  const [neither, top, bottom] = (repeated?.slice(1, 4).map(Number) ?? [0, 0, 0]) as [number, number, number];
  const frames = tff + bff + progressive + undetermined;
  const repeatedFields = top + bottom;
  const fieldOrder = tff >= bff ? ('tff' as const) : ('bff' as const);
  const total = neither + top + bottom;
  // 3:2 pulldown: 2 of every 5 frames repeat a field, one top, one bottom.
  const share = total === 0 ? 0 : repeatedFields / total;
  if (share >= 0.3 && share <= 0.5 && top > 0 && bottom > 0)
    return { frames, tff, bff, progressive, repeatedFields, scan: 'telecined', fieldOrder };
  const decided = tff + bff + progressive;
  if (decided > 0 && (tff + bff) / decided > 0.5)
    return { frames, tff, bff, progressive, repeatedFields, scan: 'interlaced', fieldOrder };
  return { frames, tff, bff, progressive, repeatedFields, scan: 'progressive' };
}

/** Options for {@link analyseScan}. */
export interface AnalyseScanOptions extends FfmpegTools {
  readonly signal?: AbortSignal;
  /** Frames to analyse from the start (default 120). */
  readonly frames?: number;
}

/**
 * Run `idet` over the first frames of the first video stream and classify the scan.
 *
 * @throws what `runFfmpeg` throws; `INVALID_INPUT` when idet reports nothing (no video).
 */
export async function analyseScan(input: string, options: AnalyseScanOptions = {}): Promise<ScanAnalysis> {
  const lines: string[] = [];
  const { frames = 120, ...tools } = options;
  await runFfmpeg(
    ['-i', safeMediaPath(input), '-map', '0:v:0', '-vf', 'idet', '-frames:v', String(frames), '-an', '-f', 'null', '-'],
    {
      ...tools,
      label: `Scan analysis of ${JSON.stringify(input)}`,
      onStderrLine: (line) => {
        if (line.includes('idet')) lines.push(line);
      },
    },
  );
  const analysis = classifyIdet(lines);
  if (analysis === undefined) {
    throw new FramewiseError('INVALID_INPUT', `Scan analysis of ${JSON.stringify(input)} found no video frames`, {
      details: { input },
    });
  }
  return analysis;
}
