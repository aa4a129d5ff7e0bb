import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameRate } from './frame-rate.js';
import { TimeRange } from './time-range.js';
import { Timecode } from './timecode.js';

const R25 = FrameRate.FPS_25;
const DF30 = FrameRate.FPS_29_97_DF;

describe('TimeRange', () => {
  it('builds from frames and timecodes, half-open', () => {
    const range = TimeRange.fromTimecodes(Timecode.parse('00:00:10:00', R25), Timecode.parse('00:00:20:00', R25));
    expect(range.start).toBe(250);
    expect(range.duration).toBe(250);
    expect(range.end).toBe(500);
    expect(range.contains(250)).toBe(true);
    expect(range.contains(499)).toBe(true);
    expect(range.contains(500)).toBe(false);
    expect(range.contains(Timecode.parse('00:00:19:24', R25))).toBe(true);
    expect(range.toString()).toBe('00:00:10:00-00:00:20:00@25');
    expect(range.toRate(DF30).toString()).toBe('00:00:10;00-00:00:19;29@29.97df');
    expect(JSON.stringify(range)).toBe('{"start":250,"duration":250,"rate":"25"}');
  });

  it('refuses bad bounds with typed errors', () => {
    expect(() => TimeRange.of(-1, 10, R25)).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => TimeRange.of(0, 1.5, R25)).toThrow(/duration 1\.5/);
    expect(() => TimeRange.between(10, 5, R25)).toThrow(/before its start/);
    expect(() => TimeRange.fromTimecodes(Timecode.zero(R25), Timecode.zero(DF30))).toThrow(/toRate/);
    expect(() => TimeRange.of(0, 10, R25).intersect(TimeRange.of(0, 10, DF30))).toThrow(/toRate/);
  });

  it('intersects, unions, merges and splits', () => {
    const a = TimeRange.of(0, 100, R25);
    const b = TimeRange.of(50, 100, R25);
    const c = TimeRange.of(200, 10, R25);
    expect(a.intersect(b)?.toJSON()).toEqual({ start: 50, duration: 50, rate: '25' });
    expect(a.intersect(c)).toBeUndefined();
    expect(a.overlaps(b)).toBe(true);
    expect(a.overlaps(TimeRange.of(100, 5, R25))).toBe(false);
    expect(a.union(b).toJSON()).toEqual({ start: 0, duration: 150, rate: '25' });
    expect(a.union(TimeRange.of(100, 5, R25)).end).toBe(105);
    expect(() => a.union(c)).toThrow(/do not touch/);
    expect(TimeRange.merge([c, b, a, TimeRange.of(150, 0, R25)]).map((r) => [r.start, r.end])).toEqual([
      [0, 150],
      [200, 210],
    ]);
    expect(a.split(30, 60, 60, 500, 0).map((r) => [r.start, r.duration])).toEqual([
      [0, 30],
      [30, 30],
      [60, 40],
    ]);
    expect(a.shift(10).start).toBe(10);
    expect(a.contains(TimeRange.of(0, 100, R25))).toBe(true);
    expect(a.contains(TimeRange.of(99, 2, R25))).toBe(false);
  });

  it('converts rates keeping adjacent ranges adjacent (nearest) and covering (cover)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 30 }),
        fc.constantFrom(FrameRate.FPS_23_976, FrameRate.FPS_25, DF30, FrameRate.FPS_50, FrameRate.FPS_59_94_DF),
        fc.constantFrom(FrameRate.FPS_24, FrameRate.FPS_25, DF30, FrameRate.FPS_119_88),
        (durations, from, to) => {
          let at = 0;
          const ranges = durations.map((d) => {
            const r = TimeRange.of(at, d, from);
            at += d;
            return r;
          });
          const converted = ranges.map((r) => r.toRate(to));
          for (let i = 1; i < converted.length; i++) {
            expect(converted[i]?.start).toBe(converted[i - 1]?.end);
          }
          for (const r of ranges) {
            const cover = r.toRate(to, 'cover');
            const inside = r.toRate(to, 'inside');
            // cover contains the source span; inside lies within it (compare in seconds, exactly).
            expect(cover.start * from.num * to.den).toBeLessThanOrEqual(r.start * to.num * from.den);
            expect(cover.end * from.num * to.den).toBeGreaterThanOrEqual(r.end * to.num * from.den);
            expect(inside.start * from.num * to.den).toBeGreaterThanOrEqual(r.start * to.num * from.den);
            expect(inside.end >= inside.start).toBe(true);
          }
        },
      ),
    );
  });
});
