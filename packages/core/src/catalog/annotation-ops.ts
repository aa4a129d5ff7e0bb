import { type Annotation, type AnnotationInput, AnnotationInputSchema, type Version } from '../assets/index.js';
import { FramewiseError } from '../errors/index.js';
import { newId, parseInput } from '../support/index.js';
import { FrameRate, type Rational, rational, scaleNumber, Timecode } from '../time/index.js';
import type { Principal } from './access.js';
import { scopeProjects } from './asset-ops.js';
import { assertWritable, type CatalogContext, loadVersion, nowIso, type WriteOptions, write } from './context.js';
import type { Page } from './port.js';
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

export async function addAnnotations(
  ctx: CatalogContext,
  principal: Principal,
  versionId: string,
  inputs: readonly AnnotationInput[],
  options: WriteOptions = {},
): Promise<Annotation[]> {
  const parsed = inputs.map((input, i) =>
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
      throw new FramewiseError('CONFLICT', `Annotation "${existing}" already exists`, {
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
    const before = await tx.getAnnotation(id);
    const { version, asset } = await loadVersion(tx, principal, before?.versionId ?? `annotation:${id}`, 'write');
    if (before === undefined)
      throw new FramewiseError('NOT_FOUND', `Annotation "${id}" does not exist`, { details: { id } });
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
  await write(ctx, principal, async (tx, audit) => {
    for (const id of ids) {
      const before = await tx.getAnnotation(id);
      const { asset } = await loadVersion(tx, principal, before?.versionId ?? `annotation:${id}`, 'write');
      if (before === undefined)
        throw new FramewiseError('NOT_FOUND', `Annotation "${id}" does not exist`, { details: { id } });
      await assertWritable(ctx, tx, principal, asset, options);
      await tx.deleteAnnotations([id]);
      await audit('annotation.delete', { type: 'annotation', id }, asset.project, before, undefined);
    }
  });
}

const isAnnotationCursor = (v: unknown): v is { startUs: number; id: string } =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { startUs?: unknown }).startUs === 'number' &&
  typeof (v as { id?: unknown }).id === 'string';

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
    toFrame = (value, field) => {
      if (typeof value === 'number') return value;
      const frame = Timecode.parse(value, rate).frames - origin;
      if (frame < 0) {
        throw new FramewiseError(
          'INVALID_INPUT',
          `Annotation search ${field} ${JSON.stringify(value)} is before the start of version "${version.id}" (${version.startTimecode})`,
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
    tokens: q.text === undefined ? undefined : tokenize(q.text),
    limit: q.limit,
    after: q.after === undefined ? undefined : decodeCursor(q.after, isAnnotationCursor),
  };
  return ctx.store.findAnnotations(search);
}

export async function listAnnotations(
  ctx: CatalogContext,
  principal: Principal,
  versionId: string,
): Promise<Annotation[]> {
  await loadVersion(ctx.store, principal, versionId, 'read');
  return ctx.store.listAnnotations(versionId);
}
