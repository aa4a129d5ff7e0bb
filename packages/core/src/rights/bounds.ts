import { FramewiseError } from '../errors/index.js';
import type { Deal, Grant, RightsDocument, WindowBoundValue } from './model.js';
import { zoneClock } from './zone-clock.js';

/** How a bound is compared: open, an absolute instant, or a local wall time in the territory's zone. */
export const OPEN = 0;
export const ABSOLUTE = 1;
export const LOCAL = 2;

/**
 * A resolved window bound. `ms` is epoch ms (absolute) or wall-clock ms on a UTC scale (local).
 * A bound waiting for a TBD event is absolute at +∞ (it never arrives) with `tbd` set.
 */
export interface Bound {
  readonly kind: typeof OPEN | typeof ABSOLUTE | typeof LOCAL;
  readonly ms: number;
  /** The named event this bound waits for, when its date is TBD. */
  readonly tbd?: string;
}

/** An open start. */
export const OPEN_START: Bound = { kind: OPEN, ms: Number.NEGATIVE_INFINITY };
/** An open end. */
export const OPEN_END: Bound = { kind: OPEN, ms: Number.POSITIVE_INFINITY };
const DAY = 86_400_000;
/** The largest instant the engine takes: a little inside what a Date holds (±8.64e15 ms), about year ±273 000. */
export const MAX_INSTANT = 8.6e15;

/** A lag parsed: sign, months (years × 12 + months) and days (weeks × 7 + days). */
export interface ParsedLag {
  readonly months: number;
  readonly days: number;
}

/** Parse an ISO 8601 lag (`P18M`, `-P7D`); the schema has already checked its shape. */
export function parseLag(lag: string): ParsedLag {
  const m = /^(-?)P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(lag);
  if (m === null) throw new FramewiseError('INVALID_INPUT', `Lag ${JSON.stringify(lag)} is not an ISO 8601 duration`);
  const sign = m[1] === '-' ? -1 : 1;
  const n = (i: number) => Number(m[i] ?? 0);
  return { months: sign * (n(2) * 12 + n(3)), days: sign * (n(4) * 7 + n(5)) };
}

/**
 * Add a lag to ms on a UTC scale (an instant, or a local wall time): calendar months first (the
 * day clamped to the target month's last day), then days; the time of day is kept.
 */
export function addLag(ms: number, lag: ParsedLag): number {
  let out = ms;
  if (lag.months !== 0) {
    const d = new Date(ms);
    const y = d.getUTCFullYear();
    const month = d.getUTCMonth() + lag.months;
    const last = new Date(Date.UTC(y, month + 1, 0)).getUTCDate();
    const timeOfDay = ms - Date.UTC(y, d.getUTCMonth(), d.getUTCDate());
    out = Date.UTC(y, month, Math.min(d.getUTCDate(), last)) + timeOfDay;
  }
  return out + lag.days * DAY;
}

/**
 * A date (`YYYY-MM-DD`) or an instant shifted by an ISO 8601 lag exactly as the engine resolves
 * `{ event, lag }` once the event is dated: a date stays a date (calendar days and months, so the
 * window still opens at local midnight in each territory), an instant stays an instant (calendar
 * units in UTC, written in UTC). Undefined when the result lies outside years 0000–9999 (no longer
 * a date as the document writes one).
 *
 * @throws `INVALID_INPUT` when `lag` is not an ISO 8601 duration of years, months, weeks and days.
 */
export function shiftBound(at: string, lag: string): string | undefined {
  const parsed = parseLag(lag);
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(at);
  const base = date === null ? Date.parse(at) : Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]));
  if (Number.isNaN(base))
    throw new FramewiseError('INVALID_INPUT', `${JSON.stringify(at)} is not a date or an instant`);
  const shifted = addLag(base, parsed);
  if (!Number.isFinite(shifted)) return undefined;
  const year = new Date(shifted).getUTCFullYear();
  if (year < 0 || year > 9999) return undefined;
  const iso = new Date(shifted).toISOString();
  return date === null ? iso : iso.slice(0, 10);
}

/** Resolves window bounds of a rights document, following relative bounds and named events. */
export interface BoundResolver {
  /** Register a deal's grants so bounds may be relative to them. */
  register(deal: Deal): void;
  /** Resolve a bound; `zone` is the grant's own zone for date-only bounds. */
  resolve(bound: WindowBoundValue | undefined, edge: 'start' | 'end', zone: string | undefined, where: string): Bound;
}

interface Partial {
  readonly kind: typeof OPEN | typeof ABSOLUTE | typeof LOCAL;
  readonly ms: number;
  readonly zone?: string;
  readonly tbd?: string;
}

/** Finds the deal and grant of a grant id. */
export type GrantLookup = (grantId: string) => { readonly deal: Deal; readonly grant: Grant } | undefined;

/**
 * A bound resolver over a document's events and the grants registered with it (and those `fallback`
 * finds, for incremental compiles).
 */
export function createBoundResolver(
  events: RightsDocument['events'],
  fallback?: GrantLookup,
): BoundResolver & { readonly grants: ReadonlyMap<string, { deal: Deal; grant: Grant }> } {
  const grantsById = new Map<string, { deal: Deal; grant: Grant }>();
  const find = (id: string) => grantsById.get(id) ?? fallback?.(id);
  const resolving = new Set<string>();
  const cache = new Map<string, Partial>();

  const raw = (
    bound: WindowBoundValue | undefined,
    edge: 'start' | 'end',
    zone: string | undefined,
    where: string,
  ): Partial => {
    if (bound === undefined) return edge === 'start' ? OPEN_START : OPEN_END;
    if (typeof bound === 'string') {
      if (bound.length === 10) {
        const [y, m, d] = bound.split('-').map(Number) as [number, number, number];
        const local = Date.UTC(y, m - 1, d);
        return zone === undefined ? { kind: LOCAL, ms: local } : { kind: LOCAL, ms: local, zone };
      }
      return { kind: ABSOLUTE, ms: Date.parse(bound) };
    }
    if ('event' in bound) {
      const event = events[bound.event];
      if (event === undefined)
        throw new FramewiseError(
          'INVALID_INPUT',
          `${where}: window is relative to event "${bound.event}", which the document's events do not declare`,
          {
            details: { where, event: bound.event },
          },
        );
      const base: Partial =
        event.at === undefined
          ? { kind: ABSOLUTE, ms: Number.POSITIVE_INFINITY, tbd: bound.event }
          : raw(event.at, edge, zone, where);
      return shift(base, bound.lag === undefined ? undefined : parseLag(bound.lag));
    }
    const key = `${bound.after}:${bound.edge}`;
    const target = find(bound.after);
    if (target === undefined)
      throw new FramewiseError(
        'INVALID_INPUT',
        `${where}: window is relative to grant "${bound.after}", which no deal has`,
        {
          details: { where, after: bound.after },
        },
      );
    if (resolving.has(key))
      throw new FramewiseError(
        'INVALID_INPUT',
        `${where}: relative windows form a cycle through grant "${bound.after}"`,
        {
          details: { where },
        },
      );
    let base = cache.get(key);
    if (base === undefined) {
      resolving.add(key);
      try {
        const t = target.grant;
        base = raw(
          bound.edge === 'start' ? t.window.start : t.window.end,
          bound.edge,
          t.zone,
          `Deal "${target.deal.id}" grant "${t.id}"`,
        );
      } finally {
        resolving.delete(key);
      }
      cache.set(key, base);
    }
    if (base.kind === OPEN)
      throw new FramewiseError(
        'INVALID_INPUT',
        `${where}: grant "${bound.after}" has an open ${bound.edge}, so nothing can be relative to it`,
        {
          details: { where },
        },
      );
    const lag = bound.lag !== undefined ? parseLag(bound.lag) : { months: 0, days: bound.days ?? 0 };
    return shift(base, lag);
  };

  return {
    grants: grantsById,
    register(deal) {
      for (const grant of deal.grants) {
        const existing = grantsById.get(grant.id) ?? fallback?.(grant.id);
        if (existing?.grant === grant && existing.deal === deal) continue; // registered already
        if (existing !== undefined && existing.grant !== grant && existing.deal.id !== deal.id)
          throw new FramewiseError(
            'INVALID_INPUT',
            `Deal "${deal.id}": grant id "${grant.id}" is used twice; grant ids must be unique in a rights document`,
            { details: { deal: deal.id, grant: grant.id } },
          );
        grantsById.set(grant.id, { deal, grant });
      }
    },
    resolve(bound, edge, zone, where) {
      const p = raw(bound, edge, zone, where);
      let out: Bound;
      if (p.tbd !== undefined) out = { kind: ABSOLUTE, ms: Number.POSITIVE_INFINITY, tbd: p.tbd };
      else if (p.kind === LOCAL && p.zone !== undefined)
        out = { kind: ABSOLUTE, ms: zoneClock(p.zone).fromLocal(p.ms) };
      else out = { kind: p.kind, ms: p.ms };
      if (out.kind !== OPEN && out.tbd === undefined && !(Math.abs(out.ms) <= MAX_INSTANT - 2 * DAY))
        throw new FramewiseError('INVALID_INPUT', `${where}: the window's ${edge} is out of range`, {
          details: { where, edge },
        });
      return out;
    },
  };
}

function shift(base: Partial, lag: ParsedLag | undefined): Partial {
  if (lag === undefined || base.tbd !== undefined || base.kind === OPEN) return base;
  return { ...base, ms: addLag(base.ms, lag) };
}
