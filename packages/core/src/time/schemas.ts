/**
 * Zod schemas for time values (`FrameRate`, `Timecode`, `TimeRange`, `EditList`) to embed in your
 * own schemas. Kept off `@framewise/core/time` so that timecode maths loads without zod (in a
 * browser, for instance); also re-exported from the root entry.
 *
 * @module
 */
import { z } from 'zod';
import { isFramewiseError } from '../errors/index.js';
import { EditList } from './edit-list.js';
import { FrameRate } from './frame-rate.js';
import { TimeRange } from './time-range.js';
import { Timecode } from './timecode.js';

function build<T>(make: () => T, ctx: z.RefinementCtx): T {
  try {
    return make();
  } catch (error) {
    if (!isFramewiseError(error)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
    return z.NEVER;
  }
}

/**
 * Zod schema for a frame rate in any form {@link FrameRate.parse} accepts (`'29.97df'`, `25`,
 * `{ num, den, dropFrame }`), producing a {@link FrameRate}. Use it inside your own schemas.
 */
export const FrameRateSchema = z
  .union([
    z.string().max(64),
    z.number().positive(),
    z.object({ num: z.number().int().positive(), den: z.number().int().positive(), dropFrame: z.boolean().optional() }),
  ])
  .transform((value, ctx) => build(() => FrameRate.parse(value), ctx));

/** Zod schema for a timecode as `{ timecode, rate }`, producing a {@link Timecode}. */
export const TimecodeSchema = z
  .object({ timecode: z.string().max(32), rate: FrameRateSchema })
  .transform((value, ctx) => build(() => Timecode.parse(value.timecode, value.rate), ctx));

/** Zod schema for a range as `{ start, duration, rate }`, producing a {@link TimeRange}. */
export const TimeRangeSchema = z
  .object({ start: z.number().int().nonnegative(), duration: z.number().int().nonnegative(), rate: FrameRateSchema })
  .transform((value, ctx) => build(() => TimeRange.of(value.start, value.duration, value.rate), ctx));

/** Zod schema for an edit list's JSON form, producing an {@link EditList}. */
export const EditListSchema = z
  .object({
    rate: FrameRateSchema,
    recordStart: z.number().int().nonnegative().default(0),
    events: z
      .array(
        z.object({
          source: z.string().min(1).max(512),
          start: z.number().int().nonnegative(),
          duration: z.number().int().positive(),
        }),
      )
      .max(1_000_000),
  })
  .transform((value, ctx) =>
    build(() => EditList.of(value.rate, value.events, { recordStart: value.recordStart }), ctx),
  );
