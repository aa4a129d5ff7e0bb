import {
  type AsRunEntryInput,
  type AsRunVerdict,
  type PlayoutEventInput,
  type PlayoutScheduleInput,
  playsFromAsRun,
  reconcileAsRun,
} from '@framewise/core/interchange';
import { UsageLedger } from '@framewise/core/rights';
import { validateXml } from '@framewise/test-support';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asRunForTraffic, BXF_VERSIONS, createBxfAsRunExporter, readBxfAsRun } from '../src/bxf/index.js';

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const fixed = {
  clock: { now: () => Date.parse('2026-11-21T09:30:00Z') },
  newId: () => '7c0e8a52-3d4b-4f6e-9a1c-2b3d4e5f6a70',
  originType: 'Automation',
  destinationType: 'Traffic',
};
type Rate = { num: number; den: number; dropFrame: boolean };
const header = (rate: Rate): PlayoutScheduleInput => ({
  id: uuid(999),
  channel: 'EXAMPLE ONE',
  rate,
  zone: 'Europe/London',
  start: '2026-06-01T05:00:00Z',
  end: '2026-06-02T05:00:00Z',
});

/**
 * The oracle, written from the reconciliation's documentation with exact integer arithmetic:
 * times in units of 1/(1000·num) s, so a frame is den·1000 units; planned follow events start
 * where the planned event before ends; lines match by id, then by house number in air order.
 */
function oracle(rate: Rate, planned: PlayoutEventInput[], lines: AsRunEntryInput[]) {
  const num = BigInt(rate.num);
  const frame = BigInt(rate.den) * 1000n;
  const starts: bigint[] = [];
  planned.forEach((e, i) => {
    const prev = planned[i - 1];
    starts.push(
      i === 0 || e.startMode === 'fixed'
        ? BigInt(Date.parse(e.start)) * num
        : (starts[i - 1] as bigint) + BigInt(prev?.durationFrames ?? 0) * frame,
    );
  });
  const sorted = [...lines].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  const match = new Map<number, AsRunEntryInput>();
  const rest: AsRunEntryInput[] = [];
  for (const l of sorted) {
    const k = planned.findIndex((p) => p.id === l.eventId);
    if (k >= 0 && !match.has(k)) match.set(k, l);
    else rest.push(l);
  }
  const extra: AsRunEntryInput[] = [];
  for (const l of rest) {
    const k = planned.findIndex((p, n) => !match.has(n) && p.content.houseNumber === l.houseNumber);
    if (k >= 0) match.set(k, l);
    else extra.push(l);
  }
  const roundDiv = (a: bigint, b: bigint) => {
    // round half up of a/b for b > 0
    const twice = 2n * a + b;
    const d = 2n * b;
    return Number(twice >= 0n ? twice / d : -((-twice + d - 1n) / d));
  };
  const out: { verdicts: AsRunVerdict[]; start?: number; length?: number }[] = planned.map((p, k) => {
    const l = match.get(k);
    const notAired = ['Did not air', 'Preempted', 'Missing Content'];
    if (l === undefined || (l.statuses ?? []).some((s) => notAired.includes(s))) return { verdicts: ['missing'] };
    const start = roundDiv(BigInt(Date.parse(l.start)) * num - (starts[k] as bigint), frame);
    const length = l.durationFrames - p.durationFrames;
    const verdicts: AsRunVerdict[] = [];
    if (start < 0) verdicts.push('early');
    if (start > 0) verdicts.push('late');
    if (length < 0) verdicts.push('short');
    if (length > 0) verdicts.push('long');
    return { verdicts: verdicts.length === 0 ? ['as-planned'] : verdicts, start, length };
  });
  for (const _ of extra) out.push({ verdicts: ['extra'] });
  return out;
}

const plannedArb = (rate: Rate) =>
  fc
    .array(
      fc.record({
        fixed: fc.boolean(),
        gapSeconds: fc.integer({ min: 0, max: 120 }),
        durationFrames: fc.integer({ min: 1, max: 90_000 }),
        house: fc.integer({ min: 0, max: 5 }),
      }),
      { minLength: 1, maxLength: 25 },
    )
    .map((rows) => {
      let t = Date.parse('2026-06-01T18:00:00Z');
      return rows.map((r, i): PlayoutEventInput => {
        const e: PlayoutEventInput = {
          id: uuid(i),
          title: `E${i}`,
          kind: r.house === 0 ? 'program' : 'spot',
          start: new Date(t).toISOString(),
          startMode: i === 0 || r.fixed ? 'fixed' : 'follow',
          durationFrames: r.durationFrames,
          content: { houseNumber: `H${r.house}` },
        };
        t += Math.ceil((r.durationFrames * rate.den) / rate.num) * 1000 + r.gapSeconds * 1000;
        return e;
      });
    });

const linesArb = (rate: Rate, planned: PlayoutEventInput[]) =>
  fc
    .tuple(
      fc.array(
        fc.record({
          fate: fc.constantFrom('exact', 'shift', 'length', 'omit', 'not-aired', 'no-id'),
          frames: fc.integer({ min: -50, max: 50 }),
        }),
        { minLength: planned.length, maxLength: planned.length },
      ),
      fc.array(fc.integer({ min: 0, max: 7 }), { maxLength: 3 }),
    )
    .map(([fates, extras]) => {
      const o = oracleStarts(rate, planned);
      const lines: AsRunEntryInput[] = [];
      planned.forEach((p, k) => {
        const f = fates[k] as { fate: string; frames: number };
        if (f.fate === 'omit') return;
        const shift = f.fate === 'shift' ? f.frames : 0;
        const startMs = Math.round(o[k] as number) + Math.round((shift * rate.den * 1000) / rate.num);
        lines.push({
          ...(f.fate === 'no-id' ? {} : { eventId: p.id as string }),
          houseNumber: p.content.houseNumber,
          start: new Date(startMs).toISOString(),
          durationFrames: Math.max(0, p.durationFrames + (f.fate === 'length' ? f.frames : 0)),
          ...(f.fate === 'not-aired' ? { statuses: ['Did not air' as const] } : {}),
        });
      });
      extras.forEach((h, i) => {
        lines.push({
          houseNumber: `X${h}`,
          start: new Date(Date.parse('2026-06-01T23:00:00Z') + i * 1000).toISOString(),
          durationFrames: 250,
          statuses: ['Inserted by Operator'],
        });
      });
      return lines;
    });

function oracleStarts(rate: Rate, planned: PlayoutEventInput[]): number[] {
  const out: number[] = [];
  planned.forEach((e, i) => {
    const prev = planned[i - 1];
    out.push(
      i === 0 || e.startMode === 'fixed'
        ? Date.parse(e.start)
        : (out[i - 1] as number) + ((prev?.durationFrames ?? 0) * rate.den * 1000) / rate.num,
    );
  });
  return out;
}

describe('as-run reconciliation', () => {
  const rates: Rate[] = [
    { num: 25, den: 1, dropFrame: false },
    { num: 30000, den: 1001, dropFrame: true },
    { num: 24000, den: 1001, dropFrame: false },
    { num: 60000, den: 1001, dropFrame: false },
  ];
  it.each(rates)('agrees with the naive oracle on random schedules and logs at %o (property)', (rate) => {
    fc.assert(
      fc.property(
        plannedArb(rate).chain((planned) => fc.tuple(fc.constant(planned), linesArb(rate, planned))),
        ([planned, lines]) => {
          const ours = reconcileAsRun(header(rate), planned, lines);
          const want = oracle(rate, planned, lines);
          expect(
            ours.events.map((e) => ({
              verdicts: e.verdicts,
              ...(e.startDifferenceFrames === undefined ? {} : { start: e.startDifferenceFrames }),
              ...(e.durationDifferenceFrames === undefined ? {} : { length: e.durationDifferenceFrames }),
            })),
          ).toEqual(want);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('reports late, short, missing and extra with frame-exact differences at 29.97 drop-frame', () => {
    const rate = { num: 30000, den: 1001, dropFrame: true };
    const planned: PlayoutEventInput[] = [
      {
        id: uuid(1),
        title: 'News',
        kind: 'program',
        start: '2026-06-01T22:00:00Z',
        startMode: 'fixed',
        durationFrames: 21_578,
        content: { houseNumber: 'NEWS' },
      },
      {
        id: uuid(2),
        title: 'Spot',
        kind: 'spot',
        start: '2026-06-01T22:12:00Z',
        durationFrames: 900,
        content: { houseNumber: 'C1' },
      },
      {
        id: uuid(3),
        title: 'Spot 2',
        kind: 'spot',
        start: '2026-06-01T22:12:30Z',
        durationFrames: 450,
        content: { houseNumber: 'C2' },
      },
    ];
    // News aired as planned; the spot followed it exactly (12 min of frames after 22:00) but 3 frames late, and ran 10 short.
    const newsEnd = Date.parse('2026-06-01T22:00:00Z') + (21_578 * 1001) / 30;
    const r = reconcileAsRun(header(rate), planned, [
      { eventId: uuid(1), houseNumber: 'NEWS', start: '2026-06-01T22:00:00.000Z', durationFrames: 21_578 },
      {
        eventId: uuid(2),
        houseNumber: 'C1',
        start: new Date(Math.round(newsEnd + (3 * 1001) / 30)).toISOString(),
        durationFrames: 890,
      },
      { houseNumber: 'PSA-1', start: '2026-06-01T22:12:31Z', durationFrames: 300 },
    ]);
    expect(r.events.map((e) => [e.verdicts, e.startDifferenceFrames, e.durationDifferenceFrames])).toEqual([
      [['as-planned'], 0, 0],
      [['late', 'short'], 3, -10],
      [['missing'], undefined, undefined],
      [['extra'], undefined, undefined],
    ]);
    expect(r.counts).toMatchObject({ 'as-planned': 1, late: 1, short: 1, missing: 1, extra: 1 });
  });
});

describe('as-run over BXF', () => {
  const rate = { num: 25, den: 1, dropFrame: false };
  const planned: PlayoutEventInput[] = [
    {
      id: uuid(1),
      title: 'Harbour Lights (1)',
      kind: 'program',
      start: '2026-06-01T19:00:00Z',
      startMode: 'fixed',
      durationFrames: 39_250,
      segmentNumber: 1,
      content: { houseNumber: 'HL-1' },
    },
    {
      id: uuid(2),
      title: 'Spot',
      kind: 'spot',
      start: '2026-06-01T19:26:10Z',
      durationFrames: 750,
      content: { houseNumber: 'ADV-1' },
    },
    {
      id: uuid(3),
      title: 'Harbour Lights (2)',
      kind: 'program',
      start: '2026-06-01T19:26:40Z',
      durationFrames: 38_750,
      segmentNumber: 2,
      content: { houseNumber: 'HL-1' },
    },
    {
      id: uuid(4),
      title: 'Spot',
      kind: 'spot',
      start: '2026-06-01T19:52:30Z',
      durationFrames: 750,
      content: { houseNumber: 'ADV-2' },
    },
    {
      id: uuid(5),
      title: 'Harbour Lights (1)',
      kind: 'program',
      start: '2026-06-01T23:00:00Z',
      startMode: 'fixed',
      durationFrames: 39_250,
      segmentNumber: 1,
      content: { houseNumber: 'HL-1' },
    },
  ];
  const log: AsRunEntryInput[] = [
    {
      eventId: uuid(1),
      houseNumber: 'HL-1',
      title: 'Harbour Lights',
      start: '2026-06-01T19:00:00.040Z',
      durationFrames: 39_250,
    },
    { eventId: uuid(2), houseNumber: 'ADV-1', start: '2026-06-01T19:26:10.040Z', durationFrames: 740 },
    { eventId: uuid(3), houseNumber: 'HL-1', start: '2026-06-01T19:26:39.640Z', durationFrames: 38_750 },
    {
      eventId: uuid(4),
      houseNumber: 'ADV-2',
      start: '2026-06-01T19:52:29.640Z',
      durationFrames: 0,
      statuses: ['Preempted'],
    },
    { houseNumber: 'PSA-7', start: '2026-06-01T19:52:30Z', durationFrames: 750, statuses: ['Inserted by Operator'] },
    { eventId: uuid(5), houseNumber: 'HL-1', start: '2026-06-01T23:00:00.000Z', durationFrames: 39_250 },
  ];

  it.each(BXF_VERSIONS)(
    'writes an as-run log (%s) valid per schema, reads it back and reconciles it',
    async (version) => {
      const xml = await createBxfAsRunExporter({ version, ...fixed }).write({ schedule: header(rate), entries: log });
      expect((await validateXml(xml, `bxf-${version}`)).errors).toEqual([]);
      const read = readBxfAsRun(xml, { zone: 'Europe/London', source: 'asrun.xml' });
      expect(read.rejected).toEqual([]);
      expect(read.scheduleId).toBe(uuid(999));
      expect(read.entries.map((e) => [e.eventId, e.houseNumber, e.start, e.durationFrames, e.statuses])).toEqual(
        log.map((l) => [
          l.eventId,
          l.houseNumber,
          new Date(l.start).toISOString(),
          l.durationFrames,
          l.statuses ?? ['Aired Without Discrepancy'],
        ]),
      );
      const r = reconcileAsRun(header(rate), planned, read.entries);
      expect(r.events.map((e) => [e.verdicts, e.startDifferenceFrames, e.durationDifferenceFrames])).toEqual([
        [['late'], 1, 0],
        [['late', 'short'], 1, -10],
        [['early'], -9, 0],
        [['missing'], undefined, undefined],
        [['as-planned'], 0, 0],
        [['extra'], undefined, undefined],
      ]);

      // Back to traffic: discrepancies said in BXF's own statuses.
      const back = asRunForTraffic(r);
      expect(back.map((e) => e.statuses)).toEqual([
        ['Aired Without Discrepancy'],
        ['Aired with Duration Discrepancy'],
        ['Aired Without Discrepancy'],
        ['Preempted'],
        ['Aired Without Discrepancy'],
        ['Inserted by Operator'],
      ]);
      const toTraffic = await createBxfAsRunExporter({ version, ...fixed }).write({
        schedule: header(rate),
        entries: back,
      });
      expect((await validateXml(toTraffic, `bxf-${version}`)).errors).toEqual([]);
      expect(toTraffic).toContain('<Null/>');
    },
  );

  it('feeds the usage ledger: one play per programme airing (segments joined), per spot, per territory and channel', () => {
    const r = reconcileAsRun(header(rate), planned, log);
    const { plays, unresolved } = playsFromAsRun(r, {
      territory: 'GB',
      licenseType: 'free-tv',
      resolve: (house) =>
        house.startsWith('HL')
          ? { assetId: 'asset-hl', versionId: 'v1' }
          : house === 'ADV-1'
            ? { assetId: 'asset-adv' }
            : undefined,
    });
    expect(unresolved).toEqual(['PSA-7']);
    expect(plays.map((p) => [p.assetId, p.start, p.end, p.minutes])).toEqual(
      [
        ['asset-hl', '2026-06-01T19:00:00.040Z', '2026-06-01T19:52:29.640Z', 52],
        ['asset-adv', '2026-06-01T19:26:10.040Z', '2026-06-01T19:26:39.640Z', 740 / 25 / 60],
        ['asset-hl', '2026-06-01T23:00:00.000Z', '2026-06-01T23:26:10.000Z', 39_250 / 25 / 60],
      ].map(([a, s, e, m]) => [a, s, e, Math.round((m as number) * 1e6) / 1e6]),
    );
    const ledger = new UsageLedger();
    for (const p of plays) ledger.append(p);
    const day = [Date.parse('2026-06-01T00:00:00Z'), Date.parse('2026-06-02T00:00:00Z')] as const;
    expect(ledger.countPlays('asset-hl', 'GB', 'free-tv', ...day)).toBe(2);
    expect(ledger.countPlays('asset-hl', 'IE', 'free-tv', ...day)).toBe(0);
    expect(ledger.countPlays('asset-adv', 'GB', 'free-tv', ...day)).toBe(1);
  });
});
