import type { FrameRateJson } from '../time/index.js';
import type { TrackLoudness } from './log-parser.js';
import type { Severity } from './policy.js';

/** A rule's outcome, or a report's: the worst of its findings (`info` findings pass). */
export type QcVerdict = 'pass' | 'warn' | 'fail';

/** One problem, where it is. */
export interface QcFinding {
  /** Rule id, e.g. `video.black`, `loudness.integrated`, `order.video.frame-rate`. */
  readonly rule: string;
  readonly severity: Severity;
  /** First frame, counted from the file's first frame, at the report's rate. */
  readonly start: number;
  /** Number of frames (0 for a point). */
  readonly duration: number;
  /** `start` as timecode, from the file's start timecode. */
  readonly timecodeIn: string;
  /** The first frame after the finding, as timecode. */
  readonly timecodeOut: string;
  /** `video`, `audio:0`, …; absent when it concerns the file. */
  readonly track?: string;
  readonly message: string;
  readonly measured?: Readonly<Record<string, number | string>>;
  readonly expected?: Readonly<Record<string, number | string>>;
}

/**
 * Loudness of one audio programme (one track, or mono tracks measured together), as measured, with
 * its series for plotting.
 */
export interface QcTrackLoudness extends Omit<TrackLoudness, 'momentary' | 'shortTerm'> {
  /** The programme: `audio:0` for one track, `audio:0+1` for a stereo pair on two mono tracks. */
  readonly track: string;
  /** Its audio tracks (0-based, stream order), in channel order; absent in reports from before programmes. */
  readonly tracks?: readonly number[];
  /** Its layout as measured (`mono`, `stereo`, `5.1`, `other`). */
  readonly layout?: string;
  readonly momentary: readonly (readonly [number, number])[];
  readonly shortTerm: readonly (readonly [number, number])[];
}

/** The QC report of one file. */
export interface QcReport {
  readonly id: string;
  /** The file checked, as given. */
  readonly file: string;
  /** The catalog version (and rendition) the file is, when known. */
  readonly versionId?: string;
  readonly renditionId?: string;
  readonly policy: { readonly name: string; readonly version: number };
  readonly order?: string;
  /** ISO 8601 instant. */
  readonly checkedAt: string;
  readonly verdict: QcVerdict;
  /** Frame rate of the positions (the file's video rate; 25 for audio-only files). */
  readonly rate: FrameRateJson;
  readonly startTimecode: string;
  readonly durationFrames: number;
  /** Every rule checked, with its outcome. */
  readonly rules: readonly { readonly rule: string; readonly verdict: QcVerdict }[];
  readonly findings: readonly QcFinding[];
  readonly loudness: readonly QcTrackLoudness[];
  /** Scene cuts (frame numbers), for reference. */
  readonly sceneCuts: readonly number[];
}

/** The worst verdict of some severities (`info` counts as pass). */
export function verdictOf(severities: Iterable<Severity>): QcVerdict {
  let verdict: QcVerdict = 'pass';
  for (const s of severities) {
    if (s === 'fail') return 'fail';
    if (s === 'warn') verdict = 'warn';
  }
  return verdict;
}
