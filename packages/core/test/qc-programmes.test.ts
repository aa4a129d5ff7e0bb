/**
 * Programme-aware loudness against ground truth: EBU Tech 3341-style signals (1 kHz sine at known
 * levels) stored as one mono track per channel, measured as programmes and compared with a naive
 * ITU-R BS.1770-4 implementation (K-weighting biquads, 400 ms blocks, absolute and relative
 * gates) written here as the independent oracle.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ffmpegGenerate } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectProgrammes, EBU_R128, loudnessOnlyPolicy, planLoudnessCorrection, runQc } from '../src/index.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'framewise-programmes-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const policy = loudnessOnlyPolicy(EBU_R128);
const amp = (dbfs: number) => 10 ** (dbfs / 20);

/** A file with one mono PCM track per expression (3 s at 48 kHz). */
function monoTracks(name: string, expressions: readonly string[]): Promise<string> {
  const maps = expressions.flatMap((_, i) => ['-map', `${i}:a`]);
  return ffmpegGenerate(
    join(dir, name),
    expressions.map((e) => `aevalsrc='${e}':s=48000:c=mono:d=3`),
    [...maps, '-c:a', 'pcm_s24le'],
  );
}

/** Decode one audio track to float samples. */
function samples(file: string, track: number): Float32Array {
  const raw = execFileSync(
    'ffmpeg',
    ['-v', 'error', '-i', file, '-map', `0:a:${track}`, '-f', 'f32le', '-ac', '1', '-'],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
}

/** The naive BS.1770-4 oracle at 48 kHz: channels with their weights (LFE left out by the caller). */
function bs1770(channels: readonly { x: Float32Array; weight: number }[]): number {
  const biquad = (x: Float32Array, b: number[], a: number[]) => {
    const y = new Float64Array(x.length);
    let x1 = 0;
    let x2 = 0;
    let y1 = 0;
    let y2 = 0;
    for (let n = 0; n < x.length; n++) {
      const v =
        (x[n] as number) * (b[0] as number) +
        x1 * (b[1] as number) +
        x2 * (b[2] as number) -
        y1 * (a[1] as number) -
        y2 * (a[2] as number);
      x2 = x1;
      x1 = x[n] as number;
      y2 = y1;
      y1 = v;
      y[n] = v;
    }
    return Float32Array.from(y);
  };
  const weighted = channels.map(({ x, weight }) => ({
    weight,
    y: biquad(
      biquad(x, [1.53512485958697, -2.69169618940638, 1.19839281085285], [1, -1.69065929318241, 0.73248077421585]),
      [1, -2, 1],
      [1, -1.99004745483398, 0.99007225036621],
    ),
  }));
  const block = 19_200;
  const step = 4_800;
  const length = weighted[0]?.y.length ?? 0;
  const blocks: number[][] = [];
  for (let start = 0; start + block <= length; start += step)
    blocks.push(
      weighted.map(({ y }) => {
        let sum = 0;
        for (let n = start; n < start + block; n++) sum += (y[n] as number) ** 2;
        return sum / block;
      }),
    );
  const loudness = (z: number[]) =>
    -0.691 + 10 * Math.log10(z.reduce((s, v, i) => s + (weighted[i]?.weight ?? 0) * v, 0));
  const gated = (list: number[][]) => {
    const mean = weighted.map((_, i) => list.reduce((s, z) => s + (z[i] as number), 0) / list.length);
    return loudness(mean);
  };
  const absolute = blocks.filter((z) => loudness(z) > -70);
  const relative = gated(absolute) - 10;
  return gated(absolute.filter((z) => loudness(z) > relative));
}

describe('audio programmes', () => {
  it('groups mono tracks by the documented default, and an order spec overrides it', () => {
    const mono = { channels: 1 };
    expect(detectProgrammes([mono, mono]).map((p) => [p.id, p.layout])).toEqual([['audio:0+1', 'stereo']]);
    expect(detectProgrammes(Array(6).fill(mono)).map((p) => [p.id, p.layout])).toEqual([['audio:0+1+2+3+4+5', '5.1']]);
    expect(detectProgrammes(Array(8).fill(mono)).map((p) => [p.id, p.layout])).toEqual([
      ['audio:0+1+2+3+4+5', '5.1'],
      ['audio:6+7', 'stereo'],
    ]);
    expect(detectProgrammes([{ channels: 2 }, mono, mono, mono, { channels: 6 }]).map((p) => [p.id, p.layout])).toEqual(
      [
        ['audio:0', 'stereo'],
        ['audio:1+2', 'stereo'],
        ['audio:3', 'mono'],
        ['audio:4', '5.1'],
      ],
    );
    const spec = [
      { layout: 'stereo' as const, tracks: [6, 7] },
      { layout: '5.1' as const, tracks: [0, 1, 2, 3, 4, 5] },
    ];
    expect(detectProgrammes(Array(8).fill(mono), spec).map((p) => p.id)).toEqual(['audio:0+1+2+3+4+5', 'audio:6+7']);
    expect(() => detectProgrammes([mono], [{ layout: 'stereo', tracks: [0, 1] }])).toThrow(
      /track 1, but the file has 1/,
    );
    expect(() => detectProgrammes([mono, mono], [{ layout: 'stereo', tracks: [0, 0] }])).toThrow(/already uses/);
    expect(() => detectProgrammes([mono, mono, mono], [{ layout: '5.1', tracks: [0, 1, 2] }])).toThrow(/needs 6 mono/);
    expect(() => detectProgrammes([{ channels: 2 }], [{ layout: '5.1', tracks: [0] }])).toThrow(/has 2/);
  });

  it('measures a −23 LUFS stereo programme stored as two mono tracks as −23, and plans no correction', async () => {
    // EBU Tech 3341 case 1: 1 kHz sine at −23 dBFS in both channels → −23.0 LUFS.
    const tone = `${amp(-23)}*sin(2*PI*1000*t)`;
    const file = await monoTracks('stereo-as-mono.mov', [tone, tone]);
    const report = await runQc(file, { policy });
    expect(report.loudness).toHaveLength(1);
    const programme = report.loudness[0];
    expect(programme).toMatchObject({ track: 'audio:0+1', tracks: [0, 1], layout: 'stereo' });
    expect(programme?.integrated).toBeCloseTo(-23, 1);
    const oracle = bs1770([0, 1].map((t) => ({ x: samples(file, t), weight: 1 })));
    expect(oracle).toBeCloseTo(-23, 1);
    expect(Math.abs((programme?.integrated ?? 0) - oracle)).toBeLessThanOrEqual(0.1);
    expect(report.findings).toEqual([]);
    expect(planLoudnessCorrection(report.loudness, EBU_R128).needed).toBe(false);
    // Measured track by track (an order that says they are two mono programmes) each is −26.
    const apart = await runQc(file, {
      policy,
      programmes: [
        { layout: 'mono', tracks: [0] },
        { layout: 'mono', tracks: [1] },
      ],
    });
    expect(apart.loudness.map((l) => Math.round(l.integrated ?? 0))).toEqual([-26, -26]);
  }, 60_000);

  it('measures 5.1 on six mono tracks with LFE left out and surrounds weighted ×1.41, as the oracle does', async () => {
    // L R C at −28 dBFS, a loud 60 Hz LFE (−6 dBFS), Ls Rs at −26 dBFS (1 kHz, different phases).
    const front = (phase: number) => `${amp(-28)}*sin(2*PI*1000*t+${phase})`;
    const surround = (phase: number) => `${amp(-26)}*sin(2*PI*1000*t+${phase})`;
    const file = await monoTracks('five-one.mov', [
      front(0),
      front(0.5),
      front(1),
      `${amp(-6)}*sin(2*PI*60*t)`,
      surround(1.5),
      surround(2),
    ]);
    const report = await runQc(file, { policy });
    const programme = report.loudness[0];
    expect(programme).toMatchObject({ track: 'audio:0+1+2+3+4+5', layout: '5.1' });
    const x = [0, 1, 2, 3, 4, 5].map((t) => samples(file, t));
    const weights = [1, 1, 1, 0, 1.41, 1.41];
    const oracle = bs1770(x.map((c, i) => ({ x: c, weight: weights[i] as number })));
    expect(Math.abs((programme?.integrated ?? 0) - oracle)).toBeLessThanOrEqual(0.1);
    // The test tells the weightings apart: LFE counted, or surrounds unweighted, is far off.
    const withLfe = bs1770(x.map((c, i) => ({ x: c, weight: i === 3 ? 1 : (weights[i] as number) })));
    const flat = bs1770(x.map((c, i) => ({ x: c, weight: i === 3 ? 0 : 1 })));
    expect(Math.abs(withLfe - oracle)).toBeGreaterThan(1);
    expect(Math.abs(flat - oracle)).toBeGreaterThan(0.5);
  }, 60_000);
});
