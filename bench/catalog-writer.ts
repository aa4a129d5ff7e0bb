/**
 * One writer process of `pnpm bench catalog`'s write section: argv = connection string, mode
 * (`catalog`, `raw`, or `bulk`: annotations onto the version given as project), project, count. Connects, prints "ready", waits for "go" on stdin, writes,
 * then prints one JSON line: elapsed wall ms, the process's CPU ms (user + system) for the writes,
 * and the CPU ms its PostgreSQL backends spent meanwhile (from /proc: the server is local).
 */
import { createPostgresCatalogStore } from '@framewise/adapters-storage/postgres';
import { createCatalog } from '@framewise/core/catalog';
import pg from 'pg';
import { backendCpu } from './server-cpu.js';

const [baseConnectionString, mode, project, countText] = process.argv.slice(2) as [string, string, string, string];
// Every connection of this writer carries its name, so its backends can be found for their CPU time.
const appName = `fw-bench-${process.pid}`;
const connectionString = (() => {
  const url = new URL(baseConnectionString);
  url.searchParams.set('application_name', appName);
  return url.toString();
})();
const server = backendCpu(baseConnectionString, appName);
const count = Number(countText);
const editor = { id: `w-${project}`, memberships: [{ project, role: 'editor' as const }] };
const input = (i: number) => ({
  project,
  kind: 'clip' as const,
  titles: [{ language: 'en', value: `${project} ${i}` }],
});

async function report(started: number, cpu: NodeJS.CpuUsage): Promise<void> {
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const serverCpuMs = await server.since();
  await server.close();
  process.stdout.write(`${JSON.stringify({ ms, cpuMs: (used.user + used.system) / 1000, serverCpuMs })}\n`);
}

if (mode === 'raw') {
  const pool = new pg.Pool({ connectionString, max: 1 });
  const client = await pool.connect();
  // One untimed write, as for the catalog writer.
  await client.query('INSERT INTO raw_assets (id, project, doc) VALUES ($1, $2, $3::jsonb)', [
    `${project}-raw-warm`,
    project,
    '{}',
  ]);
  await waitGo();
  await server.start();
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const id = `${project}-raw-${i}`;
    const doc = JSON.stringify({ id, ...input(i) });
    await client.query('BEGIN');
    await client.query('INSERT INTO raw_assets (id, project, doc) VALUES ($1, $2, $3::jsonb)', [id, project, doc]);
    await client.query('INSERT INTO raw_audit (project, seq, doc) VALUES ($1, $2, $3::jsonb)', [project, i + 1, doc]);
    await client.query('COMMIT');
  }
  await report(started, cpu);
  client.release();
  await pool.end();
} else if (mode === 'bulk') {
  // `project` is the version id here: load `count` annotations onto it in batches of 10,000.
  const store = createPostgresCatalogStore({ connectionString, maxConnections: 2 });
  const catalog = createCatalog({ store });
  const admin = { id: 'bulk-loader', global: 'admin' as const };
  await store.auditHeads();
  await waitGo();
  await server.start();
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < count; i += 10_000) {
    const batch = Array.from({ length: Math.min(10_000, count - i) }, (_, k) => ({
      type: 'note' as const,
      start: ((i + k) * 87) % 899_990,
      duration: 10,
      text: `note ${i + k}`,
      provenance: { kind: 'person' as const, id: 'bench' },
    }));
    await catalog.addAnnotations(admin, project, batch);
  }
  await report(started, cpu);
  await store.close();
} else {
  const store = createPostgresCatalogStore({ connectionString, maxConnections: 2 });
  const catalog = createCatalog({ store });
  await store.auditHeads();
  // One untimed write: the first transaction pays for connection set-up and JIT warm-up.
  await catalog.createAsset(editor, input(-1));
  await waitGo();
  await server.start();
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < count; i++) await catalog.createAsset(editor, input(i));
  await report(started, cpu);
  await store.close();
}

function waitGo(): Promise<void> {
  process.stdout.write('ready\n');
  // Stop reading stdin once told to go: an open, flowing stdin would keep the process alive.
  return new Promise((resolve) =>
    process.stdin.once('data', () => {
      process.stdin.pause();
      process.stdin.destroy();
      resolve();
    }),
  );
}
