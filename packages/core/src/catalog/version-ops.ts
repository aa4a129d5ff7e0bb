import {
  type Annotation,
  type AnnotationType,
  type CarriedAnnotation,
  carryAnnotations,
  EDIT_RELATIONS,
  type FileLocationInput,
  FileLocationSchema,
  type Rendition,
  type RenditionInput,
  RenditionInputSchema,
  SPLIT_BY_EDIT,
  type Version,
  type VersionInput,
  VersionInputSchema,
  type VersionRelation,
  type VersionRelationType,
  VersionRelationTypeSchema,
} from '../assets/index.js';
import { FramewiseError } from '../errors/index.js';
import { newId, parseInput } from '../support/index.js';
import { EditList, type EditListJson, FrameRate, Timecode } from '../time/index.js';
import { can, type Principal } from './access.js';
import { canonicalJson } from './audit.js';
import {
  type AuditFn,
  assertWritable,
  type CatalogContext,
  loadAsset,
  loadVersion,
  nowIso,
  type WriteOptions,
  write,
} from './context.js';
import type { CatalogReader, CatalogTx } from './port.js';
import { indexAnnotation } from './search-model.js';

function checkVersionInput(version: Pick<Version, 'rate' | 'startTimecode' | 'name'>): void {
  const rate = FrameRate.parse(version.rate);
  try {
    if (rate.timecodeBase !== undefined) Timecode.parse(version.startTimecode, rate);
  } catch (error) {
    throw new FramewiseError('INVALID_INPUT', `Version "${version.name}" startTimecode: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

async function insertVersion(
  ctx: CatalogContext,
  tx: CatalogTx,
  audit: AuditFn,
  assetId: string,
  project: string,
  input: VersionInput,
): Promise<Version> {
  const parsed = parseInput(VersionInputSchema, input, `Version ${JSON.stringify(input?.name ?? '')}`);
  checkVersionInput(parsed);
  const at = nowIso(ctx);
  const version: Version = {
    ...parsed,
    rate: FrameRate.parse(parsed.rate).toJSON(),
    id: parsed.id ?? newId(ctx.clock.now()),
    assetId,
    revision: 1,
    createdAt: at,
    updatedAt: at,
  };
  if ((await tx.getEntity('version', version.id)) !== undefined) {
    throw new FramewiseError('CONFLICT', `Version id "${version.id}" is already taken`, {
      details: { versionId: version.id },
    });
  }
  await tx.putEntity('version', version);
  await audit('version.create', { type: 'version', id: version.id }, project, undefined, version);
  return version;
}

export async function addVersion(
  ctx: CatalogContext,
  principal: Principal,
  assetId: string,
  input: VersionInput,
  options: WriteOptions = {},
): Promise<Version> {
  return write(ctx, principal, async (tx, audit) => {
    const asset = await loadAsset(tx, principal, assetId, 'write');
    await assertWritable(ctx, tx, principal, asset, options);
    return insertVersion(ctx, tx, audit, assetId, asset.project, input);
  });
}

export async function updateVersion(
  ctx: CatalogContext,
  principal: Principal,
  versionId: string,
  patch: Partial<VersionInput>,
  options: WriteOptions = {},
): Promise<Version> {
  return write(ctx, principal, async (tx, audit) => {
    const { version: before, asset } = await loadVersion(tx, principal, versionId, 'write');
    await assertWritable(ctx, tx, principal, asset, options);
    const { id: _i, assetId: _a, revision: _r, createdAt: _c, updatedAt: _u, ...current } = before;
    const merged = parseInput(
      VersionInputSchema,
      { ...current, ...patch, id: versionId },
      `Version "${versionId}" update`,
    );
    checkVersionInput(merged);
    await refuseOrphaning(tx, before, FrameRate.parse(merged.rate).toJSON(), merged.durationFrames);
    const after: Version = {
      ...merged,
      rate: FrameRate.parse(merged.rate).toJSON(),
      id: versionId,
      assetId: before.assetId,
      revision: before.revision + 1,
      createdAt: before.createdAt,
      updatedAt: nowIso(ctx),
    };
    await tx.putEntity('version', after);
    await audit('version.update', { type: 'version', id: versionId }, asset.project, before, after);
    return after;
  });
}

/**
 * Refuse a version update that would leave annotations or edit events behind: a shorter duration
 * than an annotation's end or an edit event's source range, or another frame rate while
 * annotations (frames at the old rate) exist.
 */
async function refuseOrphaning(
  tx: CatalogTx,
  before: Version,
  rate: Version['rate'],
  durationFrames: number,
): Promise<void> {
  const rateChanged =
    rate.num * before.rate.den !== before.rate.num * rate.den || rate.dropFrame !== before.rate.dropFrame;
  if (!rateChanged && durationFrames >= before.durationFrames) return;
  const annotations = await tx.listAnnotations(before.id);
  if (rateChanged && annotations.length > 0) {
    throw new FramewiseError(
      'CONFLICT',
      `Version "${before.id}" has ${annotations.length} annotations at ${FrameRate.parse(before.rate).toString()}: changing its rate would misplace them (delete or re-add them at the new rate first)`,
      { details: { versionId: before.id, annotations: annotations.length } },
    );
  }
  const beyond = annotations.filter((a) => a.start + a.duration > durationFrames);
  if (beyond.length > 0) {
    throw new FramewiseError(
      'CONFLICT',
      `Version "${before.id}" cannot shrink to ${durationFrames} frames: ${beyond.length} annotations end after it (the last at frame ${Math.max(...beyond.map((a) => a.start + a.duration))})`,
      { details: { versionId: before.id, durationFrames, annotations: beyond.length } },
    );
  }
  for (const relation of await tx.listEntities('relation', { to: before.id })) {
    const events = relation.editList?.events.filter((e) => e.source === before.id) ?? [];
    if (events.some((e) => e.start + e.duration > durationFrames) || (rateChanged && events.length > 0)) {
      throw new FramewiseError(
        'CONFLICT',
        `Version "${before.id}" cannot change its rate or shrink to ${durationFrames} frames: a derived version's edit list uses frames of it that would no longer exist`,
        { details: { versionId: before.id, durationFrames } },
      );
    }
  }
}

/**
 * Record that a version's files moved (a new storage tier, a migrated bucket). Proxies and
 * renditions link to the version by id, so they stay linked.
 */
export async function relocateVersion(
  ctx: CatalogContext,
  principal: Principal,
  versionId: string,
  locations: readonly FileLocationInput[],
  options: WriteOptions = {},
): Promise<Version> {
  const parsed = locations.map((l, i) => parseInput(FileLocationSchema, l, `Location ${i} of version "${versionId}"`));
  return write(ctx, principal, async (tx, audit) => {
    const { version: before, asset } = await loadVersion(tx, principal, versionId, 'write');
    await assertWritable(ctx, tx, principal, asset, options);
    const after: Version = { ...before, locations: parsed, revision: before.revision + 1, updatedAt: nowIso(ctx) };
    await tx.putEntity('version', after);
    await audit('version.relocate', { type: 'version', id: versionId }, asset.project, before, after);
    return after;
  });
}

export async function getVersion(ctx: CatalogContext, principal: Principal, versionId: string): Promise<Version> {
  return (await loadVersion(ctx.store, principal, versionId, 'read')).version;
}

export async function listVersions(ctx: CatalogContext, principal: Principal, assetId: string): Promise<Version[]> {
  await loadAsset(ctx.store, principal, assetId, 'read');
  return ctx.store.listEntities('version', { assetId });
}

/** Walk relations from a version: `up` to the sources it derives from, `down` to what derives from it. */
async function walk(
  reader: CatalogReader,
  start: string,
  direction: 'up' | 'down',
): Promise<{ ids: string[]; relations: VersionRelation[] }> {
  const seen = new Set<string>([start]);
  const relations: VersionRelation[] = [];
  const ids: string[] = [];
  let frontier = [start];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const id of frontier) {
      const edges = await reader.listEntities('relation', direction === 'up' ? { from: id } : { to: id });
      for (const edge of edges) {
        relations.push(edge);
        const other = direction === 'up' ? edge.to : edge.from;
        if (!seen.has(other)) {
          seen.add(other);
          ids.push(other);
          next.push(other);
        }
      }
    }
    frontier = next;
  }
  return { ids, relations };
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

async function insertRelation(
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
  const { ids: ancestorsOfTarget } = await walk(tx, input.to, 'up');
  if (ancestorsOfTarget.includes(input.from)) {
    throw new FramewiseError(
      'CONFLICT',
      `Relating "${input.from}" ${type} "${input.to}" would make a cycle: "${input.to}" already derives from "${input.from}"`,
      {
        details: { ...input },
      },
    );
  }
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

/** Input for {@link Catalog.deriveVersion}. */
export interface DeriveInput {
  /** The new version. */
  readonly version: VersionInput;
  /** Asset the new version belongs to; default: the asset of the first source. */
  readonly assetId?: string;
  readonly relation: VersionRelationType;
  /** Source version ids; default: the distinct sources of the edit list. */
  readonly sources?: readonly string[];
  /** The edit that makes the new timeline from source versions (sources are version ids). */
  readonly editList?: EditListJson;
  /** Carry annotations of the sources through the edit: all (`true`, default with an edit list), none, or these types. */
  readonly carry?: boolean | readonly AnnotationType[];
}

/** What {@link Catalog.deriveVersion} made. */
export interface DeriveResult {
  readonly version: Version;
  readonly relations: readonly VersionRelation[];
  /** Annotations created on the new version. */
  readonly carried: readonly Annotation[];
  /** Source annotation ids split by the edit (each piece is flagged `split-by-edit`). */
  readonly split: readonly string[];
  /** Source annotation ids the edit removed. */
  readonly cut: readonly string[];
  /** Source annotation ids that lost frames but stayed whole. */
  readonly trimmed: readonly string[];
  /**
   * Source annotation ids whose carried pieces ran past the end of the derived version (its
   * `durationFrames` is shorter than the edit): those pieces were shortened to end with it, or
   * dropped when they started after it.
   */
  readonly clipped: readonly string[];
}

/**
 * A carried piece as it fits a version of `durationFrames` frames: itself, shortened to end with
 * the version, or `undefined` when it starts after the end (a point at the very end stays).
 */
function clipToVersion(piece: CarriedAnnotation, durationFrames: number): CarriedAnnotation | undefined {
  if (piece.start + piece.duration <= durationFrames) return piece;
  if (piece.start >= durationFrames) return undefined;
  return { ...piece, duration: durationFrames - piece.start };
}

/**
 * Create a version derived from others (a cut-down, a compliance edit, a conform, a proxy), relate
 * it to its sources, and carry the sources' annotations through the edit list — all in one
 * transaction.
 */
export async function deriveVersion(
  ctx: CatalogContext,
  principal: Principal,
  input: DeriveInput,
  options: WriteOptions = {},
): Promise<DeriveResult> {
  const edit =
    input.editList === undefined
      ? undefined
      : EditList.of(input.editList.rate, input.editList.events, { recordStart: input.editList.recordStart });
  const sources = [...new Set(input.sources ?? edit?.sources() ?? [])];
  if (sources.length === 0)
    throw new FramewiseError('INVALID_INPUT', 'Derived version needs at least one source version', { details: {} });
  for (const used of edit?.sources() ?? []) {
    if (!sources.includes(used)) {
      throw new FramewiseError(
        'INVALID_INPUT',
        `Edit list uses version "${used}", which is not among the derived version's sources`,
        { details: { source: used } },
      );
    }
  }
  return write(ctx, principal, async (tx, audit) => {
    const first = await loadVersion(tx, principal, sources[0] as string, 'read');
    const target = await loadAsset(tx, principal, input.assetId ?? first.asset.id, 'write');
    await assertWritable(ctx, tx, principal, target, options);
    const version = await insertVersion(ctx, tx, audit, target.id, target.project, input.version);
    if (edit !== undefined && !FrameRate.parse(version.rate).sameCadence(edit.rate)) {
      throw new FramewiseError(
        'INVALID_INPUT',
        `Edit list is at ${edit.rate.toString()} but version "${version.name}" is at ${FrameRate.parse(version.rate).toString()}`,
        {
          details: {},
        },
      );
    }
    const relations: VersionRelation[] = [];
    for (const source of sources) {
      relations.push(
        await insertRelation(ctx, tx, audit, principal, {
          from: version.id,
          to: source,
          type: input.relation,
          ...(input.editList ? { editList: input.editList } : {}),
        }),
      );
    }
    const carry = input.carry ?? edit !== undefined;
    const result = {
      carried: [] as Annotation[],
      split: [] as string[],
      cut: [] as string[],
      trimmed: [] as string[],
      clipped: [] as string[],
    };
    if (edit !== undefined && carry !== false) {
      const at = nowIso(ctx);
      for (const source of sources) {
        const { version: sourceVersion } = await loadVersion(tx, principal, source, 'read');
        if (!FrameRate.parse(sourceVersion.rate).sameCadence(edit.rate)) {
          throw new FramewiseError(
            'INVALID_INPUT',
            `Source version "${source}" is at ${FrameRate.parse(sourceVersion.rate).toString()}, the edit list at ${edit.rate.toString()}`,
            {
              details: { source },
            },
          );
        }
        const annotations = (await tx.listAnnotations(source)).filter((a) => carry === true || carry.includes(a.type));
        const report = carryAnnotations(annotations, edit, source);
        result.split.push(...report.split);
        result.cut.push(...report.cut);
        result.trimmed.push(...report.trimmed);
        for (const carriedPiece of report.carried) {
          const piece = clipToVersion(carriedPiece, version.durationFrames);
          if (piece !== carriedPiece && !result.clipped.includes(carriedPiece.from.id)) {
            result.clipped.push(carriedPiece.from.id);
          }
          if (piece === undefined) continue;
          const {
            id: _id,
            versionId: _v,
            assetId: _a,
            project: _p,
            createdAt: _c,
            derivedFrom: _d,
            ...rest
          } = piece.from;
          result.carried.push({
            ...rest,
            id: newId(ctx.clock.now()),
            assetId: target.id,
            versionId: version.id,
            project: target.project,
            rate: version.rate,
            start: piece.start,
            duration: piece.duration,
            flags: piece.split ? [...new Set([...rest.flags, SPLIT_BY_EDIT])] : rest.flags,
            derivedFrom: piece.from.id,
            createdAt: at,
          });
        }
      }
      await tx.putAnnotations(result.carried.map((annotation) => ({ annotation, index: indexAnnotation(annotation) })));
      if (result.carried.length > 0 || result.cut.length > 0 || result.clipped.length > 0) {
        await audit('annotations.carry', { type: 'version', id: version.id }, target.project, undefined, undefined, [
          {
            path: 'carried',
            before: null,
            after: result.carried.map((a) => ({ id: a.id, from: a.derivedFrom, start: a.start, duration: a.duration })),
          },
          { path: 'cut', before: null, after: result.cut },
          { path: 'split', before: null, after: result.split },
          { path: 'clipped', before: null, after: result.clipped },
        ]);
      }
    }
    return { version, relations, ...result };
  });
}

export async function registerRendition(
  ctx: CatalogContext,
  principal: Principal,
  versionId: string,
  input: RenditionInput,
  options: WriteOptions = {},
): Promise<Rendition> {
  const parsed = parseInput(
    RenditionInputSchema,
    input,
    `Rendition ${JSON.stringify(input?.profile ?? '')} of "${versionId}"`,
  );
  return write(ctx, principal, async (tx, audit) => {
    const { asset } = await loadVersion(tx, principal, versionId, 'write');
    await assertWritable(ctx, tx, principal, asset, options);
    const id = parsed.id ?? newId(ctx.clock.now());
    const existing = await tx.getEntity('rendition', id);
    if (existing !== undefined) {
      const { createdAt: _c, assetId: _a, versionId: v, ...same } = existing;
      if (v === versionId && canonicalJson(same) === canonicalJson({ ...parsed, id })) return existing;
      throw new FramewiseError('CONFLICT', `Rendition id "${id}" is already taken (by other content)`, {
        details: { renditionId: id },
      });
    }
    const rendition: Rendition = { ...parsed, id, assetId: asset.id, versionId, createdAt: nowIso(ctx) };
    await tx.putEntity('rendition', rendition);
    await audit('rendition.register', { type: 'rendition', id }, asset.project, undefined, rendition);
    return rendition;
  });
}

export async function listRenditions(
  ctx: CatalogContext,
  principal: Principal,
  versionId: string,
): Promise<Rendition[]> {
  await loadVersion(ctx.store, principal, versionId, 'read');
  return ctx.store.listEntities('rendition', { versionId });
}
