import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCatalog } from '@framewise/core/catalog';
import { describe, expect, it } from 'vitest';
import { createPGliteCatalogStore } from '../src/pglite/index.js';

const here = dirname(fileURLToPath(import.meta.url));

describe('PGlite data directory lock', () => {
  it('refuses a second process with CONFLICT naming the holder, and takes over once the holder died', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'framewise-pglite-lock-')), 'db');
    const child = spawn(
      process.execPath,
      ['--conditions=@framewise/source', '--import', 'tsx', join(here, 'fixtures/pglite-holder.ts'), dataDir],
      { stdio: ['ignore', 'pipe', 'pipe'], cwd: join(here, '..') },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
        child.once('exit', (code) => reject(new Error(`holder exited ${code}: ${stderr}`)));
      });
      const second = createPGliteCatalogStore({ dataDir });
      const editor = { id: 'second', memberships: [{ project: 'p', role: 'editor' as const }] };
      const attempt = createCatalog({ store: second }).createAsset(editor, {
        project: 'p',
        kind: 'clip',
        titles: [{ language: 'en', value: 'Refused' }],
      });
      await expect(attempt).rejects.toMatchObject({
        code: 'CONFLICT',
        message: expect.stringContaining(`in use by process ${child.pid}`),
        details: { holder: { pid: child.pid } },
      });
      await second.close();
      child.kill('SIGKILL');
      await exited;
      // The holder died without releasing: its lock is stale and taken over.
      const third = createPGliteCatalogStore({ dataDir });
      const asset = await createCatalog({ store: third }).createAsset(editor, {
        project: 'p',
        kind: 'clip',
        titles: [{ language: 'en', value: 'After' }],
      });
      expect(asset.titles[0]?.value).toBe('After');
      await third.close();
      expect(existsSync(join(dataDir, 'framewise.lock'))).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);
});
