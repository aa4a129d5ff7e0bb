import { randomBytes } from 'node:crypto';
import { mkdir, rename } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { TechnicalMetadata } from '../../assets/index.js';
import { FramewiseError } from '../../errors/index.js';
import { hashFile } from '../../storage/hash-file.js';
import { safeMediaPath } from '../ffmpeg/media-path.js';
import { type ProbeResult, probe } from '../ffmpeg/probe.js';
import type { FfmpegProgress } from '../ffmpeg/progress.js';
import { type FfmpegTools, runFfmpeg } from '../ffmpeg/runner.js';
import type { LadderPlan, PlannedAudio, PlannedRung } from './plan.js';

/** x264/x265 speed presets. */
export type EncoderPreset =
  | 'ultrafast'
  | 'superfast'
  | 'veryfast'
  | 'faster'
  | 'fast'
  | 'medium'
  | 'slow'
  | 'slower'
  | 'veryslow';

/** ffmpeg encoder arguments for one planned rung (closed, fixed GOPs; no scene-cut keyframes). */
export function videoEncoderArgs(r: PlannedRung, segmentSeconds: number, preset: EncoderPreset): string[] {
  const gop = String(r.gopFrames);
  const rate = ['-b:v', String(r.bitRate)];
  const vbv = ['-maxrate', String(r.maxRate), '-bufsize', String(r.bufferSize)];
  const keys = ['-g', gop, '-keyint_min', gop, '-force_key_frames', `expr:gte(t,n_forced*${segmentSeconds})`];
  switch (r.codec) {
    case 'h264':
      return [
        '-c:v',
        'libx264',
        '-preset',
        preset,
        '-profile:v',
        'high',
        ...rate,
        ...vbv,
        ...keys,
        '-sc_threshold',
        '0',
        '-flags',
        '+cgop',
        '-pix_fmt',
        r.pixelFormat,
      ];
    case 'hevc':
      return [
        '-c:v',
        'libx265',
        '-preset',
        preset,
        '-tag:v',
        'hvc1',
        ...rate,
        ...vbv,
        ...keys,
        '-x265-params',
        `keyint=${gop}:min-keyint=${gop}:scenecut=0:open-gop=0:log-level=error`,
        '-pix_fmt',
        r.pixelFormat,
      ];
    default:
      // SVT-AV1 rate control takes the average bitrate; peak constraints are not set here.
      return [
        '-c:v',
        'libsvtav1',
        '-preset',
        presetForSvt(preset),
        ...rate,
        ...keys,
        '-svtav1-params',
        `keyint=${gop}:scd=0`,
        '-pix_fmt',
        r.pixelFormat,
      ];
  }
}

function presetForSvt(preset: EncoderPreset): string {
  const order: EncoderPreset[] = [
    'veryslow',
    'slower',
    'slow',
    'medium',
    'fast',
    'faster',
    'veryfast',
    'superfast',
    'ultrafast',
  ];
  return String(Math.min(12, 4 + order.indexOf(preset)));
}

function audioEncoderArgs(a: PlannedAudio): string[] {
  return ['-c:a', a.codec, '-b:a', String(a.bitRate), '-ac', String(a.channels), '-ar', String(a.sampleRate)];
}

/**
 * The filter graph of a decode-once ladder: convert the pixel format once before splitting when
 * every rung shares it, split into one branch per rung, and scale only the branches whose size
 * differs from the source.
 */
export function ladderFilterGraph(plan: LadderPlan, source: TechnicalMetadata): string {
  const n = plan.video.length;
  const formats = new Set(plan.video.map((r) => r.pixelFormat));
  const shared = formats.size === 1 ? `format=${[...formats][0]},` : '';
  const video = source.video[0];
  const square = video?.sampleAspectRatio === undefined || video.sampleAspectRatio === '1:1';
  const graph = [`[0:v:0]${shared}split=${n}${plan.video.map((_, i) => `[s${i}]`).join('')}`];
  plan.video.forEach((r, i) => {
    const steps: string[] = [];
    if (!(square && video?.width === r.width && video.height === r.height))
      steps.push(`scale=${r.width}:${r.height}:flags=lanczos`, 'setsar=1');
    if (shared === '') steps.push(`format=${r.pixelFormat}`);
    graph.push(`[s${i}]${steps.length === 0 ? 'null' : steps.join(',')}[v${i}]`);
  });
  return graph.join(';');
}

/** One file the ladder produced, probed and checksummed. */
export interface LadderOutput {
  readonly kind: 'video' | 'audio';
  readonly name: string;
  readonly path: string;
  readonly rung?: number;
  readonly codec: string;
  readonly width?: number;
  readonly height?: number;
  readonly bitRate: number;
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly md5: string;
  readonly technical: TechnicalMetadata;
}

/** Per-rung progress: in one decode, every rung advances together. */
export interface LadderProgress extends FfmpegProgress {
  /** The rungs and audio renditions this report covers. */
  readonly outputs: readonly string[];
}

/** Options for {@link runLadder}. */
export interface RunLadderOptions extends FfmpegTools {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: LadderProgress) => void;
  /** Encoder speed preset; default `medium`. */
  readonly preset?: EncoderPreset;
  /** The source's probe, when the pipeline has it already (saves probing it again). */
  readonly probed?: ProbeResult;
}

/** What {@link runLadder} produced. */
export interface LadderResult {
  readonly outputs: readonly LadderOutput[];
  readonly argv: readonly string[];
}

/**
 * Run a planned ladder: decode the source once and encode every rung and audio rendition in one
 * ffmpeg process (`split` into scaled branches, one output each). Outputs are written under
 * temporary names and renamed only when the whole run succeeds; each is then probed, checked
 * against its planned size and checksummed. Nothing is stored or registered here: the caller
 * stores and registers the outputs, e.g. with `registerLadderOutputs`.
 *
 * @throws `INTEGRITY` when an output's picture size is not the planned one.
 */
export async function runLadder(
  input: string,
  plan: LadderPlan,
  outputDir: string,
  options: RunLadderOptions = {},
): Promise<LadderResult> {
  const source = safeMediaPath(input);
  await mkdir(outputDir, { recursive: true });
  const preset = options.preset ?? 'medium';
  const probed =
    options.probed ??
    (await probe(source, {
      ...(options.ffprobePath ? { ffprobePath: options.ffprobePath } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    }));
  const argv: string[] = [
    '-y',
    '-filter_complex_threads',
    String(availableParallelism()),
    '-i',
    source,
    '-filter_complex',
    ladderFilterGraph(plan, probed.technical),
  ];
  // Temporary names are unique per run: a worker killed mid-ladder may leave an ffmpeg behind for a
  // moment, and the retry on another worker must never write into the same file.
  const run = randomBytes(6).toString('hex');
  const files: {
    kind: 'video' | 'audio';
    name: string;
    tmp: string;
    final: string;
    rung?: PlannedRung;
    audio?: PlannedAudio;
  }[] = [];
  plan.video.forEach((r, i) => {
    const final = join(outputDir, `${r.name}.mp4`);
    const tmp = `${final}.${run}.partial`;
    files.push({ kind: 'video', name: r.name, tmp, final, rung: r });
    argv.push(
      '-map',
      `[v${i}]`,
      '-an',
      ...videoEncoderArgs(r, plan.segmentSeconds, preset),
      '-movflags',
      '+faststart',
      '-f',
      'mp4',
      safeMediaPath(tmp),
    );
  });
  for (const a of plan.audio) {
    const final = join(outputDir, `${a.name}.m4a`);
    const tmp = `${final}.${run}.partial`;
    files.push({ kind: 'audio', name: a.name, tmp, final, audio: a });
    argv.push(
      '-map',
      `0:a:${a.sourceTrack}`,
      '-vn',
      ...audioEncoderArgs(a),
      '-movflags',
      '+faststart',
      '-f',
      'mp4',
      safeMediaPath(tmp),
    );
  }
  const names = files.map((f) => f.name);
  const tools = {
    ...(options.ffmpegPath ? { ffmpegPath: options.ffmpegPath } : {}),
    ...(options.ffprobePath ? { ffprobePath: options.ffprobePath } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.tracer ? { tracer: options.tracer } : {}),
  };
  await runFfmpeg(argv, {
    ...tools,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(probed.durationUs === undefined ? {} : { durationUs: probed.durationUs }),
    outputs: files.map((f) => f.tmp),
    label: `Ladder "${plan.template}" of ${JSON.stringify(input)}`,
    ...(options.onProgress
      ? { onProgress: (p: FfmpegProgress) => options.onProgress?.({ ...p, outputs: names }) }
      : {}),
  });
  for (const f of files) await rename(f.tmp, f.final);
  // Probe and checksum every output at once.
  const checked = await Promise.all(
    files.map(async (f) => ({
      f,
      probed: await probe(f.final, tools),
      digests: await hashFile(f.final, options.signal),
    })),
  );
  const outputs: LadderOutput[] = [];
  for (const {
    f,
    probed: { technical },
    digests,
  } of checked) {
    const v = technical.video[0];
    if (f.kind === 'video' && (v === undefined || v.width !== f.rung?.width || v.height !== f.rung?.height)) {
      throw new FramewiseError(
        'INTEGRITY',
        `Ladder output ${JSON.stringify(f.final)} is ${v?.width}×${v?.height}, planned ${f.rung?.width}×${f.rung?.height}`,
        { details: { path: f.final } },
      );
    }
    outputs.push({
      kind: f.kind,
      name: f.name,
      path: f.final,
      ...(f.rung ? { rung: f.rung.rung, width: f.rung.width, height: f.rung.height } : {}),
      codec: f.rung?.codec ?? f.audio?.codec ?? 'unknown',
      bitRate: f.rung?.bitRate ?? f.audio?.bitRate ?? 0,
      sizeBytes: digests.sizeBytes,
      sha256: digests.sha256,
      md5: digests.md5,
      technical,
    });
  }
  return { outputs, argv };
}
