import fc from 'fast-check';
import { parseSync } from 'subtitle';
import { describe, expect, it } from 'vitest';
import { isFramewiseError } from '../errors/index.js';
import { FrameRate } from '../time/index.js';
import { frameToMs, msToFrame } from './millis.js';
import { canonicalCue } from './spans.js';
import { readSrt, writeSrt } from './srt.js';
import { sample, trackArb } from './track.fixture.js';
import { captionTrack, cueText } from './track.js';

const rate = FrameRate.FPS_29_97_DF;
const ms = (frame: number): number => frameToMs(frame, rate);

describe('readSrt on the public samples', () => {
  it('reads pycaption_sample.srt: 7 cues, first 9.209 → 12.312 s, markup-looking text kept as text', () => {
    const { track, issues } = readSrt(sample('srt/pycaption_sample.srt'), { rate, language: 'en' });
    expect(issues).toEqual([]);
    expect(track.cues).toHaveLength(7);
    const first = track.cues[0];
    expect(first?.begin).toBe(msToFrame(9209, rate));
    expect(first?.end).toBe(msToFrame(12312, rate));
    // Frame-exact: 9.209 s at 30000/1001 is frame 276.0 (276 × 1001/30 = 9209.2 ms).
    expect(first?.begin).toBe(276);
    const last = track.cues[6];
    expect(last?.begin).toBe(msToFrame(32200, rate));
    expect(last?.end).toBe(msToFrame(36200, rate));
    expect(cueText(last as never)).toBe('<LAUGHING & WHOOPS!>');
    expect(cueText(track.cues[1] as never)).toBe('MAN:\nWhen we think\n♪ ...say bow, wow, ♪');
  });

  it('keeps a cue whose text is just a number, and runs of spaces', () => {
    const { track } = readSrt(sample('srt/pycaption_numeric_text.srt'), { rate });
    expect(track.cues).toHaveLength(7);
    expect(cueText(track.cues[4] as never)).toBe('NUMBER  IS  662-429-84-77.');
    const last = track.cues[6];
    expect(cueText(last as never)).toBe('3');
    expect(last?.begin).toBe(msToFrame(36460, rate));
    expect(last?.end).toBe(msToFrame(131500, rate));
  });

  it('keeps the empty cue followed by two blank lines', () => {
    const { track } = readSrt(sample('srt/pycaption_blank_cue.srt'), { rate });
    expect(track.cues).toHaveLength(2);
    expect(cueText(track.cues[0] as never)).toBe('');
    expect(cueText(track.cues[1] as never)).toBe('YOU  HAVE  ANY  INFORMATION');
  });

  it('keeps identical times and lengthens cues shorter than a frame to one frame, reporting it', () => {
    const { track, issues } = readSrt(sample('srt/pycaption_same_times.srt'), { rate });
    expect(track.cues).toHaveLength(5);
    expect(track.cues[0]?.begin).toBe(track.cues[1]?.begin);
    expect(track.cues[0]?.end).toBe(track.cues[1]?.end);
    // 10.594 → 10.600 s is 6 ms: less than a frame (33.4 ms), so one frame.
    expect(track.cues[3]?.end).toBe((track.cues[3]?.begin as number) + 1);
    expect(issues.filter((i) => i.code === 'cue.lengthened').length).toBeGreaterThanOrEqual(2);
  });

  it('reads times without milliseconds as whole seconds and says so', () => {
    const { track, issues } = readSrt(sample('srt/pycaption_no_millis.srt'), { rate: 25 });
    expect(track.cues.map((c) => [c.begin, c.end])).toEqual([
      [13 * 25, 16 * 25],
      [16 * 25, 18 * 25],
    ]);
    expect(issues.map((i) => i.code)).toEqual(['timestamp.no-millis', 'timestamp.no-millis']);
  });
});

describe('readSrt', () => {
  it('reads styles, nested and across lines, and unknown colours as reported defaults', () => {
    const srt =
      '1\r\n00:00:01,000 --> 00:00:02,000\r\n<i>one <b>two</b>\r\nthree</i> <font color="#ff0000">red</font> <font color="teal">x</font>\r\n';
    const { track, issues } = readSrt(srt, { rate: 25 });
    expect(track.cues[0]?.lines).toEqual([
      {
        spans: [
          { text: 'one ', italic: true },
          { text: 'two', italic: true, bold: true },
        ],
      },
      { spans: [{ text: 'three', italic: true }, { text: ' ' }, { text: 'red', color: 'red' }, { text: ' x' }] },
    ]);
    expect(issues.map((i) => i.code)).toEqual(['color.unknown']);
  });

  it('skips and reports blocks without timing and timings out of range, and keeps going', () => {
    const srt =
      'garbage\n\n1\n00:00:01,000 --> 00:00:00,500\nbackwards\n\n2\n00:61:00,000 --> 00:62:00,000\nbad\n\n3\n00:00:03,000 --> 00:00:04,000 X1:10 X2:20\nok\n';
    const { track, issues } = readSrt(srt, { rate: 25 });
    expect(track.cues.map(cueText)).toEqual(['ok']);
    expect(issues.map((i) => [i.code, i.line])).toEqual([
      ['block.skipped', 1],
      ['cue.bad-timing', 4],
      ['cue.bad-timing', 8],
      ['placement.dropped', 12],
    ]);
  });

  it('starts the next cue when a blank line is missing before its number', () => {
    const srt = '1\n00:00:01,000 --> 00:00:02,000\nfirst\n2\n00:00:03,000 --> 00:00:04,000\nsecond\n';
    expect(readSrt(srt, { rate: 25 }).track.cues.map(cueText)).toEqual(['first', 'second']);
  });

  it('refuses what is not a string and a bad rate with INVALID_INPUT', () => {
    expect(() => readSrt(42 as never, { rate: 25 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => readSrt('', { rate: 'fast' })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('writeSrt', () => {
  const base = { language: 'en', kind: 'subtitles' as const, rate: 25 };

  it('writes numbered cues, millisecond times and style tags', () => {
    const track = captionTrack({
      ...base,
      cues: [
        {
          begin: 25,
          end: 50,
          lines: [{ spans: [{ text: 'a' }, { text: 'b', italic: true, color: 'yellow' }] }, { spans: [{ text: 'c' }] }],
        },
      ],
    });
    expect(writeSrt(track)).toEqual({
      text: '1\n00:00:01,000 --> 00:00:02,000\na<i><font color="#ffff00">b</font></i>\nc\n',
      losses: [],
    });
  });

  it('refuses what SRT cannot hold, or drops it and lists it when degrading', () => {
    const track = captionTrack({
      ...base,
      cues: [
        {
          begin: 0,
          end: 10,
          id: 'intro',
          placement: { align: 'left' },
          lines: [{ spans: [{ text: 'hi', voice: 'Bob' }] }],
        },
        { begin: 10, end: 20, lines: [{ spans: [{ text: 'a --> b' }] }, { spans: [{ text: 'kept' }] }] },
      ],
    });
    let error: unknown;
    try {
      writeSrt(track);
    } catch (e) {
      error = e;
    }
    expect(isFramewiseError(error, 'UNSUPPORTED')).toBe(true);
    expect((error as Error).message).toMatch(/SRT cannot hold cue id "intro" \(cue 0\)/);
    const { text, losses } = writeSrt(track, { degrade: true });
    expect(losses.map((l) => [l.code, l.cue])).toEqual([
      ['id.dropped', 0],
      ['placement.dropped', 0],
      ['voice.dropped', 0],
      ['text.dropped', 1],
      ['line.dropped', 1],
    ]);
    expect(readSrt(text, { rate: 25 }).track.cues.map(cueText)).toEqual(['hi', 'kept']);
  });
});

describe('SRT round trip and fuzzing', () => {
  it('model → SRT → model gives the canonical model back, frame for frame', () => {
    fc.assert(
      fc.property(trackArb('srt'), (track) => {
        const { text, losses } = writeSrt(track);
        expect(losses).toEqual([]);
        const back = readSrt(text, { rate: track.rate, language: 'en-GB' });
        expect(back.issues).toEqual([]);
        expect(back.track.cues).toEqual(track.cues.map(canonicalCue));
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with the `subtitle` package on what it writes (times in ms, text without tags)', () => {
    fc.assert(
      fc.property(trackArb('srt'), (track) => {
        const { text } = writeSrt(track);
        const nodes = parseSync(text).filter((n) => n.type === 'cue');
        const theirs = nodes.map((n) => {
          const d = n.data as { start: number; end: number; text: string };
          return [d.start, d.end, d.text.replace(/<\/?(?:i|b|u|font)(?:\s[^>]*)?>/g, '')];
        });
        const ours = track.cues.map((c) => [frameToMs(c.begin, track.rate), frameToMs(c.end, track.rate), cueText(c)]);
        expect(theirs).toEqual(ours);
      }),
      { numRuns: 200 },
    );
  });

  it('never crashes or hangs on arbitrary input: a track or a typed error', () => {
    const pieces = fc.constantFrom(
      '1',
      '\n',
      '\r\n',
      '00:00:01,000',
      ' --> ',
      '-->',
      '<i>',
      '</i>',
      '<font color=red>',
      '</font>',
      '99:99:99,999',
      'text',
      ' ',
      ':',
      ',',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.array(pieces, { maxLength: 60 }).map((a) => a.join('')),
        ),
        (input) => {
          try {
            const { track } = readSrt(input, { rate: 25 });
            for (const cue of track.cues) expect(cue.end).toBeGreaterThan(cue.begin);
          } catch (e) {
            expect(isFramewiseError(e)).toBe(true);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('reads a pathological line in linear time (no regex backtracking blow-up)', () => {
    const line = `${'0'.repeat(200_000)}:${'0'.repeat(100_000)} --> ${' '.repeat(100_000)}`;
    const { track, issues } = readSrt(`1\n${line}\n<i${' '.repeat(100_000)}\n`, { rate: 25 });
    expect(track.cues).toEqual([]);
    expect(issues.length).toBeGreaterThan(0);
  });
});

it('converts times with the exact rate: 1 h of 29.97 is frame 107 892 (not 108 000)', () => {
  const { track } = readSrt('1\n01:00:00,000 --> 01:00:01,000\nx\n', { rate });
  expect(track.cues[0]?.begin).toBe(107_892);
  // Frame 107 892 starts at 107 892 × 1001/30 ms = 3 599 996.4 ms: SRT can only say 01:00:00,000 to
  // within a frame, and the frame is what is kept.
  expect(ms(107_892)).toBe(3_599_996);
  expect(writeSrt(track).text).toContain('00:59:59,996 --> 01:00:00,997');
});
