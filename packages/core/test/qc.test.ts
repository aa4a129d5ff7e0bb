/**
 * QC against media made with lavfi that has known problems at known frames: black from
 * 00:00:04:00, a 3 s freeze, silence, a loud segment, luma pushed out of range, dropped frames, a
 * wrong frame rate, a truncated file. Video is lossless H.264 so frozen frames stay identical.
 */
import { copyFileSync, mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ffmpegGenerate } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCatalog,
  createInProcessBackend,
  createMemoryCatalogStore,
  createMemoryQcReportStore,
  isFramewiseError,
  type QcFinding,
  type QcReport,
  qcJobs,
  recordQcReport,
  requirePassingQc,
  runQc,
  STREAMING_POLICY,
} from '../src/index.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'framewise-qc-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** 997 Hz at −1.9 dB measures −23.0 LUFS: EBU R128 on target. */
const ON_TARGET = 'volume=-1.9dB';
const lossless = ['-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-pix_fmt', 'yuv420p'];

/** A clean 25 fps source: legal levels, moving picture, tone at −23 LUFS. */
function clean(name: string, seconds = 6, rate = 25): Promise<string> {
  return ffmpegGenerate(
    join(dir, name),
    [
      `testsrc2=size=640x360:rate=${rate}:duration=${seconds},format=gbrp,limiter=min=16:max=235`,
      `sine=frequency=997:sample_rate=48000:duration=${seconds}`,
    ],
    ['-af', ON_TARGET, ...lossless, '-c:a', 'pcm_s24le', '-timecode', '10:00:00:00'],
  );
}

function only(report: QcReport, rule: string): QcFinding {
  const found = report.findings.filter((f) => f.rule === rule);
  expect(found, `${rule} in ${JSON.stringify(report.findings.map((f) => f.rule))}`).toHaveLength(1);
  return found[0] as QcFinding;
}

describe('runQc', () => {
  let problems = '';
  let report: QcReport;
  beforeAll(async () => {
    problems = await ffmpegGenerate(
      join(dir, 'problems.mov'),
      [
        'testsrc2=size=640x360:rate=25:duration=14,format=gbrp,limiter=min=16:max=235',
        'sine=frequency=997:sample_rate=48000:duration=14',
      ],
      [
        '-filter_complex',
        [
          "[0:v]drawbox=c=black:t=fill:enable='between(n,100,149)',split[a][b]",
          "[a][b]freezeframes=first=175:last=249:replace=175,lutyuv=y=255:enable='between(n,262,274)'[v]",
          `[1:a]${ON_TARGET},volume=0:enable='between(t,2,4)',volume=6dB:enable='between(t,8,10)'[a]`,
        ].join(';'),
        '-map',
        '[v]',
        '-map',
        '[a]',
        ...lossless,
        '-c:a',
        'pcm_s24le',
        '-timecode',
        '10:00:00:00',
      ],
    );
    report = await runQc(problems);
  }, 120_000);

  it('finds 2 s of black at 00:00:04:00, to the frame', () => {
    expect(only(report, 'video.black')).toMatchObject({
      severity: 'warn',
      start: 100,
      duration: 50,
      timecodeIn: '10:00:04:00',
      timecodeOut: '10:00:06:00',
      track: 'video',
    });
  });

  it('finds the 3 s freeze, and does not report the black again as a freeze', () => {
    expect(only(report, 'video.freeze')).toMatchObject({
      severity: 'warn',
      start: 175,
      duration: 75,
      timecodeIn: '10:00:07:00',
    });
  });

  it('finds luma pushed out of the legal range, frame by frame', () => {
    const levels = only(report, 'video.levels');
    expect(levels).toMatchObject({ severity: 'fail', start: 262, duration: 13, timecodeIn: '10:00:10:12' });
    expect(levels.measured).toMatchObject({ lumaAboveShare: 1, lumaBelowShare: 0 });
    expect(levels.expected).toMatchObject({ luma: '16–235' });
  });

  it('finds the silence (within a frame: silencedetect resolves to about 5 ms)', () => {
    const silence = only(report, 'audio.silence');
    expect(silence).toMatchObject({ severity: 'warn', track: 'audio:0', start: 50 });
    expect(Math.abs(silence.duration - 50)).toBeLessThanOrEqual(1);
  });

  it('finds the loud segment (within 3 frames: momentary loudness is a 400 ms window every 100 ms) and fails the integrated loudness', () => {
    const loud = only(report, 'loudness.loud-segment');
    expect(loud.severity).toBe('warn');
    expect(Math.abs(loud.start - 200)).toBeLessThanOrEqual(3);
    expect(Math.abs(loud.start + loud.duration - 250)).toBeLessThanOrEqual(3);
    expect(Number(loud.measured?.maxMomentary)).toBeGreaterThan(-18);
    const integrated = only(report, 'loudness.integrated');
    expect(integrated).toMatchObject({ severity: 'fail', track: 'audio:0', start: 0, duration: 350 });
    expect(Number(integrated.measured?.value)).toBeGreaterThan(-22.5);
    expect(report.loudness[0]?.momentary.length).toBeGreaterThan(130);
  });

  it('gives a verdict per rule and for the file, and lists scene cuts for reference', () => {
    expect(report.verdict).toBe('fail');
    const verdicts = Object.fromEntries(report.rules.map((r) => [r.rule, r.verdict]));
    expect(verdicts).toMatchObject({
      'video.black': 'warn',
      'video.freeze': 'warn',
      'video.levels': 'fail',
      'audio.silence': 'warn',
      'loudness.integrated': 'fail',
      'loudness.true-peak': 'pass',
      'integrity.dropped-frames': 'pass',
      'integrity.truncated': 'pass',
    });
    expect(report.sceneCuts).toEqual(expect.arrayContaining([100, 150, 262]));
    expect(report).toMatchObject({
      startTimecode: '10:00:00:00',
      durationFrames: 350,
      policy: { name: 'broadcast-ebu-r128' },
    });
  });

  it('finds nothing on a clean source', async () => {
    const clean6 = await clean('clean.mov');
    const ok = await runQc(clean6, { clock: { now: () => Date.parse('2027-01-02T03:04:05Z') } });
    expect(ok.checkedAt).toBe('2027-01-02T03:04:05.000Z');
    expect(ok.findings).toEqual([]);
    expect(ok.verdict).toBe('pass');
    expect(ok.loudness[0]?.integrated).toBeCloseTo(-23, 0);
  }, 60_000);

  it('scales the legal range with bit depth: 10-bit ProRes, 64–940', async () => {
    const tenBit = await ffmpegGenerate(
      join(dir, 'ten-bit.mov'),
      ['testsrc2=size=640x360:rate=25:duration=2'],
      [
        '-vf',
        "format=gbrp,limiter=min=16:max=235,format=yuv422p10le,lutyuv=y=1023:enable='between(n,10,14)'",
        '-c:v',
        'prores_ks',
        '-profile:v',
        '3',
      ],
    );
    const r = await runQc(tenBit);
    // Luma at 1023 is also far out of the RGB gamut (the gamut check works at 10 bits too).
    expect(r.findings.map((f) => [f.rule, f.start, f.duration, f.expected?.luma])).toEqual([
      ['video.gamut', 10, 5, undefined],
      ['video.levels', 10, 5, '64–940'],
    ]);
  }, 60_000);

  it('runs as a qc job on a queue backend, with progress and the report as output', async () => {
    const file = await clean('job.mov', 2);
    const queue = createInProcessBackend({ definitions: qcJobs(), resources: { cpu: 1 } });
    const progress: number[] = [];
    queue.on('progress', (e) => progress.push(e.percent));
    const { id } = await queue.submit('qc', { path: file, policy: STREAMING_POLICY });
    const result = await queue.result(id);
    expect(result).toMatchObject({ policy: { name: 'streaming-14' }, file });
    expect(result.findings.map((f) => f.rule)).toEqual(['loudness.integrated']);
    expect(progress.length).toBeGreaterThan(0);
    await expect(queue.submit('qc', { path: '' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await queue.close({ drain: true });
  }, 60_000);

  it('finds dropped frames from a gap in the timestamps', async () => {
    const gappy = await ffmpegGenerate(
      join(dir, 'dropped.mp4'),
      ['testsrc2=size=640x360:rate=25:duration=8,format=gbrp,limiter=min=16:max=235'],
      ['-vf', "select='not(between(n,100,104))'", '-fps_mode', 'passthrough', ...lossless],
    );
    const r = await runQc(gappy);
    expect(only(r, 'integrity.dropped-frames')).toMatchObject({
      severity: 'fail',
      start: 100,
      duration: 5,
      measured: { missingFrames: 5 },
    });
  }, 60_000);

  it('reports a file cut short, and one that cannot be read at all', async () => {
    const whole = await ffmpegGenerate(
      join(dir, 'whole.mp4'),
      ['testsrc2=size=640x360:rate=25:duration=8,format=gbrp,limiter=min=16:max=235'],
      [...lossless, '-movflags', '+faststart'],
    );
    const cut = join(dir, 'cut.mp4');
    copyFileSync(whole, cut);
    truncateSync(cut, Math.floor(statSync(whole).size * 0.6));
    const r = await runQc(cut);
    const truncated = only(r, 'integrity.truncated');
    expect(truncated.severity).toBe('fail');
    expect(truncated.start).toBeGreaterThan(50);
    expect(truncated.start + truncated.duration).toBe(200);
    expect(r.verdict).toBe('fail');

    const noIndex = join(dir, 'no-index.mp4');
    await ffmpegGenerate(noIndex, ['testsrc2=size=320x180:rate=25:duration=4'], lossless);
    truncateSync(noIndex, Math.floor(statSync(noIndex).size * 0.5));
    const unreadable = await runQc(noIndex);
    expect(only(unreadable, 'integrity.unreadable').severity).toBe('fail');
  }, 60_000);

  it('checks the order: a 30 fps file against a 25 fps order names expected and actual', async () => {
    const thirty = await clean('thirty.mov', 3, 30);
    const r = await runQc(thirty, {
      order: {
        name: 'HD 25p delivery',
        video: { frameRate: '25', width: 1920, codec: 'h264' },
        audio: { tracks: 1, sampleRate: 48_000 },
      },
    });
    expect(r.findings.map((f) => [f.rule, f.expected?.value, f.measured?.value])).toEqual([
      ['order.video.frame-rate', '25', '30'],
      ['order.video.width', 1920, 640],
    ]);
    expect(r.order).toBe('HD 25p delivery');
    expect(r.verdict).toBe('fail');
  }, 60_000);

  it('refuses to store a report that names no version', async () => {
    const error = await createMemoryQcReportStore()
      .put(report)
      .catch((e: unknown) => e);
    expect(isFramewiseError(error, 'INVALID_INPUT')).toBe(true);
    expect(String(error)).toContain('names no version');
  });

  it('refuses a bad policy naming the field, a missing file, and a path ffmpeg would read as a protocol', async () => {
    const error = await runQc(problems, { policy: { name: 'x', version: 0 } }).catch((e: unknown) => e);
    expect(isFramewiseError(error, 'INVALID_INPUT')).toBe(true);
    expect(String(error)).toMatch(/version/);
    const missing = await runQc(join(dir, 'nowhere.mov')).catch((e: unknown) => e);
    expect(isFramewiseError(missing, 'NOT_FOUND')).toBe(true);
    expect(String(missing)).toContain('nowhere.mov');
    const protocol = await runQc('concat:a.mov|b.mov').catch((e: unknown) => e);
    expect(isFramewiseError(protocol, 'INVALID_INPUT')).toBe(true);
  });

  it('records findings as annotations on the version, replaces them on a re-run, and stores the report', async () => {
    const catalog = createCatalog({ store: createMemoryCatalogStore() });
    const editor = { id: 'qc-bot', memberships: [{ project: 'qc', role: 'editor' as const }] };
    const asset = await catalog.createAsset(editor, {
      project: 'qc',
      kind: 'episode',
      titles: [{ language: 'en', value: 'QC' }],
    });
    const version = await catalog.addVersion(editor, asset.id, {
      name: 'master',
      kind: 'mezzanine',
      rate: { num: 25, den: 1, dropFrame: false },
      durationFrames: 350,
      startTimecode: '10:00:00:00',
      locations: [{ storage: 'local', key: 'problems.mov' }],
    });
    const store = createMemoryQcReportStore();
    // runQc only returns the report; recordQcReport records it.
    const first = await runQc(problems, { versionId: version.id });
    expect(first.versionId).toBe(version.id);
    expect(await catalog.listAnnotations(editor, version.id)).toEqual([]);
    const recorded = await recordQcReport(first, { catalog, actor: editor, store });
    expect(recorded.annotations).toHaveLength(first.findings.length);
    expect(recorded.superseded).toEqual([]);
    // A report made without a version can be recorded on one named here.
    const second = await recordQcReport(await runQc(problems), {
      catalog,
      actor: editor,
      versionId: version.id,
      store,
    });
    const again = second.report;
    expect(again.versionId).toBe(version.id);
    expect([...second.superseded].sort()).toEqual(recorded.annotations.map((a) => a.id).sort());
    const annotations = await catalog.listAnnotations(editor, version.id);
    expect(annotations.filter((a) => a.type === 'qc-finding')).toHaveLength(again.findings.length);
    const black = annotations.find((a) => a.data.rule === 'video.black');
    expect(black).toMatchObject({
      start: 100,
      duration: 50,
      track: 'video',
      provenance: { kind: 'qc-rule', id: 'video.black' },
    });
    expect(black?.data.reportId).toBe(again.id);
    expect((await store.list(version.id)).map((r) => r.id)).toEqual([first.id, again.id]);
    const refused = await requirePassingQc(store, version.id, 'broadcast-ebu-r128').catch((e: unknown) => e);
    expect(isFramewiseError(refused, 'CONFLICT')).toBe(true);
    expect(String(refused)).toContain('video.levels at 10:00:10:12');
    const missing = await requirePassingQc(store, version.id, 'streaming-14').catch((e: unknown) => e);
    expect(isFramewiseError(missing, 'NOT_FOUND')).toBe(true);
    // Recording needs a version, the right one, and valid options.
    const { versionId: _, ...anonymous } = first;
    const unnamed = await recordQcReport(anonymous, { catalog, actor: editor }).catch((e: unknown) => e);
    expect(isFramewiseError(unnamed, 'INVALID_INPUT')).toBe(true);
    expect(String(unnamed)).toContain(`QC report "${first.id}"`);
    const other = await recordQcReport(first, { catalog, actor: editor, versionId: 'other' }).catch((e: unknown) => e);
    expect(String(other)).toMatch(/is about version ".*", not "other"/);
    const noCatalog = await recordQcReport(first, { catalog: {} as never, actor: editor }).catch((e: unknown) => e);
    expect(String(noCatalog)).toMatch(/Options of recordQcReport is invalid: catalog: must be a Catalog/);
    expect((await catalog.listAnnotations(editor, version.id)).filter((a) => a.type === 'qc-finding')).toHaveLength(
      again.findings.length,
    );
  }, 60_000);

  it('records the findings and keeps the report when a qc job names a version', async () => {
    const catalog = createCatalog({ store: createMemoryCatalogStore() });
    const actor = { id: 'qc-bot', memberships: [{ project: 'qc', role: 'editor' as const }] };
    const asset = await catalog.createAsset(actor, {
      project: 'qc',
      kind: 'clip',
      titles: [{ language: 'en', value: 'Job' }],
    });
    const version = await catalog.addVersion(actor, asset.id, {
      name: 'master',
      kind: 'mezzanine',
      rate: { num: 25, den: 1, dropFrame: false },
      durationFrames: 50,
    });
    const store = createMemoryQcReportStore();
    const queue = createInProcessBackend({ definitions: qcJobs({ catalog, actor, store }), resources: { cpu: 1 } });
    const file = await clean('job-recorded.mov', 2);
    const { id } = await queue.submit('qc', { path: file, policy: STREAMING_POLICY, versionId: version.id });
    const report = await queue.result<QcReport>(id);
    await queue.close({ drain: true });
    expect(report.versionId).toBe(version.id);
    expect(
      (await catalog.listAnnotations(actor, version.id)).map((a) => [a.type, a.data.rule, a.data.reportId]),
    ).toEqual([['qc-finding', 'loudness.integrated', report.id]]);
    expect((await store.latest(version.id))?.id).toBe(report.id);
  }, 60_000);
});
