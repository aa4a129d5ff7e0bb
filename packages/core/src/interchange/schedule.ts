import { z } from 'zod';
import { FrameRateJsonSchema, InstantSchema, textSchema } from '../assets/common.js';

const UUID = z.uuid();
const ZONE = z
  .string()
  .min(1)
  .max(64)
  .refine(
    (zone) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not an IANA time zone' },
  );

/** What a primary event plays. */
export const PlayoutEventKindSchema = z.enum(['program', 'spot', 'promo', 'bumper', 'filler']);

/** A secondary event riding on a primary one: a logo, a lower third, a voice-over, a trigger. */
export const SecondaryEventSchema = z.object({
  /** Event id (written as `urn:uuid:…`). */
  id: UUID,
  /** What automation fires (a graphics template, a logo, a macro name). */
  name: textSchema(200),
  /** Frames from the anchor point of the primary event. */
  offsetFrames: z.number().int().nonnegative().default(0),
  /** Which end of the primary event the offset counts from. */
  from: z.enum(['start', 'end']).default('start'),
  /** How long it runs, in frames (omitted: as long as the primary event). */
  durationFrames: z.number().int().positive().optional(),
});

/** The media a primary event plays: a house number and where the file is. */
export const PlayoutContentSchema = z.object({
  /** The house number automation knows the media by. */
  houseNumber: textSchema(64),
  /** Title of the media (defaults to the event title). */
  name: textSchema(500).optional(),
  /** Where the file is, as automation resolves it (`file:///playout/…`). */
  path: z.string().min(1).max(2048).optional(),
  /** Frame of the media's timecode track to start from (SOM), counted from 00:00:00:00. */
  somFrames: z.number().int().nonnegative().default(0),
});

/** One primary event of a playout schedule. */
export const PlayoutEventSchema = z.object({
  /** Event id (written as `urn:uuid:…`). */
  id: UUID,
  title: textSchema(500),
  kind: PlayoutEventKindSchema,
  /** When it goes to air, with its offset (a nominal time for `follow` events). */
  start: InstantSchema,
  /** `fixed`: airs at `start`; `follow`: airs when the previous event ends. */
  startMode: z.enum(['fixed', 'follow']).default('follow'),
  durationFrames: z.number().int().positive(),
  /** For programme segments: the part number (1 = first part). */
  segmentNumber: z.number().int().positive().optional(),
  /** For programme segments: the programme's name. */
  programName: textSchema(500).optional(),
  content: PlayoutContentSchema,
  secondary: z.array(SecondaryEventSchema).max(100).default([]),
});

/** A channel's playout schedule: the list header that precedes its events. */
export const PlayoutScheduleSchema = z.object({
  /** Schedule id (written as `urn:uuid:…`). */
  id: UUID,
  /** The channel's name as traffic and automation know it. */
  channel: textSchema(200),
  /** The channel's frame rate: every timecode and duration in the schedule is at this rate. */
  rate: FrameRateJsonSchema,
  /** The channel's time zone: event times are written as broadcast date and time of day in it. */
  zone: ZONE,
  /** Time of day the broadcast day starts (events before it belong to the previous day). */
  broadcastDayStart: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:mm')
    .default('06:00'),
  /** First instant the schedule covers. */
  start: InstantSchema,
  /** Instant the schedule ends. */
  end: InstantSchema,
});

/** What a primary event plays. */
export type PlayoutEventKind = z.output<typeof PlayoutEventKindSchema>;
/** A secondary event. */
export type SecondaryEvent = z.output<typeof SecondaryEventSchema>;
/** One primary event of a playout schedule. */
export type PlayoutEvent = z.output<typeof PlayoutEventSchema>;
/** A primary event as accepted on input. */
export type PlayoutEventInput = z.input<typeof PlayoutEventSchema>;
/** A playout schedule header. */
export type PlayoutSchedule = z.output<typeof PlayoutScheduleSchema>;
/** A playout schedule header as accepted on input. */
export type PlayoutScheduleInput = z.input<typeof PlayoutScheduleSchema>;
