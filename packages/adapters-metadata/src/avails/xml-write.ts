/**
 * Avails XML out: the EMA / MovieLabs Avails 2.5 document (valid against the official
 * `avails-v2.5.xsd`) for validated {@link Avail}s, one `Avail` element per avail.
 */
import { FramewiseError } from '@framewise/core/errors';
import { assertXmlText } from '../xml/chars.js';
import { XmlWriter } from '../xml/writer.js';
import { AVAILS_FORMAT_PROFILES, type Avail, type AvailsBound } from './row.js';

/** The Avails XML version written. */
export const AVAILS_XML_VERSION = '2.5';
/** Namespace of Avails 2.5. */
export const AVAILS_XML_NAMESPACE = 'http://www.movielabs.com/schema/avails/v2.5/avails';
/** Namespace of Common Metadata 2.8, which Avails 2.5 uses. */
export const AVAILS_MD_NAMESPACE = 'http://www.movielabs.com/schema/md/v2.8/md';
/** Namespace of Media Entertainment Core 2.8, which Avails 2.5 uses. */
export const AVAILS_MDMEC_NAMESPACE = 'http://www.movielabs.com/schema/mdmec/v2.8';

const AVAIL_TYPES: Readonly<Record<string, string>> = {
  movie: 'single',
  short: 'single',
  collection: 'collection',
  episode: 'episode',
  season: 'season',
  series: 'series',
  supplemental: 'supplement',
};

/** The profiles a transaction without one is written for: a grant without formats covers them all. */
const EVERY_PROFILE = AVAILS_FORMAT_PROFILES.filter((p) => !p.startsWith('3D'));

/**
 * Write avails as an Avails 2.5 XML document (`AvailList`). Each avail is one `Avail` with one
 * `Asset` and one `Transaction`; an avail without a format profile (a grant of every format) is
 * written as one transaction per profile (SD, HD, UHD: the schema requires a profile), their
 * `TransactionID`s suffixed `.SD`, `.HD`, `.UHD`. A `Start` date is written as the start of that
 * day (`T00:00:00`), an `End` date as its end (`T23:59:59`, the last day available), both without
 * a zone: local to each territory, as EMA specifies; conditions as `StartCondition`/`EndCondition`
 * with their lag; `WORLDWIDE` as Common Metadata's `XW`; exclusivity and title status as `Term`s.
 *
 * A season's or series' EIDR id goes in `SeasonEIDR-URN` / `SeriesEIDR-URN`; fields of a narrower
 * work have no place in a season's or series' metadata and are left out (an edit id, the episode's
 * content id and number; for a series also the season's): EMA gives them to the narrower work.
 *
 * @throws `INVALID_INPUT` naming the avail (its `row`) for what Avails XML cannot carry: no
 * ALID or content id, an id with white space, a season or episode number that is not a whole
 * number, an episode or season without its season or series, or text XML cannot hold.
 */
export function writeAvailsXml(avails: readonly Avail[]): string {
  const out = new XmlWriter().declaration();
  out.open('avails:AvailList', {
    'xmlns:avails': AVAILS_XML_NAMESPACE,
    'xmlns:md': AVAILS_MD_NAMESPACE,
    'xmlns:mdmec': AVAILS_MDMEC_NAMESPACE,
  });
  for (const avail of avails) writeAvail(out, avail);
  out.close();
  return out.take();
}

/** URI characters (RFC 3986, percent escapes allowed). */
const URI_CHARS = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;

/**
 * Whether an id is a URI reference an `xs:anyURI` validator accepts: URI characters only, and a
 * colon in its first segment only after a scheme (`md:cid:eidr-s:…`; `2:9` is neither a URI nor a
 * relative reference).
 */
function isUriReference(id: string): boolean {
  if (!URI_CHARS.test(id) || /%(?![0-9A-Fa-f]{2})/.test(id)) return false;
  const first = id.split(/[/?#]/, 1)[0] ?? '';
  const colon = first.indexOf(':');
  return colon < 0 || SCHEME.test(first.slice(0, colon));
}

function refuse(avail: Avail, message: string, details: Record<string, unknown> = {}): never {
  throw new FramewiseError('INVALID_INPUT', `Avail row ${avail.row}: ${message}`, {
    details: { row: avail.row, ...details },
  });
}

function writeAvail(out: XmlWriter, avail: Avail): void {
  for (const [key, value] of Object.entries(avail)) {
    if (typeof value === 'string') assertXmlText(value, `Avail row ${avail.row} ${key}`);
    if (Array.isArray(value))
      for (const item of value) if (typeof item === 'string') assertXmlText(item, `Avail row ${avail.row} ${key}`);
  }
  const work = avail.workType.toLowerCase();
  const contentId =
    (work === 'episode'
      ? avail.episodeContentId
      : work === 'season'
        ? avail.seasonContentId
        : work === 'series'
          ? avail.seriesContentId
          : avail.contentId) ?? avail.alid;
  const alid = avail.alid ?? contentId;
  if (alid === undefined || contentId === undefined)
    refuse(avail, 'Avails XML needs an ALID or a content id for the asset');
  for (const [what, id] of [
    ['ALID', alid],
    ['content id', contentId],
    ['AvailID', avail.availId],
    ['TitleID', avail.titleId],
    ['EditID', avail.editId],
    ['SeasonContentID', avail.seasonContentId],
    ['SeriesContentID', avail.seriesContentId],
  ] as const)
    if (id !== undefined && !isUriReference(id))
      refuse(
        avail,
        `its ${what} ${JSON.stringify(id)} is not a URI reference (Avails XML ids are xs:anyURI: URI characters only, and a colon only after a scheme such as md:cid:…)`,
      );
  for (const [what, n] of [
    ['SeasonNumber', avail.seasonNumber],
    ['EpisodeNumber', avail.episodeNumber],
  ] as const)
    if (n !== undefined && !/^\d{1,9}$/.test(n))
      refuse(avail, `its ${what} ${JSON.stringify(n)} is not a whole number`);
  const title = avail.title ?? contentId;

  out.open('avails:Avail');
  out.leaf('avails:ALID', alid);
  out.open('avails:Disposition').leaf('avails:EntryType', avail.entryType).close();
  out.open('avails:Licensor').leaf('md:DisplayName', avail.licensor).close();
  out.leaf('avails:AvailType', AVAIL_TYPES[work] ?? 'single');
  out.leaf('avails:ShortDescription', title);
  out.open('avails:Asset', { contentID: contentId });
  out.leaf('avails:WorkType', avail.workType);
  writeAssetMetadata(out, avail, work, title);
  out.close();
  const profiles = avail.formatProfile === undefined ? EVERY_PROFILE : [avail.formatProfile];
  for (const profile of profiles) writeTransaction(out, avail, profile, profiles.length > 1 ? `.${profile}` : '');
  out.close();
}

function writeAssetMetadata(out: XmlWriter, avail: Avail, work: string, title: string): void {
  const seriesMetadata = () => {
    if (avail.seriesContentId === undefined)
      refuse(avail, `a ${avail.workType} avail needs its SeriesContentID in Avails XML`);
    out.open('avails:SeriesMetadata');
    out.leaf('avails:SeriesContentID', avail.seriesContentId);
    if (work === 'series') out.leaf('avails:SeriesEIDR-URN', avail.titleId);
    out.leaf('avails:SeriesTitleInternalAlias', work === 'series' ? title : avail.seriesContentId);
    out.close();
  };
  const seasonMetadata = () => {
    if (avail.seasonContentId === undefined)
      refuse(avail, `a ${avail.workType} avail needs its SeasonContentID in Avails XML`);
    out.open('avails:SeasonMetadata');
    out.leaf('avails:SeasonContentID', avail.seasonContentId);
    if (work === 'season') out.leaf('avails:SeasonEIDR-URN', avail.titleId);
    if (work === 'season') out.leaf('avails:SeasonTitleInternalAlias', title);
    out.open('avails:SeasonNumber').leaf('md:Number', avail.seasonNumber).close();
    seriesMetadata();
    out.close();
  };
  const titleFields = () => {
    out.leaf('avails:TitleInternalAlias', title);
    out.leaf('avails:EditEIDR-URN', avail.editId);
    out.leaf('avails:TitleEIDR-URN', avail.titleId);
    out.leaf('avails:LocalizationOffering', avail.localizationType);
  };
  if (work === 'series') {
    seriesMetadata();
    return;
  }
  if (work === 'season') {
    seasonMetadata();
    return;
  }
  if (work === 'episode') {
    out.open('avails:EpisodeMetadata');
    titleFields();
    out.open('avails:EpisodeNumber').leaf('md:Number', avail.episodeNumber).close();
    if (avail.seasonContentId !== undefined) seasonMetadata();
    else seriesMetadata();
    out.close();
    return;
  }
  out.open('avails:Metadata');
  titleFields();
  out.close();
}

function writeBound(out: XmlWriter, bound: AvailsBound, lag: string | undefined, edge: 'Start' | 'End'): void {
  if ('date' in bound) out.leaf(`avails:${edge}`, `${bound.date}T${edge === 'Start' ? '00:00:00' : '23:59:59'}`);
  else if ('instant' in bound) out.leaf(`avails:${edge}`, bound.instant);
  else out.leaf(`avails:${edge}Condition`, bound.condition, lag === undefined ? undefined : { lag });
}

function writeTransaction(out: XmlWriter, avail: Avail, profile: string, suffix: string): void {
  out.open('avails:Transaction', avail.availId === undefined ? undefined : { TransactionID: avail.availId + suffix });
  if (avail.licensee !== undefined) out.open('avails:Licensee').leaf('md:DisplayName', avail.licensee).close();
  out.leaf('avails:LicenseType', avail.licenseType);
  for (const code of avail.territories)
    out
      .open('avails:Territory')
      .leaf('md:country', code === 'WORLDWIDE' ? 'XW' : code)
      .close();
  for (const code of avail.territoryExclusions) out.open('avails:TerritoryExcluded').leaf('md:country', code).close();
  writeBound(out, avail.start, avail.startLag, 'Start');
  writeBound(out, avail.end, avail.endLag, 'End');
  for (const language of avail.allowedLanguages) out.leaf('avails:AllowedLanguage', language);
  out.leaf('avails:AssetLanguage', avail.assetLanguage);
  for (const language of avail.holdbackLanguages) out.leaf('avails:HoldbackLanguage', language);
  out.leaf('avails:FormatProfile', profile, avail.hdr === undefined ? undefined : { HDR: avail.hdr });
  out.leaf('avails:ContractID', avail.contractId);
  const term = (name: string, kind: 'Boolean' | 'Text', value: string | undefined) => {
    if (value === undefined) return;
    out.open('avails:Term', { termName: name }).leaf(`avails:${kind}`, value).close();
  };
  term('Exclusive', 'Boolean', avail.exclusive === undefined ? undefined : String(avail.exclusive));
  term('ExclusiveAttributes', 'Text', avail.exclusiveAttributes);
  term('TitleStatus', 'Text', avail.titleStatus);
  // Season and series metadata have no LocalizationOffering element: it goes in a term.
  const work = avail.workType.toLowerCase();
  if (work === 'season' || work === 'series') term('LocalizationOffering', 'Text', avail.localizationType);
  out.close();
}
