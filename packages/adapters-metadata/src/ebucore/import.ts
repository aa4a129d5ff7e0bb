import type { AssetDescription, MetadataImporter } from '@framewise/core/interchange';
import { type EbuCoreReadOptions, readEbuCore } from './read.js';

/**
 * The EBUCore importer as a {@link MetadataImporter}: {@link readEbuCore} with fixed defaults for
 * documents that carry no Framewise ids.
 */
export function createEbuCoreImporter(
  defaults: Pick<EbuCoreReadOptions, 'assetId' | 'versionId'> = {},
): MetadataImporter<AssetDescription> {
  return {
    format: 'ebucore',
    read: (document, options) => readEbuCore(document, { ...defaults, ...options }),
  };
}
