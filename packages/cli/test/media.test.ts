/**
 * `framewise probe|qc|loudness fix|ladder`, run as processes on media generated with ffmpeg's lavfi
 * sources; loudness checked against ffmpeg's loudnorm measurement (an independent BS.1770 meter
 * from the one QC's ebur128 pass uses).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ffmpegGenerate } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { framewise } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'framewise-cli-media-'));
const loud = join(dir, 'loud stretch.mov');
const quiet = join(dir, 'quiet.mov');

/** Integrated loudness by ffmpeg's loudnorm filter (first pass, JSON summary). */
async function loudnormIntegrated(file: string): Promise<number> {
  const { stderr } = await promisify(execFile)('ffmpeg', [
    '-hide_banner',
    '-nostdin',
    '-i',
    file,
    '-map',
    '0:a:0',
    '-af',
    'loudnorm=print_format=json',
    '-f',
    'null',
    '-',
  ]);
  const json = JSON.parse(stderr.slice(stderr.lastIndexOf('{'), stderr.lastIndexOf('}') + 1)) as { input_i: string };
  return Number(json.input_i);
}

beforeAll(async () => {
  // 4 s of 640x360 at 25 fps with a tone at about −23 LUFS and 1.5 s of it 8 dB louder; TC 10:00:00:00.
  await ffmpegGenerate(
    loud,
    ['testsrc2=size=640x360:rate=25:duration=4', 'sine=frequency=997:sample_rate=48000:duration=4'],
    [
      '-af',
      "volume=-1.9dB,volume=8dB:enable='between(t,1.5,3)'",
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'pcm_s16le',
      '-timecode',
      '10:00:00:00',
    ],
  );
  await ffmpegGenerate(
    quiet,
    ['testsrc2=size=640x360:rate=25:duration=4', 'sine=frequency=997:sample_rate=48000:duration=4'],
    ['-af', 'volume=-9dB', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'pcm_s16le'],
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('framewise probe', () => {
  it('prints technical metadata, as JSON too', async () => {
    const text = await framewise(['probe', loud]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/timecode\s+10:00:00:00/);
    expect(text.stdout).toMatch(/h264.*640x360.*25\/1/);
    const json = await framewise(['probe', loud, '--json']);
    const t = json.json<{
      technical: { video: { width: number; height: number }[]; audio: { sampleRate: number }[] };
    }>().technical;
    expect(t.video[0]).toMatchObject({ width: 640, height: 360 });
    expect(t.audio[0]?.sampleRate).toBe(48000);
  });

  it('refuses a missing file, a directory, an option and a protocol', async () => {
    const missing = await framewise(['probe', join(dir, 'nope.mov'), '--json']);
    expect(missing.code).toBe(3);
    expect(missing.json()).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect((await framewise(['probe', dir])).code).toBe(2);
    const protocol = await framewise(['probe', `concat:${loud}|${loud}`]);
    expect(protocol.code).toBe(2);
    expect(protocol.stderr).toMatch(/"concat:" protocol/);
    const option = await framewise(['probe', '-i']);
    expect(option.code).toBe(2);
    // A relative file literally named "-x.mov" is still a file (after --), never an ffmpeg option.
    writeFileSync(join(dir, '-x.mov'), 'not media');
    const dash = await framewise(['probe', '--', '-x.mov'], {});
    expect(dash.code).not.toBe(0);
    expect(dash.stderr).not.toMatch(/Unrecognized option|unknown option/i);
  });
});

describe('framewise qc', () => {
  it('finds the loud stretch with timecodes, saves the report, exits 1 on fail', async () => {
    const saved = join(dir, 'qc.json');
    const run = await framewise(['qc', loud, '--policy', 'r128', '--save', saved, '--json']);
    expect([0, 1]).toContain(run.code);
    const out = run.json<{ verdict: string; report: { findings: { rule: string; timecodeIn: string }[] } }>();
    expect(run.code).toBe(out.verdict === 'fail' ? 1 : 0);
    const report = JSON.parse(readFileSync(saved, 'utf8')) as {
      loudness: { integrated: number; momentary: unknown[] }[];
      findings: { rule: string; timecodeIn: string }[];
    };
    expect(report.loudness[0]?.momentary.length).toBeGreaterThan(20);
    // Every finding has a timecode on the file's own timeline (it starts at 10:00:00:00).
    for (const f of out.report.findings) expect(f.timecodeIn).toMatch(/^10:00:0\d:\d\d$/);
    const oracle = await loudnormIntegrated(loud);
    expect(Math.abs((report.loudness[0]?.integrated ?? 0) - oracle)).toBeLessThan(0.5);
    const text = await framewise(['qc', loud, '--policy', 'a85']);
    expect(text.stdout).toMatch(/broadcast-atsc-a85/);
  });

  it('refuses an unknown policy and a missing order file', async () => {
    const bad = await framewise(['qc', loud, '--policy', 'r129']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/r128, a85/);
    const order = await framewise(['qc', loud, '--order', join(dir, 'no-order.json')]);
    expect(order.code).toBe(3);
  });
});

describe('framewise loudness fix', () => {
  it('brings a quiet file to −23 LUFS (checked by loudnorm), and never overwrites', async () => {
    const before = await loudnormIntegrated(quiet);
    expect(before).toBeLessThan(-28);
    const output = join(dir, 'fixed.mov');
    const run = await framewise(['loudness', 'fix', quiet, '--out', output, '--json']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.json()).toMatchObject({ corrected: true, verdict: 'pass' });
    expect(Math.abs((await loudnormIntegrated(output)) + 23)).toBeLessThan(1);
    const again = await framewise(['loudness', 'fix', quiet, '--out', output]);
    expect(again.code).toBe(6);
    expect(again.stderr).toMatch(/CONFLICT.*already exists[\s\S]*--force/);
    const self = await framewise(['loudness', 'fix', quiet, '--out', quiet]);
    expect(self.code).toBe(2);
  });
});

describe('framewise ladder', () => {
  it('plans, and runs a one-rung ladder', async () => {
    const plan = await framewise(['ladder', loud, '--plan-only', '--json']);
    expect(plan.code, plan.stderr).toBe(0);
    const rungs = plan.json<{ plan: { video: { height: number }[] } }>().plan.video;
    expect(rungs.length).toBeGreaterThan(0);
    expect(Math.max(...rungs.map((r) => r.height))).toBeLessThanOrEqual(360);
    const out = join(dir, 'ladder');
    mkdirSync(out);
    const run = await framewise(['ladder', loud, '--max-rungs', '1', '--out', out, '--preset', 'ultrafast', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const outputs = run.json<{ outputs: { path: string }[] }>().outputs;
    expect(outputs.length).toBeGreaterThanOrEqual(1);
    for (const o of outputs) expect(existsSync(o.path)).toBe(true);
    expect((await framewise(['ladder', loud, '--template', 'nope', '--plan-only'])).code).toBe(2);
    expect((await framewise(['ladder', loud])).code).toBe(2);
    expect((await framewise(['ladder', loud, '--plan-only', '--max-rungs', '0'])).code).toBe(2);
  });
});
