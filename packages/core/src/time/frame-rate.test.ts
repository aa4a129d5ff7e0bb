import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFramewiseError } from '../errors/index.js';
import { FrameRate } from './frame-rate.js';

describe('FrameRate.parse', () => {
  it.each([
    ['29.97df', 30000, 1001, true],
    ['29.97 DF', 30000, 1001, true],
    ['29.97', 30000, 1001, false],
    ['29.97ndf', 30000, 1001, false],
    ['30000/1001', 30000, 1001, false],
    ['30000/1001 df', 30000, 1001, true],
    ['25', 25, 1, false],
    ['25p', 25, 1, false],
    ['50 fps', 50, 1, false],
    ['59.94df', 60000, 1001, true],
    ['59.94', 60000, 1001, false],
    ['23.976', 24000, 1001, false],
    ['23.98', 24000, 1001, false],
    ['47.952', 48000, 1001, false],
    ['119.88', 120000, 1001, false],
    ['24', 24, 1, false],
    ['48', 48, 1, false],
    ['100', 100, 1, false],
    ['120', 120, 1, false],
    ['12.5', 25, 2, false],
    ['50/2', 25, 1, false],
  ])('reads %s', (input, num, den, dropFrame) => {
    const rate = FrameRate.parse(input);
    expect(rate.toJSON()).toEqual({ num, den, dropFrame });
  });

  it('accepts numbers and fractions', () => {
    expect(FrameRate.parse(25).equals(FrameRate.FPS_25)).toBe(true);
    expect(FrameRate.parse(29.97).equals(FrameRate.FPS_29_97_NDF)).toBe(true);
    expect(FrameRate.parse({ num: 60000, den: 1001, dropFrame: true }).equals(FrameRate.FPS_59_94_DF)).toBe(true);
    expect(FrameRate.parse({ num: 24000, den: 1001 }).equals(FrameRate.FPS_23_976)).toBe(true);
  });

  it.each(['25df', '23.976df', '30df', '24 drop', '50df', '119.88df', '60df'])(
    'refuses drop-frame where SMPTE defines none: %s',
    (input) => {
      try {
        FrameRate.parse(input);
        expect.unreachable();
      } catch (e) {
        expect(isFramewiseError(e, 'INVALID_INPUT')).toBe(true);
        expect((e as Error).message).toContain(JSON.stringify(input));
        expect((e as Error).message).toMatch(/29\.97 and 59\.94/);
      }
    },
  );

  it.each(['', 'fast', '0', '-25', '50i', '29.97/1001', '1e3', 'NaN', '25 fps df extra'])('refuses %j', (input) => {
    expect(() => FrameRate.parse(input)).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('refuses non-rate values', () => {
    expect(() => FrameRate.parse(null as never)).toThrow(/not a string/);
    expect(() => FrameRate.parse({ num: '30' } as never)).toThrow(/numeric num and den/);
    expect(() => FrameRate.of(0)).toThrow(/positive integers/);
    expect(() => FrameRate.of(25.5)).toThrow(/positive integers/);
  });

  it('writes rates that read back to the same rate', () => {
    const named = [
      FrameRate.FPS_23_976,
      FrameRate.FPS_24,
      FrameRate.FPS_25,
      FrameRate.FPS_29_97_DF,
      FrameRate.FPS_29_97_NDF,
      FrameRate.FPS_30,
      FrameRate.FPS_47_952,
      FrameRate.FPS_48,
      FrameRate.FPS_50,
      FrameRate.FPS_59_94_DF,
      FrameRate.FPS_59_94_NDF,
      FrameRate.FPS_60,
      FrameRate.FPS_100,
      FrameRate.FPS_119_88,
      FrameRate.FPS_120,
    ];
    expect(named.map(String)).toEqual([
      '23.976',
      '24',
      '25',
      '29.97df',
      '29.97',
      '30',
      '47.952',
      '48',
      '50',
      '59.94df',
      '59.94',
      '60',
      '100',
      '119.88',
      '120',
    ]);
    for (const rate of named) expect(FrameRate.parse(rate.toString()).equals(rate)).toBe(true);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 100_000 }), (num, den) => {
        const rate = FrameRate.of(num, den);
        expect(FrameRate.parse(rate.toString()).equals(rate)).toBe(true);
        expect(FrameRate.parse(rate.toJSON()).equals(rate)).toBe(true);
      }),
    );
  });

  it('knows timecode bases and day lengths', () => {
    expect(FrameRate.FPS_29_97_DF.timecodeBase).toBe(30);
    expect(FrameRate.FPS_29_97_DF.framesPerDay).toBe(2_589_408);
    expect(FrameRate.FPS_29_97_NDF.framesPerDay).toBe(2_592_000);
    expect(FrameRate.FPS_59_94_DF.framesPerDay).toBe(5_178_816);
    expect(FrameRate.FPS_25.framesPerDay).toBe(2_160_000);
    expect(FrameRate.FPS_119_88.timecodeBase).toBe(120);
    expect(FrameRate.parse('12.5').timecodeBase).toBeUndefined();
    expect(() => FrameRate.parse('12.5').framesPerDay).toThrowError(expect.objectContaining({ code: 'UNSUPPORTED' }));
    expect(FrameRate.FPS_29_97_DF.sameCadence(FrameRate.FPS_29_97_NDF)).toBe(true);
    expect(FrameRate.FPS_29_97_DF.equals(FrameRate.FPS_29_97_NDF)).toBe(false);
    expect(FrameRate.FPS_29_97_NDF.withDropFrame(true).equals(FrameRate.FPS_29_97_DF)).toBe(true);
    expect(FrameRate.FPS_25.frameDuration).toEqual({ num: 1, den: 25 });
  });
});
