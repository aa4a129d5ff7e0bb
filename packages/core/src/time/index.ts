/**
 * Frame-accurate media time: exact frame rates, SMPTE timecode, sample positions, frame ranges and
 * edit lists. Every other Framewise domain measures time with these types.
 *
 * @module
 */
export { type ClockTimeOptions, formatClockTime, parseClockTime } from './clock-time.js';
export {
  type EditEvent,
  type EditEventInput,
  EditList,
  type EditListJson,
  type EditListOptions,
  type MappedPiece,
  type RangeMapping,
} from './edit-list.js';
export { FrameRate, type FrameRateInput, type FrameRateJson } from './frame-rate.js';
export {
  compareRational,
  mulDivRound,
  type Rational,
  type Rounding,
  rational,
  rationalToNumber,
  scaleNumber,
} from './rational.js';
export { SampleTime } from './sample-time.js';
export { type RangeRounding, TimeRange, type TimeRangeJson } from './time-range.js';
export { type DayOverflow, Timecode, type TimecodeJson, type TimecodeOptions } from './timecode.js';
export type { TimecodeFields } from './timecode-label.js';
