import { createCatalog } from '@framewise/core/catalog';
import { catalogStoreConformance } from '@framewise/core/testing';
import { type PostgresServer, startPostgres } from '@framewise/test-support';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresCatalogStore } from '../src/postgres/index.js';
import { sqlTamperHooks } from './tamper.js';

let server: PostgresServer | undefined;
let tamperPool: pg.Pool | undefined;

catalogStoreConformance('postgres', {
  async create() {
    server = await startPostgres();
    const connectionString = server.createDatabase('conformance');
    tamperPool = new pg.Pool({ connectionString, max: 1 });
    tamperPool.on('error', () => undefined);
    return createPostgresCatalogStore({ connectionString, maxConnections: 20 });
  },
  async destroy(store) {
    await store.close();
    await tamperPool?.end();
    await server?.stop();
  },
  tamper: () => sqlTamperHooks((text, params) => tamperPool?.query(text, params) ?? Promise.resolve()),
});

describe('PostgreSQL catalog store across processes', () => {
  let pgServer: PostgresServer;
  let connectionString: string;
  beforeAll(async () => {
    pgServer = await startPostgres();
    connectionString = pgServer.createDatabase('shared');
  });
  afterAll(async () => {
    await pgServer?.stop();
  });

  it('migrates once when several stores start at the same time', async () => {
    const stores = Array.from({ length: 4 }, () => createPostgresCatalogStore({ connectionString, maxConnections: 2 }));
    const heads = await Promise.all(stores.map((s) => s.auditHeads()));
    expect(heads.every((h) => Object.keys(h).length === 0)).toBe(true);
    const pool = new pg.Pool({ connectionString });
    const { rows } = await pool.query('SELECT version, name FROM framewise.fw_migrations ORDER BY version');
    expect(rows).toEqual([
      { version: 1, name: 'catalog' },
      { version: 2, name: 'project audit chains and interval index' },
      { version: 3, name: 'audit events by operation id' },
      { version: 4, name: 'leaner annotation indexes' },
    ]);
    await pool.end();
    await Promise.all(stores.map((s) => s.close()));
  });

  it('gives exactly one winner among check-outs from separate pools, and keeps one audit chain', async () => {
    const stores = Array.from({ length: 4 }, () => createPostgresCatalogStore({ connectionString, maxConnections: 8 }));
    const catalogs = stores.map((store) => createCatalog({ store }));
    const editor = (i: number) => ({ id: `editor-${i}`, memberships: [{ project: 'p', role: 'editor' as const }] });
    const asset = await catalogs[0]?.createAsset(editor(0), {
      project: 'p',
      kind: 'clip',
      titles: [{ language: 'en', value: 'Contended' }],
    });
    const attempts = Array.from({ length: 40 }, (_, i) => catalogs[i % 4]?.checkOut(editor(i), asset?.id ?? ''));
    const results = await Promise.allSettled(attempts);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        catalogs[i % 4]?.createAsset(editor(i), {
          project: 'p',
          kind: 'clip',
          titles: [{ language: 'en', value: `Parallel ${i}` }],
        }),
      ),
    );
    const verification = await catalogs[1]?.verifyAuditTrail({ id: 'auditor', global: 'auditor' });
    expect(verification?.problems).toEqual([]);
    expect(verification?.checked).toBe(42);
    await Promise.all(stores.map((s) => s.close()));
  });

  it('reports an unreachable server as TRANSIENT and a missing schema as INVALID_CONFIG', async () => {
    const { freePort } = await import('@framewise/test-support');
    const closed = createPostgresCatalogStore({
      connectionString: `postgres://postgres@127.0.0.1:${await freePort()}/postgres`,
    });
    await expect(closed.auditHeads()).rejects.toMatchObject({
      code: 'TRANSIENT',
      message: expect.stringContaining('Catalog store "postgres"'),
    });
    await closed.close();
    const unmigrated = createPostgresCatalogStore({ connectionString, schema: 'never_migrated', migrate: false });
    await expect(unmigrated.auditHeads()).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringContaining('are migrations applied?'),
    });
    await unmigrated.close();
  });

  it('refuses bad options with a readable error', () => {
    expect(() => createPostgresCatalogStore({})).toThrow(/exactly one of pool or connectionString/);
    expect(() => createPostgresCatalogStore({ connectionString: 'postgres://x', schema: 'Bad-Schema' })).toThrow(
      /schema/,
    );
  });
});
