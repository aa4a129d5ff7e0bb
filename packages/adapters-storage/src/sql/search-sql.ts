import type { AnnotationSearch, AssetSearch, RecommendationSearch } from '@framewise/core/catalog';

/** A parameterised SQL statement. */
export interface Statement {
  readonly text: string;
  readonly params: unknown[];
}

/** Collects WHERE clauses with numbered parameters. */
class Where {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];
  /** Add a parameter and return its placeholder. */
  p(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
  add(clause: string): void {
    this.clauses.push(clause);
  }
  sql(): string {
    return this.clauses.length === 0 ? 'TRUE' : this.clauses.join(' AND ');
  }
}

const SORT_COLUMNS = {
  title: 'sort_title',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  productionYear: 'year',
} as const;

/** The SQL for a metadata search; same semantics as core's `assetMatches` and sort order. */
export function assetQuery(s: string, q: AssetSearch): Statement {
  const w = new Where();
  if (q.projects !== undefined) w.add(`project = ANY(${w.p(q.projects)}::text[])`);
  if (q.kinds !== undefined) w.add(`kind = ANY(${w.p(q.kinds)}::text[])`);
  if (q.genres !== undefined) w.add(`genres && ${w.p(q.genres)}::text[]`);
  if (q.languages !== undefined) w.add(`languages && ${w.p(q.languages)}::text[]`);
  if (q.ratingTerritory !== undefined) w.add(`${w.p(q.ratingTerritory)} = ANY(rating_territories)`);
  if (q.ratingSystemPrefix !== undefined) {
    const prefix = w.p(q.ratingSystemPrefix);
    w.add(`EXISTS (SELECT 1 FROM unnest(rating_keys) k WHERE left(k, length(${prefix})) = ${prefix})`);
  }
  if (q.ratingKeys !== undefined) w.add(`rating_keys && ${w.p(q.ratingKeys)}::text[]`);
  if (q.yearFrom !== undefined) w.add(`year >= ${w.p(q.yearFrom)}`);
  if (q.yearTo !== undefined) w.add(`year <= ${w.p(q.yearTo)}`);
  if (q.createdFrom !== undefined) w.add(`created_at >= ${w.p(q.createdFrom)}`);
  if (q.createdTo !== undefined) w.add(`created_at < ${w.p(q.createdTo)}`);
  if (q.updatedFrom !== undefined) w.add(`updated_at >= ${w.p(q.updatedFrom)}`);
  if (q.updatedTo !== undefined) w.add(`updated_at < ${w.p(q.updatedTo)}`);
  if (q.tokens !== undefined) w.add(`tokens @> ${w.p(q.tokens)}::text[]`);
  if (q.seriesId !== undefined) w.add(`series_id = ${w.p(q.seriesId)}`);
  const column = SORT_COLUMNS[q.sortField];
  const dir = q.descending ? 'DESC' : 'ASC';
  if (q.after !== undefined) {
    const value =
      q.sortField === 'productionYear' ? w.p(Number(q.after.value)) : `${w.p(String(q.after.value))}::text COLLATE "C"`;
    w.add(`(${column}, id) ${q.descending ? '<' : '>'} (${value}, ${w.p(q.after.id)}::text COLLATE "C")`);
  }
  return {
    text: `SELECT doc, ${column} AS sv, id FROM ${s}.fw_assets WHERE ${w.sql()} ORDER BY ${column} ${dir}, id ${dir} LIMIT ${w.p(q.limit + 1)}`,
    params: w.params,
  };
}

/** The y coordinate of a version on the interval index: 32 bits of the MD5 of its id (stable forever). */
const versionY = (id: string) => `('x' || substr(md5(${id}), 1, 8))::bit(32)::integer`;

/**
 * A test the GiST interval index `fw_annotations_span` answers: annotations of one version whose
 * frame span (closed, a superset of the exact test that follows) touches [a, b]. The cost does
 * not depend on where in the version the frames are.
 */
function spanOverlaps(a: string, b: string, version: string): string {
  const y = versionY(`${version}::text`);
  return `box(point(start_frame, ${versionY('version_id')}), point(end_frame, ${versionY('version_id')})) && box(point(${a}::bigint, ${y}), point(${b}::bigint, ${y}))`;
}

/** The SQL for an annotation search; results in (start_us, id) order. */
export function annotationQuery(s: string, q: AnnotationSearch): Statement {
  const w = new Where();
  if (q.projects !== undefined) w.add(`project = ANY(${w.p(q.projects)}::text[])`);
  if (q.assetId !== undefined) w.add(`asset_id = ${w.p(q.assetId)}`);
  // A position on a version is answered by the interval index alone: the exact tests are wrapped
  // in IS TRUE (same rows) so the planner cannot AND in a B-tree range on (version_id,
  // start_frame), whose cost grows with the position (measured: 39 ms at the end of a
  // 40,000-annotation version, 1 ms in the middle).
  const onSpan =
    q.versionId !== undefined &&
    (q.containsFrame !== undefined || q.overlapsFrames !== undefined || q.startFrame !== undefined);
  const exact = (test: string) => (onSpan ? `(${test}) IS TRUE` : test);
  if (q.versionId !== undefined) w.add(exact(`version_id = ${w.p(q.versionId)}`));
  if (q.types !== undefined) w.add(`type = ANY(${w.p(q.types)}::text[])`);
  if (q.track !== undefined) w.add(`track = ${w.p(q.track)}`);
  if (q.containsFrame !== undefined) {
    const f = w.p(q.containsFrame);
    if (q.versionId !== undefined) w.add(spanOverlaps(f, f, w.p(q.versionId)));
    w.add(exact(`start_frame <= ${f} AND end_frame > ${f}`));
  }
  if (q.startFrame !== undefined) {
    const f = w.p(q.startFrame);
    // An annotation starting at f touches f: on a version, the interval index finds it.
    if (q.versionId !== undefined) w.add(spanOverlaps(f, f, w.p(q.versionId)));
    w.add(exact(`start_frame = ${f}`));
  }
  if (q.overlapsFrames !== undefined) {
    const a = w.p(q.overlapsFrames.start);
    const b = w.p(q.overlapsFrames.end);
    if (q.versionId !== undefined) w.add(spanOverlaps(a, b, w.p(q.versionId)));
    w.add(
      exact(
        `((end_frame = start_frame AND start_frame >= ${a} AND start_frame < ${b}) OR (end_frame > start_frame AND start_frame < ${b} AND end_frame > ${a}))`,
      ),
    );
  }
  if (q.startWithin !== undefined) {
    const { start, end } = q.startWithin;
    // Coarse range on the microsecond index, then the exact test in numeric arithmetic.
    w.add(`start_us >= ${w.p(Math.floor((start.num * 1_000_000) / start.den) - 1)}`);
    w.add(`start_us <= ${w.p(Math.ceil((end.num * 1_000_000) / end.den) + 1)}`);
    w.add(`start_frame::numeric * rate_den * ${w.p(start.den)}::numeric >= ${w.p(start.num)}::numeric * rate_num`);
    w.add(`start_frame::numeric * rate_den * ${w.p(end.den)}::numeric < ${w.p(end.num)}::numeric * rate_num`);
  }
  if (q.tokens !== undefined) w.add(`tokens @> ${w.p(q.tokens)}::text[]`);
  if (q.after !== undefined)
    w.add(`(start_us, id) > (${w.p(q.after.startUs)}::bigint, ${w.p(q.after.id)}::text COLLATE "C")`);
  return {
    text: `SELECT doc, start_us, id FROM ${s}.fw_annotations WHERE ${w.sql()} ORDER BY start_us, id LIMIT ${w.p(q.limit + 1)}`,
    params: w.params,
  };
}

/** The SQL for a recommendation query; same ranking as core's `recommendationScore`. */
export function recommendQuery(s: string, q: RecommendationSearch): Statement {
  const w = new Where();
  const score: string[] = [];
  for (const [column, wanted] of [
    ['genres', q.genres],
    ['moods', q.moods],
    ['people', q.people],
  ] as const) {
    if (wanted === undefined) continue;
    const p = w.p(wanted);
    w.add(`${column} && ${p}::text[]`);
    score.push(`(SELECT count(*) FROM unnest(${p}::text[]) x WHERE x = ANY(${column}))`);
  }
  if (q.projects !== undefined) w.add(`project = ANY(${w.p(q.projects)}::text[])`);
  if (q.languages !== undefined) w.add(`languages && ${w.p(q.languages)}::text[]`);
  if (q.kinds !== undefined) w.add(`kind = ANY(${w.p(q.kinds)}::text[])`);
  if (q.ratingKeys !== undefined) w.add(`rating_keys && ${w.p(q.ratingKeys)}::text[]`);
  if (q.excludeIds !== undefined) w.add(`NOT (id = ANY(${w.p(q.excludeIds)}::text[]))`);
  const scoreSql = score.length === 0 ? '0' : score.join(' + ');
  return {
    text: `SELECT id, ${scoreSql} AS score FROM ${s}.fw_assets WHERE ${w.sql()} ORDER BY score DESC, popularity DESC, id ASC LIMIT ${w.p(q.limit)}`,
    params: w.params,
  };
}
