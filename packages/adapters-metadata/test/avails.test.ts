/**
 * Avails sheets: the official v1.9 sample workbooks read as they are, per-row issues naming row
 * and column, the round trip through CSV and XLSX, and hostile input (a typed error, never a crash
 * or a hang).
 */
import { readFileSync } from 'node:fs';
import { isFramewiseError } from '@framewise/core/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AVAILS_MOVIE_COLUMNS,
  type Avail,
  readAvailsCsv,
  readAvailsXlsx,
  writeAvailsCsv,
  writeAvailsXlsx,
} from '../src/avails/index.js';
import { checkXlsxContainer } from '../src/avails/xlsx.js';
import { arbitraryAvail } from './avails-arbitraries.js';

const fixture = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(new URL(`./fixtures/avails/${name}`, import.meta.url)));

const HEADER =
  'DisplayName,WorkType,Territory,LicenseType,FormatProfile,Start,StartLag,End,Exclusive,AllowedLanguages,ALID';

async function expectInvalid(run: () => unknown, pattern: RegExp): Promise<void> {
  let error: unknown;
  try {
    await run();
  } catch (e) {
    error = e;
  }
  expect(isFramewiseError(error, 'INVALID_INPUT'), String(error)).toBe(true);
  expect((error as Error).message).toMatch(pattern);
}

describe('the MovieLabs v1.9 sample workbooks', () => {
  it('reads the Movies template: every avail, no issue', async () => {
    const { avails, issues, columns } = await readAvailsXlsx(fixture('Movies_v1.9.xlsx'), {
      source: 'Movies_v1.9.xlsx',
    });
    expect(issues).toEqual([]);
    expect(columns).toEqual(AVAILS_MOVIE_COLUMNS.map((c) => c.key));
    expect(avails).toHaveLength(26);
    expect(avails[0]).toMatchObject({
      row: 4,
      licensor: 'Rockstar Films',
      workType: 'Movie',
      territories: ['US'],
      licenseType: 'EST',
      formatProfile: 'HD',
      start: { date: '2013-06-14' },
      end: { condition: 'Open' },
      exclusive: true,
      alid: 'md:alid:eidr-s:1489-49A2-3956-4B2D-ZZ45-6',
      titleId: '10.5240/1489-49A2-3956-4B2D-BEFK-6',
      availId: '34530345-ABD-AA-1',
    });
    const preorder = avails.find((a) => a.licenseType === 'POEST');
    expect(preorder).toMatchObject({ territories: ['CA'], end: { condition: 'ESTStart' } });
  });

  it('reads the TV template: seasons and episodes with their ids', async () => {
    const { avails, issues } = await readAvailsXlsx(fixture('TV_v1.9.xlsx'));
    expect(issues).toEqual([]);
    expect(avails).toHaveLength(38);
    const episode = avails.find((a) => a.workType === 'Episode');
    expect(episode).toMatchObject({
      seasonContentId: 'md:cid:eidr-s:AAAA-AAAA-AAAA-AAAA-1111-A',
      episodeNumber: '101',
      titleId: '10.5240/AAAA-AAAA-BBBB-1111-1111-B',
    });
  });
});

describe('per-row issues', () => {
  const csv = [
    HEADER,
    'Studio,Movie,US,EST,HD,2027-01-01,,Open,Yes,"en,fr",alid-1',
    'Studio,Movie,USA,EST,HD,2027-01-01,,Open,Yes,,alid-2',
    'Studio,Movie,CA,AVOD,HD,2027-01-01,,Open,Yes,,alid-3',
    'Studio,Movie,CA,SVOD,8K,2027-02-30,P3Q,2026-01-01,maybe,"en,??",alid-4',
    ',Movie,CA,SVOD,HD,TBD,P18M,Open,No,,alid-5',
    'Studio,Movie,CA,SVOD,HD,2027-01-01,P1Y,Open,No,,alid-6',
    'Studio,Movie,CA,SVOD,HD,2027-03-01,,2027-02-01,No,,alid-7',
  ].join('\r\n');

  it('names the row and the column of every bad cell, and keeps reading', () => {
    const { avails, issues } = readAvailsCsv(csv, { source: 'avails.csv' });
    expect(avails.map((a) => a.alid)).toEqual(['alid-1']);
    const by = (row: number) => issues.filter((i) => i.row === row).map((i) => i.column);
    expect(by(3)).toEqual(['Territory']);
    expect(issues.find((i) => i.row === 3)).toMatchObject({ value: 'USA', message: expect.stringMatching(/ISO 3166/) });
    expect(by(4)).toEqual(['LicenseType']);
    expect(by(5).sort()).toEqual(['AllowedLanguages', 'Exclusive', 'FormatProfile', 'Start', 'StartLag']);
    expect(by(6)).toEqual(['DisplayName']);
    expect(by(7)).toEqual(['StartLag']);
    expect(by(8)).toEqual(['End']);
  });

  it('reads TBD starts with an ISO 8601 lag, and languages as lists', () => {
    const { avails, issues } = readAvailsCsv(
      `${HEADER}\r\nStudio,Movie,"US, CA",POEST,UHD,TBD,P18M,ESTStart,No,"en, fr-CA",a1\r\n`,
    );
    expect(issues).toEqual([]);
    expect(avails[0]).toMatchObject({
      territories: ['US', 'CA'],
      licenseType: 'POEST',
      start: { condition: 'TBD' },
      startLag: 'P18M',
      end: { condition: 'ESTStart' },
      exclusive: false,
      allowedLanguages: ['en', 'fr-CA'],
    });
  });

  it('refuses a sheet without a header row as a whole', async () => {
    await expectInvalid(() => readAvailsCsv('a,b\r\n1,2', { source: 'x.csv' }), /^x\.csv: no Avails header row/);
    await expectInvalid(() => readAvailsCsv('Territory,LicenseType,Territory'), /Territory appears twice/);
    await expectInvalid(
      () =>
        readAvailsCsv(`${HEADER}\r\n${'Studio,Movie,US,EST,HD,2027-01-01,,Open,,,a\r\n'.repeat(3)}`, { maxRows: 2 }),
      /more than 2 avails/,
    );
  });

  it('refuses unknown options', async () => {
    let error: unknown;
    try {
      readAvailsCsv(HEADER, { sourse: 'x' } as never);
    } catch (e) {
      error = e;
    }
    expect(isFramewiseError(error, 'INVALID_CONFIG')).toBe(true);
  });
});

const strip = ({ row: _row, ...rest }: Avail) => rest;

describe('round trip', () => {
  for (const tv of [false, true])
    it(`reads back what it wrote, as CSV (${tv ? 'TV' : 'movies'} layout)`, () => {
      fc.assert(
        fc.property(fc.array(arbitraryAvail(tv), { minLength: 1, maxLength: 8 }), (list) => {
          const avails = list.map((a, i) => ({ ...a, row: 4 + i }) as Avail);
          const back = readAvailsCsv(writeAvailsCsv(avails));
          expect(back.issues).toEqual([]);
          expect(back.avails).toEqual(avails);
        }),
        { numRuns: 300 },
      );
    });

  it('reads back what it wrote, as XLSX', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(arbitraryAvail(false), { minLength: 1, maxLength: 5 }),
        async (tv, list) => {
          const avails = list.map((a, i) => ({ ...a, row: 4 + i }) as Avail);
          const back = await readAvailsXlsx(await writeAvailsXlsx(avails, { layout: tv ? 'tv' : 'movies' }));
          expect(back.issues).toEqual([]);
          expect(back.avails.map(strip)).toEqual(
            avails.map((a) => {
              const { contentId: _c, ...rest } = strip(a);
              // The TV layout has no ContentID column.
              return tv ? rest : strip(a);
            }),
          );
        },
      ),
      { numRuns: 25 },
    );
  });

  it('rewrites the official sample into the same avails', async () => {
    const first = await readAvailsXlsx(fixture('TV_v1.9.xlsx'));
    const again = await readAvailsXlsx(await writeAvailsXlsx(first.avails));
    expect(again.avails).toEqual(first.avails);
  });
});

describe('hostile input', () => {
  it('turns any text into avails, issues or a typed error', () => {
    const unit = fc.constantFrom(
      'a',
      ',',
      '"',
      '\r',
      '\n',
      'Territory',
      'LicenseType',
      'EST',
      'US',
      '2027-01-01',
      'TBD',
      '=',
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 80 }), (parts) => {
        try {
          readAvailsCsv(parts.join(''));
        } catch (error) {
          expect(isFramewiseError(error, 'INVALID_INPUT'), String(error)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('turns any bytes into a typed error, never a crash', async () => {
    const real = fixture('Movies_v1.9.xlsx');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 400 }),
          // The real workbook, truncated or with bytes flipped.
          fc.nat(real.length - 1).map((n) => real.slice(0, n)),
          fc.tuple(fc.nat(real.length - 1), fc.integer({ min: 1, max: 255 })).map(([at, x]) => {
            const copy = real.slice();
            copy[at] = (copy[at] as number) ^ x;
            return copy;
          }),
        ),
        async (bytes) => {
          try {
            await readAvailsXlsx(bytes);
          } catch (error) {
            expect(isFramewiseError(error, 'INVALID_INPUT'), String(error)).toBe(true);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses a ZIP whose entries declare too many inflated bytes, before inflating', async () => {
    const bomb = fixture('Movies_v1.9.xlsx');
    expect(() =>
      checkXlsxContainer(bomb, 'bomb.xlsx', { maxBytes: 1e9, maxInflatedBytes: 1000, maxEntries: 100 }),
    ).toThrow(/bomb\.xlsx: declares more than 1000 bytes once inflated/);
    expect(() => checkXlsxContainer(bomb, 'b.xlsx', { maxBytes: 100, maxInflatedBytes: 1e9, maxEntries: 100 })).toThrow(
      /larger than 100 bytes/,
    );
    await expectInvalid(() => readAvailsXlsx(new TextEncoder().encode('Territory,LicenseType')), /not an XLSX file/);
  });
});
