/**
 * From a grid of cells (a CSV's records or an XLSX sheet's rows) to Avails rows keyed by column:
 * finds the header row by its keys, skips the group row above it, the comment row below it and
 * blank or `//` comment rows, and numbers every row as the spreadsheet does (first row is 1).
 */
import { FramewiseError } from '@framewise/core/errors';
import { AVAILS_MOVIE_COLUMNS, AVAILS_TV_COLUMNS } from './columns.js';

/** Known keys by their lower-case form, so `territory` in a CSV reads as `Territory`. */
const CANONICAL = new Map([...AVAILS_MOVIE_COLUMNS, ...AVAILS_TV_COLUMNS].map(({ key }) => [key.toLowerCase(), key]));

/** A cell as read: text (CSV, XLSX strings), a number, a boolean or a date (XLSX), or empty. */
export type AvailsCell = string | number | boolean | Date | null | undefined;

/** One data row of an Avails sheet. */
export interface AvailsSheetRow {
  /** Its row number in the sheet (the first row is 1; for CSV, the record number). */
  readonly row: number;
  /** Its non-empty cells by column key (`Territory`, `LicenseType`, ...). */
  readonly cells: ReadonlyMap<string, AvailsCell>;
}

/** An Avails sheet: its column keys in order and its data rows. */
export interface AvailsSheet {
  /** Column keys in sheet order (known keys in the templates' spelling, others as written). */
  readonly columns: readonly string[];
  readonly rows: readonly AvailsSheetRow[];
}

/** How many leading rows are searched for the header row. */
const HEADER_SEARCH_ROWS = 10;

const textOf = (cell: AvailsCell): string =>
  typeof cell === 'string' ? cell.trim() : cell === null || cell === undefined ? '' : String(cell);

/** A blank row, or a comment row: its first non-empty cell starts with `//` (as the templates' notes do). */
function isBlankOrComment(row: readonly AvailsCell[]): boolean {
  for (const cell of row) {
    if (cell === null || cell === undefined || cell === '') continue;
    const text = textOf(cell);
    if (text !== '') return text.startsWith('//');
  }
  return true;
}

/** The templates' third row: the spreadsheet version in A, `//REQ` / `//Opt` notes after it. */
function isNoteRow(row: readonly AvailsCell[]): boolean {
  const first = textOf(row[0]);
  if (/^\d+(\.\d+)*$/.test(first) || first.startsWith('/')) {
    return row.slice(1).every((cell) => {
      const text = textOf(cell);
      return text === '' || text.startsWith('/') || /^req|^opt/i.test(text);
    });
  }
  return false;
}

/**
 * Reads a grid as an Avails sheet. The header row is the first of the leading rows holding both
 * `Territory` and `LicenseType` (the keys row of the EMA templates, or a CSV's only header);
 * keys match case-insensitively, and unknown columns are kept (and ignored by the row reader).
 *
 * @throws FramewiseError `INVALID_INPUT` naming `source`: no header row, an empty or duplicated key.
 */
export function readAvailsSheet(grid: readonly (readonly AvailsCell[])[], source: string): AvailsSheet {
  let headerIndex = -1;
  for (let r = 0; r < Math.min(grid.length, HEADER_SEARCH_ROWS); r++) {
    const keys = new Set((grid[r] ?? []).map((cell) => textOf(cell).toLowerCase()));
    if (keys.has('territory') && keys.has('licensetype')) {
      headerIndex = r;
      break;
    }
  }
  if (headerIndex < 0)
    throw new FramewiseError(
      'INVALID_INPUT',
      `${source}: no Avails header row (a row with the keys Territory and LicenseType) in the first ${HEADER_SEARCH_ROWS} rows`,
      { details: { source } },
    );
  const header = grid[headerIndex] ?? [];
  let width = header.length;
  while (width > 0 && textOf(header[width - 1]) === '') width--;
  const columns: string[] = [];
  const seen = new Set<string>();
  for (let c = 0; c < width; c++) {
    const key = textOf(header[c]);
    if (key === '')
      throw new FramewiseError('INVALID_INPUT', `${source}: row ${headerIndex + 1}: column ${c + 1} has no key`, {
        details: { source, row: headerIndex + 1, column: c + 1 },
      });
    if (seen.has(key.toLowerCase()))
      throw new FramewiseError('INVALID_INPUT', `${source}: row ${headerIndex + 1}: column ${key} appears twice`, {
        details: { source, row: headerIndex + 1, column: key },
      });
    seen.add(key.toLowerCase());
    columns.push(CANONICAL.get(key.toLowerCase()) ?? key);
  }
  const rows: AvailsSheetRow[] = [];
  for (let r = headerIndex + 1; r < grid.length; r++) {
    const cells = grid[r] ?? [];
    if (isBlankOrComment(cells) || (r === headerIndex + 1 && isNoteRow(cells))) continue;
    const map = new Map<string, AvailsCell>();
    for (let c = 0; c < width; c++) {
      const cell = cells[c];
      if (cell === null || cell === undefined || cell === '') continue;
      if (typeof cell !== 'string') map.set(columns[c] as string, cell);
      else {
        const text = cell.trim();
        if (text !== '') map.set(columns[c] as string, text);
      }
    }
    rows.push({ row: r + 1, cells: map });
  }
  return { columns, rows };
}
