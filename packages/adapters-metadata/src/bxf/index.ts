/**
 * BXF (SMPTE ST 2021, Broadcast eXchange Format): Content messages (a programme and its segments)
 * and Schedule messages (primary and secondary events), for the 2008 (1.0), 2017 (5.0) and 2022
 * (8.0) namespaces, valid against the official schemas. See docs/adapters/bxf.md.
 *
 * @module
 */
export { collect, writeDocumentFile } from '../xml/document.js';
export {
  BxfContentExporterOptionsSchema,
  type BxfContentInput,
  type BxfExporterOptions,
  BxfExporterOptionsSchema,
  BxfScheduleExporterOptionsSchema,
  type BxfScheduleInput,
  createBxfContentExporter,
  createBxfScheduleExporter,
} from './export.js';
export { BXF_RELEASE, BXF_VERSIONS, type BxfVersion, bxfNamespace } from './names.js';
