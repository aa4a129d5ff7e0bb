import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ffmpegGenerate } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  correctLoudness,
  EBU_R128,
  isFramewiseError,
  loudnessOnlyPolicy,
  planLoudnessCorrection,
  runQc,
} from '../src/index.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'framewise-loudness-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const loudnessOnly = loudnessOnlyPolicy(EBU_R128);

/** A 10 s clip with video and one stereo PCM track shaped by an aevalsrc expression. */
function clip(name: string, expression: string): Promise<string> {
  return ffmpegGenerate(
    join(dir, name),
    ['testsrc2=size=320x180:rate=25:duration=10', `aevalsrc='${expression}':s=48000:c=stereo:d=10`],
    ['-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'pcm_s24le'],
  );
}

describe('loudness correction', () => {
  it('plans nothing within tolerance, a gain when the peak allows, loudnorm when it does not', () => {
    const plan = planLoudnessCorrection(
      [
        { track: 'audio:0', integrated: -23.2, truePeak: -10 },
        { track: 'audio:1', integrated: -30, truePeak: -12 },
        { track: 'audio:2', integrated: -30, truePeak: -3 },
        { track: 'audio:3', integrated: -70, truePeak: Number.NEGATIVE_INFINITY },
      ],
      EBU_R128,
    );
    const ref = (track: number) => ({ track, programme: `audio:${track}`, tracks: [track], layout: 'other' });
    expect(plan.tracks).toEqual([
      { ...ref(0), kind: 'none', reason: 'within 0.25 LU, true peak under the ceiling' },
      { ...ref(1), kind: 'gain', gainDb: 7, predictedTruePeak: -5 },
      { ...ref(2), kind: 'loudnorm', reason: 'a 7 dB gain would put the true peak at 4 dBTP, over -1' },
      { ...ref(3), kind: 'none', reason: 'silent or too short to measure' },
    ]);
    expect(plan.needed).toBe(true);
  });

  it('corrects a quiet programme with a linear gain and measures it again on target', async () => {
    const quiet = await clip('quiet.mov', '0.05*sin(2*PI*997*t)');
    const before = await runQc(quiet, { policy: loudnessOnly });
    expect(before.findings.map((f) => f.rule)).toEqual(['loudness.integrated']);
    const plan = planLoudnessCorrection(before.loudness, EBU_R128);
    expect(plan.tracks[0]?.kind).toBe('gain');
    const result = await correctLoudness(quiet, join(dir, 'quiet-corrected.mov'), plan);
    expect(result.after.verdict).toBe('pass');
    expect(result.after.loudness[0]?.integrated).toBeCloseTo(-23, 0);
    const again = planLoudnessCorrection(result.after.loudness, EBU_R128);
    expect(again.needed).toBe(false);
    const error = await correctLoudness(result.output, join(dir, 'twice.mov'), again).catch((e: unknown) => e);
    expect(isFramewiseError(error, 'INVALID_INPUT')).toBe(true);
  }, 60_000);

  it('corrects a quiet programme with loud transients by two-pass loudnorm, keeping the true peak', async () => {
    const peaky = await clip('peaky.mov', '0.04*sin(2*PI*997*t)+0.9*lt(mod(n,96000),1)');
    const before = await runQc(peaky, { policy: loudnessOnly });
    const plan = planLoudnessCorrection(before.loudness, EBU_R128);
    expect(plan.tracks[0]?.kind).toBe('loudnorm');
    const result = await correctLoudness(peaky, join(dir, 'peaky-corrected.mov'), plan);
    const after = result.after.loudness[0];
    expect(Math.abs((after?.integrated ?? 0) + 23)).toBeLessThanOrEqual(1);
    expect(after?.truePeak).toBeLessThanOrEqual(-0.5);
  }, 60_000);
});

describe('loudness correction per programme', () => {
  const tone = (dbfs: number) => `${10 ** (dbfs / 20)}*sin(2*PI*1000*t)`;

  it('corrects a true-peak-only failure (−23 LUFS at −0.3 dBTP) with a limiter, and the delivered AAC passes', async () => {
    // On target, with a click every second reaching −0.3 dBFS.
    const file = await ffmpegGenerate(
      join(dir, 'tp-only.mp4'),
      [`aevalsrc='${tone(-23)}+0.9*lt(mod(n,48000),2)':s=48000:c=stereo:d=4`],
      ['-c:a', 'aac', '-b:a', '256k'],
    );
    const before = await runQc(file, { policy: loudnessOnly });
    expect(Math.abs((before.loudness[0]?.integrated ?? 0) + 23)).toBeLessThanOrEqual(0.5);
    expect(before.loudness[0]?.truePeak).toBeGreaterThan(-1);
    expect(before.findings.map((f) => f.rule)).toEqual(['loudness.true-peak']);
    const plan = planLoudnessCorrection(before.loudness, EBU_R128);
    expect(plan.tracks[0]).toMatchObject({ kind: 'limit', gainDb: 0, ceilingDb: -2 });
    const result = await correctLoudness(file, join(dir, 'tp-only-fixed.mp4'), plan);
    expect(result.after.verdict).toBe('pass');
    const after = result.after.loudness[0];
    expect(after?.truePeak).toBeLessThanOrEqual(-1);
    expect(Math.abs((after?.integrated ?? 0) + 23)).toBeLessThanOrEqual(0.5);
    // Measured independently of the report: ffmpeg's ebur128 summary on the delivered file.
    const log = spawnSync(
      'ffmpeg',
      ['-hide_banner', '-nostats', '-i', result.output, '-af', 'ebur128=peak=true', '-f', 'null', '-'],
      { encoding: 'utf8' },
    ).stderr;
    const peaks = [...log.matchAll(/Peak:\s+(-?[\d.]+) dBFS/g)].map((m) => Number(m[1]));
    expect(peaks.length).toBeGreaterThan(0);
    expect(peaks.at(-1)).toBeLessThanOrEqual(-1);
  }, 90_000);

  it('corrects a stereo programme on two mono tracks with one gain for both, keeping them two mono tracks', async () => {
    const file = await ffmpegGenerate(
      join(dir, 'quiet-pair.mov'),
      [`aevalsrc='${tone(-30)}':s=48000:c=mono:d=3`, `aevalsrc='${tone(-32)}':s=48000:c=mono:d=3`],
      ['-map', '0:a', '-map', '1:a', '-c:a', 'pcm_s24le'],
    );
    const before = await runQc(file, { policy: loudnessOnly });
    expect(before.loudness.map((l) => l.track)).toEqual(['audio:0+1']);
    const plan = planLoudnessCorrection(before.loudness, EBU_R128);
    expect(plan.tracks).toHaveLength(1);
    expect(plan.tracks[0]).toMatchObject({ kind: 'gain', tracks: [0, 1] });
    const result = await correctLoudness(file, join(dir, 'quiet-pair-fixed.mov'), plan);
    expect(result.after.loudness[0]?.integrated).toBeCloseTo(-23, 0);
    const channels = execFileSync('ffprobe', [
      '-v',
      'error',
      '-select_streams',
      'a',
      '-show_entries',
      'stream=channels,channel_layout',
      '-of',
      'csv=p=0',
      result.output,
    ])
      .toString()
      .trim()
      .split('\n');
    // Plain mono tracks, not channelsplit's 1-channel FL / FR layouts ("1 channels (FL)"); ffprobe
    // 5.1 reads a filtered mono PCM track back as "mono" or "unknown" (no layout stored).
    expect(channels.map((c) => c.split(',')[0])).toEqual(['1', '1']);
    for (const c of channels) expect(c).not.toMatch(/\(|FL|FR/);
    // The balance between the tracks is kept: the same gain on both (they stay 2 LU apart).
    const apart = await runQc(result.output, {
      policy: loudnessOnly,
      programmes: [
        { layout: 'mono', tracks: [0] },
        { layout: 'mono', tracks: [1] },
      ],
    });
    const [left, right] = apart.loudness.map((l) => l.integrated ?? 0);
    expect((left ?? 0) - (right ?? 0)).toBeCloseTo(2, 1);
  }, 90_000);

  it('keeps a 5.1(side) track 5.1(side) through loudnorm', async () => {
    const channels = ['FL', 'FR', 'FC', 'LFE', 'SL', 'SR']
      .map((_, i) => `${0.01 + i * 0.001}*sin(2*PI*${500 + 100 * i}*t)+0.95*lt(mod(n,24000),1)`)
      .join('|');
    const file = await ffmpegGenerate(
      join(dir, 'side.wav'),
      [`aevalsrc='${channels}':s=48000:c=5.1(side):d=3`],
      ['-c:a', 'pcm_s24le'],
    );
    const layout = (f: string) =>
      execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=channel_layout', '-of', 'csv=p=0', f])
        .toString()
        .trim();
    expect(layout(file)).toBe('5.1(side)');
    const before = await runQc(file, { policy: loudnessOnly });
    const plan = planLoudnessCorrection(before.loudness, EBU_R128);
    expect(plan.tracks[0]?.kind).toBe('loudnorm');
    const result = await correctLoudness(file, join(dir, 'side-fixed.wav'), plan);
    expect(layout(result.output)).toBe('5.1(side)');
    expect(result.after.verdict).toBe('pass');
  }, 90_000);

  it('throws a typed error and leaves no file when the target cannot be met', async () => {
    const file = await ffmpegGenerate(
      join(dir, 'impossible.wav'),
      [`aevalsrc='${tone(-23)}':s=48000:c=mono:d=3`],
      ['-c:a', 'pcm_s24le'],
    );
    // A mono programme at −5 LUFS with peaks held at −8 dBTP: its loudness cannot be 3 LU over its peaks.
    const target = { name: 'impossible', integrated: -5, tolerance: 0.5, truePeakMax: -8 };
    const before = await runQc(file, { policy: loudnessOnlyPolicy(target) });
    const plan = planLoudnessCorrection(before.loudness, target);
    const out = join(dir, 'impossible-fixed.wav');
    const error = await correctLoudness(file, out, plan).catch((e: unknown) => e);
    expect(isFramewiseError(error, 'UNSUPPORTED')).toBe(true);
    expect((error as Error).message).toMatch(/cannot meet impossible: audio:0/);
    expect(existsSync(out)).toBe(false);
  }, 90_000);
});
