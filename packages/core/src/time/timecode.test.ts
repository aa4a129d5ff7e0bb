import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFramewiseError } from '../errors/index.js';
import { FrameRate } from './frame-rate.js';
import { Timecode } from './timecode.js';

const DF30 = FrameRate.FPS_29_97_DF;
const DF60 = FrameRate.FPS_59_94_DF;
const NDF30 = FrameRate.FPS_29_97_NDF;

const TIMECODE_RATES = [
  FrameRate.FPS_23_976,
  FrameRate.FPS_24,
  FrameRate.FPS_25,
  DF30,
  NDF30,
  FrameRate.FPS_30,
  FrameRate.FPS_47_952,
  FrameRate.FPS_48,
  FrameRate.FPS_50,
  DF60,
  FrameRate.FPS_59_94_NDF,
  FrameRate.FPS_60,
  FrameRate.FPS_100,
  FrameRate.FPS_119_88,
  FrameRate.FPS_120,
];

function expectCode(fn: () => unknown, code: string, message?: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(isFramewiseError(e)).toBe(true);
    expect((e as { code: string }).code).toBe(code);
    if (message) expect((e as Error).message).toMatch(message);
    return;
  }
  expect.unreachable('expected a FramewiseError');
}

describe('published drop-frame facts', () => {
  it.each([
    [DF30, '00:10:00;00', 17_982],
    [DF30, '01:00:00;00', 107_892],
    [DF30, '00:01:00;02', 1_800],
    [DF30, '00:00:59;29', 1_799],
    [DF30, '00:09:59;29', 17_981],
    [DF30, '23:59:59;29', 2_589_407],
    [DF60, '01:00:00;00', 215_784],
    [DF60, '00:01:00;04', 3_600],
    [DF60, '00:00:59;59', 3_599],
    [DF60, '00:10:00;00', 35_964],
    [NDF30, '01:00:00:00', 108_000],
    [FrameRate.FPS_23_976, '01:00:00:00', 86_400],
    [FrameRate.FPS_25, '10:00:00:00', 900_000],
    [FrameRate.FPS_119_88, '00:00:01:119', 239],
  ])('at %s, %s is frame %i', (rate, label, frames) => {
    expect(Timecode.parse(label, rate).frames).toBe(frames);
    expect(Timecode.fromFrames(frames, rate).toString()).toBe(label);
  });

  it('23.976 is non-drop', () => {
    expect(FrameRate.parse('23.976').dropFrame).toBe(false);
    expect(Timecode.fromFrames(1_440, '23.976').toString()).toBe('00:01:00:00');
  });
});

/** The label after `label` on a clock that counts fields by the SMPTE rules, written independently. */
function nextFields(h: number, m: number, s: number, f: number, base: number, drop: number): number[] {
  f += 1;
  if (f === base) {
    f = 0;
    s += 1;
    if (s === 60) {
      s = 0;
      m += 1;
      if (m === 60) {
        m = 0;
        h += 1;
      }
    }
  }
  if (drop > 0 && s === 0 && f < drop && m % 10 !== 0) f = drop;
  return [h, m, s, f];
}

describe.each([
  ['29.97 DF', DF30],
  ['59.94 DF', DF60],
])('a whole day at %s', (_, rate) => {
  it('round-trips every frame and skips or repeats no label', () => {
    const base = rate.timecodeBase ?? 0;
    const day = rate.framesPerDay;
    let expected = [0, 0, 0, 0];
    for (let frames = 0; frames < day; frames++) {
      const tc = Timecode.fromFrames(frames, rate);
      const label = tc.toString();
      const { hours, minutes, seconds, frames: ff } = tc.fields;
      if (hours !== expected[0] || minutes !== expected[1] || seconds !== expected[2] || ff !== expected[3]) {
        expect.fail(`frame ${frames} is ${label}, expected ${expected.join(':')}`);
      }
      if (Timecode.parse(label, rate).frames !== frames) expect.fail(`${label} does not read back as ${frames}`);
      expected = nextFields(hours, minutes, seconds, ff, base, rate.dropFramesPerMinute);
    }
    // The day ends exactly where the next label would be 24:00:00;00.
    expect(expected).toEqual([24, 0, 0, 0]);
  });
});

describe('round trips at every rate', () => {
  it('parse(format(frames)) = frames for random frames', () => {
    for (const rate of TIMECODE_RATES) {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: rate.framesPerDay - 1 }), (frames) => {
          const label = Timecode.fromFrames(frames, rate).toString();
          expect(Timecode.parse(label, rate).frames).toBe(frames);
        }),
        { numRuns: 500 },
      );
    }
  });

  it('format(parse(label)) = label for every valid label', () => {
    for (const rate of TIMECODE_RATES) {
      const base = rate.timecodeBase ?? 1;
      const width = base > 100 ? 3 : 2;
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 23 }),
          fc.integer({ min: 0, max: 59 }),
          fc.integer({ min: 0, max: 59 }),
          fc.integer({ min: 0, max: base - 1 }),
          (h, m, s, f) => {
            fc.pre(!(rate.dropFrame && s === 0 && f < rate.dropFramesPerMinute && m % 10 !== 0));
            const p = (n: number, w = 2) => String(n).padStart(w, '0');
            const label = `${p(h)}:${p(m)}:${p(s)}${rate.dropFrame ? ';' : ':'}${p(f, width)}`;
            expect(Timecode.parse(label, rate).toString()).toBe(label);
          },
        ),
        { numRuns: 300 },
      );
    }
  });

  it('parses hostile strings to a typed error, never a crash', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (label) => {
        for (const rate of [DF30, FrameRate.FPS_25, FrameRate.FPS_120]) {
          try {
            Timecode.parse(label, rate);
          } catch (e) {
            expect(isFramewiseError(e, 'INVALID_INPUT')).toBe(true);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('Timecode.parse errors', () => {
  it('refuses labels that do not exist in drop-frame', () => {
    expectCode(() => Timecode.parse('00:01:00;00', DF30), 'INVALID_INPUT', /"00:01:00;00" does not exist at 29\.97df/);
    expectCode(() => Timecode.parse('00:01:00;01', DF30), 'INVALID_INPUT', /does not exist/);
    expectCode(() => Timecode.parse('00:01:00;03', DF60), 'INVALID_INPUT', /frames 00-03/);
    expect(Timecode.parse('00:10:00;00', DF30).frames).toBe(17_982);
    expect(Timecode.parse('00:01:00;02', DF30).frames).toBe(1_800);
  });

  it('refuses frame fields at or above the nominal rate', () => {
    expectCode(() => Timecode.parse('00:00:00:25', FrameRate.FPS_25), 'INVALID_INPUT', /frames 00-24/);
    expectCode(() => Timecode.parse('00:00:00;30', DF30), 'INVALID_INPUT', /out of range/);
    expectCode(() => Timecode.parse('24:00:00:00', FrameRate.FPS_25), 'INVALID_INPUT', /hours 00-23/);
    expectCode(() => Timecode.parse('00:60:00:00', FrameRate.FPS_25), 'INVALID_INPUT', /out of range/);
  });

  it('refuses malformed labels and names them', () => {
    for (const label of [
      '',
      '1:00:00:00',
      '01:00:00',
      '01-00-00-00',
      '0a:00:00:00',
      '01:00:00:00:00',
      '-00:00:01:00',
    ]) {
      try {
        Timecode.parse(label, FrameRate.FPS_25);
        expect.unreachable();
      } catch (e) {
        expect(isFramewiseError(e, 'INVALID_INPUT')).toBe(true);
        expect((e as Error).message).toContain(`Timecode ${JSON.stringify(label)}`);
      }
    }
    expectCode(() => Timecode.parse(12 as never, FrameRate.FPS_25), 'INVALID_INPUT', /not a string/);
  });

  it('refuses a drop-frame label at a non-drop rate, accepts colons at a drop rate', () => {
    expectCode(() => Timecode.parse('01:00:00;00', NDF30), 'INVALID_INPUT', /non-drop/);
    expect(Timecode.parse('01:00:00:00', DF30).frames).toBe(107_892);
    expect(Timecode.parse('01;00;00;00', DF30).frames).toBe(107_892);
    expect(Timecode.parse('01:00:00.00', DF30).frames).toBe(107_892);
    expect(Timecode.parse(' 01:00:00;00 ', DF30).frames).toBe(107_892);
  });

  it('refuses rates without SMPTE timecode', () => {
    expectCode(() => Timecode.parse('00:00:01:00', '12.5'), 'UNSUPPORTED', /12\.5|25\/2/);
  });
});

describe('24-hour wrap', () => {
  it('uses the non-drop day length for 29.97 NDF, not the drop-frame one', () => {
    expect(Timecode.fromFrames(2_589_408, NDF30).toString()).toBe('23:58:33:18');
    expect(Timecode.fromFrames(2_591_999, NDF30).toString()).toBe('23:59:59:29');
    expectCode(() => Timecode.fromFrames(2_592_000, NDF30), 'INVALID_INPUT', /past the 24-hour day/);
    expect(Timecode.fromFrames(2_592_000, NDF30, { overflow: 'wrap' }).frames).toBe(0);
  });

  it('wraps drop-frame at its own day length only when asked', () => {
    const last = Timecode.parse('23:59:59;29', DF30);
    expectCode(() => last.add(1), 'INVALID_INPUT', /2589408 frames/);
    expect(last.add(1, { overflow: 'wrap' }).toString()).toBe('00:00:00;00');
    expect(Timecode.zero(DF60).subtract(1, { overflow: 'wrap' }).toString()).toBe('23:59:59;59');
    expectCode(() => Timecode.zero(DF30).subtract(1), 'INVALID_INPUT', /before 00:00:00:00/);
    expectCode(() => Timecode.fromFrames(-1, DF30), 'INVALID_INPUT', /before/);
    expectCode(() => Timecode.fromFrames(1.5, DF30), 'INVALID_INPUT', /not an integer/);
  });
});

describe('arithmetic and comparison', () => {
  it('adds and subtracts frames and timecodes', () => {
    const tc = Timecode.parse('00:00:59;29', DF30);
    expect(tc.add(1).toString()).toBe('00:01:00;02');
    expect(tc.add(Timecode.parse('00:00:00;02', DF30)).toString()).toBe('00:01:00;03');
    expect(Timecode.parse('00:10:00;00', DF30).subtract(1).toString()).toBe('00:09:59;29');
    const out = Timecode.parse('01:00:30;00', DF30);
    expect(out.subtract(Timecode.parse('01:00:00;00', DF30)).toString()).toBe('00:00:30;00');
    expect(out.framesSince(Timecode.parse('01:00:00;00', DF30))).toBe(900);
    // Across a dropped minute the label difference is not the frame difference.
    const span = Timecode.parse('00:02:00;02', DF30).framesSince(Timecode.parse('00:00:59;29', DF30));
    expect(span).toBe(1_799);
    expectCode(() => tc.add(0.5), 'INVALID_INPUT', /not an integer/);
  });

  it('compares at one rate only', () => {
    const a = Timecode.parse('01:00:00:00', FrameRate.FPS_25);
    const b = Timecode.parse('01:00:00:01', FrameRate.FPS_25);
    expect(a.compare(b)).toBe(-1);
    expect(b.compare(a)).toBe(1);
    expect(a.compare(a)).toBe(0);
    expect(a.equals(Timecode.fromFrames(90_000, 25))).toBe(true);
    expectCode(() => a.compare(Timecode.parse('01:00:00:00', DF30)), 'INVALID_INPUT', /toRate/);
  });
});

describe('seconds and samples', () => {
  it('gives exact elapsed seconds', () => {
    expect(Timecode.parse('01:00:00;00', DF30).toSeconds()).toEqual({ num: 8_999_991, den: 2_500 }); // 3599.9964 s
    expect(Timecode.parse('01:00:00:00', NDF30).toSeconds()).toEqual({ num: 18018, den: 5 });
    expect(Timecode.parse('01:00:00:00', NDF30).toSecondsNumber()).toBeCloseTo(3603.6, 9);
    expect(Timecode.parse('00:00:01:00', FrameRate.FPS_25).toMilliseconds('exact')).toBe(1000);
    expect(Timecode.fromFrames(1, DF30).toMilliseconds('nearest')).toBe(33);
  });

  it('reads seconds with an explicit rounding mode', () => {
    expect(Timecode.fromSeconds(3600, FrameRate.FPS_25, 'exact').toString()).toBe('01:00:00:00');
    expect(Timecode.fromSeconds(1, DF30, 'floor').frames).toBe(29);
    expect(Timecode.fromSeconds(1, DF30, 'ceil').frames).toBe(30);
    expect(Timecode.fromSeconds({ num: 1001, den: 30000 }, DF30, 'exact').frames).toBe(1);
    expectCode(() => Timecode.fromSeconds(1, DF30, 'exact'), 'INVALID_INPUT', /not a whole number/);
    expectCode(() => Timecode.fromSeconds(Number.POSITIVE_INFINITY, DF30, 'floor'), 'INVALID_INPUT', /finite/);
  });

  it('converts to and from 48 kHz samples exactly', () => {
    const five = Timecode.fromFrames(5, DF30);
    expect(five.toSamples(48_000, 'exact')).toBe(8_008);
    expect(Timecode.fromFrames(1, DF30).toSamples(48_000, 'floor')).toBe(1_601);
    expect(Timecode.fromFrames(1, DF30).toSamples(48_000, 'ceil')).toBe(1_602);
    expect(Timecode.fromSamples(8_008, 48_000, DF30, 'exact').frames).toBe(5);
    expect(Timecode.fromSamples(1_601, 48_000, DF30, 'floor').frames).toBe(0);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: DF30.framesPerDay - 1 }), (frames) => {
        const samples = Timecode.fromFrames(frames, DF30).toSamples(48_000, 'floor');
        // The floor sample of a frame lies in that frame.
        expect(Timecode.fromSamples(samples, 48_000, DF30, 'ceil').frames).toBe(frames);
      }),
    );
    expectCode(() => five.toSamples(0, 'floor'), 'INVALID_INPUT', /Sample rate 0/);
  });

  it('converts between rates at the same elapsed time', () => {
    expect(Timecode.parse('01:00:00:00', FrameRate.FPS_25).toRate(FrameRate.FPS_50, 'exact').toString()).toBe(
      '01:00:00:00',
    );
    // Drop-frame keeps wall-clock time: one hour at 25 fps is one hour (almost exactly) at 29.97 DF.
    expect(Timecode.parse('01:00:00:00', FrameRate.FPS_25).toRate(DF30, 'nearest').toString()).toBe('01:00:00;00');
    // Same cadence: same frame, new label.
    expect(Timecode.parse('00:10:00;00', DF30).toRate(NDF30, 'exact').toString()).toBe('00:09:59:12');
  });

  it('has a JSON form', () => {
    expect(JSON.stringify(Timecode.parse('01:00:00;00', DF30))).toBe('{"timecode":"01:00:00;00","rate":"29.97df"}');
  });
});
