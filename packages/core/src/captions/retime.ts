import { describeInput, FramewiseError } from '../errors/index.js';
import { type EditList, FrameRate, type FrameRateInput, mulDivRound, TimeRange } from '../time/index.js';
import type { CaptionCue, CaptionTrack } from './model.js';
import { captionTrack } from './track.js';

/** Options for {@link retimeCaptions}. */
export interface CaptionRetimeOptions {
  /** The edit list's id for the track's video (the source the cues are timed against). */
  readonly source: string;
  /**
   * Cues an edit shortens (trims or splits) to fewer frames than this are flagged in
   * {@link CaptionRetimeReport.short}. Default: 5/6 of a second at the track's rate, rounded up
   * (20 frames at 24 fps, the usual minimum subtitle duration).
   */
  readonly minDuration?: number;
}

/** A cue the edit removed entirely. */
export interface DroppedCue {
  /** Index of the cue in the source track. */
  readonly index: number;
  readonly cue: CaptionCue;
}

/** A retimed cue that an edit left shorter than the minimum duration. */
export interface ShortCue {
  /** Index of the cue in the retimed track. */
  readonly index: number;
  /** Index of the cue it came from in the source track. */
  readonly from: number;
  /** Its frames now. */
  readonly duration: number;
}

/** What happened to a caption track through an edit. */
export interface CaptionRetimeReport {
  /** The track on the edit's record timeline (frames include the edit's `recordStart`). */
  readonly track: CaptionTrack;
  /** For each cue of the retimed track, the index of the source cue it came from. */
  readonly from: readonly number[];
  /** Indexes of source cues that span a cut (or a repeat) and became several cues. */
  readonly split: readonly number[];
  /** Source cues whose every frame the edit cut. */
  readonly dropped: readonly DroppedCue[];
  /** Indexes of source cues that lost frames at an end but stayed one cue. */
  readonly trimmed: readonly number[];
  /** Retimed cues that an edit shortened below the minimum duration. */
  readonly short: readonly ShortCue[];
}

/**
 * Carry a caption track through an edit list, the way annotations are carried (both use
 * {@link EditList.mapRange}): cues move to where their frames land on the record timeline; a cue
 * that spans a cut becomes one cue per piece (each keeps the text, styling and placement); cues
 * wholly in removed material are dropped and reported; pieces an edit shortened below
 * `minDuration` are flagged (not removed: a person or caption QC decides).
 *
 * The cues and the edit's source frames must count from the same origin (both from 00:00:00:00,
 * or both from the video's first frame) at the same cadence; convert the rate first with
 * {@link convertCaptionRate} when they differ.
 *
 * @throws `INVALID_INPUT` when the rates differ in cadence or `minDuration` is not a whole number.
 */
export function retimeCaptions(
  track: CaptionTrack,
  edit: EditList,
  options: CaptionRetimeOptions,
): CaptionRetimeReport {
  if (!track.rate.sameCadence(edit.rate)) {
    throw new FramewiseError(
      'INVALID_INPUT',
      `Caption track at ${track.rate.toString()} cannot go through an edit list at ${edit.rate.toString()}; convert it with convertCaptionRate first`,
      { details: { trackRate: track.rate.toJSON(), editRate: edit.rate.toJSON() } },
    );
  }
  const minDuration = options.minDuration ?? Math.ceil((track.rate.num * 5) / (track.rate.den * 6));
  if (!Number.isSafeInteger(minDuration) || minDuration < 0) {
    throw new FramewiseError(
      'INVALID_INPUT',
      `minDuration ${describeInput(minDuration)} must be a whole number of frames`,
      {
        details: { minDuration },
      },
    );
  }
  const cues: CaptionCue[] = [];
  const from: number[] = [];
  const split: number[] = [];
  const dropped: DroppedCue[] = [];
  const trimmed: number[] = [];
  const shortPieces: { cue: CaptionCue; from: number }[] = [];
  track.cues.forEach((cue, index) => {
    const mapping = edit.mapRange(options.source, TimeRange.between(cue.begin, cue.end, edit.rate));
    if (mapping.removed) {
      dropped.push({ index, cue });
      return;
    }
    if (mapping.split) split.push(index);
    else if (mapping.cut.length > 0) trimmed.push(index);
    const shortened = mapping.split || mapping.cut.length > 0;
    for (const piece of mapping.pieces) {
      const moved: CaptionCue = { ...cue, begin: piece.record.start, end: piece.record.end };
      cues.push(moved);
      from.push(index);
      if (shortened && piece.record.duration < minDuration) shortPieces.push({ cue: moved, from: index });
    }
  });
  const retimed = captionTrack({ ...track, cues });
  // captionTrack sorts by time (a repeat in the edit can reorder pieces); find each cue's new index.
  const order = new Map<CaptionCue, number>(retimed.cues.map((c, i) => [c, i]));
  const fromSorted = new Array<number>(cues.length);
  cues.forEach((c, i) => {
    fromSorted[order.get(c) as number] = from[i] as number;
  });
  const short = shortPieces.map((s) => ({
    index: order.get(s.cue) as number,
    from: s.from,
    duration: s.cue.end - s.cue.begin,
  }));
  return { track: retimed, from: fromSorted, split, dropped, trimmed, short };
}

/** How {@link convertCaptionRate} maps frames: keep the time of each cue, or keep its frame numbers. */
export type CaptionRateConversion = 'keep-time' | 'keep-frames';

/**
 * The track at another frame rate.
 *
 * - `keep-time` (default): each cue boundary goes to the nearest frame boundary of the new rate
 *   at the same elapsed time (25 → 29.97 DF for a standards conversion). Adjacent cues stay
 *   adjacent; a cue that would vanish is kept one frame long.
 * - `keep-frames`: the frame numbers stay and the time changes with the speed (a 24 → 25 PAL
 *   speed-up, where the video plays 4 % faster).
 *
 * @throws `INVALID_INPUT` for an unknown rate or mode.
 */
export function convertCaptionRate(
  track: CaptionTrack,
  rate: FrameRateInput,
  mode: CaptionRateConversion = 'keep-time',
): CaptionTrack {
  const target = FrameRate.parse(rate);
  if (mode !== 'keep-time' && mode !== 'keep-frames') {
    throw new FramewiseError(
      'INVALID_INPUT',
      `Rate conversion ${describeInput(mode)} is not keep-time or keep-frames`,
      {
        details: { mode },
      },
    );
  }
  const source = track.rate;
  const num = target.num * source.den;
  const den = source.num * target.den;
  const cues = track.cues.map((cue): CaptionCue => {
    if (mode === 'keep-frames') return cue;
    const begin = mulDivRound(cue.begin, num, den, 'nearest');
    const end = Math.max(begin + 1, mulDivRound(cue.end, num, den, 'nearest'));
    return { ...cue, begin, end };
  });
  return captionTrack({ ...track, rate: target, cues });
}
