import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EditList } from './edit-list.js';
import { FrameRate } from './frame-rate.js';
import { EditListSchema } from './schemas.js';
import { TimeRange } from './time-range.js';

const R25 = FrameRate.FPS_25;
const span = (r: TimeRange) => [r.start, r.end];

describe('EditList', () => {
  // Keep 0-10 s, drop 10-20 s, keep 20-30 s, then an insert from a second source.
  const edit = EditList.of(R25, [
    { source: 'master', start: 0, duration: 250 },
    { source: 'master', start: 500, duration: 250 },
    { source: 'promo', start: 0, duration: 100 },
  ]);

  it('lays events on the record timeline', () => {
    expect(edit.duration).toBe(600);
    expect(edit.events.map((e) => span(e.recordRange))).toEqual([
      [0, 250],
      [250, 500],
      [500, 600],
    ]);
    expect(edit.sources()).toEqual(['master', 'promo']);
    expect(edit.recordRange.end).toBe(600);
  });

  it('maps frames both ways', () => {
    expect(edit.toRecord('master', 600)).toEqual([350]);
    expect(edit.toRecord('master', 300)).toEqual([]);
    expect(edit.toRecord('promo', 99)).toEqual([599]);
    expect(edit.toRecord('unknown', 1)).toEqual([]);
    expect(edit.toSource(350)).toEqual({ source: 'master', frame: 600, event: 1 });
    expect(edit.toSource(600)).toBeUndefined();
    expect(edit.toSource(0)).toEqual({ source: 'master', frame: 0, event: 0 });
  });

  it('reports cut parts and splits of a source range', () => {
    const mapping = edit.mapRange('master', TimeRange.of(200, 400, R25));
    expect(mapping.pieces.map((p) => span(p.record))).toEqual([
      [200, 250],
      [250, 350],
    ]);
    expect(mapping.cut.map(span)).toEqual([[250, 500]]);
    expect(mapping.split).toBe(true);
    expect(mapping.removed).toBe(false);
    const gone = edit.mapRange('master', TimeRange.of(300, 100, R25));
    expect(gone.removed).toBe(true);
    expect(gone.cut.map(span)).toEqual([[300, 400]]);
    const kept = edit.mapRange('master', TimeRange.of(520, 10, R25));
    expect(kept.pieces.map((p) => span(p.record))).toEqual([[270, 280]]);
    expect(kept.split).toBe(false);
    expect(kept.cut).toEqual([]);
  });

  it('maps points (zero-length ranges)', () => {
    expect(edit.mapRange('master', TimeRange.of(600, 0, R25)).pieces.map((p) => span(p.record))).toEqual([[350, 350]]);
    expect(edit.mapRange('master', TimeRange.of(300, 0, R25)).removed).toBe(true);
  });

  it('joins continuous events and handles repeats', () => {
    const joined = EditList.of(R25, [
      { source: 'a', start: 0, duration: 10 },
      { source: 'a', start: 10, duration: 10 },
    ]);
    const m = joined.mapRange('a', TimeRange.of(5, 10, R25));
    expect(m.pieces.map((p) => span(p.record))).toEqual([[5, 15]]);
    expect(m.split).toBe(false);
    const repeat = EditList.of(R25, [
      { source: 'a', start: 0, duration: 10 },
      { source: 'a', start: 0, duration: 10 },
    ]);
    expect(repeat.toRecord('a', 3)).toEqual([3, 13]);
    expect(repeat.mapRange('a', TimeRange.of(0, 10, R25)).split).toBe(true);
  });

  it('maps record ranges back to sources', () => {
    const pieces = edit.mapRecordRange(TimeRange.of(240, 300, R25));
    expect(pieces.map((p) => [p.sourceId, ...span(p.source)])).toEqual([
      ['master', 240, 250],
      ['master', 500, 750],
      ['promo', 0, 40],
    ]);
  });

  it('refuses bad events naming them', () => {
    expect(() => EditList.of(R25, [{ source: '', start: 0, duration: 1 }])).toThrow(/Edit event 0/);
    expect(() => EditList.of(R25, [{ source: 'a', start: 0, duration: 0 }])).toThrow(
      /Edit event 0 \(a\) has no frames/,
    );
    expect(() => EditList.of(R25, [{ source: 'a', start: -5, duration: 2 }])).toThrow(/Edit event 0 \(a\)/);
    expect(() => EditList.of(R25, [{ source: 'a', range: TimeRange.of(0, 5, FrameRate.FPS_29_97_DF) }])).toThrow(
      /is at 29\.97df/,
    );
    expect(() => edit.mapRange('master', TimeRange.of(0, 5, FrameRate.FPS_24))).toThrow(/edit list is at 25/);
  });

  it('keeps every kept frame exactly once and accounts for every cut frame (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ start: fc.integer({ min: 0, max: 500 }), duration: fc.integer({ min: 1, max: 100 }) }), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 0, max: 200 }),
        (events, start, duration) => {
          const list = EditList.of(
            R25,
            events.map((e) => ({ source: 's', ...e })),
          );
          const range = TimeRange.of(start, duration, R25);
          const mapping = list.mapRange('s', range);
          const recordFrames = mapping.pieces.reduce((n, p) => n + p.record.duration, 0);
          let expected = 0;
          for (let f = range.start; f < range.end; f++) expected += list.toRecord('s', f).length;
          expect(recordFrames).toBe(expected);
          const cutFrames = mapping.cut.reduce((n, r) => n + r.duration, 0);
          let cutExpected = 0;
          for (let f = range.start; f < range.end; f++) if (list.toRecord('s', f).length === 0) cutExpected++;
          expect(cutFrames).toBe(cutExpected);
          for (const piece of mapping.pieces) {
            for (let f = piece.record.start; f < piece.record.end; f++) {
              expect(list.toSource(f)?.frame).toBe(piece.source.start + (f - piece.record.start));
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('round-trips through JSON and its schema', () => {
    const parsed = EditListSchema.parse(
      JSON.parse(JSON.stringify(EditList.of(R25, edit.toJSON().events, { recordStart: 90_000 }))),
    );
    expect(parsed.recordStart).toBe(90_000);
    expect(parsed.toJSON()).toEqual({ ...edit.toJSON(), recordStart: 90_000 });
    const bad = EditListSchema.safeParse({ rate: '25df', events: [] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/"25df"/);
  });
});
