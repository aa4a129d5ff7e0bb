import { describe, expect, it } from 'vitest';
import { choosePosters, parsePosterLog, scorePosters } from './posters.js';
import { spriteVtt } from './sprite-vtt.js';

const log = (frames: { t: number; scene?: number; yavg: number; ylow: number; yhigh: number; ydif: number }[]) =>
  frames.flatMap((f, i) => [
    `[Parsed_metadata_4 @ 0x55] frame:${i}    pts:${Math.round(f.t * 25)}     pts_time:${f.t}`,
    ...(f.scene === undefined ? [] : [`[Parsed_metadata_4 @ 0x55] lavfi.scene_score=${f.scene}`]),
    `[Parsed_metadata_4 @ 0x55] lavfi.signalstats.YAVG=${f.yavg}`,
    `[Parsed_metadata_4 @ 0x55] lavfi.signalstats.YLOW=${f.ylow}`,
    `[Parsed_metadata_4 @ 0x55] lavfi.signalstats.YHIGH=${f.yhigh}`,
    `[Parsed_metadata_4 @ 0x55] lavfi.signalstats.YDIF=${f.ydif}`,
    `[Parsed_metadata_4 @ 0x55] lavfi.signalstats.SATAVG=20`,
  ]);

describe('poster candidates', () => {
  const candidates = parsePosterLog(
    log([
      { t: 0, yavg: 16, ylow: 16, yhigh: 17, ydif: 0 }, // black
      { t: 2, scene: 0.8, yavg: 120, ylow: 20, yhigh: 230, ydif: 12 }, // a cut to a lit shot
      { t: 4, yavg: 110, ylow: 30, yhigh: 200, ydif: 0 }, // frozen
      { t: 6, yavg: 90, ylow: 40, yhigh: 150, ydif: 3 },
      { t: 6.5, scene: 0.5, yavg: 100, ylow: 20, yhigh: 220, ydif: 9 }, // too close to 6 once 6 is taken? (scored higher)
    ]),
  );

  it('parses every frame block in order', () => {
    expect(candidates.map((c) => [c.index, c.seconds])).toEqual([
      [1, 0],
      [2, 2],
      [3, 4],
      [4, 6],
      [5, 6.5],
    ]);
    expect(candidates[1]?.scene).toBe(0.8);
  });

  it('rejects black and frozen frames and keeps the best, spaced apart', () => {
    const scored = scorePosters(candidates);
    expect(scored.map((s) => s.rejected)).toEqual(['black', undefined, 'frozen', undefined, undefined]);
    const chosen = choosePosters(scored, 3);
    expect(chosen.map((c) => c.seconds)).toEqual([2, 6.5]);
    expect(chosen[0]?.score).toBeGreaterThan(chosen[1]?.score ?? 1);
  });
});

describe('sprite WebVTT', () => {
  it('has one cue per tile with its xywh fragment, sheet after sheet', () => {
    const vtt = spriteVtt(
      { intervalSeconds: 2, tileWidth: 160, tileHeight: 90, columns: 2, rows: 2, tiles: 5, durationSeconds: 9 },
      (n) => `sprite-${n + 1}.jpg`,
    );
    const lines = vtt.split('\n');
    expect(lines[0]).toBe('WEBVTT');
    expect(lines.filter((l) => l.includes('-->'))).toEqual([
      '00:00:00.000 --> 00:00:02.000',
      '00:00:02.000 --> 00:00:04.000',
      '00:00:04.000 --> 00:00:06.000',
      '00:00:06.000 --> 00:00:08.000',
      '00:00:08.000 --> 00:00:09.000',
    ]);
    expect(lines.filter((l) => l.includes('#xywh'))).toEqual([
      'sprite-1.jpg#xywh=0,0,160,90',
      'sprite-1.jpg#xywh=160,0,160,90',
      'sprite-1.jpg#xywh=0,90,160,90',
      'sprite-1.jpg#xywh=160,90,160,90',
      'sprite-2.jpg#xywh=0,0,160,90',
    ]);
  });
});
