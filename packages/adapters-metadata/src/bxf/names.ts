/** BXF releases Framewise writes, by the year in their namespace. */
export type BxfVersion = '2008' | '2017' | '2022';
/** Every BXF release Framewise writes. */
export const BXF_VERSIONS: readonly BxfVersion[] = ['2008', '2017', '2022'];

/** The namespace of a BXF release. */
export function bxfNamespace(version: BxfVersion): string {
  return `http://smpte-ra.org/schemas/2021/${version}/BXF`;
}

/** The schema release (SMPTE ST 2021 document version) of each namespace year. */
export const BXF_RELEASE: Readonly<Record<BxfVersion, string>> = { '2008': '1.0', '2017': '5.0', '2022': '8.0' };
