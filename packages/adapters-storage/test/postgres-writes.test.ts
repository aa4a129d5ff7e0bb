import { createCatalog } from '@framewise/core/catalog';
import { type PostgresServer, startPostgres } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresCatalogStore } from '../src/postgres/index.js';

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
});
