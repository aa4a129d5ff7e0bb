/** Ladder planning rules, and a real decode-once ladder run with ffmpeg. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ffmpegGenerate } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TechnicalMetadata } from '../src/assets/index.js';
import { createCatalog, createMemoryCatalogStore } from '../src/catalog/index.js';
import { createMemoryStorage, createObjectStorage } from '../src/storage/index.js';
import {
  APPLE_HLS_H264,
  APPLE_HLS_HEVC,
  packageLadder,
  planLadder,
  registerLadderOutputs,
  runLadder,
} from '../src/transcode/index.js';

const source = (
  width: number,
  height: number,
  rate = { num: 25, den: 1, dropFrame: false },
  extra: Partial<TechnicalMetadata['video'][number]> = {},
): TechnicalMetadata => ({
  container: 'mxf',
  video: [{ codec: 'prores', width, height, frameRate: rate, ...extra }],
  audio: [{ index: 0, codec: 'pcm_s24le', channels: 2, sampleRate: 48_000, role: 'main' }],
});

describe('planLadder', () => {
  it('plans the Apple H.264 ladder for a 1080p25 source: even sizes, 2 s closed GOPs, VBV', () => {
    const plan = planLadder(source(1920, 1080), APPLE_HLS_H264);
    expect(plan.video.map((r) => `${r.width}x${r.height}@${r.bitRate / 1000}k`)).toEqual([
      '1920x1080@7800k',
      '1920x1080@6000k',
      '1280x720@4500k',
      '1280x720@3000k',
      '960x540@2000k',
      '768x432@1100k',
      '640x360@730k',
      '416x234@145k',
    ]);
    expect(plan.video[0]).toMatchObject({
      rung: 0,
      gopFrames: 50,
      maxRate: 8_580_000,
      bufferSize: 15_600_000,
      pixelFormat: 'yuv420p',
    });
    expect(plan.segmentSeconds).toBe(2);
    expect(plan.audio).toEqual([
      {
        name: 'aac-stereo-128k',
        codec: 'aac',
        bitRate: 128_000,
        channels: 2,
        sampleRate: 48_000,
        sourceTrack: 0,
        sourceTracks: [0],
      },
    ]);
  });

  it('never upscales, and says which rungs it skipped', () => {
    const plan = planLadder(source(1280, 720), APPLE_HLS_H264);
    expect(plan.video[0]?.height).toBe(720);
    expect(plan.skipped.map((s) => s.reason)).toEqual([
      '1080p would upscale the 720p source',
      '1080p would upscale the 720p source',
    ]);
  });

  it('keeps the display aspect ratio of anamorphic sources, with even dimensions', () => {
    const plan = planLadder(
      source(
        720,
        576,
        { num: 25, den: 1, dropFrame: false },
        { sampleAspectRatio: '16:15', displayAspectRatio: '4:3' },
      ),
      APPLE_HLS_H264,
    );
    expect(plan.video.map((r) => `${r.width}x${r.height}`)).toEqual(['720x540', '576x432', '480x360', '312x234']);
  });

  it('aligns GOPs to the segment at NTSC rates and encodes 10-bit HEVC from 10-bit sources', () => {
    const plan = planLadder(
      source(3840, 2160, { num: 30000, den: 1001, dropFrame: true }, { bitDepth: 10 }),
      APPLE_HLS_HEVC,
      { maxRungs: 3 },
    );
    expect(plan.video.map((r) => [r.height, r.gopFrames, r.pixelFormat])).toEqual([
      [2160, 60, 'yuv420p10le'],
      [1440, 60, 'yuv420p10le'],
      [1080, 60, 'yuv420p10le'],
    ]);
    expect(plan.segmentSeconds).toBeCloseTo(2.002, 6);
  });

  it('refuses bad templates and sources naming the problem', () => {
    expect(() =>
      planLadder(source(1920, 1080), {
        name: 'x',
        video: [{ name: 'r', codec: 'vp9' as never, height: 720, bitRate: 1e6 }],
      }),
    ).toThrow(/video\[0\]\.codec/);
    expect(() => planLadder({ container: 'wav', video: [], audio: [] }, APPLE_HLS_H264)).toThrow(/no video stream/);
    expect(() => planLadder(source(160, 120), APPLE_HLS_H264)).toThrow(
      /No rung of ladder "apple-hls-h264" fits a 160×120 source/,
    );
  });
});

describe('runLadder (real ffmpeg, decode once)', () => {
  let dir = '';
  let input = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'framewise-ladder-'));
    input = await ffmpegGenerate(
      join(dir, 'source.mov'),
      ['testsrc2=size=1920x1080:rate=25:duration=5', 'sine=frequency=1000:sample_rate=48000:duration=5'],
      ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'pcm_s16le'],
    );
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('encodes every rung from one decode, aligned keyframes, checksummed, then stored and registered once', async () => {
    const plan = planLadder(
      (await import('../src/transcode/index.js')).technicalMetadataFromProbe(
        JSON.parse(
          execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', input], {
            encoding: 'utf8',
          }),
        ),
      ),
      APPLE_HLS_H264,
      { maxRungs: 4 },
    );
    const catalog = createCatalog({ store: createMemoryCatalogStore() });
    const ana = { id: 'ana', memberships: [{ project: 'p', role: 'editor' as const }] };
    const asset = await catalog.createAsset(ana, {
      project: 'p',
      kind: 'clip',
      titles: [{ language: 'en', value: 'Ladder' }],
    });
    const version = await catalog.addVersion(ana, asset.id, {
      name: 'mezz',
      kind: 'mezzanine',
      rate: { num: 25, den: 1, dropFrame: false },
      durationFrames: 125,
    });
    const progress: number[] = [];
    const out = join(dir, 'ladder');
    const result = await runLadder(input, plan, out, {
      preset: 'ultrafast',
      onProgress: (p) => progress.push(p.percent ?? -1),
    });
    // runLadder only produces: nothing is registered until the caller registers the outputs.
    expect(await catalog.listRenditions(ana, version.id)).toEqual([]);
    // One ffmpeg process: one input, four video outputs and one audio output.
    expect(result.argv.filter((a) => a === '-i')).toHaveLength(1);
    expect(result.outputs.map((o) => [o.name, o.width, o.height])).toEqual([
      ['h264-1080p-7800k', 1920, 1080],
      ['h264-1080p-6000k', 1920, 1080],
      ['h264-720p-4500k', 1280, 720],
      ['h264-720p-3000k', 1280, 720],
      ['aac-stereo-128k', undefined, undefined],
    ]);
    expect(progress.at(-1)).toBe(100);
    expect(readdirSync(out).filter((f) => f.includes('partial'))).toEqual([]);
    for (const o of result.outputs) {
      expect(o.sha256).toBe(createHash('sha256').update(readFileSync(o.path)).digest('hex'));
      if (o.kind !== 'video') continue;
      const keys = execFileSync(
        'ffprobe',
        [
          '-v',
          'error',
          '-select_streams',
          'v:0',
          '-skip_frame',
          'nokey',
          '-show_entries',
          'frame=pts_time',
          '-of',
          'csv=p=0',
          o.path,
        ],
        { encoding: 'utf8' },
      )
        .trim()
        .split('\n')
        .filter((t) => /^\d/.test(t.trim()))
        .map((t) => Number.parseFloat(t).toFixed(2));
      expect(keys).toEqual(['0.00', '2.00', '4.00']);
    }
    const hls = await packageLadder(result.outputs, 'hls', join(dir, 'hls'));
    const master = readFileSync(join(hls.directory, hls.manifest), 'utf8');
    const variants = master.match(/#EXT-X-STREAM-INF:[^\n]*/g) ?? [];
    expect(variants.map((l) => /RESOLUTION=(\d+x\d+)/.exec(l)?.[1] ?? 'audio-only')).toEqual([
      '1920x1080',
      '1920x1080',
      '1280x720',
      '1280x720',
      'audio-only',
    ]);
    expect(variants.every((l) => /BANDWIDTH=\d+/.test(l) && /AUDIO="group_audio"/.test(l))).toBe(true);
    // CODECS on every variant, from the init segments: H.264 profile (with its constraint flags)
    // and level as ffprobe reads each rung, with AAC-LC; the audio-only variant keeps ffmpeg's own.
    const profileIdc: Record<string, string> = { 'Constrained Baseline': '42c0', High: '6400' };
    const expected = result.outputs
      .filter((o) => o.kind === 'video')
      .map((o) => {
        const [profile, level] = execFileSync(
          'ffprobe',
          ['-v', 'error', '-show_entries', 'stream=profile,level', '-of', 'csv=p=0', o.path],
          { encoding: 'utf8' },
        )
          .trim()
          .split(',');
        return `avc1.${profileIdc[profile ?? '']}${Number(level).toString(16).padStart(2, '0')},mp4a.40.2`;
      });
    expect(variants.map((l) => /CODECS="([^"]+)"/.exec(l)?.[1])).toEqual([...expected, 'mp4a.40.2']);
    expect(master).toMatch(/#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="group_audio"/);
    expect(hls.files.filter((f) => f.endsWith('.m4s')).length).toBeGreaterThanOrEqual(5 * 3);
    expect(readFileSync(join(hls.directory, 'stream_0.m3u8'), 'utf8')).toMatch(/#EXT-X-MAP:URI="init_0.mp4"/);
    const dash = await packageLadder(result.outputs, 'dash', join(dir, 'dash'));
    const mpd = readFileSync(join(dash.directory, dash.manifest), 'utf8');
    expect(mpd.match(/<Representation /g)).toHaveLength(5);
    expect(mpd).toMatch(/contentType="audio"/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
    const storage = createObjectStorage(createMemoryStorage());
    const register = {
      catalog,
      actor: ana,
      versionId: version.id,
      storage,
      storageId: 'renditions',
      keyPrefix: `ladders/${version.id}/`,
    };
    await registerLadderOutputs(result, register);
    // Registering the same outputs again changes nothing.
    const again = await registerLadderOutputs(result, register);
    expect(again.outputs.every((o) => !o.written)).toBe(true);
    const registered = await catalog.listRenditions(ana, version.id);
    expect(
      registered.map((r) => [
        r.profile,
        r.rung,
        r.locations[0]?.checksums.sha256 === result.outputs.find((o) => o.name === r.profile)?.sha256,
      ]),
    ).toEqual([
      ['aac-stereo-128k', undefined, true],
      ['h264-1080p-6000k', 1, true],
      ['h264-1080p-7800k', 0, true],
      ['h264-720p-3000k', 3, true],
      ['h264-720p-4500k', 2, true],
    ]);
    // Every registered rendition is in the storage it names, with the bytes its checksum says.
    for (const r of registered) {
      const location = r.locations[0];
      expect(location?.storage).toBe('renditions');
      const bytes = await storage.read(location?.key ?? '', 1e9);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(location?.checksums.sha256);
      expect(bytes.byteLength).toBe(location?.sizeBytes);
    }
    expect(registered.map((r) => r.locations[0]?.key).sort()).toEqual([
      `ladders/${version.id}/aac-stereo-128k.m4a`,
      `ladders/${version.id}/h264-1080p-6000k.mp4`,
      `ladders/${version.id}/h264-1080p-7800k.mp4`,
      `ladders/${version.id}/h264-720p-3000k.mp4`,
      `ladders/${version.id}/h264-720p-4500k.mp4`,
    ]);
    const audit = await catalog.readAudit({ id: 'auditor', global: 'auditor' });
    expect(audit.filter((e) => e.action === 'rendition.register')).toHaveLength(5);
  }, 180_000);
});
