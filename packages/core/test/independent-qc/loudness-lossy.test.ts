import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { correctLoudness, EBU_R128, loudnessOnlyPolicy, planLoudnessCorrection, runQc } from '../../src/index.js';
import { ebur128, ff, monoTracks, probeLayouts } from './helpers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'indep-lossy-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const amp = (dbfs: number) => (10 ** (dbfs / 20)).toFixed(6);
const sine = (dbfs: number, f = 1000) => `${amp(dbfs)}*sin(2*PI*${f}*t)`;
const policy = loudnessOnlyPolicy(EBU_R128);

/** Correct, then check by my own measurement, or accept only a typed UNSUPPORTED with no file left. */
async function correctAndCheck(f: string, out: string, streams: number[], layout: string) {
  const r = await runQc(f, { policy });
  const plan = planLoudnessCorrection(r.loudness, EBU_R128);
  expect(plan.needed).toBe(true);
  const res = await correctLoudness(f, out, plan).then(
    (x) => x,
    (e: unknown) => e as Error & { code?: string },
  );
  if (res instanceof Error) {
    expect(readdirSync(dir).filter((n) => n.startsWith(out.split('/').pop()?.split('.')[0] ?? out))).toEqual([]);
    expect(res.code, res.message).toBe('UNSUPPORTED');
    return;
  }
  const t = ebur128(out, streams, layout);
  expect(Math.abs(t.I + 23)).toBeLessThanOrEqual(0.5);
  expect(t.TP).toBeLessThanOrEqual(-1);
  return res;
}

describe('independent: loudness correction through AAC', () => {
  it('stereo pair on two mono AAC tracks in MOV (quiet, peaky)', async () => {
    const f = join(dir, 'movaac.mov');
    const e = `${sine(-32)}+0.5*eq(mod(n\\,24000)\\,100)`;
    monoTracks(f, [e, e], 'aac');
    await correctAndCheck(f, join(dir, 'movaac-fixed.mov'), [0, 1], 'stereo');
    expect(probeLayouts(join(dir, 'movaac-fixed.mov')).map((s) => s.channels)).toEqual([1, 1]);
  }, 120_000);
  it('stereo pair on two mono AAC tracks, simple gain (no spikes)', async () => {
    const f = join(dir, 'gainaac.mkv');
    monoTracks(f, [sine(-28), sine(-28)], 'aac');
    await correctAndCheck(f, join(dir, 'gainaac-fixed.mkv'), [0, 1], 'stereo');
  }, 120_000);
  it('one stereo AAC track', async () => {
    const f = join(dir, 'st.mp4');
    const e = `${sine(-30)}+0.6*eq(mod(n\\,24000)\\,100)`;
    ff(['-f', 'lavfi', '-i', `aevalsrc=${e}|${e}:s=48000:d=3:c=stereo`, '-c:a', 'aac', '-b:a', '256k', f]);
    await correctAndCheck(f, join(dir, 'st-fixed.mp4'), [0], 'stereo');
  }, 120_000);
  it('one mono AAC track (its own programme)', async () => {
    const f = join(dir, 'mono.mp4');
    ff(['-f', 'lavfi', '-i', `aevalsrc=${sine(-30)}:s=48000:d=3:c=mono`, '-c:a', 'aac', f]);
    await correctAndCheck(f, join(dir, 'mono-fixed.mp4'), [0], 'mono');
  }, 120_000);
});
