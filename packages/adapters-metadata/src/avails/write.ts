/**
 * Writing avails in the EMA v1.9 layout: the group row, the key row, the note row (the version in
 * its first cell), then one row per avail, as CSV (cells neutralised against formula injection)
 * or XLSX (text cells, never formulas).
 */
import { FramewiseError } from '@framewise/core/errors';
import { z } from 'zod';
import { AVAILS_MOVIE_COLUMNS, AVAILS_SPREADSHEET_VERSION, AVAILS_TV_COLUMNS, type AvailsColumn } from './columns.js';
import { writeCsv } from './csv.js';
import type { Avail, AvailsBound } from './row.js';
import { writeXlsxSheet, type XlsxCell } from './xlsx.js';

/** Options for writing avails. */
export const AvailsWriteOptionsSchema = z.strictObject({
  /**
   * The template layout: `movies`, `tv` (series, seasons, episodes), or `auto` (default): `tv`
   * when any avail's work type is Episode, Season, Series or Volume.
   */
  layout: z.enum(['auto', 'movies', 'tv']).default('auto'),
  /** For XLSX: the sheet name. */
  sheet: z.string().min(1).max(31).default('Avails'),
});
/** Options for writing avails, as written. */
export type AvailsWriteOptions = z.input<typeof AvailsWriteOptionsSchema>;

const TV_WORK_TYPES = new Set(['episode', 'season', 'series', 'volume']);

const boundText = (bound: AvailsBound): string =>
  'date' in bound ? bound.date : 'instant' in bound ? bound.instant : bound.condition;

/** The cells of one avail by column key (only the keys it has a value for). */
function cellsOf(avail: Avail, tv: boolean): Map<string, XlsxCell> {
  const cells = new Map<string, XlsxCell>();
  const put = (key: string, value: string | undefined): void => {
    if (value !== undefined && value !== '') cells.set(key, value);
  };
  put('DisplayName', avail.licensor);
  put('Licensee', avail.licensee);
  put('AssetLanguage', avail.assetLanguage);
  put('LocalizationType', avail.localizationType);
  put('Territory', avail.territories.join(','));
  put('TerritoryExclusion', avail.territoryExclusions.join(','));
  put('WorkType', avail.workType);
  put('EntryType', avail.entryType);
  const work = avail.workType.toLowerCase();
  const titleKey = !tv
    ? 'TitleInternalAlias'
    : work === 'episode'
      ? 'EpisodeTitleInternalAlias'
      : work === 'season'
        ? 'SeasonTitleInternalAlias'
        : 'SeriesTitleInternalAlias';
  put(titleKey, avail.title);
  put('LicenseType', avail.licenseType);
  put('FormatProfile', avail.formatProfile);
  put('HDR', avail.hdr);
  put('Start', boundText(avail.start));
  put('StartLag', avail.startLag);
  put('End', boundText(avail.end));
  put('EndLag', avail.endLag);
  put(tv ? 'EpisodeTitleID' : 'TitleID', avail.titleId);
  put(tv ? 'EpisodeID' : 'EditID', avail.editId);
  put('ContentID', avail.contentId);
  put('SeriesContentID', avail.seriesContentId);
  put('SeasonContentID', avail.seasonContentId);
  put('EpisodeContentID', avail.episodeContentId);
  put('SeasonNumber', avail.seasonNumber);
  put('EpisodeNumber', avail.episodeNumber);
  put('AvailID', avail.availId);
  put('ALID', avail.alid);
  put('ContractID', avail.contractId);
  put('TitleStatus', avail.titleStatus);
  if (avail.exclusive !== undefined) cells.set('Exclusive', avail.exclusive ? 'Yes' : 'No');
  put('ExclusiveAttributes', avail.exclusiveAttributes);
  put('HoldbackLanguage', avail.holdbackLanguages.join(','));
  put('AllowedLanguages', avail.allowedLanguages.join(','));
  return cells;
}

/** The rows of a sheet holding `avails`: three header rows, then one row per avail. */
export function availsSheetRows(avails: readonly Avail[], options?: AvailsWriteOptions): XlsxCell[][] {
  const parsed = AvailsWriteOptionsSchema.safeParse(options ?? {});
  if (!parsed.success)
    throw new FramewiseError('INVALID_CONFIG', `Avails write options: ${z.prettifyError(parsed.error)}`, {
      cause: parsed.error,
    });
  const tv =
    parsed.data.layout === 'tv' ||
    (parsed.data.layout === 'auto' && avails.some((a) => TV_WORK_TYPES.has(a.workType.toLowerCase())));
  const layout: readonly AvailsColumn[] = tv ? AVAILS_TV_COLUMNS : AVAILS_MOVIE_COLUMNS;
  // The TV template files ContractID under the group `AvailTerms`; the data dictionary and the
  // XML mapping say `AvailTrans`: write the latter.
  const rows: XlsxCell[][] = [
    layout.map((c) => (c.group === 'AvailTerms' ? 'AvailTrans' : c.group)),
    layout.map((c) => c.key),
    layout.map((_, i) => (i === 0 ? AVAILS_SPREADSHEET_VERSION : null)),
  ];
  for (const avail of avails) {
    const cells = cellsOf(avail, tv);
    rows.push(layout.map((c) => cells.get(c.key) ?? null));
  }
  return rows;
}

/** Writes avails as CSV in the EMA v1.9 layout; every cell is neutralised against formula injection. */
export function writeAvailsCsv(avails: readonly Avail[], options?: AvailsWriteOptions): string {
  return writeCsv(
    availsSheetRows(avails, options).map((row) => row.map((cell) => (cell === null ? '' : String(cell)))),
  );
}

/** Writes avails as an XLSX workbook in the EMA v1.9 layout. Needs the optional peer `write-excel-file`. */
export async function writeAvailsXlsx(avails: readonly Avail[], options?: AvailsWriteOptions): Promise<Uint8Array> {
  const rows = availsSheetRows(avails, options);
  return writeXlsxSheet(options?.sheet ?? 'Avails', rows);
}
