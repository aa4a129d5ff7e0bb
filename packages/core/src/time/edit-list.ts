import { describeInput, FramewiseError } from '../errors/index.js';
import { FrameRate, type FrameRateInput } from './frame-rate.js';
import { TimeRange } from './time-range.js';

/** One event of an edit list as given: frames `[start, start + duration)` of a source. */
export interface EditEventInput {
  /** Identifier of the source (a version id, a reel name). */
  readonly source: string;
  /** First source frame used. */
  readonly start: number;
  /** Number of frames used (at least 1). */
  readonly duration: number;
}

/** One event of an edit list with its place on the record timeline. */
export interface EditEvent {
  /** Identifier of the source. */
  readonly source: string;
  /** The frames taken from the source. */
  readonly sourceRange: TimeRange;
  /** Where those frames land on the record timeline. */
  readonly recordRange: TimeRange;
}

/** A part of a source range and the record frames it became. */
export interface MappedPiece {
  /** Identifier of the source. */
  readonly sourceId: string;
  /** The part of the source range (source timeline). */
  readonly source: TimeRange;
  /** Where it lands (record timeline). */
  readonly record: TimeRange;
}

/** Where a source range went through an edit. */
export interface RangeMapping {
  /**
   * The record ranges the source range became, in record order. Consecutive events that continue
   * both the source and the record timeline are joined into one piece.
   */
  readonly pieces: readonly MappedPiece[];
  /** The parts of the source range that no event uses (what the edit cut). */
  readonly cut: readonly TimeRange[];
  /** True when the source range ends up in more than one record piece (spans a cut or repeats). */
  readonly split: boolean;
  /** True when every frame of the source range was cut. */
  readonly removed: boolean;
}

/** The JSON form of an {@link EditList}. */
export interface EditListJson {
  /** Frame rate as {@link FrameRate.toString} writes it. */
  readonly rate: string;
  /** First record frame (e.g. 90 000 for 01:00:00:00 at 25 fps). */
  readonly recordStart: number;
  /** The events in record order. */
  readonly events: readonly EditEventInput[];
}

/** Options for {@link EditList.of}. */
export interface EditListOptions {
  /** First frame of the record timeline; default 0. */
  readonly recordStart?: number;
}

/**
 * An ordered list of source ranges that makes a new version's timeline (a conform, a cut-down, a
 * compliance edit). It maps source frames to the record timeline and back, reporting what the
 * edit cut, so annotations, captions, QC findings and music cues follow an edit.
 *
 * All sources are at the list's frame rate; speed changes are not edits of this kind.
 * Lookups by record frame are O(log n); lookups by source use a per-source index.
 *
 * @example
 * ```ts
 * const rate = FrameRate.FPS_25;
 * // Keep 0-10 s and 20-30 s of the master: the 10 s in the middle are cut.
 * const edit = EditList.of(rate, [
 *   { source: 'master', start: 0, duration: 250 },
 *   { source: 'master', start: 500, duration: 250 },
 * ]);
 * edit.toRecord('master', 600);          // [350]
 * edit.mapRange('master', TimeRange.of(200, 400, rate)).cut; // [frames 250-500]
 * ```
 */
export class EditList {
  /** The frame rate of the record timeline and every source. */
  readonly rate: FrameRate;
  /** First frame of the record timeline. */
  readonly recordStart: number;
  /** The events in record order. */
  readonly events: readonly EditEvent[];
  private readonly recordStarts: readonly number[];
  private readonly bySource: ReadonlyMap<string, readonly EditEvent[]>;

  private constructor(rate: FrameRate, recordStart: number, events: EditEvent[]) {
    this.rate = rate;
    this.recordStart = recordStart;
    this.events = Object.freeze(events);
    this.recordStarts = events.map((e) => e.recordRange.start);
    const bySource = new Map<string, EditEvent[]>();
    for (const event of events) {
      const list = bySource.get(event.source);
      if (list === undefined) bySource.set(event.source, [event]);
      else list.push(event);
    }
    for (const list of bySource.values()) list.sort((a, b) => a.sourceRange.start - b.sourceRange.start);
    this.bySource = bySource;
  }

  /**
   * Build an edit list from events in record order.
   *
   * @throws `INVALID_INPUT` naming the event for an empty source id, a negative or empty range, or
   * a range at another frame rate.
   */
  static of(
    rate: FrameRateInput,
    events: readonly (EditEventInput | { readonly source: string; readonly range: TimeRange })[],
    options: EditListOptions = {},
  ): EditList {
    const r = FrameRate.parse(rate);
    const recordStart = options.recordStart ?? 0;
    if (!Number.isSafeInteger(recordStart) || recordStart < 0) {
      throw new FramewiseError(
        'INVALID_INPUT',
        `Edit list recordStart ${describeInput(recordStart)} must be a non-negative integer`,
        {
          details: { recordStart },
        },
      );
    }
    let at = recordStart;
    const built = events.map((input, index): EditEvent => {
      const { source } = input;
      if (typeof source !== 'string' || source.length === 0 || source.length > 512) {
        throw new FramewiseError(
          'INVALID_INPUT',
          `Edit event ${index}: source ${describeInput(source)} must be a non-empty id`,
          {
            details: { index, source },
          },
        );
      }
      let sourceRange: TimeRange;
      try {
        sourceRange = 'range' in input ? input.range : TimeRange.of(input.start, input.duration, r);
      } catch (error) {
        throw new FramewiseError('INVALID_INPUT', `Edit event ${index} (${source}): ${(error as Error).message}`, {
          cause: error,
          details: { index, source },
        });
      }
      if (!sourceRange.rate.sameCadence(r)) {
        throw new FramewiseError(
          'INVALID_INPUT',
          `Edit event ${index} (${source}) is at ${sourceRange.rate.toString()} but the edit list is at ${r.toString()}`,
          { details: { index, source } },
        );
      }
      if (sourceRange.duration === 0) {
        throw new FramewiseError('INVALID_INPUT', `Edit event ${index} (${source}) has no frames`, {
          details: { index, source },
        });
      }
      const recordRange = TimeRange.of(at, sourceRange.duration, r);
      at = recordRange.end;
      return { source, sourceRange: TimeRange.of(sourceRange.start, sourceRange.duration, r), recordRange };
    });
    return new EditList(r, recordStart, built);
  }

  /** Total frames on the record timeline. */
  get duration(): number {
    const last = this.events[this.events.length - 1];
    return last === undefined ? 0 : last.recordRange.end - this.recordStart;
  }

  /** The whole record timeline. */
  get recordRange(): TimeRange {
    return TimeRange.of(this.recordStart, this.duration, this.rate);
  }

  /** The distinct source ids, in order of first use. */
  sources(): string[] {
    return [...this.bySource.keys()];
  }

  /** Every record frame that shows a source frame (empty when the frame was cut). */
  toRecord(source: string, frame: number): number[] {
    const out: number[] = [];
    for (const event of this.bySource.get(source) ?? []) {
      if (event.sourceRange.start > frame) break;
      if (frame < event.sourceRange.end) out.push(event.recordRange.start + (frame - event.sourceRange.start));
    }
    return out.sort((a, b) => a - b);
  }

  /** The source and source frame shown at a record frame, or `undefined` outside the timeline. */
  toSource(
    recordFrame: number,
  ): { readonly source: string; readonly frame: number; readonly event: number } | undefined {
    const index = this.eventAt(recordFrame);
    if (index < 0) return undefined;
    const event = this.events[index] as EditEvent;
    return {
      source: event.source,
      frame: event.sourceRange.start + (recordFrame - event.recordRange.start),
      event: index,
    };
  }

  /**
   * Carry a range of a source through the edit: the record pieces it became (joined where the
   * edit keeps it continuous), the parts cut, and whether it was split. A zero-length range (a
   * point) maps to points.
   */
  mapRange(source: string, range: TimeRange): RangeMapping {
    if (!range.rate.sameCadence(this.rate)) {
      throw new FramewiseError(
        'INVALID_INPUT',
        `Range ${range.toString()} is at ${range.rate.toString()} but the edit list is at ${this.rate.toString()}`,
        { details: { source, range: range.toJSON() } },
      );
    }
    const raw: MappedPiece[] = [];
    for (const event of this.bySource.get(source) ?? []) {
      if (event.sourceRange.start >= range.end && !(range.isEmpty && event.sourceRange.start === range.start)) break;
      const offset = event.recordRange.start - event.sourceRange.start;
      if (range.isEmpty) {
        if (event.sourceRange.contains(range.start)) {
          raw.push({ sourceId: source, source: range, record: TimeRange.of(range.start + offset, 0, this.rate) });
        }
        continue;
      }
      const part = event.sourceRange.intersect(range);
      if (part !== undefined)
        raw.push({
          sourceId: source,
          source: part,
          record: TimeRange.of(part.start + offset, part.duration, this.rate),
        });
    }
    raw.sort((a, b) => a.record.start - b.record.start);
    const pieces: MappedPiece[] = [];
    for (const piece of raw) {
      const last = pieces[pieces.length - 1];
      if (
        last !== undefined &&
        !piece.record.isEmpty &&
        last.record.end === piece.record.start &&
        last.source.end === piece.source.start
      ) {
        pieces[pieces.length - 1] = {
          sourceId: source,
          source: last.source.union(piece.source),
          record: last.record.union(piece.record),
        };
      } else {
        pieces.push(piece);
      }
    }
    const cut = range.isEmpty
      ? pieces.length === 0
        ? [range]
        : []
      : subtract(range, TimeRange.merge(pieces.map((p) => p.source)));
    return { pieces, cut, split: pieces.length > 1, removed: pieces.length === 0 };
  }

  /** The sources shown during a record range, piece by piece in record order. */
  mapRecordRange(range: TimeRange): MappedPiece[] {
    const out: MappedPiece[] = [];
    let index = Math.max(0, this.eventAt(range.start));
    for (; index < this.events.length; index++) {
      const event = this.events[index] as EditEvent;
      if (event.recordRange.start >= range.end) break;
      const part = event.recordRange.intersect(range);
      if (part === undefined) continue;
      const offset = event.sourceRange.start - event.recordRange.start;
      out.push({
        sourceId: event.source,
        source: TimeRange.of(part.start + offset, part.duration, this.rate),
        record: part,
      });
    }
    return out;
  }

  /** The JSON form: rate, record start and events as `{ source, start, duration }`. */
  toJSON(): EditListJson {
    return {
      rate: this.rate.toString(),
      recordStart: this.recordStart,
      events: this.events.map((e) => ({
        source: e.source,
        start: e.sourceRange.start,
        duration: e.sourceRange.duration,
      })),
    };
  }

  private eventAt(recordFrame: number): number {
    const starts = this.recordStarts;
    let lo = 0;
    let hi = starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((starts[mid] as number) <= recordFrame) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found < 0) return -1;
    return recordFrame < (this.events[found] as EditEvent).recordRange.end ? found : -1;
  }
}

function subtract(range: TimeRange, covered: readonly TimeRange[]): TimeRange[] {
  const out: TimeRange[] = [];
  let from = range.start;
  for (const c of covered) {
    if (c.start > from) out.push(TimeRange.between(from, Math.min(c.start, range.end), range.rate));
    from = Math.max(from, c.end);
  }
  if (from < range.end) out.push(TimeRange.between(from, range.end, range.rate));
  return out;
}
