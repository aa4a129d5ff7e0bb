import { FramewiseError } from '@framewise/core/errors';
import type { LicenseType, RightsEngine } from '@framewise/core/rights';
import type { ReportRights, RightsRow, RightsSpan } from './model.js';

/** Options of {@link rightsTimeline}. */
export interface RightsTimelineOptions {
  /** ISO 3166-1 alpha-2 codes, one row group each. */
  readonly territories: readonly string[];
  /** License types, one row per territory each. */
  readonly channels: readonly LicenseType[];
  /** Bounds of the timeline, ISO 8601 instants with offsets (or epoch ms). */
  readonly from: string | number;
  readonly to: string | number;
}

const MAX_ROWS = 400;

/**
 * The rights availability timeline of one title for the report: for each territory × license type,
 * the exact intervals the engine says the title is available (`RightsEngine.availability`), each
 * marked exclusive when a grant behind it is exclusive, and each gap between them marked by what
 * blocks it at its middle (a holdback, an exclusive sale elsewhere, or no rights at all); and the
 * transitions where a row opens or closes within the bounds.
 *
 * @throws `INVALID_INPUT` for an unknown territory or license type, bounds that are not instants or
 * not in order, or more than 400 rows.
 */
export function rightsTimeline(engine: RightsEngine, assetId: string, options: RightsTimelineOptions): ReportRights {
  const from = toMs(options.from, 'Rights timeline start');
  const to = toMs(options.to, 'Rights timeline end');
  if (!(to > from))
    throw new FramewiseError('INVALID_INPUT', 'Rights timeline end must be after its start', { details: { from, to } });
  if (options.territories.length * options.channels.length > MAX_ROWS)
    throw new FramewiseError(
      'INVALID_INPUT',
      `A rights timeline has at most ${MAX_ROWS} rows (territories × channels)`,
      {
        details: { territories: options.territories.length, channels: options.channels.length },
      },
    );
  const exclusive = new Set<string>();
  for (const deal of engine.document.deals)
    for (const grant of deal.grants ?? []) if (grant.exclusive) exclusive.add(`${deal.id}/${grant.id}`);
  const iso = (ms: number) => new Date(ms).toISOString();
  const rows: RightsRow[] = [];
  const transitions: ReportRights['transitions'][number][] = [];
  for (const territory of options.territories) {
    for (const channel of options.channels) {
      const where = { territory, channel };
      const open = engine
        .availability(assetId, where)
        .map((i) => ({
          start: Math.max(from, i.start === null ? from : i.start.toMillis()),
          end: Math.min(to, i.end === null ? to : i.end.toMillis()),
        }))
        .filter((i) => i.end > i.start);
      const spans: RightsSpan[] = [];
      let cursor = from;
      const gap = (start: number, end: number) => {
        if (end <= start) return;
        const decision = engine.evaluate({ assetId, ...where, at: Math.floor((start + end) / 2) });
        const blockers = decision.blockedBy;
        const state = blockers.some((b) => b.kind === 'holdback')
          ? 'holdback'
          : blockers.length > 0
            ? 'blocked'
            : 'unavailable';
        spans.push({ start: iso(start), end: iso(end), state, rules: blockers.map((b) => b.id) });
      };
      for (const i of open) {
        gap(cursor, i.start);
        const decision = engine.evaluate({ assetId, ...where, at: Math.floor((i.start + i.end) / 2) });
        const grants = decision.grants;
        const isExclusive = grants.some((g) => exclusive.has(`${g.dealId}/${g.id}`));
        spans.push({
          start: iso(i.start),
          end: iso(i.end),
          state: isExclusive ? 'exclusive' : 'available',
          rules: grants.map((g) => g.id),
        });
        if (i.start > from) transitions.push({ at: iso(i.start), territory, channel, change: 'open' });
        if (i.end < to) transitions.push({ at: iso(i.end), territory, channel, change: 'close' });
        cursor = i.end;
      }
      gap(cursor, to);
      rows.push({ territory, channel, spans });
    }
  }
  transitions.sort((a, b) => a.at.localeCompare(b.at));
  return { assetId, from: iso(from), to: iso(to), rows, transitions };
}

function toMs(value: string | number, what: string): number {
  const ms =
    typeof value === 'number' ? value : /(?:Z|[+-]\d{2}:?\d{2})$/i.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms))
    throw new FramewiseError(
      'INVALID_INPUT',
      `${what} ${JSON.stringify(String(value).slice(0, 80))} is not an instant with a zone`,
      {
        details: { value: String(value).slice(0, 200) },
      },
    );
  return ms;
}
