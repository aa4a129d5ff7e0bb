/**
 * EBUCore (EBU Tech 3293) sidecars: export one version of an asset as an EBUCore 1.10 or 1.8
 * document and read it back losslessly; read technical metadata from third-party EBUCore such as
 * MediaInfo's output. See docs/adapters/ebucore.md for the field mapping.
 *
 * @module
 */
export { collect, writeDocumentFile } from '../xml/document.js';
export { createEbuCoreExporter, type EbuCoreExporterOptions, EbuCoreExporterOptionsSchema } from './export.js';
export { createEbuCoreImporter, type EbuCoreImporterOptions, EbuCoreImporterOptionsSchema } from './import.js';
export { DC_NS, EBUCORE_NS, EBUCORE_VERSIONS, type EbuCoreVersion, LEGACY_EBUCORE_NAMESPACES } from './names.js';
export type { EbuCoreProducer } from './open.js';
export {
  type EbuCoreImport,
  type EbuCoreReadOptions,
  readEbuCore,
  readEbuCoreDocument,
  readEbuCoreTechnical,
} from './read.js';
export type { EbuCoreTechnical } from './technical.js';
export {
  type AssetKindValue,
  type CreditRoleValue,
  DEFAULT_VOCABULARIES,
  type EbuCoreVocabularies,
  type IdSchemeValue,
  type RelatedKindValue,
  type UnmappedLabel,
  type VersionKindValue,
  vocabularyKey,
} from './vocabulary.js';
