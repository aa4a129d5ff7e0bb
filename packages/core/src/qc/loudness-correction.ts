import { execFile } from 'node:child_process';
import { rename, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import {
  type AudioProgramme,
  type AudioProgrammeInput,
  PROGRAMME_LAYOUTS,
  programmeSource,
} from '../assets/programmes.js';
import { FramewiseError } from '../errors/index.js';
import { parseInput } from '../support/index.js';
import { assertRegularMediaFile, safeMediaPath } from '../transcode/ffmpeg/media-path.js';
import { type FfmpegTools, runFfmpeg } from '../transcode/ffmpeg/runner.js';
import type { LoudnessCorrection, LoudnessPlan } from './loudness-plan.js';
import { type LoudnessTarget, LoudnessTargetSchema, loudnessOnlyPolicy } from './policy.js';
import type { QcReport } from './report.js';
import { runQc } from './run.js';

export {
  type LoudnessCorrection,
  type LoudnessPlan,
  type PlanLoudnessOptions,
  planLoudnessCorrection,
} from './loudness-plan.js';

const execFileAsync = promisify(execFile);

/** One stream of the input as ffprobe lists it. */
interface Stream {
  readonly index: number;
  readonly codec_type?: string;
  readonly codec_name?: string;
  readonly sample_rate?: string;
  readonly channels?: number;
  readonly channel_layout?: string;
}

/** Every stream of a file (type, codec, audio rate, channels and ffmpeg's own layout name). */
async function streamsOf(input: string, tools: FfmpegTools): Promise<{ streams: Stream[]; durationUs?: number }> {
  const { stdout } = await execFileAsync(
    tools.ffprobePath ?? 'ffprobe',
    [
      '-v',
      'error',
      '-show_entries',
      'stream=index,codec_type,codec_name,sample_rate,channels,channel_layout:format=duration',
      '-of',
      'json',
      safeMediaPath(input),
    ],
    { timeout: 60_000, maxBuffer: 4 * 1024 * 1024 },
  ).catch((error: unknown) => {
    throw new FramewiseError('INVALID_INPUT', `Cannot list the streams of ${JSON.stringify(input)}`, {
      cause: error,
      details: { input },
    });
  });
  const parsed = JSON.parse(stdout) as { streams?: Stream[]; format?: { duration?: string } };
  const seconds = Number(parsed.format?.duration);
  return {
    streams: parsed.streams ?? [],
    ...(Number.isFinite(seconds) ? { durationUs: Math.round(seconds * 1e6) } : {}),
  };
}

/** loudnorm's first-pass measurement. */
interface LoudnormMeasured {
  readonly input_i: string;
  readonly input_tp: string;
  readonly input_lra: string;
  readonly input_thresh: string;
  readonly target_offset: string;
}

/** Run loudnorm's first pass on one programme and read its JSON. */
async function loudnormMeasure(
  input: string,
  programme: AudioProgramme,
  target: LoudnessTarget,
  ceilingDb: number,
  tools: FfmpegTools & { signal?: AbortSignal },
): Promise<LoudnormMeasured> {
  const lines: string[] = [];
  const source = programmeSource(
    programme,
    programme.tracks.map((t) => `[0:a:${t}]`),
  );
  await runFfmpeg(
    [
      '-loglevel',
      'info',
      '-i',
      safeMediaPath(input),
      '-filter_complex',
      `${source}${programme.tracks.length > 1 ? ',' : ''}loudnorm=I=${target.integrated}:TP=${ceilingDb}:LRA=20:print_format=json[m]`,
      '-map',
      '[m]',
      '-f',
      'null',
      '-',
    ],
    {
      ...tools,
      label: `Loudness measurement of ${JSON.stringify(input)} ${programme.id}`,
      onStderrLine: (l) => lines.push(l),
    },
  );
  const text = lines.join('\n');
  const json = text.slice(text.lastIndexOf('{'), text.lastIndexOf('}') + 1);
  try {
    return JSON.parse(json) as LoudnormMeasured;
  } catch (error) {
    throw new FramewiseError(
      'INTERNAL',
      `loudnorm printed no measurement for ${JSON.stringify(input)} ${programme.id}`,
      {
        cause: error,
        details: { programme: programme.id },
      },
    );
  }
}

/** Options for {@link correctLoudness}. */
export interface CorrectLoudnessOptions extends FfmpegTools {
  readonly signal?: AbortSignal;
}

/** What {@link correctLoudness} did. */
export interface LoudnessCorrectionResult {
  readonly output: string;
  readonly plan: LoudnessPlan;
  /** The corrected file measured again against the same target, per programme; it passes. */
  readonly after: QcReport;
  /** The headroom below the true-peak ceiling the delivered file was made with (dB). */
  readonly headroomDb: number;
}

const isLossless = (codec: string | undefined) => codec?.startsWith('pcm_') === true;

/** The programme a plan step corrects, for filter graphs and for the re-measurement. */
function programmeOf(step: LoudnessCorrection): AudioProgramme {
  const layout = step.layout in PROGRAMME_LAYOUTS ? (step.layout as AudioProgramme['layout']) : 'other';
  return { id: step.programme, layout, tracks: step.tracks };
}

/** The filters after the programme's source that correct it, ending at the source's sample rate. */
async function correctionFilters(
  input: string,
  step: LoudnessCorrection,
  target: LoudnessTarget,
  ceilingDb: number,
  sampleRate: number,
  lossy: boolean,
  tools: FfmpegTools & { signal?: AbortSignal },
): Promise<string[]> {
  // A true-peak limiter: 4× oversampled (true peak per ITU-R BS.1770 annex 2), delay compensated.
  const limiter = [
    'aresample=192000',
    `alimiter=limit=${(10 ** (ceilingDb / 20)).toFixed(6)}:level=false:latency=true:attack=1:release=50`,
    `aresample=${sampleRate}`,
  ];
  if (step.kind === 'gain') return [`volume=${step.gainDb}dB`, ...(lossy ? limiter : [])];
  if (step.kind === 'limit') return [`volume=${step.gainDb}dB`, ...limiter];
  if (target.integrated > -5 || ceilingDb < -9 || ceilingDb > 0)
    throw new FramewiseError(
      'UNSUPPORTED',
      `Loudness correction of ${JSON.stringify(input)} ${step.programme} needs loudnorm, which cannot aim at ${target.integrated} LUFS with peaks at ${ceilingDb} dBTP (it takes −70 to −5 LUFS and −9 to 0 dBTP)`,
      { details: { programme: step.programme, integrated: target.integrated, ceilingDb } },
    );
  const m = await loudnormMeasure(input, programmeOf(step), target, ceilingDb, tools);
  return [
    [
      `loudnorm=I=${target.integrated}:TP=${ceilingDb}:LRA=20`,
      `measured_I=${m.input_i}:measured_TP=${m.input_tp}:measured_LRA=${m.input_lra}`,
      `measured_thresh=${m.input_thresh}:offset=${m.target_offset}:linear=true`,
    ].join(':'),
    // loudnorm works at 192 kHz; the channel layout (5.1(side) stays side) is kept by the chain.
    `aresample=${sampleRate}`,
    ...(lossy ? limiter : []),
  ];
}

/** The track's channel layout by ffmpeg's name, or ffmpeg's default for its channel count. */
function layoutName(stream: Stream): string {
  if (stream.channel_layout && /^[\w.()+-]+$/.test(stream.channel_layout)) return stream.channel_layout;
  const channels = stream.channels ?? 2;
  return (
    { 1: 'mono', 2: 'stereo', 3: '2.1', 4: 'quad', 5: '5.0', 6: '5.1', 7: '6.1', 8: '7.1' }[channels] ?? `${channels}c`
  );
}

/** Whether a re-measured programme meets the target. */
function failures(after: QcReport, target: LoudnessTarget): string[] {
  const out: string[] = [];
  for (const p of after.loudness) {
    if (p.integrated !== undefined && Number.isFinite(p.integrated) && p.integrated > -69) {
      if (Math.abs(p.integrated - target.integrated) > target.tolerance)
        out.push(`${p.track}: integrated ${p.integrated} LUFS, target ${target.integrated} ± ${target.tolerance}`);
    }
    if (p.truePeak !== undefined && p.truePeak > target.truePeakMax)
      out.push(`${p.track}: true peak ${p.truePeak} dBTP over ${target.truePeakMax}`);
  }
  return out;
}

/**
 * Write a corrected rendition: every stream kept in its place, video and the others copied, each
 * planned programme re-encoded through its correction — its mono tracks joined into its layout,
 * corrected together, and split back to their tracks — in the source's audio codec family (PCM
 * stays PCM, anything else becomes AAC). A lossy output gets a true-peak limiter at the ceiling
 * less the plan's headroom (the encoder adds peak). The output is measured again per programme;
 * when a programme still misses the target (a lossy encoder overshooting), it is made again once
 * with 1 dB more headroom; when that misses too, the output is removed and an error says so — a
 * failing file is never returned. Written under a temporary name and renamed only when complete.
 *
 * @throws `INVALID_INPUT` when the plan needs no correction or names a track the file lacks;
 * `UNSUPPORTED` when the corrected file cannot be brought within the target (the message names the
 * programme and what it measured).
 */
export async function correctLoudness(
  input: string,
  output: string,
  plan: LoudnessPlan,
  options: CorrectLoudnessOptions = {},
): Promise<LoudnessCorrectionResult> {
  if (!plan.needed)
    throw new FramewiseError('INVALID_INPUT', `${JSON.stringify(input)} needs no loudness correction`, {
      details: { input },
    });
  const target = parseInput(LoudnessTargetSchema, plan.target, 'Loudness target');
  const tools = {
    ...(options.ffmpegPath ? { ffmpegPath: options.ffmpegPath } : {}),
    ...(options.ffprobePath ? { ffprobePath: options.ffprobePath } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  };
  // A FIFO or a device would block ffprobe (and ffmpeg) before anything else could refuse it.
  await assertRegularMediaFile(safeMediaPath(input));
  const { streams, durationUs } = await streamsOf(input, tools);
  const audio = streams.filter((s) => s.codec_type === 'audio');
  for (const step of plan.tracks)
    for (const t of step.tracks)
      if (audio[t] === undefined)
        throw new FramewiseError('INVALID_INPUT', `${JSON.stringify(input)} has no audio track ${t}`, {
          details: { track: t, programme: step.programme },
        });
  const programmes: AudioProgrammeInput[] = plan.tracks
    .filter((s) => s.layout in PROGRAMME_LAYOUTS)
    .map((s) => ({ layout: s.layout as AudioProgrammeInput['layout'], tracks: [...s.tracks] }));
  let headroomDb = plan.headroomDb ?? 1;
  for (let attempt = 1; ; attempt++) {
    const ceilingDb = Math.round((target.truePeakMax - headroomDb) * 100) / 100;
    await writeCorrected(input, output, plan, target, ceilingDb, streams, audio, durationUs, tools);
    const after = await runQc(output, { ...tools, policy: loudnessOnlyPolicy(plan.target), programmes });
    const missing = failures(after, target);
    if (missing.length === 0) return { output, plan, after, headroomDb };
    const lossy = plan.tracks.some((s) => s.kind !== 'none' && !isLossless(audio[s.tracks[0] as number]?.codec_name));
    if (attempt >= 2 || !lossy) {
      await rm(output, { force: true });
      throw new FramewiseError(
        'UNSUPPORTED',
        `Loudness correction of ${JSON.stringify(input)} cannot meet ${target.name}: ${missing.join('; ')} (with ${headroomDb} dB true-peak headroom); nothing was written`,
        { details: { input, missing, headroomDb } },
      );
    }
    headroomDb += 1;
  }
}

/** One pass of writing the corrected file (under a temporary name, renamed when complete). */
async function writeCorrected(
  input: string,
  output: string,
  plan: LoudnessPlan,
  target: LoudnessTarget,
  ceilingDb: number,
  streams: readonly Stream[],
  audio: readonly Stream[],
  durationUs: number | undefined,
  tools: FfmpegTools & { signal?: AbortSignal },
): Promise<void> {
  const chains: string[] = [];
  /** Filter output pad per corrected audio track. */
  const replaced = new Map<number, string>();
  for (const step of plan.tracks) {
    if (step.kind === 'none') continue;
    const programme = programmeOf(step);
    const first = audio[step.tracks[0] as number] as Stream;
    const rate = Number(first.sample_rate) || 48_000;
    const lossy = !isLossless(first.codec_name);
    const filters = await correctionFilters(input, step, target, ceilingDb, rate, lossy, tools);
    const pads = step.tracks.map((t) => `[0:a:${t}]`);
    const outs = step.tracks.map((t) => `[fix${t}]`);
    const split = step.tracks.map((t) => `[split${t}]`);
    if (step.tracks.length === 1)
      // The source's own layout, by ffmpeg's name (5.1(side) stays side), or ffmpeg's default for
      // the channel count when the file names none (loudnorm's resampling needs one to end on).
      chains.push(`${pads[0]}${[...filters, `aformat=channel_layouts=${layoutName(first)}`].join(',')}${outs[0]}`);
    else {
      chains.push(
        `${programmeSource(programme, pads)},${filters.join(',')},channelsplit=channel_layout=${PROGRAMME_LAYOUTS[programme.layout as keyof typeof PROGRAMME_LAYOUTS].ffmpeg}${split.join('')}`,
      );
      // channelsplit labels each output with its position (a 1-channel FL, FR, LFE… layout), which
      // the AAC encoder refuses and PCM would carry as a relabelled track: each is made plain mono.
      step.tracks.forEach((_, i) => {
        chains.push(`${split[i]}aformat=channel_layouts=mono${outs[i]}`);
      });
    }
    step.tracks.forEach((t, i) => {
      replaced.set(t, outs[i] as string);
    });
  }
  const argv = ['-y', '-loglevel', 'error', '-i', safeMediaPath(input)];
  if (chains.length > 0) argv.push('-filter_complex', chains.join(';'));
  const codecs: string[] = ['-c', 'copy'];
  let audioIndex = 0;
  streams.forEach((stream, outIndex) => {
    if (stream.codec_type !== 'audio') {
      argv.push('-map', `0:${stream.index}`);
      return;
    }
    const pad = replaced.get(audioIndex);
    audioIndex++;
    if (pad === undefined) {
      argv.push('-map', `0:${stream.index}`);
      return;
    }
    argv.push('-map', pad);
    if (isLossless(stream.codec_name)) codecs.push(`-c:${outIndex}`, stream.codec_name as string);
    else codecs.push(`-c:${outIndex}`, 'aac', `-b:${outIndex}`, (stream.channels ?? 2) > 1 ? '256k' : '128k');
  });
  const partial = `${output}.partial${output.slice(output.lastIndexOf('.'))}`;
  argv.push(...codecs, safeMediaPath(partial));
  await runFfmpeg(argv, {
    ...tools,
    label: `Loudness correction of ${JSON.stringify(input)}`,
    outputs: [partial],
    ...(durationUs === undefined ? {} : { durationUs }),
  });
  await rename(partial, output);
}
