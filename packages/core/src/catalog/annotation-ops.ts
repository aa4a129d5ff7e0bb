import {
  type Annotation,
  type AnnotationInput,
  AnnotationInputSchema,
  type Asset,
  IdSchema,
  type Version,
} from '../assets/index.js';
import { describeInput, FramewiseError } from '../errors/index.js';
import { newId, parseInput } from '../support/index.js';
import { FrameRate, type Rational, rational, scaleNumber, Timecode } from '../time/index.js';
import { can, denied, type Permission, type Principal } from './access.js';
import { scopeProjects } from './asset-ops.js';
import { assertWritable, type CatalogContext, loadVersion, nowIso, type WriteOptions, write } from './context.js';
import { checkBatch, checkId } from './limits.js';
import type { CatalogReader, Page } from './port.js';
import {
  type AnnotationQuery,
  AnnotationQuerySchema,
  type AnnotationSearch,
  decodeCursor,
  indexAnnotation,
  tokenize,
} from './search-model.js';

function checkBounds(version: Version, a: { start: number; duration: number }, what: string): void {
  if (a.start + a.duration > version.durationFrames) {
    throw new FramewiseError(
      'INVALID_INPUT',
      `${what} ends at frame ${a.start + a.duration}, past the end of version "${version.id}" (${version.durationFrames} frames)`,
      { details: { versionId: version.id, start: a.start, duration: a.duration } },
    );
  }
}

/**
 * Load an annotation with its version and asset, or fail with the same `FORBIDDEN` whether it does
 * not exist or belongs to a project the principal lacks the role in (the message names only the
 * annotation id). Global admins get `NOT_FOUND` for a missing one.
 */
async function loadAnnotation(
  reader: CatalogReader,
  principal: Principal,
  id: string,
  permission: Permission,
): Promise<{ annotation: Annotation; version: Version; asset: Asset }> {
  checkId(id, 'Annotation id');
  const annotation = await reader.getAnnotation(id);
  const version = annotation === undefined ? undefined : await reader.getEntity('version', annotation.versionId);
  const asset = version === undefined ? undefined : await reader.getAsset(version.assetId);
  if (
    annotation !== undefined &&
    version !== undefined &&
    asset !== undefined &&
    can(principal, permission, asset.project)
  )
    return { annotation, version, asset };
  if (annotation === undefined && principal.global === 'admin') {
    throw new FramewiseError('NOT_FOUND', `Annotation "${id}" does not exist`, { details: { annotationId: id } });
  }
  throw denied(principal, permission, 'annotation', id);
}

export async function addAnnotations(
  ctx: CatalogContext,
  principal: Principal,
  versionId: string,
  inputs: readonly AnnotationInput[],
  options: WriteOptions = {},
): Promise<Annotation[]> {
  checkId(versionId, 'Version id');
  const batch = checkBatch<AnnotationInput>(inputs, 'Annotations', (a) => a?.id);
  const parsed = batch.map((input, i) =>
    parseInput(AnnotationInputSchema, input, `Annotation ${i} (${JSON.stringify(input?.type ?? '')})`),
  );
  return write(ctx, principal, async (tx, audit) => {
    const { version, asset } = await loadVersion(tx, principal, versionId, 'write');
    await assertWritable(ctx, tx, principal, asset, options);
    const at = nowIso(ctx);
    const created = parsed.map((p, i): Annotation => {
      checkBounds(version, p, `Annotation ${i} (${p.type})`);
      return {
        ...p,
        id: p.id ?? newId(ctx.clock.now()),
        assetId: asset.id,
        versionId,
        project: asset.project,
        rate: version.rate,
        createdAt: at,
      };
    });
    const [existing] = await tx.existingAnnotationIds(created.map((a) => a.id));
    if (existing !== undefined) {
      // The same answer whichever project holds the id: it reveals only that the id is taken.
      throw new FramewiseError('CONFLICT', `Annotation id "${existing}" is already taken`, {
        details: { annotationId: existing },
      });
    }
    await tx.putAnnotations(created.map((annotation) => ({ annotation, index: indexAnnotation(annotation) })));
    await audit('annotations.add', { type: 'version', id: versionId }, asset.project, undefined, undefined, [
      { path: 'annotations', before: null, after: created },
    ]);
    return created;
  });
}

export async function updateAnnotation(
  ctx: CatalogContext,
  principal: Principal,
  id: string,
  patch: Partial<AnnotationInput>,
  options: WriteOptions = {},
): Promise<Annotation> {
  return write(ctx, principal, async (tx, audit) => {
    const { annotation: before, version, asset } = await loadAnnotation(tx, principal, id, 'write');
    await assertWritable(ctx, tx, principal, asset, options);
    const { assetId: _a, versionId: _v, project: _p, rate: _r, createdAt: _c, derivedFrom, ...current } = before;
    const merged = parseInput(AnnotationInputSchema, { ...current, ...patch, id }, `Annotation "${id}" update`);
    checkBounds(version, merged, `Annotation "${id}"`);
    const after: Annotation = { ...before, ...merged, id, ...(derivedFrom === undefined ? {} : { derivedFrom }) };
    await tx.putAnnotations([{ annotation: after, index: indexAnnotation(after) }]);
    await audit('annotation.update', { type: 'annotation', id }, asset.project, before, after);
    return after;
  });
}

export async function deleteAnnotations(
  ctx: CatalogContext,
  principal: Principal,
  ids: readonly string[],
  options: WriteOptions = {},
): Promise<void> {
  const batch = checkBatch<string>(ids, 'Annotation ids', (id) => checkId(id, 'Annotation id'));
  await write(ctx, principal, async (tx, audit) => {
    for (const id of batch) {
      const { annotation: before, asset } = await loadAnnotation(tx, principal, id, 'write');
      await assertWritable(ctx, tx, principal, asset, options);
      await tx.deleteAnnotations([id]);
      await audit('annotation.delete', { type: 'annotation', id }, asset.project, before, undefined);
    }
  });
}

const isAnnotationCursor = (v: unknown): v is { startUs: number; id: string } =>
  typeof v === 'object' &&
  v !== null &&
  Number.isSafeInteger((v as { startUs?: unknown }).startUs) &&
  typeof (v as { id?: unknown }).id === 'string' &&
  IdSchema.safeParse((v as { id: string }).id).success;

function toSeconds(value: number | { num: number; den: number }): Rational {
  return typeof value === 'number'
    ? rational(scaleNumber(value, 1_000_000, 1, 'floor', 'Seconds'), 1_000_000)
    : rational(value.num, value.den);
}

/**
 * Find annotations: on one version by frame or timecode (contains, starts at, overlaps), or
 * catalog-wide by media time, type and text. Results are in media-time order, paged.
 */
export async function findAnnotations(
  ctx: CatalogContext,
  principal: Principal,
  query: AnnotationQuery,
): Promise<Page<Annotation>> {
  const q = parseInput(AnnotationQuerySchema, query, 'Annotation search');
  const positional = q.contains !== undefined || q.startsAt !== undefined || q.overlaps !== undefined;
  let toFrame: (value: number | string, field: string) => number = (v) => v as number;
  if (q.versionId !== undefined) {
    const { version } = await loadVersion(ctx.store, principal, q.versionId, 'read');
    const rate = FrameRate.parse(version.rate);
    const origin = rate.timecodeBase === undefined ? 0 : Timecode.parse(version.startTimecode, rate).frames;
    // A label is the first frame at or after the version's start that shows it: a version that
    // starts at 23:59:00;02 and runs past midnight shows 00:00:30;00 about a minute in (labels wrap
    // once a day). A label the version never shows is refused.
    toFrame = (value, field) => {
      if (typeof value === 'number') return value;
      let frame = Timecode.parse(value, rate).frames - origin;
      if (frame < 0) frame += rate.framesPerDay;
      if (frame > version.durationFrames) {
        throw new FramewiseError(
          'INVALID_INPUT',
          `Annotation search ${field} ${JSON.stringify(value)} is outside version "${version.id}" (from ${version.startTimecode} for ${version.durationFrames} frames)`,
          {
            details: { field, value },
          },
        );
      }
      return frame;
    };
  } else if (positional) {
    throw new FramewiseError(
      'INVALID_INPUT',
      'Annotation search by contains, startsAt or overlaps needs a versionId (positions are frames on one version)',
      {
        details: {},
      },
    );
  }
  const projects = scopeProjects(principal, q.projects);
  if (projects !== undefined && projects.length === 0) return { items: [] };
  const search: AnnotationSearch = {
    projects,
    assetId: q.assetId,
    versionId: q.versionId,
    types: q.types,
    track: q.track,
    containsFrame: q.contains === undefined ? undefined : toFrame(q.contains, 'contains'),
    startFrame: q.startsAt === undefined ? undefined : toFrame(q.startsAt, 'startsAt'),
    overlapsFrames:
      q.overlaps === undefined
        ? undefined
        : { start: toFrame(q.overlaps.start, 'overlaps.start'), end: toFrame(q.overlaps.end, 'overlaps.end') },
    startWithin:
      q.startsWithin === undefined
        ? undefined
        : { start: toSeconds(q.startsWithin.start), end: toSeconds(q.startsWithin.end) },
    tokens: q.text === undefined ? undefined : tokenize(q.text, 'query'),
    limit: q.limit,
    after: q.after === undefined ? undefined : decodeCursor(q.after, isAnnotationCursor),
  };
  return ctx.store.findAnnotations(search);
}

/** Options for {@link Catalog.listAnnotationsPage}. */
export interface ListAnnotationsOptions {
  /** Page size, 1-5000; default 1000. */
  readonly limit?: number;
  /** The `next` cursor of the previous page. */
  readonly after?: string;
}

/** One page of a version's annotations in media-time order. */
export async function listAnnotationsPage(
  ctx: CatalogContext,
  principal: Principal,
  versionId: string,
  options: ListAnnotationsOptions = {},
): Promise<Page<Annotation>> {
  await loadVersion(ctx.store, principal, versionId, 'read');
  const limit = options.limit ?? 1000;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 5000) {
    throw new FramewiseError('INVALID_INPUT', `Annotation page limit ${describeInput(limit)} must be 1-5000`, {
      details: { limit },
    });
  }
  if (options.after !== undefined && (typeof options.after !== 'string' || options.after.length > 2000)) {
    throw new FramewiseError(
      'INVALID_INPUT',
      `Annotation page cursor ${describeInput(options.after)} is not a cursor`,
      {
        details: {},
      },
    );
  }
  return ctx.store.findAnnotations({
    versionId,
    limit,
    after: options.after === undefined ? undefined : decodeCursor(options.after, isAnnotationCursor),
  });
}

/** Every annotation of a version in media-time order, read page by page. */
export async function listAnnotations(
  ctx: CatalogContext,
  principal: Principal,
  versionId: string,
): Promise<Annotation[]> {
  const all: Annotation[] = [];
  let after: string | undefined;
  do {
    const page = await listAnnotationsPage(ctx, principal, versionId, { limit: 5000, ...(after ? { after } : {}) });
    all.push(...page.items);
    after = page.next;
  } while (after !== undefined);
  return all;
}
