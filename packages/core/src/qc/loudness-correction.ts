import { rename } from 'node:fs/promises';
import { FramewiseError } from '../errors/index.js';
import { parseInput } from '../support/index.js';
import { safeMediaPath } from '../transcode/ffmpeg/media-path.js';
import { type ProbeResult, probe } from '../transcode/ffmpeg/probe.js';
import { type FfmpegTools, runFfmpeg } from '../transcode/ffmpeg/runner.js';
import { type LoudnessTargetInput, LoudnessTargetSchema, loudnessOnlyPolicy } from './policy.js';
import type { QcReport, QcTrackLoudness } from './report.js';
import { runQc } from './run.js';

/** How one audio track's loudness is brought to target. */
export type LoudnessCorrection =
  | { readonly track: number; readonly kind: 'none'; readonly reason: string }
  | {
      readonly track: number;
      readonly kind: 'gain';
      /** Linear gain in dB. */
      readonly gainDb: number;
      /** True peak after the gain, dBTP. */
      readonly predictedTruePeak: number;
    }
  | {
      readonly track: number;
      readonly kind: 'loudnorm';
      /** Why a linear gain does not do (it would push the true peak over the ceiling). */
      readonly reason: string;
    };

/** A loudness correction plan for a file, from its QC report. */
export interface LoudnessPlan {
  readonly target: LoudnessTargetInput;
  readonly tracks: readonly LoudnessCorrection[];
  /** True when any track needs correcting. */
  readonly needed: boolean;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Plan the correction of each track: nothing when the integrated loudness is within tolerance;
 * a linear gain when it reaches the target without the true peak passing the ceiling; otherwise
 * two-pass `loudnorm` (dynamic, with the measured values of a first pass).
 */
export function planLoudnessCorrection(
  loudness: readonly Pick<QcTrackLoudness, 'track' | 'integrated' | 'truePeak'>[],
  targetInput: LoudnessTargetInput,
): LoudnessPlan {
  const target = parseInput(LoudnessTargetSchema, targetInput, 'Loudness target');
  const tracks = loudness.map((t, track): LoudnessCorrection => {
    if (t.integrated === undefined || !Number.isFinite(t.integrated) || t.integrated < -69)
      return { track, kind: 'none', reason: 'silent or too short to measure' };
    const gainDb = round2(target.integrated - t.integrated);
    if (Math.abs(gainDb) <= target.tolerance / 2)
      return { track, kind: 'none', reason: `within ${target.tolerance / 2} LU` };
    const peak = t.truePeak ?? Number.NEGATIVE_INFINITY;
    const predictedTruePeak = round2(peak + gainDb);
    if (predictedTruePeak <= target.truePeakMax) return { track, kind: 'gain', gainDb, predictedTruePeak };
    return {
      track,
      kind: 'loudnorm',
      reason: `a ${gainDb} dB gain would put the true peak at ${predictedTruePeak} dBTP, over ${target.truePeakMax}`,
    };
  });
  return { target: targetInput, tracks, needed: tracks.some((t) => t.kind !== 'none') };
}

/** loudnorm's first-pass measurement. */
interface LoudnormMeasured {
  readonly input_i: string;
  readonly input_tp: string;
  readonly input_lra: string;
  readonly input_thresh: string;
  readonly target_offset: string;
}

/** Run loudnorm's first pass on one track and read its JSON. */
async function loudnormMeasure(
  input: string,
  track: number,
  target: { integrated: number; truePeakMax: number },
  tools: FfmpegTools & { signal?: AbortSignal },
): Promise<LoudnormMeasured> {
  const lines: string[] = [];
  await runFfmpeg(
    [
      '-loglevel',
      'info',
      '-i',
      safeMediaPath(input),
      '-map',
      `0:a:${track}`,
      '-af',
      `loudnorm=I=${target.integrated}:TP=${target.truePeakMax}:LRA=20:print_format=json`,
      '-f',
      'null',
      '-',
    ],
    {
      ...tools,
      label: `Loudness measurement of ${JSON.stringify(input)} track ${track}`,
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
      `loudnorm printed no measurement for ${JSON.stringify(input)} track ${track}`,
      {
        cause: error,
        details: { track },
      },
    );
  }
}

/** Options for {@link correctLoudness}. */
export interface CorrectLoudnessOptions extends FfmpegTools {
  readonly signal?: AbortSignal;
  readonly probed?: ProbeResult;
}

/** What {@link correctLoudness} did. */
export interface LoudnessCorrectionResult {
  readonly output: string;
  readonly plan: LoudnessPlan;
  /** The corrected file measured again against the same target. */
  readonly after: QcReport;
}

/**
 * Write a corrected rendition: video and other streams copied, each planned audio track re-encoded
 * through `volume` (linear gain) or two-pass `loudnorm` (resampled back to the source rate), in the
 * source's audio codec family (PCM stays PCM, anything else becomes AAC at 256 kb/s). The output is
 * then measured again. Written under a temporary name and renamed only when complete.
 *
 * @throws `INVALID_INPUT` when the plan needs no correction or names a track the file lacks.
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
  };
  const probed = options.probed ?? (await probe(input, tools));
  const argv = ['-y', '-loglevel', 'error', '-i', safeMediaPath(input), '-map', '0', '-c', 'copy'];
  for (const step of plan.tracks) {
    const source = probed.technical.audio[step.track];
    if (source === undefined)
      throw new FramewiseError('INVALID_INPUT', `${JSON.stringify(input)} has no audio track ${step.track}`, {
        details: { track: step.track },
      });
    if (step.kind === 'none') continue;
    let filter: string;
    if (step.kind === 'gain') filter = `volume=${step.gainDb}dB`;
    else {
      const m = await loudnormMeasure(input, step.track, target, tools);
      filter = [
        `loudnorm=I=${target.integrated}:TP=${target.truePeakMax}:LRA=20`,
        `measured_I=${m.input_i}:measured_TP=${m.input_tp}:measured_LRA=${m.input_lra}`,
        `measured_thresh=${m.input_thresh}:offset=${m.target_offset}:linear=true`,
      ].join(':');
      // loudnorm works at 192 kHz and drops the channel layout: restore both.
      const layout = source.layout ?? `${source.channels}c`;
      filter += `,aresample=${source.sampleRate}:ochl=${layout}`;
    }
    const pcm = source.codec.startsWith('pcm');
    argv.push(`-filter:a:${step.track}`, filter, `-c:a:${step.track}`, pcm ? 'pcm_s24le' : 'aac');
    if (!pcm) argv.push(`-b:a:${step.track}`, '256k');
  }
  const partial = `${output}.partial${output.slice(output.lastIndexOf('.'))}`;
  argv.push(safeMediaPath(partial));
  await runFfmpeg(argv, {
    ...tools,
    label: `Loudness correction of ${JSON.stringify(input)}`,
    outputs: [partial],
    ...(probed.durationUs === undefined ? {} : { durationUs: probed.durationUs }),
  });
  await rename(partial, output);
  const after = await runQc(output, {
    ...tools,
    policy: loudnessOnlyPolicy(plan.target),
  });
  return { output, plan, after };
}
