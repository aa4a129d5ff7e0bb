/**
 * Avails XML (EMA / MovieLabs, versions 2.x) in: every `Transaction` of every `Avail` becomes one
 * row of the spreadsheet model, checked by the same rules as a sheet row ({@link readAvail}), so a
 * bad value is an issue naming the transaction and the element, never an exception.
 */
import { FramewiseError } from '@framewise/core/errors';
import { z } from 'zod';
import { parseXml, type XmlElement } from '../xml/parser.js';
import type { AvailsReadResult } from './read.js';
import { type Avail, type AvailsIssue, readAvail, shiftAvailsDate } from './row.js';
import type { AvailsCell } from './sheet.js';

/** Any Avails 2.x namespace (`http://www.movielabs.com/schema/avails/v2.5/avails`, …). */
const AVAILS_NS = /^http:\/\/www\.movielabs\.com\/schema\/avails\/v2\.\d+(?:\.\d+)*\/avails$/;
/** Any Common Metadata 2.x namespace, which `DisplayName`, `country` and `Number` live in. */
const MD_NS = /^http:\/\/www\.movielabs\.com\/schema\/md\/v2\.\d+(?:\.\d+)*\/md$/;

/** Options of {@link readAvailsXml}. */
export const AvailsXmlReadOptionsSchema = z.strictObject({
  /** A name for the input in messages (a file name). */
  source: z.string().min(1).max(500).default('avails.xml'),
  /** Most transactions accepted; beyond it the document is refused. */
  maxTransactions: z.number().int().positive().max(10_000_000).default(200_000),
});
/** Options of {@link readAvailsXml}, as written. */
export type AvailsXmlReadOptions = z.input<typeof AvailsXmlReadOptionsSchema>;

const ZONELESS = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A `Start`/`End` element's value as the row model's cell: a date where the value is a zone-less
 * start of day (`Start`) or end of day (`End`, `T23:59:59`, the last day available; `T00:00:00`
 * there means the day before was the last), the value itself when it has a zone offset (an
 * instant) or is a plain date; `undefined` with a reason for any other zone-less time.
 */
function boundCell(text: string, edge: 'start' | 'end'): { cell: string } | { reason: string } {
  if (DATE.test(text)) return { cell: text };
  const zoneless = ZONELESS.exec(text);
  if (zoneless === null) return { cell: text };
  const [, day = '', time, fraction] = zoneless;
  if (fraction === undefined || /^\.0+$/.test(fraction)) {
    if (edge === 'start' && time === '00:00:00') return { cell: day };
    if (edge === 'end' && time === '23:59:59') return { cell: day };
    if (edge === 'end' && time === '00:00:00') return { cell: shiftAvailsDate(day, -1) };
  }
  return {
    reason: `${JSON.stringify(text)} has no zone offset and is not the ${edge === 'start' ? 'start (T00:00:00)' : 'end (T23:59:59)'} of a day: give the offset (Z or ±hh:mm)`,
  };
}

/**
 * Read an Avails XML document (an `AvailList`, an `AvailListSigned` or a single `Avail`, in any
 * Avails 2.x namespace) into validated {@link Avail}s, one per `Transaction`, and an issue per bad
 * value naming the transaction (its ordinal in the document, as `row`) and the element. Elements
 * the rights model has no place for (prices, terms other than exclusivity, title status and
 * localization) are not read. An `Avail` with several `Asset`s (a bundle) is an issue.
 *
 * @throws `INVALID_INPUT` for a document that is not well-formed, has a DOCTYPE, is not Avails, or
 * holds more transactions than `maxTransactions`; `INVALID_CONFIG` for bad options.
 */
export function readAvailsXml(input: string | Uint8Array, options?: AvailsXmlReadOptions): AvailsReadResult {
  const parsed = AvailsXmlReadOptionsSchema.safeParse(options ?? {});
  if (!parsed.success)
    throw new FramewiseError('INVALID_CONFIG', `Avails XML read options: ${z.prettifyError(parsed.error)}`, {
      cause: parsed.error,
    });
  const { source, maxTransactions } = parsed.data;
  const doc = parseXml(input, { source });
  const root = doc.root;
  if (!AVAILS_NS.test(root.ns))
    throw new FramewiseError(
      'INVALID_INPUT',
      `${source}: the root <${root.name}> is not in an Avails 2.x namespace (found ${JSON.stringify(root.ns)})`,
      { details: { source, namespace: root.ns, element: root.name } },
    );
  const ns = root.ns;
  const list =
    root.name === 'Avail'
      ? [root]
      : root.name === 'AvailList'
        ? children(root, ns, 'Avail')
        : root.name === 'AvailListSigned'
          ? children(root, ns, 'AvailList').flatMap((l) => children(l, ns, 'Avail'))
          : undefined;
  if (list === undefined)
    throw new FramewiseError(
      'INVALID_INPUT',
      `${source}: the root <${root.name}> is not an AvailList, AvailListSigned or Avail`,
      { details: { source, element: root.name } },
    );
  const total = list.reduce((n, a) => n + children(a, ns, 'Transaction').length, 0);
  if (total > maxTransactions)
    throw new FramewiseError('INVALID_INPUT', `${source}: more than ${maxTransactions} transactions (${total})`, {
      details: { source, transactions: total, maxTransactions },
    });
  const avails: Avail[] = [];
  const issues: AvailsIssue[] = [];
  let row = 0;
  for (const avail of list) {
    for (const transaction of children(avail, ns, 'Transaction')) {
      row++;
      const { cells, problems } = cellsOf(avail, transaction, ns);
      const where = ` (Transaction at line ${doc.position(transaction.offset).line})`;
      for (const p of problems) issues.push({ row, ...p, message: p.message + where });
      const result = readAvail({ row, cells });
      for (const issue of result.issues) issues.push({ ...issue, message: issue.message + where });
      if (result.avail !== undefined && problems.length === 0) avails.push(result.avail);
    }
  }
  return { columns: [], avails, issues };
}

function children(parent: XmlElement, ns: string, name: string): XmlElement[] {
  return parent.children.filter((c) => c.name === name && c.ns === ns);
}

function child(parent: XmlElement | undefined, ns: string, name: string): XmlElement | undefined {
  return parent?.children.find((c) => c.name === name && c.ns === ns);
}

/** A Common Metadata child (`md:DisplayName`, `md:country`, `md:Number`), in any md 2.x namespace. */
function mdChild(parent: XmlElement | undefined, name: string): XmlElement | undefined {
  return parent?.children.find((c) => c.name === name && MD_NS.test(c.ns));
}

const textOf = (el: XmlElement | undefined): string | undefined => {
  const t = el?.text.trim();
  return t === undefined || t === '' ? undefined : t;
};

/** The row model's cells for one transaction of an avail, and what the model cannot hold. */
function cellsOf(
  avail: XmlElement,
  transaction: XmlElement,
  ns: string,
): { cells: Map<string, AvailsCell>; problems: Omit<AvailsIssue, 'row'>[] } {
  const cells = new Map<string, AvailsCell>();
  const problems: Omit<AvailsIssue, 'row'>[] = [];
  const put = (column: string, value: string | undefined) => {
    if (value !== undefined && value !== '' && !cells.has(column)) cells.set(column, value);
  };
  const kid = (parent: XmlElement | undefined, name: string) => child(parent, ns, name);
  const all = (parent: XmlElement, name: string) => children(parent, ns, name);

  put('EntryType', textOf(kid(kid(avail, 'Disposition'), 'EntryType')));
  put('DisplayName', textOf(mdChild(kid(avail, 'Licensor'), 'DisplayName')));
  put(
    'Licensee',
    textOf(mdChild(kid(transaction, 'Licensee'), 'DisplayName')) ??
      textOf(mdChild(kid(avail, 'Licensee'), 'DisplayName')),
  );
  put('ALID', textOf(kid(avail, 'ALID')));

  const assets = all(avail, 'Asset');
  if (assets.length > 1)
    problems.push({ column: 'Asset', message: `an Avail with ${assets.length} Assets (a bundle) has no row form` });
  const asset = assets[0];
  const workType = textOf(kid(asset, 'WorkType'));
  put('WorkType', workType);
  const contentId = asset?.attributes.get('contentID')?.trim();
  const work = workType?.toLowerCase();
  put(
    work === 'episode'
      ? 'EpisodeContentID'
      : work === 'season'
        ? 'SeasonContentID'
        : work === 'series'
          ? 'SeriesContentID'
          : 'ContentID',
    contentId,
  );
  const metadata = kid(asset, 'Metadata') ?? kid(asset, 'EpisodeMetadata');
  if (metadata !== undefined) {
    put('TitleInternalAlias', textOf(kid(metadata, 'TitleInternalAlias')));
    put('TitleID', textOf(kid(metadata, 'TitleEIDR-URN')));
    put('EditID', textOf(kid(metadata, 'EditEIDR-URN')));
    put('LocalizationType', textOf(kid(metadata, 'LocalizationOffering')));
    put('EpisodeNumber', textOf(mdChild(kid(metadata, 'EpisodeNumber'), 'Number')));
  }
  const season = kid(metadata, 'SeasonMetadata') ?? kid(asset, 'SeasonMetadata');
  if (season !== undefined) {
    put('SeasonContentID', textOf(kid(season, 'SeasonContentID')));
    put('SeasonNumber', textOf(mdChild(kid(season, 'SeasonNumber'), 'Number')));
    put('SeasonTitleInternalAlias', textOf(kid(season, 'SeasonTitleInternalAlias')));
    if (work === 'season') put('TitleID', textOf(kid(season, 'SeasonEIDR-URN')));
  }
  const series = kid(season, 'SeriesMetadata') ?? kid(metadata, 'SeriesMetadata') ?? kid(asset, 'SeriesMetadata');
  if (series !== undefined) {
    put('SeriesContentID', textOf(kid(series, 'SeriesContentID')));
    put('SeriesTitleInternalAlias', textOf(kid(series, 'SeriesTitleInternalAlias')));
    if (work === 'series') put('TitleID', textOf(kid(series, 'SeriesEIDR-URN')));
  }

  put('LicenseType', textOf(kid(transaction, 'LicenseType')));
  const regions = (name: string, column: string) => {
    const codes: string[] = [];
    for (const region of all(transaction, name)) {
      const country = textOf(mdChild(region, 'country'));
      if (country === undefined) {
        const other = textOf(mdChild(region, 'countryRegion'));
        const message = 'only country codes have a row form (a countryRegion subdivision or M49 region does not)';
        problems.push(other === undefined ? { column, message } : { column, value: other, message });
        continue;
      }
      // Common Metadata's code for the whole world.
      codes.push(country === 'XW' ? 'WORLDWIDE' : country);
    }
    put(column, codes.join(','));
  };
  regions('Territory', 'Territory');
  regions('TerritoryExcluded', 'TerritoryExclusion');
  for (const edge of ['start', 'end'] as const) {
    const name = edge === 'start' ? 'Start' : 'End';
    const at = textOf(kid(transaction, name));
    const condition = kid(transaction, `${name}Condition`);
    if (at !== undefined) {
      const bound = boundCell(at, edge);
      if ('cell' in bound) put(name, bound.cell);
      else problems.push({ column: name, value: at, message: bound.reason });
    } else if (condition !== undefined) {
      put(name, textOf(condition));
      put(`${name}Lag`, condition.attributes.get('lag')?.trim());
    }
  }
  const languages = (name: string) =>
    all(transaction, name)
      .map(textOf)
      .filter((t): t is string => t !== undefined)
      .join(',');
  put('AllowedLanguages', languages('AllowedLanguage'));
  put('HoldbackLanguage', languages('HoldbackLanguage'));
  put('AssetLanguage', textOf(kid(transaction, 'AssetLanguage')));
  const profile = kid(transaction, 'FormatProfile');
  put('FormatProfile', textOf(profile));
  put('HDR', profile?.attributes.get('HDR')?.trim());
  put('ContractID', textOf(kid(transaction, 'ContractID')));
  put('AvailID', transaction.attributes.get('TransactionID')?.trim());
  for (const term of all(transaction, 'Term')) {
    const name = term.attributes.get('termName')?.trim();
    const value = textOf(term.children[0]);
    if (name === 'Exclusive') put('Exclusive', value);
    else if (name === 'ExclusiveAttributes') put('ExclusiveAttributes', value);
    else if (name === 'TitleStatus') put('TitleStatus', value);
    else if (name === 'LocalizationOffering') put('LocalizationType', value);
  }
  return { cells, problems };
}
