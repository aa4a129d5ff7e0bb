import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { DistributionRecordSchema } from '@framewise/core/delivery';
import { distributionRecordStoreConformance } from '@framewise/core/testing';
import { freePort, type PostgresServer, startPostgres } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPGliteCatalogStore, createPGliteDistributionStore } from '../src/pglite/index.js';
import { type ClosableDistributionStore, createPostgresDistributionStore } from '../src/postgres/index.js';

let server: PostgresServer | undefined;
let connectionString = '';
const opened: ClosableDistributionStore[] = [];

distributionRecordStoreConformance('postgres', {
  async create() {
    server = await startPostgres();
    connectionString = server.createDatabase('records');
    const store = createPostgresDistributionStore({ connectionString });
    opened.push(store);
    return store;
  },
  // Another process: its own pool on the same database.
  second: () => {
    const store = createPostgresDistributionStore({ connectionString });
    opened.push(store);
    return store;
  },
  async destroy() {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    await server?.stop();
  },
});

distributionRecordStoreConformance('pglite', {
  create: () => createPGliteDistributionStore(),
  destroy: (store) => (store as ClosableDistributionStore).close(),
});

const record = (revision = 0) =>
  DistributionRecordSchema.parse({
    id: 'lt-101@youtube',
    assetId: 'lt-101',
    endpointId: 'youtube',
    versionId: 'lt-101-v1',
    state: 'live',
    revision,
    origin: 'manual',
    createdAt: '2026-11-21T10:00:00.000Z',
    updatedAt: '2026-11-21T10:00:00.000Z',
  });

describe('distribution stores on PGlite', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fw-records-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keep records across a close and reopen of the directory', async () => {
    const first = createPGliteDistributionStore({ dataDir: join(dir, 'db') });
    await first.put(record(), undefined);
    await first.close();
    const again = createPGliteDistributionStore({ dataDir: join(dir, 'db') });
    expect(await again.get('lt-101@youtube')).toEqual(record());
    await again.close();
  }, 60_000);

  it('share one database with the catalog store when given the same PGlite', async () => {
    const db = await PGlite.create();
    const catalog = createPGliteCatalogStore({ db });
    const records = createPGliteDistributionStore({ db });
    await records.put(record(), undefined);
    expect(await catalog.auditHeads()).toEqual({});
    expect(await records.list({ endpointId: 'youtube' })).toHaveLength(1);
    await records.close();
    await catalog.close();
    expect(db.closed).toBe(false);
    await db.close();
  });
});

describe('distribution store on PostgreSQL: failures', () => {
  it('reports an unreachable server as TRANSIENT naming the store, and bad options as INVALID_CONFIG', async () => {
    const closed = createPostgresDistributionStore({
      connectionString: `postgres://postgres@127.0.0.1:${await freePort()}/postgres`,
    });
    await expect(closed.get('x@y')).rejects.toMatchObject({
      code: 'TRANSIENT',
      message: expect.stringContaining('Distribution store "postgres"'),
    });
    await closed.close();
    expect(() => createPostgresDistributionStore({})).toThrow(/exactly one of pool or connectionString/);
  });
});
