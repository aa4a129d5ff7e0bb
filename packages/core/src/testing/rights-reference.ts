import { DateTime } from 'luxon';
import {
  type Deal,
  type Grant,
  type Holdback,
  parseTerritories,
  type RightsDocument,
  type RightsDocumentInput,
  RightsDocumentSchema,
  TERRITORIES,
} from '../index.js';

type Bound = string | { after: string; edge: 'start' | 'end'; days: number } | undefined;

/**
 * A deliberately naive rights evaluator: a linear scan over every deal, with each window bound
 * resolved through luxon on every call. It is the reference the engine is property-tested
 * against, and the baseline of `pnpm bench rights`.
 */
export class ReferenceRights {
  private readonly doc: RightsDocument;
  private readonly grants = new Map<string, Grant>();

  constructor(document: RightsDocumentInput) {
    this.doc = RightsDocumentSchema.parse(document);
    for (const deal of this.doc.deals) for (const g of deal.grants) this.grants.set(g.id, g);
  }

  private zone(territory: string, override?: string): string {
    return (
      override ??
      (this.doc.territoryZones[territory] as string | undefined) ??
      TERRITORIES.find((t) => t.code === territory)?.zone ??
      'UTC'
    );
  }

  private instant(input: unknown, territory: string, zone: string | undefined, edge: 'start' | 'end'): number {
    const bound = input as Bound;
    if (bound === undefined) return edge === 'start' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    if (typeof bound === 'string') {
      return bound.length === 10
        ? DateTime.fromISO(bound, { zone: this.zone(territory, zone) }).toMillis()
        : DateTime.fromISO(bound, { setZone: true }).toMillis();
    }
    const target = this.grants.get(bound.after) as Grant;
    const base = bound.edge === 'start' ? target.window.start : target.window.end;
    if (typeof base === 'string' && base.length === 10) {
      return DateTime.fromISO(base, { zone: this.zone(territory, target.zone) })
        .plus({ days: bound.days })
        .toMillis();
    }
    return this.instant(base, territory, target.zone, bound.edge) + bound.days * 86_400_000;
  }

  private active(rule: Grant | Holdback, territory: string, at: number): boolean {
    if (!parseTerritories(rule.territories, this.doc.groups).has(territory)) return false;
    const start = this.instant(rule.window.start, territory, rule.zone, 'start');
    const end = this.instant(rule.window.end, territory, rule.zone, 'end');
    return at >= start && at < end;
  }

  /**
   * Naive transition planning for one asset on one territory and channel: scan every deal, resolve
   * every bound with luxon, and compare the state just before and at each bound inside `(from, to)`.
   */
  transitions(
    assetId: string,
    territory: string,
    channel: string,
    from: number,
    to: number,
  ): { at: number; change: 'open' | 'close' }[] {
    const candidates = new Set<number>();
    for (const deal of this.doc.deals) {
      if (!deal.assets.includes(assetId)) continue;
      for (const rule of [...deal.grants, ...deal.holdbacks]) {
        if (!rule.media.includes(channel as never)) continue;
        for (const edge of ['start', 'end'] as const) {
          const t = this.instant(rule.window[edge], territory, rule.zone, edge);
          if (t > from && t < to) candidates.add(t);
        }
      }
    }
    const out: { at: number; change: 'open' | 'close' }[] = [];
    for (const t of [...candidates].sort((a, b) => a - b)) {
      const before = this.allowed(assetId, territory, channel, t - 1);
      const after = this.allowed(assetId, territory, channel, t);
      if (before !== after) out.push({ at: t, change: after ? 'open' : 'close' });
    }
    return out;
  }

  /** True when some rights-in grant covers the query and no holdback or exclusive sale blocks it. */
  allowed(assetId: string, territory: string, channel: string, at: number, language?: string): boolean {
    const deals = this.doc.deals.filter((d: Deal) => d.assets.includes(assetId));
    const granted = deals.some(
      (d) =>
        d.direction === 'in' &&
        d.grants.some(
          (g) =>
            g.media.includes(channel as never) &&
            this.active(g, territory, at) &&
            (language === undefined || g.languages === undefined || g.languages.some((l) => l.language === language)) &&
            g.platforms === undefined,
        ),
    );
    if (!granted) return false;
    const blocked = deals.some(
      (d) =>
        d.holdbacks.some((h) => h.media.includes(channel as never) && this.active(h, territory, at)) ||
        (d.direction === 'out' &&
          d.grants.some((g) => g.exclusive && g.media.includes(channel as never) && this.active(g, territory, at))),
    );
    return !blocked;
  }
}
