import { parseInput } from '@framewise/core/adapter-kit';
import { FramewiseError } from '@framewise/core/errors';
import {
  type PlayoutEvent,
  type PlayoutEventInput,
  PlayoutEventSchema,
  type PlayoutSchedule,
} from '@framewise/core/interchange';
import type { FrameRateJson } from '@framewise/core/time';
import { assertXmlSafe } from '../xml/chars.js';
import { type XmlOut, XmlWriter } from '../xml/writer.js';
import { type BxfParties, media, openMessage, smpteDuration, smpteTime } from './message.js';
import type { BxfVersion } from './names.js';

/** A schedule message: its header and its events, which may be produced while it is written. */
export interface ScheduleMessage {
  readonly id: string;
  readonly at: Date;
  readonly schedule: PlayoutSchedule;
  readonly events: Iterable<PlayoutEventInput> | AsyncIterable<PlayoutEventInput>;
}

const SPOT_KINDS = new Set(['spot', 'promo', 'bumper', 'filler']);

/**
 * A BXF Schedule message streamed event by event: each primary event (with its content's house
 * number, SOM and duration) and its secondary events, flushed every `chunkSize` characters, so a
 * schedule of any length is written in bounded memory. Each event is validated as it is read;
 * an invalid one stops the stream with `INVALID_INPUT` naming `events[i]`.
 */
export async function* scheduleChunks(
  m: ScheduleMessage,
  version: BxfVersion,
  parties: BxfParties,
  chunkSize: number,
  w: XmlOut = new XmlWriter(),
): AsyncGenerator<string> {
  const s = m.schedule;
  const clock = new BroadcastClock(s.zone, s.broadcastDayStart, s.rate);
  openMessage(w, version, m.id, m.at, parties);
  w.open('Schedule', {
    type: 'Primary',
    scheduleId: `urn:uuid:${s.id}`,
    scheduleStart: s.start,
    scheduleEnd: s.end,
  });
  w.leaf('ScheduleName', s.channel);
  let index = 0;
  for await (const raw of m.events) {
    const field = `events[${index}]`;
    const event = parseInput(PlayoutEventSchema, raw, `Schedule ${field}`);
    assertXmlSafe(event, field);
    writeEvent(w, event, s.rate, clock, version, field);
    index++;
    if (w.buffered >= chunkSize) yield w.take();
  }
  w.close().close().close();
  yield w.take();
}

function writeEvent(
  w: XmlOut,
  e: PlayoutEvent,
  rate: FrameRateJson,
  clock: BroadcastClock,
  version: BxfVersion,
  field: string,
): void {
  const start = clock.at(e.start, `${field}.start`);
  w.open('ScheduledEvent');
  w.open('EventData', { eventType: 'Primary' });
  w.open('EventId').leaf('EventId', `urn:uuid:${e.id}`).close();
  w.leaf('EventTitle', e.title);
  w.open('PrimaryEvent');
  if (e.kind === 'program') {
    w.open('ProgramEvent')
      .leaf('SegmentNumber', e.segmentNumber ?? 1)
      .leaf('ProgramName', e.programName ?? e.title);
    w.close();
  } else if (SPOT_KINDS.has(e.kind)) {
    w.open('NonProgramEvent').open('Details');
    if (version !== '2008') w.leaf('AdType', e.kind === 'spot' ? 'General' : 'Promo');
    w.leaf('SpotType', 'Standard').close().close();
  }
  w.close();
  dateTime(w, start, rate, version, `${field}.start`, e.startMode === 'follow');
  w.open('LengthOption');
  smpteDuration(w, 'Duration', e.durationFrames, rate, version, `${field}.durationFrames`);
  w.close();
  w.leaf('StartMode', e.startMode === 'fixed' ? 'Fixed' : 'Follow');
  w.leaf('EndMode', 'Duration');
  w.close();
  w.open('Content');
  w.open('ContentId').leaf('HouseNumber', e.content.houseNumber).close();
  w.leaf('Name', e.content.name ?? e.title);
  if (e.content.path !== undefined) {
    media(w, e.content.path, e.content.somFrames, e.durationFrames, rate, version, `${field}.content`, false);
  }
  w.close();
  w.close();
  e.secondary.forEach((sec, i) => {
    const f = `${field}.secondary[${i}]`;
    const offset = sec.from === 'start' ? sec.offsetFrames : e.durationFrames - sec.offsetFrames;
    w.open('ScheduledEvent');
    w.open('EventData', { eventType: 'NonPrimary' });
    w.open('EventId').leaf('EventId', `urn:uuid:${sec.id}`).close();
    w.leaf('EventTitle', sec.name);
    w.open('NonPrimaryEvent');
    w.leaf('NonPrimaryEventName', sec.name);
    w.leaf('PrimaryEventId', `urn:uuid:${e.id}`);
    w.open('Offset', {
      offsetFrom: sec.from === 'start' ? 'BeginningofEvent' : 'EndofEvent',
      offsetType: 'Start',
      direction: sec.from === 'start' ? 'Positive' : 'Negative',
    });
    smpteTime(w, 'OffsetTime', sec.offsetFrames, rate, version, `${f}.offsetFrames`);
    w.close();
    w.close();
    dateTime(w, { date: start.date, frames: start.frames + offset }, rate, version, `${f}.start`, true);
    w.open('LengthOption');
    smpteDuration(w, 'Duration', sec.durationFrames ?? e.durationFrames - offset, rate, version, `${f}.durationFrames`);
    w.close();
    w.leaf('StartMode', 'Follow').leaf('EndMode', 'Duration');
    w.close().close();
  });
}

function dateTime(
  w: XmlOut,
  at: { readonly date: string; readonly frames: number },
  rate: FrameRateJson,
  version: BxfVersion,
  field: string,
  nominal: boolean,
): void {
  w.open('StartDateTime', nominal ? { nominalFlag: 'true' } : {});
  smpteTime(w, 'SmpteDateTime', at.frames, rate, version, field, { broadcastDate: at.date });
  w.close();
}

/**
 * Converts instants to a channel's broadcast date and time of day in frames: the local date in
 * the channel's zone (minus one day before the broadcast day's start time) and the frame count
 * since local midnight, rounded to the nearest frame.
 */
class BroadcastClock {
  readonly #format: Intl.DateTimeFormat;
  readonly #dayStartMinutes: number;
  readonly #rate: FrameRateJson;

  constructor(zone: string, dayStart: string, rate: FrameRateJson) {
    this.#format = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    const [h, m] = dayStart.split(':').map(Number);
    this.#dayStartMinutes = (h ?? 0) * 60 + (m ?? 0);
    this.#rate = rate;
  }

  at(instant: string, field: string): { date: string; frames: number } {
    const ms = Date.parse(instant);
    if (Number.isNaN(ms)) throw new FramewiseError('INVALID_INPUT', `${field} ${instant} is not an instant`);
    const parts: Record<string, string> = {};
    for (const p of this.#format.formatToParts(new Date(ms))) parts[p.type] = p.value;
    const h = Number(parts.hour);
    const min = Number(parts.minute);
    const sec = Number(parts.second);
    const msOfDay = ((h * 60 + min) * 60 + sec) * 1000 + (((ms % 1000) + 1000) % 1000);
    let date = `${parts.year}-${parts.month}-${parts.day}`;
    if (h * 60 + min < this.#dayStartMinutes) {
      const previous = new Date(`${date}T12:00:00Z`);
      previous.setUTCDate(previous.getUTCDate() - 1);
      date = previous.toISOString().slice(0, 10);
    }
    return { date, frames: Math.round((msOfDay * this.#rate.num) / (this.#rate.den * 1000)) };
  }
}
