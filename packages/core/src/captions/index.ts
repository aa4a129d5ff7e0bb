/**
 * Captions and subtitles: one timed-text model (tracks of cues on frames of an exact rate, with
 * styled spans, regions, placement and CEA-608 data); readers and writers for SCC (CEA-608), SRT
 * and WebVTT; retiming through edit lists and frame-rate conversion.
 * Every reader reports what it could not represent; every writer refuses what its format cannot
 * hold, or drops it and says so when asked to degrade.
 *
 * @module
 */
export type {
  CaptionFormat,
  CaptionIssue,
  CaptionReadResult,
  CaptionWriteOptions,
  CaptionWriteResult,
} from './issues.js';
export { frameToMs, msToFrame } from './millis.js';
export {
  CAPTION_COLORS,
  CAPTION_KINDS,
  type CaptionAnchor,
  type CaptionColor,
  type CaptionCue,
  type CaptionKind,
  type CaptionLine,
  type CaptionLinePosition,
  type CaptionRegion,
  type CaptionSpan,
  type CaptionTrack,
  type Cea608Cell,
  type Cea608Data,
  type Cea608Mode,
  type CuePlacement,
} from './model.js';
export {
  BBC_STYLE_SUBTITLES,
  type CaptionQcFinding,
  type CaptionQcOptions,
  type CaptionQcProfile,
  type CaptionQcSeverity,
  checkCaptions,
  FCC_608_CAPTIONS,
  NETFLIX_STYLE_SUBTITLES,
} from './qc.js';
export { type CaptionReadOptions, MAX_CAPTION_INPUT } from './reader-options.js';
export {
  type CaptionRateConversion,
  type CaptionRetimeOptions,
  type CaptionRetimeReport,
  convertCaptionRate,
  type DroppedCue,
  retimeCaptions,
  type ShortCue,
} from './retime.js';
export { readScc, type SccReadOptions, sccLabelFrame } from './scc-read.js';
export { is608Char, writeScc } from './scc-write.js';
export { canonicalCue, canonicalLine } from './spans.js';
export { readSrt, writeSrt } from './srt.js';
export {
  type CaptionTrackInput,
  captionTrack,
  cueRange,
  cueText,
  isLanguageTag,
  MAX_CAPTION_CUES,
} from './track.js';
export { readWebVtt, writeWebVtt } from './webvtt.js';
