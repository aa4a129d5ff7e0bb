/**
 * A watch-folder ingest worker killed mid-ingest (SIGKILL, in its own process) and started again:
 * no file is lost and none is ingested twice — the catalog (PGlite) holds exactly one version per
 * file and storage exactly one object per version.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCatalog } from '@framewise/core/catalog';
import { ffmpegGenerate } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPGliteCatalogStore } from '../src/pglite/index.js';

const here = dirname(fileURLToPath(import.meta.url));
let dir: string;

function start(
  drop: string,
  state: string,
  pause?: string,
): { child: ChildProcess; lines: string[]; until: (text: string) => Promise<void> } {
  const child = spawn(
    process.execPath,
    ['--conditions=@framewise/source', '--import', 'tsx', join(here, 'fixtures/watch-ingest-worker.ts'), drop, state],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: join(here, '..'),
      env: { ...process.env, ...(pause ? { PAUSE: pause } : {}) },
    },
  );
  const lines: string[] = [];
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const waiters: { text: string; resolve: () => void }[] = [];
  let buffer = '';
  child.stdout?.on('data', (d: Buffer) => {
    buffer += d.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const w of waiters.filter((x) => line.startsWith(x.text))) w.resolve();
    }
  });
  const until = (text: string) =>
    new Promise<void>((resolve, reject) => {
      if (lines.some((l) => l.startsWith(text))) return resolve();
      waiters.push({ text, resolve });
      child.once('exit', (code) =>
        reject(new Error(`worker exited (${code}) before "${text}": ${stderr.slice(-2000)}`)),
      );
    });
  return { child, lines, until };
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fw-watch-crash-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('watch folder ingest killed mid-ingest', () => {
  // Generous: each worker start opens PGlite, which takes half a minute on a loaded 2-core machine.
  it.each(['taken', 'ingested'])(
    'killed after "%s": restarted, every file ends in processed/ as one version',
    async (pause) => {
      const drop = join(dir, pause, 'drop');
      const state = join(dir, pause, 'state');
      mkdirSync(drop, { recursive: true });
      mkdirSync(state, { recursive: true });
      await ffmpegGenerate(
        join(drop, 'a.mp4'),
        ['testsrc2=size=160x90:rate=25:duration=1'],
        ['-c:v', 'libx264', '-preset', 'ultrafast', '-timecode', '10:00:00:00'],
      );
      await ffmpegGenerate(
        join(drop, 'b.mp4'),
        ['testsrc2=size=160x90:rate=25:duration=2'],
        ['-c:v', 'libx264', '-preset', 'ultrafast'],
      );

      const first = start(drop, state, pause);
      await first.until(`${pause} a.mp4`);
      await kill(first.child);
      expect(existsSync(join(drop, 'processing', 'a.mp4'))).toBe(true); // claimed, not lost
      expect(existsSync(join(drop, 'processed', 'a.mp4'))).toBe(false);

      const second = start(drop, state);
      await second.until('processed a.mp4');
      await second.until('processed b.mp4');
      await stop(second.child);
      if (pause === 'ingested') expect(second.lines.find((l) => l.startsWith('ingested a.mp4'))).toMatch(/ existing /);

      expect(readdirSync(join(drop, 'processing'))).toEqual([]);
      expect(
        readdirSync(join(drop, 'processed'))
          .filter((n) => n.endsWith('.mp4'))
          .sort(),
      ).toEqual(['a.mp4', 'b.mp4']);
      const store = createPGliteCatalogStore({ dataDir: join(state, 'catalog') });
      try {
        const versions = await createCatalog({ store }).listVersions({ id: 'root', global: 'admin' }, 'show');
        expect(versions).toHaveLength(2);
        expect(new Set(versions.map((v) => v.locations[0]?.checksums.sha256)).size).toBe(2);
        // One stored original per version: what the killed run stored before cataloguing is gone
        // or is the version's own object.
        const stored = readdirSync(join(state, 'storage', 'ingest'), { recursive: true })
          .map(String)
          .filter((p) => p.endsWith('.mp4'));
        expect(stored.length).toBeGreaterThanOrEqual(2);
        const keys = versions.map((v) => v.locations[0]?.key.replace(/^ingest\//, ''));
        for (const k of keys) expect(stored).toContain(k);
      } finally {
        await store.close();
      }
    },
    600_000,
  );
});
