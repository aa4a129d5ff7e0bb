import { z } from 'zod';
import { parseInput } from '../support/index.js';
import { type AsRunEntry, type AsRunEntryInput, AsRunEntrySchema, NOT_AIRED_STATUSES } from './as-run.js';
import {
  type PlayoutEvent,
  type PlayoutEventInput,
  PlayoutEventSchema,
  type PlayoutSchedule,
  type PlayoutScheduleInput,
  PlayoutScheduleSchema,
} from './schedule.js';

/** What reconciliation says about one event. */
export type AsRunVerdict = 'as-planned' | 'early' | 'late' | 'short' | 'long' | 'missing' | 'extra';

/** Options of {@link reconcileAsRun}. */
export const ReconcileOptionsSchema = z.strictObject({
  /** Differences of at most this many frames count as on time / full length (default 0: frame-exact). */
  toleranceFrames: z.number().int().nonnegative().default(0),
});
/** Options of {@link reconcileAsRun}. */
export type ReconcileOptions = z.input<typeof ReconcileOptionsSchema>;

/** One scheduled or aired event, compared. */
export interface ReconciledEvent {
  /** The scheduled event (absent for an extra one). */
  readonly planned?: PlayoutEvent;
  /**
   * When the schedule meant it to air: a fixed event at its start, a follow event when the
   * planned event before it ends (frames counted from the last fixed event, so exact at every
   * rate).
   */
  readonly plannedStart?: string;
  /** The as-run line (absent for a missing event that automation did not report at all). */
  readonly aired?: AsRunEntry;
  /** Aired start minus planned start, in frames (positive: late). */
  readonly startDifferenceFrames?: number;
  /** Aired length minus planned length, in frames (negative: short). */
  readonly durationDifferenceFrames?: number;
  /** `as-planned`, or each discrepancy: early/late, short/long; `missing` or `extra` alone. */
  readonly verdicts: readonly AsRunVerdict[];
}

/** The outcome of {@link reconcileAsRun}: every planned event in order, then the extra ones. */
export interface AsRunReconciliation {
  readonly schedule: PlayoutSchedule;
  readonly events: readonly ReconciledEvent[];
  /** How many events got each verdict. */
  readonly counts: Readonly<Record<AsRunVerdict, number>>;
}

/**
 * Compare what aired with what was scheduled. As-run lines are matched to scheduled events by
 * event id, then (lines without a known id) by house number, in air order, to the first unmatched
 * event with that house number. A matched event is `early`/`late` by its start and `short`/`long`
 * by its length, each difference in frames of the channel's rate; a scheduled event without a
 * line, or whose line says it did not air (`Did not air`, `Preempted`, `Missing Content`), is
 * `missing`; a line matching nothing is `extra`.
 *
 * Planned times are computed as automation runs them: a fixed event at its start, each follow
 * event at the end of the one before (frames summed, so exact at 29.97 and drop-frame too).
 * Aired times are instants; their difference to the plan is rounded to the nearest frame.
 *
 * @throws `INVALID_INPUT` naming the schedule, event or as-run line that is invalid.
 */
export function reconcileAsRun(
  scheduleInput: PlayoutScheduleInput,
  plannedInput: Iterable<PlayoutEventInput>,
  asRunInput: Iterable<AsRunEntryInput>,
  options: ReconcileOptions = {},
): AsRunReconciliation {
  const schedule = parseInput(PlayoutScheduleSchema, scheduleInput, 'Playout schedule');
  const { toleranceFrames } = parseInput(ReconcileOptionsSchema, options, 'Reconcile options');
  const { num, den } = schedule.rate;
  // "+ 0" makes a -0 (a start a fraction of a millisecond early) plain 0.
  const framesBetween = (fromMs: number, toMs: number) => Math.round(((toMs - fromMs) * num) / (den * 1000)) + 0;
  const msAfter = (ms: number, frames: number) => ms + (frames * den * 1000) / num;

  const planned: { event: PlayoutEvent; startMs: number }[] = [];
  let anchorMs = Number.NaN;
  let sinceAnchor = 0;
  let i = 0;
  for (const raw of plannedInput) {
    const event = parseInput(PlayoutEventSchema, raw, `Schedule events[${i++}]`);
    if (event.startMode === 'fixed' || Number.isNaN(anchorMs)) {
      anchorMs = Date.parse(event.start);
      sinceAnchor = 0;
    }
    planned.push({ event, startMs: msAfter(anchorMs, sinceAnchor) });
    sinceAnchor += event.durationFrames;
  }
  const lines: AsRunEntry[] = [];
  i = 0;
  for (const raw of asRunInput) lines.push(parseInput(AsRunEntrySchema, raw, `As-run line ${i++}`));
  lines.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));

  const matched = new Map<number, AsRunEntry>();
  const byId = new Map(planned.map((p, k) => [p.event.id, k] as const));
  const extra: AsRunEntry[] = [];
  const unplaced: AsRunEntry[] = [];
  for (const line of lines) {
    const k = line.eventId === undefined ? undefined : byId.get(line.eventId);
    if (k !== undefined && !matched.has(k)) matched.set(k, line);
    else unplaced.push(line);
  }
  for (const line of unplaced) {
    const k = planned.findIndex((p, n) => !matched.has(n) && p.event.content.houseNumber === line.houseNumber);
    if (k >= 0) matched.set(k, line);
    else extra.push(line);
  }

  const counts: Record<AsRunVerdict, number> = {
    'as-planned': 0,
    early: 0,
    late: 0,
    short: 0,
    long: 0,
    missing: 0,
    extra: 0,
  };
  const events: ReconciledEvent[] = [];
  planned.forEach((p, k) => {
    const aired = matched.get(k);
    const plannedStart = new Date(Math.round(p.startMs)).toISOString();
    if (aired === undefined || aired.statuses.some((s) => NOT_AIRED_STATUSES.has(s))) {
      counts.missing++;
      events.push({ planned: p.event, plannedStart, ...(aired ? { aired } : {}), verdicts: ['missing'] });
      return;
    }
    const startDifferenceFrames = framesBetween(p.startMs, Date.parse(aired.start));
    const durationDifferenceFrames = aired.durationFrames - p.event.durationFrames;
    const verdicts: AsRunVerdict[] = [];
    if (startDifferenceFrames < -toleranceFrames) verdicts.push('early');
    if (startDifferenceFrames > toleranceFrames) verdicts.push('late');
    if (durationDifferenceFrames < -toleranceFrames) verdicts.push('short');
    if (durationDifferenceFrames > toleranceFrames) verdicts.push('long');
    if (verdicts.length === 0) verdicts.push('as-planned');
    for (const v of verdicts) counts[v]++;
    events.push({ planned: p.event, plannedStart, aired, startDifferenceFrames, durationDifferenceFrames, verdicts });
  });
  for (const aired of extra) {
    counts.extra++;
    events.push({ aired, verdicts: ['extra'] });
  }
  return { schedule, events, counts };
}
