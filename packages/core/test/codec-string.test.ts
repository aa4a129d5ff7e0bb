import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ffmpegGenerate, hevcHdr10 } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codecString } from '../src/transcode/index.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'framewise-codecs-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** ffprobe's reading of the first stream: profile and level. */
function probeLevel(path: string): { profile: string; level: number } {
  const [profile = '', level = ''] = execFileSync(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'stream=profile,level', '-of', 'csv=p=0', path],
    { encoding: 'utf8' },
  )
    .trim()
    .split(',');
  return { profile, level: Number(level) };
}

describe('codecString (RFC 6381, from MP4 sample entries)', () => {
  it('reads HEVC Main 10: profile, reversed compatibility flags, tier and level, constraint bytes', async () => {
    const file = await hevcHdr10(join(dir, 'hevc.mp4'));
    const { profile, level } = probeLevel(file);
    expect(profile).toBe('Main 10');
    expect(codecString(readFileSync(file))).toBe(`hvc1.2.4.L${level}.90`);
  }, 60_000);

  it('reads AV1: profile, level index, tier and bit depth', async () => {
    const file = await ffmpegGenerate(
      join(dir, 'av1.mp4'),
      ['testsrc2=size=640x360:rate=25:duration=1'],
      ['-pix_fmt', 'yuv420p10le', '-c:v', 'libsvtav1', '-preset', '12', '-svtav1-params', 'tier=0'],
    );
    expect(codecString(readFileSync(file))).toMatch(/^av01\.0\.\d\dM\.10$/);
  }, 60_000);

  it('reads audio: AAC-LC and HE-AAC object types, AC-3', async () => {
    const tone = ['sine=frequency=997:sample_rate=48000:duration=1'];
    const lc = await ffmpegGenerate(join(dir, 'lc.mp4'), tone, ['-c:a', 'aac']);
    const he = await ffmpegGenerate(join(dir, 'he.mp4'), tone, ['-c:a', 'aac', '-profile:a', 'aac_he']);
    const ac3 = await ffmpegGenerate(join(dir, 'ac3.mp4'), tone, ['-c:a', 'ac3']);
    expect([lc, he, ac3].map((f) => codecString(readFileSync(f)))).toEqual(['mp4a.40.2', 'mp4a.40.5', 'ac-3']);
  }, 60_000);

  it('answers undefined, never throws, for bytes that are not an MP4 or are cut short', async () => {
    const file = await hevcHdr10(join(dir, 'cut.mp4'));
    const bytes = readFileSync(file);
    expect(codecString(new Uint8Array(0))).toBeUndefined();
    expect(codecString(Buffer.from('#EXTM3U\n#EXT-X-VERSION:7\n'))).toBeUndefined();
    for (const length of [7, 40, 400, 700]) expect(() => codecString(bytes.subarray(0, length))).not.toThrow();
  }, 60_000);
});
