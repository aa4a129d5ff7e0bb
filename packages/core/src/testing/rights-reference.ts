import { DateTime, type DurationLikeObject } from 'luxon';
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

type BoundValue = Grant['window']['start'];

/** What a naive question may carry besides territory, channel and instant. */
export interface ReferenceScope {
  readonly language?: string;
  readonly languageForm?: 'original' | 'dubbed' | 'subtitled';
  readonly audioLanguage?: string;
  readonly subtitleLanguage?: string;
  readonly platform?: string;
  readonly format?: string;
}

/**
 * A deliberately naive rights evaluator written from docs/rights.md, not from the engine: a linear
 * scan over every deal, every bound resolved through luxon on every call. It is the reference the
 * engine is property-tested against, and the baseline of `pnpm bench rights`. Run limits and element
 * rights are not modelled.
 */
export class ReferenceRights {
  private readonly doc: RightsDocument;

  constructor(document: RightsDocumentInput) {
    this.doc = RightsDocumentSchema.parse(document);
  }

  /** Zones a territory reads dates in, and how a start and an end pick among them. */
  private zones(territory: string, override: string | undefined): { zones: string[]; late: boolean; early: boolean } {
    if (override !== undefined) return { zones: [override], late: false, early: false };
    const setting = this.doc.territoryZones[territory];
    if (setting === undefined)
      return { zones: [TERRITORIES.find((t) => t.code === territory)?.zone ?? 'UTC'], late: false, early: false };
    if (typeof setting === 'string') return { zones: [setting], late: false, early: false };
    const p = setting.policy;
    return {
      zones: setting.zones,
      late: p === 'latest-opening' || p === 'conservative',
      early: p === 'earliest-closing' || p === 'conservative',
    };
  }

  private grantIndex: Map<string, Grant> | undefined;

  private findGrant(id: string): Grant | undefined {
    if (this.grantIndex === undefined) {
      this.grantIndex = new Map();
      for (const deal of this.doc.deals) for (const g of deal.grants) this.grantIndex.set(g.id, g);
    }
    return this.grantIndex.get(id);
  }

  /** A lag as luxon units. */
  private static lag(text: string | undefined, days: number | undefined): DurationLikeObject {
    if (text === undefined) return { days: days ?? 0 };
    const m = /^(-?)P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(text);
    const sign = m?.[1] === '-' ? -1 : 1;
    const n = (i: number) => sign * Number(m?.[i] ?? 0);
    return { years: n(2), months: n(3), weeks: n(4), days: n(5) };
  }

  /**
   * A bound in one zone as luxon sees it: a DateTime (dates in `zone`, instants in UTC) with the
   * lags applied, or `'tbd'`, or undefined when open.
   */
  private inZone(bound: BoundValue, zone: string, edge: 'start' | 'end'): DateTime | 'tbd' | undefined {
    if (bound === undefined) return undefined;
    if (typeof bound === 'string')
      return bound.length === 10
        ? DateTime.fromISO(bound, { zone })
        : DateTime.fromISO(bound, { setZone: true }).setZone('utc');
    if ('event' in bound) {
      const at = this.doc.events[bound.event]?.at;
      if (at === undefined) return 'tbd';
      const base = this.inZone(at, zone, edge) as DateTime;
      return base.plus(ReferenceRights.lag(bound.lag, undefined));
    }
    const target = this.findGrant(bound.after) as Grant;
    const baseEdge = (bound.edge as 'start' | 'end' | undefined) ?? 'start';
    const base = this.inZone(
      baseEdge === 'start' ? target.window.start : target.window.end,
      target.zone ?? zone,
      baseEdge,
    );
    if (base === undefined || base === 'tbd') return base;
    return base.plus(ReferenceRights.lag(bound.lag, bound.days));
  }

  /** True when a bound (possibly through relatives and events) is written with a date somewhere at its root. */
  private rootIsDate(bound: BoundValue): boolean {
    if (bound === undefined) return false;
    if (typeof bound === 'string') return bound.length === 10;
    if ('event' in bound) {
      const at = this.doc.events[bound.event]?.at;
      return at !== undefined && at.length === 10;
    }
    const target = this.findGrant(bound.after) as Grant;
    if (target.zone !== undefined) return false;
    return this.rootIsDate(
      ((bound.edge as string | undefined) ?? 'start') === 'start' ? target.window.start : target.window.end,
    );
  }

  /** The instant a bound takes effect in a territory (±∞ when open, +∞ while its event is TBD). */
  instant(bound: BoundValue, territory: string, zone: string | undefined, edge: 'start' | 'end'): number {
    if (bound === undefined) return edge === 'start' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    // A grant's own zone reads its dates and events; a relative bound reads its base grant's way.
    const own = typeof bound === 'string' || 'event' in bound ? zone : undefined;
    const setting = this.zones(territory, own);
    // Only dates read in the territory's own zones follow its multi-zone policy.
    const zones = this.rootIsDate(bound) && own === undefined ? setting.zones : [setting.zones[0] as string];
    const values = zones.map((z) => this.inZone(bound, z, edge));
    if (values.some((v) => v === 'tbd')) return Number.POSITIVE_INFINITY;
    const ms = values.map((v) => (v as DateTime).toMillis());
    if (edge === 'start' && setting.late) return Math.max(...ms);
    if (edge === 'end' && setting.early) return Math.min(...ms);
    return ms[0] as number;
  }

  private active(rule: Grant | Holdback, territory: string, at: number): boolean {
    if (!parseTerritories(rule.territories, this.doc.groups).has(territory)) return false;
    return (
      at >= this.instant(rule.window.start, territory, rule.zone, 'start') &&
      at < this.instant(rule.window.end, territory, rule.zone, 'end')
    );
  }

  /** The title and its ancestors: a deal on any of them covers the title. */
  private lineage(assetId: string): string[] {
    const out = [assetId];
    let current = this.doc.titles.find((t) => t.id === assetId);
    while (current?.parent !== undefined) {
      out.push(current.parent);
      current = this.doc.titles.find((t) => t.id === current?.parent);
    }
    return out;
  }

  private static covers(have: string, tag: string): boolean {
    const h = have.toLowerCase();
    const t = tag.toLowerCase();
    return t === h || t.startsWith(`${h}-`);
  }

  private static grantFits(g: Grant, q: ReferenceScope): boolean {
    const langs = g.languages;
    if (langs !== undefined) {
      if (
        q.language !== undefined &&
        !langs.some(
          (l) =>
            ReferenceRights.covers(l.language, q.language as string) &&
            (q.languageForm === undefined || l.forms.includes(q.languageForm)),
        )
      )
        return false;
      if (
        q.audioLanguage !== undefined &&
        !langs.some(
          (l) =>
            ReferenceRights.covers(l.language, q.audioLanguage as string) &&
            (l.forms.includes('original') || l.forms.includes('dubbed')),
        )
      )
        return false;
      if (
        q.subtitleLanguage !== undefined &&
        !langs.some(
          (l) => ReferenceRights.covers(l.language, q.subtitleLanguage as string) && l.forms.includes('subtitled'),
        )
      )
        return false;
    }
    if (g.platforms !== undefined && (q.platform === undefined || !g.platforms.includes(q.platform))) return false;
    if (g.formats !== undefined && (q.format === undefined || !g.formats.includes(q.format as never))) return false;
    return true;
  }

  /** Docs: a scoped block applies when the query delivers (or does not name) what it scopes. */
  private static blockFits(
    languages: readonly string[] | undefined,
    formats: readonly string[] | undefined,
    q: ReferenceScope,
  ): boolean {
    const asked = [q.language, q.audioLanguage, q.subtitleLanguage].filter((l): l is string => l !== undefined);
    if (
      languages !== undefined &&
      asked.length > 0 &&
      !asked.some((a) => languages.some((l) => ReferenceRights.covers(l, a)))
    )
      return false;
    if (formats !== undefined && q.format !== undefined && !formats.includes(q.format)) return false;
    return true;
  }

  /** True when some rights-in grant covers the query and no holdback or exclusive sale blocks it. */
  allowed(
    assetId: string,
    territory: string,
    channel: string,
    at: number,
    scope: ReferenceScope | string = {},
  ): boolean {
    const q: ReferenceScope = typeof scope === 'string' ? { language: scope } : scope;
    const lineage = this.lineage(assetId);
    const deals = this.doc.deals.filter(
      (d: Deal) => d.status === 'executed' && d.assets.some((a) => lineage.includes(a)),
    );
    const granted = deals.some(
      (d) =>
        d.direction === 'in' &&
        d.grants.some(
          (g) => g.media.includes(channel as never) && this.active(g, territory, at) && ReferenceRights.grantFits(g, q),
        ),
    );
    if (!granted) return false;
    for (const d of deals) {
      for (const h of d.holdbacks) {
        if (!h.media.includes(channel as never) || !this.active(h, territory, at)) continue;
        if (!ReferenceRights.blockFits(h.languages, h.formats, q)) continue;
        if (h.platforms !== undefined && q.platform !== undefined && !h.platforms.includes(q.platform)) continue;
        return false;
      }
      if (d.direction !== 'out') continue;
      for (const g of d.grants) {
        if (!g.exclusive || !g.media.includes(channel as never) || !this.active(g, territory, at)) continue;
        if (
          !ReferenceRights.blockFits(
            g.languages?.map((l) => l.language),
            g.formats,
            q,
          )
        )
          continue;
        if (g.platforms !== undefined && q.platform !== undefined && g.platforms.includes(q.platform)) continue;
        return false;
      }
    }
    return true;
  }

  /**
   * Naive transition planning for one asset on a target (every territory must allow it): every
   * bound instant in the half-open `[from, to)` where the state just before differs from the state at it.
   */
  transitions(
    assetId: string,
    territory: string | readonly string[],
    channel: string,
    from: number,
    to: number,
    scope: ReferenceScope = {},
  ): { at: number; change: 'open' | 'close' }[] {
    const territories = typeof territory === 'string' ? [territory] : territory;
    const lineage = this.lineage(assetId);
    const candidates = new Set<number>();
    for (const deal of this.doc.deals) {
      if (!deal.assets.some((a) => lineage.includes(a))) continue;
      for (const rule of [...deal.grants, ...deal.holdbacks]) {
        if (!rule.media.includes(channel as never)) continue;
        for (const t of territories)
          for (const edge of ['start', 'end'] as const) {
            const at = this.instant(rule.window[edge], t, rule.zone, edge);
            if (at >= from && at < to) candidates.add(at);
          }
      }
    }
    const live = (at: number) => territories.every((t) => this.allowed(assetId, t, channel, at, scope));
    const out: { at: number; change: 'open' | 'close' }[] = [];
    for (const t of [...candidates].sort((a, b) => a - b)) {
      const before = live(t - 1);
      const after = live(t);
      if (before !== after) out.push({ at: t, change: after ? 'open' : 'close' });
    }
    return out;
  }
}
