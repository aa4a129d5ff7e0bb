/**
 * The media pipeline: a typed ffmpeg layer (argv only, never a shell), probe into the catalog's
 * technical metadata, and ABR ladders planned from templates and executed decoding the source once.
 * Media code returns what it produced; `registerLadderOutputs` stores a ladder's files and
 * registers them as renditions, so a registered rendition is always in the storage it names.
 * OTT packaging: `packageCmaf` runs Shaka Packager for one CMAF set serving HLS and DASH, clear or
 * encrypted (`cenc`/`cbcs`) with keys from a `KeyProvider` assigned by the title's DRM policy.
 *
 * @module
 */
export {
  type ContentKey,
  contentKey,
  isUuid,
  kidToUuid,
  normaliseKeyHex,
} from './drm/content-key.js';
export type { KeyProvider, KeyRequest } from './drm/key-provider.js';
export {
  createLocalKeyProvider,
  type LocalKeyProviderOptions,
  LocalKeyProviderOptionsSchema,
} from './drm/local-key-provider.js';
export {
  assignTrackKeys,
  DEFAULT_SD_MAX_HEIGHT,
  type KeyedTrack,
  type KeyUsageRule,
  keyUsageRules,
  type PixelRange,
  parseDrmPolicy,
  pixelsAtHeight,
  sdMaxHeight,
  systemsByScheme,
  trackKeyType,
  videoKeyRanges,
} from './drm/policy.js';
export {
  type CapabilityOptions,
  type FfmpegCapabilities,
  ffmpegCapabilities,
  parseCapabilityList,
} from './ffmpeg/capabilities.js';
export { assertRegularMediaFile, type MediaPathOptions, safeMediaPath } from './ffmpeg/media-path.js';
export {
  type FfprobeOutput,
  FfprobeOutputSchema,
  operationalPattern,
  type ProbeOptions,
  type ProbeResult,
  probe,
  technicalMetadataFromProbe,
} from './ffmpeg/probe.js';
export { type FfmpegProgress, ProgressParser } from './ffmpeg/progress.js';
export {
  DEFAULT_FFMPEG_TIMEOUT_MS,
  type FfmpegTools,
  ffmpegVersion,
  type RunFfmpegOptions,
  runFfmpeg,
} from './ffmpeg/runner.js';
export { codecString } from './ladder/codec-string.js';
export { type Conditioning, conditioningFilters, TONE_MAP_FILTERS } from './ladder/conditioning.js';
export { colourTags, type HdrMetadata, svtAv1MasterDisplay, x265MasterDisplay } from './ladder/encoders.js';
export {
  checkPlanForSource,
  type EncoderPreset,
  type LadderOutput,
  type LadderProgress,
  type LadderResult,
  ladderFilterGraph,
  type RunLadderOptions,
  runLadder,
  videoEncoderArgs,
} from './ladder/execute.js';
export { HDR10_METADATA_ENCODERS } from './ladder/hdr10-encoders.js';
export { finishDashManifest, isoSeconds } from './ladder/manifest-dash.js';
export { type MediaPlaylistStats, mediaPlaylistStats, writeHlsMaster } from './ladder/manifest-hls.js';
export { addHlsCodecs, type PackagedPresentation, type PackageOptions, packageLadder } from './ladder/package.js';
export {
  type LadderPlan,
  type PlanLadderOptions,
  type PlannedAudio,
  type PlannedRung,
  planLadder,
} from './ladder/plan.js';
export { type AnalyseScanOptions, analyseScan, classifyIdet, type ScanAnalysis } from './ladder/scan.js';
export {
  APPLE_HLS_H264,
  APPLE_HLS_HEVC,
  AudioRenditionTemplateSchema,
  AV1_DEFAULT,
  DEFAULT_ENCODERS,
  type DynamicRange,
  DynamicRangeSchema,
  type LadderCodec,
  LadderCodecSchema,
  type LadderTemplate,
  type LadderTemplateInput,
  LadderTemplateSchema,
  OutputNameSchema,
  RungTemplateSchema,
} from './ladder/template.js';
export {
  type PackagerArgv,
  type PackagerEncryption,
  type PackagerJob,
  type PackagerStream,
  packagerArgv,
} from './packager/argv.js';
export {
  type PackagerTools,
  packagerAvailable,
  resolvePackager,
  SHAKA_PACKAGER_PACKAGE,
  shakaBinaryName,
} from './packager/binary.js';
export {
  type CmafEncryption,
  type CmafPackage,
  type CmafPackageOptions,
  type CmafProgress,
  type CmafTrack,
  packageCmaf,
} from './packager/package-cmaf.js';
export {
  DRM_SYSTEM_IDS,
  type ProtectedSampleEntry,
  type ProtectionBoxes,
  type PsshBox,
  readProtectionBoxes,
} from './packager/protection-boxes.js';
export {
  DEFAULT_PACKAGER_TIMEOUT_MS,
  type PackagerRunResult,
  type RunPackagerOptions,
  redactSecrets,
  runPackager,
} from './packager/run.js';
export {
  type RegisteredLadderOutput,
  type RegisteredLadderOutputs,
  type RegisterLadderOutputsOptions,
  RegisterLadderOutputsOptionsSchema,
  registerLadderOutputs,
} from './register-ladder-outputs.js';
