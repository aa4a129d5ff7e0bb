/** The ffmpeg layer against the real ffmpeg and ffprobe, on media generated with lavfi. */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { h264WithTwoAudioTracks, hevcHdr10, mxfOp1a, proresDropFrame } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFramewiseError } from '../src/errors/index.js';
import { safeMediaPath } from '../src/transcode/ffmpeg/media-path.js';
import { probe } from '../src/transcode/ffmpeg/probe.js';
import { ProgressParser } from '../src/transcode/ffmpeg/progress.js';
import { ffmpegVersion, runFfmpeg } from '../src/transcode/ffmpeg/runner.js';

let dir = '';
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'framewise-ffmpeg-'));
  await Promise.all([
    h264WithTwoAudioTracks(join(dir, 'two-audio.mp4')),
    proresDropFrame(join(dir, 'df.mov')),
    hevcHdr10(join(dir, 'hdr10.mp4')),
    mxfOp1a(join(dir, 'op1a.mxf')),
  ]);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function expectCode(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect(isFramewiseError(error, code as never)).toBe(true);
    if (message) expect((error as Error).message).toMatch(message);
    return;
  }
  expect.unreachable(`expected ${code}`);
}

describe('safeMediaPath', () => {
  it('keeps paths from being read as options or protocols', () => {
    expect(safeMediaPath('-i')).toBe('./-i');
    expect(safeMediaPath('/media/-x.mov')).toBe('/media/-x.mov');
    expect(safeMediaPath('clips/a.mxf')).toBe('clips/a.mxf');
    for (const hostile of [
      'concat:/etc/passwd|a.mp4',
      'pipe:1',
      'subfile:,,start,0,end,0,,:/etc/passwd',
      'http://example.com/x.mp4',
      'file:a.mp4',
    ]) {
      expect(() => safeMediaPath(hostile)).toThrow(/protocol, which is not allowed/);
    }
    expect(safeMediaPath('https://cdn.example.com/a.m3u8', { allowProtocols: ['https'] })).toBe(
      'https://cdn.example.com/a.m3u8',
    );
    expect(() => safeMediaPath('a\u0000b.mp4')).toThrow(/control characters/);
    expect(() => safeMediaPath('')).toThrow(/empty/);
  });
});

describe('ProgressParser', () => {
  it('parses -progress blocks across chunk boundaries; out_time_ms is microseconds', () => {
    const parser = new ProgressParser(10_000_000);
    const recorded =
      'frame=125\nfps=61.3\nbitrate=2418.1kbits/s\ntotal_size=1511424\nout_time_us=5000000\nout_time_ms=5000000\nout_time=00:00:05.000000\ndup_frames=0\ndrop_frames=0\nspeed=2.45x\nprogress=continue\nframe=250\nfps=62.0\ntotal_size=3011424\nout_time_ms=10000000\nspeed=2.48x\nprogress=end\n';
    const first = parser.push(recorded.slice(0, 70));
    expect(first).toEqual([]);
    const rest = parser.push(recorded.slice(70));
    expect(rest).toEqual([
      { frame: 125, fps: 61.3, speed: 2.45, outTimeUs: 5_000_000, percent: 50, totalSizeBytes: 1_511_424, done: false },
      { frame: 250, fps: 62, speed: 2.48, outTimeUs: 10_000_000, percent: 100, totalSizeBytes: 3_011_424, done: true },
    ]);
  });
});

describe('runFfmpeg', () => {
  it('checks the version', async () => {
    const v = await ffmpegVersion();
    expect(v.major * 100 + v.minor).toBeGreaterThanOrEqual(501);
    await expectCode(ffmpegVersion('/nonexistent/ffmpeg'), 'INVALID_CONFIG', /not found: install ffmpeg/);
  });

  it('reports progress and finishes', async () => {
    const out = join(dir, 'progress.mp4');
    const reports: number[] = [];
    await runFfmpeg(
      ['-y', '-i', join(dir, 'two-audio.mp4'), '-map', '0:v', '-c:v', 'libx264', '-preset', 'ultrafast', out],
      {
        durationUs: 2_000_000,
        onProgress: (p) => reports.push(p.percent ?? -1),
        outputs: [out],
      },
    );
    expect(existsSync(out)).toBe(true);
    expect(reports.at(-1)).toBe(100);
  });

  it('fails with ffmpeg last error line and removes partial outputs', async () => {
    const out = join(dir, 'never.mp4');
    writeFileSync(out, 'partial');
    await expectCode(
      runFfmpeg(['-y', '-i', join(dir, 'missing.mov'), out], { outputs: [out], label: 'transcode of missing.mov' }),
      'INVALID_INPUT',
      /transcode of missing.mov: ffmpeg failed \(exit 1\): .*No such file or directory/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('kills ffmpeg on abort and removes what it wrote', async () => {
    const out = join(dir, 'aborted.mp4');
    const controller = new AbortController();
    const run = runFfmpeg(
      [
        '-y',
        '-f',
        'lavfi',
        '-i',
        'testsrc2=size=1920x1080:rate=25:duration=600',
        '-c:v',
        'libx264',
        '-preset',
        'veryslow',
        out,
      ],
      {
        signal: controller.signal,
        outputs: [out],
        onProgress: () => controller.abort(),
      },
    );
    await expectCode(run, 'CANCELLED', /partial outputs removed/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('probe', () => {
  it('maps a 1080p25 H.264 MP4 with two audio languages', async () => {
    const { technical, durationUs } = await probe(join(dir, 'two-audio.mp4'));
    expect(durationUs).toBeGreaterThan(1_900_000);
    expect(technical).toMatchObject({ container: 'mp4', durationFrames: 50, startTimecode: '10:00:00:00' });
    expect(technical.video[0]).toMatchObject({
      codec: 'h264',
      level: '4.0',
      width: 1920,
      height: 1080,
      frameRate: { num: 25, den: 1, dropFrame: false },
      scan: { type: 'progressive' },
      bitDepth: 8,
      chromaSubsampling: '4:2:0',
      colourPrimaries: 'bt709',
      transfer: 'bt709',
      matrix: 'bt709',
      colourRange: 'limited',
      hdrFormat: 'sdr',
    });
    expect(technical.audio.map((a) => [a.codec, a.channels, a.layout, a.language, a.role])).toEqual([
      ['aac', 2, 'stereo', 'en', 'main'],
      ['aac', 6, '5.1', 'fr', 'main'],
    ]);
  });

  it('reads 29.97 drop-frame timecode, interlace and 10-bit 4:2:2 from ProRes', async () => {
    const { technical } = await probe(join(dir, 'df.mov'));
    expect(technical).toMatchObject({ container: 'mov', startTimecode: '01:00:00;00', durationFrames: 30 });
    expect(technical.video[0]).toMatchObject({
      codec: 'prores',
      profile: 'HQ',
      frameRate: { num: 30000, den: 1001, dropFrame: true },
      scan: { type: 'interlaced', fieldOrder: 'tff' },
      bitDepth: 10,
      chromaSubsampling: '4:2:2',
    });
  });

  it('recognises HDR10 and the MXF operational pattern', async () => {
    const hdr = await probe(join(dir, 'hdr10.mp4'), { mediainfo: true });
    expect(hdr.technical.video[0]).toMatchObject({
      codec: 'hevc',
      profile: 'Main 10',
      bitDepth: 10,
      colourPrimaries: 'bt2020',
      transfer: 'smpte2084',
      matrix: 'bt2020nc',
      hdrFormat: 'hdr10',
    });
    const mxf = await probe(join(dir, 'op1a.mxf'));
    expect(mxf.technical).toMatchObject({
      container: 'mxf',
      operationalPattern: 'OP1a',
      startTimecode: '10:00:00:00',
      durationFrames: 25,
    });
    expect(mxf.technical.video[0]).toMatchObject({
      codec: 'mpeg2video',
      profile: '4:2:2',
      level: 'High',
      chromaSubsampling: '4:2:2',
    });
    expect(mxf.technical.audio[0]).toMatchObject({ codec: 'pcm_s24le', channels: 2, bitDepth: 24 });
  });

  it('refuses what is not media, and hostile paths', async () => {
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'not a video');
    await expectCode(probe(text), 'INVALID_INPUT', /notes.txt" is not readable media/);
    await expectCode(probe('concat:a.mp4|b.mp4'), 'INVALID_INPUT', /"concat:" protocol/);
    await expectCode(
      probe(join(dir, 'two-audio.mp4'), { ffprobePath: '/nonexistent/ffprobe' }),
      'INVALID_CONFIG',
      /not found/,
    );
  });
});
