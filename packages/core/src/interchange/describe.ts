import type { AnnotationInput } from '../assets/annotation.js';
import type { AssetInput } from '../assets/asset.js';
import type { VersionInput } from '../assets/version.js';
import type { PrincipalInput } from '../catalog/access.js';
import type { Catalog } from '../catalog/catalog.js';
import {
  type AssetDescription,
  AssetDescriptionSchema,
  type DescribedPart,
  type RightsStatement,
  type RightsStatementInput,
} from './description.js';

const PART_TYPES: ReadonlySet<string> = new Set(['segment', 'chapter', 'ad-break']);

/** Options of {@link describeVersion}. */
export interface DescribeOptions {
  /**
   * Rights statements to carry (from the host's rights engine or deal system). The catalog does
   * not hold rights itself.
   */
  readonly rights?: readonly RightsStatementInput[];
}

/**
 * Read one version of an asset from the catalog as an {@link AssetDescription}: the asset's
 * descriptive fields, the version with its technical metadata and file locations, its segment,
 * chapter and ad-break annotations as parts, and its related assets.
 *
 * @throws `NOT_FOUND` / `FORBIDDEN` from the catalog.
 */
export async function describeVersion(
  catalog: Catalog,
  actor: PrincipalInput,
  versionId: string,
  options: DescribeOptions = {},
): Promise<AssetDescription> {
  const version = await catalog.getVersion(actor, versionId);
  const [asset, annotations, related] = await Promise.all([
    catalog.getAsset(actor, version.assetId),
    catalog.listAnnotations(actor, versionId),
    catalog.listRelatedAssets(actor, version.assetId),
  ]);
  const parts: DescribedPart[] = annotations
    .filter((a) => PART_TYPES.has(a.type))
    .sort((a, b) => a.start - b.start || a.id.localeCompare(b.id))
    .map((a) => ({
      id: a.id,
      type: a.type as DescribedPart['type'],
      start: a.start,
      duration: a.duration,
      ...(a.text === undefined ? {} : { title: a.text }),
    }));
  return AssetDescriptionSchema.parse({
    asset: withoutUndefined({
      id: asset.id,
      kind: asset.kind,
      externalIds: asset.externalIds,
      titles: asset.titles,
      synopses: asset.synopses,
      numbering: asset.numbering,
      genres: asset.genres,
      moods: asset.moods,
      themes: asset.themes,
      keywords: asset.keywords,
      credits: asset.credits,
      ratings: asset.ratings,
      originalLanguage: asset.originalLanguage,
      countriesOfOrigin: asset.countriesOfOrigin,
      productionYear: asset.productionYear,
    }),
    version: withoutUndefined({
      id: version.id,
      name: version.name,
      kind: version.kind,
      rate: version.rate,
      durationFrames: version.durationFrames,
      startTimecode: version.startTimecode,
      language: version.language,
      territory: version.territory,
      essence: version.essence,
      locations: version.locations,
    }),
    parts,
    rights: options.rights ?? [],
    related: related.map((r) => ({ id: r.id, kind: r.kind })),
  });
}

/** The object without its `undefined` fields (an absent optional field, not one set to `undefined`). */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** What {@link catalogInputsFrom} returns: inputs ready for `createAsset`, `addVersion` and `addAnnotations`. */
export interface CatalogInputs {
  readonly asset: AssetInput;
  readonly version: VersionInput;
  readonly annotations: AnnotationInput[];
  /** Rights statements found in the document, for the host's rights system. */
  readonly rights: RightsStatement[];
}

/**
 * Turn an imported {@link AssetDescription} into catalog inputs for the given project: the asset
 * and version keep their ids (so a re-import is idempotent), parts become annotations whose
 * provenance names the import source.
 */
export function catalogInputsFrom(
  description: AssetDescription,
  options: { readonly project: string; readonly source: string },
): CatalogInputs {
  const { asset, version, parts } = description;
  return {
    asset: { ...asset, project: options.project },
    version: { ...version },
    annotations: parts.map((p) => ({
      id: p.id,
      type: p.type,
      start: p.start,
      duration: p.duration,
      ...(p.title === undefined ? {} : { text: p.title }),
      provenance: { kind: 'import', id: options.source },
    })),
    rights: description.rights,
  };
}
