import { FramewiseError } from '../errors/index.js';
import { parseInput } from '../support/index.js';
import type { GrantLookup } from './bounds.js';
import { type AssetRights, type ByMedia, coveredTitles, createCompiler } from './compile.js';
import { checkDeal, type DealCheckRights, type DealConflict } from './conflicts.js';
import type { InstantInput } from './inputs.js';
import { LayeredMap } from './layered-map.js';
import { type Deal, type DealInput, DealSchema, type RightsDocument } from './model.js';
import {
  diffTransitions,
  type PlanningRights,
  planTransitions,
  type TransitionDiff,
  type TransitionTarget,
} from './planning.js';

/** An engine as the lifecycle sees it. */
type Engine = PlanningRights & DealCheckRights;

/** Options of a deal change. */
export interface DealChangeOptions {
  /** Apply the change even if it brings conflicts of severity `error` (they are still returned). */
  readonly allowConflicts?: boolean;
  /** Plan these targets over `[now, now + horizonMs)` before and after, and return the difference. */
  readonly plan?: {
    readonly now: InstantInput;
    readonly horizonMs: number;
    readonly targets: readonly TransitionTarget[];
  };
}

/** The outcome of adding, amending or removing a deal. */
export interface DealChange<E = unknown> {
  /** The engine with the change applied (the original engine is unchanged). */
  readonly engine: E;
  /** Conflicts of the changed deal and of every sold deal the change affects, after the change. */
  readonly conflicts: readonly DealConflict[];
  /** Errors the change brought (not present before it): these refuse a change without `allowConflicts`. */
  readonly newErrors: readonly DealConflict[];
  /** Titles whose rights changed (re-plan their transitions). */
  readonly affectedAssets: readonly string[];
  /** Transitions added and removed on the planned targets, when `plan` was given. */
  readonly transitions?: TransitionDiff;
}

/** A grant and its deal, by grant id. */
export type GrantEntry = { readonly deal: Deal; readonly grant: Deal['grants'][number] };

/** What the lifecycle needs from an engine, and how it builds the next one. */
export interface LifecycleHost<E extends Engine> {
  readonly engine: E;
  readonly doc: RightsDocument;
  /** Every grant of the document's deals, by id. */
  readonly grants: ReadonlyMap<string, GrantEntry>;
  /** The document's deals by id. */
  readonly deals: ReadonlyMap<string, Deal>;
  /** The children of each title in the document's hierarchy. */
  readonly children: ReadonlyMap<string, readonly string[]>;
  readonly dependents: Map<string, Set<string>>;
  readonly assets: ReadonlyMap<string, AssetRights>;
  /** Build the next engine from a document, its compiled assets, grants and deals, and the changed titles. */
  next(
    doc: RightsDocument,
    assets: ReadonlyMap<string, AssetRights>,
    grants: ReadonlyMap<string, GrantEntry>,
    deals: ReadonlyMap<string, Deal>,
    changed: readonly string[],
  ): E;
}

const key = (c: DealConflict) =>
  `${c.kind}|${c.dealId}|${c.assetId}|${c.grantId}|${c.media}|${c.otherDealId ?? ''}|${c.otherGrantId ?? ''}|${c.territories.join(',')}`;

function filterRules(list: ByMedia, drop: ReadonlySet<string>): ByMedia {
  return list.map((rules) => {
    if (rules === undefined) return undefined;
    const kept = rules.filter((r) => !drop.has(r.deal.id));
    return kept.length === 0 ? undefined : kept;
  });
}

function merge(into: ByMedia, from: ByMedia): void {
  from.forEach((rules, m) => {
    if (rules === undefined) return;
    into[m] = [...(into[m] ?? []), ...rules];
  });
}

/** Sold (executed, rights-out) deals with rules on these assets. */
function soldDeals(assets: ReadonlyMap<string, AssetRights>, ids: Iterable<string>): Map<string, Deal> {
  const out = new Map<string, Deal>();
  for (const id of ids)
    for (const rules of assets.get(id)?.outs ?? []) for (const r of rules ?? []) out.set(r.deal.id, r.deal);
  return out;
}

/**
 * Replace (or remove, with `deal` undefined) the deal `id`: recompile only the titles it and the
 * deals relative to its grants cover, re-check every sold deal there, and diff the plans.
 */
export function changeDeal<E extends Engine>(
  host: LifecycleHost<E>,
  id: string,
  deal: Deal | undefined,
  options: DealChangeOptions,
): DealChange<E> {
  const { doc, children } = host;
  // Nothing here is proportional to the catalog: the maps of titles, deals and grants are shared
  // with the old engine (LayeredMap), and only the titles the change touches are recompiled.
  const old = host.deals.get(id);
  const index = old === undefined ? -1 : doc.deals.indexOf(old);
  if (deal !== undefined)
    for (const g of deal.grants) {
      const owner = host.grants.get(g.id);
      if (owner !== undefined && owner.deal.id !== id)
        throw new FramewiseError(
          'INVALID_INPUT',
          `Deal "${id}": grant id "${g.id}" is already used by deal "${owner.deal.id}"`,
          {
            details: { deal: id, grant: g.id },
          },
        );
    }
  // Deals to recompile: this one and every deal with a window relative (transitively) to its grants.
  const changed = new Map<string, Deal | undefined>([[id, deal]]);
  const queue = [...(old?.grants ?? []), ...(deal?.grants ?? [])].map((g) => g.id);
  while (queue.length > 0) {
    for (const dependent of host.dependents.get(queue.pop() as string) ?? []) {
      if (changed.has(dependent)) continue;
      const d = host.deals.get(dependent);
      if (d === undefined) continue;
      changed.set(dependent, d);
      queue.push(...d.grants.map((g) => g.id));
    }
  }
  const deals = [...doc.deals];
  if (deal === undefined) deals.splice(index, 1);
  else if (index < 0) deals.push(deal);
  else deals[index] = deal;
  const nextDoc: RightsDocument = { ...doc, deals };
  const grantChanges: [string, GrantEntry | undefined][] = (old?.grants ?? []).map((g) => [g.id, undefined]);
  if (deal !== undefined) for (const g of deal.grants) grantChanges.push([g.id, { deal, grant: g }]);
  const grants = LayeredMap.with(host.grants, grantChanges);
  const dealsById = LayeredMap.with(host.deals, [[id, deal]]);
  const lookup: GrantLookup = (grantId) => grants.get(grantId);
  const compiler = createCompiler(nextDoc, lookup, { dependents: host.dependents, children });
  const affected = new Set<string>();
  for (const d of [old, ...changed.values()])
    if (d !== undefined) for (const t of coveredTitles(children, d.assets)) affected.add(t);
  for (const d of changed.values()) if (d !== undefined) compiler.addDeal(d);
  const drop = new Set(changed.keys());
  const fresh: [string, AssetRights][] = [];
  for (const assetId of affected) {
    const before = host.assets.get(assetId);
    const compiled = compiler.assets.get(assetId);
    const rights: AssetRights = {
      grants: before ? filterRules(before.grants, drop) : [],
      blocks: before ? filterRules(before.blocks, drop) : [],
      outs: before ? filterRules(before.outs, drop) : [],
    };
    if (compiled !== undefined) {
      merge(rights.grants, compiled.grants);
      merge(rights.blocks, compiled.blocks);
      merge(rights.outs, compiled.outs);
    }
    fresh.push([assetId, rights]);
  }
  const assets = LayeredMap.with(host.assets, fresh);
  const affectedList = [...affected];
  const engine = host.next(nextDoc, assets, grants, dealsById, affectedList);

  // Conflicts: the changed deal (a draft is checked as if executed) and every sold deal on the affected titles.
  const conflicts: DealConflict[] = [];
  if (deal !== undefined && deal.direction === 'out') {
    const own =
      deal.status === 'draft' ? createCompiler(nextDoc, lookup, { includeDrafts: true, children }) : undefined;
    own?.addDeal(deal);
    conflicts.push(...checkDeal(engine, deal, own?.assets ?? assets, coveredTitles(children, deal.assets)));
  }
  const before: DealConflict[] = [];
  const afterSold = soldDeals(assets, affectedList);
  const beforeSold = soldDeals(host.assets, affectedList);
  for (const [soldId, sold] of afterSold)
    if (soldId !== id) conflicts.push(...checkDeal(engine, sold, assets, affectedList));
  // Before: every sold deal there, the changed deal's old version included (an error it already
  // had is not one the change brought).
  for (const sold of beforeSold.values()) before.push(...checkDeal(host.engine, sold, host.assets, affectedList));
  const known = new Set(before.map(key));
  const newErrors = conflicts.filter((c) => c.severity === 'error' && !known.has(key(c)));
  if (newErrors.length > 0 && options.allowConflicts !== true)
    throw new FramewiseError(
      'CONFLICT',
      `Deal "${id}": the change conflicts with rights held or sold: ${newErrors
        .slice(0, 10)
        .map((c) => c.message)
        .join('; ')}${newErrors.length > 10 ? ` (and ${newErrors.length - 10} more)` : ''}`,
      { details: { deal: id, conflicts: newErrors } },
    );
  let transitions: TransitionDiff | undefined;
  if (options.plan !== undefined) {
    const { now, horizonMs, targets } = options.plan;
    transitions = diffTransitions(
      planTransitions(host.engine, now, horizonMs, targets, affectedList),
      planTransitions(engine, now, horizonMs, targets, affectedList),
    );
  }
  return { engine, conflicts, newErrors, affectedAssets: affectedList, ...(transitions ? { transitions } : {}) };
}

/** Parse a deal for a change: the version rises by one unless the input gives a higher one. */
export function parseDealChange(input: DealInput, existing: Deal | undefined, mode: 'add' | 'amend'): Deal {
  const deal = parseInput(
    DealSchema,
    input,
    `Deal ${JSON.stringify((input as { id?: unknown } | undefined)?.id ?? '')}`,
  );
  if (mode === 'add' && existing !== undefined)
    throw new FramewiseError('CONFLICT', `Deal "${deal.id}" already exists (amend it instead)`, {
      details: { deal: deal.id },
    });
  if (mode === 'amend') {
    if (existing === undefined)
      throw new FramewiseError('NOT_FOUND', `Deal "${deal.id}" does not exist`, { details: { deal: deal.id } });
    const given = (input as { version?: unknown }).version;
    if (given === undefined) return { ...deal, version: existing.version + 1 };
    if (deal.version <= existing.version)
      throw new FramewiseError(
        'CONFLICT',
        `Deal "${deal.id}" version ${deal.version} is not after version ${existing.version}`,
        {
          details: { deal: deal.id, version: deal.version, current: existing.version },
        },
      );
  }
  return deal;
}
