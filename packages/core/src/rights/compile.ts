import { FramewiseError } from '../errors/index.js';
import { type Bound, createBoundResolver, type GrantLookup } from './bounds.js';
import {
  type Deal,
  type ElementRight,
  type Grant,
  type Holdback,
  type LicenseType,
  LicenseTypeSchema,
  type RightsDocument,
} from './model.js';
import { parseTerritories, type TerritorySet } from './territories.js';

export { ABSOLUTE, type Bound, LOCAL, OPEN } from './bounds.js';

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
  /** True when the grant (or block) limits languages, platforms or formats. */
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
    filtered:
      grant !== undefined
        ? grant.languages !== undefined || grant.platforms !== undefined || grant.formats !== undefined
        : source.holdback?.languages !== undefined ||
          source.holdback?.platforms !== undefined ||
          source.holdback?.formats !== undefined,
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
    /** The clearance's term (open bounds when perpetual). */
    start: Bound;
    end: Bound;
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
  /** Grants of the deals registered with this compiler, by id. */
  readonly grants: ReadonlyMap<string, { readonly deal: Deal; readonly grant: Grant }>;
  /** For each grant id, the deals with a window relative to it. */
  readonly dependents: Map<string, Set<string>>;
  /** Compile one more deal (its grant ids must be new; relative windows may point at earlier deals). */
  addDeal(deal: Deal): void;
  /** Compile one more element right. */
  addElement(element: ElementRight): void;
}

/** Compile a validated rights document; every error names the deal, grant and field. */
export function compileRights(
  doc: RightsDocument,
  children: ReadonlyMap<string, readonly string[]> = titleChildren(doc.titles),
): RightsCompiler {
  const compiler = createCompiler(doc, doc.deals, { children });
  for (const deal of doc.deals) compiler.addDeal(deal);
  for (const element of doc.elements) compiler.addElement(element);
  return compiler;
}

/** Children of each title, from the document's title hierarchy. */
export function titleChildren(titles: RightsDocument['titles']): Map<string, string[]> {
  const children = new Map<string, string[]>();
  for (const t of titles) if (t.parent !== undefined) push(children, t.parent, t.id);
  return children;
}

/** A title and every title below it (seasons, episodes), each once. */
export function coveredTitles(children: ReadonlyMap<string, readonly string[]>, ids: readonly string[]): string[] {
  if (children.size === 0) return [...new Set(ids)];
  const out = new Set<string>();
  const stack = [...ids];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (out.has(id)) continue;
    out.add(id);
    for (const child of children.get(id) ?? []) stack.push(child);
  }
  return [...out];
}

/**
 * A compiler that knows the grants of `knownDeals` (so relative windows resolve) and compiles only
 * the deals and elements added to it. Draft deals are registered (others may be relative to them)
 * but grant and block nothing; they are compiled only for conflict checks (`includeDrafts`).
 */
export function createCompiler(
  doc: Pick<RightsDocument, 'groups' | 'events' | 'titles'>,
  known: readonly Deal[] | GrantLookup,
  options: {
    readonly includeDrafts?: boolean;
    readonly dependents?: Map<string, Set<string>>;
    /** The document's {@link titleChildren}, when the caller has them (saves a pass over the titles). */
    readonly children?: ReadonlyMap<string, readonly string[]>;
  } = {},
): RightsCompiler {
  const resolver = createBoundResolver(doc.events, typeof known === 'function' ? known : undefined);
  if (typeof known !== 'function') for (const deal of known) resolver.register(deal);
  const dependents = options.dependents ?? new Map<string, Set<string>>();
  const depend = (bound: unknown, dealId: string) => {
    if (typeof bound === 'object' && bound !== null && 'after' in bound) {
      const id = (bound as { after: string }).after;
      let set = dependents.get(id);
      if (set === undefined) {
        set = new Set();
        dependents.set(id, set);
      }
      set.add(dealId);
    }
  };
  const children = options.children ?? titleChildren(doc.titles);
  const resolve = resolver.resolve;

  const parsed = new Map<string, TerritorySet>();
  const territories = (expression: string, where: string): TerritorySet => {
    const cached = parsed.get(expression);
    if (cached !== undefined) return cached;
    try {
      const set = parseTerritories(expression, doc.groups);
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
    resolver.register(deal);
    for (const w of [...deal.grants, ...deal.holdbacks].map((g) => g.window)) {
      depend(w.start, deal.id);
      depend(w.end, deal.id);
    }
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
    if (deal.status === 'draft' && options.includeDrafts !== true) return;
    for (const assetId of coveredTitles(children, deal.assets)) {
      // Every entry of `assets` is this compiler's own (created by `rightsOf`, never shared with an
      // engine until compiling ends), so rules are added in place: a title covered by k deals costs
      // O(k) here, not O(k²).
      const rights = rightsOf(assetId);
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
      clearances: element.clearances.map((c, i) => {
        const here = `${where} clearance ${i}`;
        for (const b of [c.window?.start, c.window?.end])
          if (b !== undefined && typeof b !== 'string')
            throw new FramewiseError(
              'INVALID_INPUT',
              `${here}: a clearance term takes dates or instants, not relative bounds`,
              {
                details: { where: here },
              },
            );
        return {
          ...(c.media === undefined ? {} : { media: new Set(c.media) }),
          territories: territories(c.territories, here),
          ...(c.uses === undefined ? {} : { uses: new Set<string>(c.uses) }),
          start: resolve(c.window?.start, 'start', c.zone, here),
          end: resolve(c.window?.end, 'end', c.zone, here),
        };
      }),
    });
  };
  return { assets, elements, addDeal, addElement, grants: resolver.grants, dependents };
}
