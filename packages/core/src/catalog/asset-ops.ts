import {
  type Asset,
  type AssetInput,
  AssetInputSchema,
  IdSchema,
  type RelatedAsset,
  type RelatedAssetInput,
  RelatedAssetInputSchema,
  type VersionRelation,
} from '../assets/index.js';
import { FramewiseError } from '../errors/index.js';
import { newId, parseInput } from '../support/index.js';
import { can, denied, type Principal, readableProjects } from './access.js';
import {
  type AuditFn,
  assertWritable,
  type CatalogContext,
  loadAsset,
  nowIso,
  type WriteOptions,
  write,
} from './context.js';
import type { CatalogTx, Page } from './port.js';
import {
  type AssetQuery,
  AssetQuerySchema,
  type AssetSearch,
  decodeCursor,
  indexAsset,
  type RecommendationQuery,
  RecommendationQuerySchema,
  ratingKey,
  tokenize,
} from './search-model.js';

/** Options for {@link Catalog.updateAsset}. */
export interface UpdateAssetOptions extends WriteOptions {
  /** Refuse the update (`CONFLICT`) unless the stored revision is this one. */
  readonly expectedRevision?: number;
}

/** Intersect the caller's project filter with what the principal may read. */
export function scopeProjects(principal: Principal, requested: readonly string[] | undefined): string[] | undefined {
  const readable = readableProjects(principal);
  if (readable === undefined) return requested === undefined ? undefined : [...requested];
  return requested === undefined ? readable : requested.filter((p) => readable.includes(p));
}

export async function createAsset(ctx: CatalogContext, principal: Principal, input: AssetInput): Promise<Asset> {
  const parsed = parseInput(
    AssetInputSchema,
    input,
    `Asset ${JSON.stringify(input?.id ?? input?.titles?.[0]?.value ?? '')}`,
  );
  if (!can(principal, 'write', parsed.project)) throw denied(principal, 'write', 'project', parsed.project);
  return write(ctx, principal, async (tx, audit) => {
    const id = parsed.id ?? newId(ctx.clock.now());
    // The same answer whichever project holds the id: it reveals only that the id is taken.
    const taken = () =>
      new FramewiseError('CONFLICT', `Asset id "${id}" is already taken`, { details: { assetId: id } });
    if (tx.insertAsset === undefined && (await tx.getAsset(id)) !== undefined) throw taken();
    const at = nowIso(ctx);
    const asset: Asset = {
      ...parsed,
      id,
      revision: 1,
      createdAt: at,
      updatedAt: at,
      createdBy: principal.id,
      fence: 0,
    };
    if (tx.insertAsset === undefined) await tx.putAsset(asset, indexAsset(asset));
    else if (!(await tx.insertAsset(asset, indexAsset(asset)))) throw taken();
    await audit('asset.create', { type: 'asset', id }, asset.project, undefined, asset);
    return asset;
  });
}

export async function updateAsset(
  ctx: CatalogContext,
  principal: Principal,
  id: string,
  patch: Partial<AssetInput>,
  options: UpdateAssetOptions = {},
): Promise<Asset> {
  return write(ctx, principal, async (tx, audit) => {
    const before = await loadAsset(tx, principal, id, 'write');
    await assertWritable(ctx, tx, principal, before, options);
    if (options.expectedRevision !== undefined && options.expectedRevision !== before.revision) {
      throw new FramewiseError(
        'CONFLICT',
        `Asset "${id}" is at revision ${before.revision}, not ${options.expectedRevision}: re-read it and apply your change again`,
        { details: { assetId: id, revision: before.revision, expectedRevision: options.expectedRevision } },
      );
    }
    if (patch.project !== undefined && patch.project !== before.project) {
      throw new FramewiseError(
        'INVALID_INPUT',
        `Asset "${id}" cannot move from project "${before.project}" to "${patch.project}"`,
        {
          details: { assetId: id },
        },
      );
    }
    const { id: _id, revision: _r, createdAt: _c, updatedAt: _u, createdBy: _b, fence: _f, ...current } = before;
    const merged = parseInput(AssetInputSchema, { ...current, ...patch, id }, `Asset "${id}" update`);
    const after: Asset = {
      ...merged,
      id,
      revision: before.revision + 1,
      createdAt: before.createdAt,
      updatedAt: nowIso(ctx),
      createdBy: before.createdBy,
      fence: before.fence,
    };
    await tx.putAsset(after, indexAsset(after));
    await audit('asset.update', { type: 'asset', id }, after.project, before, after);
    return after;
  });
}

export async function deleteAsset(
  ctx: CatalogContext,
  principal: Principal,
  id: string,
  options: WriteOptions = {},
): Promise<void> {
  await write(ctx, principal, async (tx, audit) => {
    const before = await loadAsset(tx, principal, id, 'delete');
    await assertWritable(ctx, tx, principal, before, options);
    await releaseIncomingRelations(ctx, tx, audit, before);
    await tx.deleteAsset(id);
    await audit('asset.delete', { type: 'asset', id }, before.project, before, undefined);
  });
}

/**
 * Before an asset is deleted: relations from other assets pointing at its versions. One of the
 * same project is deleted (an event in the project); one owned by another project — a relation
 * belongs to the project of its `from` version — is kept as a tombstone, with an event in the
 * owning project (the full relation) and one in this project (only how many of its version's
 * incoming relations were tombstoned, nothing about the other project).
 */
async function releaseIncomingRelations(
  ctx: CatalogContext,
  tx: CatalogTx,
  audit: AuditFn,
  asset: Asset,
): Promise<void> {
  const at = nowIso(ctx);
  for (const version of await tx.listEntities('version', { assetId: asset.id })) {
    let tombstoned = 0;
    for (const relation of await tx.listEntities('relation', { to: version.id })) {
      if (relation.tombstone !== undefined) continue;
      const from = await tx.getEntity('version', relation.from);
      if (from === undefined || from.assetId === asset.id) continue; // deleted with the asset
      const owner = await tx.getAsset(from.assetId);
      const ownerProject = owner?.project ?? asset.project;
      if (ownerProject === asset.project) {
        await tx.deleteEntity('relation', relation.id);
        await audit('relation.delete', { type: 'relation', id: relation.id }, asset.project, relation, undefined);
        continue;
      }
      const kept: VersionRelation = { ...relation, tombstone: { reason: 'target-deleted', at } };
      await tx.putEntity('relation', kept);
      await audit('relation.tombstone', { type: 'relation', id: relation.id }, ownerProject, relation, kept);
      tombstoned++;
    }
    if (tombstoned > 0) {
      await audit('relations.tombstone', { type: 'version', id: version.id }, asset.project, undefined, undefined, [
        { path: 'incomingRelationsTombstoned', before: null, after: tombstoned },
      ]);
    }
  }
}

export async function getAsset(ctx: CatalogContext, principal: Principal, id: string): Promise<Asset> {
  return loadAsset(ctx.store, principal, id, 'read');
}

/** A cursor for this sort: a year (safe integer) or a string sort value, and an asset id. */
const cursorCheck =
  (field: AssetSearch['sortField']) =>
  (v: unknown): v is { value: string | number; id: string } => {
    if (typeof v !== 'object' || v === null) return false;
    const { value, id } = v as { value?: unknown; id?: unknown };
    if (typeof id !== 'string' || !IdSchema.safeParse(id).success) return false;
    if (field === 'productionYear') return Number.isSafeInteger(value);
    return typeof value === 'string' && value.length <= 1000;
  };

export async function searchAssets(
  ctx: CatalogContext,
  principal: Principal,
  query: AssetQuery = {},
): Promise<Page<Asset>> {
  const q = parseInput(AssetQuerySchema, query, 'Asset search');
  const projects = scopeProjects(principal, q.projects);
  if (projects !== undefined && projects.length === 0) return { items: [] };
  const rating = q.rating;
  if (rating?.values !== undefined && rating.system === undefined) {
    throw new FramewiseError(
      'INVALID_INPUT',
      'Asset search rating.values needs rating.system (values are per rating system)',
      {
        details: { rating },
      },
    );
  }
  const search: AssetSearch = {
    projects,
    kinds: q.kinds,
    genres: q.genres?.map((g) => g.toLowerCase()),
    languages: q.languages,
    ratingTerritory: rating?.territory,
    ratingSystemPrefix:
      rating?.system === undefined ? undefined : `${rating.territory}|${rating.system.toUpperCase()}|`,
    ratingKeys: rating?.values?.map((v) => ratingKey(rating.territory, rating.system ?? '', v)),
    yearFrom: q.productionYear?.from,
    yearTo: q.productionYear?.to,
    createdFrom: q.createdAt?.from === undefined ? undefined : new Date(q.createdAt.from).toISOString(),
    createdTo: q.createdAt?.to === undefined ? undefined : new Date(q.createdAt.to).toISOString(),
    updatedFrom: q.updatedAt?.from === undefined ? undefined : new Date(q.updatedAt.from).toISOString(),
    updatedTo: q.updatedAt?.to === undefined ? undefined : new Date(q.updatedAt.to).toISOString(),
    tokens: q.text === undefined ? undefined : tokenize(q.text, 'query'),
    seriesId: q.seriesId,
    sortField: q.sort.field,
    descending: q.sort.direction === 'desc',
    limit: q.limit,
    after: q.after === undefined ? undefined : decodeCursor(q.after, cursorCheck(q.sort.field)),
  };
  return ctx.store.searchAssets(search);
}

export async function recommend(
  ctx: CatalogContext,
  principal: Principal,
  query: RecommendationQuery,
): Promise<string[]> {
  const q = parseInput(RecommendationQuerySchema, query, 'Recommendation query');
  const projects = scopeProjects(principal, q.projects);
  if (projects !== undefined && projects.length === 0) return [];
  return ctx.store.recommend({
    projects,
    genres: q.genres?.map((g) => g.toLowerCase()),
    moods: q.moods?.map((m) => m.toLowerCase()),
    people: q.cast?.map((c) => c.toLowerCase()),
    languages: q.languages,
    kinds: q.kinds,
    ratingKeys: q.rating?.values.map((v) => ratingKey(q.rating?.territory ?? '', q.rating?.system ?? '', v)),
    excludeIds: q.excludeIds,
    limit: q.limit,
  });
}

export async function addRelatedAsset(
  ctx: CatalogContext,
  principal: Principal,
  assetId: string,
  input: RelatedAssetInput,
  options: WriteOptions = {},
): Promise<RelatedAsset> {
  const parsed = parseInput(RelatedAssetInputSchema, input, `Related asset of "${assetId}"`);
  return write(ctx, principal, async (tx, audit) => {
    const asset = await loadAsset(tx, principal, assetId, 'write');
    await assertWritable(ctx, tx, principal, asset, options);
    if (parsed.linkedAssetId !== undefined) await loadAsset(tx, principal, parsed.linkedAssetId, 'read');
    const related: RelatedAsset = {
      ...parsed,
      id: parsed.id ?? newId(ctx.clock.now()),
      assetId,
      createdAt: nowIso(ctx),
    };
    if ((await tx.getEntity('related', related.id)) !== undefined) {
      throw new FramewiseError('CONFLICT', `Related asset id "${related.id}" is already taken`, {
        details: { id: related.id },
      });
    }
    await tx.putEntity('related', related);
    await audit('related.add', { type: 'related', id: related.id }, asset.project, undefined, related);
    return related;
  });
}

export async function listRelatedAssets(
  ctx: CatalogContext,
  principal: Principal,
  assetId: string,
): Promise<RelatedAsset[]> {
  await loadAsset(ctx.store, principal, assetId, 'read');
  return ctx.store.listEntities('related', { assetId });
}
