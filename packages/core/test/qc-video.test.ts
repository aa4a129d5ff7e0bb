/**
 * QC video rules against generated media with known answers: black at the very end of a file
 * (exact to the frame, and an exactly 1.0 s tail), colour range (a legal full-range file), and the
 * RGB gamut check (per-frame out-of-gamut share over a frame range, checked against a naive oracle).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ffmpegGenerate } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type QcFinding, type QcReport, runQc } from '../src/index.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'framewise-qc-video-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const lossless = ['-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0'];
const rules = (r: QcReport, rule: string): QcFinding[] => r.findings.filter((f) => f.rule === rule);

describe('black at the end of the file', () => {
  it('reports an exactly 1.0 s black tail, to the frame (frames 50-74 of 75)', async () => {
    const file = await ffmpegGenerate(
      join(dir, 'tail-1s.mov'),
      ['testsrc2=size=320x180:rate=25:duration=3,limiter=min=16:max=235'],
      ['-vf', "drawbox=c=black:t=fill:enable='gte(n,50)'", ...lossless, '-pix_fmt', 'yuv420p'],
    );
    const report = await runQc(file);
    expect(rules(report, 'video.black')).toEqual([
      expect.objectContaining({ start: 50, duration: 25, timecodeIn: '00:00:02:00', timecodeOut: '00:00:03:00' }),
    ]);
  }, 60_000);

  it('a 1.5 s tail ends with the last frame, and black that ends one frame before the end is not extended', async () => {
    const tail = await ffmpegGenerate(
      join(dir, 'tail-1.5s.mov'),
      ['testsrc2=size=320x180:rate=25:duration=3,limiter=min=16:max=235'],
      ['-vf', "drawbox=c=black:t=fill:enable='gte(n,38)'", ...lossless, '-pix_fmt', 'yuv420p'],
    );
    expect(rules(await runQc(tail), 'video.black')).toEqual([expect.objectContaining({ start: 38, duration: 37 })]);
    const almost = await ffmpegGenerate(
      join(dir, 'almost-tail.mov'),
      ['testsrc2=size=320x180:rate=25:duration=3,limiter=min=16:max=235'],
      ['-vf', "drawbox=c=black:t=fill:enable='between(n,38,73)'", ...lossless, '-pix_fmt', 'yuv420p'],
    );
    expect(rules(await runQc(almost), 'video.black')).toEqual([expect.objectContaining({ start: 38, duration: 36 })]);
    const short = await ffmpegGenerate(
      join(dir, 'short-tail.mov'),
      ['testsrc2=size=320x180:rate=25:duration=3,limiter=min=16:max=235'],
      ['-vf', "drawbox=c=black:t=fill:enable='gte(n,51)'", ...lossless, '-pix_fmt', 'yuv420p'],
    );
    expect(rules(await runQc(short), 'video.black')).toEqual([]);
  }, 90_000);
});

describe('colour range', () => {
  it('does not fail a legal full-range file as chroma outside 16-240', async () => {
    // Full-range 4:2:0 with saturated colour bars: chroma reaches 0-255 codes legally.
    const file = await ffmpegGenerate(
      join(dir, 'full-range.mp4'),
      ['smptehdbars=size=320x180:rate=25:duration=1'],
      [
        '-vf',
        'scale=out_range=full:out_color_matrix=bt709,format=yuvj420p',
        ...lossless,
        '-color_range',
        'pc',
        '-colorspace',
        'bt709',
      ],
    );
    const range = execFileSync('ffprobe', [
      '-v',
      'error',
      '-show_entries',
      'stream=color_range',
      '-of',
      'csv=p=0',
      file,
    ])
      .toString()
      .trim();
    expect(range).toBe('pc');
    const report = await runQc(file);
    expect(rules(report, 'video.levels')).toEqual([]);
    expect(rules(report, 'video.gamut')).toEqual([]);
    // The same picture in limited range with codes pushed outside 16-240 still fails.
    const limited = await ffmpegGenerate(
      join(dir, 'limited-illegal.mp4'),
      ['smptehdbars=size=320x180:rate=25:duration=1'],
      ['-vf', "format=yuv420p,lutyuv=u='clip((val-128)*1.3+128,0,255)'", ...lossless, '-color_range', 'tv'],
    );
    expect(rules(await runQc(limited), 'video.levels').length).toBeGreaterThan(0);
  }, 90_000);
});

describe('RGB gamut', () => {
  /**
   * The naive oracle: decode to Y'CbCr, convert every pixel to R'G'B' in floating point with the
   * BT.709 limited-range matrix, count pixels with a component below −5 % or above 105 %.
   */
  function oracleShare(file: string, frame: number, width: number, height: number): number {
    const raw = execFileSync(
      'ffmpeg',
      [
        '-v',
        'error',
        '-i',
        file,
        '-vf',
        `select=eq(n\\,${frame}),format=yuv444p`,
        '-frames:v',
        '1',
        '-f',
        'rawvideo',
        '-',
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const n = width * height;
    let out = 0;
    for (let i = 0; i < n; i++) {
      const y = ((raw[i] as number) - 16) / 219;
      const cb = ((raw[n + i] as number) - 128) / 224;
      const cr = ((raw[2 * n + i] as number) - 128) / 224;
      const r = y + 1.5748 * cr;
      const g = y - 0.1873 * cb - 0.4681 * cr;
      const b = y + 1.8556 * cb;
      if ([r, g, b].some((c) => c < -0.05 || c > 1.05)) out++;
    }
    return out / n;
  }

  it('reports the frames whose pixels leave the RGB gamut, with the out-of-gamut share, and passes legal ones', async () => {
    // Frames 10-19: a box of legal luma but extreme chroma (Cb=Cr=240 at Y=60) over a quarter of the picture.
    const file = await ffmpegGenerate(
      join(dir, 'gamut.mov'),
      ['color=c=0x808080:size=320x180:rate=25:duration=1.2'],
      [
        '-vf',
        "format=yuv444p,geq=lum='if(lt(X,160)*lt(Y,90)*between(N,10,19),60,p(X,Y))':cb='if(lt(X,160)*lt(Y,90)*between(N,10,19),240,p(X,Y))':cr='if(lt(X,160)*lt(Y,90)*between(N,10,19),240,p(X,Y))'",
        ...lossless,
        '-pix_fmt',
        'yuv444p',
        '-colorspace',
        'bt709',
        '-color_range',
        'tv',
      ],
    );
    const raw = execFileSync('ffmpeg', [
      '-v',
      'error',
      '-i',
      file,
      '-vf',
      'select=eq(n\\,12),format=yuv444p,crop=1:1:0:0',
      '-frames:v',
      '1',
      '-f',
      'rawvideo',
      '-',
    ]);
    expect([...raw]).toEqual([0x3c, 0xf0, 0xf0]); // the box really is Y'=60, Cb=Cr=240
    const report = await runQc(file, { policy: { name: 'gamut', version: 1, black: false, freeze: false, gamut: {} } });
    const found = rules(report, 'video.gamut');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ start: 10, duration: 10, severity: 'warn' });
    const oracle = oracleShare(file, 12, 320, 180);
    expect(oracle).toBeCloseTo(0.25, 2);
    expect(Number(found[0]?.measured?.maxShare)).toBeGreaterThanOrEqual(oracle - 0.02);
    expect(Number(found[0]?.measured?.maxShare)).toBeLessThanOrEqual(oracle + 0.02);
    // Legal levels alone do not see it: every code value is inside 16-235/240.
    expect(rules(report, 'video.levels')).toEqual([]);
  }, 90_000);
});
