import {
  type FileLocationInput,
  FileLocationSchema,
  type Rendition,
  type RenditionInput,
  RenditionInputSchema,
  type Version,
  type VersionInput,
  VersionInputSchema,
} from '../assets/index.js';
import { FramewiseError } from '../errors/index.js';
import { newId, parseInput } from '../support/index.js';
import { FrameRate, Timecode } from '../time/index.js';
import type { Principal } from './access.js';
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
import type { CatalogTx } from './port.js';

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

/** Insert a new version (validated, id checked) with its audit event. */
export async function insertVersion(
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

/** Options of `Catalog.relocateVersion`. */
export interface RelocateOptions extends WriteOptions {
  /**
   * Refuse (`CONFLICT`) unless the version is at this revision: a compare-and-set on its copy set,
   * so two writers deciding from the same state cannot both apply (the archive's deletes use it).
   */
  readonly expectedRevision?: number;
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
  options: RelocateOptions = {},
): Promise<Version> {
  const parsed = locations.map((l, i) => parseInput(FileLocationSchema, l, `Location ${i} of version "${versionId}"`));
  return write(ctx, principal, async (tx, audit) => {
    const { version: before, asset } = await loadVersion(tx, principal, versionId, 'write');
    // Compare-and-set: writers are serialised (the audit head lock), so the revision read here is current.
    if (options.expectedRevision !== undefined && options.expectedRevision !== before.revision)
      throw new FramewiseError(
        'CONFLICT',
        `Version "${versionId}" is at revision ${before.revision}, not ${options.expectedRevision}: re-read its locations and decide again`,
        { details: { versionId, revision: before.revision, expectedRevision: options.expectedRevision } },
      );
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
