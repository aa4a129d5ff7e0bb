import { parseInput, parseOptions, systemClock } from '@framewise/core/adapter-kit';
import {
  type AsRunEntryInput,
  type AssetDescriptionInput,
  AssetDescriptionSchema,
  type MetadataExporter,
  type PlayoutEventInput,
  type PlayoutScheduleInput,
  PlayoutScheduleSchema,
} from '@framewise/core/interchange';
import { z } from 'zod';
import { assertXmlSafe, assertXmlText } from '../xml/chars.js';
import { collect } from '../xml/document.js';
import { documentOptionsShape } from '../xml/options.js';
import { bxfAcknowledgement } from './acknowledgement.js';
import { asRunChunks } from './as-run.js';
import { contentChunks } from './content.js';
import { BXF_VERSIONS, type BxfVersion } from './names.js';
import type { BxfMessageHeader } from './read-message.js';
import type { RejectedEvent } from './read-schedule.js';
import { scheduleChunks } from './schedule.js';

const party = z.string().trim().min(1).max(200);
/** Options of the BXF exporters. */
export const BxfExporterOptionsSchema = z.strictObject({
  /** BXF release by namespace year: `2008` (1.0), `2017` (5.0) or `2022` (8.0, default). */
  version: z.enum(BXF_VERSIONS as [BxfVersion, ...BxfVersion[]]).default('2022'),
  /** Sending system (BxfMessage `origin`). */
  origin: party.default('Framewise'),
  /** Sending system's role (`originType`), a capitalised word such as `Traffic`. */
  originType: z
    .string()
    .regex(/^[A-Z][A-Za-z0-9 ]{0,63}$/)
    .default('Content Management'),
  /** User the message is sent as. */
  userName: party.default('framewise'),
  /** Receiving system. */
  destination: party.default('Automation'),
  /** Receiving system's role. */
  destinationType: z
    .string()
    .regex(/^[A-Z][A-Za-z0-9 ]{0,63}$/)
    .default('Automation'),
  ...documentOptionsShape,
  /** Message id source (default: `crypto.randomUUID`). */
  newId: z.custom<() => string>((v) => typeof v === 'function').optional(),
});
/** Options of the BXF exporters. */
export type BxfExporterOptions = z.input<typeof BxfExporterOptionsSchema>;
/** Options of {@link createBxfContentExporter} (those of every BXF exporter). */
export const BxfContentExporterOptionsSchema = BxfExporterOptionsSchema;
/** Options of {@link createBxfScheduleExporter} (those of every BXF exporter). */
export const BxfScheduleExporterOptionsSchema = BxfExporterOptionsSchema;

/** Input of the BXF content exporter: one programme and where playout finds its file. */
export interface BxfContentInput {
  readonly description: AssetDescriptionInput;
  /** Where automation finds the file (`file:///playout/HL_S01E01.mxf`). */
  readonly path: string;
  /** House number (default: the asset's `house` external id, else the version id). */
  readonly houseNumber?: string;
}

/** Input of the BXF schedule exporter: the schedule header and its events (any iterable). */
export interface BxfScheduleInput {
  readonly schedule: PlayoutScheduleInput;
  readonly events: Iterable<PlayoutEventInput> | AsyncIterable<PlayoutEventInput>;
}

function settings(schema: typeof BxfExporterOptionsSchema, options: BxfExporterOptions) {
  const o = parseOptions(schema, options, 'BXF exporter options');
  assertXmlSafe({ origin: o.origin, userName: o.userName, destination: o.destination }, 'options');
  const clock = o.clock ?? systemClock;
  return { ...o, now: () => new Date(clock.now()), newId: o.newId ?? (() => crypto.randomUUID()) };
}

/**
 * An exporter of BXF Content messages (SMPTE ST 2021): a programme with its identifiers, SOM,
 * duration and segments, for traffic and playout automation. Documents validate against the
 * release's official schema; timecodes are written as that release allows.
 *
 * @throws (from `stream`/`write`) `INVALID_INPUT` naming the field; `UNSUPPORTED` for a rate
 * the release cannot express (above 30 fps in BXF 2008).
 */
export function createBxfContentExporter(options: BxfExporterOptions = {}): MetadataExporter<BxfContentInput> {
  const o = settings(BxfContentExporterOptionsSchema, options);
  const exporter: MetadataExporter<BxfContentInput> = {
    format: `bxf-${o.version}-content`,
    mediaType: 'application/xml',
    fileExtension: '.bxf.xml',
    async *stream(input) {
      const description = parseInput(AssetDescriptionSchema, input.description, 'Asset description');
      assertXmlSafe(description, 'description');
      assertXmlText(input.path, 'path');
      const houseNumber =
        input.houseNumber ??
        description.asset.externalIds.find((id) => id.scheme === 'house')?.value ??
        description.version.id;
      assertXmlText(houseNumber, 'houseNumber');
      yield* contentChunks({ id: o.newId(), at: o.now(), description, houseNumber, path: input.path }, o.version, o);
    },
    write: (input) => collect(exporter.stream(input)),
  };
  return exporter;
}

/**
 * An exporter of BXF Schedule messages: primary events with broadcast date, start time of day,
 * duration and content, and their secondary events. Events are read from any (async) iterable
 * and written as they come, so a schedule of 10 000 events streams in bounded memory.
 */
export function createBxfScheduleExporter(options: BxfExporterOptions = {}): MetadataExporter<BxfScheduleInput> {
  const o = settings(BxfScheduleExporterOptionsSchema, options);
  const exporter: MetadataExporter<BxfScheduleInput> = {
    format: `bxf-${o.version}-schedule`,
    mediaType: 'application/xml',
    fileExtension: '.bxf.xml',
    async *stream(input) {
      const schedule = parseInput(PlayoutScheduleSchema, input.schedule, 'Playout schedule');
      assertXmlSafe(schedule, 'schedule');
      yield* scheduleChunks({ id: o.newId(), at: o.now(), schedule, events: input.events }, o.version, o, o.chunkSize);
    },
    write: (input) => collect(exporter.stream(input)),
  };
  return exporter;
}

/** Options of {@link createBxfAsRunExporter} (those of every BXF exporter). */
export const BxfAsRunExporterOptionsSchema = BxfExporterOptionsSchema;

/** Input of the BXF as-run exporter: the schedule reported on and the as-run lines. */
export interface BxfAsRunInput {
  readonly schedule: PlayoutScheduleInput;
  readonly entries: Iterable<AsRunEntryInput>;
}

/**
 * An exporter of BXF as-run messages, for sending what aired back to traffic: one
 * `AsRun`/`BasicAsRun` per line with its event id, house number, statuses, air time and length.
 * Use `asRunForTraffic(reconciliation)` for the lines after reconciling a log with its schedule.
 * Set `originType: 'Automation'` and `destinationType: 'Traffic'` for the usual direction.
 */
export function createBxfAsRunExporter(options: BxfExporterOptions = {}): MetadataExporter<BxfAsRunInput> {
  const o = settings(BxfAsRunExporterOptionsSchema, options);
  const exporter: MetadataExporter<BxfAsRunInput> = {
    format: `bxf-${o.version}-as-run`,
    mediaType: 'application/xml',
    fileExtension: '.bxf.xml',
    async *stream(input) {
      const schedule = parseInput(PlayoutScheduleSchema, input.schedule, 'Playout schedule');
      assertXmlSafe(schedule, 'schedule');
      yield* asRunChunks({ id: o.newId(), at: o.now(), schedule, entries: input.entries }, o.version, o, o.chunkSize);
    },
    write: (input) => collect(exporter.stream(input)),
  };
  return exporter;
}

/** What {@link writeBxfAcknowledgement} acknowledges: an imported message and its outcome. */
export interface BxfReceivedMessage {
  readonly message: BxfMessageHeader;
  readonly rejected: readonly RejectedEvent[];
  /** The events or lines taken (`events` of a schedule import, `entries` of an as-run import). */
  readonly events?: readonly unknown[];
  readonly entries?: readonly unknown[];
  /** Changes taken (a schedule import's `changes`, removals included). */
  readonly changes?: readonly unknown[];
}

/**
 * The BXF acknowledgement (response message) for an imported schedule or as-run message, in the
 * release it came in: `status` `ok`, `warning` (some events refused) or `error` (all refused),
 * `originMessageId` the message's id, and each refused event named in `errorDescription`. The
 * options give this system's identity (origin, user) and the id and clock.
 */
export function writeBxfAcknowledgement(received: BxfReceivedMessage, options: BxfExporterOptions = {}): string {
  const o = settings(BxfExporterOptionsSchema, options);
  const accepted = received.changes?.length ?? received.events?.length ?? received.entries?.length ?? 0;
  return bxfAcknowledgement(
    { received: received.message, rejected: received.rejected, accepted, id: o.newId(), at: o.now() },
    o,
  );
}
