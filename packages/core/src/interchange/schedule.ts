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

/**
 * An SCTE-35 splice a secondary event triggers (the cue downstream ad insertion acts on):
 * `splice-insert` with an out-of-network flag and optional break duration, or `time-signal` with
 * a segmentation descriptor's type id and UPID.
 */
export const SpliceSchema = z.object({
  command: z.enum(['splice-insert', 'time-signal']),
  /** `splice_event_id` (32 bits). */
  spliceEventId: z.number().int().min(0).max(0xffff_ffff),
  /** `out_of_network_indicator`: true for a cue out (into the break), false for a cue in. */
  outOfNetwork: z.boolean().default(true),
  /** `break_duration`, in frames of the channel. */
  breakDurationFrames: z.number().int().positive().optional(),
  /** `segmentation_type_id` of a time signal's segmentation descriptor (0–255). */
  segmentationTypeId: z.number().int().min(0).max(255).optional(),
  /** `segmentation_upid` as printable ASCII (an Ad-ID, an EIDR, a house id). */
  upid: z
    .string()
    .regex(/^[\x21-\x7e]{1,64}$/, 'printable ASCII without spaces, at most 64 characters')
    .optional(),
});

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
  /** The SCTE-35 splice this event triggers, when it is a splice event. */
  splice: SpliceSchema.optional(),
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
  /** Ad-ID of a commercial (4 letters, 7 letters or digits, optional `H`/`D` suffix). */
  adId: z
    .string()
    .regex(/^[A-Z]{4}[A-Z0-9]{7}[HD]?$/, 'an Ad-ID is 4 letters, 7 letters or digits and an optional H or D')
    .optional(),
  /** ISCI code of a commercial (4 letters, 4 digits, up to 4 more letters or digits). */
  isci: z
    .string()
    .regex(/^[A-Z]{4}\d{4}[A-Z0-9]{0,4}$/, 'an ISCI code is 4 letters, 4 digits and up to 4 more letters or digits')
    .optional(),
  /**
   * For a live event: the router source automation switches to (a studio, a line feed), instead
   * of a file. An event has either `path` or `liveSource`, not both.
   */
  liveSource: textSchema(200).optional(),
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

/** An SCTE-35 splice. */
export type Splice = z.output<typeof SpliceSchema>;
/** What a primary event plays. */
export type PlayoutEventKind = z.output<typeof PlayoutEventKindSchema>;
/** A secondary event. */
export type SecondaryEvent = z.output<typeof SecondaryEventSchema>;
/** A secondary event as accepted on input. */
export type SecondaryEventInput = z.input<typeof SecondaryEventSchema>;
/** An SCTE-35 splice as accepted on input. */
export type SpliceInput = z.input<typeof SpliceSchema>;
/** One primary event of a playout schedule. */
export type PlayoutEvent = z.output<typeof PlayoutEventSchema>;
/** A primary event as accepted on input. */
export type PlayoutEventInput = z.input<typeof PlayoutEventSchema>;
/** A playout schedule header. */
export type PlayoutSchedule = z.output<typeof PlayoutScheduleSchema>;
/** A playout schedule header as accepted on input. */
export type PlayoutScheduleInput = z.input<typeof PlayoutScheduleSchema>;
