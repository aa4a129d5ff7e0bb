import { describeInput, FramewiseError } from '../errors/index.js';
import { Timecode } from '../time/index.js';
import type { CaptionCue, CaptionTrack } from './model.js';
import { is608Char } from './scc-write.js';
import { cueText } from './track.js';

/** How bad a caption finding is (the same levels as QC findings). */
export type CaptionQcSeverity = 'fail' | 'warn' | 'info';

/**
 * A caption QC profile as data: the limits a delivery target sets. Leave a limit out to skip
 * its rule. Severities say how bad breaking each rule is (default `fail`).
 */
export interface CaptionQcProfile {
  /** A short id, named in findings. */
  readonly id: string;
  /** Check every cue against CEA-608: 32 columns, 15 rows, its character set. */
  readonly cea608?: boolean;
  /** Most characters on one line. */
  readonly maxCharsPerLine?: number;
  /** Most lines in one cue (roll-up: the roll-up depth). */
  readonly maxLines?: number;
  /** Highest reading rate in characters per second (every character but line breaks counts). */
  readonly maxCps?: number;
  /** Highest reading rate in words per minute. */
  readonly maxWpm?: number;
  /** Shortest cue, milliseconds. */
  readonly minDurationMs?: number;
  /** Longest cue, milliseconds. */
  readonly maxDurationMs?: number;
  /** Smallest gap between two cues that do not touch, frames (Netflix-style: 2). */
  readonly minGapFrames?: number;
  /** Whether cues may overlap in time. */
  readonly allowOverlap?: boolean;
  /** Whether the track must name its language (not `und`). */
  readonly requireLanguage?: boolean;
  /** Severity per rule id; absent rules are `fail`. */
  readonly severities?: Readonly<Record<string, CaptionQcSeverity>>;
}

/**
 * One caption problem, where it is: the same shape as a QC finding (`QcFinding` in
 * `@framewise/core/qc`), so it can be recorded as a `qc-finding` annotation the same way.
 */
export interface CaptionQcFinding {
  /** Rule id, e.g. `caption.reading-rate`, `caption.608.columns`. */
  readonly rule: string;
  readonly severity: CaptionQcSeverity;
  /** First frame of the cue, on the track's timeline. */
  readonly start: number;
  /** Its frames (0 for a track-level finding). */
  readonly duration: number;
  /** `start` as timecode at the track's rate. */
  readonly timecodeIn: string;
  /** The first frame after it, as timecode. */
  readonly timecodeOut: string;
  /** `subtitle:<language>`. */
  readonly track?: string;
  readonly message: string;
  readonly measured?: Readonly<Record<string, number | string>>;
  readonly expected?: Readonly<Record<string, number | string>>;
}

/** Options for {@link checkCaptions}. */
export interface CaptionQcOptions {
  /** The programme's frames on the track's timeline; cues outside it are findings. */
  readonly programme?: { readonly start: number; readonly end: number };
}

/**
 * FCC-style US broadcast captions (CEA-608 line 21): 32 columns, at most 4 rows on screen, the
 * 608 character set, no overlaps, a language, and cues of at least one second.
 */
export const FCC_608_CAPTIONS: CaptionQcProfile = Object.freeze({
  id: 'fcc-608',
  cea608: true,
  maxCharsPerLine: 32,
  maxLines: 4,
  minDurationMs: 1000,
  allowOverlap: false,
  requireLanguage: true,
});

/**
 * Netflix-style timed text (its published English guidance): 42 characters a line, 2 lines,
 * 20 characters per second for adult programmes, 5/6 s to 7 s per cue, 2 frames between cues.
 */
export const NETFLIX_STYLE_SUBTITLES: CaptionQcProfile = Object.freeze({
  id: 'netflix-style',
  maxCharsPerLine: 42,
  maxLines: 2,
  maxCps: 20,
  minDurationMs: 833,
  maxDurationMs: 7000,
  minGapFrames: 2,
  allowOverlap: false,
  requireLanguage: true,
  severities: Object.freeze({ 'caption.gap': 'warn', 'caption.reading-rate': 'warn' }),
});

/**
 * BBC-style subtitles (its subtitle guidelines): about 37 characters a line, 2 lines, 160-180
 * words per minute (180 here), at least 1 second a cue, no overlaps.
 */
export const BBC_STYLE_SUBTITLES: CaptionQcProfile = Object.freeze({
  id: 'bbc-style',
  maxCharsPerLine: 37,
  maxLines: 2,
  maxWpm: 180,
  minDurationMs: 1000,
  allowOverlap: false,
  requireLanguage: true,
  severities: Object.freeze({ 'caption.reading-rate': 'warn' }),
});

function positive(profile: CaptionQcProfile, key: keyof CaptionQcProfile): void {
  const v = profile[key];
  if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) {
    throw new FramewiseError(
      'INVALID_INPUT',
      `Caption QC profile ${describeInput(profile.id)}: ${key} ${describeInput(v)} must be a non-negative number`,
      {
        details: { profile: profile.id, key },
      },
    );
  }
}

/**
 * Check a caption track against a profile and return typed findings: the track-level ones first,
 * then cue by cue. Nothing is changed: fix the track, or record the findings.
 *
 * Rules: `caption.language`, `caption.overlap`, `caption.gap`, `caption.min-duration`,
 * `caption.max-duration`, `caption.reading-rate` (CPS and WPM), `caption.line-length`,
 * `caption.lines`, `caption.outside-programme`, and with `cea608`: `caption.608.columns`,
 * `caption.608.rows`, `caption.608.characters`.
 *
 * @throws `INVALID_INPUT` for a profile with a negative or non-numeric limit.
 */
export function checkCaptions(
  track: CaptionTrack,
  profile: CaptionQcProfile,
  options: CaptionQcOptions = {},
): CaptionQcFinding[] {
  for (const key of [
    'maxCharsPerLine',
    'maxLines',
    'maxCps',
    'maxWpm',
    'minDurationMs',
    'maxDurationMs',
    'minGapFrames',
  ] as const) {
    positive(profile, key);
  }
  const rate = track.rate;
  const where = `subtitle:${track.language}`;
  const tc = (frame: number): string => Timecode.fromFrames(frame, rate, { overflow: 'wrap' }).toString();
  const findings: CaptionQcFinding[] = [];
  const add = (
    rule: string,
    cue: { begin: number; end: number } | undefined,
    message: string,
    measured?: Record<string, number | string>,
    expected?: Record<string, number | string>,
  ): void => {
    const start = cue?.begin ?? 0;
    const end = cue?.end ?? 0;
    findings.push({
      rule,
      severity: profile.severities?.[rule] ?? 'fail',
      start,
      duration: end - start,
      timecodeIn: tc(start),
      timecodeOut: tc(end),
      track: where,
      message,
      ...(measured === undefined ? {} : { measured }),
      ...(expected === undefined ? {} : { expected }),
    });
  };
  if (profile.requireLanguage === true && track.language.toLowerCase() === 'und') {
    add('caption.language', undefined, 'The track does not name its language (und)');
  }
  const ms = (frames: number): number => Math.round((frames * rate.den * 1000) / rate.num);
  let previous: CaptionCue | undefined;
  track.cues.forEach((cue, index) => {
    const label = `Cue ${index + 1}`;
    const durationMs = ms(cue.end - cue.begin);
    if (previous !== undefined) {
      if (cue.begin < previous.end && profile.allowOverlap !== true) {
        add('caption.overlap', cue, `${label} begins before the previous cue ends`, {
          overlapFrames: previous.end - cue.begin,
        });
      } else if (
        profile.minGapFrames !== undefined &&
        cue.begin > previous.end &&
        cue.begin - previous.end < profile.minGapFrames
      ) {
        add(
          'caption.gap',
          cue,
          `${label} follows the previous cue after ${cue.begin - previous.end} frame(s)`,
          { gapFrames: cue.begin - previous.end },
          { minGapFrames: profile.minGapFrames },
        );
      }
    }
    if (profile.minDurationMs !== undefined && durationMs < profile.minDurationMs) {
      add(
        'caption.min-duration',
        cue,
        `${label} is shown for ${durationMs} ms`,
        { durationMs },
        { minDurationMs: profile.minDurationMs },
      );
    }
    if (profile.maxDurationMs !== undefined && durationMs > profile.maxDurationMs) {
      add(
        'caption.max-duration',
        cue,
        `${label} is shown for ${durationMs} ms`,
        { durationMs },
        { maxDurationMs: profile.maxDurationMs },
      );
    }
    const text = cueText(cue);
    const chars = [...text.replace(/\n/g, '')].length;
    const words = text.split(/\s+/).filter((w) => w.length > 0).length;
    const seconds = durationMs / 1000;
    if (profile.maxCps !== undefined && seconds > 0 && chars / seconds > profile.maxCps) {
      const cps = Math.round((chars / seconds) * 10) / 10;
      add(
        'caption.reading-rate',
        cue,
        `${label} needs ${cps} characters per second`,
        { cps },
        { maxCps: profile.maxCps },
      );
    }
    if (profile.maxWpm !== undefined && seconds > 0 && (words * 60) / seconds > profile.maxWpm) {
      const wpm = Math.round((words * 60) / seconds);
      add('caption.reading-rate', cue, `${label} needs ${wpm} words per minute`, { wpm }, { maxWpm: profile.maxWpm });
    }
    const lines = cue.lines.map((l) => l.spans.map((s) => s.text).join(''));
    const longest = Math.max(0, ...lines.map((l) => [...l].length));
    if (profile.maxCharsPerLine !== undefined && longest > profile.maxCharsPerLine) {
      add(
        'caption.line-length',
        cue,
        `${label} has a line of ${longest} characters`,
        { chars: longest },
        { maxCharsPerLine: profile.maxCharsPerLine },
      );
    }
    const shown = cue.cea608?.mode === 'roll-up' ? (cue.cea608.rollUpRows ?? 2) : cue.lines.length;
    if (profile.maxLines !== undefined && shown > profile.maxLines) {
      add('caption.lines', cue, `${label} shows ${shown} lines`, { lines: shown }, { maxLines: profile.maxLines });
    }
    if (profile.cea608 === true) {
      cue.lines.forEach((line, i) => {
        const width = [...(lines[i] as string)].length;
        const column = line.cell?.column ?? 0;
        if (column + width > 32)
          add(
            'caption.608.columns',
            cue,
            `${label} line ${i + 1} reaches column ${column + width}`,
            { columns: column + width },
            { columns: 32 },
          );
        if (line.cell !== undefined && (line.cell.row < 1 || line.cell.row > 15))
          add('caption.608.rows', cue, `${label} line ${i + 1} is on row ${line.cell.row}`);
      });
      const bad = [...new Set([...text.replace(/\n/g, '')].filter((c) => !is608Char(c)))];
      if (bad.length > 0)
        add(
          'caption.608.characters',
          cue,
          `${label} has characters CEA-608 cannot show: ${bad.slice(0, 10).join(' ')}`,
          { characters: bad.join('') },
        );
    }
    if (options.programme !== undefined && (cue.begin < options.programme.start || cue.end > options.programme.end)) {
      add(
        'caption.outside-programme',
        cue,
        `${label} is outside the programme (${tc(options.programme.start)}-${tc(options.programme.end)})`,
      );
    }
    if (previous === undefined || cue.end > previous.end) previous = cue;
  });
  return findings;
}
