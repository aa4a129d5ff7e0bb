/**
 * Demo step: playout. A short evening of the demo channel (the programme in two parts around a
 * spot, with a logo and an SCTE-35 cue out) goes to automation as a BXF 2022 schedule, is read
 * back as traffic's next system would read it, and a simulated as-run (the spot 2 frames late and
 * 10 short, part 2 dropped, a PSA inserted) is reconciled against it, written back to traffic as
 * a BXF as-run and counted in the usage ledger.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  asRunForTraffic,
  createBxfAsRunExporter,
  createBxfScheduleExporter,
  readBxfAsRun,
  readBxfSchedule,
} from '@framewise/adapters-metadata/bxf';
import { type PlayoutEventInput, playsFromAsRun, reconcileAsRun } from '@framewise/core/interchange';
import { UsageLedger } from '@framewise/core/rights';
import { heading, note } from '../print.js';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Run the playout step: schedule out and back, as-run reconciled, plays recorded. */
export async function runPlayoutStep(dataDir: string): Promise<void> {
  heading('Playout: BXF schedule out and back, as-run reconciled');
  const schedule = {
    id: id(900),
    channel: 'FRAMEWISE ONE',
    rate: { num: 25, den: 1, dropFrame: false },
    zone: 'Europe/London',
    start: '2027-07-01T05:00:00Z',
    end: '2027-07-02T05:00:00Z',
  };
  const events: PlayoutEventInput[] = [
    {
      id: id(1),
      title: 'The Crossing (1)',
      kind: 'program',
      start: '2027-07-01T19:00:00Z',
      startMode: 'fixed',
      durationFrames: 36_000,
      segmentNumber: 1,
      content: { houseNumber: 'CROSS-101', path: 'file:///playout/CROSS-101.mxf', somFrames: 900_000 },
      secondary: [
        { id: id(11), name: 'LOGO', offsetFrames: 0 },
        {
          id: id(12),
          name: 'CUE-OUT',
          offsetFrames: 0,
          from: 'end',
          splice: { command: 'splice-insert', spliceEventId: 1, breakDurationFrames: 750 },
        },
      ],
    },
    {
      id: id(2),
      title: 'Harbour Cola',
      kind: 'spot',
      start: '2027-07-01T19:24:00Z',
      durationFrames: 750,
      content: { houseNumber: 'SPOT-7', adId: 'HRBC0000017H', path: 'file:///playout/SPOT-7.mxf' },
    },
    {
      id: id(3),
      title: 'The Crossing (2)',
      kind: 'program',
      start: '2027-07-01T19:24:30Z',
      durationFrames: 36_000,
      segmentNumber: 2,
      content: { houseNumber: 'CROSS-101', path: 'file:///playout/CROSS-101.mxf', somFrames: 936_000 },
    },
  ];
  const dir = join(dataDir, 'playout');
  mkdirSync(dir, { recursive: true });
  const xml = await createBxfScheduleExporter({ version: '2022', originType: 'Traffic' }).write({ schedule, events });
  writeFileSync(join(dir, 'schedule.bxf.xml'), xml);
  const imported = readBxfSchedule(xml, { zone: schedule.zone, source: 'schedule.bxf.xml' });
  note(
    `BXF 2022 schedule: ${imported.events.length} events read back (${imported.rejected.length} refused), first at ${imported.events[0]?.start}, spot Ad-ID ${imported.events[1]?.content.adId}, ${imported.events[0]?.secondary.filter((s) => s.splice).length} SCTE-35 cue`,
  );

  const at = (iso: string, frames: number) => new Date(Date.parse(iso) + frames * 40).toISOString();
  const asRun = await createBxfAsRunExporter({
    version: '2022',
    originType: 'Automation',
    destinationType: 'Traffic',
  }).write({
    schedule,
    entries: [
      { eventId: id(1), houseNumber: 'CROSS-101', start: '2027-07-01T19:00:00Z', durationFrames: 36_000 },
      { eventId: id(2), houseNumber: 'SPOT-7', start: at('2027-07-01T19:24:00Z', 2), durationFrames: 740 },
      {
        houseNumber: 'PSA-3',
        start: at('2027-07-01T19:24:30Z', 2),
        durationFrames: 500,
        statuses: ['Inserted by Operator'],
      },
    ],
  });
  const log = readBxfAsRun(asRun, { zone: schedule.zone, source: 'as-run.bxf.xml' });
  const reconciled = reconcileAsRun(imported.schedule, imported.events, log.entries);
  for (const e of reconciled.events) {
    const what = e.planned?.title ?? e.aired?.houseNumber;
    const diff =
      e.startDifferenceFrames === undefined
        ? ''
        : ` (start ${e.startDifferenceFrames} f, length ${e.durationDifferenceFrames} f)`;
    note(`${what}: ${e.verdicts.join(', ')}${diff}`);
  }
  const back = await createBxfAsRunExporter({
    version: '2022',
    originType: 'Automation',
    destinationType: 'Traffic',
  }).write({
    schedule,
    entries: asRunForTraffic(reconciled),
  });
  writeFileSync(join(dir, 'as-run-to-traffic.bxf.xml'), back);
  const ledger = new UsageLedger();
  const { plays, unresolved } = playsFromAsRun(reconciled, {
    territory: 'GB',
    licenseType: 'free-tv',
    resolve: (house) => (house === 'CROSS-101' ? { assetId: 'crossing-s01e01' } : undefined),
  });
  for (const p of plays) ledger.append(p);
  note(
    `as-run back to traffic (${back.length} bytes); usage ledger: ${ledger.countPlays('crossing-s01e01', 'GB', 'free-tv', 0, Date.parse('2100-01-01'))} play of The Crossing in GB on free TV, unattributed: ${unresolved.join(', ')}`,
  );
}
