import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROADCAST_EBU_R128, runQc } from '../../src/index.js';
import { ff } from './helpers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'indep-video-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const S = 's=64x36:r=25';
/** Picture then black, both at 25 fps, ffv1. */
function pictureThenBlack(out: string, pictureFrames: number, blackFrames: number, blackFirst = false) {
  const pic = `testsrc=${S}:d=${pictureFrames / 25}`;
  const blk = `color=c=black:${S}:d=${blackFrames / 25}`;
  const [a, b] = blackFirst ? [blk, pic] : [pic, blk];
  ff([
    '-f',
    'lavfi',
    '-i',
    a,
    '-f',
    'lavfi',
    '-i',
    b,
    '-filter_complex',
    '[0:v][1:v]concat=n=2:v=1:a=0,format=yuv420p[v]',
    '-map',
    '[v]',
    '-c:v',
    'ffv1',
    out,
  ]);
  const n = Number(
    execFileSync(
      'ffprobe',
      [
        '-v',
        'error',
        '-count_frames',
        '-select_streams',
        'v',
        '-show_entries',
        'stream=nb_read_frames',
        '-of',
        'csv=p=0',
        out,
      ],
      { encoding: 'utf8' },
    ).trim(),
  );
  expect(n).toBe(pictureFrames + blackFrames);
}
const blacks = (r: { findings: readonly { rule: string; start: number; duration: number }[] }) =>
  r.findings.filter((f) => f.rule === 'video.black').map((f) => [f.start, f.duration]);

describe('independent: black detection at the end', () => {
  it('an exactly 1.0 s black tail is reported, exact to the frame', async () => {
    const f = join(dir, 'tail25.mkv');
    pictureThenBlack(f, 50, 25);
    const r = await runQc(f, { policy: BROADCAST_EBU_R128 });
    expect(blacks(r)).toEqual([[50, 25]]);
    const fd = r.findings.find((x) => x.rule === 'video.black');
    if (fd === undefined) throw new Error('no video.black finding');
    expect(fd.timecodeIn).toBe('00:00:02:00');
    expect(fd.timecodeOut).toBe('00:00:03:00');
  }, 60_000);
  it('a 24-frame black tail (0.96 s) is not reported; a 37-frame tail is exact', async () => {
    const f = join(dir, 'tail24.mkv');
    pictureThenBlack(f, 50, 24);
    expect(blacks(await runQc(f, { policy: BROADCAST_EBU_R128 }))).toEqual([]);
    const g = join(dir, 'tail37.mkv');
    pictureThenBlack(g, 40, 37);
    expect(blacks(await runQc(g, { policy: BROADCAST_EBU_R128 }))).toEqual([[40, 37]]);
  }, 90_000);
  for (const [rate, pic, blk, expected] of [
    ['24', 48, 24, [[48, 24]]],
    ['50', 60, 50, [[60, 50]]],
    ['30000/1001', 40, 30, [[40, 30]]],
    ['30000/1001', 40, 29, []],
  ] as const) {
    it(`black tail at ${rate} fps: ${blk} frames`, async () => {
      const f = join(dir, `tail-${rate.replace('/', '_')}-${blk}.mkv`);
      ff([
        '-f',
        'lavfi',
        '-i',
        `testsrc=s=64x36:r=${rate}`,
        '-f',
        'lavfi',
        '-i',
        `color=c=black:s=64x36:r=${rate}`,
        '-filter_complex',
        `[0:v]trim=end_frame=${pic}[a];[1:v]trim=end_frame=${blk}[b];[a][b]concat=n=2:v=1:a=0,format=yuv420p[v]`,
        '-map',
        '[v]',
        '-c:v',
        'ffv1',
        f,
      ]);
      const r = await runQc(f, { policy: BROADCAST_EBU_R128 });
      expect(r.durationFrames).toBe(pic + blk);
      expect(blacks(r)).toEqual(expected);
    }, 60_000);
  }
  it('black at the very start is exact too', async () => {
    const f = join(dir, 'head.mkv');
    pictureThenBlack(f, 30, 26, true);
    expect(blacks(await runQc(f, { policy: BROADCAST_EBU_R128 }))).toEqual([[0, 26]]);
  }, 60_000);
  it('an all-black 1.0 s file is reported as one black run', async () => {
    const f = join(dir, 'allblack.mkv');
    ff(['-f', 'lavfi', '-i', `color=c=black:${S}:d=1`, '-pix_fmt', 'yuv420p', '-c:v', 'ffv1', f]);
    expect(blacks(await runQc(f, { policy: BROADCAST_EBU_R128 }))).toEqual([[0, 25]]);
  }, 60_000);
});

/** A clip from per-plane geq expressions; T is time in seconds. */
function planes(out: string, lum: string, cb: string, cr: string, pixFmt: string, extra: string[] = [], seconds = 3) {
  // geq works in yuv420p; a yuvj420p file is made by declaring full range (no value scaling) and
  // encoding losslessly with x264, which keeps yuvj420p/pc (ffv1 would drop it).
  const j = pixFmt === 'yuvj420p';
  ff([
    '-f',
    'lavfi',
    '-i',
    `color=c=gray:${S}:d=${seconds},format=yuv420p,geq=lum='${lum}':cb='${cb}':cr='${cr}'${j ? ',setparams=range=pc,format=yuvj420p' : ''}`,
    ...extra,
    ...(j ? ['-c:v', 'libx264', '-qp', '0'] : ['-c:v', 'ffv1']),
    out,
  ]);
}
function colorRange(f: string) {
  return execFileSync(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v', '-show_entries', 'stream=color_range,pix_fmt', '-of', 'csv=p=0', f],
    { encoding: 'utf8' },
  ).trim();
}
const rules = (r: { findings: readonly { rule: string }[] }, rule: string) => r.findings.filter((x) => x.rule === rule);

describe('independent: colour range', () => {
  it('a legal full-range (yuvj420p) file with Y at 0 and 255 does not fail levels, and is in gamut', async () => {
    const f = join(dir, 'full-j.mkv');
    planes(f, 'if(lt(X,32),0,255)', '128', '128', 'yuvj420p');
    expect(colorRange(f)).toContain('pc');
    const r = await runQc(f, { policy: BROADCAST_EBU_R128 });
    expect(rules(r, 'video.levels')).toEqual([]);
    expect(rules(r, 'video.gamut')).toEqual([]);
  }, 60_000);
  it('same with yuv420p tagged color_range=pc, and saturated legal full-range chroma', async () => {
    const f = join(dir, 'full-pc.mkv');
    // Y 255/0 and pure primaries-ish: Y=76,Cb=85,Cr=255 is full-range BT.601 red; limited check would call Cr 255 illegal
    planes(f, 'if(lt(X,32),0,76)', 'if(lt(X,16),128,85)', 'if(lt(X,16),128,255)', 'yuv420p', ['-color_range', 'pc']);
    expect(colorRange(f)).toContain('pc');
    const r = await runQc(f, { policy: BROADCAST_EBU_R128 });
    expect(rules(r, 'video.levels')).toEqual([]);
  }, 60_000);
  it('control: the same Y 0/255 content in limited range fails levels', async () => {
    const f = join(dir, 'limited.mkv');
    planes(f, 'if(lt(X,32),0,255)', '128', '128', 'yuv420p', ['-color_range', 'tv']);
    const r = await runQc(f, { policy: BROADCAST_EBU_R128 });
    expect(rules(r, 'video.levels').length).toBeGreaterThan(0);
  }, 60_000);
});

describe('independent: RGB gamut', () => {
  it('half the picture out of gamut during the middle second: one finding, frames 25..49, ~50 %', async () => {
    const f = join(dir, 'gamut.mkv');
    // limited range BT.601/709: Y=128, Cb=Cr=240 -> R well above 105 %; only in chroma columns 0..15 (pixels 0..31)
    const c = 'if(between(T,0.999,1.999)*lt(X,16),240,128)';
    planes(f, '128', c, c, 'yuv420p', ['-color_range', 'tv']);
    const r = await runQc(f, { policy: BROADCAST_EBU_R128 });
    expect(rules(r, 'video.levels')).toEqual([]);
    const g = rules(r, 'video.gamut') as unknown as {
      start: number;
      duration: number;
      measured: Record<string, number>;
    }[];
    expect(g).toHaveLength(1);
    expect([g[0]?.start, g[0]?.duration]).toEqual([25, 25]);
    const shares = Object.entries(g[0]?.measured ?? {})
      .filter(([, v]) => typeof v === 'number')
      .map(([, v]) => v);
    expect(g[0]?.measured.maxShare).toBeCloseTo(0.5, 1);
    expect(g[0]?.measured.meanShare).toBeCloseTo(0.5, 1);
    void shares;
  }, 60_000);
  it('gamut is measured in full range too (Y=128, Cb=Cr=255 full range is far out of gamut)', async () => {
    const f = join(dir, 'gamut-full.mkv');
    const c = 'if(lt(X,8),255,128)'; // 25 % of pixels
    planes(f, '128', c, c, 'yuvj420p', [], 1);
    const r = await runQc(f, { policy: BROADCAST_EBU_R128 });
    expect(rules(r, 'video.levels')).toEqual([]);
    const g = rules(r, 'video.gamut') as unknown as {
      start: number;
      duration: number;
      measured: Record<string, number>;
    }[];
    expect(g).toHaveLength(1);
    expect([g[0]?.start, g[0]?.duration]).toEqual([0, 25]);
    const shares = Object.values(g[0]?.measured ?? {}).filter((v) => typeof v === 'number');
    expect(g[0]?.measured.maxShare).toBeCloseTo(0.25, 1);
    void shares;
  }, 60_000);
  it('SD colour bars (BT.601, in gamut by a float oracle) have no gamut finding', async () => {
    const f = join(dir, 'bars.mkv');
    ff(['-f', 'lavfi', '-i', `smptebars=s=720x576:r=25:d=0.12`, '-pix_fmt', 'yuv420p', '-c:v', 'ffv1', f]);
    const r = await runQc(f, { policy: BROADCAST_EBU_R128 });
    expect(rules(r, 'video.gamut')).toEqual([]);
  }, 60_000);
});
