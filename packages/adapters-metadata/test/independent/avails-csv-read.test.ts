/** Independent QA: CSV reading of EMA Avails (hostile and odd input). */
import { isFramewiseError } from '@framewise/core/errors';
import { describe, expect, it } from 'vitest';
import { availsToRights, readAvailsCsv } from '../../src/avails/index.js';

const H =
  'DisplayName,Licensee,WorkType,ContentID,Territory,TerritoryExclusion,LicenseType,FormatProfile,Start,End,StartLag,EndLag,Exclusive,AllowedLanguages,HoldbackLanguage,ContractID,AvailID,TitleInternalAlias';
const ROW = (o: Partial<Record<string, string>> = {}): string => {
  const d: Record<string, string> = {
    DisplayName: 'Studio',
    Licensee: 'Plat',
    WorkType: 'Movie',
    ContentID: 'm1',
    Territory: 'GB',
    TerritoryExclusion: '',
    LicenseType: 'SVOD',
    FormatProfile: 'HD',
    Start: '2024-01-01',
    End: '2025-01-01',
    StartLag: '',
    EndLag: '',
    Exclusive: 'No',
    AllowedLanguages: '',
    HoldbackLanguage: '',
    ContractID: 'C1',
    AvailID: 'a1',
    TitleInternalAlias: 'Foo',
    ...o,
  } as Record<string, string>;
  return H.split(',')
    .map((k) => d[k] ?? '')
    .join(',');
};
const csv = (...rows: string[]): string => [H, ...rows].join('\r\n');

function expectTypedInput(fn: () => unknown, source: string): void {
  try {
    fn();
  } catch (error) {
    expect(isFramewiseError(error)).toBe(true);
    expect((error as { code: string }).code).toBe('INVALID_INPUT');
    expect((error as Error).message).toContain(source);
    return;
  }
  throw new Error('expected a FramewiseError');
}

describe('independent: malformed CSV', () => {
  it('unbalanced quote is a typed error naming the source', () => {
    expectTypedInput(() => readAvailsCsv(csv(ROW({ TitleInternalAlias: '"Foo' })), { source: 'bad.csv' }), 'bad.csv');
  });
  it('quote in the middle of an unquoted field is a typed error', () => {
    expectTypedInput(() => readAvailsCsv(csv(ROW({ TitleInternalAlias: 'Fo"o' })), { source: 'q.csv' }), 'q.csv');
  });
  it('mixed CRLF / CR / LF line ends: all rows read, row numbers are record numbers', () => {
    const text = `${H}\r\n${ROW({ AvailID: 'a' })}\n${ROW({ AvailID: 'b' })}\r${ROW({ AvailID: 'c', Territory: 'USA' })}\r\n`;
    const r = readAvailsCsv(text);
    expect(r.avails.map((a) => a.availId)).toEqual(['a', 'b']);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ row: 4, column: 'Territory' });
  });
  it('a BOM before the header is ignored', () => {
    const r = readAvailsCsv(`\uFEFF${csv(ROW())}`);
    expect(r.columns[0]).toBe('DisplayName');
    expect(r.avails).toHaveLength(1);
  });
  it('quoted field with embedded newline keeps later row numbers right', () => {
    const r = readAvailsCsv(csv(ROW({ TitleInternalAlias: '"Foo\nBar"' }), ROW({ Territory: 'XXX' })));
    expect(r.avails).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ row: 3, column: 'Territory' });
  });
  it('embedded NUL in Territory is an issue, not a crash', () => {
    const r = readAvailsCsv(csv(ROW({ Territory: 'G\u0000B' })));
    expect(r.avails).toHaveLength(0);
    expect(r.issues[0]).toMatchObject({ row: 2, column: 'Territory' });
  });
  it('embedded NUL in a title is not silently accepted into the model', () => {
    const r = readAvailsCsv(csv(ROW({ TitleInternalAlias: 'Fo\u0000o' })));
    // Either an issue on the column, or the NUL removed: never a NUL in a title name.
    const title = r.avails[0]?.title;
    if (title !== undefined) expect(title.includes('\u0000')).toBe(false);
    else expect(r.issues.some((i) => i.column === 'TitleInternalAlias')).toBe(true);
  });
  it('a huge field (1 MB) is a typed error', () => {
    expectTypedInput(
      () => readAvailsCsv(csv(ROW({ TitleInternalAlias: 'x'.repeat(1_000_000) })), { source: 'huge.csv' }),
      'huge.csv',
    );
  });
  // A quadratic reader would run for hours here; the test's timeout is the guard.
  it('a huge quoted field with many doubled quotes does not go quadratic', () => {
    const field = `"${'""'.repeat(500_000)}"`;
    expectTypedInput(() => readAvailsCsv(csv(ROW({ TitleInternalAlias: field })), { source: 'qq.csv' }), 'qq.csv');
  }, 30_000);
  it('a 600-character title is an issue on its column', () => {
    const r = readAvailsCsv(csv(ROW({ TitleInternalAlias: 'x'.repeat(600) })));
    expect(r.issues[0]).toMatchObject({ row: 2, column: 'TitleInternalAlias' });
  });
  it('1M empty rows: no crash, no hang; the one avail is read or a typed error', () => {
    const text = `${csv(ROW())}${'\r\n'.repeat(1_000_000)}`;
    let result: ReturnType<typeof readAvailsCsv> | undefined;
    try {
      result = readAvailsCsv(text, { source: 'empty.csv' });
    } catch (error) {
      expect(isFramewiseError(error)).toBe(true);
    }
    if (result) expect(result.avails).toHaveLength(1);
  }, 30_000);
  it('1M empty rows after one avail: blank rows are skipped (docs), not counted as avails', () => {
    const text = `${csv(ROW())}${'\r\n'.repeat(1_000_000)}`;
    const r = readAvailsCsv(text, { source: 'empty.csv' });
    expect(r.avails).toHaveLength(1);
  });
  it('300k rows of only commas (Excel export of an empty range) after one avail', () => {
    const blank = ','.repeat(17);
    const text = `${csv(ROW())}\r\n${Array(300_000).fill(blank).join('\r\n')}`;
    const r = readAvailsCsv(text, { source: 'commas.csv' });
    expect(r.avails).toHaveLength(1);
  });
});

describe('independent: headers', () => {
  it('duplicate header (case-insensitive) is a typed error', () => {
    expectTypedInput(() => readAvailsCsv(`${H},territory\r\n${ROW()},FR`, { source: 'dup.csv' }), 'dup.csv');
  });
  it('no header row is a typed error', () => {
    expectTypedInput(() => readAvailsCsv('a,b,c\r\n1,2,3', { source: 'nohdr.csv' }), 'nohdr.csv');
  });
  it('empty input is a typed error', () => {
    expectTypedInput(() => readAvailsCsv('', { source: 'empty.csv' }), 'empty.csv');
  });
  it('missing mandatory column Start: every row gets an issue naming Start', () => {
    const h = H.replace(',Start,', ',');
    const row = ROW().split(',');
    row.splice(H.split(',').indexOf('Start'), 1);
    const r = readAvailsCsv(`${h}\r\n${row.join(',')}\r\n${row.join(',')}`);
    expect(r.avails).toHaveLength(0);
    expect(r.issues.filter((i) => i.column === 'Start').map((i) => i.row)).toEqual([2, 3]);
  });
  it('missing DisplayName column: issue per row', () => {
    const h = H.replace('DisplayName,', '');
    const row = ROW().split(',').slice(1).join(',');
    const r = readAvailsCsv(`${h}\r\n${row}`);
    expect(r.issues).toContainEqual(expect.objectContaining({ row: 2, column: 'DisplayName' }));
  });
  it('non-string input is a typed error', () => {
    expectTypedInput(() => readAvailsCsv(42 as unknown as string, { source: 'n.csv' }), 'n.csv');
  });
  it('unknown option is INVALID_CONFIG', () => {
    try {
      readAvailsCsv(csv(ROW()), { bogus: 1 } as never);
      throw new Error('no throw');
    } catch (e) {
      expect((e as { code: string }).code).toBe('INVALID_CONFIG');
    }
  });
});

describe('independent: dates', () => {
  const issueOf = (o: Partial<Record<string, string>>, col: string) => {
    const r = readAvailsCsv(csv(ROW(o)));
    return { r, issue: r.issues.find((i) => i.column === col) };
  };
  it.each([
    '2024-02-30',
    '2023-02-29',
    '2024-13-01',
    '45292',
    '01/02/2024',
    '2024-1-1',
    '2024-01-01T24:00:00Z',
    '2024-01-01T10:00:00+25:00',
    'tomorrow',
  ])('Start %s is an issue naming row 2, Start', (value) => {
    const { r, issue } = issueOf({ Start: value }, 'Start');
    expect(issue).toMatchObject({ row: 2, column: 'Start' });
    expect(r.avails).toHaveLength(0);
  });
  it('2024-02-29 (leap day) is accepted', () => {
    expect(issueOf({ Start: '2024-02-29' }, 'Start').issue).toBeUndefined();
  });
  it('instant with offset is accepted', () => {
    const { r } = issueOf({ Start: '2024-01-01T10:00:00-05:00' }, 'Start');
    expect(r.avails[0]?.start).toEqual({ instant: '2024-01-01T10:00:00-05:00' });
  });
  it('End instant before Start instant is an issue', () => {
    const { r } = issueOf({ Start: '2024-06-01T00:00:00Z', End: '2024-01-01T00:00:00Z' }, 'End');
    expect(r.issues.some((i) => i.column === 'End')).toBe(true);
  });
  it('End date before Start instant (mixed) is an issue', () => {
    const { r } = issueOf({ Start: '2024-06-01T00:00:00Z', End: '2024-01-01' }, 'End');
    expect(r.issues.some((i) => i.column === 'End')).toBe(true);
  });
  // EMA's End is the last day available (MovieLabs' converter writes End D as DT23:59:59): a one-day
  // avail has End = Start; an End before the Start is the issue.
  it('End equal to Start is one day; End before Start is an issue', () => {
    expect(issueOf({ Start: '2024-06-01', End: '2024-06-01' }, 'End').issue).toBeUndefined();
    expect(issueOf({ Start: '2024-06-01', End: '2024-05-31' }, 'End').issue).toBeDefined();
  });
});

describe('independent: lags', () => {
  const read = (o: Partial<Record<string, string>>) => readAvailsCsv(csv(ROW(o)));
  it('lag after a condition is accepted and mapped', () => {
    const r = read({ Start: 'ESTStart', StartLag: 'P30D' });
    expect(r.issues).toEqual([]);
    const rr = availsToRights(r.avails);
    expect(rr.issues).toEqual([]);
    expect(rr.deals[0]?.grants?.[0]?.window).toMatchObject({ start: { event: 'm1:eststart', lag: 'P30D' } });
  });
  it.each(['30 days', 'P', 'PT', '30D', 'P30', 'p30d x'])('lag %s is an issue on StartLag', (lag) => {
    const r = read({ Start: 'ESTStart', StartLag: lag });
    expect(r.issues).toContainEqual(expect.objectContaining({ row: 2, column: 'StartLag' }));
  });
  it('lag with a date Start is an issue', () => {
    expect(read({ StartLag: 'P30D' }).issues).toContainEqual(expect.objectContaining({ column: 'StartLag' }));
  });
  it('negative lag is not silently accepted as a window bound', () => {
    const r = read({ Start: 'ESTStart', StartLag: '-P30D' });
    const rr = availsToRights(r.avails);
    expect([...r.issues, ...rr.issues].some((i) => i.column === 'StartLag')).toBe(true);
  });
  it('PT12H is an issue (in read or mapping), never a thrown error', () => {
    const r = read({ Start: 'ESTStart', StartLag: 'PT12H' });
    const rr = availsToRights(r.avails);
    expect([...r.issues, ...rr.issues].some((i) => i.column === 'StartLag')).toBe(true);
  });
});

describe('independent: territory and language cells', () => {
  const map = (o: Partial<Record<string, string>>) => {
    const r = readAvailsCsv(csv(ROW(o)));
    return { r, rr: availsToRights(r.avails) };
  };
  it.each(['UK', 'EU', 'USA', 'ZZ', 'AN', 'U$'])('territory %s is an issue naming row and Territory', (t) => {
    const { r, rr } = map({ Territory: t });
    expect([...r.issues, ...rr.issues]).toContainEqual(expect.objectContaining({ row: 2, column: 'Territory' }));
    expect(rr.deals).toHaveLength(0);
  });
  it('TerritoryExclusion UK under WORLDWIDE is an issue (not silently ignored)', () => {
    const { r, rr } = map({ Territory: 'WORLDWIDE', TerritoryExclusion: 'UK' });
    expect([...r.issues, ...rr.issues].length).toBeGreaterThan(0);
  });
  it.each(['english', 'en_US', 'e', '12', 'en--US'])('AllowedLanguages %s is an issue', (l) => {
    const { r } = map({ AllowedLanguages: l });
    expect(r.issues).toContainEqual(expect.objectContaining({ row: 2, column: 'AllowedLanguages' }));
  });
  it.each(['en', 'en-US', 'zh-Hant-TW', 'es-419'])('AllowedLanguages %s is accepted', (l) => {
    const { r } = map({ AllowedLanguages: l });
    expect(r.issues).toEqual([]);
  });
  it('Exclusive "maybe" is an issue', () => {
    expect(map({ Exclusive: 'maybe' }).r.issues).toContainEqual(expect.objectContaining({ column: 'Exclusive' }));
  });
  it('LicenseType Library is an issue from the mapping, POEST maps to poest', () => {
    expect(map({ LicenseType: 'Library' }).rr.issues).toContainEqual(
      expect.objectContaining({ column: 'LicenseType' }),
    );
    expect(map({ LicenseType: 'POEST' }).rr.deals[0]?.grants?.[0]?.media).toEqual(['poest']);
  });
});

describe('independent: ids', () => {
  it('two different ContractIDs never merge into one deal', () => {
    const r = readAvailsCsv(
      csv(ROW({ ContractID: 'C 1', AvailID: 'a' }), ROW({ ContractID: 'C-1', AvailID: 'b', Licensee: 'Other' })),
    );
    const rr = availsToRights(r.avails);
    expect(rr.deals).toHaveLength(2);
  });
  it('the same AvailID on two rows gives two distinct grant ids', () => {
    const r = readAvailsCsv(csv(ROW({ AvailID: 'x' }), ROW({ AvailID: 'x', Territory: 'FR' })));
    const rr = availsToRights(r.avails);
    const ids = rr.deals.flatMap((d) => (d.grants ?? []).map((g) => g.id));
    expect(new Set(ids).size).toBe(2);
  });
});
