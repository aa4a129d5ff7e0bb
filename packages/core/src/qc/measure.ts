import { FramewiseError } from '../errors/index.js';
import { safeMediaPath } from '../transcode/ffmpeg/media-path.js';
import type { FfmpegProgress } from '../transcode/ffmpeg/progress.js';
import { type FfmpegTools, runFfmpeg } from '../transcode/ffmpeg/runner.js';
import { INSTANCE, QcLogParser, type QcMeasurements } from './log-parser.js';
import type { QcPolicy } from './policy.js';

/** Options for {@link measureMedia}. */
export interface MeasureOptions extends FfmpegTools {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: FfmpegProgress) => void;
  /** The file's duration in microseconds, for progress percentages. */
  readonly durationUs?: number;
}

/** What the file holds, as the graph needs it. */
export interface MeasureTarget {
  readonly hasVideo: boolean;
  readonly audioTracks: number;
}

const dB = (db: number) => 10 ** (db / 20);

/**
 * The ffmpeg arguments of the single QC decode: every video analysis chained on the first video
 * stream (blackdetect, freezedetect, scdet, signalstats with its per-frame values printed), and per
 * audio track ebur128 (true peak, frame log) then silencedetect, each branch ending in a null
 * output. The file is decoded once, whatever the number of checks.
 */
export function qcGraphArgs(input: string, target: MeasureTarget, policy: QcPolicy): string[] {
  const file = safeMediaPath(input);
  const chains: string[] = [];
  const outputs: string[] = [];
  if (target.hasVideo) {
    const video: string[] = [];
    if (policy.black !== false)
      video.push(
        `blackdetect=d=${policy.black.minSeconds}:pic_th=${policy.black.pictureThreshold}:pix_th=${policy.black.pixelThreshold}`,
      );
    if (policy.freeze !== false)
      video.push(`freezedetect=n=${dB(policy.freeze.noiseDb).toFixed(6)}:d=${policy.freeze.minSeconds}`);
    if (policy.scenes !== false) video.push(`scdet=threshold=${policy.scenes.threshold}`);
    // Frame times (for gaps and repeats) come from the printed frames, so this branch always runs.
    video.push('signalstats=stat=brng', `${INSTANCE.levels}=mode=print`);
    chains.push(`[0:v:0]${video.join(',')}[qcv]`);
    outputs.push('[qcv]');
  }
  for (let i = 0; i < target.audioTracks; i++) {
    const audio = [`${INSTANCE.loudness(i)}=peak=true:framelog=info`];
    if (policy.silence !== false)
      audio.push(
        `silencedetect=n=${policy.silence.thresholdDb}dB:d=${policy.silence.minSeconds}`,
        `${INSTANCE.silenceStart(i)}=mode=print:key=lavfi.silence_start`,
        `${INSTANCE.silenceEnd(i)}=mode=print:key=lavfi.silence_end`,
      );
    chains.push(`[0:a:${i}]${audio.join(',')}[qca${i}]`);
    outputs.push(`[qca${i}]`);
  }
  if (outputs.length === 0)
    throw new FramewiseError('INVALID_INPUT', `${JSON.stringify(input)} has no video or audio stream to check`, {
      details: { path: input },
    });
  const argv = ['-loglevel', 'level+info', '-i', file, '-filter_complex', chains.join(';')];
  for (const out of outputs) argv.push('-map', out, '-f', 'null', '-');
  return argv;
}

/**
 * Decode a file once and measure everything the policy checks. Decode errors do not make this
 * fail: they are measurements (a damaged file is a QC result, not an exception).
 *
 * @throws `INVALID_INPUT` when ffmpeg cannot read the file at all; `CANCELLED` when aborted.
 */
export async function measureMedia(
  input: string,
  target: MeasureTarget,
  policy: QcPolicy,
  options: MeasureOptions = {},
): Promise<QcMeasurements> {
  const parser = new QcLogParser(target.audioTracks);
  await runFfmpeg(qcGraphArgs(input, target, policy), {
    ...options,
    label: `QC of ${JSON.stringify(input)}`,
    onStderrLine: (line) => parser.push(line),
  });
  return parser.end();
}
