import type { Annotation, Asset } from '@framewise/core/assets';
import type { AnnotationIndex, AssetIndex, AuditEvent, EntityKind, EntityMap, Lease } from '@framewise/core/catalog';

/** A JSON value as pg and PGlite return it (parsed) or as text. */
export function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/** Parameters for an asset row. */
export function assetParams(asset: Asset, index: AssetIndex): unknown[] {
  return [
    asset.id,
    asset.project,
    asset.kind,
    asset.numbering?.seriesId ?? null,
    index.sortTitle,
    asset.createdAt,
    asset.updatedAt,
    index.year,
    index.popularity,
    index.languages,
    index.tokens,
    index.genres,
    index.moods,
    index.people,
    index.ratingTerritories,
    index.ratingKeys,
    JSON.stringify(asset),
  ];
}

/** Parameters for an entity row. */
export function entityParams<K extends EntityKind>(kind: K, record: EntityMap[K]): unknown[] {
  const r = record as Partial<Record<'assetId' | 'versionId' | 'from' | 'to', string>> & { id: string };
  let assetId = r.assetId ?? null;
  if (kind === 'relation') assetId = null;
  return [kind, r.id, assetId, r.versionId ?? null, r.from ?? null, r.to ?? null, JSON.stringify(record)];
}

/** Parameters for an annotation row. */
export function annotationParams(a: Annotation, index: AnnotationIndex): unknown[] {
  return [
    a.id,
    a.assetId,
    a.versionId,
    a.project,
    a.type,
    a.track ?? null,
    a.start,
    a.start + a.duration,
    a.rate.num,
    a.rate.den,
    index.startUs,
    index.endUs,
    index.tokens,
    JSON.stringify(a),
  ];
}

/**
 * Annotation rows `from`-`to` as one JSON array of objects (the columns of `annotationParams` by
 * name, the annotation itself nested as `doc`), for `json_to_recordset`: one `JSON.stringify`.
 */
export function annotationRecordsJson(
  records: readonly { readonly annotation: Annotation; readonly index: AnnotationIndex }[],
  from: number,
  to: number,
): string {
  const rows: object[] = [];
  for (let i = from; i < to; i++) {
    const { annotation: a, index } = records[i] as { annotation: Annotation; index: AnnotationIndex };
    rows.push({
      id: a.id,
      asset_id: a.assetId,
      version_id: a.versionId,
      project: a.project,
      type: a.type,
      track: a.track ?? null,
      start_frame: a.start,
      end_frame: a.start + a.duration,
      rate_num: a.rate.num,
      rate_den: a.rate.den,
      start_us: index.startUs,
      end_us: index.endUs,
      tokens: index.tokens,
      doc: a,
    });
  }
  return JSON.stringify(rows);
}

export type { Annotation, Asset, AuditEvent, Lease };
