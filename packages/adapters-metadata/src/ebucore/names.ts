/** EBUCore's namespace (the same for 1.8, 1.9 and 1.10). */
export const EBUCORE_NS = 'urn:ebu:metadata-schema:ebucore';
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
