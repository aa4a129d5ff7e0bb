import { execFileSync } from 'node:child_process';
import { closeSync, constants, existsSync, mkdtempSync, openSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { correctLoudness, EBU_R128, loudnessOnlyPolicy, planLoudnessCorrection, runQc } from '../../src/index.js';
import { monoTracks } from './helpers.js';

let dir: string;
let src: string;
let plan: ReturnType<typeof planLoudnessCorrection>;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'indep-corr-'));
  src = join(dir, 'quiet.mkv');
  monoTracks(src, ['0.02*sin(2*PI*1000*t)', '0.02*sin(2*PI*1000*t)'], 'pcm_s16le', 2);
  plan = planLoudnessCorrection((await runQc(src, { policy: loudnessOnlyPolicy(EBU_R128) })).loudness, EBU_R128);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('independent: correctLoudness paths and failures', () => {
  for (const out of ['pipe:1', 'subfile,,start,0,end,9,,:x.mkv', 'file:x.mkv', 'tee:a.mkv|b.mkv'])
    it(`refuses output ${out}`, async () => {
      await expect(correctLoudness(src, out, plan)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    });
  it('refuses a FIFO input promptly', async () => {
    const f = join(dir, 'fifo.mkv');
    execFileSync('mkfifo', [f]);
    const outcome = await Promise.race([
      correctLoudness(f, join(dir, 'o.mkv'), plan).then(
        () => 'resolved',
        (e: { code?: string }) => e.code,
      ),
      new Promise((r) => setTimeout(() => r('still blocked after 5 s'), 5000)),
    ]);
    // Unblock whatever opened the FIFO (ffprobe ignores SIGTERM while blocked in open()), so nothing is left behind.
    try {
      closeSync(openSync(f, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      /* no reader: nothing blocked */
    }
    expect(outcome).toBe('INVALID_INPUT');
  }, 15_000);
  it('ffmpeg killed by a signal during correction -> TRANSIENT and no output left', async () => {
    const fake = join(dir, 'k.sh');
    execFileSync('sh', ['-c', `printf '#!/bin/sh\\nkill -9 $$\\n' > ${fake}; chmod +x ${fake}`]);
    const out = join(dir, 'killed.mkv');
    await expect(correctLoudness(src, out, plan, { ffmpegPath: fake })).rejects.toMatchObject({ code: 'TRANSIENT' });
    expect(readdirSync(dir).filter((n) => n.startsWith('killed'))).toEqual([]);
  });
  it('abort during correction -> CANCELLED, no output', async () => {
    const ac = new AbortController();
    const out = join(dir, 'aborted.mkv');
    const p = correctLoudness(src, out, plan, { signal: ac.signal } as never);
    setTimeout(() => ac.abort(), 150);
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((n) => n.startsWith('aborted'))).toEqual([]);
  }, 30_000);
});
