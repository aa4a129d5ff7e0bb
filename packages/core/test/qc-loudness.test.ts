import { mkdtempSync, rmSync } from 'node:fs';
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
    expect(plan.tracks).toEqual([
      { track: 0, kind: 'none', reason: 'within 0.25 LU' },
      { track: 1, kind: 'gain', gainDb: 7, predictedTruePeak: -5 },
      { track: 2, kind: 'loudnorm', reason: 'a 7 dB gain would put the true peak at 4 dBTP, over -1' },
      { track: 3, kind: 'none', reason: 'silent or too short to measure' },
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
