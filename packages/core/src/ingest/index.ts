/**
 * Ingest: one call takes a file into the catalog — identified, probed, stored while hashed, QC'd,
 * catalogued as a version with every technical field mapped, and (optionally) a proxy with burnt-in
 * timecode, poster candidates, a sprite sheet and thumbnails made from one decode — idempotent by
 * content; and watch folders that feed it.
 *
 * @module
 */

export { type MadeDerivatives, type MadeFile, type MakeDerivativesOptions, makeDerivatives } from './derive.js';
export {
  type DerivativesCommand,
  type DerivativesPlan,
  type DerivativesSpec,
  type PosterSpec,
  planDerivatives,
  type SpriteSpec,
  type ThumbnailSize,
} from './derive-plan.js';
export { escapeGraphLevel, escapeOptionValue, filterValue } from './filter-escape.js';
export {
  type ContainerFamily,
  type IdentifiedFormat,
  identifyBytes,
  identifyFile,
  SIGNATURE_BYTES,
  signatureAgrees,
} from './identify.js';
export { ingest, ingestAssetId, ingestVersionId } from './ingest.js';
export { type IngestJobDeps, type IngestJobInput, IngestJobInputSchema, ingestJobs } from './jobs.js';
export {
  IngestDerivativesSchema,
  type IngestOptions,
  IngestOptionsSchema,
  IngestQcSchema,
  type ParsedIngestOptions,
} from './options.js';
export { choosePosters, type PosterCandidate, parsePosterLog, type ScoredPoster, scorePosters } from './posters.js';
export { type ProxyPlan, type ProxySpec, planProxy, proxyWidth } from './proxy.js';
export { type RegisterDerivativesOptions, registerDerivatives } from './register-derivatives.js';
export type { IngestDerivative, IngestProgress, IngestReport, IngestStep, IngestStepName } from './report.js';
export { checkIngestName, checkIngestPath, ingestNameOf } from './source-name.js';
export { type SpriteLayout, spriteVtt } from './sprite-vtt.js';
export { type VersionFields, type VersionFieldsOptions, versionFieldsFromProbe } from './version-fields.js';
export {
  createWatchFolder,
  TEMPORARY_NAME,
  WatchFolder,
  type WatchFolderEvents,
  type WatchFolderOptions,
  WatchFolderOptionsSchema,
} from './watch-folder.js';
