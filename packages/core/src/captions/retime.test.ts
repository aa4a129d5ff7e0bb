import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EditList, FrameRate, Timecode } from '../time/index.js';
import type { CaptionCue } from './model.js';
import { convertCaptionRate, retimeCaptions } from './retime.js';
import { captionTrack, cueText } from './track.js';

const rate = FrameRate.FPS_25;
const cue = (begin: number, end: number, text: string): CaptionCue => ({ begin, end, lines: [{ spans: [{ text }] }] });
const track = (cues: CaptionCue[], r: FrameRate = rate) =>
  captionTrack({ language: 'en', kind: 'subtitles', rate: r, cues });

describe('retimeCaptions', () => {
  // Keep 0-10 s and 20-30 s of the master: the 10 s in the middle are cut.
  const edit = EditList.of(rate, [
    { source: 'master', start: 0, duration: 250 },
    { source: 'master', start: 500, duration: 250 },
  ]);

  it('moves, splits at a cut, drops cues in removed material and flags short pieces', () => {
    const source = track([
      cue(25, 75, 'kept'),
      cue(240, 510, 'spans the cut'),
      cue(300, 400, 'cut away'),
      cue(600, 700, 'moved'),
    ]);
    const report = retimeCaptions(source, edit, { source: 'master' });
    expect(report.track.cues.map((c) => [c.begin, c.end, cueText(c)])).toEqual([
      [25, 75, 'kept'],
      [240, 250, 'spans the cut'],
      [250, 260, 'spans the cut'],
      [350, 450, 'moved'],
    ]);
    expect(report.split).toEqual([1]);
    expect(report.dropped.map((d) => [d.index, cueText(d.cue)])).toEqual([[2, 'cut away']]);
    expect(report.trimmed).toEqual([]);
    expect(report.from).toEqual([0, 1, 1, 3]);
    // 5/6 s at 25 fps is 21 frames: both 10-frame pieces are flagged.
    expect(report.short).toEqual([
      { index: 1, from: 1, duration: 10 },
      { index: 2, from: 1, duration: 10 },
    ]);
  });

  it('reports trimmed cues and keeps the record start (01:00:00:00) in the frames', () => {
    const reel = EditList.of(rate, [{ source: 'master', start: 100, duration: 100 }], { recordStart: 90_000 });
    const report = retimeCaptions(track([cue(50, 150, 'head trimmed')]), reel, { source: 'master', minDuration: 10 });
    expect(report.trimmed).toEqual([0]);
    expect(report.short).toEqual([]);
    const moved = report.track.cues[0] as CaptionCue;
    expect(Timecode.fromFrames(moved.begin, rate).toString()).toBe('01:00:00:00');
    expect(moved.end - moved.begin).toBe(50);
  });

  it('refuses an edit at another cadence', () => {
    expect(() => retimeCaptions(track([cue(0, 10, 'x')], FrameRate.FPS_29_97_DF), edit, { source: 'master' })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });

  it('agrees with a frame-by-frame oracle built on EditList.toRecord', () => {
    const events = fc.array(
      fc.record({ start: fc.integer({ min: 0, max: 400 }), duration: fc.integer({ min: 1, max: 120 }) }),
      { minLength: 1, maxLength: 8 },
    );
    const cues = fc.array(
      fc.record({ begin: fc.integer({ min: 0, max: 500 }), duration: fc.integer({ min: 1, max: 100 }) }),
      { maxLength: 10 },
    );
    fc.assert(
      fc.property(events, cues, (ev, cs) => {
        const list = EditList.of(
          rate,
          ev.map((e) => ({ source: 'm', ...e })),
        );
        const source = track(cs.map((c, i) => cue(c.begin, c.begin + c.duration, `c${i}`)));
        const report = retimeCaptions(source, list, { source: 'm' });
        // Oracle: every source frame's record frames, grouped into runs of consecutive record frames
        // that also come from consecutive source frames.
        const expected: [number, number, string][] = [];
        source.cues.forEach((c) => {
          const pairs: [number, number][] = [];
          for (let f = c.begin; f < c.end; f++) for (const r of list.toRecord('m', f)) pairs.push([r, f]);
          pairs.sort((a, b) => a[0] - b[0]);
          let run: [number, number, number] | undefined;
          for (const [r, f] of pairs) {
            if (run !== undefined && r === run[1] && f === run[2] + 1) {
              run[1] = r + 1;
              run[2] = f;
            } else {
              if (run !== undefined) expected.push([run[0], run[1], cueText(c)]);
              run = [r, r + 1, f];
            }
          }
          if (run !== undefined) expected.push([run[0], run[1], cueText(c)]);
        });
        const sortKey = (a: [number, number, string], b: [number, number, string]) =>
          a[0] - b[0] || a[1] - b[1] || a[2].localeCompare(b[2]);
        expect(
          report.track.cues.map((c) => [c.begin, c.end, cueText(c)] as [number, number, string]).sort(sortKey),
        ).toEqual(expected.sort(sortKey));
        const droppedOracle = source.cues.flatMap((c, i) => (expected.some((e) => e[2] === cueText(c)) ? [] : [i]));
        expect(report.dropped.map((d) => d.index)).toEqual(droppedOracle);
        report.from.forEach((f, i) => {
          expect(cueText(report.track.cues[i] as CaptionCue)).toBe(cueText(source.cues[f] as CaptionCue));
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('convertCaptionRate', () => {
  it('25 → 29.97 DF keeps the time of each cue to the nearest frame, and back', () => {
    const pal = track([cue(250, 300, 'ten seconds in'), cue(90_000, 90_025, 'one hour in')]);
    const ntsc = convertCaptionRate(pal, '29.97df');
    expect(ntsc.rate.equals(FrameRate.FPS_29_97_DF)).toBe(true);
    // 10 s = 299.7 frames → 300; 12 s = 359.64 → 360; 1 h = 107 892.1 → 107 892.
    expect(ntsc.cues.map((c) => [c.begin, c.end])).toEqual([
      [300, 360],
      [107_892, 107_922],
    ]);
    // Drop-frame labels follow the clock: frame 107 892 is labelled 01:00:00;00.
    expect(Timecode.fromFrames(107_892, FrameRate.FPS_29_97_DF).toString()).toBe('01:00:00;00');
    expect(convertCaptionRate(ntsc, 25).cues.map((c) => [c.begin, c.end])).toEqual([
      [250, 300],
      [90_000, 90_025],
    ]);
  });

  it('keeps a cue at least one frame long, and keep-frames keeps the frame numbers', () => {
    const fast = track([cue(0, 1, 'blink')], FrameRate.FPS_60);
    expect(convertCaptionRate(fast, 24).cues.map((c) => [c.begin, c.end])).toEqual([[0, 1]]);
    const film = track([cue(24, 48, 'x')], FrameRate.FPS_24);
    expect(convertCaptionRate(film, 25, 'keep-frames').cues.map((c) => [c.begin, c.end])).toEqual([[24, 48]]);
  });
});
