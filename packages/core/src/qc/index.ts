/**
 * Automated QC and broadcast compliance: container integrity, order conformance, loudness (EBU
 * R128, ATSC A/85, platform targets), legal video levels, black, freeze, silence and scene cuts,
 * all measured in one decode, judged by versioned policies into timecoded findings; `runQc` returns
 * the report and `recordQcReport` records it as catalog annotations and a stored report; loudness
 * correction with re-measurement.
 *
 * @module
 */

export {
  type AudioProgramme,
  type AudioProgrammeInput,
  AudioProgrammeSchema,
  type AudioTrack,
  detectProgrammes,
  PROGRAMME_LAYOUTS,
  type ProgrammeLayout,
} from '../assets/programmes.js';
export { type EvaluateInput, evaluateQc } from './evaluate.js';
export { type QcJobInput, QcJobInputSchema, qcJobs } from './jobs.js';
export type {
  FrameGamut,
  FrameLevels,
  QcMeasurements,
  SecondsInterval,
  TrackLoudness,
} from './log-parser.js';
export {
  type CorrectLoudnessOptions,
  correctLoudness,
  type LoudnessCorrection,
  type LoudnessCorrectionResult,
  type LoudnessPlan,
  type PlanLoudnessOptions,
  planLoudnessCorrection,
} from './loudness-correction.js';
export type { ProgrammeRef } from './loudness-plan.js';
export { type MeasureOptions, type MeasureTarget, measureMedia, qcGraphArgs } from './measure.js';
export { checkOrder, type OrderMismatch, type OrderSpec, type OrderSpecInput, OrderSpecSchema } from './order-spec.js';
export {
  ATSC_A85,
  BROADCAST_ATSC_A85,
  BROADCAST_EBU_R128,
  EBU_R128,
  type LoudnessTarget,
  type LoudnessTargetInput,
  LoudnessTargetSchema,
  loudnessOnlyPolicy,
  type QcPolicy,
  type QcPolicyInput,
  QcPolicySchema,
  type Severity,
  SeveritySchema,
  STREAMING_MINUS_14,
  STREAMING_MINUS_16,
  STREAMING_POLICY,
} from './policy.js';
export {
  type RecordedQcReport,
  type RecordQcReportOptions,
  RecordQcReportOptionsSchema,
  recordQcReport,
} from './record-report.js';
export { type QcFinding, type QcReport, type QcTrackLoudness, type QcVerdict, verdictOf } from './report.js';
export {
  createMemoryQcReportStore,
  createObjectStorageQcReportStore,
  type QcReportStore,
  requirePassingQc,
} from './report-store.js';
export { qcAnnotations, type RunQcOptions, runQc } from './run.js';
