import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FramewiseError, isFramewiseError } from '../errors/index.js';
import { createWatchFolder, TEMPORARY_NAME } from './watch-folder.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'fw-watch-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A watch folder whose ingest records what it was given (and fails names containing "bad"). */
function folder(extra: { stableMs?: number; completionMarker?: string; concurrency?: number } = {}) {
  const calls: string[] = [];
  const watch = createWatchFolder({
    root,
    pollMs: 1_000_000, // polled by hand in these tests
    stableMs: extra.stableMs ?? 0,
    ...(extra.completionMarker ? { completionMarker: extra.completionMarker } : {}),
    ...(extra.concurrency ? { concurrency: extra.concurrency } : {}),
    ingest: async (path, name) => {
      calls.push(name);
      expect(path).toBe(join(root, 'processing', name));
      if (name.includes('bad'))
        throw new FramewiseError('INVALID_INPUT', `${name} is not media`, {
          details: { report: { outcome: 'failed' } },
        });
      return { ok: name };
    },
  });
  return { watch, calls };
}

describe('watch folder', () => {
  it('takes a file only once its size and mtime have stayed the same for stableMs', async () => {
    const { watch, calls } = folder({ stableMs: 300 });
    writeFileSync(join(root, 'clip.mov'), 'part one');
    await watch.start(); // first seen: not stable yet, whatever the clock says
    expect(calls).toEqual([]);
    await sleep(400);
    appendFileSync(join(root, 'clip.mov'), ' and part two'); // still being written
    await watch.poll(); // changed since the last listing: not stable, however long ago that was
    await watch.idle();
    expect(calls).toEqual([]);
    expect(existsSync(join(root, 'clip.mov'))).toBe(true);
    await sleep(400);
    await watch.poll();
    await watch.idle();
    expect(calls).toEqual(['clip.mov']);
    expect(readdirSync(join(root, 'processed')).sort()).toEqual(['clip.mov', 'clip.mov.report.json']);
    expect(readFileSync(join(root, 'processed', 'clip.mov'), 'utf8')).toBe('part one and part two');
    await watch.stop();
  });

  it('ignores hidden and temporary names', async () => {
    const { watch, calls } = folder();
    const ignored = [
      '.hidden.mov',
      'clip.mov.part',
      'clip.mov.tmp',
      '~lock.mov',
      'upload.crdownload',
      'x.filepart',
      'y.mxf.partial',
    ];
    for (const n of ignored) writeFileSync(join(root, n), 'x');
    await watch.start();
    await watch.poll();
    await watch.idle();
    expect(calls).toEqual([]);
    expect(
      readdirSync(root)
        .filter((n) => !['processing', 'processed', 'failed'].includes(n))
        .sort(),
    ).toEqual([...ignored].sort());
    expect(ignored.every((n) => TEMPORARY_NAME.test(n))).toBe(true);
    expect(TEMPORARY_NAME.test('A001C003.mov')).toBe(false);
    await watch.stop();
  });

  it('with a completion marker, waits for it and removes it', async () => {
    const { watch, calls } = folder({ completionMarker: '.done' });
    writeFileSync(join(root, 'clip.mxf'), 'x');
    await watch.start();
    await watch.poll();
    expect(calls).toEqual([]);
    writeFileSync(join(root, 'clip.mxf.done'), '');
    await watch.poll();
    await watch.idle();
    expect(calls).toEqual(['clip.mxf']);
    expect(existsSync(join(root, 'clip.mxf.done'))).toBe(false);
    await watch.stop();
  });

  it('moves failures to failed/ with a reason file, refused names included', async () => {
    const { watch, calls } = folder();
    const failed: string[] = [];
    watch.on('failed', (e) => failed.push(`${e.name}:${e.code}`));
    writeFileSync(join(root, 'bad.mov'), 'x');
    writeFileSync(join(root, 'ctl\u0007.mov'), 'x');
    await watch.start();
    await watch.poll();
    await watch.idle();
    expect(calls).toEqual(['bad.mov']); // the control-character name never reaches ingest
    expect(failed.sort()).toEqual(['bad.mov:INVALID_INPUT', 'ctl\u0007.mov:INVALID_INPUT']);
    const names = readdirSync(join(root, 'failed')).sort();
    expect(names).toContain('bad.mov');
    expect(names).toContain('bad.mov.reason.json');
    expect(names).toContain(`${encodeURIComponent('ctl\u0007.mov')}.reason.json`);
    const reason = JSON.parse(readFileSync(join(root, 'failed', 'bad.mov.reason.json'), 'utf8'));
    expect(reason).toMatchObject({ name: 'bad.mov', code: 'INVALID_INPUT', report: { outcome: 'failed' } });
    await watch.stop();
  });

  it('hands over again what a crash left in processing/, and keeps both of two files with one name', async () => {
    const { watch, calls } = folder();
    await watch.start();
    await watch.stop();
    writeFileSync(join(root, 'processing', 'left.mov'), 'x');
    writeFileSync(join(root, 'processed', 'left.mov'), 'earlier file of the same name');
    const again = folder();
    await again.watch.start();
    await again.watch.idle();
    expect(again.calls).toEqual(['left.mov']);
    expect(calls).toEqual([]);
    expect(readdirSync(join(root, 'processed')).sort()).toEqual(['left.mov', 'left.mov.1', 'left.mov.1.report.json']);
    expect(readdirSync(join(root, 'processing'))).toEqual([]);
    await again.watch.stop();
  });

  it('refuses bad options and a missing folder', async () => {
    expect(() => createWatchFolder({ root, ingest: async () => 1, stableMs: -1 })).toThrow(/stableMs/);
    const missing = createWatchFolder({ root: join(root, 'nope'), ingest: async () => 1 });
    await expect(missing.start()).rejects.toSatisfy((e) => isFramewiseError(e, 'NOT_FOUND'));
  });
});
