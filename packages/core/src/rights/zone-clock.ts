import { IANAZone } from 'luxon';
import { FramewiseError } from '../errors/index.js';

const BUCKET = 400 * 86_400_000; // whole days, so every sample falls on a whole second
const STEP = 2 * 86_400_000; // sample every two days, then bisect to the second
const HOUR = 3_600_000;

interface Segment {
  /** Instants where the offset changes, ascending, within the bucket (plus the bucket start). */
  readonly starts: Float64Array;
  /** Offset in ms from each start. */
  readonly offsets: Float64Array;
}

/**
 * UTC offsets of one IANA zone, fast: transition tables built lazily per 400-day bucket from
 * luxon (ICU) and binary-searched on the hot path, so converting an instant to local wall time
 * costs a few array reads instead of an ICU call.
 */
export class ZoneClock {
  readonly zone: string;
  private readonly iana: IANAZone;
  private readonly buckets: (Segment | undefined)[] = [];
  /** Buckets before 1970 or after 2405, cached too (instants before 1970 cost as little as later ones). */
  private readonly far = new Map<number, Segment>();

  constructor(zone: string) {
    const iana = IANAZone.create(zone);
    if (!iana.isValid) {
      throw new FramewiseError('INVALID_INPUT', `Time zone ${JSON.stringify(zone)} is not an IANA zone`, {
        details: { zone },
      });
    }
    this.zone = zone;
    this.iana = iana;
  }

  private exact(ms: number): number {
    const offset = this.iana.offset(ms);
    // Beyond the range of a Date there is no offset; read it as UTC rather than loop on NaN.
    return Number.isFinite(offset) ? offset * 60_000 : 0;
  }

  private segment(bucket: number): Segment {
    const near = bucket >= 0 && bucket < 1024;
    let seg = near ? this.buckets[bucket] : this.far.get(bucket);
    if (seg !== undefined) return seg;
    const from = bucket * BUCKET;
    const to = from + BUCKET;
    const starts = [from];
    const offsets = [this.exact(from)];
    let prevAt = from;
    let prev = offsets[0] as number;
    for (let t = Math.min(from + STEP, to); ; t = Math.min(t + STEP, to)) {
      const off = this.exact(t);
      if (off !== prev) {
        // Bisect (prevAt, t] to the second for the first instant with the new offset.
        let lo = prevAt;
        let hi = t;
        while (hi - lo > 1000) {
          const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
          if (this.exact(mid) === prev) lo = mid;
          else hi = mid;
        }
        starts.push(hi);
        offsets.push(this.exact(hi));
        prev = this.exact(hi);
        if (prev !== off) {
          // Two transitions inside one step: continue bisecting from here.
          prevAt = hi;
          t = hi;
          continue;
        }
      }
      prevAt = t;
      if (t >= to) break;
    }
    seg = { starts: Float64Array.from(starts), offsets: Float64Array.from(offsets) };
    if (near) this.buckets[bucket] = seg;
    else this.far.set(bucket, seg);
    return seg;
  }

  /** Offset in ms at an instant: local wall time = instant + offset. */
  offset(instant: number): number {
    const seg = this.segment(Math.floor(instant / BUCKET));
    const starts = seg.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((starts[mid] as number) <= instant) lo = mid;
      else hi = mid - 1;
    }
    return seg.offsets[lo] as number;
  }

  /** Local wall time (as ms on a UTC scale) of an instant. */
  toLocal(instant: number): number {
    return instant + this.offset(instant);
  }

  /**
   * The instant of a local wall time. In a gap (clocks jump forward) the time moves forward by the
   * gap, as luxon does; a repeated wall time (clocks go back) is the earlier of its two instants
   * (the same rule as Temporal's `compatible` disambiguation; luxon is not consistent there).
   */
  fromLocal(local: number): number {
    const before = this.offset(local - 14 * HOUR);
    const after = this.offset(local + 14 * HOUR);
    const a = local - before;
    const b = local - after;
    const aOk = this.offset(a) === before;
    const bOk = this.offset(b) === after;
    if (aOk && bOk) return Math.min(a, b);
    if (aOk) return a;
    if (bOk) return b;
    return a;
  }
}

const clocks = new Map<string, ZoneClock>();

/** The shared {@link ZoneClock} of a zone. */
export function zoneClock(zone: string): ZoneClock {
  let clock = clocks.get(zone);
  if (clock === undefined) {
    clock = new ZoneClock(zone);
    clocks.set(zone, clock);
  }
  return clock;
}
