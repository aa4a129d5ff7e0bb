/**
 * The write section of `pnpm bench catalog` (PostgreSQL): raw `pg` inserts (the same rows, one
 * transaction each) as the practical limit, `createAsset` from 1 and 4 processes, bulk annotations,
 * a one-row write while another project bulk-loads, and `contains` at every position of a
 * 40,000-annotation version.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPostgresCatalogStore } from '@framewise/adapters-storage/postgres';
import type { AnnotationInput } from '@framewise/core/assets';
import { createCatalog } from '@framewise/core/catalog';
import pg from 'pg';

const here = dirname(fileURLToPath(import.meta.url));
const admin = { id: 'bench', global: 'admin' as const };

/** Run `n` writer processes at once; the rate is all their writes over the slowest one's time. */
async function writers(connectionString: string, mode: 'raw' | 'catalog', n: number, count: number, tag: string) {
  const children = Array.from({ length: n }, (_, i) =>
    spawn(
      process.execPath,
      [...process.execArgv, join(here, 'catalog-writer.ts'), connectionString, mode, `${tag}${i}`, String(count)],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    ),
  );
  const outputs = children.map((c) => {
    let text = '';
    c.stdout.on('data', (d: Buffer) => {
      text += d.toString();
    });
    return {
      ready: new Promise<void>((resolve) => {
        const check = () => (text.includes('ready') ? resolve() : setTimeout(check, 20));
        check();
      }),
      done: new Promise<number>((resolve, reject) =>
        c.once('exit', (code) =>
          code === 0 ? resolve(Number(text.split('\n')[1])) : reject(new Error(`writer exited ${code}`)),
        ),
      ),
    };
  });
  await Promise.all(outputs.map((o) => o.ready));
  for (const c of children) c.stdin.write('go\n');
  const ms = Math.max(...(await Promise.all(outputs.map((o) => o.done))));
  return (n * count) / (ms / 1000);
}

const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))] ?? 0;

function notes(n: number, versionFrames: number, offset = 0): AnnotationInput[] {
  return Array.from({ length: n }, (_, i) => ({
    type: 'note' as const,
    start: Math.floor(((i + offset) * versionFrames) / (n + offset)) % (versionFrames - 10),
    duration: 10,
    text: `note ${i}`,
    provenance: { kind: 'person' as const, id: 'bench' },
  }));
}

/** The write measurements, on a fresh database of `connectionString`. */
export async function measureWrites(connectionString: string, perProcess: number): Promise<Record<string, number>> {
  const pool = new pg.Pool({ connectionString, max: 2 });
  await pool.query(
    'CREATE TABLE IF NOT EXISTS raw_assets (id text PRIMARY KEY, project text NOT NULL, doc jsonb NOT NULL); CREATE TABLE IF NOT EXISTS raw_audit (project text, seq bigint, doc jsonb NOT NULL, PRIMARY KEY (project, seq))',
  );
  const store = createPostgresCatalogStore({ connectionString, maxConnections: 8 });
  const catalog = createCatalog({ store });
  await store.auditHeads();
  const raw1 = await writers(connectionString, 'raw', 1, perProcess, 'raw');
  const create1 = await writers(connectionString, 'catalog', 1, perProcess, 'one');
  const create4 = await writers(connectionString, 'catalog', 4, perProcess, 'four');
  console.log(
    `writes: raw ${raw1.toFixed(0)}/s, createAsset 1 process ${create1.toFixed(0)}/s, 4 processes ${create4.toFixed(0)}/s`,
  );

  // Bulk annotations: 50,000 on one version, in batches of 10,000.
  const rate = { num: 25, den: 1, dropFrame: false };
  const frames = 25 * 3600 * 10;
  const bulkAsset = await catalog.createAsset(admin, {
    project: 'bulk',
    kind: 'clip',
    titles: [{ language: 'en', value: 'Bulk' }],
  });
  const bulkVersion = await catalog.addVersion(admin, bulkAsset.id, {
    name: 'm',
    kind: 'master',
    rate,
    durationFrames: frames,
  });
  const all = notes(50_000, frames);
  const started = performance.now();
  for (let i = 0; i < all.length; i += 10_000)
    await catalog.addAnnotations(admin, bulkVersion.id, all.slice(i, i + 10_000));
  const bulkPerSecond = all.length / ((performance.now() - started) / 1000);
  console.log(`bulk annotations: ${bulkPerSecond.toFixed(0)}/s`);

  // A one-row write in project "solo" while project "loader" bulk-loads 40,000 annotations.
  const loaderAsset = await catalog.createAsset(admin, {
    project: 'loader',
    kind: 'clip',
    titles: [{ language: 'en', value: 'L' }],
  });
  const loaderVersion = await catalog.addVersion(admin, loaderAsset.id, {
    name: 'm',
    kind: 'master',
    rate,
    durationFrames: frames,
  });
  const solo = await catalog.createAsset(admin, {
    project: 'solo',
    kind: 'clip',
    titles: [{ language: 'en', value: 'S' }],
  });
  let loading = true;
  const load = (async () => {
    const batch = notes(40_000, frames);
    for (let i = 0; i < batch.length; i += 10_000)
      await catalog.addAnnotations(admin, loaderVersion.id, batch.slice(i, i + 10_000));
    loading = false;
  })();
  const latencies: number[] = [];
  for (let i = 0; loading || latencies.length < 20; i++) {
    const t = performance.now();
    await catalog.updateAsset(admin, solo.id, { keywords: [`k${i}`] });
    latencies.push(performance.now() - t);
  }
  await load;
  const writeP99 = p99(latencies);
  console.log(
    `one-row write during another project's bulk load: p99 ${writeP99.toFixed(1)} ms over ${latencies.length}`,
  );

  // contains on the 40,000-annotation version, near the start, middle and end.
  const position: Record<string, number> = {};
  for (const [name, at] of [
    ['start', 0.01],
    ['middle', 0.5],
    ['end', 0.99],
  ] as const) {
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const frame = Math.floor(frames * at) + i;
      const t = performance.now();
      await catalog.findAnnotations(admin, { versionId: loaderVersion.id, contains: frame });
      times.push(performance.now() - t);
    }
    position[name] = p99(times);
  }
  console.log(`contains p99 on a 40k-annotation version: ${JSON.stringify(position)}`);
  await store.close();
  await pool.end();
  return {
    raw_per_second: Math.round(raw1),
    create_asset_1_process_per_second: Math.round(create1),
    create_asset_4_processes_per_second: Math.round(create4),
    create_vs_raw: Number((create1 / raw1).toFixed(2)),
    four_vs_one: Number((create4 / create1).toFixed(2)),
    bulk_annotations_per_second: Math.round(bulkPerSecond),
    write_during_bulk_p99_ms: Number(writeP99.toFixed(1)),
    contains_p99_ms_start: Number((position.start ?? 0).toFixed(2)),
    contains_p99_ms_middle: Number((position.middle ?? 0).toFixed(2)),
    contains_p99_ms_end: Number((position.end ?? 0).toFixed(2)),
  };
}
