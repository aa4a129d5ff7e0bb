/**
 * Genealogy: relations between versions (a relation belongs to the project of its `from`
 * version), walks restricted to what the principal may read, and proxy relinking.
 */
import {
  EDIT_RELATIONS,
  type Version,
  type VersionRelation,
  type VersionRelationType,
  VersionRelationTypeSchema,
} from '../assets/index.js';
import { FramewiseError } from '../errors/index.js';
import { newId, parseInput } from '../support/index.js';
import { EditList, type EditListJson, FrameRate } from '../time/index.js';
import { can, type Principal } from './access.js';
import {
  type AuditFn,
  assertWritable,
  type CatalogContext,
  loadVersion,
  nowIso,
  type WriteOptions,
  write,
} from './context.js';
import type { CatalogTx } from './port.js';

/**
 * Walk relations from a version inside a write transaction, only through versions the principal
 * may read: `up` to the sources it derives from, `down` to what derives from it. Returns the
 * readable versions reached and whether any neighbour was unreadable (`hidden`, the same fact
 * {@link Genealogy.hidden} shows the caller). Tombstoned relations lead nowhere.
 */
async function readableIds(
  tx: CatalogTx,
  principal: Principal,
  start: string,
  direction: 'up' | 'down',
): Promise<{ ids: Set<string>; hidden: boolean }> {
  const projects = new Map<string, string | undefined>();
  const readable = async (versionId: string): Promise<boolean> => {
    const version = await tx.getEntity('version', versionId);
    if (version === undefined) return false;
    let project = projects.get(version.assetId);
    if (!projects.has(version.assetId)) {
      project =
        tx.projectOf === undefined
          ? (await tx.getAsset(version.assetId))?.project
          : await tx.projectOf(version.assetId);
      projects.set(version.assetId, project);
    }
    return project !== undefined && can(principal, 'read', project);
  };
  const ids = new Set<string>();
  const seen = new Set<string>([start]);
  let hidden = false;
  let frontier = [start];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const id of frontier) {
      const edges = await tx.listEntities('relation', direction === 'up' ? { from: id } : { to: id });
      for (const edge of edges) {
        if (edge.tombstone !== undefined) continue;
        const other = direction === 'up' ? edge.to : edge.from;
        if (seen.has(other)) continue;
        seen.add(other);
        if (!(await readable(other))) {
          hidden = true;
          continue;
        }
        ids.add(other);
        next.push(other);
      }
    }
    frontier = next;
  }
  return { ids, hidden };
}

/**
 * Refuse a relation `from` → `to` that would close a cycle, judged only on what the principal may
 * read, so the answer never depends on other projects' data:
 *
 * - a cycle through readable versions is a `CONFLICT` naming the two versions;
 * - otherwise, a cycle could only pass through versions the principal cannot read, leaving the
 *   readable ancestry of `to` at an unreadable neighbour and entering the readable descendants of
 *   `from` from one. When both exist (what `ancestors(to).hidden` and `descendants(from).hidden`
 *   already show), the relation is `FORBIDDEN`: the catalog cannot show it acyclic without looking
 *   at versions the caller may not see. A principal who may read the whole neighbourhood gets the
 *   exact answer.
 */
async function refuseCycle(tx: CatalogTx, principal: Principal, input: RelateInput, type: string): Promise<void> {
  const up = await readableIds(tx, principal, input.to, 'up');
  if (up.ids.has(input.from)) {
    throw new FramewiseError(
      'CONFLICT',
      `Relating "${input.from}" ${type} "${input.to}" would make a cycle: "${input.to}" already derives from "${input.from}"`,
      { details: { ...input } },
    );
  }
  if (!up.hidden) return;
  const down = await readableIds(tx, principal, input.from, 'down');
  if (down.hidden) {
    throw new FramewiseError(
      'FORBIDDEN',
      `Relating "${input.from}" ${type} "${input.to}" cannot be checked for a cycle: the sources of "${input.to}" and what derives from "${input.from}" include versions you may not read`,
      { details: { ...input } },
    );
  }
}

/** Input for {@link Catalog.relateVersions}. */
export interface RelateInput {
  /** The derived version. */
  readonly from: string;
  /** The source version. */
  readonly to: string;
  readonly type: VersionRelationType;
  /** For edit relations: the edit list whose sources are version ids. */
  readonly editList?: EditListJson;
}

/** Insert a relation (access, cycle and edit-list checks; idempotent) with its audit event. */
export async function insertRelation(
  ctx: CatalogContext,
  tx: CatalogTx,
  audit: AuditFn,
  principal: Principal,
  input: RelateInput,
): Promise<VersionRelation> {
  const type = parseInput(VersionRelationTypeSchema, input.type, 'Relation type');
  const { asset: fromAsset } = await loadVersion(tx, principal, input.from, 'write');
  await loadVersion(tx, principal, input.to, 'read');
  if (input.from === input.to) {
    throw new FramewiseError('INVALID_INPUT', `Version "${input.from}" cannot be related to itself`, {
      details: { ...input },
    });
  }
  await refuseCycle(tx, principal, input, type);
  if (input.editList !== undefined && !EDIT_RELATIONS.has(type)) {
    throw new FramewiseError('INVALID_INPUT', `Relation ${type} does not carry an edit list`, { details: { type } });
  }
  if (input.editList !== undefined) await checkEditSources(tx, principal, input.editList);
  const relation: VersionRelation = {
    id: newId(ctx.clock.now()),
    from: input.from,
    to: input.to,
    type,
    ...(input.editList === undefined ? {} : { editList: editListRecord(input.editList) }),
    createdAt: nowIso(ctx),
  };
  const duplicate = (await tx.listEntities('relation', { from: input.from, to: input.to })).find(
    (r) => r.type === type,
  );
  if (duplicate !== undefined) return duplicate;
  await tx.putEntity('relation', relation);
  await audit('relation.create', { type: 'relation', id: relation.id }, fromAsset.project, undefined, relation);
  return relation;
}

/**
 * Check an edit list against its sources: every source is a version the principal may read (the
 * same `FORBIDDEN` as a missing one), at the edit's cadence, and every event takes frames that
 * exist in it.
 */
async function checkEditSources(tx: CatalogTx, principal: Principal, json: EditListJson): Promise<void> {
  const edit = EditList.of(json.rate, json.events, { recordStart: json.recordStart });
  for (const source of edit.sources()) {
    const { version } = await loadVersion(tx, principal, source, 'read');
    const rate = FrameRate.parse(version.rate);
    if (!rate.sameCadence(edit.rate)) {
      throw new FramewiseError(
        'INVALID_INPUT',
        `Source version "${source}" is at ${rate.toString()}, the edit list at ${edit.rate.toString()}`,
        { details: { source } },
      );
    }
    edit.events.forEach((event, index) => {
      if (event.source === source && event.sourceRange.end > version.durationFrames) {
        throw new FramewiseError(
          'INVALID_INPUT',
          `Edit event ${index} takes frames ${event.sourceRange.start}-${event.sourceRange.end} of version "${source}", which has ${version.durationFrames} frames`,
          { details: { index, source, end: event.sourceRange.end, durationFrames: version.durationFrames } },
        );
      }
    });
  }
}

function editListRecord(json: EditListJson): NonNullable<VersionRelation['editList']> {
  const normalized = EditList.of(json.rate, json.events, { recordStart: json.recordStart }).toJSON();
  return {
    rate: normalized.rate,
    recordStart: normalized.recordStart,
    events: normalized.events.map((e) => ({ ...e })),
  };
}

/** Record a typed relation between two versions; refuses cycles. Idempotent for an identical relation. */
export async function relateVersions(
  ctx: CatalogContext,
  principal: Principal,
  input: RelateInput,
  options: WriteOptions = {},
): Promise<VersionRelation> {
  return write(ctx, principal, async (tx, audit) => {
    const { asset } = await loadVersion(tx, principal, input.from, 'write');
    await assertWritable(ctx, tx, principal, asset, options);
    return insertRelation(ctx, tx, audit, principal, input);
  });
}

/** The genealogy around a version. */
export interface Genealogy {
  /** The versions found (readable ones only), nearest first. */
  readonly versions: readonly Version[];
  readonly relations: readonly VersionRelation[];
  /**
   * Neighbouring versions the principal may not read (counted, not shown; the walk does not go
   * through them).
   */
  readonly hidden: number;
}

/**
 * Walk the genealogy the principal may read: a relation is returned, and the walk goes on through
 * it, only when the version at its other end is readable. Unreadable neighbours are counted in
 * `hidden` (their ids, relations and anything beyond them stay unseen). Tombstoned relations
 * (their `to` version was deleted) are returned when walking up, and lead nowhere.
 */
async function readableWalk(
  ctx: CatalogContext,
  principal: Principal,
  start: string,
  direction: 'up' | 'down',
): Promise<Genealogy> {
  const cache = new Map<string, Version | null>();
  const visible = async (id: string): Promise<Version | undefined> => {
    let found = cache.get(id);
    if (found === undefined) {
      const version = await ctx.store.getEntity('version', id);
      const asset = version === undefined ? undefined : await ctx.store.getAsset(version.assetId);
      found = version !== undefined && asset !== undefined && can(principal, 'read', asset.project) ? version : null;
      cache.set(id, found);
    }
    return found ?? undefined;
  };
  const seen = new Set<string>([start]);
  const hidden = new Set<string>();
  const versions: Version[] = [];
  const relations: VersionRelation[] = [];
  let frontier = [start];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const id of frontier) {
      const edges = await ctx.store.listEntities('relation', direction === 'up' ? { from: id } : { to: id });
      for (const edge of edges) {
        if (edge.tombstone !== undefined) {
          if (direction === 'up') relations.push(edge);
          continue;
        }
        const otherId = direction === 'up' ? edge.to : edge.from;
        const other = await visible(otherId);
        if (other === undefined) {
          hidden.add(otherId);
          continue;
        }
        relations.push(edge);
        if (!seen.has(otherId)) {
          seen.add(otherId);
          versions.push(other);
          next.push(otherId);
        }
      }
    }
    frontier = next;
  }
  return { versions, relations, hidden: hidden.size };
}

/** Every version a version derives from, transitively (only through versions the principal may read). */
export async function ancestors(ctx: CatalogContext, principal: Principal, versionId: string): Promise<Genealogy> {
  await loadVersion(ctx.store, principal, versionId, 'read');
  return readableWalk(ctx, principal, versionId, 'up');
}

/** Every version derived from a version, transitively (only through versions the principal may read). */
export async function descendants(ctx: CatalogContext, principal: Principal, versionId: string): Promise<Genealogy> {
  await loadVersion(ctx.store, principal, versionId, 'read');
  return readableWalk(ctx, principal, versionId, 'down');
}

/** The lineage of a deliverable back to its originals (ancestors with no sources of their own). */
export async function lineage(
  ctx: CatalogContext,
  principal: Principal,
  versionId: string,
): Promise<Genealogy & { readonly originals: readonly Version[] }> {
  const up = await ancestors(ctx, principal, versionId);
  const derived = new Set(up.relations.filter((r) => r.tombstone === undefined).map((r) => r.from));
  return { ...up, originals: up.versions.filter((v) => !derived.has(v.id)) };
}

/** Point a proxy at a (new) high-resolution original, replacing its previous proxy-of link. */
export async function relinkProxy(
  ctx: CatalogContext,
  principal: Principal,
  proxyId: string,
  originalId: string,
  options: WriteOptions = {},
): Promise<VersionRelation> {
  return write(ctx, principal, async (tx, audit) => {
    const { asset } = await loadVersion(tx, principal, proxyId, 'write');
    await assertWritable(ctx, tx, principal, asset, options);
    const old = (await tx.listEntities('relation', { from: proxyId })).filter((r) => r.type === 'proxy-of');
    for (const r of old) await tx.deleteEntity('relation', r.id);
    const relation = await insertRelation(ctx, tx, audit, principal, {
      from: proxyId,
      to: originalId,
      type: 'proxy-of',
    });
    await audit(
      'proxy.relink',
      { type: 'version', id: proxyId },
      asset.project,
      { originals: old.map((r) => r.to) },
      { originals: [originalId] },
    );
    return relation;
  });
}
