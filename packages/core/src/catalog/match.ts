/**
 * Reference semantics of catalog queries as plain predicates. The in-memory store evaluates them
 * over its indexes; SQL stores implement the same rules in SQL; the conformance suite and the
 * naive-scan benchmark compare against them.
 */
import type { Annotation, Asset } from '../assets/index.js';
import type { Rational } from '../time/index.js';
import type { AnnotationIndex, AssetIndex } from './port.js';
import {
  type AnnotationSearch,
  type AssetSearch,
  type Cursor,
  compareCodePoints,
  type RecommendationSearch,
} from './search-model.js';

const hasAny = (values: readonly string[], wanted: readonly string[] | undefined) =>
  wanted === undefined || wanted.some((w) => values.includes(w));
const hasAll = (values: readonly string[], wanted: readonly string[] | undefined) =>
  wanted === undefined || wanted.every((w) => values.includes(w));

/** True when an asset passes every filter of a search (ignoring sort, cursor and limit). */
export function assetMatches(asset: Asset, index: AssetIndex, q: AssetSearch): boolean {
  if (q.projects !== undefined && !q.projects.includes(asset.project)) return false;
  if (q.kinds !== undefined && !q.kinds.includes(asset.kind)) return false;
  if (!hasAny(index.genres, q.genres)) return false;
  if (!hasAny(index.languages, q.languages)) return false;
  if (q.ratingTerritory !== undefined && !index.ratingTerritories.includes(q.ratingTerritory)) return false;
  if (q.ratingSystemPrefix !== undefined && !index.ratingKeys.some((k) => k.startsWith(q.ratingSystemPrefix as string)))
    return false;
  if (!hasAny(index.ratingKeys, q.ratingKeys)) return false;
  if (q.yearFrom !== undefined && index.year < q.yearFrom) return false;
  if (q.yearTo !== undefined && index.year > q.yearTo) return false;
  if (q.createdFrom !== undefined && asset.createdAt < q.createdFrom) return false;
  if (q.createdTo !== undefined && asset.createdAt >= q.createdTo) return false;
  if (q.updatedFrom !== undefined && asset.updatedAt < q.updatedFrom) return false;
  if (q.updatedTo !== undefined && asset.updatedAt >= q.updatedTo) return false;
  if (!hasAll(index.tokens, q.tokens)) return false;
  if (q.seriesId !== undefined && asset.numbering?.seriesId !== q.seriesId) return false;
  return true;
}

/** The value an asset sorts by for a field. */
export function assetSortValue(asset: Asset, index: AssetIndex, field: AssetSearch['sortField']): string | number {
  switch (field) {
    case 'title':
      return index.sortTitle;
    case 'createdAt':
      return asset.createdAt;
    case 'updatedAt':
      return asset.updatedAt;
    default:
      return index.year;
  }
}

/** Compare two (value, id) sort keys in ascending order. */
export function compareKeys(a: Cursor, b: Cursor): number {
  const byValue =
    typeof a.value === 'number' && typeof b.value === 'number'
      ? a.value - b.value
      : compareCodePoints(String(a.value), String(b.value));
  return byValue !== 0 ? byValue : compareCodePoints(a.id, b.id);
}

/** True when exact media time `frames` at `rate` is at or after `t` seconds. */
function atOrAfter(frames: number, rate: { num: number; den: number }, t: Rational): boolean {
  // frames × den / num >= t.num / t.den  ⇔  frames × den × t.den >= t.num × num
  return BigInt(frames) * BigInt(rate.den) * BigInt(t.den) >= BigInt(t.num) * BigInt(rate.num);
}

/** True when an annotation passes every filter of a search (ignoring cursor and limit). */
export function annotationMatches(a: Annotation, index: AnnotationIndex, q: AnnotationSearch): boolean {
  if (q.projects !== undefined && !q.projects.includes(a.project)) return false;
  if (q.assetId !== undefined && a.assetId !== q.assetId) return false;
  if (q.versionId !== undefined && a.versionId !== q.versionId) return false;
  if (q.types !== undefined && !q.types.includes(a.type)) return false;
  if (q.track !== undefined && a.track !== q.track) return false;
  const end = a.start + a.duration;
  if (q.containsFrame !== undefined && !(a.start <= q.containsFrame && q.containsFrame < end)) return false;
  if (q.startFrame !== undefined && a.start !== q.startFrame) return false;
  if (q.overlapsFrames !== undefined) {
    const { start, end: qEnd } = q.overlapsFrames;
    const overlaps = a.duration === 0 ? a.start >= start && a.start < qEnd : a.start < qEnd && start < end;
    if (!overlaps) return false;
  }
  if (q.startWithin !== undefined) {
    if (!atOrAfter(a.start, a.rate, q.startWithin.start) || atOrAfter(a.start, a.rate, q.startWithin.end)) return false;
  }
  if (!hasAll(index.tokens, q.tokens)) return false;
  return true;
}

/** Number of wanted genre, mood and people values an asset has, or -1 when a facet filter fails. */
export function recommendationScore(asset: Asset, index: AssetIndex, q: RecommendationSearch): number {
  if (q.projects !== undefined && !q.projects.includes(asset.project)) return -1;
  if (q.kinds !== undefined && !q.kinds.includes(asset.kind)) return -1;
  if (q.excludeIds?.includes(asset.id)) return -1;
  if (!hasAny(index.languages, q.languages)) return -1;
  if (!hasAny(index.ratingKeys, q.ratingKeys)) return -1;
  let score = 0;
  for (const [values, wanted] of [
    [index.genres, q.genres],
    [index.moods, q.moods],
    [index.people, q.people],
  ] as const) {
    if (wanted === undefined) continue;
    const hits = wanted.filter((w) => values.includes(w)).length;
    if (hits === 0) return -1;
    score += hits;
  }
  return score;
}

/** Order recommendation results: score desc, popularity desc, id asc. */
export function compareRecommendations(
  a: { readonly score: number; readonly popularity: number; readonly id: string },
  b: { readonly score: number; readonly popularity: number; readonly id: string },
): number {
  return b.score - a.score || b.popularity - a.popularity || compareCodePoints(a.id, b.id);
}
