import { DateTime } from 'luxon';
import { z } from 'zod';
import { FramewiseError } from '../errors/index.js';
import { parseInput, parseOptions } from '../support/index.js';
import { ABSOLUTE, type Bound, LOCAL, MAX_INSTANT, OPEN } from './bounds.js';
import {
  type AssetRights,
  type CompiledElement,
  compileRights,
  coveredTitles,
  type Rule,
  rulesOf,
  titleChildren,
} from './compile.js';
import { checkDeal, type DealConflict } from './conflicts.js';
import { type DecisionContext, type ElementConflict, RightsDecision, type RightsQuery } from './decision.js';
import { type InstantInput, instantMs, mediaOf, territoryOf } from './inputs.js';
import type { UsageLedger } from './ledger.js';
import {
  changeDeal,
  type DealChangeOptions,
  type GrantEntry,
  type DealChange as LifecycleChange,
  parseDealChange,
} from './lifecycle.js';
import { blockApplies, elementConflicts, grantCovers, inWindow, type QueryScope } from './match.js';
import {
  type Deal,
  type DealInput,
  type LicenseType,
  type RightsDocument,
  type RightsDocumentInput,
  RightsDocumentSchema,
} from './model.js';
import { HEADER, type PackedIndex, packIndex, ROW, SLOW } from './packed.js';
import { planTransitions, type Transition, type TransitionDiff, type TransitionTarget } from './planning.js';
import { TerritoryClock } from './territory-clock.js';
import { TERRITORIES } from './territory-table.js';
import { validateDocument } from './validate.js';

const EMPTY: readonly Rule[] = Object.freeze([]);
const NO_CONFLICTS: readonly ElementConflict[] = Object.freeze([]);

/** An open interval of availability; `null` means unbounded. */
export interface AvailabilityInterval {
  readonly start: DateTime | null;
  readonly end: DateTime | null;
}

/** Options for {@link createRightsEngine}. */
export const RightsEngineOptionsSchema = z.strictObject({
  /**
   * Load sold deals that conflict (exclusive sales overlapping, selling what is not held). By
   * default a document whose executed sold deals have conflicts of severity `error` is refused
   * with `CONFLICT` listing them.
   */
  allowConflicts: z.boolean().default(false),
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
 * Engines are immutable: {@link RightsEngine.withDeal}, `amendDeal` and `removeDeal` return new ones.
 */
export class RightsEngine {
  readonly #doc: RightsDocument;
  readonly #compiled: EngineState;
  readonly #clocks: (TerritoryClock | undefined)[];
  readonly #ledger: UsageLedger | undefined;
  #packed: PackedIndex | undefined;
  /** Titles changed since `#packed` was built, packed on their own (checked first). */
  readonly #overlayAssets: ReadonlySet<string> | undefined;
  #overlay: PackedIndex | undefined;
  readonly #context: DecisionContext;

  /** @hidden use {@link createRightsEngine}. */
  constructor(doc: RightsDocument, compiled: EngineState, options: { readonly ledger?: UsageLedger | undefined }) {
    this.#doc = doc;
    this.#compiled = compiled;
    this.#clocks = new Array(TERRITORIES.length);
    this.#ledger = options.ledger;
    this.#packed = compiled.base;
    this.#overlayAssets = compiled.overlayAssets;
    this.#context = {
      grantsCovering: (assetId, channel, ti) => this.grantsCovering(assetId, channel, ti),
      describeBound: (bound, ti) => this.describeBound(bound, ti),
    };
  }

  /** @internal the document (not a copy: do not change it). */
  get document(): RightsDocument {
    return this.#doc;
  }

  /** @internal the ledger, if any. */
  get ledger(): UsageLedger | undefined {
    return this.#ledger;
  }

  /** @internal how a territory (by index) reads date-only bounds, honouring overrides and policies. */
  clockOf(index: number): TerritoryClock {
    let clock = this.#clocks[index];
    if (clock === undefined) {
      const info = TERRITORIES[index] as (typeof TERRITORIES)[number];
      clock = new TerritoryClock(this.#doc.territoryZones[info.code] ?? info.zone);
      this.#clocks[index] = clock;
    }
    return clock;
  }

  /** @internal the instant of a bound in a territory (`edge` picks the zone under a multi-zone policy). */
  boundInstant(bound: Bound, index: number, edge: 'start' | 'end' = 'start'): number {
    if (bound.kind === OPEN) return edge === 'start' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    return bound.kind === LOCAL ? this.clockOf(index).instant(bound.ms, edge) : bound.ms;
  }

  /** @internal compiled rights of an asset. */
  rightsOf(assetId: string): AssetRights | undefined {
    return this.#compiled.assets.get(assetId);
  }

  /** @internal every asset with compiled rights. */
  assetIds(): IterableIterator<string> {
    return this.#compiled.assets.keys();
  }

  /** @internal the packed index holding an asset (the overlay of changed titles first), or undefined. */
  locate(assetId: string): PackedIndex | undefined {
    const base = this.#base();
    if (this.#overlayAssets?.has(assetId)) return this.#overlayIndex();
    return base.ids.has(assetId) ? base : undefined;
  }

  #base(): PackedIndex {
    this.#packed ??= packIndex(this.#compiled.assets);
    return this.#packed;
  }

  #overlayIndex(): PackedIndex {
    if (this.#overlay === undefined) {
      const subset = new Map<string, AssetRights>();
      for (const id of this.#overlayAssets ?? [])
        subset.set(id, this.#compiled.assets.get(id) ?? { grants: [], blocks: [], outs: [] });
      this.#overlay = packIndex(subset);
    }
    return this.#overlay;
  }

  /**
   * May this asset (and version) go to this territory on this channel at this instant? Checks
   * grants (territory, window, language, platform, format, run limits), holdbacks, exclusive sales
   * and the version's element rights.
   *
   * @throws `INVALID_INPUT` for a missing query, an unknown territory or channel, or a malformed instant.
   */
  evaluate(query: RightsQuery): RightsDecision {
    if (typeof query !== 'object' || query === null)
      throw new FramewiseError('INVALID_INPUT', `Rights query ${String(query)} is not an object`, {
        details: { query: String(query) },
      });
    const ti = territoryOf(query.territory, 'Rights query');
    const mi = mediaOf(query.channel, 'Rights query');
    const at =
      typeof query.at === 'number' && Math.abs(query.at) <= MAX_INSTANT
        ? query.at
        : instantMs(query.at, 'Rights query instant');
    let p = this.#packed ?? this.#base();
    if (this.#overlayAssets?.has(query.assetId)) p = this.#overlay ?? this.#overlayIndex();
    const { starts, ruleBase, rows, ints, bits, rules } = p;
    const a = p.ids.get(query.assetId);
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
        let ls = Number.NaN;
        let le = Number.NaN;
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
          if (Number.isNaN(ls) && (sk === LOCAL || ek === LOCAL)) {
            const clock = this.clockOf(ti);
            ls = clock.startLocal(at);
            le = clock.multi ? clock.endLocal(at) : ls;
          }
          const inside =
            (sk === OPEN || (sk === ABSOLUTE ? at >= (rows[row + 1] as number) : ls >= (rows[row + 1] as number))) &&
            (ek === OPEN || (ek === ABSOLUTE ? at < (rows[row + 3] as number) : le < (rows[row + 3] as number)));
          if (!inside) continue;
          const r = rules[base + k] as Rule;
          if (k >= bFrom) {
            if (slow && !blockApplies(r, query)) continue;
            if (blocking === undefined) blocking = [r];
            else blocking.push(r);
            continue;
          }
          if (slow) {
            if (!grantCovers(r, query)) continue;
            if (
              r.grant?.maxRuns !== undefined &&
              this.runsUsed(r, query.assetId, query.territory, ti) >= r.grant.maxRuns
            ) {
              if (exhausted === undefined) exhausted = [r];
              else exhausted.push(r);
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
        : elementConflicts(this.#compiled.elements.get(query.versionId), query, ti, at, (b, edge) =>
            this.boundInstant(b, ti, edge),
          );
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

  /** Runs of a grant used in a territory within its window, across the grant's media. */
  private runsUsed(r: Rule, assetId: string, territory: string, ti: number): number {
    if (this.#ledger === undefined) return 0;
    const grant = r.grant as NonNullable<Rule['grant']>;
    return this.#ledger.countRuns(
      assetId,
      territory,
      grant.media,
      this.boundInstant(r.start, ti, 'start'),
      this.boundInstant(r.end, ti, 'end'),
      grant.runHours,
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
    if (bound.tbd !== undefined) return `TBD (event "${bound.tbd}")`;
    if (bound.kind === LOCAL) return `${new Date(bound.ms).toISOString().slice(0, 10)} (${this.clockOf(ti).zone})`;
    return new Date(bound.ms).toISOString();
  }

  /** @internal allowed state at an instant in a territory (windows, scope; no runs or elements). */
  stateAt(rights: AssetRights, channel: LicenseType, ti: number, at: number, scope: QueryScope = {}): boolean {
    const clock = this.clockOf(ti);
    const ls = clock.startLocal(at);
    const le = clock.multi ? clock.endLocal(at) : ls;
    let granted = false;
    for (const r of rulesOf(rights.grants, channel)) {
      if (r.territories.hasIndex(ti) && inWindow(r, at, ls, le) && grantCovers(r, scope)) {
        granted = true;
        break;
      }
    }
    if (!granted) return false;
    for (const r of rulesOf(rights.blocks, channel))
      if (r.territories.hasIndex(ti) && inWindow(r, at, ls, le) && blockApplies(r, scope)) return false;
    return true;
  }

  /**
   * The exact intervals when an asset is available in a territory on a channel (grants minus
   * holdbacks and exclusive sales; run limits and element rights are per delivery and not included).
   */
  availability(
    assetId: string,
    where: { readonly territory: string; readonly channel: LicenseType } & QueryScope,
  ): AvailabilityInterval[] {
    const ti = territoryOf(where?.territory, 'availability');
    mediaOf(where.channel, 'availability');
    const rights = this.#compiled.assets.get(assetId);
    if (rights === undefined) return [];
    const rules = [...rulesOf(rights.grants, where.channel), ...rulesOf(rights.blocks, where.channel)].filter((r) =>
      r.territories.hasIndex(ti),
    );
    const cuts = [
      ...new Set(
        rules
          .flatMap((r) => [this.boundInstant(r.start, ti, 'start'), this.boundInstant(r.end, ti, 'end')])
          .filter((ms) => Number.isFinite(ms)),
      ),
    ].sort((x, y) => x - y);
    const zone = this.clockOf(ti).primary.zone;
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
   * Every moment in the half-open `[now, now + horizon)` a window opens or closes for each asset ×
   * target (a change exactly at `now` included, one at `now + horizon` left to the next horizon), so
   * a distribution orchestrator can make content available when a window opens and take it down when
   * it closes — on time. Sorted by instant.
   */
  planTransitions(
    now: InstantInput,
    horizonMs: number,
    targets: readonly TransitionTarget[],
    assetIds?: Iterable<string>,
  ): Transition[] {
    return planTransitions(this, now, horizonMs, targets, assetIds);
  }

  /**
   * Conflicts a deal would have or bring, without changing anything: for a sale, selling what is
   * not held, into a holdback, exclusively beyond what is held, or overlapping other sales; for a
   * rights-in deal (new or amended), the conflicts it brings to sold deals.
   */
  checkDeal(input: DealInput): DealConflict[] {
    const existing = this.#existing(input);
    const deal = parseDealChange(input, existing, existing === undefined ? 'add' : 'amend');
    return [...changeDeal(this.#host(), deal.id, deal, { allowConflicts: true }).conflicts];
  }

  /** Conflicts of every executed sold deal (as {@link RightsEngine.checkDeal} reports them). */
  conflicts(): DealConflict[] {
    const out: DealConflict[] = [];
    for (const deal of this.#doc.deals)
      if (deal.direction === 'out' && deal.status === 'executed')
        out.push(...checkDeal(this, deal, this.#compiled.assets, coveredTitles(this.#compiled.children, deal.assets)));
    return out;
  }

  /**
   * A new engine with a deal added. Refused with `CONFLICT` listing the conflicts of severity
   * `error` unless `allowConflicts` is set.
   */
  withDeal(input: DealInput, options: { readonly allowConflicts?: boolean } = {}): RightsEngine {
    return this.addDeal(input, options).engine;
  }

  /** Add a deal: the new engine, the conflicts, the titles affected and (with `plan`) the transition diff. */
  addDeal(input: DealInput, options: DealChangeOptions = {}): DealChange {
    const deal = parseDealChange(input, this.#existing(input), 'add');
    return changeDeal(this.#host(), deal.id, deal, options);
  }

  /** Amend a deal (its version rises by one unless given higher), re-checking every sold deal it affects. */
  amendDeal(input: DealInput, options: DealChangeOptions = {}): DealChange {
    const deal = parseDealChange(input, this.#existing(input), 'amend');
    return changeDeal(this.#host(), deal.id, deal, options);
  }

  /** Remove a deal, re-checking every sold deal it affects (removing rights in can leave sales unheld). */
  removeDeal(id: string, options: DealChangeOptions = {}): DealChange {
    const deal = typeof id === 'string' ? this.#compiled.deals.get(id) : undefined;
    if (deal === undefined)
      throw new FramewiseError('NOT_FOUND', `Deal ${JSON.stringify(id)} does not exist`, { details: { deal: id } });
    // Deals (other than this one) with a grant or holdback window relative to one of its grants.
    for (const g of deal.grants)
      for (const dependentId of this.#compiled.dependents.get(g.id) ?? []) {
        const dependent = dependentId === id ? undefined : this.#compiled.deals.get(dependentId);
        if (dependent === undefined) continue;
        const relative = [...dependent.grants, ...dependent.holdbacks].some((r) =>
          [r.window.start, r.window.end].some((b) => typeof b === 'object' && 'after' in b && b.after === g.id),
        );
        if (relative)
          throw new FramewiseError(
            'CONFLICT',
            `Deal "${id}" has grants other deals' windows are relative to (deal "${dependentId}" on grant "${g.id}")`,
            { details: { deal: id, dependent: dependentId, grant: g.id } },
          );
      }
    return changeDeal(this.#host(), id, undefined, options);
  }

  /** The deal an input names by its id, if the document has it. */
  #existing(input: DealInput): Deal | undefined {
    const id = (input as { id?: unknown } | undefined)?.id;
    return typeof id === 'string' ? this.#compiled.deals.get(id) : undefined;
  }

  #host() {
    const compiled = this.#compiled;
    return {
      engine: this,
      doc: this.#doc,
      grants: compiled.grants,
      deals: compiled.deals,
      children: compiled.children,
      dependents: compiled.dependents,
      assets: compiled.assets,
      next: (
        doc: RightsDocument,
        assets: ReadonlyMap<string, AssetRights>,
        grants: ReadonlyMap<string, GrantEntry>,
        deals: ReadonlyMap<string, Deal>,
        changed: readonly string[],
      ) => {
        const base = this.#packed;
        let overlayAssets: Set<string> | undefined;
        if (base !== undefined) {
          overlayAssets = new Set([...(this.#overlayAssets ?? []), ...changed]);
          if (overlayAssets.size > Math.max(2000, base.ids.size / 8)) overlayAssets = undefined;
        }
        const state: EngineState = {
          assets,
          elements: compiled.elements,
          grants,
          deals,
          children: compiled.children,
          dependents: compiled.dependents,
          ...(overlayAssets !== undefined ? { base, overlayAssets } : {}),
        };
        return new RightsEngine(doc, state, { ledger: this.#ledger });
      },
    };
  }

  /** The rights as a JSON document (the import format). */
  export(): RightsDocument {
    return structuredClone(this.#doc);
  }
}

/** @hidden the compiled state an engine is built on. */
export interface EngineState {
  readonly assets: ReadonlyMap<string, AssetRights>;
  readonly elements: Map<string, CompiledElement[]>;
  /** Every grant of the document's deals, by id. */
  readonly grants: ReadonlyMap<string, GrantEntry>;
  /** The document's deals, by id. */
  readonly deals: ReadonlyMap<string, Deal>;
  /** The children of each title in the document's hierarchy. */
  readonly children: ReadonlyMap<string, readonly string[]>;
  readonly dependents: Map<string, Set<string>>;
  /** A packed index of an earlier engine, valid for every title outside `overlayAssets`. */
  readonly base?: PackedIndex | undefined;
  readonly overlayAssets?: ReadonlySet<string>;
}

/** The outcome of adding, amending or removing a deal. */
export type DealChange = LifecycleChange<RightsEngine>;

export type { DealChangeOptions, InstantInput, Transition, TransitionDiff, TransitionTarget };

/**
 * Build a rights engine from a rights document (the documented JSON format), validated with zod:
 * errors name the deal, grant and field; unknown fields are refused.
 */
export function createRightsEngine(document: RightsDocumentInput, input: RightsEngineOptions = {}): RightsEngine {
  const options = parseOptions(RightsEngineOptionsSchema, input, 'Rights engine options');
  const doc = parseInput(RightsDocumentSchema, document, 'Rights document');
  validateDocument(doc);
  const children = titleChildren(doc.titles);
  const compiled = compileRights(doc, children);
  const engine = new RightsEngine(
    doc,
    {
      assets: compiled.assets,
      elements: compiled.elements,
      grants: compiled.grants,
      deals: new Map(doc.deals.map((d) => [d.id, d])),
      children,
      dependents: compiled.dependents,
    },
    options,
  );
  if (!options.allowConflicts) {
    const errors = engine.conflicts().filter((c) => c.severity === 'error');
    if (errors.length > 0)
      throw new FramewiseError(
        'CONFLICT',
        `Rights document has conflicting sold deals: ${errors
          .slice(0, 10)
          .map((c) => c.message)
          .join('; ')}${errors.length > 10 ? ` (and ${errors.length - 10} more)` : ''}`,
        { details: { conflicts: errors } },
      );
  }
  return engine;
}
