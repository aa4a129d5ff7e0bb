/**
 * One Avails row, validated: every cell the rights mapping uses is checked against the EMA
 * vocabulary, and every problem becomes an {@link AvailsIssue} naming the row and the column.
 * Reading never throws for a bad cell; a row with an issue yields no {@link Avail}.
 */
import type { AvailsCell, AvailsSheetRow } from './sheet.js';

/** A problem with one cell of one row. */
export interface AvailsIssue {
  /** The sheet row (the first row is 1). */
  readonly row: number;
  /** The column key (`Territory`, `Start`, ...). */
  readonly column: string;
  /** The offending cell as text (cut to 100 characters), absent when the cell is missing. */
  readonly value?: string;
  /** What is wrong, in words. */
  readonly message: string;
}

/** EMA `LicenseType` values (v1.9 vocabulary). */
export const AVAILS_LICENSE_TYPES = ['EST', 'VOD', 'SVOD', 'POEST', 'Pre-Release', 'Library'] as const;
/** An EMA license type. */
export type AvailsLicenseType = (typeof AVAILS_LICENSE_TYPES)[number];
/** EMA `FormatProfile` values. */
export const AVAILS_FORMAT_PROFILES = ['SD', 'HD', 'UHD', '3D', '3DSD', '3DHD', '3DUHD'] as const;
/** An EMA format profile. */
export type AvailsFormatProfile = (typeof AVAILS_FORMAT_PROFILES)[number];
/** EMA `DateTimeCondition` values, usable in `Start` and `End` instead of a date. */
export const AVAILS_CONDITIONS = [
  'Open',
  'Immediate',
  'ESTStart',
  'EST',
  'Broadcast',
  'Completed',
  'Theatrical',
  'TBD',
] as const;
/** An EMA date condition. */
export type AvailsCondition = (typeof AVAILS_CONDITIONS)[number];
/** EMA `LocalizationType` values. */
export const AVAILS_LOCALIZATION_TYPES = ['sub', 'dub', 'subdub', 'any'] as const;
/** An EMA localization type. */
export type AvailsLocalizationType = (typeof AVAILS_LOCALIZATION_TYPES)[number];
/** EMA `EntryType` values. */
export const AVAILS_ENTRY_TYPES = ['Full Extract', 'Create', 'Update', 'Delete', 'Full Delete'] as const;
/** An EMA entry type. */
export type AvailsEntryType = (typeof AVAILS_ENTRY_TYPES)[number];

/**
 * A window bound as an Avails cell gives it: a date (local midnight where the avail applies), an
 * instant with an offset, or a condition (`Open`, `Immediate`, `TBD`, an event such as `ESTStart`).
 */
export type AvailsBound =
  | { readonly date: string }
  | { readonly instant: string }
  | { readonly condition: AvailsCondition };

/** One avail, validated. Optional fields are absent when their cell is empty. */
export interface Avail {
  readonly row: number;
  readonly entryType: AvailsEntryType;
  /** `DisplayName`: the licensor. */
  readonly licensor: string;
  readonly licensee?: string;
  readonly workType: string;
  /** The internal title alias (of the title, episode or season). */
  readonly title?: string;
  /** ISO 3166-1 alpha-2 codes, or `WORLDWIDE`. */
  readonly territories: readonly string[];
  readonly territoryExclusions: readonly string[];
  readonly licenseType: AvailsLicenseType;
  readonly formatProfile?: AvailsFormatProfile;
  /** `HDR` attribute of the format profile (`HDR10`, `DV`, `true`). */
  readonly hdr?: string;
  readonly start: AvailsBound;
  /** ISO 8601 duration after the start condition (`P30D`, `P18M`). */
  readonly startLag?: string;
  readonly end: AvailsBound;
  readonly endLag?: string;
  readonly exclusive?: boolean;
  readonly exclusiveAttributes?: string;
  readonly allowedLanguages: readonly string[];
  readonly holdbackLanguages: readonly string[];
  readonly assetLanguage?: string;
  /** `LocalizationType`: `sub`, `dub`, `subdub` or `any` (the language forms offered). */
  readonly localizationType?: AvailsLocalizationType;
  readonly contractId?: string;
  readonly availId?: string;
  readonly alid?: string;
  readonly contentId?: string;
  /** EIDR title id (`10.5240/...`): `TitleID`, or `EpisodeTitleID` in the TV layout. */
  readonly titleId?: string;
  /** EIDR edit id: `EditID`, or `EpisodeID` in the TV layout. */
  readonly editId?: string;
  readonly seriesContentId?: string;
  readonly seasonContentId?: string;
  readonly episodeContentId?: string;
  readonly seasonNumber?: string;
  readonly episodeNumber?: string;
  /** `TitleStatus` (`Pending`, `Approved`, `Revoked`, `Expired`). */
  readonly titleStatus?: string;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/;
/** An `xs:duration` (ISO 8601): years, months, days, and a time part. */
const DURATION =
  /^-?P(?=\d|T\d)(\d{1,6}Y)?(\d{1,6}M)?(\d{1,6}W)?(\d{1,6}D)?(T(?=\d)(\d{1,6}H)?(\d{1,6}M)?(\d{1,6}(\.\d{1,9})?S)?)?$/;
const COUNTRY = /^[A-Z]{2}$/;
const LANGUAGE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,6}$/;
const MAX_TEXT = 500;

const show = (cell: AvailsCell): string => {
  const text =
    cell instanceof Date ? (Number.isNaN(cell.getTime()) ? 'Invalid Date' : cell.toISOString()) : String(cell);
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
};

function validDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return year >= 1900 && year <= 9999 && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** Reads one sheet row; returns the avail or the row's issues (never throws). */
export function readAvail(sheetRow: AvailsSheetRow): { avail?: Avail; issues: AvailsIssue[] } {
  const { row, cells } = sheetRow;
  const issues: AvailsIssue[] = [];
  const fail = (column: string, message: string): undefined => {
    const cell = cells.get(column);
    issues.push(cell === undefined ? { row, column, message } : { row, column, value: show(cell), message });
    return undefined;
  };
  const text = (column: string, required = false): string | undefined => {
    const cell = cells.get(column);
    if (cell === undefined || cell === null) return required ? fail(column, 'is required') : undefined;
    const value = cell instanceof Date ? show(cell) : String(cell).trim();
    if (value === '') return required ? fail(column, 'is required') : undefined;
    if (value.length > MAX_TEXT) return fail(column, `is longer than ${MAX_TEXT} characters`);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
    if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value))
      return fail(column, 'contains a control character (such as NUL)');
    return value;
  };
  const oneOf = <T extends string>(column: string, values: readonly T[], required = false): T | undefined => {
    const value = text(column, required);
    if (value === undefined) return undefined;
    const found = values.find((v) => v.toLowerCase() === value.toLowerCase());
    return found ?? fail(column, `must be one of ${values.join(', ')}`);
  };
  const list = (column: string, pattern: RegExp, what: string, upper: boolean): string[] => {
    const value = text(column);
    if (value === undefined) return [];
    const items = value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '')
      .map((item) => (upper ? item.toUpperCase() : item));
    const bad = items.find((item) => !pattern.test(item));
    if (bad !== undefined) fail(column, `${JSON.stringify(bad)} is not ${what}`);
    return items;
  };
  const bound = (column: string): AvailsBound | undefined => {
    const cell = cells.get(column);
    if (cell === undefined || cell === null || (typeof cell === 'string' && cell.trim() === ''))
      return fail(column, 'is required (a date, a date-time with an offset, or a condition such as Open or TBD)');
    if (cell instanceof Date) {
      if (Number.isNaN(cell.getTime())) return fail(column, 'is not a valid date');
      const iso = cell.toISOString();
      // A spreadsheet date has no zone: read it as the date it shows.
      return iso.endsWith('T00:00:00.000Z')
        ? { date: iso.slice(0, 10) }
        : fail(column, 'a date-time cell has no zone offset: write it as text with an offset');
    }
    const value = String(cell).trim();
    const condition = AVAILS_CONDITIONS.find((c) => c.toLowerCase() === value.toLowerCase());
    if (condition !== undefined) return { condition };
    const date = ISO_DATE.exec(value);
    if (date)
      return validDate(Number(date[1]), Number(date[2]), Number(date[3]))
        ? { date: value }
        : fail(column, 'is not a valid date');
    const dateTime = ISO_DATE_TIME.exec(value);
    if (dateTime) {
      const [, day = '', hh = '', mm = '', ss = '00', zone] = dateTime;
      const [y, m, d] = day.split('-').map(Number) as [number, number, number];
      if (!validDate(y, m, d) || Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59)
        return fail(column, 'is not a valid date-time');
      if (zone === undefined)
        return hh === '00' && mm === '00' && ss === '00'
          ? { date: day }
          : fail(column, 'a date-time needs a zone offset (Z or ±hh:mm)');
      const ms = Date.parse(value);
      return Number.isNaN(ms) ? fail(column, 'is not a valid date-time') : { instant: value };
    }
    return fail(
      column,
      `must be a date (YYYY-MM-DD), a date-time with an offset, or one of ${AVAILS_CONDITIONS.join(', ')}`,
    );
  };
  const duration = (column: string): string | undefined => {
    const value = text(column);
    if (value === undefined) return undefined;
    if (value.startsWith('-')) return fail(column, 'a negative lag (before the event) is not supported');
    return DURATION.test(value) ? value : fail(column, 'must be an ISO 8601 duration such as P30D, P18M or P1Y');
  };
  const flag = (column: string): boolean | undefined => {
    const cell = cells.get(column);
    if (cell === undefined || cell === null) return undefined;
    if (typeof cell === 'boolean') return cell;
    if (cell === 1 || cell === 0) return cell === 1;
    const value = String(cell).trim().toLowerCase();
    if (['yes', 'y', 'true', '1'].includes(value)) return true;
    if (['no', 'n', 'false', '0'].includes(value)) return false;
    return fail(column, 'must be Yes or No');
  };

  const entryType = oneOf('EntryType', AVAILS_ENTRY_TYPES) ?? 'Full Extract';
  const licensor = text('DisplayName', true);
  const workType = text('WorkType', true);
  const territories = list('Territory', /^([A-Z]{2}|WORLDWIDE)$/, 'an ISO 3166-1 alpha-2 code or WORLDWIDE', true);
  if (territories.length === 0 && !issues.some((i) => i.column === 'Territory')) fail('Territory', 'is required');
  if (territories.includes('WORLDWIDE') && territories.length > 1)
    fail('Territory', 'WORLDWIDE cannot be listed with other territories');
  const territoryExclusions = list('TerritoryExclusion', COUNTRY, 'an ISO 3166-1 alpha-2 code', true);
  const licenseType = oneOf('LicenseType', AVAILS_LICENSE_TYPES, true);
  const formatProfile = oneOf('FormatProfile', AVAILS_FORMAT_PROFILES);
  const hdr = text('HDR');
  const localizationType = oneOf('LocalizationType', AVAILS_LOCALIZATION_TYPES);
  const start = bound('Start');
  const startLag = duration('StartLag');
  const end = bound('End');
  const endLag = duration('EndLag');
  if (start && 'condition' in start && (start.condition === 'Open' || start.condition === 'Completed'))
    fail('Start', `${start.condition} is an end condition`);
  if (end && 'condition' in end && end.condition === 'Immediate') fail('End', 'Immediate is a start condition');
  if (startLag !== undefined && start && !('condition' in start)) fail('StartLag', 'applies only to a Start condition');
  if (endLag !== undefined && end && !('condition' in end)) fail('EndLag', 'applies only to an End condition');
  // An End date is the last day available (a one-day avail has End = Start).
  if (start && end && 'date' in start && 'date' in end) {
    if (end.date < start.date) fail('End', 'is before Start');
  } else if (start && end && !('condition' in start) && !('condition' in end)) {
    // A Start date is read as midnight UTC, an End date as the end of that day, when compared with
    // a date-time (an instant).
    const at = (b: { date: string } | { instant: string }, edge: 'start' | 'end'): number =>
      'date' in b
        ? Date.parse(`${edge === 'end' ? shiftAvailsDate(b.date, 1) : b.date}T00:00:00Z`)
        : Date.parse(b.instant);
    if (at(end, 'end') <= at(start, 'start')) fail('End', 'is not after Start');
  }
  const exclusive = flag('Exclusive');
  const exclusiveAttributes = text('ExclusiveAttributes');
  const allowedLanguages = list('AllowedLanguages', LANGUAGE, 'a language tag', false);
  const holdbackLanguages = list('HoldbackLanguage', LANGUAGE, 'a language tag', false);
  const assetLanguage = text('AssetLanguage');
  if (assetLanguage !== undefined && !LANGUAGE.test(assetLanguage)) fail('AssetLanguage', 'is not a language tag');
  const ids = {
    contractId: text('ContractID'),
    availId: text('AvailID'),
    alid: text('ALID'),
    contentId: text('ContentID'),
    titleId: text('TitleID') ?? text('EpisodeTitleID'),
    editId: text('EditID') ?? text('EpisodeID'),
    seriesContentId: text('SeriesContentID'),
    seasonContentId: text('SeasonContentID'),
    episodeContentId: text('EpisodeContentID'),
  };
  const title =
    text('TitleInternalAlias') ??
    text('EpisodeTitleInternalAlias') ??
    text('SeasonTitleInternalAlias') ??
    text('SeriesTitleInternalAlias');
  const seasonNumber = text('SeasonNumber');
  const episodeNumber = text('EpisodeNumber');
  const titleStatus = text('TitleStatus');
  const licensee = text('Licensee');

  if ((entryType === 'Delete' || entryType === 'Full Delete') && ids.availId === undefined)
    fail('AvailID', `a ${entryType} needs the AvailID of the avail it withdraws`);
  if (issues.length > 0 || !licensor || !workType || !licenseType || !start || !end) return { issues };
  const avail: Avail = {
    row,
    entryType,
    licensor,
    workType,
    territories,
    territoryExclusions,
    licenseType,
    start,
    end,
    allowedLanguages,
    holdbackLanguages,
    ...defined({
      licensee,
      title,
      formatProfile,
      hdr,
      startLag,
      endLag,
      exclusive,
      exclusiveAttributes,
      assetLanguage,
      localizationType,
      seasonNumber,
      episodeNumber,
      titleStatus,
      ...ids,
    }),
  };
  return { avail, issues };
}

/** The entries of an object whose value is defined (for `exactOptionalPropertyTypes`). */
function defined<T extends Record<string, unknown>>(object: T): Partial<{ [K in keyof T]: Exclude<T[K], undefined> }> {
  const out: Record<string, unknown> = {};
  for (const key in object) if (object[key] !== undefined) out[key] = object[key];
  return out as Partial<{ [K in keyof T]: Exclude<T[K], undefined> }>;
}

/**
 * A calendar date moved by whole days (`2027-02-28` + 1 → `2027-03-01`). Avails' `End` date is the
 * last day of availability (EMA; MovieLabs' own converter writes it as `T23:59:59`), while a rights
 * window's end date is the first day no longer available: reading adds a day, writing takes one off.
 */
export function shiftAvailsDate(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}
