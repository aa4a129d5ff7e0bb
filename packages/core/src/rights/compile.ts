import { FramewiseError } from '../errors/index.js';
import {
  type Deal,
  type ElementRight,
  type Grant,
  type Holdback,
  type LicenseType,
  LicenseTypeSchema,
  type RightsDocument,
  type WindowBoundValue,
} from './model.js';
import { parseTerritories, type TerritorySet } from './territories.js';
import { zoneClock } from './zone-clock.js';

/** How a bound is compared: open, an absolute instant, or a local wall time in the territory's zone. */
export const OPEN = 0;
export const ABSOLUTE = 1;
export const LOCAL = 2;

/** A resolved window bound. `ms` is epoch ms (absolute) or wall-clock ms on a UTC scale (local). */
export interface Bound {
  readonly kind: typeof OPEN | typeof ABSOLUTE | typeof LOCAL;
  readonly ms: number;
}

const OPEN_START: Bound = { kind: OPEN, ms: Number.NEGATIVE_INFINITY };
const OPEN_END: Bound = { kind: OPEN, ms: Number.POSITIVE_INFINITY };
const DAY = 86_400_000;

/** A grant, holdback or exclusive sale compiled for fast checks (flat fields for the hot path). */
export interface Rule {
  readonly kind: 'grant' | 'holdback' | 'exclusive-out' | 'out';
  readonly deal: Deal;
  readonly grant?: Grant;
  readonly holdback?: Holdback;
  readonly territories: TerritorySet;
  readonly start: Bound;
  readonly end: Bound;
  /** `territories.bits`, held directly. */
  readonly bits: Uint32Array;
  /** `start.kind`, `start.ms`, `end.kind`, `end.ms`, held directly. */
  readonly sk: number;
  readonly sm: number;
  readonly ek: number;
  readonly em: number;
  /** True when the grant limits languages or platforms. */
  readonly filtered: boolean;
}

/** Index of each license type, for arrays indexed by media. */
export const MEDIA_INDEX: ReadonlyMap<string, number> = new Map(LicenseTypeSchema.options.map((m, i) => [m, i]));

/** Rules per media, indexed by {@link MEDIA_INDEX}. */
export type ByMedia = (Rule[] | undefined)[];

/** The rules of one media in a {@link ByMedia} list (empty when none). */
export function rulesOf(list: ByMedia, media: LicenseType): readonly Rule[] {
  return list[MEDIA_INDEX.get(media) ?? -1] ?? NO_RULES;
}

const NO_RULES: readonly Rule[] = Object.freeze([]);

/** Everything known about one asset's rights, by media. */
export interface AssetRights {
  /** Rights in: what we may exploit. */
  readonly grants: ByMedia;
  /** What stops us: holdbacks of any deal, and exclusive rights sold to others. */
  readonly blocks: ByMedia;
  /** Every rights-out grant, for conflict checks. */
  readonly outs: ByMedia;
}

/** Build a rule with its flat fields. */
function rule(
  kind: Rule['kind'],
  deal: Deal,
  territories: TerritorySet,
  start: Bound,
  end: Bound,
  source: { grant?: Grant; holdback?: Holdback },
): Rule {
  const grant = source.grant;
  return {
    kind,
    deal,
    ...source,
    territories,
    start,
    end,
    bits: territories.bits,
    sk: start.kind,
    sm: start.ms,
    ek: end.kind,
    em: end.ms,
    filtered: grant?.languages !== undefined || grant?.platforms !== undefined,
  };
}

function pushMedia(list: ByMedia, media: LicenseType, value: Rule): void {
  const i = MEDIA_INDEX.get(media) as number;
  const rules = list[i];
  if (rules === undefined) list[i] = [value];
  else rules.push(value);
}

/** An element right compiled for checks. */
export interface CompiledElement {
  readonly element: ElementRight;
  readonly clearances: readonly {
    media?: ReadonlySet<LicenseType>;
    territories: TerritorySet;
    uses?: ReadonlySet<string>;
  }[];
}

/** The compiled form of a rights document. */
export interface CompiledRights {
  readonly assets: Map<string, AssetRights>;
  readonly elements: Map<string, CompiledElement[]>;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** Compiles deals and elements incrementally into {@link CompiledRights}. */
export interface RightsCompiler extends CompiledRights {
  /** Compile one more deal (its grant ids must be new; relative windows may point at earlier deals). */
  addDeal(deal: Deal): void;
  /** Compile one more element right. */
  addElement(element: ElementRight): void;
}

/** Compile a validated rights document; every error names the deal, grant and field. */
export function compileRights(doc: RightsDocument): RightsCompiler {
  const compiler = createCompiler(doc.groups, doc.deals);
  for (const deal of doc.deals) compiler.addDeal(deal);
  for (const element of doc.elements) compiler.addElement(element);
  return compiler;
}

function registerGrants(grantsById: Map<string, { deal: Deal; grant: Grant }>, deal: Deal): void {
  for (const grant of deal.grants) {
    const existing = grantsById.get(grant.id);
    if (existing !== undefined && existing.deal !== deal) {
      throw new FramewiseError(
        'INVALID_INPUT',
        `Deal "${deal.id}": grant id "${grant.id}" is used twice; grant ids must be unique in a rights document`,
        {
          details: { deal: deal.id, grant: grant.id },
        },
      );
    }
    if (existing !== undefined && existing.grant !== grant) {
      throw new FramewiseError('INVALID_INPUT', `Deal "${deal.id}": grant id "${grant.id}" is used twice`, {
        details: { deal: deal.id, grant: grant.id },
      });
    }
    grantsById.set(grant.id, { deal, grant });
  }
}

/**
 * A compiler that knows the grants of `knownDeals` (so relative windows resolve) and compiles only
 * the deals and elements added to it.
 */
export function createCompiler(groups: RightsDocument['groups'], knownDeals: readonly Deal[]): RightsCompiler {
  const grantsById = new Map<string, { deal: Deal; grant: Grant }>();
  for (const deal of knownDeals) registerGrants(grantsById, deal);

  const resolving = new Set<string>();
  const resolved = new Map<string, Bound>();
  const resolve = (
    bound: WindowBoundValue | undefined,
    edge: 'start' | 'end',
    zone: string | undefined,
    where: string,
  ): Bound => {
    if (bound === undefined) return edge === 'start' ? OPEN_START : OPEN_END;
    if (typeof bound === 'string') {
      if (bound.length === 10) {
        const [y, m, d] = bound.split('-').map(Number) as [number, number, number];
        const local = Date.UTC(y, m - 1, d);
        return zone === undefined
          ? { kind: LOCAL, ms: local }
          : { kind: ABSOLUTE, ms: zoneClock(zone).fromLocal(local) };
      }
      return { kind: ABSOLUTE, ms: Date.parse(bound) };
    }
    const key = `${bound.after}:${bound.edge}`;
    const target = grantsById.get(bound.after);
    if (target === undefined) {
      throw new FramewiseError(
        'INVALID_INPUT',
        `${where}: window is relative to grant "${bound.after}", which no deal has`,
        { details: { where, after: bound.after } },
      );
    }
    if (resolving.has(key)) {
      throw new FramewiseError(
        'INVALID_INPUT',
        `${where}: relative windows form a cycle through grant "${bound.after}"`,
        { details: { where } },
      );
    }
    let base = resolved.get(key);
    if (base === undefined) {
      resolving.add(key);
      const t = target.grant;
      base = resolve(
        bound.edge === 'start' ? t.window.start : t.window.end,
        bound.edge,
        t.zone,
        `Deal "${target.deal.id}" grant "${t.id}"`,
      );
      resolving.delete(key);
      resolved.set(key, base);
    }
    if (base.kind === OPEN) {
      throw new FramewiseError(
        'INVALID_INPUT',
        `${where}: grant "${bound.after}" has an open ${bound.edge}, so nothing can be relative to it`,
        { details: { where } },
      );
    }
    return { kind: base.kind, ms: base.ms + bound.days * DAY };
  };

  const parsed = new Map<string, TerritorySet>();
  const territories = (expression: string, where: string): TerritorySet => {
    const cached = parsed.get(expression);
    if (cached !== undefined) return cached;
    try {
      const set = parseTerritories(expression, groups);
      parsed.set(expression, set);
      return set;
    } catch (error) {
      throw new FramewiseError('INVALID_INPUT', `${where}: ${(error as Error).message}`, {
        cause: error,
        details: { where },
      });
    }
  };

  const assets = new Map<string, AssetRights>();
  const rightsOf = (assetId: string): AssetRights => {
    let r = assets.get(assetId);
    if (r === undefined) {
      r = { grants: [], blocks: [], outs: [] };
      assets.set(assetId, r);
    }
    return r;
  };

  const addDeal = (deal: Deal): void => {
    registerGrants(grantsById, deal);
    const compiledGrants = deal.grants.map((grant) => {
      const where = `Deal "${deal.id}" grant "${grant.id}"`;
      return rule(
        deal.direction === 'in' ? 'grant' : 'out',
        deal,
        territories(grant.territories, where),
        resolve(grant.window.start, 'start', grant.zone, where),
        resolve(grant.window.end, 'end', grant.zone, where),
        { grant },
      );
    });
    const holdbacks = deal.holdbacks.map((holdback) => {
      const where = `Deal "${deal.id}" holdback "${holdback.id}"`;
      return rule(
        'holdback',
        deal,
        territories(holdback.territories, where),
        resolve(holdback.window.start, 'start', holdback.zone, where),
        resolve(holdback.window.end, 'end', holdback.zone, where),
        { holdback },
      );
    });
    for (const assetId of deal.assets) {
      // A fresh object per change, so packed forms (cached by identity) are rebuilt.
      const previous = rightsOf(assetId);
      const rights: AssetRights = {
        grants: [...previous.grants],
        blocks: [...previous.blocks],
        outs: [...previous.outs],
      };
      for (const list of [rights.grants, rights.blocks, rights.outs])
        for (let m = 0; m < list.length; m++) if (list[m] !== undefined) list[m] = [...(list[m] as Rule[])];
      assets.set(assetId, rights);
      for (const r of compiledGrants) {
        for (const media of r.grant?.media ?? []) {
          if (deal.direction === 'in') pushMedia(rights.grants, media, r);
          else {
            pushMedia(rights.outs, media, r);
            if (r.grant?.exclusive) pushMedia(rights.blocks, media, { ...r, kind: 'exclusive-out' });
          }
        }
      }
      for (const r of holdbacks) for (const media of r.holdback?.media ?? []) pushMedia(rights.blocks, media, r);
    }
  };

  const elements = new Map<string, CompiledElement[]>();
  const addElement = (element: ElementRight): void => {
    const where = `Element "${element.id}"`;
    push(elements, element.versionId, {
      element,
      clearances: element.clearances.map((c, i) => ({
        ...(c.media === undefined ? {} : { media: new Set(c.media) }),
        territories: territories(c.territories, `${where} clearance ${i}`),
        ...(c.uses === undefined ? {} : { uses: new Set<string>(c.uses) }),
      })),
    });
  };
  return { assets, elements, addDeal, addElement };
}
