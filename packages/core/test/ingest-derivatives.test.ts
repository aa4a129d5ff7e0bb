/**
 * Derivatives of an ingest from one decode: an H.264 proxy frame-accurate to a 29.97 drop-frame
 * source (first-frame timecode and frame count read back from the proxy itself), with the timecode
 * and an adversarial title burnt in (checked without OCR: the burnt bands change or stay as they
 * must), audio tracks mapped; poster candidates that skip black and frozen frames; a WebVTT sprite
 * sheet; thumbnails at exact sizes; all stored and registered. One decode and separate runs make
 * the same files.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ffmpegGenerate } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalog, createMemoryCatalogStore } from '../src/catalog/index.js';
import { ingest, makeDerivatives } from '../src/ingest/index.js';
import { createMemoryStorage, createObjectStorage } from '../src/storage/index.js';
import { probe } from '../src/transcode/index.js';

const run = promisify(execFile);
const editor = { id: 'ana', memberships: [{ project: 'p', role: 'editor' as const }] };
const TITLE = `O'Brien: "Part 2" \\ 50% %{pts} %{eif:n:d} ; [x], 'q'`;
let dir: string;
let flat: string;
let scenes: string;

async function frameCount(path: string): Promise<number> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-count_frames',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=nb_read_frames',
    '-of',
    'csv=p=0',
    path,
  ]);
  return Number(stdout.trim());
}

/** MD5 of each frame of a horizontal band of the picture (rows `y` to `y + h`). */
async function bandHashes(path: string, y: number, h: number): Promise<string[]> {
  const { stdout } = await run('ffmpeg', [
    '-v',
    'error',
    '-i',
    path,
    '-vf',
    `crop=iw:${h}:0:${y}`,
    '-an',
    '-f',
    'framemd5',
    '-',
  ]);
  return stdout
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.split(',').at(-1)?.trim() ?? '');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fw-derive-'));
  // A flat grey picture at 29.97 DF from 00:59:59;28 (the next minute drops ;00 and ;01), with a
  // stereo and a 5.1 track: only the burn-in can change the picture.
  flat = await ffmpegGenerate(
    join(dir, 'flat.mov'),
    [
      'color=c=gray:size=640x360:rate=30000/1001:duration=2',
      'sine=frequency=440:sample_rate=48000:duration=2',
      'sine=frequency=220:sample_rate=48000:duration=2',
    ],
    [
      '-map',
      '0:v',
      '-map',
      '1:a',
      '-map',
      '2:a',
      '-c:v',
      'prores_ks',
      '-profile:v',
      '0',
      '-pix_fmt',
      'yuv422p10le',
      '-c:a',
      'pcm_s16le',
      '-ac:a:0',
      '2',
      '-ac:a:1',
      '6',
      '-timecode',
      '00:59:59;28',
    ],
  );
  // One second of black, then a moving test pattern, then a frozen frame: posters must come from the pattern.
  scenes = await ffmpegGenerate(
    join(dir, 'scenes.mp4'),
    ['color=c=black:size=320x180:rate=25:duration=1', 'testsrc2=size=320x180:rate=25:duration=3'],
    [
      '-filter_complex',
      '[0:v][1:v]concat=n=2:v=1:a=0,tpad=stop_mode=clone:stop_duration=2[v]',
      '-map',
      '[v]',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
    ],
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ingest derivatives', () => {
  it('makes a frame-accurate proxy with burnt-in timecode and text, registered as a rendition', async () => {
    const catalog = createCatalog({ store: createMemoryCatalogStore() });
    const storage = createObjectStorage(createMemoryStorage());
    const options = {
      catalog,
      actor: editor,
      storage,
      storageId: 'disk',
      asset: { project: 'p', kind: 'clip' as const, titles: [{ language: 'en', value: 'Flat' }] },
      derivatives: { proxy: { height: 180, preset: 'ultrafast' as const, text: TITLE } },
    };
    const report = await ingest(flat, options);
    expect(report.warnings).toEqual([]);
    // Again: the version and its proxy are there already; nothing is made.
    const again = await ingest(flat, options);
    expect(again.outcome).toBe('existing');
    expect(again.steps.find((s) => s.step === 'derivatives')).toMatchObject({ status: 'skipped' });
    const proxy = report.derivatives.find((d) => d.kind === 'proxy');
    expect(proxy).toMatchObject({ profile: 'proxy-h264-180p', width: 320, height: 180 });
    const renditions = await catalog.listRenditions(editor, report.version?.id ?? '');
    expect(renditions.map((r) => r.id)).toEqual([proxy?.registeredId]);
    const file = join(dir, 'proxy-back.mp4');
    writeFileSync(file, await storage.read(proxy?.location.key ?? ''));
    const probed = await probe(file);
    // Frame accuracy, read from the proxy itself: its first frame is the source's first frame by
    // timecode, at the source's exact rate, with every frame kept.
    expect(probed.technical.startTimecode).toBe('00:59:59;28');
    expect(probed.technical.video[0]?.frameRate).toEqual({ num: 30000, den: 1001, dropFrame: true });
    expect(await frameCount(file)).toBe(await frameCount(flat));
    expect(probed.technical.video[0]?.codec).toBe('h264');
    expect(probed.technical.audio.map((a) => [a.codec, a.channels])).toEqual([
      ['aac', 2],
      ['aac', 2],
    ]);
    // Burn-in without OCR, on a source whose picture never changes: the timecode band (bottom)
    // changes from frame to frame as the timecode counts; the middle stays the flat grey; the
    // title band (top) differs from it on every frame.
    const bottom = await bandHashes(file, 140, 40);
    expect(bottom).toHaveLength(await frameCount(flat));
    expect(new Set(bottom).size).toBeGreaterThan(bottom.length * 0.9);
    const middle = await bandHashes(file, 60, 30);
    expect(new Set(middle).size).toBe(1);
    const top = await bandHashes(file, 0, 30);
    expect(top.every((h) => h !== middle[0])).toBe(true);
  });

  it('resumes: the same bytes again make the derivatives an earlier ingest did not', async () => {
    const catalog = createCatalog({ store: createMemoryCatalogStore() });
    const storage = createObjectStorage(createMemoryStorage());
    const options = {
      catalog,
      actor: editor,
      storage,
      storageId: 'disk',
      asset: { id: 'clip-1', project: 'p', kind: 'clip' as const, titles: [{ language: 'en', value: 'Scenes' }] },
    };
    const first = await ingest(scenes, options);
    expect(first.derivatives).toEqual([]);
    const resumed = await ingest(scenes, { ...options, derivatives: { posters: { count: 1 } } });
    expect(resumed.outcome).toBe('existing');
    expect(resumed.version?.id).toBe(first.version?.id);
    expect(resumed.derivatives.map((d) => d.kind)).toEqual(['poster']);
    expect((await catalog.listRelatedAssets(editor, 'clip-1')).map((r) => r.kind)).toEqual(['poster']);
  });

  it('picks posters away from black and frozen frames, makes a sprite sheet and thumbnails, from one decode', async () => {
    const probed = await probe(scenes);
    const seconds = (probed.durationUs ?? 0) / 1e6;
    const spec = {
      proxy: { height: 90, preset: 'ultrafast' as const, text: TITLE },
      posters: { count: 3 },
      sprite: { intervalSeconds: 1, columns: 2, rows: 2 },
      thumbnails: [
        { width: 128, height: 128 },
        { width: 160, height: 60, fit: 'letterbox' as const },
      ],
    };
    const one = await makeDerivatives(scenes, probed.technical, spec, join(dir, 'one'), { durationSeconds: seconds });
    expect(one.runs).toBe(1);
    const posters = one.files.filter((f) => f.kind === 'poster');
    expect(posters.length).toBeGreaterThan(0);
    const chosen = one.posterCandidates.filter((c) =>
      posters.some((p) => p.path.endsWith(`poster-${String(c.index).padStart(4, '0')}.jpg`)),
    );
    for (const c of chosen) {
      expect(c.rejected).toBeUndefined();
      expect(c.seconds).toBeGreaterThanOrEqual(1); // not the black second
      expect(c.seconds).toBeLessThan(4); // not the frozen tail
    }
    expect(one.posterCandidates.some((c) => c.rejected === 'black')).toBe(true);
    expect(one.posterCandidates.some((c) => c.rejected === 'frozen')).toBe(true);
    // Only the chosen posters are left on disk.
    expect(readdirSync(join(dir, 'one')).filter((n) => n.startsWith('poster-')).length).toBe(posters.length);
    // Sprite: 6 s at one tile a second on 2×2 sheets → 2 sheets, 6 cues.
    const sheets = one.files.filter((f) => f.kind === 'sprite');
    expect(sheets).toHaveLength(2);
    const sheet = await probe(sheets[0]?.path ?? '');
    expect([sheet.technical.video[0]?.width, sheet.technical.video[0]?.height]).toEqual([320, 180]);
    const vtt = readFileSync(one.files.find((f) => f.kind === 'sprite-vtt')?.path ?? '', 'utf8');
    expect(vtt.match(/-->/g)).toHaveLength(6);
    expect(vtt).toContain('sprite-002.jpg#xywh=0,0,160,90');
    for (const t of one.files.filter((f) => f.kind === 'thumbnail')) {
      const p = await probe(t.path);
      expect([p.technical.video[0]?.width, p.technical.video[0]?.height]).toEqual([t.width, t.height]);
    }
    // Separate runs make the same set of files.
    const separate = await makeDerivatives(scenes, probed.technical, spec, join(dir, 'separate'), {
      durationSeconds: seconds,
      mode: 'separate',
    });
    expect(separate.runs).toBe(3);
    const names = (m: typeof one) => m.files.map((f) => `${f.kind}:${f.path.split('/').pop()}`).sort();
    expect(names(separate)).toEqual(names(one));
  });
});
