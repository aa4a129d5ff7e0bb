/**
 * Adversarial last-copy cases for issue 19, written from docs/archive.md only: hand-made (stale)
 * reconcile actions run against real stores (filesystem, s3rver) and catalogs on PostgreSQL.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Catalog,
  copiesOnVersion,
  createCatalog,
  executeReconcileAction,
  type FileCopyInput,
  type ReconcileAction,
  recordCopies,
} from '@framewise/core';
import { createObjectStorage, type ObjectStorage } from '@framewise/core/storage';
import { type PostgresServer, type S3rverServer, startPostgres, startS3rver } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFsStorage } from '../src/fs/index.js';
import { createPostgresCatalogStore } from '../src/postgres/index.js';
import { createS3Storage } from '../src/s3/index.js';

const bin = join(createRequire(import.meta.url).resolve('s3rver/package.json'), '..', 'bin', 's3rver.js');
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const editor = { id: 'arch', memberships: [{ project: 'vault', role: 'editor' as const }] };
const rate = { num: 25, den: 1, dropFrame: false };

function deleteAction(body: Buffer, at: [string, string], keep: [string, string][]): ReconcileAction {
  return {
    kind: 'delete',
    assetId: 'a1',
    fileKey: 'master',
    sizeBytes: body.length,
    sha256: sha256(body),
    reason: 'excluded by policy',
    at: { locationId: at[0], key: at[1] },
    keep: keep.map(([locationId, key]) => ({ locationId, key })),
  };
}

async function exists(storage: ObjectStorage, key: string): Promise<boolean> {
  return (await storage.head(key)) !== undefined;
}

describe('archive last copy on s3rver', () => {
  let server: S3rverServer;
  beforeAll(async () => {
    server = await startS3rver(bin);
  }, 30_000);
  afterAll(async () => {
    await server?.stop();
  });
  const s3 = (extra: Record<string, unknown> = {}) =>
    createObjectStorage(
      createS3Storage({
        bucket: server.bucket,
        endpoint: server.endpoint,
        forcePathStyle: true,
        credentials,
        ...extra,
      }),
    );

  it('two storage classes of one bucket: a stale copy plan is CONFLICT and the delete is refused', async () => {
    const standard = s3({ storageClass: 'STANDARD' });
    const glacier = s3({ storageClass: 'GLACIER_IR' });
    const storages = new Map([
      ['hot', standard],
      ['cold', glacier],
    ]);
    const body = randomBytes(4096);
    await standard.put('classes/m.mov', body);
    const copy = await executeReconcileAction(
      {
        kind: 'copy',
        assetId: 'a1',
        fileKey: 'master',
        sizeBytes: body.length,
        sha256: sha256(body),
        reason: 'shortfall',
        from: { locationId: 'hot', key: 'classes/m.mov' },
        to: { locationId: 'cold', key: 'classes/m.mov' },
      },
      (id) => storages.get(id),
    );
    expect(copy.outcome).toBe('failed');
    expect(copy.error?.code).toBe('CONFLICT');
    const del = await executeReconcileAction(
      deleteAction(body, ['hot', 'classes/m.mov'], [['cold', 'classes/m.mov']]),
      (id) => storages.get(id),
    );
    expect(del.outcome).toBe('refused');
    expect(await exists(standard, 'classes/m.mov')).toBe(true);
  });

  it('a bucket-wide location and a prefixed one hold one object under two keys: the delete is refused', async () => {
    const whole = s3();
    const media = s3({ prefix: 'media/' });
    const storages = new Map([
      ['bucket', whole],
      ['media', media],
    ]);
    const body = randomBytes(4096);
    await media.put('nest.mov', body);
    const del = await executeReconcileAction(
      deleteAction(body, ['bucket', 'media/nest.mov'], [['media', 'nest.mov']]),
      (id) => storages.get(id),
    );
    expect(del.outcome).toBe('refused');
    expect(sha256(await media.read('nest.mov'))).toBe(sha256(body));
  });
});

describe('archive last copy on the filesystem', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fw-adv-arch-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('bit rot in the kept copy right before the delete refuses it', async () => {
    const a = createObjectStorage(createFsStorage({ root: join(dir, 'rot-a') }));
    const b = createObjectStorage(createFsStorage({ root: join(dir, 'rot-b') }));
    const body = randomBytes(64 * 1024);
    await a.put('m.mov', body);
    await b.put('m.mov', body);
    const onDisk = join(dir, 'rot-b', 'm.mov');
    const rotten = Buffer.from(readFileSync(onDisk));
    rotten[1234] = (rotten[1234] as number) ^ 0x10;
    writeFileSync(onDisk, rotten);
    const storages = new Map([
      ['a', a],
      ['b', b],
    ]);
    const del = await executeReconcileAction(deleteAction(body, ['a', 'm.mov'], [['b', 'm.mov']]), (id) =>
      storages.get(id),
    );
    expect(del.outcome).toBe('refused');
    expect(sha256(await a.read('m.mov'))).toBe(sha256(body));
  });

  it('fs locations whose roots nest hold one object: the delete is refused', async () => {
    const outer = createObjectStorage(createFsStorage({ root: join(dir, 'nest') }));
    const inner = createObjectStorage(createFsStorage({ root: join(dir, 'nest', 'deep') }));
    const body = randomBytes(1024);
    await inner.put('m.mov', body);
    const storages = new Map([
      ['outer', outer],
      ['inner', inner],
    ]);
    const del = await executeReconcileAction(deleteAction(body, ['outer', 'deep/m.mov'], [['inner', 'm.mov']]), (id) =>
      storages.get(id),
    );
    expect(del.outcome).toBe('refused');
    expect(await exists(inner, 'm.mov')).toBe(true);
  });

  // Fixed: the filesystem identity is `fs:<real path of the root>` (symbolic links resolved once
  // the root exists), so a location configured through a symlinked alias of another's root is the
  // same store, and the delete that would remove the only object is refused.
  it('fs locations whose roots are one directory through a symlink hold one object: the delete is refused', async () => {
    const real = join(dir, 'alias-real');
    const a = createObjectStorage(createFsStorage({ root: real }));
    const body = randomBytes(1024);
    await a.put('m.mov', body);
    symlinkSync(real, join(dir, 'alias-link'));
    const b = createObjectStorage(createFsStorage({ root: join(dir, 'alias-link') }));
    const storages = new Map([
      ['a', a],
      ['b', b],
    ]);
    const del = await executeReconcileAction(deleteAction(body, ['a', 'm.mov'], [['b', 'm.mov']]), (id) =>
      storages.get(id),
    );
    expect(del.outcome).toBe('refused');
    expect(await exists(a, 'm.mov')).toBe(true);
  });

  it('opposite deletes run at once in one process (no copySet) never both succeed', async () => {
    for (let round = 0; round < 10; round++) {
      const a = createObjectStorage(createFsStorage({ root: join(dir, `opp${round}-a`) }));
      const b = createObjectStorage(createFsStorage({ root: join(dir, `opp${round}-b`) }));
      const body = randomBytes(2048);
      await a.put('m.mov', body);
      await b.put('m.mov', body);
      const storages = new Map([
        ['a', a],
        ['b', b],
      ]);
      const [x, y] = await Promise.all([
        executeReconcileAction(deleteAction(body, ['a', 'm.mov'], [['b', 'm.mov']]), (id) => storages.get(id)),
        executeReconcileAction(deleteAction(body, ['b', 'm.mov'], [['a', 'm.mov']]), (id) => storages.get(id)),
      ]);
      expect([x.outcome, y.outcome].sort()).toEqual(['done', 'refused']);
      expect((await exists(a, 'm.mov')) || (await exists(b, 'm.mov'))).toBe(true);
    }
  });
});

describe('archive last copy across two PostgreSQL-backed catalogs', () => {
  let pg: PostgresServer;
  let dir: string;
  const catalogs: Catalog[] = [];
  beforeAll(async () => {
    pg = await startPostgres();
    dir = mkdtempSync(join(tmpdir(), 'fw-adv-arch-pg-'));
    const url = pg.createDatabase('archadv');
    for (let i = 0; i < 2; i++)
      catalogs.push(createCatalog({ store: createPostgresCatalogStore({ connectionString: url }) }));
  }, 60_000);
  afterAll(async () => {
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function setup(round: number, locations: string[]) {
    const body = randomBytes(4096);
    const storages = new Map(
      locations.map(
        (id) => [id, createObjectStorage(createFsStorage({ root: join(dir, `r${round}-${id}`) }))] as const,
      ),
    );
    const catalog = catalogs[0] as Catalog;
    const asset = await catalog.createAsset(editor, {
      project: 'vault',
      kind: 'clip',
      titles: [{ language: 'en', value: `Round ${round}` }],
    });
    const version = await catalog.addVersion(editor, asset.id, { name: 'm', kind: 'master', rate, durationFrames: 25 });
    const copies: FileCopyInput[] = [];
    for (const [id, storage] of storages) {
      await storage.put('m.mov', body);
      copies.push({
        fileKey: 'master',
        locationId: id,
        key: 'm.mov',
        sizeBytes: body.length,
        sha256: sha256(body),
        status: 'verified',
        verifiedAt: new Date().toISOString(),
      });
    }
    await recordCopies(catalog, editor, version.id, copies, { expectedRevision: version.revision });
    return { body, storages, versionId: version.id };
  }

  it('"delete A keep B" and "delete B keep A" from two catalogs: one verified copy always survives, recorded', async () => {
    for (let round = 0; round < 6; round++) {
      const { body, storages, versionId } = await setup(round, ['a', 'b', 'c'].slice(0, 2 + (round % 2)));
      const ids = [...storages.keys()];
      // every location tries to delete itself keeping all the others, each through another catalog
      const outcomes = await Promise.all(
        ids.map((id, i) =>
          executeReconcileAction(
            deleteAction(
              body,
              [id, 'm.mov'],
              ids.filter((o) => o !== id).map((o) => [o, 'm.mov'] as [string, string]),
            ),
            (l) => storages.get(l),
            { copySet: { catalog: catalogs[i % 2] as Catalog, actor: editor, versionOf: () => versionId } },
          ),
        ),
      );
      const done = outcomes.filter((o) => o.outcome === 'done').length;
      expect(done).toBeLessThan(ids.length);
      const version = await (catalogs[1] as Catalog).getVersion(editor, versionId);
      const recorded = copiesOnVersion(version).filter((c) => c.status === 'verified');
      expect(recorded.length).toBeGreaterThanOrEqual(1);
      // every recorded copy's bytes are there and verify
      for (const c of recorded)
        expect(sha256(await (storages.get(c.locationId) as ObjectStorage).read(c.key))).toBe(sha256(body));
      // and every copy whose bytes are gone is no longer recorded
      for (const [id, s] of storages)
        if (!(await exists(s, 'm.mov'))) expect(recorded.some((c) => c.locationId === id)).toBe(false);
    }
  });

  it('a stale plan whose kept copy was since removed from the catalog is refused, though its bytes verify', async () => {
    const { body, storages, versionId } = await setup(100, ['a', 'b']);
    const catalog = catalogs[0] as Catalog;
    // someone else un-records b (e.g. another reconciler that is about to delete it)
    const version = await catalog.getVersion(editor, versionId);
    await recordCopies(
      catalog,
      editor,
      versionId,
      copiesOnVersion(version).filter((c) => c.locationId !== 'b'),
      { expectedRevision: version.revision },
    );
    const del = await executeReconcileAction(
      deleteAction(body, ['a', 'm.mov'], [['b', 'm.mov']]),
      (l) => storages.get(l),
      {
        copySet: { catalog: catalogs[1] as Catalog, actor: editor, versionOf: () => versionId },
      },
    );
    expect(del.outcome).toBe('refused');
    expect(await exists(storages.get('a') as ObjectStorage, 'm.mov')).toBe(true);
  });

  it('a kept copy recorded verified but rotted on disk refuses the delete (copySet)', async () => {
    const { body, storages, versionId } = await setup(200, ['a', 'b']);
    const onDisk = join(dir, 'r200-b', 'm.mov');
    const rotten = Buffer.from(readFileSync(onDisk));
    rotten[0] = (rotten[0] as number) ^ 1;
    writeFileSync(onDisk, rotten);
    const del = await executeReconcileAction(
      deleteAction(body, ['a', 'm.mov'], [['b', 'm.mov']]),
      (l) => storages.get(l),
      {
        copySet: { catalog: catalogs[0] as Catalog, actor: editor, versionOf: () => versionId },
      },
    );
    expect(del.outcome).toBe('refused');
    expect(await exists(storages.get('a') as ObjectStorage, 'm.mov')).toBe(true);
    const version = await (catalogs[0] as Catalog).getVersion(editor, versionId);
    expect(copiesOnVersion(version).some((c) => c.locationId === 'a')).toBe(true);
  });
});
