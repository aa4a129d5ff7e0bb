/**
 * Adversarial reconciler cases for issue 19, written from docs/archive.md only: several
 * reconcilers planning from their own (soon stale) view under random policy flips, with storage
 * calls delayed at random, against one catalog; and a fixity audit writing its results back while a
 * reconciler deletes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  applyReconcileOutcome,
  type Catalog,
  copiesOnVersion,
  createCatalog,
  createMemoryCatalogStore,
  createPlacementChecker,
  executeReconcileAction,
  type FileCopy,
  isFramewiseError,
  planReconcile,
  recordCopies,
  type StorageLocationInput,
} from '../src/index.js';
import {
  createMemoryStorage,
  createObjectStorage,
  type ObjectStorage,
  type StorageDriver,
} from '../src/storage/index.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const editor = { id: 'rec', memberships: [{ project: 'vault', role: 'editor' as const }] };

/** Seeded PRNG (mulberry32), so a failure can be replayed. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A driver whose calls wait a random few milliseconds first (interleaving the reconcilers). */
function delayed(driver: StorageDriver, random: () => number): StorageDriver {
  const wait = () => new Promise((r) => setTimeout(r, Math.floor(random() * 6)));
  return new Proxy(driver, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || prop === 'close') return value;
      return async (...args: unknown[]) => {
        await wait();
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

const locations: StorageLocationInput[] = [
  { id: 'disk', tier: 'online', media: 'disk', site: 'studio', region: 'eu-west-2' },
  { id: 'nas', tier: 'nearline', media: 'disk', site: 'annex', region: 'eu-west-2' },
  {
    id: 'cloud',
    tier: 'online',
    media: 'object',
    site: 'aws',
    region: 'eu-west-1',
    store: 'bucket',
    storageClass: 'STANDARD',
  },
  {
    id: 'cloud-ir',
    tier: 'nearline',
    media: 'object',
    site: 'aws',
    region: 'eu-west-1',
    store: 'bucket',
    storageClass: 'GLACIER_IR',
  },
];

describe('concurrent reconcilers under policy flips', () => {
  for (const seed of (process.env.FW_SEEDS ?? '1,2,3').split(',').map(Number)) {
    it(`always leave a verified copy whose bytes verify, and the catalog records one (seed ${seed})`, async () => {
      const random = rng(seed);
      const catalog: Catalog = createCatalog({ store: createMemoryCatalogStore() });
      const bucket = createObjectStorage(
        delayed(createMemoryStorage({ storageClasses: ['STANDARD', 'GLACIER_IR'] }), random),
      );
      const storages = new Map<string, ObjectStorage>([
        ['disk', createObjectStorage(delayed(createMemoryStorage(), random))],
        ['nas', createObjectStorage(delayed(createMemoryStorage(), random))],
        ['cloud', bucket],
        ['cloud-ir', bucket],
      ]);
      const asset = await catalog.createAsset(editor, {
        project: 'vault',
        kind: 'clip',
        titles: [{ language: 'en', value: 'x' }],
      });
      const version = await catalog.addVersion(editor, asset.id, {
        name: 'm',
        kind: 'master',
        rate: { num: 25, den: 1, dropFrame: false },
        durationFrames: 25,
      });
      const body = randomBytes(2048);
      const file = { fileKey: 'master', sizeBytes: body.length, sha256: sha256(body) };
      await (storages.get('disk') as ObjectStorage).put('m.mov', body);
      await recordCopies(
        catalog,
        editor,
        version.id,
        [{ ...file, locationId: 'disk', key: 'm.mov', status: 'verified', verifiedAt: new Date().toISOString() }],
        { expectedRevision: version.revision },
      );
      const ids = locations.map((l) => l.id);
      const policy = () => {
        const excluded = ids.filter(() => random() < 0.4).slice(0, 3);
        return createPlacementChecker({
          policy: {
            primarySite: 'studio',
            rules: [{ name: 'flip', minCopies: 1 + Math.floor(random() * 3), excludedLocations: excluded }],
          },
          locations,
        });
      };
      const invariant = async () => {
        const physical = new Set<ObjectStorage>(storages.values());
        let good = 0;
        for (const s of physical) {
          const bytes = await s.read('m.mov').catch(() => undefined);
          if (bytes !== undefined && sha256(bytes) === file.sha256) good++;
        }
        expect(good, `no copy's bytes verify after ${JSON.stringify(log.slice(-12))}`).toBeGreaterThanOrEqual(1);
        const recorded = copiesOnVersion(await catalog.getVersion(editor, version.id)).filter(
          (c) => c.status === 'verified',
        );
        expect(recorded.length, `no copy recorded after ${JSON.stringify(log.slice(-12))}`).toBeGreaterThanOrEqual(1);
      };
      const log: unknown[] = [];
      const copySet = { catalog, actor: editor, versionOf: () => version.id };
      const tally = new Map<string, number>();
      const reconciler = async () => {
        for (let round = 0; round < 12; round++) {
          const copies = copiesOnVersion(await catalog.getVersion(editor, version.id));
          const plan = planReconcile(policy(), { asset, files: [file], copies });
          for (const action of plan.actions) {
            // a stale plan: the copy set may have changed since it was made
            const outcome = await executeReconcileAction(action, (id) => storages.get(id), { copySet });
            log.push({
              action: {
                kind: action.kind,
                ...('at' in action ? { at: action.at } : {}),
                ...('keep' in action ? { keep: action.keep } : {}),
                ...('to' in action ? { from: action.from, to: action.to } : {}),
              },
              outcome: outcome.outcome,
              error: outcome.error?.message,
            });
            tally.set(`${action.kind}:${outcome.outcome}`, (tally.get(`${action.kind}:${outcome.outcome}`) ?? 0) + 1);
            if (outcome.outcome === 'done' && action.kind !== 'delete') {
              // record the new copy on the *current* copy set (a delete already removed its own
              // record), compare-and-set on the revision it was read at
              for (;;) {
                const current = await catalog.getVersion(editor, version.id);
                const next = applyReconcileOutcome<FileCopy>(copiesOnVersion(current), outcome);
                try {
                  await recordCopies(catalog, editor, version.id, next, { expectedRevision: current.revision });
                  break;
                } catch (error) {
                  if (!isFramewiseError(error, 'CONFLICT')) throw error;
                }
              }
            }
            await invariant();
          }
        }
      };
      await Promise.all([reconciler(), reconciler(), reconciler()]);
      await invariant();
      // not vacuous: copies were made and deletes both ran and were refused
      expect(tally.get('copy:done') ?? 0).toBeGreaterThan(0);
      expect(tally.get('delete:done') ?? 0).toBeGreaterThan(0);
      expect((tally.get('delete:refused') ?? 0) + (tally.get('delete:failed') ?? 0)).toBeGreaterThan(0);
    }, 60_000);
  }
});

describe('fixity results written back while a reconciler deletes', () => {
  // Fixed: recordCopies without expectedRevision merges states into the copies the catalog records
  // now and never re-creates one, so a writer holding an older view (a fixity audit's onChecked)
  // cannot put back the record of a copy a guarded delete has just un-recorded and deleted.
  it('a copy deleted by the guard is not resurrected by a stale recordCopies', async () => {
    const catalog: Catalog = createCatalog({ store: createMemoryCatalogStore() });
    const a = createObjectStorage(createMemoryStorage());
    const b = createObjectStorage(createMemoryStorage());
    const storages = new Map([
      ['a', a],
      ['b', b],
    ]);
    const asset = await catalog.createAsset(editor, {
      project: 'vault',
      kind: 'clip',
      titles: [{ language: 'en', value: 'y' }],
    });
    const version = await catalog.addVersion(editor, asset.id, {
      name: 'm',
      kind: 'master',
      rate: { num: 25, den: 1, dropFrame: false },
      durationFrames: 25,
    });
    const body = randomBytes(1024);
    const file = { fileKey: 'master', sizeBytes: body.length, sha256: sha256(body) };
    await a.put('m.mov', body);
    await b.put('m.mov', body);
    const at = new Date().toISOString();
    await recordCopies(
      catalog,
      editor,
      version.id,
      [
        { ...file, locationId: 'a', key: 'm.mov', status: 'verified', verifiedAt: at },
        { ...file, locationId: 'b', key: 'm.mov', status: 'verified', verifiedAt: at },
      ],
      { expectedRevision: version.revision },
    );
    // an audit reads the copy set…
    const auditView = copiesOnVersion(await catalog.getVersion(editor, version.id));
    // …a reconciler deletes a, guarded by the catalog's compare-and-set…
    const del = await executeReconcileAction(
      {
        kind: 'delete',
        ...file,
        assetId: asset.id,
        reason: 'excluded',
        at: { locationId: 'a', key: 'm.mov' },
        keep: [{ locationId: 'b', key: 'm.mov' }],
      },
      (id) => storages.get(id),
      { copySet: { catalog, actor: editor, versionOf: () => version.id } },
    );
    expect(del.outcome).toBe('done');
    expect(await a.head('m.mov')).toBeUndefined();
    // …and the audit writes its results back from its view
    await recordCopies(
      catalog,
      editor,
      version.id,
      auditView.map((c) => ({ ...c, checkedAt: new Date().toISOString() })),
    );
    const recorded = copiesOnVersion(await catalog.getVersion(editor, version.id));
    expect(recorded.map((c) => c.locationId)).toEqual(['b']);
    // the write-back still landed for the copy that is recorded
    expect(recorded[0]?.checkedAt).toBeDefined();
  });

  it('with expectedRevision, the stale write-back is refused (CONFLICT) and the deleted copy stays un-recorded', async () => {
    const catalog: Catalog = createCatalog({ store: createMemoryCatalogStore() });
    const a = createObjectStorage(createMemoryStorage());
    const b = createObjectStorage(createMemoryStorage());
    const storages = new Map([
      ['a', a],
      ['b', b],
    ]);
    const asset = await catalog.createAsset(editor, {
      project: 'vault',
      kind: 'clip',
      titles: [{ language: 'en', value: 'z' }],
    });
    const version = await catalog.addVersion(editor, asset.id, {
      name: 'm',
      kind: 'master',
      rate: { num: 25, den: 1, dropFrame: false },
      durationFrames: 25,
    });
    const body = randomBytes(1024);
    const file = { fileKey: 'master', sizeBytes: body.length, sha256: sha256(body) };
    await a.put('m.mov', body);
    await b.put('m.mov', body);
    const at = new Date().toISOString();
    await recordCopies(
      catalog,
      editor,
      version.id,
      [
        { ...file, locationId: 'a', key: 'm.mov', status: 'verified', verifiedAt: at },
        { ...file, locationId: 'b', key: 'm.mov', status: 'verified', verifiedAt: at },
      ],
      { expectedRevision: version.revision },
    );
    const read = await catalog.getVersion(editor, version.id);
    const auditView = copiesOnVersion(read);
    const del = await executeReconcileAction(
      {
        kind: 'delete',
        ...file,
        assetId: asset.id,
        reason: 'excluded',
        at: { locationId: 'a', key: 'm.mov' },
        keep: [{ locationId: 'b', key: 'm.mov' }],
      },
      (id) => storages.get(id),
      { copySet: { catalog, actor: editor, versionOf: () => version.id } },
    );
    expect(del.outcome).toBe('done');
    await expect(
      recordCopies(catalog, editor, version.id, auditView, { expectedRevision: read.revision }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(copiesOnVersion(await catalog.getVersion(editor, version.id)).map((c) => c.locationId)).toEqual(['b']);
  });
});

describe('records of one physical object under two locations', () => {
  it('deleting through one location un-records the other, so a concurrent delete cannot keep it', async () => {
    const catalog: Catalog = createCatalog({ store: createMemoryCatalogStore() });
    const bucket = createObjectStorage(createMemoryStorage({ storageClasses: ['STANDARD', 'GLACIER_IR'] }));
    const nas = createObjectStorage(createMemoryStorage());
    const storages = new Map<string, ObjectStorage>([
      ['cloud', bucket],
      ['cloud-ir', bucket],
      ['nas', nas],
    ]);
    const asset = await catalog.createAsset(editor, {
      project: 'vault',
      kind: 'clip',
      titles: [{ language: 'en', value: 'w' }],
    });
    const version = await catalog.addVersion(editor, asset.id, {
      name: 'm',
      kind: 'master',
      rate: { num: 25, den: 1, dropFrame: false },
      durationFrames: 25,
    });
    const body = randomBytes(1024);
    const file = { fileKey: 'master', sizeBytes: body.length, sha256: sha256(body) };
    await bucket.put('m.mov', body);
    await nas.put('m.mov', body);
    const at = new Date().toISOString();
    // two stale copy plans both "made" a copy in the bucket: one object, recorded twice
    await recordCopies(
      catalog,
      editor,
      version.id,
      ['cloud', 'cloud-ir', 'nas'].map((locationId) => ({
        ...file,
        locationId,
        key: 'm.mov',
        status: 'verified' as const,
        verifiedAt: at,
      })),
      { expectedRevision: version.revision },
    );
    const copySet = { catalog, actor: editor, versionOf: () => version.id };
    const del = (at: string, keep: string[]) =>
      executeReconcileAction(
        {
          kind: 'delete',
          ...file,
          assetId: asset.id,
          reason: 'flip',
          at: { locationId: at, key: 'm.mov' },
          keep: keep.map((locationId) => ({ locationId, key: 'm.mov' })),
        },
        (id) => storages.get(id),
        { copySet },
      );
    expect((await del('cloud', ['nas'])).outcome).toBe('done');
    // the bucket object is gone: its other record must be too
    expect(copiesOnVersion(await catalog.getVersion(editor, version.id)).map((c) => c.locationId)).toEqual(['nas']);
    expect((await del('nas', ['cloud-ir'])).outcome).toBe('refused');
    expect(await nas.head('m.mov')).toBeDefined();
  });
});
