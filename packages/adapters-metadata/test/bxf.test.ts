import { isFramewiseError } from '@framewise/core/errors';
import type { PlayoutEventInput, PlayoutScheduleInput } from '@framewise/core/interchange';
import { validateXml } from '@framewise/test-support';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BXF_VERSIONS, bxfNamespace, createBxfContentExporter, createBxfScheduleExporter } from '../src/bxf/index.js';
import { parseXml, type XmlElement } from '../src/xml/parser.js';
import { RATES, text } from './arbitraries.js';
import { richDescription } from './fixtures.js';

const fixed = {
  clock: { now: () => Date.parse('2026-11-21T09:30:00Z') },
  newId: () => '7c0e8a52-3d4b-4f6e-9a1c-2b3d4e5f6a70',
};
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function find(el: XmlElement, path: string[]): XmlElement[] {
  let level = [el];
  for (const name of path) level = level.flatMap((e) => e.children.filter((c) => c.name === name));
  return level;
}
const texts = (el: XmlElement, path: string[]) => find(el, path).map((e) => e.text.trim());

const schedule = (rate = { num: 25, den: 1, dropFrame: false }): PlayoutScheduleInput => ({
  id: uuid(999),
  channel: 'EXAMPLE ONE',
  rate,
  zone: 'Europe/London',
  broadcastDayStart: '06:00',
  start: '2026-06-01T06:00:00+01:00',
  end: '2026-06-02T06:00:00+01:00',
});

function* events(count: number, durationFrames = 750): Generator<PlayoutEventInput> {
  const start = Date.parse('2026-06-01T19:00:00Z');
  for (let i = 0; i < count; i++) {
    yield {
      id: uuid(i),
      title: `Event ${i} <&>`,
      kind: i % 3 === 0 ? 'program' : 'spot',
      start: new Date(start + i * 30_000).toISOString(),
      startMode: i === 0 ? 'fixed' : 'follow',
      durationFrames,
      segmentNumber: 1,
      programName: 'Harbour Lights',
      content: { houseNumber: `HN-${i}`, path: `file:///playout/HN-${i}.mxf`, somFrames: 900_000 },
      secondary: i % 3 === 0 ? [{ id: uuid(100_000 + i), name: 'LOGO-BUG', offsetFrames: 25, from: 'start' }] : [],
    };
  }
}

describe.each(BXF_VERSIONS)('BXF %s', (version) => {
  it('writes a content message with the programme, its identifiers and segments, valid against the schema', async () => {
    const input = richDescription();
    input.version = {
      ...input.version,
      rate: { num: 25, den: 1, dropFrame: false },
      startTimecode: '10:00:00:00',
      durationFrames: 78_000,
    };
    input.parts = [
      { id: 's1', type: 'segment', title: 'Part 1', start: 0, duration: 39_250 },
      { id: 'b1', type: 'ad-break', start: 39_250, duration: 0 },
      { id: 's2', type: 'segment', title: 'Part 2 & <finale>', start: 39_250, duration: 38_750 },
    ];
    const xml = await createBxfContentExporter({ version, ...fixed }).write({
      description: input,
      path: 'file:///playout/HL_S01E01.mxf',
    });
    expect((await validateXml(xml, `bxf-${version}`)).errors).toEqual([]);
    const root = parseXml(xml).root;
    expect(root.ns).toBe(bxfNamespace(version));
    expect(root.attributes.get('id')).toBe('urn:uuid:7c0e8a52-3d4b-4f6e-9a1c-2b3d4e5f6a70');
    const meta = ['BxfData', 'Content', 'ProgramContent', 'ContentMetaData'];
    expect(texts(root, [...meta, 'ContentId', 'HouseNumber'])).toEqual(['HL-S01E01']);
    expect(texts(root, [...meta, 'ContentId', 'AlternateId'])).toEqual(['10.5240/7791-8534-2C23-9030-8610-5']);
    expect(texts(root, [...meta, 'Media', 'MediaLocation', 'SOM', 'SmpteTimeCode'])).toEqual(['10:00:00:00']);
    expect(texts(root, [...meta, 'DefaultLength', 'SmpteDuration', 'SmpteTimeCode'])).toEqual(['00:52:00:00']);
    const elements = ['BxfData', 'Content', 'ProgramContent', 'Elements', 'Element'];
    expect(texts(root, [...elements, 'Offset', 'SmpteTimeCode'])).toEqual(['00:00:00:00', '00:26:10:00']);
    expect(texts(root, [...elements, 'ProgramElement', 'SegmentName'])).toEqual(['Part 1', 'Part 2 & <finale>']);
    expect(
      texts(root, [...elements, 'ProgramElement', 'ContentMetaData', 'Media', 'MediaLocation', 'SOM', 'SmpteTimeCode']),
    ).toEqual(['10:00:00:00', '10:26:10:00']);
  });

  it('writes a schedule with primary and secondary events, valid against the schema', async () => {
    const xml = await createBxfScheduleExporter({ version, ...fixed }).write({
      schedule: schedule(),
      events: events(6),
    });
    expect((await validateXml(xml, `bxf-${version}`)).errors).toEqual([]);
    const root = parseXml(xml).root;
    const scheduled = find(root, ['BxfData', 'Schedule', 'ScheduledEvent']);
    expect(scheduled).toHaveLength(8);
    // 19:00:00Z is 20:00:00 in London (BST) on broadcast day 2026-06-01
    const first = find(scheduled[0] as XmlElement, ['EventData', 'StartDateTime', 'SmpteDateTime'])[0];
    expect(first?.attributes.get('broadcastDate')).toBe('2026-06-01');
    expect(first?.children[0]?.text).toBe('20:00:00:00');
    // the logo rides one second into the first programme
    const logo = scheduled[1] as XmlElement;
    expect(texts(logo, ['EventData', 'NonPrimaryEvent', 'PrimaryEventId'])).toEqual([`urn:uuid:${uuid(0)}`]);
    expect(texts(logo, ['EventData', 'StartDateTime', 'SmpteDateTime', 'SmpteTimeCode'])).toEqual(['20:00:01:00']);
  });

  it('writes drop-frame timecodes with ";" at 29.97 and the exact frame count', async () => {
    const ntsc = { num: 30000, den: 1001, dropFrame: true };
    const xml = await createBxfScheduleExporter({ version, ...fixed }).write({
      schedule: { ...schedule(ntsc), zone: 'America/New_York' },
      events: [...events(2, 17_982)].map((e) => ({ ...e, start: '2026-06-01T23:10:00Z' })),
    });
    expect((await validateXml(xml, `bxf-${version}`)).errors).toEqual([]);
    expect(xml).toContain('<SmpteDuration frameRate="29.97" framecount="17982">');
    expect(xml).toContain('<SmpteTimeCode>00:10:00;00</SmpteTimeCode>');
    // 19:10:00 EDT on the wall clock is labelled 19:10:00;00 (not the frame count since midnight, 19:10:00;02)
    expect(xml).toMatch(/broadcastDate="2026-06-01" frameRate="29.97">\s*<SmpteTimeCode>19:10:00;00</);
  });

  it('writes every rate its release allows, and refuses the others with a typed error', async () => {
    for (const rate of RATES) {
      const exporter = createBxfScheduleExporter({ version, ...fixed });
      const run = exporter.write({ schedule: schedule({ ...rate }), events: events(3) });
      if (version === '2008' && rate.num / rate.den > 31) {
        await expect(run).rejects.toMatchObject({ code: 'UNSUPPORTED' });
        await expect(exporter.write({ schedule: schedule({ ...rate }), events: events(1) })).rejects.toThrow(
          /schedule\.rate: BXF 1\.0 \(2008\) timecodes count at most 30 frames/,
        );
      } else {
        const xml = await run;
        expect((await validateXml(xml, `bxf-${version}`)).errors, JSON.stringify(rate)).toEqual([]);
      }
    }
  });
});

describe('BXF worst cases', () => {
  it('writes random titles and names (markup, right-to-left, combining, astral) as valid documents (property)', async () => {
    const docs: string[] = [];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(text(500), text(64)), { minLength: 1, maxLength: 5 }), async (names) => {
        const list = [...events(names.length)].map((e, i) => {
          const [title, house] = names[i] as [string, string];
          return { ...e, title, content: { ...e.content, houseNumber: house, name: title } };
        });
        const xml = await createBxfScheduleExporter(fixed).write({ schedule: schedule(), events: list });
        const root = parseXml(xml).root;
        expect(texts(root, ['BxfData', 'Schedule', 'ScheduledEvent', 'Content', 'Name'])).toEqual(
          names.map(([t]) => t.trim()),
        );
        docs.push(xml);
      }),
      { numRuns: 40 },
    );
    for (const xml of docs.slice(0, 10)) expect((await validateXml(xml, 'bxf-2022')).errors).toEqual([]);
  });

  it('stops a stream at the first invalid event with its index, having written only whole chunks', async () => {
    const list: PlayoutEventInput[] = [...events(5)];
    list[3] = { ...(list[3] as PlayoutEventInput), title: 'bad\u0000title' };
    const chunks: string[] = [];
    const error = await (async () => {
      for await (const c of createBxfScheduleExporter({ ...fixed, chunkSize: 1024 }).stream({
        schedule: schedule(),
        events: list,
      })) {
        chunks.push(c);
      }
    })().catch((e: unknown) => e);
    expect(isFramewiseError(error, 'INVALID_INPUT')).toBe(true);
    expect((error as Error).message).toMatch(/events\[3\]/);
    expect(chunks.join('')).not.toContain('bad');
  });

  it('refuses a path with control characters and options that are not names', async () => {
    await expect(
      createBxfContentExporter(fixed).write({ description: richDescription(), path: 'file:///a\u0007.mxf' }),
    ).rejects.toThrow(/path contains U\+0007/);
    expect(() => createBxfScheduleExporter({ originType: 'lower case' })).toThrow(/originType/);
  });

  it('streams 10 000 events from an async source in bounded chunks', async () => {
    async function* source() {
      yield* events(10_000);
    }
    let chunks = 0;
    let largest = 0;
    let total = '';
    for await (const c of createBxfScheduleExporter({ ...fixed, chunkSize: 64 * 1024 }).stream({
      schedule: schedule(),
      events: source(),
    })) {
      chunks++;
      largest = Math.max(largest, c.length);
      if (chunks === 1) total = c.slice(0, 200);
    }
    expect(chunks).toBeGreaterThan(50);
    expect(largest).toBeLessThan(64 * 1024 + 8 * 1024);
    expect(total).toContain('<BxfMessage');
  });
});

/** The first primary event's and its secondaries' (date, label) pairs. */
function startsOf(xml: string): Array<[string | undefined, string | undefined]> {
  const root = parseXml(xml).root;
  return find(root, ['BxfData', 'Schedule', 'ScheduledEvent', 'EventData', 'StartDateTime', 'SmpteDateTime']).map(
    (e) => [e.attributes.get('broadcastDate'), e.children[0]?.text],
  );
}

async function one(
  version: (typeof BXF_VERSIONS)[number],
  rate: { num: number; den: number; dropFrame: boolean },
  event: Partial<PlayoutEventInput>,
  header: Partial<PlayoutScheduleInput> = {},
): Promise<string> {
  const base = [...events(1)][0] as PlayoutEventInput;
  const xml = await createBxfScheduleExporter({ version, ...fixed }).write({
    schedule: { ...schedule(rate), ...header },
    events: [{ ...base, secondary: [], ...event }],
  });
  expect((await validateXml(xml, `bxf-${version}`)).errors).toEqual([]);
  return xml;
}

describe.each(BXF_VERSIONS)('BXF %s times of day, dates and limits', (version) => {
  const ndf = [
    { num: 24000, den: 1001, dropFrame: false },
    { num: 30000, den: 1001, dropFrame: false },
    { num: 60000, den: 1001, dropFrame: false },
  ].filter((r) => version !== '2008' || r.num < 60000);

  it('labels an event at 20:10:00 local 20:10:00:00 at 23.976, 29.97 and 59.94 non-drop (the wall clock, not frames since midnight)', async () => {
    for (const rate of ndf) {
      // 19:10:00Z is 20:10:00 in London (BST)
      const xml = await one(version, rate, { start: '2026-06-01T19:10:00Z' });
      expect(startsOf(xml), JSON.stringify(rate)).toEqual([['2026-06-01', '20:10:00:00']]);
      const late = await one(version, rate, { start: '2026-06-01T22:59:59.500Z' });
      const half = Math.round(rate.num / rate.den) / 2;
      expect(startsOf(late)).toEqual([['2026-06-01', `23:59:59:${half}`]]);
    }
  });

  it('labels drop-frame times from the wall clock, moving a label the count skips to the next one', async () => {
    const df = { num: 30000, den: 1001, dropFrame: true };
    const ny = { zone: 'America/New_York' };
    expect(startsOf(await one(version, df, { start: '2026-06-01T23:10:00Z' }, ny))).toEqual([
      ['2026-06-01', '19:10:00;00'],
    ]);
    expect(startsOf(await one(version, df, { start: '2026-06-01T23:11:00Z' }, ny))).toEqual([
      ['2026-06-01', '19:11:00;02'],
    ]);
    expect(startsOf(await one(version, df, { start: '2026-06-01T23:11:00.500Z' }, ny))).toEqual([
      ['2026-06-01', '19:11:00;15'],
    ]);
  });

  it('dates each secondary event by its own instant: one after midnight is on the next day', async () => {
    const rate = { num: 25, den: 1, dropFrame: false };
    // 22:59:00Z is 23:59:00 in London; the logo fires 90 s in, at 00:00:30 on 2 June
    const xml = await one(
      version,
      rate,
      {
        start: '2026-06-01T22:59:00Z',
        durationFrames: 7_500,
        secondary: [{ id: uuid(5), name: 'LOGO', offsetFrames: 2_250, from: 'start' }],
      },
      { broadcastDayStart: '00:00' },
    );
    expect(startsOf(xml)).toEqual([
      ['2026-06-01', '23:59:00:00'],
      ['2026-06-02', '00:00:30:00'],
    ]);
    // with the broadcast day starting at 06:00, 00:00:30 still belongs to the day of 1 June
    const six = await one(version, rate, {
      start: '2026-06-01T22:59:00Z',
      durationFrames: 7_500,
      secondary: [{ id: uuid(5), name: 'LOGO', offsetFrames: 2_250, from: 'start' }],
    });
    expect(startsOf(six)).toEqual([
      ['2026-06-01', '23:59:00:00'],
      ['2026-06-01', '00:00:30:00'],
    ]);
  });

  it('rounds 23:59:59.99 to the next day rather than to a label of its own day', async () => {
    const xml = await one(
      version,
      { num: 25, den: 1, dropFrame: false },
      { start: '2026-06-01T22:59:59.990Z' },
      { broadcastDayStart: '00:00' },
    );
    expect(startsOf(xml)).toEqual([['2026-06-02', '00:00:00:00']]);
  });

  it('refuses a secondary event past its primary event, and durations of 24 hours or more, with typed errors', async () => {
    const rate = { num: 25, den: 1, dropFrame: false };
    const past = one(version, rate, {
      durationFrames: 750,
      secondary: [{ id: uuid(5), name: 'LOGO', offsetFrames: 800, from: 'end' }],
    });
    await expect(past).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(past).rejects.toThrow(/events\[0\]\.secondary\[0\]\.offsetFrames 800 is past the end/);
    const after = one(version, rate, {
      durationFrames: 750,
      secondary: [{ id: uuid(5), name: 'LOGO', offsetFrames: 751, from: 'start' }],
    });
    await expect(after).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const day = one(version, rate, { durationFrames: 2_160_000 });
    await expect(day).rejects.toThrow(/events\[0\]\.durationFrames: 2160000 frames is 24 hours or more/);
    await expect(one(version, rate, { durationFrames: 2_159_999 })).resolves.toContain('23:59:59:24');
  });

  it('refuses 100 and 120 fps channels, whose frame numbers no BXF timecode can carry', async () => {
    for (const rate of [
      { num: 100, den: 1, dropFrame: false },
      { num: 120, den: 1, dropFrame: false },
      { num: 120000, den: 1001, dropFrame: false },
    ]) {
      const run = one(version, rate, { start: '2026-06-01T19:10:00.990Z' });
      await expect(run).rejects.toMatchObject({ code: 'UNSUPPORTED' });
      await expect(run).rejects.toThrow(/cannot be written in any BXF release|needs BXF 2017/);
    }
  });

  it('writes spots, promos, bumpers and fillers with the types the release has', async () => {
    const kinds = ['spot', 'promo', 'bumper', 'filler'] as const;
    const types: string[] = [];
    for (const kind of kinds) {
      const xml = await one(version, { num: 25, den: 1, dropFrame: false }, { kind });
      const details = [
        'BxfData',
        'Schedule',
        'ScheduledEvent',
        'EventData',
        'PrimaryEvent',
        'NonProgramEvent',
        'Details',
      ];
      types.push(
        `${texts(parseXml(xml).root, [...details, 'AdType']).join('')}/${texts(parseXml(xml).root, [...details, 'SpotType']).join('')}`,
      );
    }
    const ad = (spot: string) =>
      version === '2008'
        ? ['/Standard', '/Standard', '/Other', '/Other']
        : [`${spot}/Standard`, 'Promo/Standard', 'Other/Other', 'Other/Other'];
    expect(types).toEqual(ad(version === '2017' ? 'General' : 'Commercial'));
  });
});
