/**
 * `@framewise/core/adapter-kit`: what adapter authors need and applications do not. Option and
 * input parsing with readable `FramewiseError`s, sortable ids, cursor and search helpers for
 * catalog stores, job preparation and scoring for queue backends, streaming digests and the
 * hashing worker for storage drivers, typed events, key normalisation, credential redaction, and
 * the `Logger`, `Clock` and `Tracer` ports with their defaults.
 *
 * Every built-in adapter is written against this subpath; third-party adapters use the same one.
 *
 * @module
 */
export {
  annotationMatches,
  assetMatches,
  assetSortValue,
  compareKeys,
  compareRecommendations,
  recommendationScore,
} from '../catalog/match.js';
export {
  type Cursor,
  compareCodePoints,
  decodeCursor,
  encodeCursor,
  indexAnnotation,
  indexAsset,
  ratingKey,
  tokenize,
} from '../catalog/search-model.js';
export {
  type DistributionFailureOutcome,
  outcomeOf,
  outcomeOfHttp,
  parseRetryAfter,
} from '../delivery/outcome.js';
export { redact } from '../delivery/record.js';
export { describeInput } from '../errors/index.js';
export {
  type BackoffPolicy,
  backoffMs,
  isRetryable,
  MAX_RETRY_WAIT_MS,
  RETRYABLE_CODES,
  retryAfterOf,
  TRANSIENT_SYSTEM_CODES,
  waitToRetry,
} from '../errors/retry.js';
export { type PreparedJob, prepareJob, retryDelayMs } from '../scheduler/backend.js';
export { type ScoringOptions, score } from '../scheduler/lanes.js';
export {
  DigestStream,
  type Digests,
  type HashSession,
  HashWorker,
  loadXxh64,
  type Xxh64,
  xxh64Hex,
} from '../storage/digest.js';
export { type FileDigests, hashFile } from '../storage/hash-file.js';
export { normalizeKey, normalizePrefix } from '../storage/keys.js';
export { TypedEvents } from '../support/events.js';
export { newId } from '../support/ids.js';
export { type Clock, type LogFields, type Logger, silentLogger, systemClock } from '../support/logger.js';
export {
  type SpanAttributes,
  type SpanAttributeValue,
  type Tracer,
  type TraceSpan,
  withSpan,
} from '../support/observability.js';
export { ClockSchema, hasMethods, LoggerSchema, TracerSchema } from '../support/option-schemas.js';
export { installCommand, loadOptionalPeer, type OptionalPeer, optionalPeer } from '../support/optional-peer.js';
export {
  type AcquireSlotsOptions,
  type ReleaseSlots,
  type ResourceNeed,
  ResourceSlots,
  type ResourceSlotsOptions,
} from '../support/resource-slots.js';
export { formatPath, invalid, parseInput, parseOptions } from '../support/validation.js';
