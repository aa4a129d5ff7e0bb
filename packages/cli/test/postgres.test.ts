/** Catalog commands against a real PostgreSQL named by URL (`--catalog postgres://…`). */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresCatalogStore } from '@framewise/adapters-storage/postgres';
import { createCatalog } from '@framewise/core/catalog';
import { type PostgresServer, startPostgres } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { framewise } from './run-cli.js';

let pg: PostgresServer;
let url = '';
let versionId = '';
const dir = mkdtempSync(join(tmpdir(), 'framewise-cli-pg-'));

beforeAll(async () => {
  pg = await startPostgres();
  url = pg.createDatabase('cli');
  const store = createPostgresCatalogStore({ connectionString: url });
  const catalog = createCatalog({ store });
  const admin = { id: 'ops', global: 'admin' as const };
  try {
    await catalog.createAsset(admin, {
      id: 'tide',
      project: 'drama',
      kind: 'episode',
      titles: [{ language: 'en', value: 'Low Tide' }],
    });
    versionId = (
      await catalog.addVersion(admin, 'tide', {
        name: 'mezzanine',
        kind: 'mezzanine',
        rate: { num: 30000, den: 1001, dropFrame: true },
        durationFrames: 300,
        startTimecode: '01:00:00;00',
        locations: [],
      })
    ).id;
  } finally {
    await store.close();
  }
});

afterAll(async () => {
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('catalog on PostgreSQL', () => {
  it('exports EBUCore and writes the report from a postgres:// catalog', async () => {
    const xml = join(dir, 'tide.xml');
    const run = await framewise(['ebucore', 'export', '--catalog', url, '--version-id', versionId, '--out', xml]);
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(xml, 'utf8')).toContain('Low Tide');
    const html = join(dir, 'tide.html');
    const report = await framewise(['report', '--version-id', versionId, '--out', html], { FRAMEWISE_CATALOG: url });
    expect(report.code, report.stderr).toBe(0);
    expect(readFileSync(html, 'utf8')).toContain('<h1>Low Tide</h1>');
    const missing = await framewise(['report', '--catalog', url, '--version-id', 'nope', '--out', join(dir, 'x.html')]);
    expect(missing.code).toBe(6); // FORBIDDEN: unknown and unreadable look alike
  });
});
