import { DateTime } from 'luxon';
import { z } from 'zod';
import { FramewiseError } from '../errors/index.js';
import { parseInput, parseOptions } from '../support/index.js';
import {
  ABSOLUTE,
  type AssetRights,
  type Bound,
  type CompiledElement,
  compileRights,
  createCompiler,
  LOCAL,
  MEDIA_INDEX,
  OPEN,
  type RightsCompiler,
  type Rule,
  rulesOf,
} from './compile.js';
import { checkDeal, type DealConflict } from './conflicts.js';
import { type DecisionContext, type ElementConflict, RightsDecision, type RightsQuery } from './decision.js';
import type { UsageLedger } from './ledger.js';
import {
  type DealInput,
  DealSchema,
  type LicenseType,
  type RightsDocument,
  type RightsDocumentInput,
  RightsDocumentSchema,
} from './model.js';
import { HEADER, type PackedIndex, packIndex, ROW, SLOW } from './packed.js';
import { territoryIndex } from './territories.js';
import { TERRITORIES } from './territory-table.js';
import { type ZoneClock, zoneClock } from './zone-clock.js';

const EMPTY: readonly Rule[] = Object.freeze([]);
/** A local wall time is within a day of its instant in every zone. */
const DAY_MS = 86_400_000;

/** Anything that is an instant: luxon DateTime, Date, ISO string with offset, epoch ms. */
export type InstantInput = { toMillis(): number } | Date | string | number;

/** Epoch milliseconds of an instant input, or `INVALID_INPUT` naming it. */
export function instantMs(value: InstantInput, what = 'Instant'): number {
  let ms: number;
  if (typeof value === 'number') ms = value;
  else if (typeof value === 'string') ms = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(value) ? Date.parse(value) : Number.NaN;
  else if (value instanceof Date) ms = value.getTime();
  else ms = typeof value?.toMillis === 'function' ? value.toMillis() : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new FramewiseError(
      'INVALID_INPUT',
      `${what} ${JSON.stringify(String(value)).slice(0, 80)} is not an instant (give an ISO time with a zone offset, a Date, a luxon DateTime or epoch ms)`,
      {
        details: { value: String(value) },
      },
    );
  }
  return ms;
}

/** An open interval of availability; `null` means unbounded. */
export interface AvailabilityInterval {
  readonly start: DateTime | null;
  readonly end: DateTime | null;
}

/** Where content goes: an endpoint's territories and channel, for {@link RightsEngine.planTransitions}. */
export interface TransitionTarget {
  readonly id: string;
  /** Content is live only while it is allowed in every one of these territories. */
  readonly territories: readonly string[];
  readonly channel: LicenseType;
}

/** A moment a window opens or closes for an asset on a target. */
export interface Transition {
  readonly at: DateTime;
  readonly assetId: string;
  readonly targetId: string;
  /** `open`: make it available; `close`: take it down. */
  readonly change: 'open' | 'close';
}

/** Options for {@link createRightsEngine}. */
export const RightsEngineOptionsSchema = z.strictObject({
  /** The usage ledger run limits are counted in. */
  ledger: z
    .custom<UsageLedger>(
      (v) => typeof v === 'object' && v !== null && typeof (v as UsageLedger).append === 'function',
      'must be a UsageLedger',
    )
    .optional(),
});
/** Options of {@link createRightsEngine}. */
export type RightsEngineOptions = z.input<typeof RightsEngineOptionsSchema>;

/**
 * The rights and availability engine: answers "may this version of this title go to this
 * territory on this channel at this instant?" with a readable explanation, from an in-memory
 * index (per asset, per media: grants and blocks with territory bitsets and pre-resolved bounds).
 */
export class RightsEngine {
  readonly #doc: RightsDocument;
  readonly #compiled: RightsCompiler;
  readonly #zones: (ZoneClock | undefined)[];
  readonly #ledger: UsageLedger | undefined;
  #packed: PackedIndex | undefined;
  readonly #context: DecisionContext;

  /** @hidden use {@link createRightsEngine}. */
  constructor(doc: RightsDocument, compiled: RightsCompiler, options: RightsEngineOptions) {
    this.#doc = doc;
    this.#compiled = compiled;
    this.#zones = new Array(TERRITORIES.length);
    this.#ledger = options.ledger;
    this.#context = {
      grantsCovering: (assetId, channel, ti) => this.grantsCovering(assetId, channel, ti),
      describeBound: (bound, ti) => this.describeBound(bound, ti),
    };
  }

  /** @internal the zone clock of a territory (by index), honouring overrides. */
  zoneOf(index: number): ZoneClock {
    let clock = this.#zones[index];
    if (clock === undefined) {
      const info = TERRITORIES[index] as (typeof TERRITORIES)[number];
      clock = zoneClock(this.#doc.territoryZones[info.code] ?? info.zone);
      this.#zones[index] = clock;
    }
    return clock;
  }

  /** @internal the instant of a bound in a territory. */
  boundInstant(bound: Bound, index: number): number {
    return bound.kind === LOCAL ? this.zoneOf(index).fromLocal(bound.ms) : bound.ms;
  }

  /** @internal compiled rights of an asset. */
  rightsOf(assetId: string): AssetRights | undefined {
    return this.#compiled.assets.get(assetId);
  }

  /**
   * May this asset (and version) go to this territory on this channel at this instant? Checks
   * grants (territory, window, language, platform, run limits), holdbacks, exclusive sales and the
   * version's element rights.
   *
   * @throws `INVALID_INPUT` for an unknown territory or channel, or a malformed instant.
   */
  evaluate(query: RightsQuery): RightsDecision {
    const ti = territoryIndex(query.territory);
    if (ti < 0)
      throw new FramewiseError(
        'INVALID_INPUT',
        `Territory ${JSON.stringify(query.territory)} is not an ISO 3166-1 code`,
        { details: { territory: query.territory } },
      );
    const mi = MEDIA_INDEX.get(query.channel);
    if (mi === undefined)
      throw new FramewiseError('INVALID_INPUT', `Channel ${JSON.stringify(query.channel)} is not a license type`, {
        details: { channel: query.channel },
      });
    const at =
      typeof query.at === 'number' && Number.isFinite(query.at)
        ? query.at
        : instantMs(query.at, 'Rights query instant');
    this.#packed ??= packIndex(this.#compiled.assets);
    const { ids, starts, ruleBase, rows, ints, bits, rules } = this.#packed;
    const a = ids.get(query.assetId);
    let matched: Rule[] | undefined;
    let exhausted: Rule[] | undefined;
    let blocking: Rule[] | undefined;
    if (a !== undefined) {
      const start = starts[a] as number;
      const slot = start * 2 + 2 * mi;
      const gFrom = ints[slot] as number;
      const bFrom = ints[slot + 1] as number;
      const bTo = ints[slot + 2] as number;
      if (bFrom > gFrom) {
        // Local wall time is needed only by rows in this territory with a date-only bound.
        let local = Number.NaN;
        const word = 8 + (ti >>> 5);
        const bit = 1 << (ti & 31);
        const first = start + HEADER;
        const base = ruleBase[a] as number;
        for (let k = gFrom; k < bTo; k++) {
          const row = first + k * ROW;
          if (((bits[row * 2 + word] as number) & bit) === 0) continue;
          let sk = rows[row] as number;
          const slow = sk >= SLOW;
          if (slow) sk -= SLOW;
          const ek = rows[row + 2] as number;
          if (Number.isNaN(local) && (sk === LOCAL || ek === LOCAL)) local = this.zoneOf(ti).toLocal(at);
          const inside =
            (sk === OPEN || (sk === ABSOLUTE ? at >= (rows[row + 1] as number) : local >= (rows[row + 1] as number))) &&
            (ek === OPEN || (ek === ABSOLUTE ? at < (rows[row + 3] as number) : local < (rows[row + 3] as number)));
          if (!inside) continue;
          const r = rules[base + k] as Rule;
          if (k >= bFrom) {
            if (blocking === undefined) blocking = [r];
            else blocking.push(r);
            continue;
          }
          if (slow) {
            if (r.filtered && (!languageOk(r, query) || !platformOk(r, query))) continue;
            const max = r.grant?.maxRuns;
            if (max !== undefined && this.#ledger !== undefined) {
              const from = r.sk === OPEN ? Number.NEGATIVE_INFINITY : this.boundInstant(r.start, ti);
              const to = r.ek === OPEN ? Number.POSITIVE_INFINITY : this.boundInstant(r.end, ti);
              if (this.#ledger.countPlays(query.assetId, query.territory, query.channel, from, to) >= max) {
                if (exhausted === undefined) exhausted = [r];
                else exhausted.push(r);
              }
            }
          }
          if (matched === undefined) matched = [r];
          else matched.push(r);
        }
      }
    }
    const conflicts =
      query.versionId === undefined
        ? NO_CONFLICTS
        : elementConflicts(this.#compiled.elements.get(query.versionId), query, ti);
    return new RightsDecision(
      this.#context,
      query,
      at,
      ti,
      matched ?? EMPTY,
      blocking ?? EMPTY,
      exhausted ?? EMPTY,
      conflicts,
    );
  }

  /** @internal grants of an asset's media that cover a territory (for explanations). */
  grantsCovering(assetId: string, channel: LicenseType, ti: number): readonly Rule[] {
    const rights = this.#compiled.assets.get(assetId);
    return (rights === undefined ? EMPTY : rulesOf(rights.grants, channel)).filter((r) => r.territories.hasIndex(ti));
  }

  /** @internal a bound as a person reads it in a territory. */
  describeBound(bound: Bound, ti: number): string {
    if (bound.kind === OPEN) return 'open';
    if (bound.kind === LOCAL) return `${new Date(bound.ms).toISOString().slice(0, 10)} (${this.zoneOf(ti).zone})`;
    return new Date(bound.ms).toISOString();
  }

  /** @internal allowed state at an instant in a territory (windows only; no runs or elements). */
  stateAt(
    rights: AssetRights,
    channel: LicenseType,
    ti: number,
    at: number,
    language?: Pick<RightsQuery, 'language' | 'languageForm' | 'platform'>,
  ): boolean {
    const local = this.zoneOf(ti).toLocal(at);
    const q = language ?? {};
    let granted = false;
    for (const r of rulesOf(rights.grants, channel)) {
      if (r.territories.hasIndex(ti) && inWindow(r, at, local) && languageOk(r, q) && platformOk(r, q)) {
        granted = true;
        break;
      }
    }
    if (!granted) return false;
    for (const r of rulesOf(rights.blocks, channel))
      if (r.territories.hasIndex(ti) && inWindow(r, at, local)) return false;
    return true;
  }

  /**
   * The exact intervals when an asset is available in a territory on a channel (grants minus
   * holdbacks and exclusive sales; run limits and element rights are per delivery and not included).
   */
  availability(
    assetId: string,
    where: { readonly territory: string; readonly channel: LicenseType } & Pick<
      RightsQuery,
      'language' | 'languageForm' | 'platform'
    >,
  ): AvailabilityInterval[] {
    const ti = territoryIndex(where.territory);
    if (ti < 0)
      throw new FramewiseError(
        'INVALID_INPUT',
        `Territory ${JSON.stringify(where.territory)} is not an ISO 3166-1 code`,
        { details: where },
      );
    const rights = this.#compiled.assets.get(assetId);
    if (rights === undefined) return [];
    const rules = [...rulesOf(rights.grants, where.channel), ...rulesOf(rights.blocks, where.channel)].filter((r) =>
      r.territories.hasIndex(ti),
    );
    const cuts = [
      ...new Set(
        rules
          .flatMap((r) => [r.start, r.end])
          .filter((b) => b.kind !== OPEN)
          .map((b) => this.boundInstant(b, ti)),
      ),
    ].sort((a, b) => a - b);
    const zone = this.zoneOf(ti).zone;
    const out: { start: number; end: number }[] = [];
    const points = [Number.NEGATIVE_INFINITY, ...cuts];
    for (let i = 0; i < points.length; i++) {
      const from = points[i] as number;
      const to = points[i + 1] ?? Number.POSITIVE_INFINITY;
      const probe = Number.isFinite(from) ? from : (cuts[0] ?? 0) - 1;
      if (!this.stateAt(rights, where.channel, ti, probe, where)) continue;
      const last = out[out.length - 1];
      if (last !== undefined && last.end === from) last.end = to;
      else out.push({ start: from, end: to });
    }
    const dt = (ms: number) => (Number.isFinite(ms) ? DateTime.fromMillis(ms, { zone }) : null);
    return out.map((i) => ({ start: dt(i.start), end: dt(i.end) }));
  }

  /**
   * Every moment in `[now, now + horizon)` a window opens or closes for each asset × target, so a
   * distribution orchestrator can make content available when a window opens and take it down when
   * it closes — on time. Sorted by instant.
   */
  planTransitions(
    now: InstantInput,
    horizonMs: number,
    targets: readonly TransitionTarget[],
    assetIds?: Iterable<string>,
  ): Transition[] {
    const from = instantMs(now, 'planTransitions now');
    if (!Number.isFinite(horizonMs) || horizonMs <= 0)
      throw new FramewiseError('INVALID_INPUT', `Horizon ${horizonMs} ms must be positive`, { details: { horizonMs } });
    const to = from + horizonMs;
    const compiledTargets = targets.map((t) => {
      const indexes = t.territories.map((code) => {
        const i = territoryIndex(code);
        if (i < 0)
          throw new FramewiseError(
            'INVALID_INPUT',
            `Target "${t.id}": territory ${JSON.stringify(code)} is not an ISO 3166-1 code`,
            { details: { target: t.id } },
          );
        return i;
      });
      const mi = MEDIA_INDEX.get(t.channel);
      if (mi === undefined)
        throw new FramewiseError(
          'INVALID_INPUT',
          `Target "${t.id}": channel ${JSON.stringify(t.channel)} is not a license type`,
          { details: { target: t.id } },
        );
      return { target: t, indexes, mi };
    });
    const out: { at: number; assetId: string; targetId: string; change: 'open' | 'close' }[] = [];
    this.#packed ??= packIndex(this.#compiled.assets);
    const { ids: numbers, starts, rows, ints, bits } = this.#packed;
    const ids = assetIds ?? this.#compiled.assets.keys();
    const cuts: number[] = [];
    for (const assetId of ids) {
      const a = numbers.get(assetId);
      if (a === undefined) continue;
      const rights = this.#compiled.assets.get(assetId) as AssetRights;
      const start = starts[a] as number;
      for (const { target, indexes, mi } of compiledTargets) {
        const slot = start * 2 + 2 * mi;
        const gFrom = ints[slot] as number;
        const bFrom = ints[slot + 1] as number;
        const bTo = ints[slot + 2] as number;
        if (bFrom === gFrom) continue;
        cuts.length = 0;
        for (let k = gFrom; k < bTo; k++) {
          const row = start + HEADER + k * ROW;
          for (let e = 0; e < 4; e += 2) {
            const raw = rows[row + e] as number;
            const kind = e === 0 && raw >= SLOW ? raw - SLOW : raw;
            const ms = rows[row + e + 1] as number;
            if (kind === OPEN) continue;
            // A local wall time is within a day of its instant in every zone.
            if (kind === ABSOLUTE ? ms <= from || ms >= to : ms <= from - DAY_MS || ms >= to + DAY_MS) continue;
            for (const ti of indexes) {
              if (((bits[row * 2 + 8 + (ti >>> 5)] as number) & (1 << (ti & 31))) === 0) continue;
              const t = kind === LOCAL ? this.zoneOf(ti).fromLocal(ms) : ms;
              if (t > from && t < to) cuts.push(t);
            }
          }
        }
        if (cuts.length === 0) continue;
        cuts.sort((x, y) => x - y);
        const live = (t: number) => indexes.every((ti) => this.stateAt(rights, target.channel, ti, t));
        let state = live(from);
        let previous = Number.NaN;
        for (const t of cuts) {
          if (t === previous) continue;
          previous = t;
          const next = live(t);
          if (next !== state) out.push({ at: t, assetId, targetId: target.id, change: next ? 'open' : 'close' });
          state = next;
        }
      }
    }
    out.sort(
      (a, b) =>
        a.at - b.at ||
        (a.assetId < b.assetId ? -1 : a.assetId > b.assetId ? 1 : 0) ||
        (a.targetId < b.targetId ? -1 : 1),
    );
    return out.map((t) => ({ ...t, at: DateTime.fromMillis(t.at, { zone: 'utc' }) }));
  }

  /**
   * Conflicts of a deal against the rights held and sold: selling what is not held, rights-out
   * overlapping other rights-out on the same media × territory × language, and exclusive sold
   * where only non-exclusive is held.
   */
  checkDeal(input: DealInput): DealConflict[] {
    const deal = parseInput(DealSchema, input, `Deal ${JSON.stringify(input?.id ?? '')}`);
    const compiled = createCompiler(this.#doc.groups, [...this.#doc.deals.filter((d) => d.id !== deal.id), deal]);
    compiled.addDeal(deal);
    return checkDeal(this, deal, compiled);
  }

  /**
   * A new engine with a deal added. Refused with `CONFLICT` listing the conflicts of severity
   * `error` unless `allowConflicts` is set.
   */
  withDeal(input: DealInput, options: { readonly allowConflicts?: boolean } = {}): RightsEngine {
    const deal = parseInput(DealSchema, input, `Deal ${JSON.stringify(input?.id ?? '')}`);
    if (this.#doc.deals.some((d) => d.id === deal.id))
      throw new FramewiseError('CONFLICT', `Deal "${deal.id}" already exists`, { details: { deal: deal.id } });
    const conflicts = this.checkDeal(deal).filter((c) => c.severity === 'error');
    if (conflicts.length > 0 && options.allowConflicts !== true) {
      throw new FramewiseError(
        'CONFLICT',
        `Deal "${deal.id}" conflicts with rights held or sold: ${conflicts.map((c) => c.message).join('; ')}`,
        {
          details: { deal: deal.id, conflicts },
        },
      );
    }
    return createRightsEngine(
      { ...this.#doc, deals: [...this.#doc.deals, deal] },
      { ...(this.#ledger ? { ledger: this.#ledger } : {}) },
    );
  }

  /** The rights as a JSON document (the import format). */
  export(): RightsDocument {
    return structuredClone(this.#doc);
  }
}

/** True when a rule's window holds the instant (absolute bounds) or local wall time (local bounds). */
function inWindow(r: Rule, at: number, local: number): boolean {
  const sk = r.sk;
  const ek = r.ek;
  return (
    (sk === OPEN || (sk === ABSOLUTE ? at >= r.sm : local >= r.sm)) &&
    (ek === OPEN || (ek === ABSOLUTE ? at < r.em : local < r.em))
  );
}

const NO_CONFLICTS: readonly ElementConflict[] = Object.freeze([]);

function languageOk(r: Rule, q: Pick<RightsQuery, 'language' | 'languageForm'>): boolean {
  const langs = r.grant?.languages;
  if (langs === undefined || q.language === undefined) return true;
  const wanted = q.language.toLowerCase();
  return langs.some((l) => {
    const have = l.language.toLowerCase();
    return (
      (wanted === have || wanted.startsWith(`${have}-`)) &&
      (q.languageForm === undefined || l.forms.includes(q.languageForm))
    );
  });
}

function platformOk(r: Rule, q: Pick<RightsQuery, 'platform'>): boolean {
  const platforms = r.grant?.platforms;
  return platforms === undefined || (q.platform !== undefined && platforms.includes(q.platform));
}

function elementConflicts(
  elements: readonly CompiledElement[] | undefined,
  q: RightsQuery,
  ti: number,
): ElementConflict[] {
  if (elements === undefined) return [];
  const use = q.use ?? 'program';
  const out: ElementConflict[] = [];
  for (const { element, clearances } of elements) {
    if (element.assetId !== q.assetId) continue;
    const cleared = clearances.some(
      (c) =>
        (c.media === undefined || c.media.has(q.channel)) &&
        c.territories.hasIndex(ti) &&
        (c.uses === undefined || c.uses.has(use)),
    );
    if (!cleared)
      out.push({
        elementId: element.id,
        kind: element.kind,
        name: element.name,
        in: element.in,
        out: element.out,
        action: element.whenNotCleared,
      });
  }
  return out;
}

/**
 * Build a rights engine from a rights document (the documented JSON format), validated with zod:
 * errors name the deal, grant and field.
 */
export function createRightsEngine(document: RightsDocumentInput, input: RightsEngineOptions = {}): RightsEngine {
  const options = parseOptions(RightsEngineOptionsSchema, input, 'Rights engine options');
  const doc = parseInput(RightsDocumentSchema, document, 'Rights document');
  for (const [code, zone] of Object.entries(doc.territoryZones)) {
    if (territoryIndex(code) < 0)
      throw new FramewiseError(
        'INVALID_INPUT',
        `Rights document territoryZones: ${JSON.stringify(code)} is not a territory`,
        { details: { code } },
      );
    zoneClock(zone);
  }
  for (const deal of doc.deals) for (const g of deal.grants) if (g.zone !== undefined) zoneClock(g.zone);
  return new RightsEngine(doc, compileRights(doc), options);
}
