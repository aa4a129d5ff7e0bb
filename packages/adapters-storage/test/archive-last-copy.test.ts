import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copiesOnVersion, executeReconcileAction, type ReconcileAction } from '@framewise/core/archive';
import { createCatalog } from '@framewise/core/catalog';
import { createObjectStorage, type ObjectStorage } from '@framewise/core/storage';
import { type PostgresServer, type S3rverServer, startPostgres, startS3rver } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFsStorage } from '../src/fs/index.js';
import { createPostgresCatalogStore } from '../src/postgres/index.js';
import { createS3Storage } from '../src/s3/index.js';

// Issue 19: the reconciler must never delete the last copy of a master, against real components.
const bin = join(createRequire(import.meta.url).resolve('s3rver/package.json'), '..', 'bin', 's3rver.js');
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const body = Buffer.from('master essence '.repeat(4096));
const file = {
  fileKey: 'master',
  sizeBytes: body.length,
  sha256: createHash('sha256').update(body).digest('hex'),
};
const KEY = 'masters/harbour-101.mxf';
const admin = { id: 'archivist', global: 'admin' as const };

describe('two storage classes of one s3rver bucket are one physical store (scenario a)', () => {
  let server: S3rverServer;
  beforeAll(async () => {
    server = await startS3rver(bin);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('refuses a stale "copy" between the classes and a delete that keeps the same object', async () => {
    const make = (storageClass: 'STANDARD' | 'GLACIER_IR') =>
      createObjectStorage(
        createS3Storage({
          bucket: server.bucket,
          endpoint: server.endpoint,
          forcePathStyle: true,
          credentials,
          storageClass,
        }),
      );
    const standard = make('STANDARD');
    const glacier = make('GLACIER_IR');
    try {
      expect(standard.identity).toBe(glacier.identity);
      await standard.put(KEY, body);
      const storages = (id: string) => (id === 'standard' ? standard : id === 'glacier' ? glacier : undefined);
      const fields = { assetId: 'harbour-101', ...file, reason: 'a stale plan' };
      const copy: ReconcileAction = {
        kind: 'copy',
        ...fields,
        from: { locationId: 'standard', key: KEY },
        to: { locationId: 'glacier', key: KEY },
      };
      expect(await executeReconcileAction(copy, storages)).toMatchObject({
        outcome: 'failed',
        error: { code: 'CONFLICT' },
      });
      const del: ReconcileAction = {
        kind: 'delete',
        ...fields,
        at: { locationId: 'standard', key: KEY },
        keep: [{ locationId: 'glacier', key: KEY }],
      };
      expect(await executeReconcileAction(del, storages)).toMatchObject({ outcome: 'refused' });
      expect((await standard.digest(KEY)).sha256).toBe(file.sha256);
    } finally {
      await standard.close();
      await glacier.close();
    }
  }, 60_000);
});

describe('reconcilers in separate processes share one PostgreSQL catalog (scenario b)', () => {
  let pg: PostgresServer;
  let connectionString: string;
  const dir = mkdtempSync(join(tmpdir(), 'framewise-last-copy-'));
  beforeAll(async () => {
    pg = await startPostgres();
    connectionString = pg.createDatabase('archive');
  }, 60_000);
  afterAll(async () => {
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs "delete A keep B" and "delete B keep A" through two catalogs at once: one wins, one copy survives', async () => {
    // Two "processes": each its own pool, catalog and storage objects over the same two disks.
    const stores = [0, 1].map(() => createPostgresCatalogStore({ connectionString, maxConnections: 4 }));
    const catalogs = stores.map((store) => createCatalog({ store }));
    const storageSets = [0, 1].map(() => ({
      a: createObjectStorage(createFsStorage({ root: join(dir, 'a') })),
      b: createObjectStorage(createFsStorage({ root: join(dir, 'b') })),
    }));
    const [first, second] = catalogs as [ReturnType<typeof createCatalog>, ReturnType<typeof createCatalog>];
    try {
      for (let round = 0; round < 6; round++) {
        const assetId = `harbour-${round}`;
        await first.createAsset(admin, {
          id: assetId,
          project: 'drama',
          kind: 'episode',
          titles: [{ language: 'en', value: 'Harbour' }],
        });
        const key = `masters/${assetId}.mxf`;
        for (const s of Object.values(storageSets[0] as Record<string, ObjectStorage>)) await s.put(key, body);
        const version = await first.addVersion(admin, assetId, {
          name: 'master',
          kind: 'master',
          rate: { num: 25, den: 1, dropFrame: false },
          durationFrames: 250,
          locations: ['a', 'b'].map((storage) => ({
            storage,
            key,
            sizeBytes: body.length,
            checksums: { sha256: file.sha256 },
            status: 'verified' as const,
            verifiedAt: '2026-11-01T00:00:00.000Z',
          })),
        });
        const fields = { assetId, ...file, reason: 'policy flip' };
        const action = (at: 'a' | 'b', keep: 'a' | 'b'): ReconcileAction => ({
          kind: 'delete',
          ...fields,
          at: { locationId: at, key },
          keep: [{ locationId: keep, key }],
        });
        const outcomes = await Promise.all(
          [
            [action('a', 'b'), 0],
            [action('b', 'a'), 1],
          ].map(([a, i]) => {
            const n = i as 0 | 1;
            const set = storageSets[n] as Record<string, ObjectStorage>;
            return executeReconcileAction(a as ReconcileAction, (id) => set[id], {
              copySet: { catalog: catalogs[n] as typeof first, actor: admin, versionOf: () => version.id },
            });
          }),
        );
        expect(outcomes.map((o) => o.outcome).sort()).toEqual(['done', 'refused']);
        const set = storageSets[0] as Record<string, ObjectStorage>;
        const left = (await Promise.all(['a', 'b'].map(async (id) => (await set[id]?.head(key)) !== undefined))).filter(
          Boolean,
        );
        expect(left).toHaveLength(1);
        // The catalog records exactly the copy that is left.
        const recorded = copiesOnVersion(await second.getVersion(admin, version.id));
        expect(recorded).toHaveLength(1);
        expect(await set[recorded[0]?.locationId ?? '']?.head(key)).toBeDefined();
      }
    } finally {
      for (const s of storageSets) await Promise.all(Object.values(s).map((x) => x.close()));
      await Promise.all(stores.map((s) => s.close()));
    }
  }, 120_000);
});
