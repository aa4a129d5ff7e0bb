import type { EditList } from '../time/index.js';
import { TimeRange } from '../time/index.js';
import type { Annotation } from './annotation.js';

/** Flag set on annotations that an edit split into several pieces. */
export const SPLIT_BY_EDIT = 'split-by-edit';

/** A carried annotation, before it gets an id of its own. */
export interface CarriedAnnotation {
  /** The source annotation. */
  readonly from: Annotation;
  /** The new position on the record (derived) timeline. */
  readonly start: number;
  /** The new length. */
  readonly duration: number;
  /** True when the source annotation was split by the edit and this is one piece. */
  readonly split: boolean;
}

/** What happened to a set of annotations through an edit. */
export interface CarryReport {
  /** Annotations (or pieces of them) on the derived timeline. */
  readonly carried: readonly CarriedAnnotation[];
  /** Ids of source annotations that the edit split into more than one piece. */
  readonly split: readonly string[];
  /** Ids of source annotations the edit removed entirely. */
  readonly cut: readonly string[];
  /** Ids of source annotations that lost some frames but were not split. */
  readonly trimmed: readonly string[];
}

/**
 * Carry annotations of a source version through an edit list to the derived timeline. Whole
 * annotations move; ones that span a cut are split into pieces (each flagged); ones entirely cut
 * are reported. Positions are record frames relative to the edit's record start.
 */
export function carryAnnotations(
  annotations: readonly Annotation[],
  edit: EditList,
  sourceVersionId: string,
): CarryReport {
  const carried: CarriedAnnotation[] = [];
  const split: string[] = [];
  const cut: string[] = [];
  const trimmed: string[] = [];
  for (const annotation of annotations) {
    if (annotation.versionId !== sourceVersionId) continue;
    const range = TimeRange.of(annotation.start, annotation.duration, edit.rate);
    const mapping = edit.mapRange(sourceVersionId, range);
    if (mapping.removed) {
      cut.push(annotation.id);
      continue;
    }
    if (mapping.split) split.push(annotation.id);
    else if (mapping.cut.length > 0) trimmed.push(annotation.id);
    for (const piece of mapping.pieces) {
      carried.push({
        from: annotation,
        start: piece.record.start - edit.recordStart,
        duration: piece.record.duration,
        split: mapping.split,
      });
    }
  }
  return { carried, split, cut, trimmed };
}
