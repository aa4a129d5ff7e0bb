/** EBUCore's namespace (the same for 1.8, 1.9 and 1.10). */
export const EBUCORE_NS = 'urn:ebu:metadata-schema:ebucore';
/**
 * Earlier EBUCore namespaces read as well: 1.5 (`ebuCore_2014`, still written by
 * `mediainfo --Output=EBUCore_1.5`), 1.6 (`ebuCore_2015`) and 1.4 (`ebuCore_2012`). Their
 * elements are read as the same-named elements of the current namespace.
 */
export const LEGACY_EBUCORE_NAMESPACES: Readonly<Record<string, string>> = {
  'urn:ebu:metadata-schema:ebuCore_2012': '1.4',
  'urn:ebu:metadata-schema:ebuCore_2014': '1.5',
  'urn:ebu:metadata-schema:ebuCore_2015': '1.6',
};
/** Dublin Core elements namespace. */
export const DC_NS = 'http://purl.org/dc/elements/1.1/';

/** EBUCore schema versions Framewise writes. */
export type EbuCoreVersion = '1.10' | '1.8';
/** Every version Framewise writes. */
export const EBUCORE_VERSIONS: readonly EbuCoreVersion[] = ['1.10', '1.8'];

/** `formatName` of the format element that describes the essence. */
export const ESSENCE = 'essence';
/** `formatName` of a format element that describes one stored copy of the file. */
export const FILE_COPY = 'file copy';

/** `typeLabel`s of the identifiers Framewise writes for its own ids. */
export const ID_LABELS = {
  asset: 'framewise:asset-id',
  version: 'framewise:version-id',
  productionNumber: 'production-number',
} as const;
