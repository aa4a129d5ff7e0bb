/**
 * `framewise tc`, run as a process: conversions and drop-frame labels checked against a naive
 * SMPTE ST 12-1 implementation written from the standard (not Framewise's), and bad input.
 */
import { describe, expect, it } from 'vitest';
import { framewise } from './run-cli.js';

/** Drop-frame label of a frame count at 29.97 (2 labels dropped per minute except each tenth), naively. */
function naiveDf2997(frames: number): string {
  let f = frames;
  const perTenMinutes = 17982;
  const perMinute = 1798;
  const tens = Math.floor(f / perTenMinutes);
  const rest = f % perTenMinutes;
  f += 18 * tens + (rest > 1 ? 2 * Math.floor((rest - 2) / perMinute) : 0);
  const ff = f % 30;
  const ss = Math.floor(f / 30) % 60;
  const mm = Math.floor(f / 1800) % 60;
  const hh = Math.floor(f / 108000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(hh)}:${p(mm)}:${p(ss)};${p(ff)}`;
}

describe('framewise tc', () => {
  it('converts 25 fps to 29.97 drop-frame at the same instant (naive oracle)', async () => {
    for (const label of ['10:00:00:00', '00:09:59:24', '01:23:45:12']) {
      const [h, m, s, f] = label.split(':').map(Number) as [number, number, number, number];
      const frames25 = ((h * 60 + m) * 60 + s) * 25 + f;
      // nearest frame at 30000/1001 of the instant frames25 / 25 s (exact halves go up)
      const frames2997 = Math.floor((frames25 * 30000 * 2) / (25 * 1001) + 1) >> 1;
      const run = await framewise(['tc', 'convert', label, '--from', '25', '--to', '29.97df', '--json']);
      expect(run.code, run.stderr).toBe(0);
      const out = run.json<{ output: { timecode: string; frames: number } }>();
      expect(out.output.frames).toBe(frames2997);
      expect(out.output.timecode).toBe(naiveDf2997(frames2997));
    }
  });

  it('adds across a drop-frame minute and diffs ten minutes', async () => {
    const add = await framewise(['tc', 'add', '00:00:59;29', '1', '--rate', '29.97df']);
    expect(add.code).toBe(0);
    expect(add.stdout.trim()).toBe('00:01:00;02');
    const diff = await framewise(['tc', 'diff', '00:00:00;00', '00:10:00;00', '--rate', '29.97df', '--json']);
    expect(diff.code).toBe(0);
    expect(diff.json()).toMatchObject({ frames: 17982, duration: '00:10:00;00' });
    const back = await framewise(['tc', 'add', '--rate', '29.97df', '--json', '00:10:00;00', '--', '-00:10:00;00']);
    expect(back.json()).toMatchObject({ timecode: '00:00:00;00', frames: 0 });
  });

  it('fails at midnight unless asked to wrap', async () => {
    const over = await framewise(['tc', 'add', '23:59:59:24', '1', '--rate', '25']);
    expect(over.code).toBe(2);
    expect(over.stderr).toMatch(/INVALID_INPUT/);
    const wrap = await framewise(['tc', 'add', '23:59:59:24', '1', '--rate', '25', '--wrap']);
    expect(wrap.stdout.trim()).toBe('00:00:00:00');
  });

  it('refuses a label drop-frame skips, with the code and a fix (text and JSON)', async () => {
    const text = await framewise(['tc', 'convert', '00:01:00;00', '--from', '29.97df', '--to', '25']);
    expect(text.code).toBe(2);
    expect(text.stderr).toMatch(/^framewise: INVALID_INPUT: Timecode "00:01:00;00" does not exist at 29.97df/);
    expect(text.stderr).toMatch(/\n {2}fix: /);
    expect(text.stdout).toBe('');
    const json = await framewise(['tc', 'convert', '00:01:00;00', '--from', '29.97df', '--to', '25', '--json']);
    expect(json.code).toBe(2);
    expect(json.json()).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(json.stderr).toBe('');
  });

  it('reports usage errors with exit code 2, in JSON too', async () => {
    const missing = await framewise(['tc', 'convert', '10:00:00:00', '--to', '25']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--from/);
    const unknown = await framewise(['tc', 'bogus', '--json']);
    expect(unknown.code).toBe(2);
    expect(unknown.json()).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const badRate = await framewise(['tc', 'diff', '00:00:00:00', '00:00:01:00', '--rate', '25df']);
    expect(badRate.code).toBe(2);
    expect(badRate.stderr).toMatch(/25df/);
    const help = await framewise(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: framewise/);
  });
});
