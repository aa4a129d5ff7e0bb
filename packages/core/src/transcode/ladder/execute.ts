import { randomBytes } from 'node:crypto';
import { mkdir, rename } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { TechnicalMetadata } from '../../assets/index.js';
import { programmeSource } from '../../assets/programmes.js';
import { FramewiseError } from '../../errors/index.js';
import { hashFile } from '../../storage/hash-file.js';
import type { FfmpegCapabilities } from '../ffmpeg/capabilities.js';
import { safeMediaPath } from '../ffmpeg/media-path.js';
import { type ProbeResult, probe } from '../ffmpeg/probe.js';
import type { FfmpegProgress } from '../ffmpeg/progress.js';
import { type FfmpegTools, runFfmpeg } from '../ffmpeg/runner.js';
import { conditioningFilters, TONE_MAP_FILTERS } from './conditioning.js';
import { type EncoderPreset, videoEncoderArgs } from './encoders.js';
import type { LadderPlan, PlannedAudio, PlannedRung } from './plan.js';
import { OutputNameSchema } from './template.js';

export type { EncoderPreset } from './encoders.js';
export { videoEncoderArgs } from './encoders.js';

function audioEncoderArgs(a: PlannedAudio): string[] {
  return ['-c:a', a.codec, '-b:a', String(a.bitRate), '-ac', String(a.channels), '-ar', String(a.sampleRate)];
}

/** True when a rendition is joined from a programme on several mono tracks. */
const joinedTracks = (a: PlannedAudio) => a.layout !== undefined && (a.sourceTracks?.length ?? 0) > 1;

/** `join` chains for the renditions whose programme is carried on several mono tracks, labelled `[aN]`. */
function audioJoinGraphs(audio: readonly PlannedAudio[]): string[] {
  return audio.flatMap((a, i) => {
    if (!joinedTracks(a)) return [];
    const tracks = a.sourceTracks as readonly number[];
    const programme = {
      id: `audio:${tracks.join('+')}`,
      layout: a.layout as NonNullable<PlannedAudio['layout']>,
      tracks,
    };
    return [
      `${programmeSource(
        programme,
        tracks.map((t) => `[0:a:${t}]`),
      )}[a${i}]`,
    ];
  });
}

/**
 * The filter graph of a decode-once ladder: the source conditioning (deinterlace or inverse
 * telecine, constant frame rate) once, tone-mapping once when every rung needs it, the pixel
 * format converted once before splitting when every rung shares it, one branch per rung, and
 * scaling only the branches whose size differs from the (rotated) source. ffmpeg's autorotation
 * turns the picture before this graph, so rotation always comes before scaling.
 */
export function ladderFilterGraph(plan: LadderPlan, source: TechnicalMetadata): string {
  const n = plan.video.length;
  const pre = conditioningFilters(plan.conditioning ?? {});
  const allToneMapped = plan.video.every((r) => r.toneMap);
  if (allToneMapped) pre.push(...TONE_MAP_FILTERS);
  const formats = new Set(plan.video.map((r) => r.pixelFormat));
  const shared = formats.size === 1 && !plan.video.some((r) => r.toneMap && !allToneMapped);
  if (shared && !allToneMapped) pre.push(`format=${[...formats][0]}`);
  const video = source.video[0];
  const square = video?.sampleAspectRatio === undefined || video.sampleAspectRatio === '1:1';
  const size = plan.source ?? { width: video?.width, height: video?.height };
  const graph = [`[0:v:0]${pre.map((f) => `${f},`).join('')}split=${n}${plan.video.map((_, i) => `[s${i}]`).join('')}`];
  plan.video.forEach((r, i) => {
    const steps: string[] = [];
    if (!(square && size.width === r.width && size.height === r.height))
      steps.push(`scale=${r.width}:${r.height}:flags=lanczos`, 'setsar=1');
    if (r.toneMap && !allToneMapped) steps.push(...TONE_MAP_FILTERS);
    if (!shared) steps.push(`format=${r.pixelFormat}`);
    graph.push(`[s${i}]${steps.length === 0 ? 'null' : steps.join(',')}[v${i}]`);
  });
  return graph.join(';');
}

/**
 * Check a plan against the probed source before anything is encoded: the source must be the
 * one planned for (display size and rotation), every rung within it, and every output name a
 * plain file name inside the output directory.
 *
 * @throws `INVALID_INPUT` naming the mismatch.
 */
export function checkPlanForSource(plan: LadderPlan, source: TechnicalMetadata): void {
  const v = source.video[0];
  if (v === undefined) throw new FramewiseError('INVALID_INPUT', 'The source has no video stream', { details: {} });
  const turned = v.rotation === 90 || v.rotation === 270;
  const width = turned ? v.height : v.width;
  const height = turned ? v.width : v.height;
  if (plan.source !== undefined && (plan.source.width !== width || plan.source.height !== height)) {
    throw new FramewiseError(
      'INVALID_INPUT',
      `Ladder "${plan.template}" was planned for a ${plan.source.width}×${plan.source.height} picture; this source shows ${width}×${height}${v.rotation ? ` (rotated ${v.rotation}°)` : ''}`,
      { details: { planned: plan.source, source: { width, height, rotation: v.rotation ?? 0 } } },
    );
  }
  for (const r of plan.video) {
    if (r.height > height + 2 || r.width > width + 2)
      throw new FramewiseError(
        'INVALID_INPUT',
        `Rung "${r.name}" (${r.width}×${r.height}) is larger than the ${width}×${height} source`,
        { details: { rung: r.name } },
      );
  }
  for (const name of [...plan.video.map((r) => r.name), ...plan.audio.map((a) => a.name)]) {
    const parsed = OutputNameSchema.safeParse(name);
    if (!parsed.success)
      throw new FramewiseError('INVALID_INPUT', `Output name ${JSON.stringify(name)} is not a plain file name`, {
        details: { name },
      });
  }
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
  /** Audio: the language of the source track it was encoded from (BCP 47). */
  readonly language?: string;
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
  /** `ffmpegCapabilities()`: every planned encoder is checked against it before the run. */
  readonly capabilities?: FfmpegCapabilities;
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
  checkPlanForSource(plan, probed.technical);
  if (options.capabilities !== undefined) {
    for (const r of plan.video)
      if (r.encoder !== undefined && !options.capabilities.encoders.has(r.encoder))
        throw new FramewiseError('UNSUPPORTED', `Rung "${r.name}": encoder ${r.encoder} is not usable in this ffmpeg`, {
          details: { rung: r.name, encoder: r.encoder },
        });
  }
  const sourceVideo = probed.technical.video[0];
  const hdr = {
    ...(sourceVideo?.masteringDisplay ? { masteringDisplay: sourceVideo.masteringDisplay } : {}),
    ...(sourceVideo?.contentLightLevel ? { contentLightLevel: sourceVideo.contentLightLevel } : {}),
  };
  const argv: string[] = [
    '-y',
    '-filter_complex_threads',
    String(availableParallelism()),
    '-i',
    source,
    '-filter_complex',
    [ladderFilterGraph(plan, probed.technical), ...audioJoinGraphs(plan.audio)].join(';'),
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
      ...videoEncoderArgs(r, plan.segmentSeconds, preset, hdr),
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
      joinedTracks(a) ? `[a${plan.audio.indexOf(a)}]` : `0:a:${a.sourceTrack}`,
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
      ...(f.audio && probed.technical.audio[f.audio.sourceTrack]?.language
        ? { language: probed.technical.audio[f.audio.sourceTrack]?.language as string }
        : {}),
      bitRate: f.rung?.bitRate ?? f.audio?.bitRate ?? 0,
      sizeBytes: digests.sizeBytes,
      sha256: digests.sha256,
      md5: digests.md5,
      technical,
    });
  }
  return { outputs, argv };
}
