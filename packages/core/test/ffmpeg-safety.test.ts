/**
 * Safety of the ffmpeg layer: every protocol syntax refused, non-regular inputs refused before
 * ffmpeg or ffprobe can block on them, a time limit per run, cancellation that kills the whole
 * process group, and tool failures classified as tool failures (never as a media defect).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ffmpegGenerate } from '@framewise/test-support';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFramewiseError } from '../src/errors/index.js';
import { runQc } from '../src/qc/index.js';
import { assertRegularMediaFile, safeMediaPath } from '../src/transcode/ffmpeg/media-path.js';
import { DEFAULT_FFMPEG_TIMEOUT_MS, runFfmpeg } from '../src/transcode/ffmpeg/runner.js';

let dir = '';
let clip = '';
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'framewise-ffmpeg-safety-'));
  clip = await ffmpegGenerate(
    join(dir, 'clip.mov'),
    ['testsrc2=size=320x180:rate=25:duration=1', 'sine=frequency=997:sample_rate=48000:duration=1'],
    ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'pcm_s16le'],
  );
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function codeOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isFramewiseError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a FramewiseError');
}

/** A stand-in ffmpeg: a shell script (the tool path is the host's choice; this one misbehaves on purpose). */
function fakeTool(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** True while the process runs (a killed one left as a zombie for an init that does not reap is not running). */
function alive(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

describe('safeMediaPath refuses every protocol syntax', () => {
  it('refuses subfile with options before the colon, and schemes ffmpeg reads that do not start with a letter', () => {
    for (const hostile of [
      'subfile,,start,0,end,0,,:/etc/passwd',
      'subfile,,start,153391104,end,268142592,,:/media/dvd.iso',
      'SUBFILE,,start,0,,:x',
      'subfile,,start,0,end,9/a:b',
      '1abc:x',
      ':x.mov',
      '+:x',
      'async:file:a.mp4',
      'crypto+file:a.mp4',
    ])
      expect(() => safeMediaPath(hostile), hostile).toThrow(/protocol, which is not allowed/);
    expect(safeMediaPath('./subfile,,start,0,,:x')).toBe('./subfile,,start,0,,:x');
    expect(safeMediaPath('clips,v2/a:b.mov')).toBe('clips,v2/a:b.mov');
    expect(safeMediaPath('/media/a:b.mov')).toBe('/media/a:b.mov');
  });

  it('never lets a string through that ffmpeg would read as a protocol (fuzzed against its rule)', () => {
    // ffmpeg's url_find_protocol: a run of scheme characters then ':', or "subfile," with a ':' later.
    const readAsProtocol = (p: string) => /^[a-zA-Z0-9+.-]*:/.test(p) || (p.startsWith('subfile,') && p.includes(':'));
    const alphabet = fc.constantFrom(...'abs1+-.,:/ subfile'.split(''), 'subfile,', 'file', 'concat');
    fc.assert(
      fc.property(fc.array(alphabet, { minLength: 1, maxLength: 12 }), (parts) => {
        const path = parts.join('');
        let out: string | undefined;
        try {
          out = safeMediaPath(path);
        } catch (error) {
          expect(isFramewiseError(error, 'INVALID_INPUT')).toBe(true);
          return;
        }
        expect(readAsProtocol(out), `${JSON.stringify(path)} → ${JSON.stringify(out)}`).toBe(false);
        expect(out.startsWith('-')).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('non-regular inputs', () => {
  it('refuses a FIFO and a device before ffmpeg or ffprobe can block on them', async () => {
    const fifo = join(dir, 'input.fifo');
    execFileSync('mkfifo', [fifo]);
    await expect(assertRegularMediaFile(fifo)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect((await codeOf(runFfmpeg(['-i', fifo, '-f', 'null', '-']))).message).toMatch(/is a FIFO, not a regular file/);
    expect((await codeOf(runQc(fifo))).message).toMatch(/is a FIFO/);
    expect((await codeOf(runQc('/dev/zero'))).message).toMatch(/is a device/);
    expect((await codeOf(runFfmpeg(['-i', '/dev/zero', '-f', 'null', '-']))).code).toBe('INVALID_INPUT');
    expect((await codeOf(runQc(join(dir, 'missing.mov')))).code).toBe('NOT_FOUND');
    // lavfi inputs are graphs, not files
    await runFfmpeg(['-f', 'lavfi', '-i', 'anullsrc=d=0.1', '-f', 'null', '-']);
  }, 30_000);
});

describe('runFfmpeg time limit and cancellation', () => {
  it('has a default time limit and refuses a bad one', async () => {
    expect(DEFAULT_FFMPEG_TIMEOUT_MS).toBe(6 * 3_600_000);
    expect((await codeOf(runFfmpeg(['-version'], { timeoutMs: 0 }))).code).toBe('INVALID_CONFIG');
  });

  it('kills the whole process group when the run times out, removes its outputs, and fails as TIMEOUT', async () => {
    const pids = join(dir, 'timeout.pids');
    const out = join(dir, 'timeout.out');
    writeFileSync(out, 'partial');
    const tool = fakeTool('hang-ffmpeg', `sleep 600 & echo $! > ${pids}\nwait`);
    const failure = await codeOf(runFfmpeg(['-i', clip, out], { ffmpegPath: tool, timeoutMs: 300, outputs: [out] }));
    expect(failure.code).toBe('TIMEOUT');
    expect(existsSync(out)).toBe(false);
    const grandchild = Number(readFileSync(pids, 'utf8'));
    await new Promise((r) => setTimeout(r, 200));
    expect(alive(grandchild)).toBe(false);
  }, 30_000);

  it('cancellation kills what ffmpeg started too', async () => {
    const pids = join(dir, 'cancel.pids');
    const tool = fakeTool('hang-ffmpeg-2', `sleep 600 & echo $! > ${pids}\nwait`);
    const controller = new AbortController();
    const run = runFfmpeg(['-i', clip, '-f', 'null', '-'], { ffmpegPath: tool, signal: controller.signal });
    for (let i = 0; i < 100 && !existsSync(pids); i++) await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    expect((await codeOf(run)).code).toBe('CANCELLED');
    const grandchild = Number(readFileSync(pids, 'utf8'));
    await new Promise((r) => setTimeout(r, 200));
    expect(alive(grandchild)).toBe(false);
  }, 30_000);
});

describe('tool failures are not media defects', () => {
  it('a filter this ffmpeg lacks is UNSUPPORTED', async () => {
    const failure = await codeOf(runFfmpeg(['-i', clip, '-af', 'nosuchfilter', '-f', 'null', '-']));
    expect(failure.code).toBe('UNSUPPORTED');
    expect(failure.message).toMatch(/nosuchfilter/);
    expect((await codeOf(runFfmpeg(['-i', clip, '-c:v', 'nosuchencoder', '-f', 'null', '-']))).code).toBe(
      'UNSUPPORTED',
    );
  }, 30_000);

  it('an encoder refusing its channel layout is UNSUPPORTED, not a defect of the input', async () => {
    const failure = await codeOf(
      runFfmpeg(['-i', clip, '-vn', '-af', 'aformat=channel_layouts=FL', '-c:a', 'aac', '-f', 'null', '-']),
    );
    expect(failure.code).toBe('UNSUPPORTED');
    expect(failure.message).toMatch(/Unsupported channel layout/);
  }, 30_000);

  it('ffmpeg killed by a signal is a retryable TRANSIENT error, and QC throws it instead of recording integrity.unreadable', async () => {
    const killed = fakeTool('killed-ffmpeg', 'kill -9 $$');
    const failure = await codeOf(runFfmpeg(['-i', clip, '-f', 'null', '-'], { ffmpegPath: killed }));
    expect(failure.code).toBe('TRANSIENT');
    const qc = await codeOf(runQc(clip, { ffmpegPath: killed }));
    expect(qc.code).toBe('TRANSIENT');
  }, 30_000);

  it('a good file really is read by QC with the real ffmpeg (the stand-ins above are the only difference)', async () => {
    const report = await runQc(clip);
    expect(report.findings.map((f) => f.rule)).not.toContain('integrity.unreadable');
  }, 60_000);
});
