import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCatalog } from '@framewise/core/catalog';
import { describe, expect, it } from 'vitest';
import { createPGliteCatalogStore } from '../src/pglite/index.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Start `count` processes that all try to lock `dir` at the same instant; the intervals they held it. */
async function race(
  dir: string,
  count: number,
  holdMs: number,
): Promise<{ held: [number, number][]; refused: number }> {
  const at = Date.now() + 4_000 + count * 400;
  const outputs = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<string>((resolve, reject) => {
          const child = spawn(
            process.execPath,
            [
              '--conditions=@framewise/source',
              '--import',
              'tsx',
              join(here, 'fixtures/dir-lock-racer.ts'),
              dir,
              String(at),
              String(holdMs),
            ],
            { stdio: ['ignore', 'pipe', 'pipe'], cwd: join(here, '..') },
          );
          let out = '';
          let err = '';
          child.stdout.on('data', (d: Buffer) => {
            out += d.toString();
          });
          child.stderr.on('data', (d: Buffer) => {
            err += d.toString();
          });
          child.once('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`racer ${code}: ${err}`))));
        }),
    ),
  );
  const held = outputs
    .filter((o) => o.startsWith('got'))
    .map((o) => o.split(' ').slice(1).map(Number) as [number, number]);
  expect(
    outputs.filter((o) => !o.startsWith('got')).every((o) => o === 'refused CONFLICT'),
    outputs.join('\n'),
  ).toBe(true);
  return { held, refused: outputs.length - held.length };
}

function overlapping(held: [number, number][]): number {
  return held.filter((a) => held.some((b) => b !== a && a[0] < b[1] && b[0] < a[1])).length;
}

describe('PGlite data directory lock under a race', () => {
  it('processes racing for a fresh directory: never two holders at once', async () => {
    for (let round = 0; round < 2; round++) {
      const dir = mkdtempSync(join(tmpdir(), 'framewise-pglite-race-'));
      const { held } = await race(dir, 4, 1_500);
      expect(held.length).toBeGreaterThanOrEqual(1);
      expect(overlapping(held), JSON.stringify(held)).toBe(0);
    }
  }, 120_000);

  it('processes racing to take over a stale lock: never two holders at once', async () => {
    // The pid of a process that has exited.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    for (let round = 0; round < 2; round++) {
      const dir = mkdtempSync(join(tmpdir(), 'framewise-pglite-stale-'));
      writeFileSync(
        join(dir, 'framewise.lock'),
        JSON.stringify({ pid: deadPid, host: hostname(), since: new Date(0).toISOString() }),
      );
      const { held } = await race(dir, 4, 1_500);
      expect(held.length).toBeGreaterThanOrEqual(1);
      expect(overlapping(held), JSON.stringify(held)).toBe(0);
    }
  }, 120_000);

  it('a second store on the same directory in the same process is refused too, and may open after close', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'framewise-pglite-same-')), 'db');
    const editor = { id: 'e', memberships: [{ project: 'p', role: 'editor' as const }] };
    const input = { project: 'p', kind: 'clip' as const, titles: [{ language: 'en', value: 'x' }] };
    const first = createPGliteCatalogStore({ dataDir });
    await createCatalog({ store: first }).createAsset(editor, input);
    const second = createPGliteCatalogStore({ dataDir });
    await expect(createCatalog({ store: second }).createAsset(editor, input)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(String(process.pid)),
    });
    await second.close?.();
    await first.close?.();
    const third = createPGliteCatalogStore({ dataDir });
    const c = createCatalog({ store: third });
    await c.createAsset(editor, input);
    expect((await c.searchAssets(editor, {})).items).toHaveLength(2);
    expect((await c.verifyAuditTrail({ id: 'a', global: 'auditor' })).ok).toBe(true);
    await third.close?.();
  }, 60_000);
});
