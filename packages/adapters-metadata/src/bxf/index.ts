/**
 * BXF (SMPTE ST 2021, Broadcast eXchange Format): Content messages (a programme and its segments)
 * and Schedule messages (primary and secondary events) out; schedules from traffic and as-run logs
 * from automation in; as-run back to traffic and acknowledgements; for the 2008 (1.0), 2017 (5.0)
 * and 2022 (8.0) namespaces, valid against the official schemas. See docs/adapters/bxf.md and
 * docs/playout.md.
 *
 * @module
 */
export { collect, writeDocumentFile } from '../xml/document.js';
export { asRunForTraffic } from './as-run.js';
export {
  BxfAsRunExporterOptionsSchema,
  type BxfAsRunInput,
  BxfContentExporterOptionsSchema,
  type BxfContentInput,
  type BxfExporterOptions,
  BxfExporterOptionsSchema,
  type BxfReceivedMessage,
  BxfScheduleExporterOptionsSchema,
  type BxfScheduleInput,
  createBxfAsRunExporter,
  createBxfContentExporter,
  createBxfScheduleExporter,
  writeBxfAcknowledgement,
} from './export.js';
export { BXF_RELEASE, BXF_VERSIONS, type BxfVersion, bxfNamespace } from './names.js';
export { type BxfAsRunImport, type BxfAsRunReadOptions, readBxfAsRun } from './read-as-run.js';
export type { BxfMessageHeader } from './read-message.js';
export {
  type BxfScheduleImport,
  type BxfScheduleReadOptions,
  type RejectedEvent,
  readBxfSchedule,
} from './read-schedule.js';
export { CONTENT_TYPES, SPLICE_MACRO } from './schedule.js';
