/**
 * Rebuild the search index of every stored asset and annotation: the upgrade path when the way
 * text is indexed changes (CJK bigrams: rows written before them are found again only after this).
 */

import type { CatalogStore } from './port.js';
import { decodeCursor, indexAnnotation, indexAsset } from './search-model.js';

/** Options for {@link reindexSearch}. */
export interface ReindexSearchOptions {
  /** Assets read per page (each asset is rewritten in its own transaction). Default 200. */
  readonly pageSize?: number;
  /** Called after each page with the counts so far. */
  readonly onProgress?: (progress: ReindexSearchReport) => void;
}

/** What {@link reindexSearch} rewrote. */
export interface ReindexSearchReport {
  readonly assets: number;
  readonly annotations: number;
}

const isCursor = (v: unknown): v is { value: string; id: string } =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { value?: unknown }).value === 'string' &&
  typeof (v as { id?: unknown }).id === 'string';

/**
 * Recompute the search index fields (words, facets) of every asset and of every annotation of its
 * versions from the stored records, and write them back. Run it once after upgrading to a release
 * whose tokenizer changed (docs/catalog.md, "Upgrading"); it is safe while the catalog is in use:
 * each asset and its annotations are rewritten in one transaction that reads them locked, so a
 * concurrent write is neither lost nor indexed the old way. Records are not changed and no audit
 * event is written (the index is derived data). Idempotent: running it twice changes nothing.
 *
 * @example
 * ```ts
 * const report = await reindexSearch(store);
 * console.log(`reindexed ${report.assets} assets, ${report.annotations} annotations`);
 * ```
 */
export async function reindexSearch(
  store: CatalogStore,
  options: ReindexSearchOptions = {},
): Promise<ReindexSearchReport> {
  const pageSize = options.pageSize ?? 200;
  let assets = 0;
  let annotations = 0;
  let after: { value: string; id: string } | undefined;
  for (;;) {
    const page = await store.searchAssets({ sortField: 'createdAt', descending: false, limit: pageSize, after });
    for (const listed of page.items) {
      annotations += await store.transaction(async (tx) => {
        const asset = await tx.getAsset(listed.id);
        if (asset === undefined) return 0;
        await tx.putAsset(asset, indexAsset(asset));
        let count = 0;
        for (const version of await tx.listEntities('version', { assetId: asset.id })) {
          const records = (await tx.listAnnotations(version.id)).map((annotation) => ({
            annotation,
            index: indexAnnotation(annotation),
          }));
          if (records.length > 0) await tx.putAnnotations(records);
          count += records.length;
        }
        return count;
      });
      assets++;
    }
    options.onProgress?.({ assets, annotations });
    if (page.next === undefined) break;
    after = decodeCursor(page.next, isCursor);
  }
  return { assets, annotations };
}
