import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFramewiseError } from '../errors/index.js';
import { FrameRate } from '../time/index.js';
import type { CaptionColor, CaptionCue, CaptionLine, CaptionSpan, CaptionTrack } from './model.js';
import { readScc, sccLabelFrame } from './scc-read.js';
import { writeScc } from './scc-write.js';
import { canonicalCue } from './spans.js';
import { sample } from './track.fixture.js';
import { captionTrack, cueText } from './track.js';

/**
 * An independent, naive derivation of pop-on timing from the file text: the label's frame count
 * (30 labels a second, non-drop) plus the index of the first EOC (942f) or EDM (942c) word.
 */
function naivePopOn(text: string): { starts: number[]; erases: number[] } {
  const starts: number[] = [];
  const erases: number[] = [];
  for (const line of text.split('\n').slice(1)) {
    const [label, ...words] = line.trim().split(/\s+/);
    if (label === undefined || label === '') continue;
    const [h, m, s, f] = label.split(/[:;]/).map(Number) as [number, number, number, number];
    const frame = ((h * 60 + m) * 60 + s) * 30 + f;
    const edm = words.indexOf('942c');
    const eoc = words.indexOf('942f');
    if (edm >= 0) erases.push(frame + edm);
    if (eoc >= 0) starts.push(frame + eoc);
  }
  return { starts, erases };
}

const text = (track: CaptionTrack): string[] => track.cues.map(cueText);

describe('readScc on the pycaption samples', () => {
  it('pop-on, NDF: 7 captions starting at their EOC exactly where pycaption starts them', () => {
    const file = sample('scc/pycaption_pop_on_ndf.scc');
    const { track, issues } = readScc(file, { language: 'en' });
    expect(issues).toEqual([]);
    expect(track.rate.equals(FrameRate.FPS_29_97_NDF)).toBe(true);
    const pycaptionStartsUs = [9743066.67, 14748066.67, 16916900.0, 18651966.67, 20787433.33, 26659966.67, 32132100.0];
    expect(track.cues.map((c) => c.begin)).toEqual(pycaptionStartsUs.map((us) => Math.round((us * 30) / 1001 / 1000)));
    // Ends: the first EDM after each start (pycaption instead ends a caption where the next begins,
    // 2 frames later when the EDM precedes the next EOC in the same line).
    const { starts, erases } = naivePopOn(file);
    expect(track.cues.map((c) => c.begin)).toEqual(starts);
    expect(track.cues.map((c) => c.end)).toEqual(starts.map((s) => erases.find((e) => e > s)));
    expect(track.cues.map((c) => c.end)).toEqual([368, 505, 557, 621, 797, 961, 1084]);
    expect(text(track)[0]).toBe('( clock ticking )');
    expect(track.cues[1]?.lines.map((l) => [l.cell?.row, l.spans.map((s) => s.text).join('')])).toEqual([
      [13, 'MAN:'],
      [14, 'When we think'],
      [15, 'of "E equals m c-squared",'],
    ]);
    expect(text(track)[6]).toBe('<LAUGHING & WHOOPS!>');
    expect(track.cues.every((c) => c.cea608?.mode === 'pop-on' && c.cea608.channel === 1)).toBe(true);
  });

  it('DF labels in dropping minutes (00:23:28;01 = 42199, 00:53:28;01 = 96145), no PAC at all', () => {
    const { track } = readScc(sample('scc/pycaption_df_minutes_23_53.scc'));
    expect(track.rate.equals(FrameRate.FPS_29_97_DF)).toBe(true);
    expect(track.cues.map((c) => [c.begin, c.end])).toEqual([
      [42199 + 4, 44047],
      [96145 + 4, 97993],
    ]);
    expect(track.cues[0]?.lines[0]?.cell).toEqual({ row: 15, column: 0 });
  });

  it('EOC first, an impossible frame field (skipped, reported) and a DF label that does not exist (next frame)', () => {
    const { track, issues } = readScc(sample('scc/pycaption_eoc_first_frame84.scc'));
    expect(issues.map((i) => [i.code, i.line])).toEqual([
      ['timecode.invalid', 3],
      ['timecode.nonexistent', 11],
    ]);
    expect(text(track)).toEqual(['sic)', '(upbeat rock music)']);
    expect(track.cues.map((c) => [c.begin, c.end])).toEqual([
      [62, 181],
      [44834, 44956],
    ]);
    expect(track.cues[1]?.lines[0]?.cell).toEqual({ row: 15, column: 2 });
  });

  it('roll-up RU2/RU3/RU4: one cue per line from its CR to the next CR; special and extended characters', () => {
    const { track, issues } = readScc(sample('scc/pycaption_roll_up_ru2_ru3_ru4_df.scc'));
    expect(text(track).slice(0, 7)).toEqual([
      '>>> HI.',
      "I'M KEVIN CUNNING AND AT",
      "INVESTOR'S BANK WE BELIEVE IN",
      'HELPING THE LOCAL NEIGHBORHOODS',
      'AND IMPROVING THE LIVES OF ALL',
      'WE SERVE.',
      '®°½',
    ]);
    expect(track.cues[0]).toMatchObject({ begin: 24, end: 85, cea608: { mode: 'roll-up', rollUpRows: 2 } });
    expect(track.cues.at(-1)?.cea608).toEqual({ mode: 'roll-up', channel: 1, rollUpRows: 4 });
    expect(text(track)).toContain('ABCDEû');
    // This sample has bytes with even parity (c3, c4, c5) and half words ("4c"): read and reported.
    expect(issues.map((i) => i.code)).toEqual(['parity', 'parity', 'word.invalid', 'word.invalid', 'cue.unterminated']);
  });

  it('roll-up at hour 1 (01:38:32;27 = 177209), text continuing after an EDM, then pop-on', () => {
    const { track, issues } = readScc(sample('scc/pycaption_roll_up_hour1_df.scc'));
    expect(text(track)).toEqual([
      'THE AMERICAN EXPERIENCE THROUGH',
      'QUALITY TELEVISION PROGRAMMING.',
      // EDM leaves the cursor in column 32, so "TION," lands there one character over another.
      ',',
      'DEDICATED TO EDUCATION\nAND QUALITY TELEVISION.',
    ]);
    expect(track.cues[0]?.begin).toBe(177209 + 2);
    expect(track.cues[2]?.lines[0]?.cell).toEqual({ row: 15, column: 31 });
    expect(issues.map((i) => i.code)).toEqual(['cue.unterminated']);
  });

  it('mixed separators and tabs: extended characters replace their fallback; mixing is reported', () => {
    const { track, issues } = readScc(sample('scc/pycaption_mixed_separators_tabs.scc'));
    expect(text(track)).toEqual(['MÄRTHA:', 'JUNIOR: ¡Yum!\nYa me siento mucho mejor.']);
    expect(issues.map((i) => i.code)).toEqual(['timecode.mixed', 'cue.unterminated']);
  });

  it('pop-on, roll-up and paint-on with PAC, tab and mid-row positions', () => {
    const { track } = readScc(sample('scc/pycaption_pop_roll_paint_positions.scc'));
    expect(track.cues.map((c) => c.cea608?.mode)).toEqual([
      'pop-on',
      'pop-on',
      'roll-up',
      'roll-up',
      'paint-on',
      'paint-on',
    ]);
    expect(track.cues[0]?.lines.map((l) => l.cell)).toEqual([
      { row: 1, column: 12 },
      { row: 4, column: 24 },
      { row: 13, column: 0 },
    ]);
    expect(track.cues[1]?.lines).toHaveLength(3);
    expect(track.cues[4]?.begin).toBe(602 + 6);
    expect(track.cues[5]).toMatchObject({ begin: 662 + 6, end: 1084 });
    // The second paint-on cue shows everything painted so far.
    expect(track.cues[5]?.lines.length).toBeGreaterThan(track.cues[4]?.lines.length as number);
  });
});

describe('sccLabelFrame', () => {
  it('counts drop-frame labels like SMPTE timecode, and refuses impossible fields', () => {
    expect(sccLabelFrame('00:23:28;01')).toEqual({ frame: 42199, dropFrame: true, repaired: false });
    expect(sccLabelFrame('01:38:32;27')?.frame).toBe(177209);
    expect(sccLabelFrame('00:00:09:05')).toEqual({ frame: 275, dropFrame: false, repaired: false });
    expect(sccLabelFrame('00:25:00;00')).toEqual({ frame: 44956, dropFrame: true, repaired: true });
    expect(sccLabelFrame('00:00:00;84')).toBeUndefined();
    expect(sccLabelFrame('0:00:00:00')).toBeUndefined();
  });
});

describe('writeScc', () => {
  const rate = FrameRate.FPS_29_97_DF;
  const span = (t: string, extra: Partial<CaptionSpan> = {}): CaptionSpan => ({ text: t, ...extra });

  it('writes pop-on cues that load ahead and show at their exact frames, doubling control codes', () => {
    const track = captionTrack({
      language: 'en',
      kind: 'captions',
      rate,
      cues: [
        { begin: 300, end: 400, lines: [{ spans: [span('Hello '), span('world', { italic: true })] }] },
        { begin: 400, end: 450, lines: [{ spans: [span('é♪')] }] },
      ],
    });
    const { text: scc, losses } = writeScc(track);
    expect(losses).toEqual([]);
    expect(scc.startsWith('Scenarist_SCC V1.0\n\n')).toBe(true);
    expect(scc).toMatch(/94ae 94ae 9420 9420/);
    const back = readScc(scc);
    expect(back.issues).toEqual([]);
    expect(back.track.cues.map((c) => [c.begin, c.end, cueText(c)])).toEqual([
      [300, 400, 'Hello world'],
      [400, 450, 'é♪'],
    ]);
    expect(back.track.cues[0]?.lines[0]?.spans).toEqual([span('Hello '), span('world', { italic: true })]);
  });

  it('refuses what 608 cannot show unless degrading, and then lists it', () => {
    const track = captionTrack({
      language: 'en',
      kind: 'captions',
      rate,
      cues: [{ begin: 300, end: 400, lines: [{ spans: [span('tab\there'), span('bold', { bold: true })] }] }],
    });
    expect(() => writeScc(track)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
    expect(writeScc(track, { degrade: true }).losses.map((l) => l.code)).toEqual(['bold.dropped', 'char.dropped']);
    expect(() => writeScc(captionTrack({ ...track, rate: 25 }))).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED' }),
    );
  });

  it('reports a pop-on cue with no time to load before it', () => {
    const track = captionTrack({
      language: 'en',
      kind: 'captions',
      rate,
      cues: [{ begin: 3, end: 60, lines: [{ spans: [span('too early to load')] }] }],
    });
    expect(() => writeScc(track)).toThrow(/too little time before it to load/);
  });
});

/** Characters 608 can carry: basic, special and extended. */
const CHARS608 = [...'ABCxyz019 .,!?\'"-:éñÑç÷█®°½♪àèâ\u00a0ÁÉü¡*©ÀÇËÃÍÕ{}\\^_|~Äö\u00df\u00a5Åø'];
const COLORS608: CaptionColor[] = ['white', 'green', 'blue', 'cyan', 'red', 'yellow', 'magenta'];

/** A line 608 holds exactly: style changes only after a space, italics keep the colour. */
const line608 = fc
  .array(
    fc.record({
      text: fc.array(fc.constantFrom(...CHARS608), { minLength: 1, maxLength: 6 }).map((a) => a.join('')),
      italic: fc.boolean(),
      underline: fc.boolean(),
      color: fc.constantFrom(...COLORS608),
    }),
    { minLength: 1, maxLength: 3 },
  )
  .map((raw) => {
    const spans: CaptionSpan[] = [];
    let prevColor: CaptionColor = 'white';
    raw.forEach((r, i) => {
      const color = i === 0 ? (r.italic ? 'white' : r.color) : r.italic ? prevColor : r.color;
      const last = spans[spans.length - 1];
      if (last !== undefined) spans[spans.length - 1] = { ...last, text: `${last.text} ` };
      const s: { -readonly [K in keyof CaptionSpan]: CaptionSpan[K] } = { text: r.text };
      if (r.italic) s.italic = true;
      if (r.underline) s.underline = true;
      if (color !== 'white') s.color = color;
      spans.push(s);
      prevColor = color;
    });
    return spans;
  })
  .filter((spans) => spans.reduce((n, s) => n + [...s.text].length, 0) <= 24);

const cue608 = fc.record({
  rollUp: fc.boolean(),
  rows: fc.uniqueArray(fc.integer({ min: 1, max: 15 }), { minLength: 1, maxLength: 3 }),
  spans: fc.array(line608, { minLength: 3, maxLength: 3 }),
  column: fc.integer({ min: 0, max: 7 }),
  depth: fc.constantFrom(2 as const, 3 as const, 4 as const),
  gap: fc.oneof(fc.constant(0), fc.integer({ min: 3, max: 200 })),
  // Long enough to load the next pop-on caption (up to ~190 words) while this one shows.
  duration: fc.integer({ min: 300, max: 600 }),
});

const track608 = fc.record({ df: fc.boolean(), cues: fc.array(cue608, { maxLength: 8 }) }).map(({ df, cues }) => {
  let at = 300;
  let previousPopOn = false;
  const out: CaptionCue[] = cues.map((c) => {
    const gap = c.rollUp && previousPopOn ? Math.max(3, c.gap) : c.gap;
    const begin = at + gap;
    at = begin + c.duration;
    previousPopOn = !c.rollUp;
    const rows = c.rollUp ? [c.rows[0] as number] : [...c.rows].sort((a, b) => a - b);
    const lines: CaptionLine[] = rows.map((row, i) => ({
      spans: c.spans[i] as CaptionSpan[],
      cell: { row, column: c.column },
    }));
    return {
      begin,
      end: at,
      lines,
      cea608: c.rollUp ? { mode: 'roll-up', channel: 1, rollUpRows: c.depth } : { mode: 'pop-on', channel: 1 },
    };
  });
  return captionTrack({
    language: 'en',
    kind: 'captions',
    rate: df ? FrameRate.FPS_29_97_DF : FrameRate.FPS_29_97_NDF,
    cues: out,
  });
});

describe('SCC round trip and fuzzing', () => {
  it('model → SCC → model gives the canonical model back (times, text, styles, cells, modes)', () => {
    fc.assert(
      fc.property(track608, (track) => {
        const { text: scc, losses } = writeScc(track);
        expect(losses).toEqual([]);
        const back = readScc(scc, { language: 'en' });
        expect(back.issues.filter((i) => i.code !== 'cue.unterminated')).toEqual([]);
        if (track.cues.length > 0) expect(back.track.rate.equals(track.rate)).toBe(true);
        expect(back.track.cues).toEqual(track.cues.map(canonicalCue));
      }),
      { numRuns: 200 },
    );
  });

  it('never crashes or hangs on arbitrary input: a track or a typed error', () => {
    const words = fc.constantFrom(
      '9420',
      '942c',
      '942f',
      '94ae',
      '9425',
      '94ad',
      '9429',
      '9470',
      '91b0',
      '9220',
      '1370',
      '97a2',
      '91ae',
      'c1c2',
      '8080',
      'zzzz',
      '0000',
      'ffff',
    );
    const line = fc.tuple(
      fc.constantFrom('00:00:01:00', '00:00:00;84', '23:59:59;29', '00:01:00;00', 'bad'),
      fc.array(words, { maxLength: 40 }),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }).map((s) => `Scenarist_SCC V1.0\n${s}`),
          fc
            .array(line, { maxLength: 20 })
            .map((ls) => `Scenarist_SCC V1.0\n\n${ls.map(([l, w]) => `${l}\t${w.join(' ')}`).join('\n\n')}`),
        ),
        (input) => {
          try {
            const { track } = readScc(input);
            for (const cue of track.cues) expect(cue.end).toBeGreaterThan(cue.begin);
          } catch (e) {
            expect(isFramewiseError(e)).toBe(true);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
