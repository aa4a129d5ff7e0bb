import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FrameRate } from './frame-rate.js';
import { FrameRateSchema, TimecodeSchema, TimeRangeSchema } from './schemas.js';

describe('time schemas', () => {
  it('parse JSON forms into time values inside host schemas', () => {
    const Clip = z.object({ rate: FrameRateSchema, som: TimecodeSchema, span: TimeRangeSchema });
    const clip = Clip.parse({
      rate: '29.97df',
      som: { timecode: '01:00:00;00', rate: { num: 30000, den: 1001, dropFrame: true } },
      span: { start: 0, duration: 30, rate: 25 },
    });
    expect(clip.rate.equals(FrameRate.FPS_29_97_DF)).toBe(true);
    expect(clip.som.frames).toBe(107_892);
    expect(clip.span.end).toBe(30);
  });

  it('report errors that name the input', () => {
    const result = TimecodeSchema.safeParse({ timecode: '00:01:00;00', rate: '29.97df' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/"00:01:00;00" does not exist/);
    expect(TimeRangeSchema.safeParse({ start: -1, duration: 1, rate: '25' }).success).toBe(false);
    expect(FrameRateSchema.safeParse('twenty-five').success).toBe(false);
  });
});
