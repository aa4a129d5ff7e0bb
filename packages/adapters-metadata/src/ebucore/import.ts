import { parseOptions } from '@framewise/core/adapter-kit';
import type { AssetDescription, MetadataImporter } from '@framewise/core/interchange';
import { z } from 'zod';
import { type EbuCoreReadOptions, readEbuCore } from './read.js';
import type { EbuCoreVocabularies } from './vocabulary.js';

/** Options of {@link createEbuCoreImporter}: ids for documents that carry no Framewise ids. */
export const EbuCoreImporterOptionsSchema = z.strictObject({
  /** Asset id to use when a document carries none (a third party's document). */
  assetId: z.string().min(1).max(200).optional(),
  /** Version id to use when a document carries none. */
  versionId: z.string().min(1).max(200).optional(),
  /** Frame rate for documents that state none (audio-only files). */
  rate: z
    .strictObject({ num: z.number().int().positive(), den: z.number().int().positive(), dropFrame: z.boolean() })
    .optional(),
  /** The host's label maps on top of the built-in ones. */
  vocabularies: z.custom<EbuCoreVocabularies>((v) => typeof v === 'object' && v !== null).optional(),
});
/** Options of {@link createEbuCoreImporter}. */
export type EbuCoreImporterOptions = z.input<typeof EbuCoreImporterOptionsSchema>;

/**
 * The EBUCore importer as a {@link MetadataImporter}: {@link readEbuCore} with fixed defaults for
 * documents that carry no Framewise ids.
 */
export function createEbuCoreImporter(options: EbuCoreImporterOptions = {}): MetadataImporter<AssetDescription> {
  const { assetId, versionId, rate, vocabularies } = parseOptions(
    EbuCoreImporterOptionsSchema,
    options,
    'EBUCore importer options',
  );
  const defaults: EbuCoreReadOptions = {
    ...(assetId === undefined ? {} : { assetId }),
    ...(versionId === undefined ? {} : { versionId }),
    ...(rate === undefined ? {} : { rate }),
    ...(vocabularies === undefined ? {} : { vocabularies }),
  };
  return {
    format: 'ebucore',
    read: (document, readOptions) => readEbuCore(document, { ...defaults, ...readOptions }),
  };
}
