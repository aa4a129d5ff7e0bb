/**
 * HLS and DASH manifests of a packaged ladder, read with real parsers (hls-parser, mpd-parser):
 * Apple authoring attributes, CODECS from the bitstream, exact DASH durations at 29.97,
 * bitstreamSwitching, HDR signalling; `%` in the package directory; missing segments caught.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ffmpegGenerate } from '@framewise/test-support';
import HLS from 'hls-parser';
import { parse as parseMpd } from 'mpd-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFramewiseError } from '../src/errors/index.js';
import {
  codecString,
  type LadderResult,
  mediaPlaylistStats,
  packageLadder,
  planLadder,
  probe,
  runLadder,
} from '../src/transcode/index.js';

let dir = '';
let ladder: LadderResult;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'framewise-manifests-'));
  // 6.006 s of 29.97 HDR10 HEVC with English stereo: three 2.002 s segments.
  const source = await ffmpegGenerate(
    join(dir, 'hdr.mov'),
    ['testsrc2=size=320x180:rate=30000/1001:duration=6.006', 'sine=frequency=1000:sample_rate=48000:duration=6.006'],
    [
      '-c:v',
      'libx265',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p10le',
      '-x265-params',
      'log-level=error:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1):max-cll=1000,400',
      '-color_primaries',
      'bt2020',
      '-color_trc',
      'smpte2084',
      '-colorspace',
      'bt2020nc',
      '-frames:v',
      '180',
      '-c:a',
      'pcm_s16le',
      '-ac',
      '2',
      '-metadata:s:a:0',
      'language=eng',
    ],
  );
  const probed = await probe(source);
  const plan = planLadder(probed.technical, {
    name: 'mixed',
    video: [
      { name: 'hevc-180p-pq', codec: 'hevc', height: 180, bitRate: 400_000, dynamicRange: 'hdr10' },
      { name: 'hevc-90p-pq', codec: 'hevc', height: 90, bitRate: 150_000, dynamicRange: 'hdr10' },
      { name: 'h264-180p-sdr', codec: 'h264', height: 180, bitRate: 300_000 },
    ],
    audio: [{ name: 'aac-stereo', codec: 'aac', bitRate: 96_000, channels: 2 }],
  });
  expect(plan.segmentSeconds).toBeCloseTo(2.002, 6);
  ladder = await runLadder(source, plan, join(dir, 'ladder'), { preset: 'ultrafast', probed });
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('HLS master (hls-parser)', () => {
  it('has every attribute Apple asks for, CODECS from the bitstream, and works from a directory with % (take%03d)', async () => {
    const hls = await packageLadder(ladder.outputs, 'hls', join(dir, 'take%03d 100%'), { segmentSeconds: 2.002 });
    const text = readFileSync(join(hls.directory, hls.manifest), 'utf8');
    const master = HLS.parse(text) as HLS.types.MasterPlaylist;
    expect(master.isMasterPlaylist).toBe(true);
    expect(master.independentSegments).toBe(true);
    const video = master.variants.filter((v) => v.resolution !== undefined);
    expect(video.map((v) => [v.resolution?.width, v.resolution?.height, v.frameRate, v.videoRange])).toEqual([
      [320, 180, 29.97, 'PQ'],
      [160, 90, 29.97, 'PQ'],
      [320, 180, 29.97, 'SDR'],
    ]);
    for (const [i, v] of video.entries()) {
      expect(v.averageBandwidth).toBeGreaterThan(0);
      expect(v.bandwidth).toBeGreaterThanOrEqual(v.averageBandwidth as number);
      // CODECS: the init segment's own bytes, as the player will see them.
      const media = readFileSync(join(hls.directory, v.uri), 'utf8');
      const init = /#EXT-X-MAP:URI="([^"]+)"/.exec(media)?.[1] as string;
      const fromInit = codecString(readFileSync(join(hls.directory, init)));
      expect(v.codecs).toBe(`${fromInit},mp4a.40.2`);
      expect(fromInit).toMatch(i < 2 ? /^hvc1\.2\.4\.L\d+\.90$/ : /^avc1\.[0-9a-f]{6}$/);
      // Every segment the playlist names exists in the directory with % in its name.
      const playlist = HLS.parse(media) as HLS.types.MediaPlaylist;
      expect(playlist.segments.length).toBe(3);
      for (const s of playlist.segments) expect(readFileSync(join(hls.directory, s.uri)).byteLength).toBeGreaterThan(0);
    }
    const audio = video[0]?.audio ?? [];
    expect(audio.map((a) => [a.name, a.language, a.channels, a.isDefault, a.autoselect])).toEqual([
      ['aac-stereo', 'en', '2', true, true],
    ]);
    expect(text).not.toContain('B01');
  }, 120_000);

  it('refuses to report success when a referenced segment is missing', async () => {
    const hls = await packageLadder(ladder.outputs, 'hls', join(dir, 'hls-check'), { segmentSeconds: 2.002 });
    const broken = join(dir, 'hls-broken');
    cpSync(hls.directory, broken, { recursive: true });
    const media = HLS.parse(readFileSync(join(broken, 'stream_1.m3u8'), 'utf8')) as HLS.types.MediaPlaylist;
    unlinkSync(join(broken, media.segments[1]?.uri as string));
    const error = await mediaPlaylistStats(broken, 'stream_1.m3u8').catch((e: unknown) => e);
    expect(isFramewiseError(error, 'INTEGRITY')).toBe(true);
    expect((error as Error).message).toMatch(/references "segment_1_00001\.m4s", which was not written/);
  }, 120_000);
});

describe('DASH MPD (mpd-parser)', () => {
  it('states exact durations, honest bitstreamSwitching, bitstream codecs and colour signalling', async () => {
    const dash = await packageLadder(ladder.outputs, 'dash', join(dir, 'dash'), { segmentSeconds: 2.002 });
    const text = readFileSync(join(dash.directory, dash.manifest), 'utf8');
    const parsed = parseMpd(text, { manifestUri: `file://${dash.directory}/manifest.mpd` });
    expect(parsed.duration).toBeCloseTo(6.006, 3);
    // maxSegmentDuration is the longest segment of any representation (AAC frames make audio's a little longer).
    const audioSegments = Object.values(parsed.mediaGroups.AUDIO ?? {}).flatMap((g) =>
      Object.values(g as Record<string, { playlists: { segments: { duration: number }[] }[] }>).flatMap((r) =>
        r.playlists.flatMap((p) => p.segments.map((s) => s.duration)),
      ),
    );
    const longest = Math.max(...parsed.playlists.flatMap((p) => p.segments.map((s) => s.duration)), ...audioSegments);
    expect(audioSegments.length).toBe(3);
    const stated = Number(/maxSegmentDuration="PT([\d.]+)S"/.exec(text)?.[1]);
    expect(stated).toBeCloseTo(longest, 5);
    expect(stated).toBeGreaterThanOrEqual(2.002);
    expect(Number(/mediaPresentationDuration="PT([\d.]+)S"/.exec(text)?.[1])).toBeGreaterThanOrEqual(6.006);
    expect(parsed.playlists.map((p) => [p.attributes.RESOLUTION?.width, p.attributes.CODECS])).toEqual([
      [320, codecString(readFileSync(join(dash.directory, 'init-0.m4s')))],
      [160, codecString(readFileSync(join(dash.directory, 'init-1.m4s')))],
      [320, codecString(readFileSync(join(dash.directory, 'init-2.m4s')))],
    ]);
    for (const p of parsed.playlists) {
      expect(p.segments.length).toBe(3);
      expect(p.segments.map((s) => s.duration).every((d) => Math.abs(d - 2.002) < 0.001)).toBe(true);
    }
    // Three rungs with different SPS: no bitstreamSwitching promise on the video set.
    const videoSet = /<AdaptationSet[^>]*contentType="video"[^>]*>/.exec(text)?.[0] as string;
    expect(videoSet).not.toMatch(/bitstreamSwitching/);
    const transfers = [...text.matchAll(/cicp:TransferCharacteristics" value="(\d+)"/g)].map((m) => m[1]);
    expect(transfers).toEqual(['16', '16', '1']);
  }, 120_000);
});
