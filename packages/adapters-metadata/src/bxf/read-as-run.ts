import { parseInput } from '@framewise/core/adapter-kit';
import { FramewiseError, isFramewiseError } from '@framewise/core/errors';
import { type AsRunEntry, AsRunEntrySchema, AsRunStatusSchema } from '@framewise/core/interchange';
import type { FrameRateJson } from '@framewise/core/time';
import type { XmlElement } from '../xml/parser.js';
import type { XmlQuery } from '../xml/query.js';
import { type BxfMessageHeader, BxfTimes, firstRate, openBxf, uuidOf } from './read-message.js';
import { type RejectedEvent, wallClock } from './read-schedule.js';
import { bxfTimecodeBase } from './timecode.js';

/** Options of {@link readBxfAsRun}. */
export interface BxfAsRunReadOptions {
  /** Name of the document in errors (a file name). */
  readonly source?: string;
  /** The channel's IANA time zone (broadcast dates and times of day are its wall clock). */
  readonly zone: string;
  /** Time of day the broadcast day starts (`HH:mm`, default `06:00`). */
  readonly broadcastDayStart?: string;
  /** The channel's rate (default: the first `frameRate` in the document). */
  readonly rate?: FrameRateJson;
}

/** What a BXF as-run message says. */
export interface BxfAsRunImport {
  readonly message: BxfMessageHeader;
  /** The schedule the log is for (`scheduleId`, without `urn:uuid:`). */
  readonly scheduleId: string | undefined;
  /** The channel (`ScheduleName`), when given. */
  readonly channel: string | undefined;
  readonly rate: FrameRateJson;
  /** The as-run lines, in document order. */
  readonly entries: AsRunEntry[];
  /** Lines that could not be read, each with a typed error naming it. */
  readonly rejected: RejectedEvent[];
}

/**
 * Read a BXF as-run message (a `Schedule` of `AsRun` items, `BasicAsRun` or `CompleteAsRun`)
 * from automation: per line the event id it ran for (absent for `Null`), the house number, when
 * it went to air, how long it ran and its statuses. Lines are read on their own: one that cannot
 * be read is returned in `rejected`.
 *
 * @throws `INVALID_INPUT` naming the document when it is not a BXF message with a Schedule.
 */
export function readBxfAsRun(document: string | Uint8Array, options: BxfAsRunReadOptions): BxfAsRunImport {
  const source = options.source ?? 'BXF as-run';
  const opened = openBxf(document, source);
  const q: XmlQuery = opened.q;
  const { ns, header, data } = opened;
  const scheduleEl = (data && q.first(data, ns, 'Schedule')) ?? q.fail(q.root, 'the message holds no Schedule');
  const rate = options.rate ?? firstRate(q, scheduleEl, ns) ?? q.fail(scheduleEl, 'no frameRate in the as-run');
  const base = bxfTimecodeBase(rate, header.version, `${source} rate`);
  const times = new BxfTimes(q, ns, rate, base, wallClock(options.zone, options.broadcastDayStart ?? '06:00'));
  const entries: AsRunEntry[] = [];
  const rejected: RejectedEvent[] = [];
  q.all(scheduleEl, ns, 'AsRun').forEach((item, index) => {
    let eventId: string | undefined;
    try {
      const basic = q.first(item, ns, 'BasicAsRun');
      const complete = q.first(item, ns, 'CompleteAsRun');
      let idHolder: XmlElement | undefined;
      let content: XmlElement | undefined;
      let title: string | undefined;
      let detail: XmlElement;
      if (basic !== undefined) {
        idHolder = q.first(basic, ns, 'AsRunEventId');
        content = q.first(basic, ns, 'Content');
        detail = q.required(basic, ns, 'AsRunDetail');
      } else if (complete !== undefined) {
        const eventData = q.first(complete, ns, 'EventData');
        idHolder = eventData === undefined ? undefined : q.first(eventData, ns, 'EventId');
        title = eventData === undefined ? undefined : q.childText(eventData, ns, 'EventTitle');
        content = q.first(complete, ns, 'Content');
        detail = q.required(complete, ns, 'AsRunDetail');
      } else {
        q.fail(item, 'AsRun holds neither BasicAsRun nor CompleteAsRun');
      }
      const idText = idHolder === undefined ? undefined : q.childText(idHolder, ns, 'EventId');
      eventId = uuidOf(idText);
      if (idText !== undefined && eventId === undefined) {
        q.fail(idHolder as XmlElement, `event id ${JSON.stringify(idText)} is not a urn:uuid`);
      }
      const contentId = content === undefined ? undefined : q.first(content, ns, 'ContentId');
      const houseNumber =
        (contentId && q.childText(contentId, ns, 'HouseNumber')) ??
        q.fail(content ?? item, 'the line has no HouseNumber');
      title ??= content === undefined ? undefined : q.childText(content, ns, 'Name');
      const statuses = q.all(detail, ns, 'Status').map((s) => {
        const parsed = AsRunStatusSchema.safeParse(q.text(s));
        return parsed.success
          ? parsed.data
          : q.fail(s, `Status ${JSON.stringify(q.text(s))} is not a BXF as-run status`);
      });
      const start = times.instant(q.required(detail, ns, 'StartDateTime'), 'StartDateTime');
      const durationFrames = times.duration(q.required(detail, ns, 'Duration'), 'Duration');
      entries.push(
        parseInput(
          AsRunEntrySchema,
          {
            ...(eventId === undefined ? {} : { eventId }),
            houseNumber,
            ...(title === undefined ? {} : { title }),
            start: new Date(start).toISOString(),
            durationFrames,
            ...(statuses.length === 0 ? {} : { statuses }),
          },
          `as-run line ${index}`,
        ),
      );
    } catch (error) {
      if (!isFramewiseError(error)) throw error;
      rejected.push({
        index,
        eventId,
        error: new FramewiseError(
          error.code,
          `${source}: as-run line ${index}${eventId === undefined ? '' : ` (${eventId})`}: ${error.message.replace(`${source}, `, '')}`,
          { cause: error, details: { source, index, ...(eventId === undefined ? {} : { eventId }) } },
        ),
      });
    }
  });
  return {
    message: header,
    scheduleId: uuidOf(scheduleEl.attributes.get('scheduleId')),
    channel: q.childText(scheduleEl, ns, 'ScheduleName'),
    rate,
    entries,
    rejected,
  };
}
