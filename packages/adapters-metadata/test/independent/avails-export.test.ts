/** Independent QA: export (CSV, XLSX), formula injection, round trip of decisions, hostile XLSX. */
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { isFramewiseError } from '@framewise/core/errors';
import { createRightsEngine } from '@framewise/core/rights';
import { describe, expect, it } from 'vitest';
import {
  type Avail,
  availsToRights,
  parseCsv,
  readAvailsCsv,
  readAvailsXlsx,
  rightsToAvails,
  writeAvailsCsv,
  writeAvailsXlsx,
} from '../../src/avails/index.js';

const DANGER = [
  '=1+1',
  '+1',
  '-1',
  '@SUM(A1)',
  '\tx',
  '\rx',
  '=HYPERLINK("http://e.vil","x")',
  "'=1+1",
  '|calc',
  '%0A',
];

// --- minimal ZIP reader/writer (stored + deflate), for inspecting and crafting XLSX -------------
function unzip(bytes: Uint8Array): Map<string, Buffer> {
  const b = Buffer.from(bytes);
  let eocd = b.length - 22;
  while (eocd >= 0 && b.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  const n = b.readUInt16LE(eocd + 10);
  let at = b.readUInt32LE(eocd + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < n; i++) {
    const method = b.readUInt16LE(at + 10);
    const csize = b.readUInt32LE(at + 20);
    const nameLen = b.readUInt16LE(at + 28);
    const extra = b.readUInt16LE(at + 30);
    const comment = b.readUInt16LE(at + 32);
    const local = b.readUInt32LE(at + 42);
    const name = b.toString('utf8', at + 46, at + 46 + nameLen);
    const lnl = b.readUInt16LE(local + 26);
    const lel = b.readUInt16LE(local + 28);
    const data = b.subarray(local + 30 + lnl + lel, local + 30 + lnl + lel + csize);
    out.set(name, method === 0 ? Buffer.from(data) : inflateRawSync(data));
    at += 46 + nameLen + extra + comment;
  }
  return out;
}
function zip(files: Map<string, Buffer>, lie?: { name: string; size: number }): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of files) {
    const data = deflateRawSync(content);
    const nameBuf = Buffer.from(name);
    const size = lie && lie.name === name ? lie.size : content.length;
    const crc = crc32(content);
    const l = Buffer.alloc(30);
    l.writeUInt32LE(0x04034b50, 0);
    l.writeUInt16LE(20, 4);
    l.writeUInt16LE(8, 8);
    l.writeUInt32LE(crc, 14);
    l.writeUInt32LE(data.length, 18);
    l.writeUInt32LE(size, 22);
    l.writeUInt16LE(nameBuf.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(8, 10);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(data.length, 20);
    c.writeUInt32LE(size, 24);
    c.writeUInt16LE(nameBuf.length, 28);
    c.writeUInt32LE(offset, 42);
    locals.push(l, nameBuf, data);
    centrals.push(c, nameBuf);
    offset += 30 + nameBuf.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const e = Buffer.alloc(22);
  e.writeUInt32LE(0x06054b50, 0);
  e.writeUInt16LE(files.size, 8);
  e.writeUInt16LE(files.size, 10);
  e.writeUInt32LE(cd.length, 12);
  e.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, cd, e]));
}

const baseAvail = (o: Partial<Avail> = {}): Avail => ({
  row: 4,
  entryType: 'Full Extract',
  licensor: 'Studio',
  licensee: 'Plat',
  workType: 'Movie',
  territories: ['GB'],
  territoryExclusions: [],
  licenseType: 'SVOD',
  start: { date: '2024-01-01' },
  end: { date: '2025-01-01' },
  allowedLanguages: [],
  holdbackLanguages: [],
  contentId: 'm1',
  availId: 'a1',
  ...o,
});
const TEXT_FIELDS = [
  'licensor',
  'licensee',
  'title',
  'exclusiveAttributes',
  'contractId',
  'availId',
  'alid',
  'hdr',
  'titleStatus',
  'contentId',
  'seasonNumber',
  'episodeNumber',
  'titleId',
  'editId',
] as const;

describe('independent: formula injection on export', () => {
  it.each(TEXT_FIELDS)('CSV: no cell of column %s starts a formula', (field) => {
    for (const v of DANGER) {
      const text = writeAvailsCsv([baseAvail({ [field]: v } as Partial<Avail>)]);
      for (const record of parseCsv(text))
        for (const cell of record)
          expect(/^[=+\-@\t\r|%]/.test(cell), `${field}=${JSON.stringify(v)} -> ${JSON.stringify(cell)}`).toBe(false);
    }
  });
  it('CSV: a cell starting with whitespace then = is not left runnable (leading space/newline)', () => {
    for (const v of [' =1+1', '\n=1+1', '\u00a0=1+1']) {
      const text = writeAvailsCsv([baseAvail({ title: v })]);
      for (const record of parseCsv(text))
        for (const cell of record) expect(/^\s*[=+\-@]/.test(cell), JSON.stringify(cell)).toBe(false);
    }
  });
  it('CSV export from a rights document: licensor/licensee/name/contractId/exclusiveAttributes neutralised', () => {
    const doc = {
      titles: [{ id: 'm1', kind: 'movie', name: '=cmd|"/c calc"!A1' }],
      deals: [
        {
          id: 'd',
          status: 'executed',
          direction: 'out',
          licensor: '=evil()',
          licensee: '+evil',
          contractId: '@C',
          assets: ['m1'],
          grants: [
            {
              id: 'g',
              media: ['svod'],
              territories: 'GB',
              window: { start: '2024-01-01' },
              exclusive: false,
              exclusiveAttributes: '-2+3',
            },
          ],
        },
      ],
    };
    const out = rightsToAvails(doc as never, { direction: 'out' });
    expect(out.avails.length).toBeGreaterThan(0);
    const text = writeAvailsCsv(out.avails);
    for (const record of parseCsv(text))
      for (const cell of record) expect(/^[=+\-@\t\r|%]/.test(cell), cell).toBe(false);
    // and reads back to the same values
    const back = readAvailsCsv(text);
    expect(back.issues).toEqual([]);
    expect(back.avails[0]).toMatchObject({
      licensor: '=evil()',
      licensee: '+evil',
      contractId: '@C',
      title: '=cmd|"/c calc"!A1',
      exclusiveAttributes: '-2+3',
    });
  });
  it.each(TEXT_FIELDS)('XLSX: column %s is written as a text cell, never a formula', async (field) => {
    const tv = field === 'seasonNumber' || field === 'episodeNumber';
    const bytes = await writeAvailsXlsx([
      baseAvail({
        [field]: '=HYPERLINK("http://e.vil","x")',
        ...(tv ? { workType: 'Episode', episodeContentId: 'e1' } : {}),
      } as Partial<Avail>),
    ]);
    const files = unzip(bytes);
    for (const [name, content] of files) {
      if (!name.endsWith('.xml')) continue;
      expect(content.toString('utf8').includes('<f>') || content.toString('utf8').includes('<f '), name).toBe(false);
    }
    const back = await readAvailsXlsx(bytes);
    // value survives as text
    expect(JSON.stringify(back.avails[0] ?? back.issues)).toContain('HYPERLINK');
  });
});

describe('independent: round trip', () => {
  const docFor = (seed: number) => {
    let s = seed;
    const rnd = (n: number) => {
      s = (s * 1103515245 + 12345) & 0x7fffffff;
      return s % n;
    };
    const terr = ['GB', 'FR', 'DE', 'NA', 'US', 'CA', 'JP', 'BR'];
    const media = ['svod', 'tvod', 'est', 'poest', 'pvod'];
    const grants = Array.from({ length: 6 }, (_, i) => {
      const ts = [...new Set([terr[rnd(8)], terr[rnd(8)]])] as string[];
      const y = 2024 + rnd(3);
      return {
        id: `g${i}`,
        media: [media[rnd(5)]],
        territories: ts.join(', '),
        window: {
          start: `${y}-0${1 + rnd(9)}-1${rnd(9)}`,
          ...(rnd(2) ? { end: `${y + 1 + rnd(2)}-0${1 + rnd(9)}-0${1 + rnd(9)}` } : {}),
        },
        exclusive: false,
        ...(rnd(2)
          ? {
              languages: [
                {
                  language: ['en', 'fr', 'de'][rnd(3)],
                  forms: rnd(2) ? ['subtitled'] : ['original', 'dubbed', 'subtitled'],
                },
              ],
            }
          : {}),
      };
    });
    return {
      titles: [{ id: 'm1', kind: 'movie', name: 'Film' }],
      deals: [{ id: 'd1', status: 'executed', direction: 'in', licensor: 'S', licensee: 'P', assets: ['m1'], grants }],
    };
  };
  const queries = (seed: number) => {
    let s = seed * 7 + 1;
    const rnd = (n: number) => {
      s = (s * 1103515245 + 12345) & 0x7fffffff;
      return s % n;
    };
    return Array.from({ length: 300 }, () => ({
      assetId: 'm1',
      territory: ['GB', 'FR', 'DE', 'NA', 'US', 'CA', 'JP', 'BR', 'IT'][rnd(9)] as string,
      channel: ['svod', 'tvod', 'est', 'poest', 'pvod', 'avod'][rnd(6)] as never,
      at: new Date(Date.UTC(2023 + rnd(6), rnd(12), 1 + rnd(28), rnd(24))).toISOString(),
      ...(rnd(2)
        ? { language: ['en', 'fr', 'de'][rnd(3)], languageForm: (['original', 'dubbed', 'subtitled'] as const)[rnd(3)] }
        : {}),
    }));
  };
  for (const fmt of ['csv', 'xlsx'] as const)
    it(`${fmt}: export then import gives the same decisions on random queries`, async () => {
      for (let seed = 1; seed <= 8; seed++) {
        const doc = docFor(seed);
        const a = createRightsEngine(doc as never);
        const out = rightsToAvails(doc as never, { direction: 'in' });
        expect(out.issues).toEqual([]);
        const back =
          fmt === 'csv'
            ? readAvailsCsv(writeAvailsCsv(out.avails))
            : await readAvailsXlsx(await writeAvailsXlsx(out.avails));
        expect(back.issues).toEqual([]);
        const rr = availsToRights(back.avails, { direction: 'in' });
        expect(rr.issues).toEqual([]);
        const b = createRightsEngine({ titles: doc.titles, events: rr.events, deals: rr.deals } as never);
        for (const q of queries(seed))
          expect(b.evaluate(q).allowed, `seed ${seed} ${JSON.stringify(q)}`).toBe(a.evaluate(q).allowed);
      }
    });
  it('TBD / condition windows survive the round trip', () => {
    const H =
      'DisplayName,Licensee,WorkType,ContentID,Territory,LicenseType,Start,End,StartLag,EndLag,ContractID,AvailID';
    const r = readAvailsCsv(
      `${H}\r\nS,P,Movie,m1,NA,SVOD,ESTStart,TBD,P30D,,C,x\r\nS,P,Movie,m1,GB,POEST,TBD,Open,,,C,y`,
    );
    expect(r.issues).toEqual([]);
    const rr = availsToRights(r.avails);
    const doc = { titles: rr.titles, events: rr.events, deals: rr.deals };
    const out = rightsToAvails(doc as never, { direction: 'in' });
    expect(out.issues).toEqual([]);
    const back = readAvailsCsv(writeAvailsCsv(out.avails));
    expect(back.avails.map((a) => [a.territories, a.licenseType, a.start, a.startLag, a.end])).toEqual(
      r.avails.map((a) => [a.territories, a.licenseType, a.start, a.startLag, a.end]),
    );
  });
});

describe('independent: hostile XLSX', () => {
  const typed = async (bytes: Uint8Array, source = 'x.xlsx') => {
    try {
      await readAvailsXlsx(bytes, { source });
    } catch (error) {
      expect(isFramewiseError(error), String(error)).toBe(true);
      expect((error as { code: string }).code).toBe('INVALID_INPUT');
      expect((error as Error).message).toContain(source);
      return;
    }
    throw new Error('expected INVALID_INPUT');
  };
  const good = async () => writeAvailsXlsx([baseAvail({ title: 'Film' })]);
  it('not a zip', async () => typed(new TextEncoder().encode('DisplayName,Territory\r\n'.repeat(10))));
  it('empty bytes', async () => typed(new Uint8Array(0)));
  it('truncated workbook (every cut point of 16)', async () => {
    const b = await good();
    for (let k = 1; k < 16; k++) await typed(b.slice(0, Math.floor((b.length * k) / 16)));
  });
  it('a zip that is not a workbook (no [Content_Types], no sheet)', async () =>
    typed(zip(new Map([['hello.txt', Buffer.from('hi')]]))));
  it('zip bomb by declared size is refused', async () => {
    const files = unzip(await good());
    await typed(zip(files, { name: 'xl/worksheets/sheet1.xml', size: 0xfffffff0 }));
  });
  it('zip bomb inside the worksheet, lying about its size (declares 1 KB, inflates 700 MB): refused, no OOM', async () => {
    const files = unzip(await good());
    const sheetName = [...files.keys()].find((k) => k.includes('worksheets/')) as string;
    const sheet = files.get(sheetName)?.toString('utf8') as string;
    const at = sheet.indexOf('<sheetData>') + '<sheetData>'.length;
    const pad = Buffer.alloc(700 * 1024 * 1024, 0x20);
    files.set(sheetName, Buffer.concat([Buffer.from(sheet.slice(0, at)), pad, Buffer.from(sheet.slice(at))]));
    const bytes = zip(files, { name: sheetName, size: 1024 });
    const before = process.memoryUsage().rss;
    const t0 = Date.now();
    let refused = false;
    try {
      await readAvailsXlsx(bytes, { source: 'bomb2.xlsx' });
    } catch (error) {
      expect(isFramewiseError(error), String(error)).toBe(true);
      refused = true;
    }
    const grew = process.memoryUsage().rss - before;
    // biome-ignore lint/suspicious/noConsole: the tester's measurement
    console.log('lying bomb: refused', refused, 'rss growth MB', Math.round(grew / 1048576), 'ms', Date.now() - t0);
    expect(refused).toBe(true);
  }, 120_000);
  it('zip bomb lying about its size (declares 1 KB, inflates 600 MB) is refused or bounded, no OOM', async () => {
    const files = unzip(await good());
    const sheetName = [...files.keys()].find((k) => k.includes('worksheets/')) as string;
    const bomb = Buffer.alloc(600 * 1024 * 1024, 0x20);
    const sheet = files.get(sheetName) as Buffer;
    files.set(
      sheetName,
      Buffer.concat([sheet.subarray(0, sheet.length - 1), Buffer.from(' '), bomb.subarray(0, 10), Buffer.from('>')]),
    );
    // lie: put the bomb into a separate entry declared tiny
    files.set('xl/bomb.xml', bomb);
    const bytes = zip(files, { name: 'xl/bomb.xml', size: 1024 });
    const before = process.memoryUsage().rss;
    try {
      await readAvailsXlsx(bytes, { source: 'bomb.xlsx' });
    } catch (error) {
      expect(isFramewiseError(error), String(error)).toBe(true);
    }
    expect(process.memoryUsage().rss - before).toBeLessThan(400 * 1024 * 1024);
  }, 180_000); // building and zipping the 600 MB entry takes most of this on a loaded 2-core machine
  it('billion laughs in sharedStrings.xml: typed error or entities not expanded, fast', async () => {
    const files = unzip(await good());
    const ss = [...files.keys()].find((k) => k.includes('sharedStrings'));
    const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"><!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>`;
    const target = ss ?? 'xl/sharedStrings.xml';
    const orig = files.get(target)?.toString('utf8') ?? '';
    // keep the original strings but add the DOCTYPE and one laugh
    files.set(
      target,
      Buffer.from(
        orig
          ? orig
              .replace(/^(<\?xml[^>]*\?>)?/, lol.slice(0, lol.indexOf('<sst')))
              .replace('</sst>', '<si><t>&lol9;</t></si></sst>')
          : lol,
      ),
    );
    try {
      const r = await readAvailsXlsx(zip(files), { source: 'lol.xlsx' });
      expect(JSON.stringify(r).length).toBeLessThan(1_000_000);
    } catch (error) {
      expect(isFramewiseError(error), String(error)).toBe(true);
    }
  }, 60_000);
  it('external entity (XXE) in a sheet is not resolved', async () => {
    const files = unzip(await good());
    const ss = [...files.keys()].find((k) => k.includes('sharedStrings'));
    if (!ss) return;
    const orig = files.get(ss)?.toString('utf8') as string;
    files.set(
      ss,
      Buffer.from(
        orig
          .replace(
            /^(<\?xml[^>]*\?>)?/,
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
          )
          .replace('Film', '&xxe;'),
      ),
    );
    try {
      const r = await readAvailsXlsx(zip(files), { source: 'xxe.xlsx' });
      expect(JSON.stringify(r)).not.toContain('root:');
    } catch (error) {
      expect(isFramewiseError(error), String(error)).toBe(true);
    }
  });
  it('shared string index out of range: issue or typed error, not a crash', async () => {
    const files = unzip(await good());
    const sheetName = [...files.keys()].find((k) => k.includes('worksheets/')) as string;
    const sheet = files.get(sheetName)?.toString('utf8') as string;
    files.set(sheetName, Buffer.from(sheet.replace(/(<c [^>]*t="s"[^>]*>\s*<v>)\d+(<\/v>)/g, '$199999999$2')));
    try {
      await readAvailsXlsx(zip(files), { source: 'ss.xlsx' });
    } catch (error) {
      expect(isFramewiseError(error), String(error)).toBe(true);
    }
  });
  it('Excel date cell at midnight reads as a date; serial number as text is an issue', async () => {
    const bytes = await writeAvailsXlsx([baseAvail({ start: { date: '2024-02-29' } })]);
    const r = await readAvailsXlsx(bytes);
    expect(r.avails[0]?.start).toEqual({ date: '2024-02-29' });
  });
});
