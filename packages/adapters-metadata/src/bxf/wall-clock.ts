import { FrameRate, type FrameRateJson } from '@framewise/core/time';

const DECIMAL_RATES: Readonly<Record<string, readonly [number, number]>> = {
  '23.976': [24000, 1001],
  '23.98': [24000, 1001],
  '29.97': [30000, 1001],
  '47.952': [48000, 1001],
  '59.94': [60000, 1001],
  '119.88': [120000, 1001],
};

/**
 * The exact rate of a BXF `frameRate` attribute (`25`, `29.97`, `23.976`, `59.94`): the usual
 * fractional rates are their 1000/1001 forms, integers are themselves; drop-frame when the label
 * uses `;`. `undefined` for anything else.
 */
export function rateOfDecimal(decimal: string, dropFrame: boolean): FrameRateJson | undefined {
  const t = decimal.trim();
  const known = DECIMAL_RATES[t];
  let num: number;
  let den: number;
  if (known !== undefined) [num, den] = known;
  else if (/^[1-9]\d{0,2}(\.0+)?$/.test(t)) [num, den] = [Number.parseInt(t, 10), 1];
  else return undefined;
  try {
    return FrameRate.of(num, den, {
      dropFrame: dropFrame && den === 1001 && (num === 30000 || num === 60000),
    }).toJSON();
  } catch {
    return undefined;
  }
}

/** A wall-clock label `HH:MM:SS:FF` (or `;` for drop-frame), split; `undefined` when malformed. */
export function splitLabel(
  label: string,
  base: number,
): { h: number; m: number; s: number; f: number; drop: boolean } | undefined {
  const m = /^(\d{2}):(\d{2}):(\d{2})([:;])(\d{2})$/.exec(label.trim());
  if (m === null) return undefined;
  const [h, min, s, f] = [m[1], m[2], m[3], m[5]].map(Number) as [number, number, number, number];
  if (h > 23 || min > 59 || s > 59 || f >= base) return undefined;
  return { h, m: min, s, f, drop: m[4] === ';' };
}

/**
 * Reads broadcast dates and time-of-day labels back into instants: the inverse of the schedule
 * writer's `BroadcastClock`. The label is the channel's wall clock (hours, minutes, seconds of the
 * local time and the frame within the second at the timecode base); a label before the broadcast
 * day's start belongs to the next calendar day. A local time a daylight-saving change repeats
 * resolves to the first occurrence; one it skips moves forward by the gap.
 */
export class WallClockReader {
  readonly #format: Intl.DateTimeFormat;
  readonly #dayStartMinutes: number;

  constructor(zone: string, dayStart: string) {
    this.#format = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    const [h, m] = dayStart.split(':').map(Number);
    this.#dayStartMinutes = (h ?? 0) * 60 + (m ?? 0);
  }

  /** Milliseconds since the epoch of a broadcast date and a split label at a timecode base. */
  instant(broadcastDate: string, t: { h: number; m: number; s: number; f: number }, base: number): number {
    const [y, mo, d] = broadcastDate.split('-').map(Number) as [number, number, number];
    const nextDay = t.h * 60 + t.m < this.#dayStartMinutes ? 1 : 0;
    const naive = Date.UTC(y, mo - 1, d + nextDay, t.h, t.m, t.s);
    return this.fromLocal(naive) + Math.round((t.f * 1000) / base);
  }

  /** The instant of a local wall time given as if it were UTC (whole seconds). */
  fromLocal(naive: number): number {
    // Offsets a day either side cover both sides of any daylight-saving change.
    const before = this.#offset(naive - 86_400_000);
    const after = this.#offset(naive + 86_400_000);
    const a = naive - before;
    const b = naive - after;
    const aOk = this.#local(a) === naive;
    const bOk = this.#local(b) === naive;
    if (aOk && bOk) return Math.min(a, b);
    if (aOk) return a;
    if (bOk) return b;
    // A skipped wall time: read it with the offset before the change (it lands after the gap).
    return naive - Math.min(before, after);
  }

  #local(ms: number): number {
    const p: Record<string, number> = {};
    for (const part of this.#format.formatToParts(new Date(ms))) p[part.type] = Number(part.value);
    return Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  }

  #offset(ms: number): number {
    const whole = Math.floor(ms / 1000) * 1000;
    return this.#local(whole) - whole;
  }
}

/** A calendar date `YYYY-MM-DD` that exists. */
export function isCalendarDate(date: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (m === null) return false;
  const [y, mo, d] = [m[1], m[2], m[3]].map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}
