import { describeInput, FramewiseError } from '../errors/index.js';
import type { FrameRateInput } from '../time/index.js';
import type { CaptionKind } from './model.js';

/** Options every text caption reader takes. */
export interface CaptionReadOptions {
  /**
   * The frame rate cue times are snapped to (the video's rate). SRT and WebVTT carry
   * milliseconds; each time goes to the nearest frame boundary.
   */
  readonly rate: FrameRateInput;
  /** BCP 47 language of the track; default `und` (the formats here do not carry one). */
  readonly language?: string;
  /** What the track is for; default `subtitles`. */
  readonly kind?: CaptionKind;
}

/** Largest caption document a reader accepts, in UTF-16 code units (64 Mi: ~ 500 000 cues). */
export const MAX_CAPTION_INPUT = 64 * 1024 * 1024;

/** Check a reader's input is a string within {@link MAX_CAPTION_INPUT}; strip a leading BOM. */
export function readableText(format: string, input: unknown): string {
  if (typeof input !== 'string') {
    throw new FramewiseError('INVALID_INPUT', `${format} input ${describeInput(input)} is not a string`, {
      details: { format },
    });
  }
  if (input.length > MAX_CAPTION_INPUT) {
    throw new FramewiseError(
      'INVALID_INPUT',
      `${format} input has ${input.length} characters, more than the ${MAX_CAPTION_INPUT} a reader accepts`,
      { details: { format, length: input.length } },
    );
  }
  return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
}
