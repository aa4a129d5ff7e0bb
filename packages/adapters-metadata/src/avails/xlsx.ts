/**
 * XLSX in and out through `read-excel-file` and `write-excel-file` (optional peers, loaded on first
 * use). Before the reader inflates anything, the ZIP's central directory is checked: the bytes it
 * declares once inflated must stay under a bound, so a ZIP bomb is refused instead of filling
 * memory.
 */
import { FramewiseError, messageOf } from '@framewise/core/errors';
import { loadReadExcel, loadWriteExcel } from '../peers.js';
import type { AvailsCell } from './sheet.js';

/** Bounds on an XLSX input. */
export interface XlsxLimits {
  /** Most bytes of the file itself. */
  readonly maxBytes: number;
  /** Most bytes its entries may declare once inflated, all together. */
  readonly maxInflatedBytes: number;
  /** Most entries in the ZIP. */
  readonly maxEntries: number;
}

/** Default XLSX bounds: 64 MiB in, 512 MiB inflated, 10,000 entries. */
export const DEFAULT_XLSX_LIMITS: XlsxLimits = {
  maxBytes: 64 * 1024 * 1024,
  maxInflatedBytes: 512 * 1024 * 1024,
  maxEntries: 10_000,
};

const invalid = (source: string, message: string, cause?: unknown): FramewiseError =>
  new FramewiseError('INVALID_INPUT', `${source}: ${message}`, { details: { source }, cause });

/**
 * Checks the ZIP container of an XLSX without inflating it: the end-of-central-directory record,
 * then every central directory entry's declared size.
 *
 * @throws FramewiseError `INVALID_INPUT` naming `source`: not a ZIP, ZIP64, or over a limit.
 */
export function checkXlsxContainer(bytes: Uint8Array, source: string, limits: XlsxLimits = DEFAULT_XLSX_LIMITS): void {
  if (bytes.length > limits.maxBytes) throw invalid(source, `is larger than ${limits.maxBytes} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 22 || view.getUint32(0, true) !== 0x04034b50)
    throw invalid(source, 'is not an XLSX file (no ZIP header)');
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw invalid(source, 'is not an XLSX file (no ZIP central directory)');
  const entries = view.getUint16(eocd + 10, true);
  const dirSize = view.getUint32(eocd + 12, true);
  const dirOffset = view.getUint32(eocd + 16, true);
  if (entries === 0xffff || dirOffset === 0xffffffff) throw invalid(source, 'ZIP64 archives are not accepted');
  if (entries > limits.maxEntries) throw invalid(source, `has more than ${limits.maxEntries} ZIP entries`);
  if (dirOffset + dirSize > eocd) throw invalid(source, 'has a damaged ZIP central directory');
  let at = dirOffset;
  let inflated = 0;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > eocd || view.getUint32(at, true) !== 0x02014b50)
      throw invalid(source, 'has a damaged ZIP central directory');
    inflated += view.getUint32(at + 24, true);
    if (inflated > limits.maxInflatedBytes)
      throw invalid(source, `declares more than ${limits.maxInflatedBytes} bytes once inflated`);
    at += 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
}

/** One sheet of a workbook: its name and its rows of cells. */
export interface XlsxSheet {
  readonly name: string;
  readonly rows: AvailsCell[][];
}

/**
 * Reads every sheet of an XLSX workbook as rows of cells (strings, numbers, booleans, dates).
 *
 * @throws FramewiseError `INVALID_INPUT` naming `source` when the file is not a readable workbook;
 *   `INVALID_CONFIG` when `read-excel-file` is not installed.
 */
export async function readXlsxSheets(
  input: Uint8Array | ArrayBuffer,
  source: string,
  limits: XlsxLimits = DEFAULT_XLSX_LIMITS,
): Promise<XlsxSheet[]> {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  checkXlsxContainer(bytes, source, limits);
  const { default: readXlsxFile } = await loadReadExcel();
  const copy = bytes.slice().buffer;
  let sheets: Awaited<ReturnType<typeof readXlsxFile>>;
  try {
    sheets = await readXlsxFile(copy);
  } catch (error) {
    throw invalid(source, `is not a readable XLSX workbook: ${messageOf(error)}`, error);
  }
  return sheets.map((sheet) => ({
    name: sheet.sheet,
    rows: sheet.data.map((row) => row.map((cell) => cell as AvailsCell)),
  }));
}

/** A cell to write: text, a number, a boolean, or empty. */
export type XlsxCell = string | number | boolean | null;

/**
 * Writes one sheet as an XLSX workbook. Strings are written as text cells (never formulas), so a
 * value such as `=HYPERLINK(...)` stays text in a spreadsheet.
 *
 * @throws FramewiseError `INVALID_CONFIG` when `write-excel-file` is not installed.
 */
export async function writeXlsxSheet(name: string, rows: readonly (readonly XlsxCell[])[]): Promise<Uint8Array> {
  const { default: writeXlsxFile } = await loadWriteExcel();
  const data = rows.map((row) =>
    row.map((cell) => (cell === null ? null : typeof cell === 'string' ? { value: cell, type: String } : cell)),
  );
  const blob = await writeXlsxFile(data, { sheet: name }).toBlob();
  return new Uint8Array(await blob.arrayBuffer());
}
