import { execFileSync, execSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FFMPEG_TIMEOUT_MS, runFfmpeg, runQc, safeMediaPath } from '../../src/index.js';

let dir: string;
let clip: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'indep-safety-'));
  clip = join(dir, 'clip.mkv');
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc=s=64x36:r=25:d=1',
    '-f',
    'lavfi',
    '-i',
    'sine=f=1000:d=1',
    '-c:v',
    'ffv1',
    '-c:a',
    'pcm_s16le',
    '-shortest',
    clip,
  ]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('independent: safeMediaPath', () => {
  const refused = [
    'subfile,,start,10,end,20,,:file',
    'subfile,,start,0,end,9,,:/etc/passwd',
    'SUBFILE,,start,0,end,9,,:/etc/passwd',
    'subfile,,start,0,end,9,,:./a/b',
    'concat:a.mp4|b.mp4',
    'pipe:0',
    'file:/etc/passwd',
    'http://example.com/x.mp4',
    'HTTPS://example.com/x.mp4',
    '1abc:foo',
    ':x',
    'data:,hello',
    'crypto+file:/x',
    'a.b-c+d:zz',
    'async:file:x',
    'cache:http://x',
    'fd:3',
    'tee:x',
  ];
  for (const p of refused)
    it(`refuses ${JSON.stringify(p)}`, () => {
      expect(() => safeMediaPath(p)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    });
  it('prefixes dash paths and keeps normal ones', () => {
    expect(safeMediaPath('-i.mp4')).toBe('./-i.mp4');
    expect(safeMediaPath('/tmp/a:b.mp4')).toBe('/tmp/a:b.mp4');
    expect(safeMediaPath('./subfile,,x,:y')).toBe('./subfile,,x,:y');
  });
  it('refuses control chars and empty', () => {
    for (const p of ['', 'a\nb', 'a\0b', 'a\x1bb']) expect(() => safeMediaPath(p)).toThrow();
  });
  it('allowProtocols lets an explicitly allowed protocol through only', () => {
    expect(safeMediaPath('https://x/y', { allowProtocols: ['https'] })).toBe('https://x/y');
    expect(() => safeMediaPath('subfile,,start,0,end,9,,:https://x', { allowProtocols: ['https'] })).toThrow();
  });
});

function mkfifo(path: string) {
  execFileSync('mkfifo', [path]);
}

describe('independent: FIFO/device inputs', () => {
  it('runQc refuses a FIFO promptly', async () => {
    const f = join(dir, 'fifo.mov');
    mkfifo(f);
    await expect(runQc(f, {})).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  }, 15_000);
  it('runQc refuses /dev/zero and /dev/stdin', async () => {
    await expect(runQc('/dev/zero', {})).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(runQc('/dev/stdin', {})).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  }, 15_000);
  it('runQc refuses a symlink to a FIFO', async () => {
    const f = join(dir, 'fifo2');
    mkfifo(f);
    const l = join(dir, 'link.mov');
    execFileSync('ln', ['-s', f, l]);
    await expect(runQc(l, {})).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  }, 15_000);
  it('runFfmpeg refuses a FIFO -i even with -f format given', async () => {
    const f = join(dir, 'fifo3');
    mkfifo(f);
    await expect(runFfmpeg(['-f', 'wav', '-i', f, '-f', 'null', '-'], { timeoutMs: 5000 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(
      runFfmpeg(['-f', 'rawvideo', '-s', '8x8', '-i', '/dev/zero', '-f', 'null', '-'], { timeoutMs: 5000 }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  }, 15_000);
  it('runFfmpeg refuses a file:-prefixed FIFO input (else it blocks until timeoutMs, 6 h by default)', async () => {
    const f = join(dir, 'fifo4');
    mkfifo(f);
    const r = await runFfmpeg(['-i', `file:${f}`, '-f', 'null', '-'], { timeoutMs: 3000 }).then(
      () => 'ok',
      (e: { code: string }) => e.code,
    );
    expect(['INVALID_INPUT']).toContain(r);
  }, 15_000);
});

describe('independent: timeouts, cancellation, classification', () => {
  it('has a finite default timeout', () => {
    expect(Number.isFinite(DEFAULT_FFMPEG_TIMEOUT_MS)).toBe(true);
    expect(DEFAULT_FFMPEG_TIMEOUT_MS).toBeGreaterThan(0);
  });
  it('timeoutMs kills a long run with TIMEOUT', async () => {
    const marker = `indeptimeout${process.pid}`;
    await expect(
      runFfmpeg(['-re', '-f', 'lavfi', '-i', `sine=f=440:d=600`, '-metadata', `title=${marker}`, '-f', 'null', '-'], {
        timeoutMs: 800,
      }),
    ).rejects.toMatchObject({ code: 'TIMEOUT' });
    await new Promise((r) => setTimeout(r, 300));
    expect(execSync(`ps -eo args | grep ${marker} | grep -v grep || true`).toString().trim()).toBe('');
  }, 15_000);
  it('abort kills the whole process group (no orphan, incl. children of a wrapper)', async () => {
    const marker = `indepabort${process.pid}`;
    const wrapper = join(dir, 'ffwrap.sh');
    // A wrapper that starts ffmpeg as a child (not exec), like many deployments do.
    writeFileSync(wrapper, `#!/bin/sh\nffmpeg "$@" &\nwait\n`);
    chmodSync(wrapper, 0o755);
    const ac = new AbortController();
    const p = runFfmpeg(
      ['-re', '-f', 'lavfi', '-i', 'sine=f=440:d=600', '-metadata', `title=${marker}`, '-f', 'null', '-'],
      { ffmpegPath: wrapper, signal: ac.signal },
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect(execSync(`ps -eo args | grep ${marker} | grep -v grep || true`).toString()).toContain(marker);
    ac.abort();
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
    await new Promise((r) => setTimeout(r, 300));
    expect(execSync(`ps -eo args | grep ${marker} | grep -v grep || true`).toString().trim()).toBe('');
  }, 15_000);
  it('runQc cancelled mid-decode leaves no ffmpeg behind', async () => {
    const long = join(dir, 'long.mkv');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=s=64x36:r=25:d=60', '-c:v', 'ffv1', long]);
    const ac = new AbortController();
    const p = runQc(long, { signal: ac.signal });
    await new Promise((r) => setTimeout(r, 700));
    ac.abort();
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
    await new Promise((r) => setTimeout(r, 300));
    expect(execSync(`ps -eo args | grep -F ${long} | grep -v grep || true`).toString().trim()).toBe('');
  }, 30_000);

  it('ffmpeg killed by a signal during QC -> TRANSIENT, not a report', async () => {
    const fake = join(dir, 'ffkill.sh');
    writeFileSync(fake, '#!/bin/sh\nkill -9 $$\n');
    chmodSync(fake, 0o755);
    const r = await runQc(clip, { ffmpegPath: fake }).then(
      (rep) => rep,
      (e: unknown) => e,
    );
    expect(r).toMatchObject({ code: 'TRANSIENT' });
  }, 30_000);
  it('ffmpeg killed by SIGTERM/SIGSEGV -> TRANSIENT', async () => {
    for (const sig of ['TERM', 'SEGV']) {
      const fake = join(dir, `ff${sig}.sh`);
      writeFileSync(fake, `#!/bin/sh\nkill -${sig} $$\n`);
      chmodSync(fake, 0o755);
      const r = await runQc(clip, { ffmpegPath: fake }).then(
        (rep) => rep,
        (e: unknown) => e,
      );
      expect(r).toMatchObject({ code: 'TRANSIENT' });
    }
  }, 30_000);
  it('a missing filter during QC -> UNSUPPORTED, not a report', async () => {
    const fake = join(dir, 'ffnofilter.sh');
    writeFileSync(
      fake,
      `#!/bin/sh\necho "[AVFilterGraph @ 0x1] No such filter: 'ebur128'" >&2\necho "Error initializing complex filters." >&2\nexit 8\n`,
    );
    chmodSync(fake, 0o755);
    const r = await runQc(clip, { ffmpegPath: fake }).then(
      (rep) => rep,
      (e: unknown) => e,
    );
    expect(r).toMatchObject({ code: 'UNSUPPORTED' });
  }, 30_000);
  it('a filter missing with newer ffmpeg wording ("Filter not found") -> UNSUPPORTED', async () => {
    const fake = join(dir, 'ffnofilter2.sh');
    writeFileSync(fake, `#!/bin/sh\necho "[fc#0 @ 0x1] Filter not found: blackframe" >&2\nexit 8\n`);
    chmodSync(fake, 0o755);
    const r = await runQc(clip, { ffmpegPath: fake }).then(
      (rep) => rep,
      (e: unknown) => e,
    );
    expect(r).toMatchObject({ code: 'UNSUPPORTED' });
  }, 30_000);
  it('QC timeoutMs -> TIMEOUT, not a report', async () => {
    const fake = join(dir, 'ffsleep.sh');
    writeFileSync(fake, '#!/bin/sh\nsleep 30\n');
    chmodSync(fake, 0o755);
    const r = await runQc(clip, { ffmpegPath: fake, timeoutMs: 500 }).then(
      (rep) => rep,
      (e: unknown) => e,
    );
    expect(r).toMatchObject({ code: 'TIMEOUT' });
    await new Promise((res) => setTimeout(res, 200));
    expect(execSync(`ps -eo args | grep -F ${fake} | grep -v grep || true`).toString().trim()).toBe('');
  }, 30_000);
  it('real ffmpeg SIGKILLed externally mid-decode (OOM-killer style) -> TRANSIENT, not a failing report', async () => {
    const long = join(dir, 'long-kill.mkv');
    ff60(long);
    const p = runQc(long, {}).then(
      (rep) => rep,
      (e: unknown) => e,
    );
    let pid = '';
    for (let i = 0; i < 100 && pid === ''; i++) {
      await new Promise((r) => setTimeout(r, 100));
      pid = execSync(`pgrep -f -- "-i ${long}" || true`).toString().trim().split('\n')[0] ?? '';
      if (pid !== '' && !execSync(`ps -o args= -p ${pid} || true`).toString().includes('ffmpeg')) pid = '';
    }
    expect(pid).not.toBe('');
    await new Promise((r) => setTimeout(r, 300));
    process.kill(Number(pid), 'SIGKILL');
    const r = await p;
    expect(r).toMatchObject({ code: 'TRANSIENT' });
  }, 60_000);
});

function ff60(out: string) {
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc=s=64x36:r=25:d=60',
    '-f',
    'lavfi',
    '-i',
    'sine=d=60',
    '-c:v',
    'ffv1',
    '-c:a',
    'pcm_s16le',
    out,
  ]);
}
