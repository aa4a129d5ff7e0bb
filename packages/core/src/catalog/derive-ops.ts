import {
  type Annotation,
  type AnnotationType,
  type CarriedAnnotation,
  carryAnnotations,
  SPLIT_BY_EDIT,
  type Version,
  type VersionInput,
  type VersionRelation,
  type VersionRelationType,
} from '../assets/index.js';
import { FramewiseError } from '../errors/index.js';
import { newId } from '../support/index.js';
import { EditList, type EditListJson, FrameRate } from '../time/index.js';
import type { Principal } from './access.js';
import {
  assertWritable,
  type CatalogContext,
  loadAsset,
  loadVersion,
  nowIso,
  type WriteOptions,
  write,
} from './context.js';
import { insertRelation } from './genealogy-ops.js';
import { indexAnnotation } from './search-model.js';
import { insertVersion } from './version-ops.js';

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
