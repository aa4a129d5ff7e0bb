import { parseInput } from '../support/index.js';
import { type LoudnessTargetInput, LoudnessTargetSchema } from './policy.js';
import type { QcTrackLoudness } from './report.js';

/** What every planned correction names: the programme it applies to. */
export interface ProgrammeRef {
  /** Position of the programme in the report's `loudness` list. */
  readonly track: number;
  /** The programme (`audio:0`, `audio:0+1`), as in the report. */
  readonly programme: string;
  /** Its audio tracks (0-based, stream order), in channel order. */
  readonly tracks: readonly number[];
  /** Its layout as measured (`mono`, `stereo`, `5.1`, `other`). */
  readonly layout: string;
}

/** How one audio programme's loudness is brought to target (all its tracks together). */
export type LoudnessCorrection = ProgrammeRef &
  (
    | { readonly kind: 'none'; readonly reason: string }
    | {
        readonly kind: 'gain';
        /** Linear gain in dB. */
        readonly gainDb: number;
        /** True peak after the gain, dBTP. */
        readonly predictedTruePeak: number;
      }
    | {
        readonly kind: 'limit';
        /** Linear gain in dB before the limiter (0 when only the true peak is over). */
        readonly gainDb: number;
        /** The true peak the limiter holds (oversampled 4×), dBTP: the ceiling less the headroom. */
        readonly ceilingDb: number;
        readonly reason: string;
      }
    | {
        readonly kind: 'loudnorm';
        /** Why a gain and a limiter do not do (the limiter would have to take off too much). */
        readonly reason: string;
      }
  );

/** A loudness correction plan for a file, from its QC report: one step per programme. */
export interface LoudnessPlan {
  readonly target: LoudnessTargetInput;
  readonly tracks: readonly LoudnessCorrection[];
  /** True when any programme needs correcting. */
  readonly needed: boolean;
  /** Headroom kept below the true-peak ceiling by limiters (dB). */
  readonly headroomDb: number;
}

/** Options of {@link planLoudnessCorrection}. */
export interface PlanLoudnessOptions {
  /**
   * dB kept below the true-peak ceiling where a limiter is used (default 1 dB: a lossy encoder such
   * as AAC adds up to about 1 dB of true peak).
   */
  readonly headroomDb?: number;
  /** The most a limiter may take off the peaks before two-pass loudnorm is used instead (default 4 dB). */
  readonly maxLimitingDb?: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Plan the correction of each programme (each entry of a QC report's `loudness`: one track, or
 * mono tracks measured together, corrected together by the same gain):
 *
 * - nothing when the integrated loudness is within half the tolerance and the true peak under the
 *   ceiling;
 * - a linear gain when it reaches the target without the true peak passing the ceiling less the
 *   headroom;
 * - a gain then a true-peak limiter (oversampled 4×, held at the ceiling less the headroom) when
 *   the peaks are over by at most `maxLimitingDb`, including a true-peak-only failure (loudness on
 *   target, peaks over);
 * - otherwise two-pass `loudnorm` (dynamic, with the measured values of a first pass).
 */
export function planLoudnessCorrection(
  loudness: readonly Pick<QcTrackLoudness, 'track' | 'integrated' | 'truePeak' | 'tracks' | 'layout'>[],
  targetInput: LoudnessTargetInput,
  options: PlanLoudnessOptions = {},
): LoudnessPlan {
  const target = parseInput(LoudnessTargetSchema, targetInput, 'Loudness target');
  const headroomDb = options.headroomDb ?? 1;
  const maxLimitingDb = options.maxLimitingDb ?? 4;
  const ceilingDb = round2(target.truePeakMax - headroomDb);
  const tracks = loudness.map((t, track): LoudnessCorrection => {
    const first = /^audio:(\d+)/.exec(t.track)?.[1];
    const ref: ProgrammeRef = {
      track,
      programme: t.track,
      tracks: t.tracks ?? (first === undefined ? [track] : [Number(first)]),
      layout: t.layout ?? 'other',
    };
    if (t.integrated === undefined || !Number.isFinite(t.integrated) || t.integrated < -69)
      return { ...ref, kind: 'none', reason: 'silent or too short to measure' };
    const peak = t.truePeak ?? Number.NEGATIVE_INFINITY;
    const offTarget = Math.abs(target.integrated - t.integrated) > target.tolerance / 2;
    const gainDb = offTarget ? round2(target.integrated - t.integrated) : 0;
    if (!offTarget && peak <= target.truePeakMax)
      return { ...ref, kind: 'none', reason: `within ${target.tolerance / 2} LU, true peak under the ceiling` };
    const predictedTruePeak = round2(peak + gainDb);
    if (offTarget && predictedTruePeak <= ceilingDb) return { ...ref, kind: 'gain', gainDb, predictedTruePeak };
    const over = round2(predictedTruePeak - ceilingDb);
    if (over <= maxLimitingDb)
      return {
        ...ref,
        kind: 'limit',
        gainDb,
        ceilingDb,
        reason: offTarget
          ? `a ${gainDb} dB gain puts the true peak at ${predictedTruePeak} dBTP: limited by ${over} dB to ${ceilingDb}`
          : `on target but the true peak ${round2(peak)} dBTP is over ${target.truePeakMax}: limited to ${ceilingDb}`,
      };
    return {
      ...ref,
      kind: 'loudnorm',
      reason: `a ${gainDb} dB gain would put the true peak at ${predictedTruePeak} dBTP, over ${target.truePeakMax}`,
    };
  });
  return { target: targetInput, tracks, needed: tracks.some((t) => t.kind !== 'none'), headroomDb };
}
