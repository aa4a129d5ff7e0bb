import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isFramewiseError } from '@framewise/core/errors';
import {
  applyScheduleChanges,
  type PlayoutEvent,
  type PlayoutEventInput,
  PlayoutEventSchema,
  type PlayoutScheduleInput,
} from '@framewise/core/interchange';
import { validateXml } from '@framewise/test-support';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BXF_VERSIONS,
  type BxfVersion,
  createBxfScheduleExporter,
  readBxfSchedule,
  writeBxfAcknowledgement,
} from '../src/bxf/index.js';
import { percentEncodePath } from '../src/xml/uri.js';
import { trafficSchedule2008, trafficSchedule2022 } from './bxf-traffic-documents.js';

const SAMPLES = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'schemas', 'bxf', 'samples');
const fixed = {
  clock: { now: () => Date.parse('2026-11-21T09:30:00Z') },
  newId: () => '7c0e8a52-3d4b-4f6e-9a1c-2b3d4e5f6a70',
};
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
type Rate = { num: number; den: number; dropFrame: boolean };

const header = (rate: Rate, zone = 'Europe/London'): PlayoutScheduleInput => ({
  id: uuid(999),
  channel: 'EXAMPLE ONE',
  rate,
  zone,
  broadcastDayStart: '06:00',
  start: '2026-03-28T06:00:00Z',
  end: '2026-03-30T06:00:00Z',
});

/**
 * A day of playout across midnight and the spring daylight-saving change in London: programme
 * segments, spots with Ad-ID and ISCI, promo, bumper, filler, a live event from a router source,
 * logos and SCTE-35 splices. Starts fall on whole seconds so every rate labels them exactly.
 */
function playoutDay(count: number, rate: Rate, from = '2026-03-28T23:30:00Z'): PlayoutEventInput[] {
  const out: PlayoutEventInput[] = [];
  let t = Date.parse(from);
  const kinds = ['program', 'spot', 'promo', 'bumper', 'filler', 'program'] as const;
  const fps = Math.round(rate.num / rate.den);
  for (let i = 0; i < count; i++) {
    const kind = kinds[i % kinds.length] as PlayoutEventInput['kind'];
    const seconds = kind === 'program' ? 600 + (i % 7) : 30;
    const durationFrames = seconds * fps + (i % 5);
    const live = i % 11 === 5;
    out.push({
      id: uuid(i),
      title: `Event ${i} <&> "quoted"`,
      kind,
      start: new Date(t).toISOString(),
      startMode: i % 4 === 0 ? 'fixed' : 'follow',
      durationFrames,
      ...(kind === 'program' ? { segmentNumber: 1 + (i % 3), programName: `Programme ${Math.floor(i / 6)}` } : {}),
      content: {
        houseNumber: `HN-${i}`,
        ...(i % 3 === 0 ? { name: `Media ${i}` } : {}),
        ...(live ? { liveSource: 'STUDIO-A' } : { path: `file:///playout/HN ${i} [v2].mxf` }),
        somFrames: i % 2 === 0 ? 10 * 3600 * fps : 0,
        ...(kind === 'spot'
          ? { adId: `ABCD${String(1000000 + i).slice(0, 7)}H`, isci: `WXYZ${String(1000 + i)}` }
          : {}),
      },
      secondary:
        kind === 'program'
          ? [
              { id: uuid(100_000 + i), name: 'LOGO-BUG', offsetFrames: fps, from: 'start', durationFrames: 5 * fps },
              {
                id: uuid(200_000 + i),
                name: 'CUE-OUT',
                offsetFrames: 2 * fps,
                from: 'end',
                splice: {
                  command: 'splice-insert',
                  spliceEventId: 1000 + i,
                  outOfNetwork: true,
                  breakDurationFrames: 120 * fps,
                },
              },
            ]
          : kind === 'promo'
            ? [
                {
                  id: uuid(300_000 + i),
                  name: 'TS',
                  offsetFrames: 0,
                  from: 'start',
                  splice: { command: 'time-signal', spliceEventId: 7, segmentationTypeId: 52, upid: 'PROMO-7' },
                },
              ]
            : [],
    });
    t += Math.ceil(seconds + 1) * 1000;
  }
  return out;
}

/** What the importer gives back for an event as written: the defaults the writer fills in dropped. */
function normal(input: PlayoutEventInput): PlayoutEvent {
  const e = PlayoutEventSchema.parse(input);
  const { name, ...content } = e.content;
  const out: PlayoutEvent = {
    ...e,
    content: {
      ...(name === undefined || name === e.title ? content : { ...content, name }),
      // Paths come back as the URI written (percent-encoded).
      ...(content.path === undefined ? {} : { path: percentEncodePath(content.path) }),
    },
    secondary: e.secondary.map((s) => {
      const start = s.from === 'start' ? s.offsetFrames : e.durationFrames - s.offsetFrames;
      const { durationFrames, ...rest } = s;
      return durationFrames === undefined || durationFrames === e.durationFrames - start ? rest : s;
    }),
  };
  if (out.segmentNumber === 1) delete out.segmentNumber;
  if (out.programName === out.title) delete out.programName;
  return out;
}

const RATES: Record<BxfVersion, Rate[]> = {
  '2008': [
    { num: 25, den: 1, dropFrame: false },
    { num: 30000, den: 1001, dropFrame: true },
    { num: 30000, den: 1001, dropFrame: false },
    { num: 24000, den: 1001, dropFrame: false },
  ],
  '2017': [
    { num: 50, den: 1, dropFrame: false },
    { num: 60000, den: 1001, dropFrame: true },
  ],
  '2022': [
    { num: 25, den: 1, dropFrame: false },
    { num: 30000, den: 1001, dropFrame: true },
    { num: 30000, den: 1001, dropFrame: false },
    { num: 60000, den: 1001, dropFrame: false },
  ],
};

describe.each(BXF_VERSIONS)('BXF %s schedule import', (version) => {
  it.each(RATES[version])(
    'reads an exported schedule back identically at %o (midnight and DST inside)',
    async (rate) => {
      // London: local midnight at 00:00Z, clocks forward at 01:00Z on 29 March 2026; New York:
      // midnight at 05:00Z, clocks forward at 07:00Z on 8 March 2026.
      const zone = rate.den === 1001 ? 'America/New_York' : 'Europe/London';
      const events = playoutDay(60, rate, rate.den === 1001 ? '2026-03-08T04:30:00Z' : '2026-03-28T23:30:00Z');
      const exporter = createBxfScheduleExporter({ version, ...fixed });
      const xml = await exporter.write({ schedule: header(rate, zone), events });
      expect((await validateXml(xml, `bxf-${version}`)).errors).toEqual([]);
      const read = readBxfSchedule(xml, { zone, source: 'day.bxf.xml' });
      expect(read.rejected.map((r) => r.error.message)).toEqual([]);
      expect(read.warnings).toEqual([]);
      expect(read.schedule).toMatchObject({ id: uuid(999), channel: 'EXAMPLE ONE', rate, zone });
      expect(read.message).toMatchObject({ version, id: fixed.newId(), messageType: 'Information' });
      expect(read.events.length).toBe(60);
      read.events.forEach((e, i) => {
        const want = normal(events[i] as PlayoutEventInput);
        expect({ ...e, start: Date.parse(e.start) }).toEqual({ ...want, start: Date.parse(want.start) });
      });
      // Writing what was read gives the same document, byte for byte.
      expect(await exporter.write({ schedule: read.schedule, events: read.events })).toBe(xml);
      expect(read.changes.every((c) => c.action === 'add')).toBe(true);
    },
  );
});

describe('BXF schedules from other producers', () => {
  it('reads a traffic system 2022 schedule: segments, Ad-ID/ISCI spots, SCTE-35, live, update and remove', async () => {
    const xml = trafficSchedule2022();
    expect((await validateXml(xml, 'bxf-2022')).errors).toEqual([]);
    const read = readBxfSchedule(xml, { zone: 'America/New_York', source: 'traffic.xml' });
    expect(read.rejected).toEqual([]);
    expect(read.schedule.rate).toEqual({ num: 30000, den: 1001, dropFrame: true });
    expect(read.schedule.channel).toBe('WXMP-DT1');
    expect(read.warnings).toEqual(['event 7 is a Comment event: skipped']);
    const [news, spot, cue, live, promo, update] = read.events;
    expect(news).toMatchObject({
      kind: 'program',
      startMode: 'fixed',
      // 18:00:00;00 wall clock in New York (EDT, UTC−4) on 2024-06-01.
      start: '2024-06-01T22:00:00.000Z',
      durationFrames: 17_982, // 00:10:00;00 drop-frame
      content: { houseNumber: 'NEWS-0601-P1', path: 'file:///media/NEWS-0601-P1.mxf', somFrames: 0 },
    });
    expect(news?.secondary.map((s) => s.name)).toEqual(['STATION-BUG']);
    expect(spot).toMatchObject({
      kind: 'spot',
      startMode: 'follow',
      start: '2024-06-01T22:10:00.000Z',
      durationFrames: 900,
      content: { houseNumber: 'C12345', adId: 'ABCD1234000H', isci: 'ABCD1234' },
    });
    expect(cue?.secondary[0]).toMatchObject({
      name: 'SCTE35 OUT',
      splice: { command: 'splice-insert', spliceEventId: 4242, outOfNetwork: true, breakDurationFrames: 3596 },
    });
    expect(live).toMatchObject({ kind: 'program', content: { houseNumber: 'LIVE-GAME', liveSource: 'REMOTE-1' } });
    expect(promo?.kind).toBe('promo');
    expect(update?.id).toBe('5f3e1a2b-0000-4000-8000-000000000099');
    expect(read.changes.map((c) => c.action)).toEqual(['add', 'add', 'add', 'add', 'add', 'update', 'remove']);
    expect(read.changes.at(-1)).toEqual({ action: 'remove', eventId: '5f3e1a2b-0000-4000-8000-000000000098' });
  });

  it('reads a 2008 schedule with no AdType (spot types only) and EndDateTime lengths', async () => {
    const xml = trafficSchedule2008();
    expect((await validateXml(xml, 'bxf-2008')).errors).toEqual([]);
    const read = readBxfSchedule(xml, { zone: 'Europe/Paris' });
    expect(read.rejected).toEqual([]);
    expect(read.events.map((e) => [e.kind, e.durationFrames, e.start])).toEqual([
      ['program', 25 * 60 * 25, '2024-01-15T19:00:00.000Z'],
      ['spot', 20 * 25, '2024-01-15T19:25:00.000Z'],
      ['bumper', 5 * 25, '2024-01-15T19:25:20.000Z'],
    ]);
  });

  it.each(['2008', '2017', '2022'])('reads the shared hand-written %s sample playlist', (year) => {
    const xml = readFileSync(join(SAMPLES, `schedule-playlist.${year}.xml`), 'utf8');
    const read = readBxfSchedule(xml, { zone: 'Europe/London' });
    expect(read.rejected).toEqual([]);
    expect(read.events.map((e) => [e.kind, e.start, e.durationFrames, e.content.somFrames])).toEqual([
      ['program', '2024-06-01T19:00:00.000Z', 39_250, 900_000],
      ['spot', '2024-06-01T19:26:10.000Z', 750, 0],
      ['program', '2024-06-01T19:26:40.000Z', 38_750, 939_250],
    ]);
    expect(read.events[2]?.segmentNumber).toBe(2);
  });
});

describe('BXF import errors', () => {
  const bad = (mutate: (xml: string) => string) => mutate(trafficSchedule2022());

  it.each([
    [
      'an impossible broadcast date',
      (x: string) => x.replace('broadcastDate="2024-06-01"', 'broadcastDate="2024-02-30"'),
      /broadcastDate "2024-02-30" is not a calendar date/,
    ],
    [
      'a timecode with frames past the rate',
      (x: string) =>
        x.replace('<SmpteTimeCode>00:10:00;00</SmpteTimeCode>', '<SmpteTimeCode>00:10:00;31</SmpteTimeCode>'),
      /Duration "00:10:00;31" is not a timecode/,
    ],
    [
      'another frame rate',
      (x: string) => x.replace('frameRate="29.97"', 'frameRate="25"'),
      /frameRate "25" is not the channel's rate/,
    ],
    [
      'no house number',
      (x: string) =>
        x.replace('<HouseNumber>NEWS-0601-P1</HouseNumber>', '<AlternateId authoritativeSource="X">1</AlternateId>'),
      /ContentId has no HouseNumber/,
    ],
    [
      'a framecount that disagrees',
      (x: string) => x.replace('framecount="17982"', 'framecount="17983"'),
      /framecount 17983 disagrees/,
    ],
  ])('refuses only the event with %s, naming it, and imports the rest', (_, mutate, message) => {
    const rate = { num: 30000, den: 1001, dropFrame: true };
    const read = readBxfSchedule(bad(mutate), { zone: 'America/New_York', source: 'traffic.xml', rate });
    expect(read.rejected.map((x) => x.index)).toEqual([0, 1]);
    const [r, bug] = read.rejected;
    expect(bug?.error.message).toMatch(
      /event 1 \(5f3e1a2b-0000-4000-8000-000000000002\): .*its primary event 5f3e1a2b-0000-4000-8000-000000000001 was rejected/,
    );
    expect(isFramewiseError(r?.error, 'INVALID_INPUT')).toBe(true);
    expect(r?.error.message).toMatch(
      /^traffic\.xml: event 0 \(5f3e1a2b-0000-4000-8000-000000000001\): line \d+, column \d+: /,
    );
    expect(r?.error.message).toMatch(message);
    // The news event's own secondary is refused with it (not hung on another event).
    expect(read.events.map((e) => e.content.houseNumber)).toEqual([
      'C12345',
      'SCTE-HOLDER',
      'LIVE-GAME',
      'PROMO-9',
      'C99999',
    ]);
  });

  it('acknowledges with status warning, the origin message id and each refused event, valid per schema', async () => {
    const read = readBxfSchedule(
      bad((x) => x.replace('broadcastDate="2024-06-01"', 'broadcastDate="2024-02-30"')),
      { zone: 'America/New_York', source: 'traffic.xml' },
    );
    for (const version of BXF_VERSIONS) {
      const ack = writeBxfAcknowledgement({ ...read, message: { ...read.message, version } }, fixed);
      expect((await validateXml(ack, `bxf-${version}`)).errors).toEqual([]);
      expect(ack).toContain('messageType="Acknowledgement"');
      expect(ack).toContain(`originMessageId="urn:uuid:${read.message.id}"`);
      expect(ack).toContain('status="warning"');
      expect(ack).toContain('5f3e1a2b-0000-4000-8000-000000000001');
    }
    const ok = writeBxfAcknowledgement(readBxfSchedule(trafficSchedule2022(), { zone: 'America/New_York' }), fixed);
    expect(ok).toContain('status="ok"');
    expect(ok).not.toContain('errorDescription');
  });

  it('refuses a document that is not a BXF schedule with a typed error naming it', () => {
    const cases = [
      '<x/>',
      '<BxfMessage xmlns="http://smpte-ra.org/schemas/2021/2019/BXF" id="urn:uuid:00000000-0000-4000-8000-000000000000"/>',
      trafficSchedule2022().replace(/<Schedule [\s\S]*<\/Schedule>/, ''),
      '<!DOCTYPE x [<!ENTITY a "b">]><x/>',
    ];
    for (const xml of cases) {
      let error: unknown;
      try {
        readBxfSchedule(xml, { zone: 'UTC', source: 'in.xml' });
      } catch (e) {
        error = e;
      }
      expect(isFramewiseError(error), xml).toBe(true);
      expect((error as Error).message).toContain('in.xml');
    }
  });

  it('never throws anything but a typed error on mutated documents, and never hangs (fuzz)', () => {
    const base = trafficSchedule2022();
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(base.length), fc.nat(40), fc.string({ maxLength: 12 })), {
          minLength: 1,
          maxLength: 4,
        }),
        (edits) => {
          let xml = base;
          for (const [at, cut, text] of edits)
            xml = xml.slice(0, at % xml.length) + text + xml.slice((at % xml.length) + cut);
          try {
            const read = readBxfSchedule(xml, { zone: 'America/New_York' });
            for (const r of read.rejected) expect(isFramewiseError(r.error)).toBe(true);
          } catch (error) {
            if (!isFramewiseError(error)) throw error;
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('fuzzes element text with values of the wrong type (property)', () => {
    const base = trafficSchedule2022();
    const texts = [...base.matchAll(/>([^<>\s][^<>]*)</g)].map((m) => m.index as number);
    fc.assert(
      fc.property(fc.constantFrom(...texts), fc.string({ maxLength: 20 }), (at, value) => {
        const end = base.indexOf('<', at);
        const xml = `${base.slice(0, at + 1)}${value.replace(/[<&]/g, '')}${base.slice(end)}`;
        try {
          readBxfSchedule(xml, { zone: 'America/New_York' });
        } catch (error) {
          if (!isFramewiseError(error)) throw error;
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('schedule changes', () => {
  const events = playoutDay(6, { num: 25, den: 1, dropFrame: false }).map((e) => PlayoutEventSchema.parse(e));
  const [a, b, c] = events as [PlayoutEvent, PlayoutEvent, PlayoutEvent];

  it('adds in time order, updates in place and removes primary and secondary events', () => {
    const moved = { ...b, title: 'Moved', durationFrames: 10 };
    const added = { ...c, id: uuid(777), start: new Date(Date.parse(a.start) + 1000).toISOString() };
    const out = applyScheduleChanges(events, [
      { action: 'update', event: moved },
      { action: 'add', event: added },
      { action: 'remove', eventId: uuid(100_000) },
      { action: 'remove', eventId: c.id },
    ]);
    expect(out.map((e) => e.id)).toEqual([a.id, uuid(777), b.id, ...events.slice(3).map((e) => e.id)]);
    expect(out[2]?.title).toBe('Moved');
    expect(out[0]?.secondary.map((s) => s.id)).toEqual([uuid(200_000)]);
    expect(events[0]?.secondary).toHaveLength(2);
  });

  it('refuses an add of a scheduled id and an update or removal of an unknown one, changing nothing', () => {
    expect(() => applyScheduleChanges(events, [{ action: 'add', event: a }])).toThrow(/already scheduled/);
    let error: unknown;
    try {
      applyScheduleChanges(events, [{ action: 'remove', eventId: uuid(5555) }]);
    } catch (e) {
      error = e;
    }
    expect(isFramewiseError(error, 'NOT_FOUND')).toBe(true);
    expect(() =>
      applyScheduleChanges(events, [
        { action: 'remove', eventId: a.id },
        { action: 'update', event: { ...a, title: 'x' } },
      ]),
    ).toThrow(/change 1: cannot update event/);
  });
});
