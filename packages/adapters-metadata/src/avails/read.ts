/**
 * Reading Avails sheets from CSV and XLSX into validated {@link Avail}s and per-row issues.
 */
import { FramewiseError } from '@framewise/core/errors';
import { z } from 'zod';
import { DEFAULT_CSV_LIMITS, parseCsv, unneutraliseCell } from './csv.js';
import { type Avail, type AvailsIssue, readAvail } from './row.js';
import { type AvailsCell, readAvailsSheet } from './sheet.js';
import { DEFAULT_XLSX_LIMITS, readXlsxSheets } from './xlsx.js';

/** Options for reading an Avails sheet. */
export const AvailsReadOptionsSchema = z.strictObject({
  /** A name for the input in messages (a file name). */
  source: z.string().min(1).max(500).default('avails'),
  /** Most data rows accepted; beyond it the input is refused. */
  maxRows: z.number().int().positive().max(10_000_000).default(200_000),
  /** For XLSX: the sheet to read (its name); by default the first sheet with an Avails header. */
  sheet: z.string().min(1).max(100).optional(),
});
/** Options for reading an Avails sheet, as written. */
export type AvailsReadOptions = z.input<typeof AvailsReadOptionsSchema>;

/** What reading an Avails sheet gives: the valid avails, and an issue per bad cell. */
export interface AvailsReadResult {
  /** The sheet's column keys, in order. */
  readonly columns: readonly string[];
  /** Every row without an issue, in sheet order. */
  readonly avails: readonly Avail[];
  /** Every problem found, by row then column; a row with any issue is not in `avails`. */
  readonly issues: readonly AvailsIssue[];
}

function parseOptions(options: AvailsReadOptions | undefined): z.output<typeof AvailsReadOptionsSchema> {
  const parsed = AvailsReadOptionsSchema.safeParse(options ?? {});
  if (!parsed.success)
    throw new FramewiseError('INVALID_CONFIG', `Avails read options: ${z.prettifyError(parsed.error)}`, {
      cause: parsed.error,
    });
  return parsed.data;
}

function readGrid(
  grid: readonly (readonly AvailsCell[])[],
  options: z.output<typeof AvailsReadOptionsSchema>,
): AvailsReadResult {
  const sheet = readAvailsSheet(grid, options.source);
  if (sheet.rows.length > options.maxRows)
    throw new FramewiseError('INVALID_INPUT', `${options.source}: more than ${options.maxRows} avails`, {
      details: { source: options.source, maxRows: options.maxRows },
    });
  const avails: Avail[] = [];
  const issues: AvailsIssue[] = [];
  for (const row of sheet.rows) {
    const result = readAvail(row);
    if (result.avail) avails.push(result.avail);
    issues.push(...result.issues);
  }
  return { columns: sheet.columns, avails, issues };
}

/**
 * Reads an Avails sheet from CSV text (RFC 4180; a header row of keys, optionally the templates'
 * group row above it and note row below it). Cells written neutralised against formula injection
 * (a leading `'` before `=`, `+`, `-`, `@`) are read back as written.
 *
 * @throws FramewiseError `INVALID_INPUT` naming the source for input that is not an Avails sheet
 *   (malformed CSV, no header row, too many rows); bad cells are returned as issues instead.
 */
export function readAvailsCsv(text: string, options?: AvailsReadOptions): AvailsReadResult {
  const parsed = parseOptions(options);
  if (typeof text !== 'string')
    throw new FramewiseError('INVALID_INPUT', `${parsed.source}: CSV input must be a string`);
  const records = parseCsv(text, parsed.source, {
    ...DEFAULT_CSV_LIMITS,
    maxRecords: Math.min(parsed.maxRows + 20, 10_000_020),
  });
  for (const record of records)
    for (let i = 0; i < record.length; i++)
      if ((record[i] as string).charCodeAt(0) === 0x27) record[i] = unneutraliseCell(record[i] as string);
  return readGrid(records, parsed);
}

/**
 * Reads an Avails sheet from an XLSX workbook (the EMA v1.9 templates as they are: group row, key
 * row, note row, then avails). Needs the optional peer `read-excel-file`.
 *
 * @throws FramewiseError `INVALID_INPUT` naming the source for a file that is not a workbook, a
 *   ZIP bomb, a missing sheet or header; `INVALID_CONFIG` without `read-excel-file`.
 */
export async function readAvailsXlsx(
  input: Uint8Array | ArrayBuffer,
  options?: AvailsReadOptions,
): Promise<AvailsReadResult> {
  const parsed = parseOptions(options);
  if (!(input instanceof Uint8Array) && !(input instanceof ArrayBuffer))
    throw new FramewiseError('INVALID_INPUT', `${parsed.source}: XLSX input must be bytes (Uint8Array or ArrayBuffer)`);
  const sheets = await readXlsxSheets(input, parsed.source, DEFAULT_XLSX_LIMITS);
  if (parsed.sheet !== undefined) {
    const sheet = sheets.find((s) => s.name === parsed.sheet);
    if (!sheet)
      throw new FramewiseError('INVALID_INPUT', `${parsed.source}: no sheet named ${JSON.stringify(parsed.sheet)}`, {
        details: { source: parsed.source, sheets: sheets.map((s) => s.name) },
      });
    return readGrid(sheet.rows, { ...parsed, source: `${parsed.source} [${sheet.name}]` });
  }
  let first: unknown;
  for (const sheet of sheets) {
    try {
      return readGrid(sheet.rows, { ...parsed, source: `${parsed.source} [${sheet.name}]` });
    } catch (error) {
      if (!/no Avails header row/.test((error as Error).message)) throw error;
      first ??= error;
    }
  }
  throw first ?? new FramewiseError('INVALID_INPUT', `${parsed.source}: the workbook has no sheet`);
}
