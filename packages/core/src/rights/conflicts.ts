import { type AssetRights, type Bound, MEDIA_INDEX, type Rule, rulesOf } from './compile.js';
import { mediaLabel } from './decision.js';
import { languageCovers } from './match.js';
import type { Deal, LicenseType } from './model.js';
import { TERRITORIES } from './territory-table.js';

/** A problem with a sold deal, found when it is checked or when a change affects it. */
export interface DealConflict {
  /**
   * - `not-held` (No-Rights-In): sold without rights in for part of media × territory × language ×
   *   platform × format × window;
   * - `holdback` (Holdback): sold into a holdback of a deal;
   * - `exclusivity` (No-Exclusive-In): sold exclusively where only non-exclusive rights are held;
   * - `out-overlap` (Overlap): overlaps another sale on the same media × territory × language ×
   *   platform × format.
   */
  readonly kind: 'not-held' | 'holdback' | 'exclusivity' | 'out-overlap';
  /** `error` blocks the change; `warning` (non-exclusive overlaps) is for a person to review. */
  readonly severity: 'error' | 'warning';
  /** The sold deal in conflict. */
  readonly dealId: string;
  readonly assetId: string;
  readonly grantId: string;
  readonly media: LicenseType;
  readonly territories: readonly string[];
  /** The other sale (overlaps) or the deal whose holdback it breaks. */
  readonly otherDealId?: string;
  readonly otherGrantId?: string;
  readonly message: string;
}

/**
 * What checking a deal reads from the rights engine (`RightsEngine` implements it). Declared here
 * so that this module does not import the engine that calls it.
 */
export interface DealCheckRights {
  /** The instant of a bound in a territory (by index). */
  boundInstant(bound: Bound, index: number, edge: 'start' | 'end'): number;
  /** Compiled rights of an asset. */
  rightsOf(assetId: string): AssetRights | undefined;
}

interface Span {
  start: number;
  end: number;
}

/** Intervals in a territory where some `grants` rule is active and no `blocks` rule is. */
function held(engine: DealCheckRights, grants: readonly Rule[], blocks: readonly Rule[], ti: number): Span[] {
  const rules = [...grants, ...blocks];
  const s = (r: Rule) => engine.boundInstant(r.start, ti, 'start');
  const e = (r: Rule) => engine.boundInstant(r.end, ti, 'end');
  const cuts = [...new Set(rules.flatMap((r) => [s(r), e(r)]).filter(Number.isFinite))].sort((a, b) => a - b);
  const points = [Number.NEGATIVE_INFINITY, ...cuts];
  const active = (r: Rule, t: number) => s(r) <= t && t < e(r);
  const out: Span[] = [];
  for (let i = 0; i < points.length; i++) {
    const from = points[i] as number;
    const to = points[i + 1] ?? Number.POSITIVE_INFINITY;
    const probe = Number.isFinite(from) ? from : (cuts[0] ?? 0) - 1;
    if (!grants.some((r) => active(r, probe)) || blocks.some((r) => active(r, probe))) continue;
    const last = out[out.length - 1];
    if (last !== undefined && last.end === from) last.end = to;
    else out.push({ start: from, end: to });
  }
  return out;
}

/** The first part of `want` not covered by `spans` (sorted, disjoint), or undefined. */
function firstGap(want: Span, spans: readonly Span[]): Span | undefined {
  let at = want.start;
  for (const s of spans) {
    if (s.end <= at) continue;
    if (s.start > at) return { start: at, end: Math.min(s.start, want.end) };
    at = s.end;
    if (at >= want.end) return undefined;
  }
  return at < want.end ? { start: at, end: want.end } : undefined;
}

const show = (ms: number) =>
  Number.isFinite(ms) ? new Date(ms).toISOString() : ms < 0 ? 'the beginning' : 'open end (or a TBD event)';

/** True when list `have` (absent: everything) covers every item of `want` (absent: everything). */
function listCovers<T>(have: readonly T[] | undefined, want: readonly T[] | undefined): boolean {
  if (have === undefined) return true;
  return want?.every((w) => have.includes(w)) ?? false;
}

/** True when two lists (absent: everything) share an item. */
function listsMeet<T>(a: readonly T[] | undefined, b: readonly T[] | undefined): boolean {
  return a === undefined || b === undefined || a.some((x) => b.includes(x));
}

/** True when a rights-in grant covers what a sale sells: languages (by prefix) and forms, platforms, formats. */
export function inCovers(sale: Rule, held: Rule): boolean {
  const want = sale.grant?.languages;
  const have = held.grant?.languages;
  const languages =
    have === undefined ||
    (want?.every((w) =>
      have.some((h) => languageCovers(h.language, w.language) && w.forms.every((f) => h.forms.includes(f))),
    ) ??
      false);
  return (
    languages &&
    listCovers(held.grant?.platforms, sale.grant?.platforms) &&
    listCovers(held.grant?.formats, sale.grant?.formats)
  );
}

/** True when the scopes (languages, platforms, formats) of a sale and another rule meet. */
export function scopesMeet(sale: Rule, other: Rule): boolean {
  const x = sale.grant?.languages;
  const y: readonly { language: string; forms?: readonly string[] }[] | undefined =
    other.grant?.languages ?? other.holdback?.languages?.map((language) => ({ language }));
  const languages =
    x === undefined ||
    y === undefined ||
    x.some((l) =>
      y.some(
        (m) =>
          (languageCovers(l.language, m.language) || languageCovers(m.language, l.language)) &&
          (m.forms === undefined || l.forms.some((f) => m.forms?.includes(f))),
      ),
    );
  const otherPlatforms = other.grant?.platforms ?? other.holdback?.platforms;
  const otherFormats = other.grant?.formats ?? other.holdback?.formats;
  return languages && listsMeet(sale.grant?.platforms, otherPlatforms) && listsMeet(sale.grant?.formats, otherFormats);
}

/**
 * Check a rights-out deal (compiled in `compiled`) against the engine's rights in and out, in the
 * given assets (default: all the deal covers).
 */
export function checkDeal(
  engine: DealCheckRights,
  deal: Deal,
  compiled: ReadonlyMap<string, AssetRights>,
  assets?: Iterable<string>,
): DealConflict[] {
  if (deal.direction !== 'out') return [];
  const grouped = new Map<
    string,
    Omit<DealConflict, 'territories' | 'message'> & { territories: string[]; detail: string }
  >();
  const add = (c: Omit<DealConflict, 'territories' | 'message' | 'dealId'>, territory: string, detail: string) => {
    const key = [c.kind, c.assetId, c.grantId, c.media, c.otherDealId ?? '', c.otherGrantId ?? ''].join('|');
    const existing = grouped.get(key);
    if (existing === undefined) grouped.set(key, { ...c, dealId: deal.id, territories: [territory], detail });
    else existing.territories.push(territory);
  };
  for (const assetId of assets ?? compiled.keys()) {
    const rights = engine.rightsOf(assetId);
    const outs = compiled.get(assetId)?.outs;
    if (outs === undefined) continue;
    for (const [media, i] of MEDIA_INDEX) {
      const m = media as LicenseType;
      for (const rule of outs[i] ?? []) {
        if (rule.deal.id !== deal.id) continue;
        const grantId = rule.grant?.id ?? '';
        const inGrants = (rights === undefined ? [] : rulesOf(rights.grants, m)).filter((g) => inCovers(rule, g));
        const holdbacks = (rights === undefined ? [] : rulesOf(rights.blocks, m)).filter(
          (b) => b.kind === 'holdback' && scopesMeet(rule, b),
        );
        const otherOuts = (rights === undefined ? [] : rulesOf(rights.outs, m)).filter((o) => o.deal.id !== deal.id);
        for (let ti = 0; ti < TERRITORIES.length; ti++) {
          if (!rule.territories.hasIndex(ti)) continue;
          const code = (TERRITORIES[ti] as (typeof TERRITORIES)[number]).code;
          const want: Span = {
            start: engine.boundInstant(rule.start, ti, 'start'),
            end: engine.boundInstant(rule.end, ti, 'end'),
          };
          if (!(want.start < want.end)) continue;
          const here = (rs: readonly Rule[]) => rs.filter((r) => r.territories.hasIndex(ti));
          const grantsHere = here(inGrants);
          const gap = firstGap(want, held(engine, grantsHere, [], ti));
          const base = { assetId, grantId, media: m };
          if (gap !== undefined) {
            add(
              { ...base, kind: 'not-held', severity: 'error' },
              code,
              `rights not held from ${show(gap.start)} to ${show(gap.end)}`,
            );
          } else {
            for (const h of here(holdbacks)) {
              const hs = engine.boundInstant(h.start, ti, 'start');
              const he = engine.boundInstant(h.end, ti, 'end');
              if (hs < want.end && want.start < he)
                add(
                  {
                    ...base,
                    kind: 'holdback',
                    severity: 'error',
                    otherDealId: h.deal.id,
                    otherGrantId: h.holdback?.id ?? '',
                  },
                  code,
                  `holdback "${h.holdback?.id}" of deal "${h.deal.id}" applies from ${show(Math.max(hs, want.start))} to ${show(Math.min(he, want.end))}${h.holdback?.reason ? ` (${h.holdback.reason})` : ''}`,
                );
            }
            if (rule.grant?.exclusive) {
              const exclusiveGap = firstGap(
                want,
                held(
                  engine,
                  grantsHere.filter((g) => g.grant?.exclusive),
                  [],
                  ti,
                ),
              );
              if (exclusiveGap !== undefined)
                add(
                  { ...base, kind: 'exclusivity', severity: 'error' },
                  code,
                  `sold exclusively but only non-exclusive rights are held from ${show(exclusiveGap.start)} to ${show(exclusiveGap.end)}`,
                );
            }
          }
          for (const other of here(otherOuts)) {
            if (!scopesMeet(rule, other)) continue;
            const os = engine.boundInstant(other.start, ti, 'start');
            const oe = engine.boundInstant(other.end, ti, 'end');
            if (os < want.end && want.start < oe) {
              const exclusive = rule.grant?.exclusive === true || other.grant?.exclusive === true;
              add(
                {
                  ...base,
                  kind: 'out-overlap',
                  severity: exclusive ? 'error' : 'warning',
                  otherDealId: other.deal.id,
                  otherGrantId: other.grant?.id ?? '',
                },
                code,
                `overlaps deal "${other.deal.id}" grant "${other.grant?.id}" (${other.deal.licensee}${other.grant?.exclusive ? ', exclusive' : ''}) from ${show(Math.max(os, want.start))} to ${show(Math.min(oe, want.end))}`,
              );
            }
          }
        }
      }
    }
  }
  return [...grouped.values()].map(({ detail, ...c }) => ({
    ...c,
    message: `Deal "${deal.id}" grant "${c.grantId}" sells ${mediaLabel(c.media)} of "${c.assetId}" in ${summarize(c.territories)}: ${detail}`,
  }));
}

function summarize(codes: readonly string[]): string {
  return codes.length <= 8 ? codes.join(', ') : `${codes.slice(0, 8).join(', ')} and ${codes.length - 8} more`;
}
