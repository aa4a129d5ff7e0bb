import { parseInput } from '@framewise/core/adapter-kit';
import { FramewiseError } from '@framewise/core/errors';
import {
  type PlayoutEvent,
  type PlayoutEventInput,
  PlayoutEventSchema,
  type PlayoutSchedule,
  type Splice,
} from '@framewise/core/interchange';
import { FrameRate, type FrameRateJson } from '@framewise/core/time';
import { assertXmlSafe } from '../xml/chars.js';
import { type XmlOut, XmlWriter } from '../xml/writer.js';
import { type BxfParties, liveMedia, media, openMessage, smpteDuration, smpteLabel, smpteTime } from './message.js';
import type { BxfVersion } from './names.js';
import { bxfTimecodeBase } from './timecode.js';

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
  const clock = new BroadcastClock(
    s.zone,
    s.broadcastDayStart,
    s.rate,
    bxfTimecodeBase(s.rate, version, 'schedule.rate'),
  );
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
  const startMs = Date.parse(e.start);
  if (Number.isNaN(startMs)) throw new FramewiseError('INVALID_INPUT', `${field}.start ${e.start} is not an instant`);
  const start = clock.at(startMs);
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
    if (version !== '2008') w.leaf('AdType', adType(e.kind, version));
    w.leaf('SpotType', e.kind === 'bumper' || e.kind === 'filler' ? 'Other' : 'Standard')
      .close()
      .close();
  }
  w.close();
  dateTime(w, start, rate, e.startMode === 'follow');
  w.open('LengthOption');
  smpteDuration(w, 'Duration', e.durationFrames, rate, version, `${field}.durationFrames`);
  w.close();
  w.leaf('StartMode', e.startMode === 'fixed' ? 'Fixed' : 'Follow');
  w.leaf('EndMode', 'Duration');
  w.close();
  w.open('Content');
  w.open('ContentId').leaf('HouseNumber', e.content.houseNumber);
  if (e.content.adId !== undefined) w.leaf('AlternateId', e.content.adId, { authoritativeSource: 'Ad-ID' });
  if (e.content.isci !== undefined) w.leaf('AlternateId', e.content.isci, { authoritativeSource: 'ISCI' });
  w.close();
  w.leaf('Name', e.content.name ?? e.title);
  if (e.content.path !== undefined && e.content.liveSource !== undefined) {
    throw new FramewiseError(
      'INVALID_INPUT',
      `${field}.content has both a path and a liveSource; an event plays a file or a live source, not both`,
      { details: { field: `${field}.content` } },
    );
  }
  if (e.content.path !== undefined) {
    media(w, e.content.path, e.content.somFrames, e.durationFrames, rate, version, `${field}.content`, false);
  } else if (e.content.liveSource !== undefined) {
    liveMedia(w, e.content.liveSource, e.content.somFrames, e.durationFrames, rate, version, `${field}.content`);
  }
  w.close();
  // BXF's types cannot tell a bumper from a filler (both Other), nor a promo from a spot in 2008:
  // ContentType says which, so a schedule reads back as written.
  const contentType = CONTENT_TYPES[e.kind];
  if (contentType !== undefined) w.leaf('ContentType', contentType);
  w.close();
  e.secondary.forEach((sec, i) => {
    const f = `${field}.secondary[${i}]`;
    if (sec.offsetFrames > e.durationFrames) {
      throw new FramewiseError(
        'INVALID_INPUT',
        `${f}.offsetFrames ${sec.offsetFrames} is past the end of its primary event (${e.durationFrames} frames)`,
        {
          details: {
            field: `${f}.offsetFrames`,
            offsetFrames: sec.offsetFrames,
            primaryDurationFrames: e.durationFrames,
          },
        },
      );
    }
    const offset = sec.from === 'start' ? sec.offsetFrames : e.durationFrames - sec.offsetFrames;
    const duration = sec.durationFrames ?? e.durationFrames - offset;
    // Each secondary event is dated and labelled from its own instant on the wall clock.
    const at = clock.at(startMs + (offset * rate.den * 1000) / rate.num);
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
    if (sec.splice !== undefined) spliceMacro(w, sec.splice);
    w.close();
    dateTime(w, at, rate, true);
    w.open('LengthOption');
    smpteDuration(w, 'Duration', duration, rate, version, `${f}.durationFrames`);
    w.close();
    w.leaf('StartMode', 'Follow').leaf('EndMode', 'Duration');
    w.close().close();
  });
}

/** `ContentType` written for non-programme events (read back by the schedule importer). */
export const CONTENT_TYPES: Readonly<Partial<Record<PlayoutEvent['kind'], string>>> = {
  spot: 'Spot',
  promo: 'Promo',
  bumper: 'Bumper',
  filler: 'Filler',
};

/** The macro name an SCTE-35 splice is carried under, with `key=value` parameter strings. */
export const SPLICE_MACRO = 'SCTE-35';

/**
 * An SCTE-35 splice as a BXF macro on its secondary event: `MacroName` `SCTE-35` and one
 * `MacroParameterString` per field (`command=splice-insert`, `spliceEventId=1001`,
 * `outOfNetwork=true`, `breakDurationFrames=4500`, `segmentationTypeId=52`, `upid=…`).
 */
function spliceMacro(w: XmlOut, s: Splice): void {
  w.open('Macros').leaf('MacroName', SPLICE_MACRO);
  w.leaf('MacroParameterString', `command=${s.command}`);
  w.leaf('MacroParameterString', `spliceEventId=${s.spliceEventId}`);
  w.leaf('MacroParameterString', `outOfNetwork=${s.outOfNetwork}`);
  if (s.breakDurationFrames !== undefined)
    w.leaf('MacroParameterString', `breakDurationFrames=${s.breakDurationFrames}`);
  if (s.segmentationTypeId !== undefined) w.leaf('MacroParameterString', `segmentationTypeId=${s.segmentationTypeId}`);
  if (s.upid !== undefined) w.leaf('MacroParameterString', `upid=${s.upid}`);
  w.close();
}

/** BXF 2017 has no `Commercial` (spots are `General`); bumpers and fillers are `Other` in both. */
function adType(kind: string, version: BxfVersion): string {
  if (kind === 'spot') return version === '2017' ? 'General' : 'Commercial';
  if (kind === 'promo') return 'Promo';
  return 'Other';
}

function dateTime(w: XmlOut, at: TimeOfDay, rate: FrameRateJson, nominal: boolean): void {
  w.open('StartDateTime', nominal ? { nominalFlag: 'true' } : {});
  smpteLabel(w, 'SmpteDateTime', at.label, rate, { broadcastDate: at.date });
  w.close();
}

/** An instant as a broadcast date and a time-of-day timecode label. */
export interface TimeOfDay {
  /** Broadcast date (`YYYY-MM-DD`). */
  readonly date: string;
  /** Time-of-day label (`20:10:00:00`, `19:10:00;00`). */
  readonly label: string;
}

/**
 * Converts instants to a channel's broadcast date and time-of-day label. The label is the
 * channel's wall clock: hours, minutes and seconds of the local time, and the frame within the
 * second rounded to the nearest at the timecode base (a rounding to the next second carries, into
 * the next day if need be). So an event at 20:10:00 local is `20:10:00:00` at every rate —
 * 23.976, 29.97 and 59.94 non-drop included, whose timecode runs slower than the clock and so is
 * not a count of frames since midnight — and at drop-frame rates a label the count skips
 * (`19:11:00;00`) becomes the next one (`19:11:00;02`). The broadcast date is the local date of
 * the label, minus one day before the broadcast day's start time.
 */
export class BroadcastClock {
  readonly #format: Intl.DateTimeFormat;
  readonly #dayStartMinutes: number;
  readonly #base: number;
  readonly #dropFrame: boolean;

  constructor(zone: string, dayStart: string, rate: FrameRateJson, base: number) {
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
    this.#base = base;
    this.#dropFrame = FrameRate.parse(rate).dropFrame;
  }

  /** The broadcast date and label of an instant (milliseconds since the epoch). */
  at(ms: number): TimeOfDay {
    const within = ((ms % 1000) + 1000) % 1000;
    let second = ms - within;
    let frame = Math.round((within * this.#base) / 1000);
    if (frame >= this.#base) {
      second += 1000;
      frame = 0;
    }
    const parts: Record<string, string> = {};
    for (const p of this.#format.formatToParts(new Date(second))) parts[p.type] = p.value;
    const h = Number(parts.hour);
    const min = Number(parts.minute);
    const sec = Number(parts.second);
    if (this.#dropFrame) {
      const dropped = this.#base === 60 ? 4 : 2;
      if (sec === 0 && min % 10 !== 0 && frame < dropped) frame = dropped;
    }
    let date = `${parts.year}-${parts.month}-${parts.day}`;
    if (h * 60 + min < this.#dayStartMinutes) {
      const previous = new Date(`${date}T12:00:00Z`);
      previous.setUTCDate(previous.getUTCDate() - 1);
      date = previous.toISOString().slice(0, 10);
    }
    const two = (n: number) => String(n).padStart(2, '0');
    return { date, label: `${two(h)}:${two(min)}:${two(sec)}${this.#dropFrame ? ';' : ':'}${two(frame)}` };
  }
}
