import { describe, expect, it } from 'vitest';
import { formatClockTime, parseClockTime } from './clock-time.js';
import { FrameRate } from './frame-rate.js';
import { SampleTime } from './sample-time.js';
import { Timecode } from './timecode.js';

describe('media clock time (TTML timeBase="media")', () => {
  it('scales only the frames field by 1000/1001 (the TTML trap)', () => {
    // Clock time: hours, minutes and seconds are real seconds.
    expect(parseClockTime('01:00:00:00', { rate: '29.97' })).toEqual({ num: 3600, den: 1 });
    // SMPTE non-drop label at the same rate: 108 000 frames, 3603.6 s.
    expect(Timecode.parse('01:00:00:00', FrameRate.FPS_29_97_NDF).toSecondsNumber()).toBeCloseTo(3603.6, 9);
    // 15 frames at 30000/1001 fps = 15 × 1001 / 30000 s.
    expect(parseClockTime('00:00:00:15', { rate: '29.97' })).toEqual({ num: 1001, den: 2000 });
    expect(parseClockTime('01:00:00:15', { rate: '29.97' })).toEqual({ num: 7201001, den: 2000 });
  });

  it('reads fractions and sub-frames', () => {
    expect(parseClockTime('00:00:01.500')).toEqual({ num: 3, den: 2 });
    expect(parseClockTime('00:00:01')).toEqual({ num: 1, den: 1 });
    expect(parseClockTime('100:00:00')).toEqual({ num: 360000, den: 1 });
    expect(parseClockTime('00:00:00:01.1', { rate: '25', subFrameRate: 2 })).toEqual({ num: 3, den: 50 });
  });

  it('refuses bad values naming them', () => {
    expect(() => parseClockTime('00:00:00:15')).toThrow(/"00:00:00:15" has a frames field but no frame rate/);
    expect(() => parseClockTime('00:61:00')).toThrow(/above 59/);
    expect(() => parseClockTime('00:00:00:30', { rate: '29.97' })).toThrow(/at or above the frame rate/);
    expect(() => parseClockTime('00:00:00:01.2', { rate: '25', subFrameRate: 2 })).toThrow(/sub-frame/);
    expect(() => parseClockTime('1h')).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('writes clock times', () => {
    expect(formatClockTime({ num: 7201001, den: 2000 }, 'nearest', '29.97')).toBe('01:00:00:15');
    expect(formatClockTime({ num: 3, den: 2 }, 'nearest')).toBe('00:00:01.500');
    expect(formatClockTime({ num: 2999, den: 3000 }, 'ceil', '25')).toBe('00:00:01:00');
    expect(() => formatClockTime({ num: -1, den: 1 }, 'floor')).toThrow(/negative/);
  });
});

describe('SampleTime', () => {
  it('reads, writes and converts samples@rate', () => {
    const t = SampleTime.parse('96000@48000');
    expect(t.toSeconds()).toEqual({ num: 2, den: 1 });
    expect(t.toString()).toBe('96000@48000');
    expect(t.toFrames(FrameRate.FPS_25, 'exact')).toBe(50);
    expect(SampleTime.parse('1601@48000').toFrames(FrameRate.FPS_29_97_DF, 'floor')).toBe(0);
    expect(SampleTime.fromFrames(5, FrameRate.FPS_29_97_DF, 48_000, 'exact').samples).toBe(8008);
    expect(t.toSampleRate(44_100, 'exact').toString()).toBe('88200@44100');
    expect(JSON.stringify({ t })).toBe('{"t":"96000@48000"}');
  });

  it('refuses malformed values', () => {
    expect(() => SampleTime.parse('96000')).toThrow(/"96000" is not written as samples@rate/);
    expect(() => SampleTime.parse('1@0')).toThrow(/Sample rate 0/);
    expect(() => SampleTime.of(-1, 48_000)).toThrow(/Sample count -1/);
    expect(() => SampleTime.fromFrames(1, '25', 0, 'floor')).toThrow(/Sample rate 0/);
  });
});
