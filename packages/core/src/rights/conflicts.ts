import { type AssetRights, type Bound, type CompiledRights, MEDIA_INDEX, OPEN, type Rule, rulesOf } from './compile.js';
import { mediaLabel } from './decision.js';
import type { Deal, LicenseType } from './model.js';
import { TERRITORIES } from './territory-table.js';

/** A problem with a deal found by {@link RightsEngine.checkDeal}. */
export interface DealConflict {
  /**
   * - `not-held`: sold without rights in for part of the window.
   * - `out-overlap`: overlaps another rights-out grant on the same media × territory × language.
   * - `exclusivity`: sold exclusively where only non-exclusive rights are held.
   */
  readonly kind: 'not-held' | 'out-overlap' | 'exclusivity';
  /** `error` blocks the deal; `warning` (non-exclusive overlaps) is for a person to review. */
  readonly severity: 'error' | 'warning';
  readonly assetId: string;
  readonly grantId: string;
  readonly media: LicenseType;
  readonly territories: readonly string[];
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
  boundInstant(bound: Bound, index: number): number;
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
  const instant = (r: Rule, edge: 'start' | 'end') => {
    const b = edge === 'start' ? r.start : r.end;
    return b.kind === OPEN
      ? edge === 'start'
        ? Number.NEGATIVE_INFINITY
        : Number.POSITIVE_INFINITY
      : engine.boundInstant(b, ti);
  };
  const cuts = [
    ...new Set(rules.flatMap((r) => [instant(r, 'start'), instant(r, 'end')]).filter(Number.isFinite)),
  ].sort((a, b) => a - b);
  const points = [Number.NEGATIVE_INFINITY, ...cuts];
  const active = (r: Rule, t: number) => instant(r, 'start') <= t && t < instant(r, 'end');
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

const show = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : ms < 0 ? 'the beginning' : 'open end');

function languagesCovered(out: Rule, other: Rule): boolean {
  const want = out.grant?.languages;
  const have = other.grant?.languages;
  if (have === undefined) return true;
  if (want === undefined) return false;
  return want.every((w) => have.some((h) => h.language === w.language && w.forms.every((f) => h.forms.includes(f))));
}

function languagesOverlap(a: Rule, b: Rule): boolean {
  const x = a.grant?.languages;
  const y = b.grant?.languages;
  if (x === undefined || y === undefined) return true;
  return x.some((l) => y.some((m) => l.language === m.language && l.forms.some((f) => m.forms.includes(f))));
}

/** Check a rights-out deal against the engine's rights in and out. */
export function checkDeal(engine: DealCheckRights, deal: Deal, compiled: CompiledRights): DealConflict[] {
  if (deal.direction !== 'out') return [];
  const grouped = new Map<
    string,
    Omit<DealConflict, 'territories' | 'message'> & { territories: string[]; detail: string }
  >();
  const add = (c: Omit<DealConflict, 'territories' | 'message'>, territory: string, detail: string) => {
    const key = [c.kind, c.assetId, c.grantId, c.media, c.otherDealId ?? '', c.otherGrantId ?? ''].join('|');
    const existing = grouped.get(key);
    if (existing === undefined) grouped.set(key, { ...c, territories: [territory], detail });
    else existing.territories.push(territory);
  };
  for (const assetId of deal.assets) {
    const rights = engine.rightsOf(assetId);
    const outs = compiled.assets.get(assetId)?.outs;
    if (outs === undefined) continue;
    for (const [media, i] of MEDIA_INDEX) {
      for (const rule of outs[i] ?? []) {
        if (rule.deal !== deal) continue;
        const grantId = rule.grant?.id ?? '';
        const inGrants = (rights === undefined ? [] : rulesOf(rights.grants, media as LicenseType)).filter((g) =>
          languagesCovered(rule, g),
        );
        const holdbacks = (rights === undefined ? [] : rulesOf(rights.blocks, media as LicenseType)).filter(
          (b) => b.kind === 'holdback',
        );
        const otherOuts = (rights === undefined ? [] : rulesOf(rights.outs, media as LicenseType)).filter(
          (o) => o.deal.id !== deal.id,
        );
        for (let ti = 0; ti < TERRITORIES.length; ti++) {
          if (!rule.territories.hasIndex(ti)) continue;
          const code = (TERRITORIES[ti] as (typeof TERRITORIES)[number]).code;
          const want: Span = {
            start: rule.start.kind === OPEN ? Number.NEGATIVE_INFINITY : engine.boundInstant(rule.start, ti),
            end: rule.end.kind === OPEN ? Number.POSITIVE_INFINITY : engine.boundInstant(rule.end, ti),
          };
          const here = (rs: readonly Rule[]) => rs.filter((r) => r.territories.hasIndex(ti));
          const gap = firstGap(want, held(engine, here(inGrants), here(holdbacks), ti));
          if (gap !== undefined) {
            add(
              { kind: 'not-held', severity: 'error', assetId, grantId, media: media as LicenseType },
              code,
              `rights not held from ${show(gap.start)} to ${show(gap.end)}`,
            );
          } else if (rule.grant?.exclusive) {
            const exclusiveGap = firstGap(
              want,
              held(engine, here(inGrants.filter((g) => g.grant?.exclusive)), here(holdbacks), ti),
            );
            if (exclusiveGap !== undefined) {
              add(
                { kind: 'exclusivity', severity: 'error', assetId, grantId, media: media as LicenseType },
                code,
                `sold exclusively but only non-exclusive rights are held from ${show(exclusiveGap.start)}`,
              );
            }
          }
          for (const other of here(otherOuts)) {
            if (!languagesOverlap(rule, other)) continue;
            const os = other.start.kind === OPEN ? Number.NEGATIVE_INFINITY : engine.boundInstant(other.start, ti);
            const oe = other.end.kind === OPEN ? Number.POSITIVE_INFINITY : engine.boundInstant(other.end, ti);
            if (os < want.end && want.start < oe) {
              const exclusive = rule.grant?.exclusive === true || other.grant?.exclusive === true;
              add(
                {
                  kind: 'out-overlap',
                  severity: exclusive ? 'error' : 'warning',
                  assetId,
                  grantId,
                  media: media as LicenseType,
                  otherDealId: other.deal.id,
                  ...(other.grant ? { otherGrantId: other.grant.id } : {}),
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
