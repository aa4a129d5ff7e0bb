import { parseInput } from '@framewise/core/adapter-kit';
import {
  type AsRunEntry,
  type AsRunEntryInput,
  AsRunEntrySchema,
  type AsRunReconciliation,
  type AsRunStatus,
  type PlayoutSchedule,
} from '@framewise/core/interchange';
import { assertXmlSafe } from '../xml/chars.js';
import { type XmlOut, XmlWriter } from '../xml/writer.js';
import { type BxfParties, openMessage, smpteDuration, smpteLabel } from './message.js';
import type { BxfVersion } from './names.js';
import { BroadcastClock } from './schedule.js';
import { bxfTimecodeBase } from './timecode.js';

/** An as-run message: the schedule it reports on and its lines. */
export interface AsRunMessage {
  readonly id: string;
  readonly at: Date;
  readonly schedule: PlayoutSchedule;
  readonly entries: Iterable<AsRunEntryInput>;
}

/**
 * A BXF as-run message streamed line by line: a `Schedule` of `AsRun`/`BasicAsRun` items, each
 * with the event id it ran for (`Null` when an operator inserted it), the house number and title,
 * its statuses, when it went to air (broadcast date and wall-clock label, as schedules are
 * written) and how long it ran.
 */
export function* asRunChunks(
  m: AsRunMessage,
  version: BxfVersion,
  parties: BxfParties,
  chunkSize: number,
  w: XmlOut = new XmlWriter(),
): Generator<string> {
  const s = m.schedule;
  const clock = new BroadcastClock(
    s.zone,
    s.broadcastDayStart,
    s.rate,
    bxfTimecodeBase(s.rate, version, 'schedule.rate'),
  );
  openMessage(w, version, m.id, m.at, parties);
  w.open('Schedule', { type: 'Primary', scheduleId: `urn:uuid:${s.id}`, scheduleStart: s.start, scheduleEnd: s.end });
  w.leaf('ScheduleName', s.channel);
  let index = 0;
  for (const raw of m.entries) {
    const field = `entries[${index}]`;
    const e = parseInput(AsRunEntrySchema, raw, `As-run ${field}`);
    assertXmlSafe(e, field);
    writeLine(w, e, s, clock, version, field);
    index++;
    if (w.buffered >= chunkSize) yield w.take();
  }
  w.close().close().close();
  yield w.take();
}

function writeLine(
  w: XmlOut,
  e: AsRunEntry,
  s: PlayoutSchedule,
  clock: BroadcastClock,
  version: BxfVersion,
  field: string,
): void {
  w.open('AsRun').open('BasicAsRun');
  w.open('AsRunEventId');
  if (e.eventId === undefined) w.empty('Null');
  else w.leaf('EventId', `urn:uuid:${e.eventId}`);
  w.close();
  w.open('Content').open('ContentId').leaf('HouseNumber', e.houseNumber).close();
  if (e.title !== undefined) w.leaf('Name', e.title);
  w.close();
  w.open('AsRunDetail');
  for (const status of e.statuses) w.leaf('Status', status);
  w.leaf('Type', 'Primary');
  const at = clock.at(Date.parse(e.start));
  w.open('StartDateTime');
  smpteLabel(w, 'SmpteDateTime', at.label, s.rate, { broadcastDate: at.date });
  w.close();
  smpteDuration(w, 'Duration', e.durationFrames, s.rate, version, `${field}.durationFrames`);
  w.close();
  w.close().close();
}

/**
 * The as-run lines to send back to traffic after reconciliation: each aired event as automation
 * reported it, with `Aired with Duration Discrepancy` added when it ran short or long and
 * `Inserted by Operator` for an extra one; each missing event as `Did not air` (or its reported
 * status) at its planned start with no length.
 */
export function asRunForTraffic(reconciliation: AsRunReconciliation): AsRunEntry[] {
  const out: AsRunEntry[] = [];
  for (const r of reconciliation.events) {
    const add = (statuses: readonly AsRunStatus[], extra: AsRunStatus): AsRunStatus[] => {
      const kept = statuses.filter((st) => st !== 'Aired Without Discrepancy' && st !== extra);
      return [extra, ...kept];
    };
    if (r.verdicts.includes('missing') && r.planned !== undefined) {
      out.push({
        eventId: r.planned.id,
        houseNumber: r.planned.content.houseNumber,
        title: r.planned.title,
        start: r.plannedStart ?? r.planned.start,
        durationFrames: 0,
        statuses: r.aired?.statuses ?? ['Did not air'],
      });
    } else if (r.aired !== undefined) {
      let statuses = [...r.aired.statuses];
      if (r.verdicts.includes('extra')) statuses = add(statuses, 'Inserted by Operator');
      else if (r.verdicts.includes('short') || r.verdicts.includes('long')) {
        statuses = add(statuses, 'Aired with Duration Discrepancy');
      }
      out.push({ ...r.aired, statuses });
    }
  }
  return out;
}
