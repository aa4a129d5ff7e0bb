/**
 * One-call ingest against real ffmpeg media, the in-memory catalog and storage: every technical
 * field mapped (checked against ffprobe's own frame count and independent digests), idempotent by
 * content (also when two ingests race), and bad input — truncated media, traversal or control
 * characters, a failing QC gate — leaving no version and no stored object.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bwfWithTimeReference, ffmpegGenerate } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalog, createMemoryCatalogStore } from '../src/catalog/index.js';
import { isFramewiseError } from '../src/errors/index.js';
import { type IngestOptions, type IngestReport, type IngestStep, ingest, ingestJobs } from '../src/ingest/index.js';
import { loudnessOnlyPolicy } from '../src/qc/index.js';
import { createInProcessBackend } from '../src/scheduler/index.js';
import { createMemoryStorage, createObjectStorage, type ObjectStorage } from '../src/storage/index.js';

const run = promisify(execFile);
const editor = { id: 'ana', memberships: [{ project: 'p', role: 'editor' as const }] };
let dir: string;
let df: string;
let truncated: string;

/** ffprobe's own count of decoded video frames (an independent oracle for durationFrames). */
async function countFrames(path: string): Promise<number> {
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

async function objects(storage: ObjectStorage): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of storage.list('')) keys.push(o.key);
  return keys;
}

function setup(extra: Partial<IngestOptions> = {}) {
  const catalog = createCatalog({ store: createMemoryCatalogStore() });
  const storage = createObjectStorage(createMemoryStorage(), { xxh64: true });
  const options: IngestOptions = {
    catalog,
    actor: editor,
    storage,
    storageId: 'studio-disk',
    asset: { project: 'p', kind: 'episode', titles: [{ language: 'en', value: 'Low Tide' }] },
    version: { kind: 'camera-original' },
    ...extra,
  };
  return { catalog, storage, options };
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; report: IngestReport; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (!isFramewiseError(error)) throw error;
    return { code: error.code, message: error.message, report: error.details.report as IngestReport };
  }
  throw new Error('expected the ingest to fail');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fw-ingest-'));
  // A camera file at 29.97 drop-frame starting one frame before a dropped minute boundary, with a
  // stereo and a mono track.
  df = await ffmpegGenerate(
    join(dir, 'A001C003.mov'),
    [
      'testsrc2=size=640x360:rate=30000/1001:duration=2',
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
      'pcm_s24le',
      '-ac:a:0',
      '2',
      '-ac:a:1',
      '1',
      '-timecode',
      '01:00:59;28',
    ],
  );
  const bytes = readFileSync(df);
  truncated = join(dir, 'truncated.mov');
  writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ingest: one call', () => {
  it('stores, hashes and catalogues with every technical field mapped', async () => {
    const { catalog, storage, options } = setup();
    const steps: IngestStep[] = [];
    const percents: number[] = [];
    const report = await ingest(df, {
      ...options,
      onStep: (s) => steps.push(s),
      onProgress: (p) => percents.push(p.percent),
    });
    expect(report.outcome).toBe('ingested');
    expect(report.format?.family).toBe('quicktime');
    const v = report.version;
    if (v === undefined) throw new Error('no version');
    expect(v.kind).toBe('camera-original');
    expect(v.rate).toEqual({ num: 30000, den: 1001, dropFrame: true });
    expect(v.startTimecode).toBe('01:00:59;28');
    expect(v.durationFrames).toBe(await countFrames(df));
    expect(v.essence?.container).toBe('mov');
    expect(v.essence?.video[0]?.codec).toBe('prores');
    expect(v.essence?.video[0]?.width).toBe(640);
    expect(v.essence?.audio.map((a) => [a.channels, a.layout])).toEqual([
      [2, 'stereo'],
      [1, 'mono'],
    ]);
    // Digests: from the one pass that stored it, checked against an independent hash of the file.
    const bytes = readFileSync(df);
    const loc = v.locations[0];
    expect(loc?.storage).toBe('studio-disk');
    expect(loc?.sizeBytes).toBe(bytes.length);
    expect(loc?.checksums.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(loc?.checksums.md5).toBe(createHash('md5').update(bytes).digest('hex'));
    expect(loc?.checksums.xxh64).toMatch(/^[0-9a-f]{16}$/);
    expect((await storage.digest(loc?.key ?? '')).sha256).toBe(loc?.checksums.sha256);
    // The catalog has it, as reported.
    expect(await catalog.getVersion(editor, v.id)).toEqual(v);
    expect((await catalog.getAsset(editor, v.assetId)).titles[0]?.value).toBe('Low Tide');
    // Steps and progress.
    expect(steps.filter((s) => s.status === 'done').map((s) => s.step)).toEqual([
      'check',
      'identify',
      'probe',
      'store',
      'dedupe',
      'catalog',
    ]);
    expect(steps.filter((s) => s.status === 'skipped').map((s) => s.step)).toEqual(['qc', 'record-qc', 'derivatives']);
    expect(percents.at(-1)).toBe(100);
    expect(percents.every((p, i) => i === 0 || p >= (percents[i - 1] as number))).toBe(true);
  });

  it('is idempotent: the same bytes again (under another name) find the existing version', async () => {
    const { catalog, storage, options } = setup();
    const first = await ingest(df, options);
    const copy = join(dir, 'renamed-copy.mov');
    copyFileSync(df, copy);
    const again = await ingest(copy, options);
    expect(again.outcome).toBe('existing');
    expect(again.version?.id).toBe(first.version?.id);
    expect(again.assetId).toBe(first.assetId);
    expect(await catalog.listVersions(editor, first.assetId ?? '')).toHaveLength(1);
    expect(await objects(storage)).toEqual([first.version?.locations[0]?.key]);
  });

  it('creates one version when two ingests of the same bytes race', async () => {
    const { catalog, storage, options } = setup();
    const results = await Promise.all([ingest(df, options), ingest(df, options), ingest(df, options)]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['existing', 'existing', 'ingested']);
    expect(new Set(results.map((r) => r.version?.id)).size).toBe(1);
    expect(await catalog.listVersions(editor, results[0]?.assetId ?? '')).toHaveLength(1);
    expect(await objects(storage)).toHaveLength(1);
  });

  it('refuses a truncated file with a typed error and a QC finding, leaving nothing behind', async () => {
    const { catalog, storage, options } = setup();
    const { code, report, message } = await failure(ingest(truncated, options));
    expect(code).toBe('INVALID_INPUT');
    expect(message).toContain('truncated.mov');
    expect(report.outcome).toBe('failed');
    expect(report.version).toBeUndefined();
    expect(report.steps.at(-1)).toMatchObject({ step: 'probe', status: 'failed' });
    expect(report.qc?.verdict).toBe('fail');
    expect(report.qc?.findings.map((f) => f.rule)).toContain('integrity.unreadable');
    expect(await objects(storage)).toEqual([]);
    expect((await catalog.searchAssets({ id: 'admin', global: 'admin' })).items).toEqual([]);
  });

  it('refuses names with traversal or control characters before reading anything', async () => {
    const { storage, options } = setup();
    for (const source of [`${dir}/../x/../A001C003.mov`, join(dir, 'clip\u0007.mov'), join(dir, 'evil\u202evom.mov')]) {
      const { code, report } = await failure(ingest(source, options));
      expect(code, source).toBe('INVALID_INPUT');
      expect(report.steps.map((s) => s.step)).toEqual(['check']);
    }
    const named = await failure(ingest(df, { ...options, name: '../../etc/passwd' }));
    expect(named.code).toBe('INVALID_INPUT');
    expect(await objects(storage)).toEqual([]);
  });

  it('gates on QC: a failing verdict creates nothing; recording keeps the version with its findings', async () => {
    // The test tone is far from −31 LUFS ± 0.5: a failing loudness verdict.
    const policy = loudnessOnlyPolicy({ name: 'strict', integrated: -31, tolerance: 0.5, truePeakMax: -1 });
    const gated = setup({ qc: { policy, mode: 'gate' } });
    const { code, report } = await failure(ingest(df, gated.options));
    expect(code).toBe('INVALID_INPUT');
    expect(report.qc?.verdict).toBe('fail');
    expect(report.steps.map((s) => `${s.step}:${s.status}`)).toContain('qc:done');
    expect(report.version).toBeUndefined();
    expect(await objects(gated.storage)).toEqual([]);

    const recorded = setup({ qc: { policy, mode: 'record' } });
    const ok = await ingest(df, recorded.options);
    expect(ok.outcome).toBe('ingested');
    expect(ok.qc?.verdict).toBe('fail');
    expect(ok.qc?.versionId).toBe(ok.version?.id);
    const notes = await recorded.catalog.listAnnotations(editor, ok.version?.id ?? '');
    expect(notes.filter((a) => a.type === 'qc-finding').length).toBe(ok.qc?.findings.length);
    expect(notes.length).toBeGreaterThan(0);
  });

  it('maps an audio-only Broadcast WAVE: the time reference as timecode at the audio-only rate', async () => {
    const { options } = setup();
    const wav = await bwfWithTimeReference(join(dir, 'dialogue.wav'), 10 * 3600 * 48_000 + 12 * 1920, 2);
    const r = await ingest(wav, { ...options, audioOnlyRate: { num: 25, den: 1, dropFrame: false } });
    expect(r.format?.family).toBe('wav');
    expect(r.version?.rate).toEqual({ num: 25, den: 1, dropFrame: false });
    expect(r.version?.startTimecode).toBe('10:00:00:12');
    expect(r.version?.durationFrames).toBe(50);
    expect(r.version?.essence?.video).toEqual([]);
  });

  it('attaches to an existing asset, and refuses one the actor may not write', async () => {
    const { catalog, options } = setup();
    const asset = await catalog.createAsset(editor, {
      id: 'ep1',
      project: 'p',
      kind: 'episode',
      titles: [{ language: 'en', value: 'Ep 1' }],
    });
    const r = await ingest(df, { ...options, asset: { id: asset.id } });
    expect(r.version?.assetId).toBe('ep1');
    const stranger = { id: 'zed', memberships: [{ project: 'other', role: 'editor' as const }] };
    const { code } = await failure(ingest(df, { ...options, actor: stranger, asset: { id: 'ep1' } }));
    expect(code).toBe('FORBIDDEN');
  });

  it('runs as a scheduler job, with the ingest progress as the job progress', async () => {
    const { catalog, storage } = setup();
    const queue = createInProcessBackend({
      definitions: ingestJobs({ catalog, actor: editor, storage, storageId: 'disk' }),
    });
    const percents: number[] = [];
    const off = queue.on('progress', (e) => percents.push(e.percent)); // the only job
    const { id } = await queue.submit('ingest', {
      path: df,
      asset: { id: 'show', project: 'p', kind: 'episode', titles: [{ language: 'en', value: 'Show' }] },
    });
    const report = await queue.result(id);
    off();
    await queue.close({ drain: true });
    expect(report.outcome).toBe('ingested');
    expect(report.version?.assetId).toBe('show');
    expect(percents.length).toBeGreaterThan(0);
  });
});
