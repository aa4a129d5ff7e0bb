import { describe, expect, it } from 'vitest';
import type { QcFinding } from '../qc/report.js';
import { FrameRate } from '../time/index.js';
import type { CaptionCue } from './model.js';
import { type CaptionQcFinding, checkCaptions, FCC_608_CAPTIONS, NETFLIX_STYLE_SUBTITLES } from './qc.js';
import { captionTrack } from './track.js';

const rate = FrameRate.FPS_25;
const cue = (begin: number, end: number, ...lines: string[]): CaptionCue => ({
  begin,
  end,
  lines: lines.map((text) => ({ spans: [{ text }] })),
});

describe('checkCaptions', () => {
  it('finds each rule of the Netflix-style profile at the cue it concerns, with timecodes', () => {
    const track = captionTrack({
      language: 'und',
      kind: 'subtitles',
      rate,
      cues: [
        cue(0, 50, 'Fine.'), // 2 s
        cue(51, 60, 'Too short and right after the previous one'), // gap 1 frame, 360 ms
        cue(55, 200, 'Overlapping'), // overlaps
        cue(300, 500, 'a', 'b', 'c'), // 3 lines, 8 s
        cue(600, 625, 'x'.repeat(43)), // 43 chars in 1 s: line length and reading rate
      ],
    });
    const findings = checkCaptions(track, NETFLIX_STYLE_SUBTITLES);
    expect(findings.map((f) => [f.rule, f.start, f.severity])).toEqual([
      ['caption.language', 0, 'fail'],
      ['caption.gap', 51, 'warn'],
      ['caption.min-duration', 51, 'fail'],
      ['caption.reading-rate', 51, 'warn'],
      ['caption.overlap', 55, 'fail'],
      ['caption.max-duration', 300, 'fail'],
      ['caption.lines', 300, 'fail'],
      ['caption.reading-rate', 600, 'warn'],
      ['caption.line-length', 600, 'fail'],
    ]);
    const rateFinding = findings[7] as CaptionQcFinding;
    // Naive: 43 characters over 25 frames at 25 fps = 43 cps.
    expect(rateFinding.measured).toEqual({ cps: 43 });
    expect(rateFinding.timecodeIn).toBe('00:00:24:00');
    expect(rateFinding.timecodeOut).toBe('00:00:25:00');
    expect(rateFinding.track).toBe('subtitle:und');
  });

  it('checks 608 columns and characters for broadcast captions', () => {
    const track = captionTrack({
      language: 'en-US',
      kind: 'captions',
      rate: FrameRate.FPS_29_97_DF,
      cues: [
        { begin: 0, end: 60, lines: [{ cell: { row: 15, column: 10 }, spans: [{ text: 'twenty-three characters' }] }] },
        cue(60, 120, 'emoji 😀 and tab\t'),
      ],
    });
    const findings = checkCaptions(track, FCC_608_CAPTIONS);
    expect(findings.map((f) => [f.rule, f.start])).toEqual([
      ['caption.608.columns', 0],
      ['caption.608.characters', 60],
    ]);
    expect(findings[1]?.measured).toEqual({ characters: '😀\t' });
  });

  it('reports cues outside the programme and refuses a bad profile', () => {
    const track = captionTrack({
      language: 'en',
      kind: 'subtitles',
      rate,
      cues: [cue(0, 50, 'in'), cue(900, 1100, 'runs past the end')],
    });
    expect(checkCaptions(track, { id: 'p' }, { programme: { start: 0, end: 1000 } }).map((f) => f.rule)).toEqual([
      'caption.outside-programme',
    ]);
    expect(() => checkCaptions(track, { id: 'bad', maxCps: -1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });

  it('has the shape of a QC finding', () => {
    const finding: CaptionQcFinding = checkCaptions(
      captionTrack({ language: 'und', kind: 'subtitles', rate, cues: [] }),
      NETFLIX_STYLE_SUBTITLES,
    )[0] as CaptionQcFinding;
    const asQc: QcFinding = finding;
    expect(asQc.rule).toBe('caption.language');
  });
});
