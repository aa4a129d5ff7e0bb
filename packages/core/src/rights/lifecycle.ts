import { FramewiseError } from '../errors/index.js';
import { parseInput } from '../support/index.js';
import type { GrantLookup } from './bounds.js';
import { type AssetRights, type ByMedia, coveredTitles, createCompiler, titleChildren } from './compile.js';
import { checkDeal, type DealCheckRights, type DealConflict } from './conflicts.js';
import type { InstantInput } from './inputs.js';
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

/** What the lifecycle needs from an engine, and how it builds the next one. */
export interface LifecycleHost<E extends Engine> {
  readonly engine: E;
  readonly doc: RightsDocument;
  readonly lookup: GrantLookup;
  readonly dependents: Map<string, Set<string>>;
  readonly assets: ReadonlyMap<string, AssetRights>;
  /** Build the next engine from a document, its compiled assets, a grant lookup and the changed titles. */
  next(doc: RightsDocument, assets: Map<string, AssetRights>, lookup: GrantLookup, changed: readonly string[]): E;
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
  const { doc } = host;
  const index = doc.deals.findIndex((d) => d.id === id);
  const old = index < 0 ? undefined : doc.deals[index];
  if (deal !== undefined)
    for (const g of deal.grants) {
      const owner = host.lookup(g.id);
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
  const byId = new Map(doc.deals.map((d) => [d.id, d]));
  const queue = [...(old?.grants ?? []), ...(deal?.grants ?? [])].map((g) => g.id);
  while (queue.length > 0) {
    for (const dependent of host.dependents.get(queue.pop() as string) ?? []) {
      if (changed.has(dependent)) continue;
      const d = byId.get(dependent);
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
  const own = new Map<string, { deal: Deal; grant: Deal['grants'][number] } | null>();
  for (const g of old?.grants ?? []) own.set(g.id, null);
  if (deal !== undefined) for (const g of deal.grants) own.set(g.id, { deal, grant: g });
  const parent = host.lookup;
  const lookup: GrantLookup = (grantId) => {
    const hit = own.get(grantId);
    return hit === null ? undefined : (hit ?? parent(grantId));
  };
  const compiler = createCompiler(nextDoc, lookup, { dependents: host.dependents });
  const children = titleChildren(nextDoc.titles);
  const affected = new Set<string>();
  for (const d of [old, ...changed.values()])
    if (d !== undefined) for (const t of coveredTitles(children, d.assets)) affected.add(t);
  for (const d of changed.values()) if (d !== undefined) compiler.addDeal(d);
  const assets = new Map(host.assets);
  const drop = new Set(changed.keys());
  for (const assetId of affected) {
    const before = host.assets.get(assetId);
    const fresh = compiler.assets.get(assetId);
    const rights: AssetRights = {
      grants: before ? filterRules(before.grants, drop) : [],
      blocks: before ? filterRules(before.blocks, drop) : [],
      outs: before ? filterRules(before.outs, drop) : [],
    };
    if (fresh !== undefined) {
      merge(rights.grants, fresh.grants);
      merge(rights.blocks, fresh.blocks);
      merge(rights.outs, fresh.outs);
    }
    assets.set(assetId, rights);
  }
  const affectedList = [...affected];
  const engine = host.next(nextDoc, assets, lookup, affectedList);

  // Conflicts: the changed deal (a draft is checked as if executed) and every sold deal on the affected titles.
  const conflicts: DealConflict[] = [];
  if (deal !== undefined && deal.direction === 'out') {
    const own = deal.status === 'draft' ? createCompiler(nextDoc, lookup, { includeDrafts: true }) : undefined;
    own?.addDeal(deal);
    conflicts.push(...checkDeal(engine, deal, own?.assets ?? assets, coveredTitles(children, deal.assets)));
  }
  const before: DealConflict[] = [];
  const afterSold = soldDeals(assets, affectedList);
  const beforeSold = soldDeals(host.assets, affectedList);
  for (const [soldId, sold] of afterSold)
    if (soldId !== id) conflicts.push(...checkDeal(engine, sold, assets, affectedList));
  for (const [soldId, sold] of beforeSold)
    if (soldId !== id) before.push(...checkDeal(host.engine, sold, host.assets, affectedList));
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
