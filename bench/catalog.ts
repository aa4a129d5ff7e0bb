/**
 * `pnpm bench catalog [--assets N] [--per-version N] [--stores memory,pglite,postgres]`
 *
 * Loads N assets (default 100 000), one version each, and N × per-version annotations (default
 * 10: one million) into each store, then measures p50/p99 latency through the public Catalog API
 * of: a timecode point query (annotations containing a frame on a version), a timecode range query
 * (annotations overlapping a range), and a metadata filter (kind + genre + word, sorted, first
 * page). Each is compared with a naive full scan in the same run: a linear scan over every record
 * in memory, and the same SQL with index scans disabled on PostgreSQL and PGlite.
 *
 * With PostgreSQL, the same run also measures writes (`--writes N` createAsset per process,
 * default 500; see catalog-writes.ts): raw pg inserts, createAsset from 1 and 4 processes, bulk
 * annotations, a one-row write during another project's bulk load, contains by position, in
 * `--rounds N` interleaved rounds (default 3). `--stores writes` runs the write section alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPGliteCatalogStore } from '@framewise/adapters-storage/pglite';
import { createPostgresCatalogStore } from '@framewise/adapters-storage/postgres';
import { annotationMatches, assetMatches, indexAnnotation, indexAsset } from '@framewise/core/adapter-kit';
import type { Annotation, Asset, Version } from '@framewise/core/assets';
import { type CatalogStore, createCatalog, createMemoryCatalogStore } from '@framewise/core/catalog';
import { randomAsset, rng } from '@framewise/core/testing';
import { startPostgres } from '@framewise/test-support';
import pg from 'pg';
import { measureWrites } from './catalog-writes.js';
import { machine } from './harness.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(String(process.argv[i]).replace(/^--/, ''), String(process.argv[i + 1]));
const ASSETS = Number(args.get('assets') ?? 100_000);
const PER_VERSION = Number(args.get('per-version') ?? 10);
const STORES = (args.get('stores') ?? 'memory,pglite,postgres').split(',');
const QUERIES = Number(args.get('queries') ?? 1000);
const NAIVE_QUERIES = Number(args.get('naive-queries') ?? 30);
/** createAsset calls per writer process in the write section (PostgreSQL). */
const WRITES = Number(args.get('writes') ?? 500);
/** Interleaved rounds of each write measurement. */
const ROUNDS = Number(args.get('rounds') ?? 3);
const admin = { id: 'bench', global: 'admin' as const };
const RATES = [
  { num: 25, den: 1, dropFrame: false },
  { num: 30000, den: 1001, dropFrame: true },
];
const DURATION = 60 * 60 * 25;

interface Dataset {
  assets: Asset[];
  versions: Version[];
  annotations: Annotation[];
}

function generate(): Dataset {
  const random = rng(7);
  const at = new Date('2026-01-01T00:00:00Z').getTime();
  const assets: Asset[] = [];
  const versions: Version[] = [];
  const annotations: Annotation[] = [];
  const types = ['segment', 'shot', 'ad-break', 'music-cue', 'qc-finding'] as const;
  for (let i = 0; i < ASSETS; i++) {
    const input = randomAsset(random, i, `p${i % 20}`);
    const iso = new Date(at + i * 1000).toISOString();
    const asset = {
      ...input,
      externalIds: [],
      synopses: input.synopses ?? [],
      themes: [],
      keywords: [],
      countriesOfOrigin: [],
      custom: {},
      revision: 1,
      createdAt: iso,
      updatedAt: iso,
      createdBy: 'bench',
      fence: 0,
    } as unknown as Asset;
    assets.push(asset);
    const rate = RATES[i % 2] as (typeof RATES)[number];
    const version = {
      id: `v${i}`,
      assetId: asset.id,
      name: 'master',
      kind: 'master',
      rate,
      durationFrames: DURATION,
      startTimecode: '10:00:00:00',
      locations: [],
      custom: {},
      revision: 1,
      createdAt: iso,
      updatedAt: iso,
    } as Version;
    versions.push(version);
    for (let k = 0; k < PER_VERSION; k++) {
      const start = Math.floor(random() * (DURATION - 2000));
      annotations.push({
        id: `n${i}-${k}`,
        assetId: asset.id,
        versionId: version.id,
        project: asset.project,
        rate,
        type: types[k % types.length] as Annotation['type'],
        start,
        duration: 1 + Math.floor(random() * 1500),
        text: `note ${k} about the ${k % 3 === 0 ? 'interview' : 'scene'}`,
        data: {},
        provenance: { kind: 'system', id: 'bench' },
        flags: [],
        createdAt: iso,
      });
    }
  }
  return { assets, versions, annotations };
}

async function load(store: CatalogStore, data: Dataset): Promise<number> {
  const started = Date.now();
  const batch = 1000;
  for (let i = 0; i < data.assets.length; i += batch) {
    await store.transaction(async (tx) => {
      for (let j = i; j < Math.min(i + batch, data.assets.length); j++) {
        const asset = data.assets[j] as Asset;
        await tx.putAsset(asset, indexAsset(asset));
        await tx.putEntity('version', data.versions[j] as Version);
      }
      const from = i * PER_VERSION;
      const slice = data.annotations.slice(from, from + batch * PER_VERSION);
      await tx.putAnnotations(slice.map((annotation) => ({ annotation, index: indexAnnotation(annotation) })));
    });
  }
  return (Date.now() - started) / 1000;
}

function percentiles(samples: number[]): { p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  return { p50: at(0.5), p99: at(0.99) };
}

async function time(n: number, run: (i: number) => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < Math.min(50, n); i++) await run(i);
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await run(i);
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return percentiles(samples);
}

interface Row {
  store: string;
  query: string;
  p50: number;
  p99: number;
  naiveP50: number;
  naiveP99: number;
}

async function measure(
  name: string,
  store: CatalogStore,
  data: Dataset,
  naive: (kind: string, i: number) => Promise<unknown>,
): Promise<Row[]> {
  const catalog = createCatalog({ store });
  const random = rng(99);
  const picks = Array.from({ length: QUERIES }, () => Math.floor(random() * data.versions.length));
  const frames = Array.from({ length: QUERIES }, () => Math.floor(random() * DURATION));
  const queries = {
    'timecode point': (i: number) => catalog.findAnnotations(admin, { versionId: `v${picks[i]}`, contains: frames[i] }),
    'timecode range': (i: number) =>
      catalog.findAnnotations(admin, {
        versionId: `v${picks[i]}`,
        overlaps: { start: frames[i] as number, end: (frames[i] as number) + 750 },
      }),
    'metadata filter': (i: number) =>
      catalog.searchAssets(admin, {
        kinds: ['episode', 'feature'],
        genres: [['drama', 'crime', 'kids', 'sport'][i % 4] as string],
        text: ['river', 'night', 'signal', 'garden'][i % 4],
        limit: 50,
      }),
  };
  const rows: Row[] = [];
  for (const [query, run] of Object.entries(queries)) {
    const ours = await time(QUERIES, run);
    const base = await time(NAIVE_QUERIES, (i) => naive(query, i));
    rows.push({ store: name, query, p50: ours.p50, p99: ours.p99, naiveP50: base.p50, naiveP99: base.p99 });
    console.log(
      `  ${name.padEnd(8)} ${query.padEnd(16)} p50 ${ours.p50.toFixed(3).padStart(8)} ms  p99 ${ours.p99.toFixed(3).padStart(8)} ms   naive p50 ${base.p50.toFixed(1).padStart(8)} ms  (${(base.p50 / ours.p50).toFixed(0)}×)`,
    );
  }
  return rows;
}

function memoryNaive(data: Dataset) {
  const random = rng(99);
  const picks = Array.from({ length: QUERIES }, () => Math.floor(random() * data.versions.length));
  const frames = Array.from({ length: QUERIES }, () => Math.floor(random() * DURATION));
  const annotationIndex = data.annotations.map(indexAnnotation);
  const assetIndex = data.assets.map(indexAsset);
  return async (kind: string, i: number) => {
    if (kind === 'metadata filter') {
      const q = {
        kinds: ['episode', 'feature'],
        genres: [['drama', 'crime', 'kids', 'sport'][i % 4] as string],
        tokens: [['river', 'night', 'signal', 'garden'][i % 4] as string],
        sortField: 'title' as const,
        descending: false,
        limit: 50,
      };
      return data.assets.filter((a, k) => assetMatches(a, assetIndex[k] as never, q)).slice(0, 50);
    }
    const f = frames[i] as number;
    const q =
      kind === 'timecode point'
        ? { versionId: `v${picks[i]}`, containsFrame: f, limit: 100 }
        : { versionId: `v${picks[i]}`, overlapsFrames: { start: f, end: f + 750 }, limit: 100 };
    return data.annotations.filter((a, k) => annotationMatches(a, annotationIndex[k] as never, q));
  };
}

function sqlNaive(query: (text: string, params: unknown[]) => Promise<unknown>, data: Dataset) {
  const random = rng(99);
  const picks = Array.from({ length: QUERIES }, () => Math.floor(random() * data.versions.length));
  const frames = Array.from({ length: QUERIES }, () => Math.floor(random() * DURATION));
  return async (kind: string, i: number) => {
    const f = frames[i] as number;
    if (kind === 'metadata filter') {
      return query(
        `SELECT doc FROM framewise.fw_assets WHERE kind = ANY($1) AND genres && $2 AND tokens @> $3 ORDER BY sort_title, id LIMIT 50`,
        [
          ['episode', 'feature'],
          [['drama', 'crime', 'kids', 'sport'][i % 4]],
          [['river', 'night', 'signal', 'garden'][i % 4]],
        ],
      );
    }
    if (kind === 'timecode point') {
      return query(
        'SELECT doc FROM framewise.fw_annotations WHERE version_id = $1 AND start_frame <= $2 AND end_frame > $2 ORDER BY start_us, id',
        [`v${picks[i]}`, f],
      );
    }
    return query(
      'SELECT doc FROM framewise.fw_annotations WHERE version_id = $1 AND start_frame < $3 AND end_frame > $2 ORDER BY start_us, id',
      [`v${picks[i]}`, f, f + 750],
    );
  };
}

const NO_INDEX = 'SET enable_indexscan = off; SET enable_bitmapscan = off; SET enable_indexonlyscan = off';

async function main(): Promise<void> {
  console.log(`machine: ${machine()}`);
  console.log(
    `dataset: ${ASSETS} assets, ${ASSETS} versions, ${ASSETS * PER_VERSION} annotations; ${QUERIES} queries each (naive: ${NAIVE_QUERIES})`,
  );
  // The write section alone needs no query dataset.
  const data: Dataset = STORES.every((s) => s === 'writes')
    ? { assets: [], versions: [], annotations: [] }
    : generate();
  const rows: Row[] = [];
  const loads: Record<string, number> = {};
  let writes: Record<string, number | string> | undefined;
  if (STORES.includes('memory')) {
    const store = createMemoryCatalogStore();
    loads.memory = await load(store, data);
    console.log(`\nmemory: loaded in ${loads.memory.toFixed(1)} s`);
    rows.push(...(await measure('memory', store, data, memoryNaive(data))));
  }
  if (STORES.includes('pglite')) {
    const dir = mkdtempSync(join(tmpdir(), 'framewise-bench-'));
    const db = await PGlite.create(join(dir, 'db'));
    const store = createPGliteCatalogStore({ db });
    loads.pglite = await load(store, data);
    await db.exec('VACUUM ANALYZE');
    console.log(`\npglite: loaded in ${loads.pglite.toFixed(1)} s`);
    const naive = sqlNaive(
      async (text, params) =>
        db.transaction(async (tx) => {
          await tx.exec(NO_INDEX.replaceAll('SET ', 'SET LOCAL '));
          return tx.query(text, params);
        }),
      data,
    );
    rows.push(...(await measure('pglite', store, data, naive)));
    await store.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  if (STORES.includes('postgres')) {
    const server = await startPostgres();
    const connectionString = server.createDatabase('bench');
    const store = createPostgresCatalogStore({ connectionString });
    loads.postgres = await load(store, data);
    const pool = new pg.Pool({ connectionString, max: 1 });
    pool.on('error', () => undefined);
    await pool.query('VACUUM ANALYZE');
    console.log(`\npostgres: loaded in ${loads.postgres.toFixed(1)} s`);
    const client = await pool.connect();
    await client.query(NO_INDEX);
    rows.push(
      ...(await measure(
        'postgres',
        store,
        data,
        sqlNaive((text, params) => client.query(text, params), data),
      )),
    );
    client.release();
    await pool.end();
    await store.close();
    writes = await measureWrites(server.createDatabase('bench_writes'), WRITES, ROUNDS);
    await server.stop();
  } else if (STORES.includes('writes')) {
    // The write section alone (for profiling it).
    const server = await startPostgres();
    try {
      writes = await measureWrites(server.createDatabase('bench_writes'), WRITES, ROUNDS);
    } finally {
      await server.stop();
    }
  }
  console.log(
    JSON.stringify({
      bench: 'catalog',
      assets: ASSETS,
      annotations: ASSETS * PER_VERSION,
      load_seconds: loads,
      writes,
      results: rows.map((r) => ({
        ...r,
        p50: Number(r.p50.toFixed(4)),
        p99: Number(r.p99.toFixed(4)),
        naiveP50: Number(r.naiveP50.toFixed(2)),
        naiveP99: Number(r.naiveP99.toFixed(2)),
        speedup_p50: Number((r.naiveP50 / r.p50).toFixed(1)),
      })),
    }),
  );
}

await main();
