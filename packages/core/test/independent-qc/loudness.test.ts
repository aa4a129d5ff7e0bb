import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  correctLoudness,
  detectProgrammes,
  EBU_R128,
  loudnessOnlyPolicy,
  planLoudnessCorrection,
  runQc,
} from '../../src/index.js';
import { ebur128, ff, monoTracks, probeLayouts } from './helpers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'indep-loud-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const amp = (dbfs: number) => (10 ** (dbfs / 20)).toFixed(6);
const sine = (dbfs: number, f = 1000) => `${amp(dbfs)}*sin(2*PI*${f}*t)`;
const policy = loudnessOnlyPolicy(EBU_R128);
const failing = (r: { findings: readonly { rule: string }[] }) =>
  r.findings.filter((f) => f.rule.startsWith('loudness.') && f.rule !== 'loudness.loud-segment');

describe('independent: programme-aware loudness', () => {
  it('stereo -23 LUFS stored as two mono tracks measures -23 and passes', async () => {
    const f = join(dir, 'stereo2mono.mkv');
    monoTracks(f, [sine(-23), sine(-23)]);
    const truth = ebur128(f, [0, 1], 'stereo');
    expect(truth.I).toBeCloseTo(-23, 0);
    const r = await runQc(f, { policy });
    expect(r.loudness).toHaveLength(1);
    const p = r.loudness[0];
    if (p === undefined) throw new Error('no loudness measurement');
    expect(p.tracks).toEqual([0, 1]);
    expect(Math.abs((p.integrated ?? Number.NaN) - truth.I)).toBeLessThan(0.15);
    expect(failing(r)).toEqual([]);
    expect(r.verdict).toBe('pass');
  }, 60_000);

  it('5.1 as six mono tracks: LFE excluded and surrounds x1.41 (closed form -23.36)', async () => {
    const f = join(dir, 'six.mkv');
    // L R C at -28 dBFS, LFE very loud (must be ignored), Ls Rs at -28 dBFS
    monoTracks(f, [sine(-28), sine(-28), sine(-28), sine(-3, 60), sine(-28), sine(-28)]);
    const expected = -28 + 10 * Math.log10((3 + 2 * 1.41) / 2); // -23.36
    const truth = ebur128(f, [0, 1, 2, 3, 4, 5], '5.1(side)');
    expect(Math.abs(truth.I - expected)).toBeLessThan(0.15);
    const r = await runQc(f, { policy });
    expect(r.loudness).toHaveLength(1);
    expect(r.loudness[0]?.tracks).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Math.abs((r.loudness[0]?.integrated ?? Number.NaN) - expected)).toBeLessThan(0.15);
    expect(failing(r)).toEqual([]);
  }, 60_000);

  it('8 mono tracks: 5.1 + stereo by default; 3 mono tracks: stereo + mono', async () => {
    const f = join(dir, 'eight.mkv');
    monoTracks(
      f,
      [sine(-28), sine(-28), sine(-28), sine(-3, 60), sine(-28), sine(-28), sine(-23), sine(-23)],
      'pcm_s16le',
      2,
    );
    const r = await runQc(f, { policy });
    expect(r.loudness.map((l) => l.tracks)).toEqual([
      [0, 1, 2, 3, 4, 5],
      [6, 7],
    ]);
    expect(Math.abs((r.loudness[1]?.integrated ?? Number.NaN) + 23)).toBeLessThan(0.15);
    const g = join(dir, 'three.mkv');
    monoTracks(g, [sine(-23), sine(-23), sine(-23)], 'pcm_s16le', 2);
    const r3 = await runQc(g, { policy });
    expect(r3.loudness.map((l) => l.tracks)).toEqual([[0, 1], [2]]);
    // a -23 dBFS mono 1 kHz sine is about -26 LUFS (single channel)
    expect(Math.abs((r3.loudness[1]?.integrated ?? Number.NaN) - ebur128(g, [2], 'mono').I)).toBeLessThan(0.15);
  }, 90_000);

  it('explicit programmes override (order spec) and an invalid programme is INVALID_INPUT', async () => {
    const f = join(dir, 'swap.mkv');
    monoTracks(f, [sine(-23), sine(-40), sine(-23)], 'pcm_s16le', 2);
    const r = await runQc(f, { policy, programmes: [{ name: 'st', layout: 'stereo', tracks: [0, 2] }] });
    const st = r.loudness.find((l) => (l.tracks ?? []).join() === '0,2');
    expect(st).toBeDefined();
    expect(Math.abs((st?.integrated ?? Number.NaN) + 23)).toBeLessThan(0.15);
    await expect(
      runQc(f, { policy, programmes: [{ name: 'bad', layout: 'stereo', tracks: [0, 0] }] }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(
      runQc(f, { policy, programmes: [{ name: 'bad', layout: 'stereo', tracks: [0, 7] }] }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  }, 60_000);

  it('true-peak-only failure (-23 LUFS, about -0.3 dBTP) gets a plan and is corrected to a passing file', async () => {
    const f = join(dir, 'tp.mkv');
    // sine at -23 dBFS plus a one-sample spike every 0.5 s
    const e = `${sine(-23)}+0.9*eq(mod(n\\,24000)\\,100)`;
    monoTracks(f, [e, e]);
    const truth = ebur128(f, [0, 1], 'stereo');
    expect(Math.abs(truth.I + 23)).toBeLessThan(0.3);
    expect(truth.TP).toBeGreaterThan(-1);
    const r = await runQc(f, { policy });
    expect(failing(r).map((x) => x.rule)).toEqual(['loudness.true-peak']);
    const plan = planLoudnessCorrection(r.loudness, EBU_R128);
    expect(plan.needed).toBe(true);
    const out = join(dir, 'tp-fixed.mkv');
    const res = await correctLoudness(f, out, plan);
    expect(failing(res.after)).toEqual([]);
    const t2 = ebur128(out, [0, 1], 'stereo');
    expect(Math.abs(t2.I + 23)).toBeLessThanOrEqual(0.5);
    expect(t2.TP).toBeLessThanOrEqual(-1);
    expect(probeLayouts(out).map((s) => s.channels)).toEqual([1, 1]);
  }, 120_000);

  it('quiet stereo pair on two mono AAC tracks: corrected output passes by my measurement or a typed error and no file', async () => {
    const f = join(dir, 'aac.mkv');
    const e = `${sine(-32)}+0.5*eq(mod(n\\,24000)\\,100)`;
    monoTracks(f, [e, e], 'aac');
    const r = await runQc(f, { policy });
    const plan = planLoudnessCorrection(r.loudness, EBU_R128);
    expect(plan.needed).toBe(true);
    const out = join(dir, 'aac-fixed.mkv');
    const res = await correctLoudness(f, out, plan).then(
      (x) => x,
      (err: unknown) => err,
    );
    if (res instanceof Error) {
      expect(readdirSync(dir).filter((n) => n.startsWith('aac-fixed'))).toEqual([]);
      expect(res, String(res.message) + JSON.stringify((res as never as { details: unknown }).details)).toMatchObject({
        code: 'UNSUPPORTED',
      });
      expect(existsSync(out)).toBe(false);
    } else {
      const t2 = ebur128(out, [0, 1], 'stereo');
      expect(Math.abs(t2.I + 23)).toBeLessThanOrEqual(0.5);
      expect(t2.TP).toBeLessThanOrEqual(-1);
      expect(probeLayouts(out).map((s) => s.codec)).toEqual(['aac', 'aac']);
    }
    expect(readdirSync(dir).filter((n) => n.startsWith('aac-fixed') && n !== 'aac-fixed.mkv')).toEqual([]);
  }, 120_000);

  for (const [name, level, spike] of [
    ['gain path', -27, 0],
    ['loudnorm path', -40, 0.7],
  ] as const) {
    it(`a 5.1(side) six-channel track stays 5.1(side) after correction (${name})`, async () => {
      const f = join(dir, `side-${name.replace(' ', '')}.mov`);
      const e = spike ? `${sine(level)}+${spike}*eq(mod(n\\,24000)\\,100)` : sine(level);
      ff([
        '-f',
        'lavfi',
        '-i',
        `aevalsrc=${e}|${e}|${e}|${sine(-30, 60)}|${e}|${e}:s=48000:d=3:c=5.1(side)`,
        '-c:a',
        'pcm_s24le',
        f,
      ]);
      expect(probeLayouts(f)[0]?.layout).toBe('5.1(side)');
      const r = await runQc(f, { policy });
      const plan = planLoudnessCorrection(r.loudness, EBU_R128);
      expect(plan.needed).toBe(true);
      const out = join(dir, `side-${name.replace(' ', '')}-fixed.mov`);
      const res = await correctLoudness(f, out, plan);
      expect(probeLayouts(out)[0]?.layout).toBe('5.1(side)');
      expect(failing(res.after)).toEqual([]);
      const t2 = ebur128(out, [0], '5.1(side)');
      expect(Math.abs(t2.I + 23)).toBeLessThanOrEqual(0.5);
      expect(t2.TP).toBeLessThanOrEqual(-1);
    }, 180_000);
  }

  it('detectProgrammes is exported and maps six mono tracks to one 5.1', () => {
    expect(typeof detectProgrammes).toBe('function');
  });
});
