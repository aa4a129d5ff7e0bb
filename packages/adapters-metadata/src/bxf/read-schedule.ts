import { parseInput } from '@framewise/core/adapter-kit';
import { FramewiseError, isFramewiseError } from '@framewise/core/errors';
import {
  type PlayoutEvent,
  type PlayoutEventInput,
  PlayoutEventSchema,
  type PlayoutSchedule,
  PlayoutScheduleSchema,
  type ScheduleChange,
  type SecondaryEventInput,
  SecondaryEventSchema,
  type SpliceInput,
} from '@framewise/core/interchange';
import type { FrameRateJson } from '@framewise/core/time';
import type { XmlElement } from '../xml/parser.js';
import type { XmlQuery } from '../xml/query.js';
import { type BxfMessageHeader, BxfTimes, firstRate, openBxf, uuidOf } from './read-message.js';
import { bxfTimecodeBase } from './timecode.js';
import { WallClockReader } from './wall-clock.js';

/** Options of {@link readBxfSchedule}. */
export interface BxfScheduleReadOptions {
  /** Name of the document in errors (a file name). */
  readonly source?: string;
  /** The channel's IANA time zone: broadcast dates and times of day are its wall clock. */
  readonly zone: string;
  /** Time of day the broadcast day starts (`HH:mm`, default `06:00`). */
  readonly broadcastDayStart?: string;
  /** The channel's rate (default: the first `frameRate` in the document). */
  readonly rate?: FrameRateJson;
  /** The channel's name when the schedule has no `ScheduleName` (default: the message origin). */
  readonly channel?: string;
}

/** An event the importer could not take, with the typed error naming it. */
export interface RejectedEvent {
  /** Position of the `ScheduledEvent` in the schedule (0-based). */
  readonly index: number;
  /** Its event id, when it has a readable one. */
  readonly eventId: string | undefined;
  /** `INVALID_INPUT` or `UNSUPPORTED`; the message names the document, the event and the field. */
  readonly error: FramewiseError;
}

/** What a BXF schedule message says. */
export interface BxfScheduleImport {
  readonly message: BxfMessageHeader;
  readonly schedule: PlayoutSchedule;
  /** The changes, in document order: adds, updates and removals of primary and secondary events. */
  readonly changes: ScheduleChange[];
  /** The primary events added or updated (the events of the `changes`), in document order. */
  readonly events: PlayoutEvent[];
  /** Events refused, each with its own error; the others are imported. */
  readonly rejected: RejectedEvent[];
  /** Things read with a documented approximation (a `Manual` start mode, a skipped comment event). */
  readonly warnings: string[];
}

type Action = 'add' | 'update' | 'remove';

interface PendingPrimary {
  readonly action: 'add' | 'update';
  readonly index: number;
  readonly input: PlayoutEventInput & { secondary: SecondaryEventInput[] };
  rejected?: boolean;
}

/**
 * Read a BXF Schedule message from traffic (2008, 2017 or 2022 namespace) into the schedule model:
 * primary events (programmes, segments, spots with Ad-ID and ISCI, promos, bumpers, fillers, live
 * events from a router source) with their secondary events (logos, graphics, SCTE-35 splices),
 * and the action on each (`add`, `update`, `remove`; `read` and `unchanged` are skipped). Times
 * are the channel's wall clock (the inverse of the exporter's convention, docs/playout.md). Each
 * event is read on its own: one that cannot be read is returned in `rejected` with a typed error
 * naming it, and the rest are imported.
 *
 * @throws `INVALID_INPUT` naming the document for malformed XML, another root, no `Schedule`,
 * or a header that cannot be read; `UNSUPPORTED` for a BXF release or rate Framewise does not read.
 */
export function readBxfSchedule(document: string | Uint8Array, options: BxfScheduleReadOptions): BxfScheduleImport {
  const source = options.source ?? 'BXF schedule';
  const opened = openBxf(document, source);
  const q: XmlQuery = opened.q;
  const { ns, header, data } = opened;
  const scheduleEl = (data && q.first(data, ns, 'Schedule')) ?? q.fail(q.root, 'the message holds no Schedule');
  const rate = options.rate ?? firstRate(q, scheduleEl, ns) ?? q.fail(scheduleEl, 'no frameRate in the schedule');
  const base = bxfTimecodeBase(rate, header.version, `${source} rate`);
  const dayStart = options.broadcastDayStart ?? '06:00';
  const clock = wallClock(options.zone, dayStart);
  const times = new BxfTimes(q, ns, rate, base, clock);
  const scheduleAction = scheduleEl.attributes.get('action') ?? header.action;

  const rejected: RejectedEvent[] = [];
  const warnings: string[] = [];
  const order: (PendingPrimary | ScheduleChange)[] = [];
  const byId = new Map<string, PendingPrimary>();
  let last: PendingPrimary | undefined;
  let firstStart = Number.POSITIVE_INFINITY;
  let lastEnd = Number.NEGATIVE_INFINITY;
  const msPerFrame = (rate.den * 1000) / rate.num;

  q.all(scheduleEl, ns, 'ScheduledEvent').forEach((se, index) => {
    let eventId: string | undefined;
    let primary = false;
    try {
      const data = q.first(se, ns, 'EventData') ?? q.fail(se, 'ScheduledEvent has no EventData');
      const idEl = q.first(data, ns, 'EventId');
      const idText = idEl === undefined ? undefined : q.childText(idEl, ns, 'EventId');
      eventId = uuidOf(idText);
      const declared = data.attributes.get('action') ?? se.attributes.get('action') ?? scheduleAction;
      if (declared === 'read' || declared === 'unchanged') {
        warnings.push(`event ${index} has action ${declared}: skipped`);
        return;
      }
      if (declared !== 'add' && declared !== 'update' && declared !== 'remove') {
        q.fail(data, `action ${JSON.stringify(declared)} is not add, update or remove`);
      }
      const action = declared as Action;
      const id =
        eventId ??
        q.fail(data, `event id ${JSON.stringify(idText ?? '')} is not a urn:uuid (traffic must identify each event)`);
      if (action === 'remove') {
        order.push({ action: 'remove', eventId: id });
        return;
      }
      const type = data.attributes.get('eventType') ?? 'Primary';
      if (type === 'Primary') {
        primary = true;
        const input = readPrimary(q, ns, times, se, data, id, warnings, index);
        const startMs = Date.parse(input.start as string);
        firstStart = Math.min(firstStart, startMs);
        lastEnd = Math.max(lastEnd, startMs + input.durationFrames * msPerFrame);
        const pending: PendingPrimary = { action, index, input };
        // Validate now so a bad primary is rejected alone, before secondaries attach to it.
        parseInput(PlayoutEventSchema, input, `event ${id}`);
        order.push(pending);
        byId.set(id, pending);
        last = pending;
      } else if (type === 'NonPrimary') {
        const np = q.first(data, ns, 'NonPrimaryEvent') ?? q.fail(data, 'a NonPrimary event has no NonPrimaryEvent');
        const primaryId = q.childText(np, ns, 'PrimaryEventId');
        const owner = primaryId === undefined ? last : byId.get(uuidOf(primaryId) ?? '');
        if (primaryId !== undefined && uuidOf(primaryId) === undefined) {
          q.fail(np, `PrimaryEventId ${JSON.stringify(primaryId)} is not a urn:uuid`);
        }
        if (owner?.rejected === true) {
          q.fail(np, `its primary event ${owner.input.id} was rejected`);
        }
        const primaryLength = owner?.input.durationFrames;
        const secondary = parseInput(
          SecondaryEventSchema,
          readSecondary(q, ns, times, data, np, id, primaryLength),
          `secondary event ${id}`,
        );
        if (owner !== undefined) {
          owner.input.secondary.push(secondary);
        } else if (primaryId === undefined) {
          q.fail(np, 'a secondary event with no PrimaryEventId and no primary event before it');
        } else {
          order.push({ action, secondary, primaryEventId: uuidOf(primaryId) as string });
        }
      } else {
        warnings.push(`event ${index} is a ${type} event: skipped`);
      }
    } catch (error) {
      if (!isFramewiseError(error)) throw error;
      const named = new FramewiseError(
        error.code,
        `${source}: event ${index}${eventId === undefined ? '' : ` (${eventId})`}: ${error.message.replace(`${source}, `, '')}`,
        { cause: error, details: { source, index, ...(eventId === undefined ? {} : { eventId }) } },
      );
      rejected.push({ index, eventId, error: named });
      if (primary) {
        // Its secondary events are refused with it, not attached to the event before.
        const marker: PendingPrimary = {
          action: 'add',
          index,
          input: { id: eventId ?? '', secondary: [] } as unknown as PendingPrimary['input'],
          rejected: true,
        };
        last = marker;
        if (eventId !== undefined) byId.set(eventId, marker);
      }
    }
  });

  const events: PlayoutEvent[] = [];
  const ordered: ScheduleChange[] = [];
  for (const item of order) {
    if ('input' in item) {
      if (item.rejected === true) continue;
      try {
        const event = parseInput(PlayoutEventSchema, item.input, `${source}: event ${item.index} (${item.input.id})`);
        events.push(event);
        ordered.push({ action: item.action, event });
      } catch (error) {
        if (!isFramewiseError(error)) throw error;
        rejected.push({ index: item.index, eventId: item.input.id, error });
      }
    } else {
      ordered.push(item);
    }
  }

  rejected.sort((a, b) => a.index - b.index);
  const instantAttr = (name: string, fallback: number): string => {
    const text = scheduleEl.attributes.get(name);
    if (text === undefined) return Number.isFinite(fallback) ? new Date(fallback).toISOString() : header.dateTime;
    if (/(Z|[+-]\d{2}:\d{2})$/.test(text) && !Number.isNaN(Date.parse(text))) return text;
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(text);
    if (m === null) return q.fail(scheduleEl, `${name} ${JSON.stringify(text)} is not a date-time`);
    const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as number[];
    return new Date(clock.fromLocal(Date.UTC(y as number, (mo as number) - 1, d, h, mi, s))).toISOString();
  };
  const scheduleId =
    uuidOf(scheduleEl.attributes.get('scheduleId')) ??
    q.fail(scheduleEl, `scheduleId ${JSON.stringify(scheduleEl.attributes.get('scheduleId') ?? '')} is not a urn:uuid`);
  const schedule = parseInput(
    PlayoutScheduleSchema,
    {
      id: scheduleId,
      channel: q.childText(scheduleEl, ns, 'ScheduleName') ?? options.channel ?? header.origin,
      rate,
      zone: options.zone,
      broadcastDayStart: dayStart,
      start: instantAttr('scheduleStart', firstStart),
      end: instantAttr('scheduleEnd', lastEnd),
    },
    `${source} schedule header`,
  );
  return { message: header, schedule, changes: ordered, events, rejected, warnings };
}

/**
 * The wall-clock reader of a channel.
 *
 * @throws `INVALID_INPUT` when the zone is not an IANA time zone or the day start not `HH:mm`.
 */
export function wallClock(zone: string, dayStart: string): WallClockReader {
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(dayStart)) {
    throw new FramewiseError('INVALID_INPUT', `broadcastDayStart ${JSON.stringify(dayStart)} is not HH:mm`, {
      details: { broadcastDayStart: dayStart },
    });
  }
  try {
    return new WallClockReader(zone, dayStart);
  } catch (cause) {
    throw new FramewiseError('INVALID_INPUT', `zone ${JSON.stringify(zone)} is not an IANA time zone`, {
      cause,
      details: { zone },
    });
  }
}

const AD_TYPES_SPOT = new Set([
  'Commercial',
  'General',
  'Direct Response',
  'Double Barter',
  'Fee Spot',
  'Paid Program',
  'PSA',
  'Optional Barter',
  'Trade/Barter',
]);
const KIND_OF_CONTENT_TYPE: Readonly<Record<string, PlayoutEvent['kind']>> = {
  spot: 'spot',
  commercial: 'spot',
  promo: 'promo',
  bumper: 'bumper',
  filler: 'filler',
};

function readPrimary(
  q: XmlQuery,
  ns: string,
  times: BxfTimes,
  se: XmlElement,
  data: XmlElement,
  id: string,
  warnings: string[],
  index: number,
): PlayoutEventInput & { secondary: SecondaryEventInput[]; durationFrames: number } {
  const primary = q.required(data, ns, 'PrimaryEvent');
  const program = q.first(primary, ns, 'ProgramEvent');
  const nonProgram = q.first(primary, ns, 'NonProgramEvent');
  const contentType = q.childText(se, ns, 'ContentType');
  let kind: PlayoutEvent['kind'];
  let segmentNumber: number | undefined;
  let programName: string | undefined;
  if (program !== undefined) {
    kind = 'program';
    segmentNumber = q.int(program, q.childText(program, ns, 'SegmentNumber'), 'SegmentNumber');
    programName = q.childText(program, ns, 'ProgramName');
  } else if (nonProgram !== undefined) {
    const details = q.first(nonProgram, ns, 'Details');
    const adType = details === undefined ? undefined : q.childText(details, ns, 'AdType');
    const spotType = details === undefined ? undefined : q.childText(details, ns, 'SpotType');
    const declared = contentType === undefined ? undefined : KIND_OF_CONTENT_TYPE[contentType.toLowerCase()];
    if (declared !== undefined) kind = declared;
    else if (adType === 'Promo') kind = 'promo';
    else if (adType === 'Other' || (adType === undefined && spotType === 'Other')) kind = 'bumper';
    else if (adType === undefined || AD_TYPES_SPOT.has(adType)) kind = 'spot';
    else kind = 'spot';
  } else {
    return q.fail(primary, 'PrimaryEvent has neither ProgramEvent nor NonProgramEvent');
  }
  const title = q.childText(data, ns, 'EventTitle');
  const startEl = q.required(data, ns, 'StartDateTime');
  const startMs = times.instant(startEl, 'StartDateTime');
  const durationFrames = length(q, ns, times, data, startMs);
  const startModeText = q.childText(data, ns, 'StartMode') ?? 'Follow';
  let startMode: 'fixed' | 'follow';
  if (startModeText === 'Fixed') startMode = 'fixed';
  else if (startModeText === 'Follow') startMode = 'follow';
  else if (startModeText === 'Manual' || startModeText === 'External') {
    startMode = 'fixed';
    warnings.push(`event ${index} (${id}) has StartMode ${startModeText}: read as fixed at its start time`);
  } else {
    return q.fail(data, `StartMode ${JSON.stringify(startModeText)} is not Fixed, Follow, Manual or External`);
  }
  const contentEl = q.first(se, ns, 'Content') ?? q.fail(se, 'the event has no Content (house number)');
  const content = readContent(q, ns, times, contentEl);
  const eventTitle = title ?? content.name ?? content.houseNumber;
  if (content.name === eventTitle) delete content.name;
  return {
    id,
    title: eventTitle,
    kind,
    start: new Date(startMs).toISOString(),
    startMode,
    durationFrames,
    ...(kind === 'program' && segmentNumber !== undefined && segmentNumber !== 1 ? { segmentNumber } : {}),
    ...(kind === 'program' && programName !== undefined && programName !== eventTitle ? { programName } : {}),
    content,
    secondary: [],
  };
}

function length(q: XmlQuery, ns: string, times: BxfTimes, data: XmlElement, startMs: number): number {
  const option = q.required(data, ns, 'LengthOption');
  const duration = q.first(option, ns, 'Duration');
  if (duration !== undefined) return times.duration(duration, 'Duration');
  const end = q.first(option, ns, 'EndDateTime');
  if (end !== undefined) {
    const endMs = times.instant(end, 'EndDateTime');
    const frames = Math.round(((endMs - startMs) * times.rate.num) / (times.rate.den * 1000));
    if (frames <= 0) q.fail(end, 'EndDateTime is not after StartDateTime');
    return frames;
  }
  return q.fail(option, 'LengthOption has neither Duration nor EndDateTime');
}

function readContent(
  q: XmlQuery,
  ns: string,
  times: BxfTimes,
  contentEl: XmlElement,
): PlayoutEventInput['content'] & { name?: string } {
  const idEl = q.first(contentEl, ns, 'ContentId') ?? q.fail(contentEl, 'Content has no ContentId');
  const houseNumber = q.childText(idEl, ns, 'HouseNumber') ?? q.fail(idEl, 'ContentId has no HouseNumber');
  let adId: string | undefined;
  let isci: string | undefined;
  for (const alt of q.all(idEl, ns, 'AlternateId')) {
    const authority = (alt.attributes.get('authoritativeSource') ?? alt.attributes.get('idType') ?? '')
      .replace(/[\s_-]/g, '')
      .toLowerCase();
    if (authority === 'adid') adId = q.text(alt).toUpperCase();
    else if (authority === 'isci') isci = q.text(alt).toUpperCase();
  }
  const out: PlayoutEventInput['content'] & { name?: string } = {
    houseNumber,
    ...(adId === undefined ? {} : { adId }),
    ...(isci === undefined ? {} : { isci }),
  };
  const name = q.childText(contentEl, ns, 'Name');
  if (name !== undefined) out.name = name;
  const media = q.first(contentEl, ns, 'Media');
  const location = media === undefined ? undefined : q.first(media, ns, 'MediaLocation');
  if (location !== undefined) {
    const loc = q.first(location, ns, 'Location');
    const server = loc === undefined ? undefined : q.first(loc, ns, 'AssetServer');
    const router = loc === undefined ? undefined : q.first(loc, ns, 'RouterSource');
    const path = server === undefined ? undefined : q.childText(server, ns, 'PathName');
    const live = router === undefined ? undefined : q.childText(router, ns, 'Name');
    if (path !== undefined) out.path = path;
    else if (live !== undefined) out.liveSource = live;
    const som = q.first(location, ns, 'SOM');
    if (som !== undefined) out.somFrames = times.frames(som, 'SOM');
  }
  return out;
}

function readSecondary(
  q: XmlQuery,
  ns: string,
  times: BxfTimes,
  data: XmlElement,
  np: XmlElement,
  id: string,
  primaryLength: number | undefined,
): SecondaryEventInput {
  const name = q.childText(np, ns, 'NonPrimaryEventName') ?? q.childText(data, ns, 'EventTitle');
  if (name === undefined) q.fail(np, 'the secondary event has no NonPrimaryEventName');
  const offsetEl = q.all(np, ns, 'Offset').find((o) => (o.attributes.get('offsetType') ?? 'Start') === 'Start');
  let from: 'start' | 'end' = 'start';
  let offsetFrames = 0;
  if (offsetEl !== undefined) {
    from = offsetEl.attributes.get('offsetFrom') === 'EndofEvent' ? 'end' : 'start';
    const direction = offsetEl.attributes.get('direction') ?? (from === 'end' ? 'Negative' : 'Positive');
    if ((from === 'start') !== (direction === 'Positive')) {
      q.fail(
        offsetEl,
        `an offset ${direction === 'Positive' ? 'after the end' : 'before the start'} of the primary event is outside it`,
      );
    }
    const time = q.first(offsetEl, ns, 'OffsetTime');
    if (time !== undefined) offsetFrames = times.frames(time, 'OffsetTime');
  }
  const option = q.first(data, ns, 'LengthOption');
  const durationEl = option === undefined ? undefined : q.first(option, ns, 'Duration');
  let durationFrames = durationEl === undefined ? undefined : times.duration(durationEl, 'Duration');
  if (primaryLength !== undefined && durationFrames !== undefined) {
    const start = from === 'start' ? offsetFrames : primaryLength - offsetFrames;
    if (durationFrames === primaryLength - start) durationFrames = undefined;
  }
  if (durationFrames === 0) durationFrames = undefined;
  const splice = q.all(np, ns, 'Macros').find((m) => /^SCTE[-_ ]?35$/i.test(q.childText(m, ns, 'MacroName') ?? ''));
  return {
    id,
    name,
    offsetFrames,
    from,
    ...(durationFrames === undefined ? {} : { durationFrames }),
    ...(splice === undefined ? {} : { splice: readSplice(q, ns, splice) }),
  };
}

function readSplice(q: XmlQuery, ns: string, macro: XmlElement): SpliceInput {
  const params = new Map<string, string>();
  for (const p of q.all(macro, ns, 'MacroParameterString')) {
    const m = /^\s*([A-Za-z_]+)\s*=\s*(.*?)\s*$/.exec(p.text);
    if (m === null) q.fail(p, `SCTE-35 parameter ${JSON.stringify(q.text(p))} is not key=value`);
    params.set((m[1] as string).toLowerCase().replace(/_/g, ''), m[2] as string);
  }
  const int = (key: string) => q.int(macro, params.get(key.toLowerCase()), `SCTE-35 ${key}`);
  const command = (params.get('command') ?? 'splice-insert').toLowerCase().replace(/_/g, '-');
  if (command !== 'splice-insert' && command !== 'time-signal') {
    q.fail(macro, `SCTE-35 command ${JSON.stringify(command)} is not splice-insert or time-signal`);
  }
  const id = int('spliceEventId') ?? q.fail(macro, 'SCTE-35 macro has no spliceEventId');
  const out = q.bool(macro, params.get('outofnetwork'), 'SCTE-35 outOfNetwork');
  const breakFrames = int('breakDurationFrames');
  const typeId = int('segmentationTypeId');
  const upid = params.get('upid');
  return {
    command: command as SpliceInput['command'],
    spliceEventId: id,
    ...(out === undefined ? {} : { outOfNetwork: out }),
    ...(breakFrames === undefined ? {} : { breakDurationFrames: breakFrames }),
    ...(typeId === undefined ? {} : { segmentationTypeId: typeId }),
    ...(upid === undefined ? {} : { upid }),
  };
}
