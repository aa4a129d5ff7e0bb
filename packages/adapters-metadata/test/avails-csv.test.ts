/**
 * The RFC 4180 reader against a naive oracle written from the RFC, the writer's round trip, and
 * formula-injection neutralising.
 */
import { isFramewiseError } from '@framewise/core/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { neutraliseCell, parseCsv, unneutraliseCell, writeCsv } from '../src/avails/csv.js';

/** A character-at-a-time state machine straight from RFC 4180 (plus LF and CR line ends). */
function naiveCsv(text: string): string[][] | 'error' {
  const s = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (s === '') return [];
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let state: 'start' | 'plain' | 'quoted' | 'quote' = 'start';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (state === 'quoted') {
      if (c === '"') state = 'quote';
      else field += c;
      continue;
    }
    if (state === 'quote' && c === '"') {
      field += '"';
      state = 'quoted';
      continue;
    }
    if (c === ',') {
      record.push(field);
      field = '';
      state = 'start';
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      state = 'start';
    } else if (c === '"') {
      if (state !== 'start') return 'error';
      state = 'quoted';
    } else {
      if (state === 'quote') return 'error';
      field += c;
      state = 'plain';
    }
  }
  if (state === 'quoted') return 'error';
  const last = s[s.length - 1];
  if (last !== '\n' && last !== '\r') {
    record.push(field);
    records.push(record);
  }
  return records;
}

const ours = (text: string): string[][] | 'error' => {
  try {
    return parseCsv(text);
  } catch (error) {
    if (isFramewiseError(error, 'INVALID_INPUT')) return 'error';
    throw error;
  }
};

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    expect(parseCsv('a,"b,c","say ""hi""","x\r\ny"\r\n1,,3\n')).toEqual([
      ['a', 'b,c', 'say "hi"', 'x\r\ny'],
      ['1', '', '3'],
    ]);
  });

  it('drops a byte order mark and keeps a trailing empty field', () => {
    expect(parseCsv('\uFEFFa,b,\r\n')).toEqual([['a', 'b', '']]);
    expect(parseCsv('a,')).toEqual([['a', '']]);
  });

  it('refuses malformed quoting with the line number', () => {
    expect(() => parseCsv('a,b\nc,d"e', 'sheet.csv')).toThrow(/sheet\.csv: line 2: a quote inside an unquoted field/);
    expect(() => parseCsv('a\n"b"c', 'sheet.csv')).toThrow(/line 2: text after the closing quote/);
    expect(() => parseCsv('a\n\n"open', 'sheet.csv')).toThrow(/line 3: a quoted field is not closed/);
  });

  it('enforces its limits', () => {
    const limits = { maxRecords: 2, maxFields: 3, maxFieldLength: 5 };
    expect(() => parseCsv('a\nb\nc', 's', limits)).toThrow(/more than 2 records/);
    expect(() => parseCsv('a,b,c,d', 's', limits)).toThrow(/more than 3 fields/);
    expect(() => parseCsv('abcdef', 's', limits)).toThrow(/longer than 5/);
    expect(() => parseCsv('"ab""cdef"', 's', limits)).toThrow(/longer than 5/);
  });

  it('agrees with a naive RFC 4180 state machine on random text', () => {
    const alphabet = fc.constantFrom('a', 'b', ',', '"', '\r', '\n', ' ', 'é');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 60 }), (chars) => {
        const text = chars.join('');
        expect(ours(text)).toEqual(naiveCsv(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads back what writeCsv wrote, for any grid of strings', () => {
    const cell = fc.string({
      unit: fc.constantFrom('a', ',', '"', '\r', '\n', '=', '+', '-', '@', "'", '\t', '|', '%', ' '),
    });
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 6 }), (grid) => {
        // A record that is one empty field is written as an empty line, which reads back as [''].
        const back = parseCsv(writeCsv(grid)).map((record) => record.map(unneutraliseCell));
        expect(back).toEqual(grid);
      }),
      { numRuns: 1000 },
    );
  });

  // A quadratic parser takes minutes here; the test's own timeout is the guard (no timing assertion).
  it('parses 200,000 quoted fields on one line', () => {
    const text = Array.from({ length: 200_000 }, () => '"x"').join(',');
    expect(parseCsv(text, 's', { maxRecords: 10, maxFields: 300_000, maxFieldLength: 10 })[0]).toHaveLength(200_000);
  }, 60_000);
});

describe('formula injection', () => {
  it('neutralises every formula lead, and only those', () => {
    for (const v of ['=HYPERLINK("http://x","y")', '+1', '-2', '@SUM(A1)', '\tx', '\rx', '|cmd', '%x', "'=1"])
      expect(neutraliseCell(v)).toBe(`'${v}`);
    for (const v of ['US', 'Night Signal', "O'Brien", '2027-01-01', '']) expect(neutraliseCell(v)).toBe(v);
  });

  it('writes no cell a spreadsheet would run', () => {
    const csv = writeCsv([['=HYPERLINK("http://evil","x")', '+cmd|/C calc!A0', '-1+1', '@x']]);
    for (const cell of parseCsv(csv)[0] ?? []) expect(cell).toMatch(/^'/);
  });

  it('undoes itself exactly, for any string', () => {
    fc.assert(
      fc.property(fc.string(), (v) => {
        expect(unneutraliseCell(neutraliseCell(v))).toBe(v);
      }),
    );
  });
});
