/**
 * The write section of `pnpm bench catalog` (PostgreSQL): raw `pg` inserts (the same rows, one
 * transaction each) as the practical limit, `createAsset` from 1 and 4 processes, bulk annotations,
 * a one-row write while another project bulk-loads, and `contains` near the start, middle and end
 * of a 40,000-annotation version (with the plan PostgreSQL chose). The machine is shared, so the
 * rounds of ours and the baseline are interleaved, and every figure comes with the client CPU time
 * and the load average.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPostgresCatalogStore } from '@framewise/adapters-storage/postgres';
import type { AnnotationInput } from '@framewise/core/assets';
import { createCatalog } from '@framewise/core/catalog';
import pg from 'pg';
import { annotationQuery } from '../packages/adapters-storage/src/sql/search-sql.js';
import { backendCpu } from './server-cpu.js';

const here = dirname(fileURLToPath(import.meta.url));
const admin = { id: 'bench', global: 'admin' as const };
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

/** One round of `n` writer processes: the rate is all their writes over the slowest one's time. */
interface WriterRound {
  readonly perSecond: number;
  /** Client CPU (user + system, all writer processes) per write, ms. */
  readonly cpuMsPerWrite: number;
  /** CPU of the writers' PostgreSQL backends per write, ms. */
  readonly serverCpuMsPerWrite: number;
  readonly wallMs: number;
  readonly load: string;
}

/**
 * Run `n` writer processes at once. They are started with tsx's loader and the workspace source
 * condition explicitly (the bench's own `execArgv` comes from the tsx CLI, whose preflight expects
 * to talk to its parent), connect, and start writing together on "go".
 */
async function writers(
  connectionString: string,
  mode: 'raw' | 'catalog' | 'bulk',
  n: number,
  count: number,
  tag: string,
  project?: string,
  onGo?: () => void,
): Promise<WriterRound> {
  const children = Array.from({ length: n }, (_, i) =>
    spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=@framewise/source',
        join(here, 'catalog-writer.ts'),
        connectionString,
        mode,
        project ?? `${tag}${i}`,
        String(count),
      ],
      { cwd: here, stdio: ['pipe', 'pipe', 'inherit'] },
    ),
  );
  const outputs = children.map((c) => {
    let text = '';
    c.stdout.on('data', (d: Buffer) => {
      text += d.toString();
    });
    return {
      ready: new Promise<void>((resolve, reject) => {
        c.once('exit', (code) => reject(new Error(`writer exited ${code} before it was ready`)));
        const check = () => (text.includes('ready') ? resolve() : setTimeout(check, 20));
        check();
      }),
      done: new Promise<{ ms: number; cpuMs: number; serverCpuMs: number }>((resolve, reject) =>
        c.once('exit', (code) =>
          code === 0
            ? resolve(JSON.parse(text.split('\n')[1] ?? '') as { ms: number; cpuMs: number; serverCpuMs: number })
            : reject(new Error(`writer exited ${code}`)),
        ),
      ),
    };
  });
  await Promise.all(outputs.map((o) => o.ready));
  const before = load();
  for (const c of children) c.stdin.end('go\n');
  onGo?.();
  const results = await Promise.all(outputs.map((o) => o.done));
  const wallMs = Math.max(...results.map((r) => r.ms));
  const cpuMs = results.reduce((sum, r) => sum + r.cpuMs, 0);
  const serverCpuMs = results.reduce((sum, r) => sum + r.serverCpuMs, 0);
  return {
    perSecond: (n * count) / (wallMs / 1000),
    cpuMsPerWrite: cpuMs / (n * count),
    serverCpuMsPerWrite: serverCpuMs / (n * count),
    wallMs,
    load: before,
  };
}

const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))] ?? 0;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

function notes(n: number, versionFrames: number): AnnotationInput[] {
  return Array.from({ length: n }, (_, i) => ({
    type: 'note' as const,
    start: Math.floor((i * versionFrames) / n) % (versionFrames - 10),
    duration: 10,
    text: `note ${i}`,
    provenance: { kind: 'person' as const, id: 'bench' },
  }));
}

function cpuSince(cpu: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / 1000;
}

/** The write measurements, on a fresh database of `connectionString`; `rounds` interleaved rounds. */
export async function measureWrites(
  connectionString: string,
  perProcess: number,
  rounds = 3,
): Promise<Record<string, number | string>> {
  const pool = new pg.Pool({ connectionString, max: 2 });
  await pool.query(
    'CREATE TABLE IF NOT EXISTS raw_assets (id text PRIMARY KEY, project text NOT NULL, doc jsonb NOT NULL); CREATE TABLE IF NOT EXISTS raw_audit (project text, seq bigint, doc jsonb NOT NULL, PRIMARY KEY (project, seq))',
  );
  // This process's catalog connections carry a name, so their backends' CPU can be read.
  const main = new URL(connectionString);
  main.searchParams.set('application_name', 'fw-bench-main');
  const store = createPostgresCatalogStore({ connectionString: main.toString(), maxConnections: 8 });
  const serverCpu = backendCpu(connectionString, 'fw-bench-main');
  const catalog = createCatalog({ store });
  await store.auditHeads();

  // createAsset vs raw, 1 and 4 processes, interleaved: raw1, ours1, raw4, ours4 per round.
  const runs: Record<'raw1' | 'ours1' | 'raw4' | 'ours4', WriterRound[]> = { raw1: [], ours1: [], raw4: [], ours4: [] };
  for (let r = 0; r < rounds; r++) {
    runs.raw1.push(await writers(connectionString, 'raw', 1, perProcess, `r${r}raw1-`));
    runs.ours1.push(await writers(connectionString, 'catalog', 1, perProcess, `r${r}one-`));
    runs.raw4.push(await writers(connectionString, 'raw', 4, perProcess, `r${r}raw4-`));
    runs.ours4.push(await writers(connectionString, 'catalog', 4, perProcess, `r${r}four-`));
    console.log(
      `  round ${r + 1}: ${Object.entries(runs)
        .map(([k, v]) => {
          const x = v[r] as WriterRound;
          return `${k} ${x.perSecond.toFixed(0)}/s (cpu ${x.cpuMsPerWrite.toFixed(2)} ms/write, server ${x.serverCpuMsPerWrite.toFixed(2)})`;
        })
        .join(', ')}; load ${runs.raw1[r]?.load}`,
    );
  }
  const med = (k: keyof typeof runs) => median(runs[k].map((x) => x.perSecond));
  const medCpu = (k: keyof typeof runs) => median(runs[k].map((x) => x.cpuMsPerWrite));
  const medServerCpu = (k: keyof typeof runs) => median(runs[k].map((x) => x.serverCpuMsPerWrite));
  const ratios = Array.from({ length: rounds }, (_, r) => ({
    createVsRaw: (runs.ours1[r] as WriterRound).perSecond / (runs.raw1[r] as WriterRound).perSecond,
    fourVsOne: (runs.ours4[r] as WriterRound).perSecond / (runs.ours1[r] as WriterRound).perSecond,
  }));
  console.log(
    `writes (median of ${rounds} rounds): raw 1 process ${med('raw1').toFixed(0)}/s, createAsset 1 process ${med('ours1').toFixed(0)}/s (${median(ratios.map((x) => x.createVsRaw)).toFixed(2)}× raw), raw 4 processes ${med('raw4').toFixed(0)}/s, createAsset 4 processes ${med('ours4').toFixed(0)}/s (${median(ratios.map((x) => x.fourVsOne)).toFixed(2)}× one)`,
  );

  // Bulk annotations: 50,000 on one version, in batches of 10,000, per round.
  const rate = { num: 25, den: 1, dropFrame: false };
  const frames = 25 * 3600 * 10;
  const newVersion = async (project: string) => {
    const asset = await catalog.createAsset(admin, {
      project,
      kind: 'clip',
      titles: [{ language: 'en', value: project }],
    });
    return catalog.addVersion(admin, asset.id, { name: 'm', kind: 'master', rate, durationFrames: frames });
  };
  const bulkRates: number[] = [];
  const bulkCpu: number[] = [];
  const bulkServerCpu: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const version = await newVersion(`bulk${r}`);
    const all = notes(50_000, frames);
    const before = load();
    await serverCpu.start();
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < all.length; i += 10_000)
      await catalog.addAnnotations(admin, version.id, all.slice(i, i + 10_000));
    const ms = performance.now() - started;
    const clientMs = cpuSince(cpu);
    const serverMs = await serverCpu.since();
    bulkRates.push(all.length / (ms / 1000));
    bulkCpu.push(clientMs);
    bulkServerCpu.push(serverMs);
    console.log(
      `  bulk round ${r + 1}: ${(all.length / (ms / 1000)).toFixed(0)} annotations/s, wall ${ms.toFixed(0)} ms, client cpu ${clientMs.toFixed(0)} ms (${((clientMs * 1000) / all.length).toFixed(1)} µs/row), server backend cpu ${serverMs.toFixed(0)} ms (${((serverMs * 1000) / all.length).toFixed(1)} µs/row); load ${before}`,
    );
  }
  const bulkPerSecond = median(bulkRates);
  console.log(`bulk annotations (median of ${rounds}): ${bulkPerSecond.toFixed(0)}/s`);

  // A one-row write in project "solo" while project "loader" bulk-loads 40,000 annotations; the
  // same writes with nothing loading, for comparison.
  const loaderVersion = await newVersion('loader');
  const solo = await catalog.createAsset(admin, {
    project: 'solo',
    kind: 'clip',
    titles: [{ language: 'en', value: 'S' }],
  });
  const quiet: number[] = [];
  for (let i = 0; i < 100; i++) {
    const t = performance.now();
    await catalog.updateAsset(admin, solo.id, { keywords: [`q${i}`] });
    quiet.push(performance.now() - t);
  }
  // The loader is another process (as another project's importer would be), so the one-row
  // writes here wait only for the database, not for the loader's JavaScript.
  const loadBefore = load();
  let loading = true;
  let go: () => void = () => undefined;
  const going = new Promise<void>((resolve) => {
    go = resolve;
  });
  const loaded = writers(connectionString, 'bulk', 1, 40_000, '', loaderVersion.id, () => go()).finally(() => {
    loading = false;
  });
  await going;
  // Sample what this process's backends wait for while the other project loads: a lock wait
  // would show as wait_event_type 'Lock'.
  const sampler = new pg.Client({ connectionString });
  await sampler.connect();
  const waits = new Map<string, number>();
  const sampling = (async () => {
    while (loading) {
      const { rows } = await sampler.query<{ w: string }>(
        `SELECT coalesce(wait_event_type, 'CPU') || ':' || coalesce(wait_event, '-') AS w FROM pg_stat_activity
         WHERE application_name = 'fw-bench-main' AND state = 'active'`,
      );
      for (const row of rows) waits.set(row.w, (waits.get(row.w) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  const latencies: number[] = [];
  for (let i = 0; loading || latencies.length < 20; i++) {
    const t = performance.now();
    await catalog.updateAsset(admin, solo.id, { keywords: [`k${i}`] });
    latencies.push(performance.now() - t);
  }
  const loaderRound = await loaded;
  await sampling;
  await sampler.end();
  const lockWaits = [...waits].filter(([w]) => w.startsWith('Lock:')).reduce((n, [, c]) => n + c, 0);
  console.log(
    `  one-row writer's backend while active (samples by wait event): ${JSON.stringify(Object.fromEntries(waits))}`,
  );
  const writeP99 = p99(latencies);
  console.log(
    `one-row write during another project's bulk load: p50 ${median(latencies).toFixed(1)} ms, p99 ${writeP99.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms over ${latencies.length}, while the loader wrote ${loaderRound.perSecond.toFixed(0)} annotations/s (its client ${(loaderRound.cpuMsPerWrite * 1000).toFixed(1)} µs/row, its backend ${(loaderRound.serverCpuMsPerWrite * 1000).toFixed(1)} µs/row of CPU) (quiet: p50 ${median(quiet).toFixed(1)} ms, p99 ${p99(quiet).toFixed(1)} ms); load ${loadBefore}`,
  );

  // contains on the 40,000-annotation version near the start, middle and end, interleaved.
  await pool.query('ANALYZE');
  const positions = [
    ['start', 0.01],
    ['middle', 0.5],
    ['end', 0.99],
  ] as const;
  const times: Record<string, number[]> = { start: [], middle: [], end: [] };
  for (let i = 0; i < 30; i++)
    await catalog.findAnnotations(admin, { versionId: loaderVersion.id, contains: Math.floor(frames * 0.5) + i });
  const containsCpu = process.cpuUsage();
  for (let i = 0; i < 300; i++) {
    for (const [name, at] of positions) {
      const frame = Math.floor(frames * at) + i;
      const t = performance.now();
      await catalog.findAnnotations(admin, { versionId: loaderVersion.id, contains: frame });
      (times[name] as number[]).push(performance.now() - t);
    }
  }
  const containsCpuMs = cpuSince(containsCpu) / 900;
  const position = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, p99(v)])) as Record<string, number>;
  const positionP50 = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])) as Record<
    string,
    number
  >;
  console.log(
    `contains on a 40k-annotation version (300 each, through the Catalog): p50 ${JSON.stringify(positionP50, (_, v) => (typeof v === 'number' ? Number(v.toFixed(2)) : v))}, p99 ${JSON.stringify(position, (_, v) => (typeof v === 'number' ? Number(v.toFixed(2)) : v))}; client cpu ${containsCpuMs.toFixed(2)} ms/query; load ${load()}`,
  );
  // The store's own SQL for the query, explained at each position.
  const planMs: Record<string, number> = {};
  for (const [name, at] of positions) {
    const statement = annotationQuery('framewise', {
      versionId: loaderVersion.id,
      containsFrame: Math.floor(frames * at),
      limit: 100,
    } as never);
    const explained = await pool.query(`EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`, [...statement.params]);
    const lines = explained.rows.map((row) => String(row['QUERY PLAN']));
    planMs[name] = Number(/Execution Time: ([\d.]+)/.exec(lines.join('\n'))?.[1] ?? Number.NaN);
    if (name === 'end') console.log(`  plan at the end:\n    ${lines.join('\n    ')}`);
  }
  console.log(`  server execution time: ${JSON.stringify(planMs)} ms`);
  await store.close();
  await serverCpu.close();
  await pool.end();
  const round = (x: number, d = 2) => Number(x.toFixed(d));
  return {
    rounds,
    per_process: perProcess,
    raw_1_process_per_second: Math.round(med('raw1')),
    create_asset_1_process_per_second: Math.round(med('ours1')),
    raw_4_processes_per_second: Math.round(med('raw4')),
    create_asset_4_processes_per_second: Math.round(med('ours4')),
    create_vs_raw: round(median(ratios.map((x) => x.createVsRaw))),
    four_vs_one: round(median(ratios.map((x) => x.fourVsOne))),
    raw_cpu_ms_per_write: round(medCpu('raw1'), 3),
    create_cpu_ms_per_write: round(medCpu('ours1'), 3),
    raw_server_cpu_ms_per_write: round(medServerCpu('raw1'), 3),
    create_server_cpu_ms_per_write: round(medServerCpu('ours1'), 3),
    bulk_annotations_per_second: Math.round(bulkPerSecond),
    bulk_client_cpu_ms: Math.round(median(bulkCpu)),
    bulk_client_cpu_us_per_row: round((median(bulkCpu) * 1000) / 50_000, 1),
    bulk_server_cpu_us_per_row: round((median(bulkServerCpu) * 1000) / 50_000, 1),
    write_during_bulk_p99_ms: round(writeP99, 1),
    write_during_bulk_lock_wait_samples: lockWaits,
    write_quiet_p99_ms: round(p99(quiet), 1),
    contains_p99_ms_start: round(position.start ?? 0),
    contains_p99_ms_middle: round(position.middle ?? 0),
    contains_p99_ms_end: round(position.end ?? 0),
    contains_server_ms_start: round(planMs.start ?? 0, 3),
    contains_server_ms_end: round(planMs.end ?? 0, 3),
    load: load(),
  };
}
