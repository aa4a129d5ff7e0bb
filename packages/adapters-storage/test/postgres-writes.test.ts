import { createCatalog } from '@framewise/core/catalog';
import { type PostgresServer, startPostgres } from '@framewise/test-support';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresCatalogStore, migrate, type SqlDriver } from '../src/postgres/index.js';

const editor = (id: string, project = 'p') => ({ id, memberships: [{ project, role: 'editor' as const }] });
const clip = (project: string, title: string) => ({
  project,
  kind: 'clip' as const,
  titles: [{ language: 'en', value: title }],
});

describe('PostgreSQL catalog store: leases, writes and audit', () => {
  let server: PostgresServer;
  let connectionString: string;
  beforeAll(async () => {
    server = await startPostgres();
    connectionString = server.createDatabase('writes');
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('judges lease expiry by the database clock, not a process clock that runs fast', async () => {
    const honest = createPostgresCatalogStore({ connectionString, maxConnections: 2 });
    const fast = createPostgresCatalogStore({ connectionString, maxConnections: 2 });
    const onTime = createCatalog({ store: honest });
    const sixSecondsFast = createCatalog({ store: fast, clock: { now: () => Date.now() + 6_000 } });
    const asset = await onTime.createAsset(editor('ana'), clip('p', 'Clocks'));
    const lease = await onTime.checkOut(editor('ana'), asset.id, { ttlMs: 5_000 });
    await expect(sixSecondsFast.checkOut(editor('ben'), asset.id)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('checked out by "ana"'),
    });
    await expect(sixSecondsFast.updateAsset(editor('ben'), asset.id, { genres: ['x'] })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await onTime.updateAsset(editor('ana'), asset.id, { genres: ['ok'] }, { fence: lease.token });
    await Promise.all([honest.close(), fast.close()]);
  });

  it('refuses a caller-chosen asset id that a concurrent transaction takes first, instead of overwriting its asset', async () => {
    const store = createPostgresCatalogStore({ connectionString, maxConnections: 2 });
    const catalog = createCatalog({ store });
    const first = await catalog.createAsset(editor('ana'), { ...clip('p', 'First'), id: 'race-src' });
    // Another writer inserts asset "race-1" and has not committed yet.
    const other = new pg.Client({ connectionString });
    await other.connect();
    await other.query('BEGIN');
    await other.query(
      `CREATE TEMP TABLE pending ON COMMIT DROP AS SELECT * FROM framewise.fw_assets WHERE id = 'race-src';
       UPDATE pending SET id = 'race-1', doc = jsonb_set(doc, '{id}', '"race-1"');
       INSERT INTO framewise.fw_assets SELECT * FROM pending;`,
    );
    const before = (await store.auditHeads()).p;
    const creating = catalog.createAsset(editor('ben'), { ...clip('p', 'Second'), id: 'race-1' }).then(
      () => 'created',
      (error: { code?: string }) => error.code,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    await other.query('COMMIT');
    await other.end();
    expect(await creating).toBe('CONFLICT');
    // The other writer's asset stands, and no event claims "race-1" was created by ben.
    expect((await catalog.getAsset(editor('ana'), 'race-1')).titles[0]?.value).toBe(first.titles[0]?.value);
    expect((await store.auditHeads()).p).toEqual(before);
    await store.close();
  });

  it('lets a writer in another project through while one is frozen mid-transaction, and times out a writer of the same project', async () => {
    const store = createPostgresCatalogStore({ connectionString, maxConnections: 4, lockTimeoutMs: 300 });
    const catalog = createCatalog({ store });
    await catalog.createAsset(editor('ana', 'frozen'), clip('frozen', 'First'));
    const frozen = new pg.Client({ connectionString });
    await frozen.connect();
    try {
      await frozen.query('BEGIN');
      await frozen.query(`SELECT seq FROM framewise.fw_audit_heads WHERE project = 'frozen' FOR UPDATE`);
      await catalog.createAsset(editor('ben', 'free'), clip('free', 'Unrelated'));
      await expect(catalog.createAsset(editor('ana', 'frozen'), clip('frozen', 'Second'))).rejects.toMatchObject({
        code: 'TRANSIENT',
        details: { sqlState: '55P03' },
      });
    } finally {
      await frozen.query('ROLLBACK');
      await frozen.end();
    }
    await catalog.createAsset(editor('ana', 'frozen'), clip('frozen', 'After'));
    await store.close();
  });

  it('starts a least-privilege role on a current schema without CREATE, and accepts any pool-shaped object', async () => {
    const admin = new pg.Pool({ connectionString, max: 1 });
    const migrated = createPostgresCatalogStore({ connectionString });
    await migrated.auditHeads();
    await migrated.close();
    await admin.query(`DROP ROLE IF EXISTS fw_app; CREATE ROLE fw_app LOGIN`);
    const db = new URL(connectionString).pathname.slice(1);
    await admin.query(`REVOKE CREATE ON DATABASE "${db}" FROM PUBLIC; REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
    await admin.query(
      'GRANT USAGE ON SCHEMA framewise TO fw_app; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA framewise TO fw_app',
    );
    const url = new URL(connectionString);
    url.username = 'fw_app';
    url.password = '';
    const appPool = new pg.Pool({ connectionString: url.toString(), max: 2 });
    // Not a pg.Pool: a wrapper with the query/connect shape only.
    const shaped = {
      query: (text: string, params?: unknown[]) => appPool.query(text, params),
      connect: () => appPool.connect(),
    };
    const store = createPostgresCatalogStore({ pool: shaped });
    const catalog = createCatalog({ store });
    const asset = await catalog.createAsset(editor('ana', 'lp'), clip('lp', 'Least privilege'));
    expect(asset.project).toBe('lp');
    await store.close();
    await appPool.end();
    await admin.end();
  });

  it('refuses a schema migrated by a newer release, and takes one lock key whether the schema is quoted or not', async () => {
    const admin = new pg.Pool({ connectionString, max: 1 });
    const driver: SqlDriver = {
      query: (text, params) => admin.query(text, params as unknown[]) as never,
      transaction: async (fn) => {
        const client = await admin.connect();
        try {
          await client.query('BEGIN');
          const result = await fn({ query: (t, p) => client.query(t, p as unknown[]) as never });
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        } finally {
          client.release();
        }
      },
      close: async () => undefined,
    };
    const store = createPostgresCatalogStore({ connectionString });
    await store.auditHeads();
    await store.close();
    expect(await migrate(driver, 'framewise')).toEqual([]);
    expect(await migrate(driver, '"framewise"')).toEqual([]);
    await admin.query(`INSERT INTO framewise.fw_migrations (version, name) VALUES (900, 'from the future')`);
    const old = createPostgresCatalogStore({ connectionString });
    await expect(old.auditHeads()).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringMatching(
        /migrated by a newer Framewise release \(migration 900; this release knows up to 4\)/,
      ),
      details: { schema: 'framewise', databaseVersion: 900 },
    });
    await old.close();
    await admin.query('DELETE FROM framewise.fw_migrations WHERE version = 900');
    await admin.end();
  });
});
