/**
 * CSV as RFC 4180 writes it: fields separated by commas, records by CRLF (LF and a lone CR are
 * accepted too), a field with a comma, a quote or a line break enclosed in double quotes, a quote
 * inside one doubled. One pass over the text, linear in its length; bounded by the limits given.
 */
import { FramewiseError } from '@framewise/core/errors';

/** Bounds on what a CSV reader accepts; beyond them the whole input is refused. */
export interface CsvLimits {
  /** Most records (lines), header rows included. */
  readonly maxRecords: number;
  /** Most fields in one record. */
  readonly maxFields: number;
  /** Most characters in one field. */
  readonly maxFieldLength: number;
  /**
   * Most blank records (every field empty: a blank line, or only commas), which do not count
   * toward `maxRecords`; default 5,000,000. Bounds the work on input that is mostly blank.
   */
  readonly maxBlankRecords?: number;
}

/** The default CSV limits: room for an Avails sheet of 200,000 rows. */
export const DEFAULT_CSV_LIMITS: CsvLimits = { maxRecords: 200_005, maxFields: 1000, maxFieldLength: 32_767 };

function refuse(source: string, line: number, message: string): FramewiseError {
  return new FramewiseError('INVALID_INPUT', `${source}: line ${line}: ${message}`, { details: { source, line } });
}

/**
 * Parses CSV text into records of fields (strings). A leading byte order mark is dropped; a
 * trailing line break does not make an empty record; a blank record (a blank line, or only
 * commas) is kept (a blank line as `['']`) so that record numbers stay line numbers of the sheet,
 * and counts toward `maxBlankRecords` instead of `maxRecords`.
 *
 * @throws FramewiseError `INVALID_INPUT` naming `source` and the line: a quote inside an unquoted
 *   field, text after a closing quote, an unterminated quoted field, a limit exceeded.
 */
export function parseCsv(text: string, source = 'csv', limits: CsvLimits = DEFAULT_CSV_LIMITS): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  const pushField = (value: string): void => {
    if (value.length > limits.maxFieldLength)
      throw refuse(source, line, `a field is longer than ${limits.maxFieldLength} characters`);
    if (record.length >= limits.maxFields) throw refuse(source, line, `more than ${limits.maxFields} fields`);
    record.push(value);
  };
  let blanks = 0;
  let filled = 0;
  const maxBlanks = limits.maxBlankRecords ?? 5_000_000;
  const endRecord = (): void => {
    if (record.every((field) => field === '')) {
      // Kept so record numbers stay line numbers, but not counted toward maxRecords.
      if (++blanks > maxBlanks) throw refuse(source, line, `more than ${maxBlanks} blank records`);
      records.push(record);
    } else {
      if (filled >= limits.maxRecords) throw refuse(source, line, `more than ${limits.maxRecords} records`);
      filled++;
      records.push(record);
    }
    record = [];
  };
  if (i >= n) return records;
  for (;;) {
    // At the start of a field.
    if (text.charCodeAt(i) === 0x22) {
      const startLine = line;
      let value = '';
      let from = i + 1;
      let j = from;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) throw refuse(source, startLine, 'a quoted field is not closed');
        for (let k = j; k < q; k++) if (text.charCodeAt(k) === 0x0a) line++;
        if (text.charCodeAt(q + 1) === 0x22) {
          value += text.slice(from, q + 1);
          from = q + 2;
          j = from;
          if (value.length > limits.maxFieldLength)
            throw refuse(source, startLine, `a field is longer than ${limits.maxFieldLength} characters`);
          continue;
        }
        value += text.slice(from, q);
        i = q + 1;
        break;
      }
      pushField(value);
      const c = text.charCodeAt(i);
      if (i >= n) {
        endRecord();
        return records;
      }
      if (c === 0x2c) {
        i++;
        continue;
      }
      if (c === 0x0d || c === 0x0a) {
        i += c === 0x0d && text.charCodeAt(i + 1) === 0x0a ? 2 : 1;
        endRecord();
        line++;
        if (i >= n) return records;
        continue;
      }
      throw refuse(source, line, 'text after the closing quote of a field');
    }
    // An unquoted field: up to the next comma or line break.
    let j = i;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 0x2c || c === 0x0a || c === 0x0d) break;
      if (c === 0x22) throw refuse(source, line, 'a quote inside an unquoted field');
      j++;
    }
    pushField(text.slice(i, j));
    if (j >= n) {
      endRecord();
      return records;
    }
    const c = text.charCodeAt(j);
    if (c === 0x2c) {
      i = j + 1;
      if (i >= n) {
        pushField('');
        endRecord();
        return records;
      }
      continue;
    }
    i = j + (c === 0x0d && text.charCodeAt(j + 1) === 0x0a ? 2 : 1);
    endRecord();
    line++;
    if (i >= n) return records;
  }
}

/**
 * A value a spreadsheet would run as a formula (or a DDE call): one starting with `=`, `+`, `-`,
 * `@`, a tab, a carriage return, `|` or `%`, after any leading whitespace (spaces, line breaks,
 * no-break spaces: some spreadsheets skip them) — or such a value already behind `'` marks, so that
 * neutralising stays reversible.
 */
const FORMULA_LIKE = /^'*\s*[=+\-@\t\r|%]/;

/**
 * Neutralises a cell against formula injection (CSV injection) the way OWASP advises: a value a
 * spreadsheet would read as a formula gets a leading `'`, so it is shown as text instead of run.
 * {@link unneutraliseCell} undoes it exactly: `unneutraliseCell(neutraliseCell(v)) === v` for
 * every string.
 */
export function neutraliseCell(value: string): string {
  return FORMULA_LIKE.test(value) ? `'${value}` : value;
}

/** Undoes {@link neutraliseCell}: drops the `'` in front of a value that would be a formula. */
export function unneutraliseCell(value: string): string {
  return value.charCodeAt(0) === 0x27 && FORMULA_LIKE.test(value.slice(1)) ? value.slice(1) : value;
}

/** Quotes one field per RFC 4180 when it holds a comma, a quote or a line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Writes records as CSV (CRLF line ends, RFC 4180 quoting), every cell neutralised against
 * formula injection with {@link neutraliseCell}.
 */
export function writeCsv(records: readonly (readonly string[])[]): string {
  let out = '';
  for (const record of records) out += `${record.map((cell) => csvField(neutraliseCell(cell))).join(',')}\r\n`;
  return out;
}
