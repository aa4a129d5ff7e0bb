/**
 * Probe completeness on generated media, cross-checked with MediaInfo where it reports the same
 * thing: HDR10 static metadata, rotation, VFR, MPEG-2 GOP timecode, BWF time reference, ProRes
 * 4444 alpha, 5.1(side) against 5.1.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bwfWithTimeReference,
  hevcHdr10,
  interlacedSource,
  mpeg2WithGopTimecode,
  prores4444Alpha,
  rotatedVfrPhoneClip,
  surroundSideAndBack,
} from '@framewise/test-support';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../src/transcode/ffmpeg/probe.js';
import {
  isVariableFrameRate,
  masteringDisplayOf,
  mpeg2GopTimecode,
  rotationOf,
} from '../src/transcode/ffmpeg/probe-fields.js';

let dir = '';
const files: Record<string, string> = {};
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'framewise-probe-'));
  const p = (name: string) => join(dir, name);
  [files.hdr, files.phone, files.m2v, files.bwf, files.alpha, files.surround, files.interlaced] = await Promise.all([
    hevcHdr10(p('hdr10.mp4')),
    rotatedVfrPhoneClip(p('phone.mp4')),
    mpeg2WithGopTimecode(p('gop.m2v'), '01:02:03:04'),
    bwfWithTimeReference(p('bwf.wav'), 3600 * 48_000 + 48_000 * 2 + 24_000), // 01:00:02 and half a second
    prores4444Alpha(p('alpha.mov')),
    surroundSideAndBack(p('surround.mov')),
    interlacedSource(p('i.ts'), { width: 352, height: 288, fieldOrder: 'bff' }),
  ]);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function mediainfo(file: string): Record<string, string>[] {
  const json = JSON.parse(execFileSync('mediainfo', ['--Output=JSON', file], { encoding: 'utf8' })) as {
    media: { track: Record<string, string>[] };
  };
  return json.media.track;
}
const track = (file: string, type: string) => mediainfo(file).find((t) => t['@type'] === type) ?? {};

describe('probe completeness (against MediaInfo)', () => {
  it('reads HDR10 mastering display and content light level', async () => {
    const v = (await probe(files.hdr as string)).technical.video[0];
    expect(v?.masteringDisplay).toEqual({
      red: { x: 0.68, y: 0.32 },
      green: { x: 0.265, y: 0.69 },
      blue: { x: 0.15, y: 0.06 },
      whitePoint: { x: 0.3127, y: 0.329 },
      minLuminance: 0.0001,
      maxLuminance: 1000,
    });
    expect(v?.contentLightLevel).toEqual({ maxCll: 1000, maxFall: 400 });
    const mi = track(files.hdr as string, 'Video');
    expect(mi.MaxCLL).toMatch(/^1000 cd\/m2/);
    expect(mi.MaxFALL).toMatch(/^400 cd\/m2/);
    expect(mi.MasteringDisplay_Luminance).toMatch(/min: 0.0001 cd\/m2, max: 1000 cd\/m2/);
  }, 30_000);

  it('reads the rotation and the variable frame rate of a phone clip', async () => {
    const v = (await probe(files.phone as string)).technical.video[0];
    expect(v).toMatchObject({ width: 320, height: 180, variableFrameRate: true });
    const mi = track(files.phone as string, 'Video');
    expect(v?.rotation).toBe(Number(mi.Rotation));
    expect(mi.FrameRate_Mode).toBe('VFR');
    // A constant-rate file is not VFR.
    const cfr = (await probe(files.hdr as string)).technical.video[0];
    expect(cfr?.variableFrameRate).toBe(false);
    expect(cfr?.rotation).toBeUndefined();
  }, 30_000);

  it('reads the MPEG-2 GOP timecode and the BWF time reference as timecode', async () => {
    const m2v = await probe(files.m2v as string);
    expect(m2v.technical.startTimecode).toBe('01:02:03:04');
    expect(track(files.m2v as string, 'Video').TimeCode_FirstFrame).toBe('01:02:03:04');
    const bwf = await probe(files.bwf as string);
    // 3 602.5 s since midnight at 25 fps: 01:00:02:12.
    expect(bwf.technical.startTimecode).toBe('01:00:02:12');
    expect(Number(track(files.bwf as string, 'Audio').Delay)).toBeCloseTo(3602.5, 3);
  }, 30_000);

  it('records ProRes 4444 alpha, 5.1(side) apart from 5.1, and interlaced field order', async () => {
    const alpha = (await probe(files.alpha as string)).technical.video[0];
    expect(alpha).toMatchObject({ codec: 'prores', chromaSubsampling: '4:4:4', alpha: true });
    expect(track(files.alpha as string, 'Video').ChromaSubsampling).toMatch(/4:4:4\+?4?/);
    expect((await probe(files.hdr as string)).technical.video[0]?.alpha).toBeUndefined();
    const surround = (await probe(files.surround as string)).technical.audio;
    expect(surround.map((a) => a.layout)).toEqual(['5.1(side)', '5.1']);
    const mi = mediainfo(files.surround as string).filter((t) => t['@type'] === 'Audio');
    expect(mi.map((t) => t.ChannelPositions)).toEqual(['Front: L C R, Side: L R, LFE', 'Front: L C R, Back: L R, LFE']);
    const i = (await probe(files.interlaced as string)).technical.video[0];
    expect(i?.scan).toEqual({ type: 'interlaced', fieldOrder: 'bff' });
    expect(track(files.interlaced as string, 'Video').ScanOrder).toBe('BFF');
  }, 30_000);
});

describe('probe field parsers', () => {
  it('rejects malformed mastering display side data rather than inventing values', () => {
    const good = {
      side_data_type: 'Mastering display metadata',
      red_x: '34000/50000',
      red_y: '16000/50000',
      green_x: '13250/50000',
      green_y: '34500/50000',
      blue_x: '7500/50000',
      blue_y: '3000/50000',
      white_point_x: '15635/50000',
      white_point_y: '16450/50000',
      min_luminance: '50/10000',
      max_luminance: '40000000/10000',
    };
    expect(masteringDisplayOf([good])?.maxLuminance).toBe(4000);
    expect(masteringDisplayOf([{ ...good, red_x: '1/0' }])).toBeUndefined();
    expect(masteringDisplayOf([{ ...good, min_luminance: '5000/1', max_luminance: '1/1' }])).toBeUndefined();
    expect(masteringDisplayOf([{ ...good, green_y: 'x' }])).toBeUndefined();
  }, 30_000);

  it('normalises rotation to clockwise quarter turns', () => {
    const m = (rotation: number) => [{ side_data_type: 'Display Matrix', rotation }];
    expect(rotationOf(m(-90))).toBe(90);
    expect(rotationOf(m(90))).toBe(270);
    expect(rotationOf(m(180))).toBe(180);
    expect(rotationOf(m(-180))).toBe(180);
    expect(rotationOf([], { rotate: '90' })).toBe(90);
    expect(rotationOf([])).toBe(0);
  }, 30_000);

  it('tells VFR from CFR with B-frame reordering and from too few packets', () => {
    const cfr = [0, 1024, 512, 2048, 1536, 3072, 2560, 4096, 3584, 4608];
    expect(isVariableFrameRate(cfr)).toBe(false);
    expect(isVariableFrameRate([0, 1, 2])).toBeUndefined();
    expect(isVariableFrameRate([0, 512, 1536, 2048, 2560, 3584, 4096, 4608, 5632, 6144])).toBe(true);
    // Rounding of 1001/30000 in a 1/90000 time base (3003) never counts as VFR.
    const ntsc = Array.from({ length: 100 }, (_, i) => Math.round((i * 90_000 * 1001) / 30_000));
    expect(isVariableFrameRate(ntsc)).toBe(false);
  }, 30_000);

  it('finds GOP timecodes and never throws on arbitrary bytes', () => {
    expect(mpeg2GopTimecode(Uint8Array.from([0, 0, 1, 0xb8, 0x04, 0x28, 0x62, 0x40]))).toBe('01:02:03:04');
    // Drop-frame flag set: 00:10:00;02.
    const drop = (1 << 31) | (0 << 26) | (10 << 20) | (1 << 19) | (0 << 13) | (2 << 7);
    const bytes = [0, 0, 1, 0xb8, (drop >>> 24) & 0xff, (drop >>> 16) & 0xff, (drop >>> 8) & 0xff, 0];
    expect(mpeg2GopTimecode(Uint8Array.from(bytes))).toBe('00:10:00;02');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (b) => {
        const tc = mpeg2GopTimecode(b);
        return tc === undefined || /^\d\d:\d\d:\d\d[:;]\d\d$/.test(tc);
      }),
    );
  });
});
