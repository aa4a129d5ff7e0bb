/**
 * Ladder source conditioning on generated media, checked with ffmpeg's own analysis: interlaced
 * sources come out progressive (idet), telecined film is inverse-telecined, HDR10 is tone-mapped
 * on SDR rungs and carried with its metadata on HDR10 rungs, rotated VFR phone clips give upright
 * CFR rungs; encoder selection and tool failures.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hevcHdr10, interlacedSource, rotatedVfrPhoneClip, telecinedSource } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFramewiseError } from '../src/errors/index.js';
import {
  analyseScan,
  classifyIdet,
  ffmpegCapabilities,
  type LadderTemplateInput,
  planLadder,
  probe,
  runLadder,
} from '../src/transcode/index.js';

let dir = '';
const src: Record<string, string> = {};
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'framewise-conditioning-'));
  [src.interlaced, src.telecined, src.hdr, src.phone] = await Promise.all([
    interlacedSource(join(dir, 'i.ts'), { width: 352, height: 288, fieldOrder: 'tff', seconds: 1 }),
    telecinedSource(join(dir, 'tc.ts'), 2, 352, 240),
    hevcHdr10(join(dir, 'hdr.mp4')),
    rotatedVfrPhoneClip(join(dir, 'phone.mp4'), 320, 180, 2),
  ]);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** idet's multi-frame verdict over a file. */
function idet(file: string): { tff: number; bff: number; progressive: number; repeated: number } {
  const result = execFileSync(
    'sh',
    ['-c', 'ffmpeg -hide_banner -nostats -i "$1" -vf idet -an -f null - 2>&1 | grep Parsed_idet', 'sh', file],
    { encoding: 'utf8' },
  );
  const a = classifyIdet(result.split('\n'));
  return { tff: a?.tff ?? -1, bff: a?.bff ?? -1, progressive: a?.progressive ?? -1, repeated: a?.repeatedFields ?? -1 };
}

const one = (height: number, extra: Partial<LadderTemplateInput> = {}, codec: 'h264' | 'hevc' = 'h264') =>
  ({
    name: 't',
    video: [{ name: `r${height}`, codec, height, bitRate: 1_000_000 }],
    audio: [],
    segmentSeconds: 1,
    ...extra,
  }) as LadderTemplateInput;

describe('interlace', () => {
  it('deinterlaces a 25i source with bwdif: idet finds progressive frames, not combing', async () => {
    const before = idet(src.interlaced as string);
    expect(before.tff).toBeGreaterThan(before.progressive); // the source really is combed
    const probed = await probe(src.interlaced as string);
    expect(probed.technical.video[0]?.scan).toEqual({ type: 'interlaced', fieldOrder: 'tff' });
    const plan = planLadder(probed.technical, one(288));
    expect(plan.conditioning.deinterlace).toEqual({ fieldOrder: 'tff', fieldRate: false });
    expect(plan.decisions.join('\n')).toMatch(/bwdif/);
    const { outputs } = await runLadder(src.interlaced as string, plan, join(dir, 'i-out'), {
      preset: 'ultrafast',
      probed,
    });
    const after = idet(outputs[0]?.path as string);
    expect(after.progressive).toBeGreaterThan(after.tff + after.bff);
    expect(outputs[0]?.technical.video[0]?.frameRate).toMatchObject({ num: 25, den: 1 });
  }, 120_000);

  it('outputs one frame per field (50p from 50i) when the template asks', async () => {
    const probed = await probe(src.interlaced as string);
    const plan = planLadder(probed.technical, one(288, { deinterlace: 'field' }));
    expect(plan.frameRate).toMatchObject({ num: 50, den: 1 });
    expect(plan.video[0]?.gopFrames).toBe(50);
    const { outputs } = await runLadder(src.interlaced as string, plan, join(dir, 'i-field'), {
      preset: 'ultrafast',
      probed,
    });
    expect(outputs[0]?.technical.video[0]?.frameRate).toMatchObject({ num: 50, den: 1 });
    expect(outputs[0]?.technical.durationFrames).toBeGreaterThanOrEqual(48);
  }, 120_000);

  it('finds 3:2 pulldown and inverse-telecines to 23.976 progressive', async () => {
    const scan = await analyseScan(src.telecined as string);
    expect(scan.scan).toBe('telecined');
    const probed = await probe(src.telecined as string);
    const plan = planLadder(probed.technical, one(240), { scan });
    expect(plan.conditioning.inverseTelecine).toEqual({ fieldOrder: 'tff' });
    expect(plan.frameRate).toMatchObject({ num: 24000, den: 1001 });
    const { outputs } = await runLadder(src.telecined as string, plan, join(dir, 'tc-out'), {
      preset: 'ultrafast',
      probed,
    });
    expect(outputs[0]?.technical.video[0]?.frameRate).toMatchObject({ num: 24000, den: 1001 });
    expect(outputs[0]?.technical.durationFrames).toBe(48);
    expect(idet(outputs[0]?.path as string).repeated).toBeLessThanOrEqual(2);
    expect(idet(src.telecined as string).repeated).toBeGreaterThanOrEqual(20);
    // The film frames come back: compared with the original 23.976 frames, not a blend of fields.
    const psnr = execFileSync(
      'sh',
      [
        '-c',
        'ffmpeg -hide_banner -nostats -i "$1" -f lavfi -i testsrc2=size=352x240:rate=24000/1001:duration=2 -lavfi "[0:v]setpts=PTS-STARTPTS[a];[1:v]setpts=PTS-STARTPTS[b];[a][b]psnr" -f null - 2>&1 | grep -o "average:[0-9.inf]*"',
        'sh',
        outputs[0]?.path as string,
      ],
      { encoding: 'utf8' },
    );
    expect(Number.parseFloat(psnr.replace('average:', ''))).toBeGreaterThan(30);
    // A progressive source is left alone.
    expect((await analyseScan(src.hdr as string)).scan).toBe('progressive');
  }, 120_000);
});

describe('HDR', () => {
  it('tone-maps HDR10 onto an SDR H.264 rung and tags it BT.709, never BT.2020/PQ', async () => {
    const probed = await probe(src.hdr as string);
    const plan = planLadder(probed.technical, one(360), { capabilities: await ffmpegCapabilities() });
    expect(plan.video[0]).toMatchObject({ toneMap: true, dynamicRange: 'sdr', pixelFormat: 'yuv420p' });
    const { outputs } = await runLadder(src.hdr as string, plan, join(dir, 'hdr-sdr'), { preset: 'ultrafast', probed });
    expect(outputs[0]?.technical.video[0]).toMatchObject({
      bitDepth: 8,
      colourPrimaries: 'bt709',
      transfer: 'bt709',
      matrix: 'bt709',
      hdrFormat: 'sdr',
    });
    // Without zscale/tonemap: a typed refusal, not a mislabelled file.
    const caps = await ffmpegCapabilities();
    const poor = { ...caps, filters: new Set([...caps.filters].filter((f) => f !== 'zscale')) };
    let error: unknown;
    try {
      planLadder(probed.technical, one(360), { capabilities: poor });
    } catch (e) {
      error = e;
    }
    expect(isFramewiseError(error, 'UNSUPPORTED')).toBe(true);
    expect((error as Error).message).toMatch(/zscale/);
  }, 120_000);

  it('carries colour tags, mastering display and MaxCLL onto an HDR10 HEVC rung', async () => {
    const probed = await probe(src.hdr as string);
    const template = one(360, {}, 'hevc');
    (template.video[0] as { dynamicRange?: string }).dynamicRange = 'hdr10';
    const plan = planLadder(probed.technical, template);
    expect(plan.video[0]).toMatchObject({ dynamicRange: 'hdr10', toneMap: false, pixelFormat: 'yuv420p10le' });
    const { outputs } = await runLadder(src.hdr as string, plan, join(dir, 'hdr-hdr'), { preset: 'ultrafast', probed });
    const v = outputs[0]?.technical.video[0];
    expect(v).toMatchObject({ bitDepth: 10, colourPrimaries: 'bt2020', transfer: 'smpte2084', hdrFormat: 'hdr10' });
    expect(v?.masteringDisplay).toEqual(probed.technical.video[0]?.masteringDisplay);
    expect(v?.contentLightLevel).toEqual({ maxCll: 1000, maxFall: 400 });
    // HDR10 in H.264 is refused; an HDR10 rung from an SDR source is skipped.
    const h264 = one(360);
    (h264.video[0] as { dynamicRange?: string }).dynamicRange = 'hdr10';
    expect(() => planLadder(probed.technical, h264)).toThrow(/HDR rungs are HEVC or AV1/);
    const sdr = { ...probed.technical, video: [{ ...probed.technical.video[0], transfer: 'bt709' as const }] };
    expect(() => planLadder(sdr as never, template)).toThrow(/No rung/);
  }, 120_000);
});

describe('rotation and VFR', () => {
  it('rotates before scaling, checks sizes up front and encodes CFR at a declared rate', async () => {
    const probed = await probe(src.phone as string);
    expect(probed.technical.video[0]).toMatchObject({ width: 320, height: 180, variableFrameRate: true });
    const plan = planLadder(probed.technical, one(320, { frameRate: '30' }));
    expect(plan.source).toMatchObject({ width: 180, height: 320 });
    expect(plan.video[0]).toMatchObject({ width: 180, height: 320 });
    expect(plan.conditioning.constantFrameRate).toEqual({ num: 30, den: 1, dropFrame: false });
    expect(plan.decisions.join('\n')).toMatch(/variable frame rate: constant 30/);
    const { outputs } = await runLadder(src.phone as string, plan, join(dir, 'phone'), { preset: 'ultrafast', probed });
    const v = outputs[0]?.technical.video[0];
    expect(v).toMatchObject({ width: 180, height: 320, variableFrameRate: false, frameRate: { num: 30, den: 1 } });
    expect(v?.rotation).toBeUndefined();
    // Keyframes on the 1 s grid.
    const keys = execFileSync(
      'ffprobe',
      [
        '-v',
        'error',
        '-skip_frame',
        'nokey',
        '-show_entries',
        'frame=pts_time',
        '-of',
        'csv=p=0',
        outputs[0]?.path as string,
      ],
      { encoding: 'utf8' },
    )
      .trim()
      .split('\n')
      .filter((t) => /^\d/.test(t.trim()))
      .map((t) => Number.parseFloat(t).toFixed(2));
    expect(keys).toEqual(['0.00', '1.00']);
    // A plan for the unrotated picture is refused before anything is encoded.
    const wrong = { ...plan, source: { width: 320, height: 180, rotation: 0 } };
    await expect(runLadder(src.phone as string, wrong, join(dir, 'wrong'), { probed })).rejects.toThrow(
      /planned for a 320×180 picture; this source shows 180×320/,
    );
    expect(existsSync(join(dir, 'wrong')) ? readdirSync(join(dir, 'wrong')) : []).toEqual([]);
  }, 120_000);
});

describe('encoders and tool failures', () => {
  it('probes encoders and filters, tests hardware ones, and plans the first usable preference', async () => {
    const caps = await ffmpegCapabilities();
    expect(caps.encoders.has('libx264')).toBe(true);
    expect(caps.encoders.has('libaom-av1')).toBe(true);
    expect(caps.filters.has('bwdif')).toBe(true);
    // Listed, but no GPU here: the one-frame test fails and the encoder is not offered.
    expect(caps.hardware.h264_nvenc).toBe(false);
    expect(caps.encoders.has('h264_nvenc')).toBe(false);
    const technical = (await probe(src.hdr as string)).technical;
    const template = one(360);
    (template.video[0] as { encoders?: string[] }).encoders = ['h264_nvenc', 'libx264'];
    const plan = planLadder(technical, template, { capabilities: caps });
    expect(plan.video[0]?.encoder).toBe('libx264');
    expect(plan.decisions).toContain('rung r360: libx264 (preferred h264_nvenc unavailable)');
    (template.video[0] as { encoders?: string[] }).encoders = ['h264_nvenc'];
    expect(() => planLadder(technical, template, { capabilities: caps })).toThrow(/none of the encoders h264_nvenc/);
    const av1 = planLadder(technical, one(360, {}, 'av1' as never), {
      capabilities: { ...caps, encoders: new Set([...caps.encoders].filter((e) => e !== 'libsvtav1')) },
    });
    expect(av1.video[0]?.encoder).toBe('libaom-av1');
  }, 60_000);

  it('reports ffmpeg killed by a signal as TRANSIENT, never as a bad input', async () => {
    const probed = await probe(src.hdr as string);
    const killer = join(dir, 'ffmpeg-killed');
    writeFileSync(killer, '#!/bin/sh\nkill -9 $$\n');
    chmodSync(killer, 0o755);
    const plan = planLadder(probed.technical, one(360));
    const error = await runLadder(src.hdr as string, plan, join(dir, 'killed'), { ffmpegPath: killer, probed }).catch(
      (e: unknown) => e,
    );
    expect(isFramewiseError(error, 'TRANSIENT')).toBe(true);
    expect((error as Error).message).toMatch(/killed by signal SIGKILL/);
  }, 60_000);

  it('reports a missing filter as UNSUPPORTED', async () => {
    const probed = await probe(src.hdr as string);
    const plan = planLadder(probed.technical, one(360));
    // A plan naming a filter this ffmpeg lacks (as from a newer build's template).
    const tampered = { ...plan, conditioning: { constantFrameRate: { num: 25, den: 1, dropFrame: false } } };
    const fake = join(dir, 'ffmpeg-nofilter');
    writeFileSync(fake, '#!/bin/sh\necho "[AVFilterGraph @ 0x1] No such filter: \'fps\'" >&2\nexit 1\n');
    chmodSync(fake, 0o755);
    const error = await runLadder(src.hdr as string, tampered, join(dir, 'nofilter'), {
      ffmpegPath: fake,
      probed,
    }).catch((e: unknown) => e);
    expect(isFramewiseError(error, 'UNSUPPORTED')).toBe(true);
  }, 60_000);

  it('refuses output names that leave the output directory', async () => {
    const probed = await probe(src.hdr as string);
    expect(() =>
      planLadder(probed.technical, {
        ...one(360),
        video: [{ name: '../evil', codec: 'h264', height: 360, bitRate: 1e6 }],
      }),
    ).toThrow(/video\[0\]\.name/);
    const plan = planLadder(probed.technical, one(360));
    const tampered = { ...plan, video: plan.video.map((r) => ({ ...r, name: '../evil' })) };
    await expect(runLadder(src.hdr as string, tampered, join(dir, 'evil'), { probed })).rejects.toThrow(
      /"..\/evil" is not a plain file name/,
    );
  }, 60_000);
});
