import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { indexAnnotation } from '@framewise/core/adapter-kit';
import type { Annotation, AnnotationInput } from '@framewise/core/assets';
import { createCatalog, reindexSearch } from '@framewise/core/catalog';
import { type PostgresServer, startPostgres } from '@framewise/test-support';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresCatalogStore } from '../src/postgres/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const editor = (project: string) => ({ id: 'ana', memberships: [{ project, role: 'editor' as const }] });
const auditor = { id: 'aud', global: 'auditor' as const };
const TYPES = ['note', 'segment', 'music-cue', 'transcript', 'ad-break'] as const;
const TEXTS = [
  '東京の物語',
  'Ça va — "quoted" \\ back\\slash',
  'line one\nline two\tTAB',
  '🎬 clap, 𝄞 clef',
  'e\u0301 combining',
  "it's {braces} [brackets] ,comma,",
];

/** Varied annotations: points and spans, every optional field present and absent, odd text and data. */
function inputs(prefix: string, n: number): AnnotationInput[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}-${i}`,
    type: TYPES[i % TYPES.length] as (typeof TYPES)[number],
    start: (i * 37) % 5_000,
    duration: i % 7 === 0 ? 0 : (i % 50) + 1,
    ...(i % 3 === 0 ? {} : { track: i % 3 === 1 ? 'video' : 'subtitle:fr' }),
    ...(i % 5 === 0 ? {} : { text: `${TEXTS[i % TEXTS.length]} ${i}` }),
    ...(i % 4 === 0 ? {} : { data: { n: i, nested: { s: 'é"\\\n', list: [1, null, true, 2.5] } } }),
    provenance: { kind: 'person' as const, id: 'ana' },
    ...(i % 6 === 0 ? { flags: ['checked'] } : {}),
  }));
}

/** A stored annotation without what differs between the two versions (id, version, creation time). */
const comparable = (a: Annotation) => {
  const { id: _i, versionId: _v, createdAt: _c, ...rest } = a;
  return rest;
};

describe('PostgreSQL bulk annotation path', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('stores a batch exactly as one-at-a-time writes store the same annotations, and both verify', async () => {
    const conn = server.createDatabase('bulk_same');
    const store = createPostgresCatalogStore({ connectionString: conn, maxConnections: 2 });
    const catalog = createCatalog({ store });
    const db = new pg.Pool({ connectionString: conn, max: 1 });
    try {
      const asset = await catalog.createAsset(editor('p'), {
        project: 'p',
        kind: 'clip',
        titles: [{ language: 'en', value: 'Bulk' }],
      });
      const version = (name: string) =>
        catalog.addVersion(editor('p'), asset.id, {
          name,
          kind: 'master',
          rate: { num: 30000, den: 1001, dropFrame: true },
          durationFrames: 10_000,
        });
      const [batched, single] = [await version('batched'), await version('single')];
      const n = 240;
      const added = await catalog.addAnnotations(editor('p'), batched.id, inputs('a', n));
      const one: Annotation[] = [];
      for (const input of inputs('b', n)) one.push(...(await catalog.addAnnotations(editor('p'), single.id, [input])));

      // Every column, as PostgreSQL holds it, for both versions, in input order.
      const rows = async (versionId: string) =>
        (
          await db.query(
            `SELECT id, asset_id, version_id, project, type, track, start_frame::float8 AS start_frame,
               end_frame::float8 AS end_frame, rate_num, rate_den, start_us::float8 AS start_us, end_us::float8 AS end_us,
               tokens, doc
             FROM framewise.fw_annotations WHERE version_id = $1 ORDER BY substr(id, 3)::int`,
            [versionId],
          )
        ).rows;
      const [a, b] = [await rows(batched.id), await rows(single.id)];
      expect(a).toHaveLength(n);
      expect(b).toHaveLength(n);
      for (let i = 0; i < n; i++) {
        const [x, y] = [a[i], b[i]];
        const stored = added[i] as Annotation;
        // The columns are the annotation's own fields and its index (the oracle: core's indexAnnotation).
        const index = indexAnnotation(stored);
        expect(x).toMatchObject({
          id: `a-${i}`,
          asset_id: asset.id,
          version_id: batched.id,
          project: 'p',
          type: stored.type,
          track: stored.track ?? null,
          start_frame: stored.start,
          end_frame: stored.start + stored.duration,
          rate_num: 30000,
          rate_den: 1001,
          start_us: index.startUs,
          end_us: index.endUs,
        });
        expect([...x.tokens].sort()).toEqual([...index.tokens].sort());
        expect(x.doc).toEqual(JSON.parse(JSON.stringify(stored)));
        // And the batch stored what one-at-a-time writes store.
        const { id: _x, version_id: _xv, doc: xd, ...xs } = x;
        const { id: _y, version_id: _yv, doc: yd, ...ys } = y;
        expect(xs).toEqual(ys);
        expect(comparable(xd)).toEqual(comparable(yd));
      }
      // Word search finds both (CJK bigram tokens came through the JSON path intact).
      const found = await catalog.findAnnotations(editor('p'), { text: '東京', limit: 1000 });
      expect(found.items.filter((x) => x.versionId === batched.id)).toHaveLength(n / TEXTS.length - 8);
      expect(found.items.filter((x) => x.versionId === single.id)).toHaveLength(n / TEXTS.length - 8);

      // One event for the batch, one per single write; the same annotations in them; the chain verifies.
      const events = await catalog.readAudit(auditor, { project: 'p', limit: 10_000 });
      const adds = events.filter((e) => e.action === 'annotations.add');
      expect(adds).toHaveLength(1 + n);
      const after = (e: (typeof adds)[number]) => (e.changes[0]?.after ?? []) as Annotation[];
      expect(after(adds[0] as (typeof adds)[number]).map(comparable)).toEqual(
        adds.slice(1).flatMap((e) => after(e).map(comparable)),
      );
      const verification = await catalog.verifyAuditTrail(auditor);
      expect(verification.problems).toEqual([]);
      expect(verification.checked).toBe(events.length);

      // The upsert path (reindex rewrites every row of its version) leaves the rows as they were.
      await reindexSearch(store);
      expect(await rows(batched.id)).toEqual(a);
      expect(await rows(single.id)).toEqual(b);
    } finally {
      await db.end();
      await store.close();
    }
  }, 120_000);

  it("refuses an id another version's annotation holds, also when a concurrent writer inserts it first, and overwrites nothing", async () => {
    const conn = server.createDatabase('bulk_race');
    const store = createPostgresCatalogStore({ connectionString: conn, maxConnections: 2 });
    const catalog = createCatalog({ store });
    try {
      const mine = await catalog.createAsset(editor('p'), {
        project: 'p',
        kind: 'clip',
        titles: [{ language: 'en', value: 'Mine' }],
      });
      const theirs = await catalog.createAsset(editor('q'), {
        project: 'q',
        kind: 'clip',
        titles: [{ language: 'en', value: 'Theirs' }],
      });
      const rate = { num: 25, den: 1, dropFrame: false };
      const v = await catalog.addVersion(editor('p'), mine.id, {
        name: 'm',
        kind: 'master',
        rate,
        durationFrames: 100,
      });
      const w = await catalog.addVersion(editor('q'), theirs.id, {
        name: 'm',
        kind: 'master',
        rate,
        durationFrames: 100,
      });
      const [original] = await catalog.addAnnotations(editor('q'), w.id, [
        { id: 'seed', type: 'note', start: 1, duration: 1, text: 'theirs', provenance: { kind: 'person', id: 'q' } },
      ]);
      // Batched (two rows) and single-row statements, each racing a writer of project q that
      // inserts the id first and commits while ours waits on it.
      for (const ids of [['race-1', 'race-1b'], ['race-2']]) {
        const other = new pg.Client({ connectionString: conn });
        await other.connect();
        await other.query('BEGIN');
        await other.query(
          `INSERT INTO framewise.fw_annotations
             SELECT $1, asset_id, version_id, project, type, track, start_frame, end_frame, rate_num, rate_den,
               start_us, end_us, tokens, jsonb_set(doc, '{id}', to_jsonb($1::text))
             FROM framewise.fw_annotations WHERE id = 'seed'`,
          [ids[0]],
        );
        const before = (await store.auditHeads()).p;
        const adding = catalog
          .addAnnotations(
            editor('p'),
            v.id,
            ids.map((id) => ({
              id,
              type: 'segment' as const,
              start: 5,
              duration: 3,
              text: 'mine',
              provenance: { kind: 'person' as const, id: 'p' },
            })),
          )
          .then(
            () => 'written',
            (error: { code?: string; message?: string }) => `${error.code}: ${error.message}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 300));
        await other.query('COMMIT');
        await other.end();
        expect(await adding).toBe(`CONFLICT: Annotation id "${ids[0]}" is already taken`);
        // Project q's annotation stands as written; nothing of ours was stored or audited.
        expect(await store.getAnnotation(ids[0] as string)).toEqual({ ...original, id: ids[0] });
        for (const id of ids.slice(1)) expect(await store.getAnnotation(id)).toBeUndefined();
        expect((await store.auditHeads()).p).toEqual(before);
      }
      expect((await catalog.verifyAuditTrail(auditor)).problems).toEqual([]);
    } finally {
      await store.close();
    }
  }, 120_000);

  it('a bulk load killed mid-statement (client kill -9, or its backend terminated) leaves nothing half-written', async () => {
    const conn = server.createDatabase('bulk_kill');
    const store = createPostgresCatalogStore({ connectionString: conn, maxConnections: 2 });
    const catalog = createCatalog({ store });
    const db = new pg.Pool({ connectionString: conn, max: 2 });
    try {
      const asset = await catalog.createAsset(editor('k'), {
        project: 'k',
        kind: 'clip',
        titles: [{ language: 'en', value: 'Killed' }],
      });
      const version = await catalog.addVersion(editor('k'), asset.id, {
        name: 'm',
        kind: 'master',
        rate: { num: 25, den: 1, dropFrame: false },
        durationFrames: 20_000,
      });
      for (const how of ['client', 'backend'] as const) {
        const app = `bulk-kill-${how}`;
        const loader = spawn(
          process.execPath,
          [
            '--conditions=@framewise/source',
            '--import',
            'tsx',
            join(here, 'fixtures/catalog-adversarial-child.ts'),
            JSON.stringify({
              mode: 'annotate',
              connectionString: `${conn}?application_name=${app}`,
              project: 'k',
              versionId: version.id,
              batchSize: 10_000,
              idPrefix: how,
            }),
          ],
          { stdio: 'ignore', cwd: join(here, '..') },
        );
        let gone = false;
        const exited = new Promise<void>((resolve) =>
          loader.once('exit', () => {
            gone = true;
            resolve();
          }),
        );
        // Wait until the server is executing the loader's first batch INSERT, then kill.
        let pid: number | undefined;
        while (pid === undefined) {
          if (gone) throw new Error(`the loader (${how}) exited before its INSERT was seen`);
          const { rows } = await db.query(
            `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND state = 'active'
               AND query LIKE '%INSERT INTO "framewise".fw_annotations%'`,
            [app],
          );
          pid = rows[0]?.pid as number | undefined;
          if (pid === undefined) await new Promise((resolve) => setTimeout(resolve, 2));
        }
        if (how === 'client') loader.kill('SIGKILL');
        else expect((await db.query('SELECT pg_terminate_backend($1) AS ok', [pid])).rows[0].ok).toBe(true);
        await exited;
        if (how === 'backend') loader.kill('SIGKILL');
        // Its backend is gone before we look.
        for (;;) {
          const { rows } = await db.query('SELECT 1 FROM pg_stat_activity WHERE application_name = $1', [app]);
          if (rows.length === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
      // No row of either killed batch, no event; the chain verifies against its stored head.
      expect(Number((await db.query('SELECT count(*) AS n FROM framewise.fw_annotations')).rows[0].n)).toBe(0);
      const events = await catalog.readAudit(auditor, { project: 'k', limit: 1000 });
      expect(events.map((e) => e.action)).toEqual(['asset.create', 'version.create']);
      expect((await store.auditHeads()).k?.seq).toBe(2);
      expect((await catalog.verifyAuditTrail(auditor)).problems).toEqual([]);
      // The same ids load afterwards: nothing of them was left behind.
      const again = Array.from({ length: 10_000 }, (_, i) => ({
        id: `client-b0-${i}`,
        type: 'note' as const,
        start: i,
        duration: 1,
        text: `again ${i}`,
        provenance: { kind: 'system' as const, id: 'child' },
      }));
      expect(await catalog.addAnnotations(editor('k'), version.id, again)).toHaveLength(10_000);
      expect((await catalog.verifyAuditTrail(auditor)).problems).toEqual([]);
    } finally {
      await db.end();
      await store.close();
    }
  }, 180_000);
});
