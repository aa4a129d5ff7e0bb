/**
 * One writer process of `pnpm bench catalog`'s write section: argv = connection string, mode
 * (`catalog` or `raw`), project, count. Waits for "go" on stdin, writes, prints the elapsed ms.
 */
import { createPostgresCatalogStore } from '@framewise/adapters-storage/postgres';
import { createCatalog } from '@framewise/core/catalog';
import pg from 'pg';

const [connectionString, mode, project, countText] = process.argv.slice(2) as [string, string, string, string];
const count = Number(countText);
const editor = { id: `w-${project}`, memberships: [{ project, role: 'editor' as const }] };
const input = (i: number) => ({
  project,
  kind: 'clip' as const,
  titles: [{ language: 'en', value: `${project} ${i}` }],
});

if (mode === 'raw') {
  const pool = new pg.Pool({ connectionString, max: 1 });
  const client = await pool.connect();
  await waitGo();
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const id = `${project}-raw-${i}`;
    const doc = JSON.stringify({ id, ...input(i) });
    await client.query('BEGIN');
    await client.query('INSERT INTO raw_assets (id, project, doc) VALUES ($1, $2, $3::jsonb)', [id, project, doc]);
    await client.query('INSERT INTO raw_audit (project, seq, doc) VALUES ($1, $2, $3::jsonb)', [project, i + 1, doc]);
    await client.query('COMMIT');
  }
  process.stdout.write(`${performance.now() - started}\n`);
  client.release();
  await pool.end();
} else {
  const store = createPostgresCatalogStore({ connectionString, maxConnections: 2 });
  const catalog = createCatalog({ store });
  await store.auditHeads();
  await waitGo();
  const started = performance.now();
  for (let i = 0; i < count; i++) await catalog.createAsset(editor, input(i));
  process.stdout.write(`${performance.now() - started}\n`);
  await store.close();
}

function waitGo(): Promise<void> {
  process.stdout.write('ready\n');
  return new Promise((resolve) => process.stdin.once('data', () => resolve()));
}
