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
  /** Bits per sample of the video (legal ranges scale with it; default 8). */
  readonly bitDepth?: number;
}

const dB = (db: number) => 10 ** (db / 20);

/**
 * The ffmpeg arguments of the single QC decode: every video analysis chained on the first video
 * stream (blackdetect, freezedetect, scdet, each frame's timestamp printed, and the legal-level
 * counters: a LUT classifying each sample, blackframe counting per plane), and per
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
    // Every frame's timestamp (for gaps and repeats): a key added to each frame, then printed.
    video.push('metadata=mode=add:key=qc.frame:value=1', `${INSTANCE.frames}=mode=print:key=qc.frame`);
    if (policy.levels === false) {
      chains.push(`[0:v:0]${video.join(',')}[qcv]`);
      outputs.push('[qcv]');
    } else {
      // Legal levels: a LUT turns each sample into legal (`maxval`, the top of the legal range),
      // below (0) or above (0.4 × maxval); blackframe then counts, per plane, the share of samples
      // under a threshold (at 8 bits: legal 235, above 94, below 0; 128 counts both, 50 below).
      const scale = 2 ** ((target.bitDepth ?? 8) - 8);
      const lut = (low: number, high: number) =>
        `'if(between(val,${low * scale},${high * scale}),maxval,if(lt(val,${low * scale}),0,0.4*maxval))'`;
      const amount = Math.min(100, Math.floor(policy.levels.maxPixelShare * 100) + 1);
      video.push(`lutyuv=y=${lut(16, 235)}:u=${lut(16, 240)}:v=${lut(16, 240)}`, 'extractplanes=y+u+v[qcy][qcu][qcv]');
      chains.push(
        `[0:v:0]${video.join(',')}`,
        '[qcy]split[qcy1][qcy2]',
        `[qcy1]${INSTANCE.lumaOut}=amount=${amount}:threshold=128[qcyo]`,
        `[qcy2]${INSTANCE.lumaBelow}=amount=1:threshold=50[qcyl]`,
        `[qcu]${INSTANCE.cbOut}=amount=${amount}:threshold=128[qcuo]`,
        `[qcv]${INSTANCE.crOut}=amount=${amount}:threshold=128[qcvo]`,
      );
      outputs.push('[qcyo]', '[qcyl]', '[qcuo]', '[qcvo]');
    }
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
