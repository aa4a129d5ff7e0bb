import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMemoryStorage, createObjectStorage, type ObjectStorage } from '../storage/index.js';
import {
  applyReconcileOutcome,
  createPlacementChecker,
  executeReconcileAction,
  executeReconcilePlan,
  type FileCopy,
  type FileCopyInput,
  planReconcile,
  type ReconcileAction,
  type StorageLocationInput,
} from './index.js';

// Two storage classes of one bucket: one physical store.
const BUCKET: StorageLocationInput[] = [
  {
    id: 'bucket-standard',
    tier: 'online',
    media: 'object',
    site: 'cloud',
    region: 'eu-west-1',
    store: 'masters-bucket',
    storageClass: 'STANDARD',
    cost: { storagePerGbMonth: 0.023 },
  },
  {
    id: 'bucket-glacier-ir',
    tier: 'nearline',
    media: 'object',
    site: 'cloud',
    region: 'eu-west-1',
    store: 'masters-bucket',
    storageClass: 'GLACIER_IR',
    cost: { storagePerGbMonth: 0.004 },
  },
];
const asset = { id: 'harbour-101', project: 'drama', kind: 'episode' as const, genres: [] };
const body = Buffer.from('the only master '.repeat(2000));
const file = { fileKey: 'master', sizeBytes: body.length, sha256: createHash('sha256').update(body).digest('hex') };
const KEY = 'masters/harbour-101.mxf';
const verifiedAt = '2026-11-01T00:00:00.000Z';
const NOW = new Date('2026-11-21T00:00:00Z');

function bucketStorage(): ObjectStorage {
  return createObjectStorage(createMemoryStorage({ storageClasses: ['STANDARD', 'GLACIER_IR'] }));
}

async function run(
  checker: ReturnType<typeof createPlacementChecker>,
  copies: FileCopyInput[],
  storages: (id: string) => ObjectStorage | undefined,
) {
  const plan = planReconcile(checker, { asset, files: [file], copies }, NOW);
  let next: (FileCopyInput | FileCopy)[] = copies;
  for (const outcome of await executeReconcilePlan(plan, storages, { now: NOW }))
    next = applyReconcileOutcome(next, outcome);
  return { plan, copies: next as FileCopyInput[] };
}

describe('the last copy of a master (issue 19, scenario a: two storage classes of one bucket)', () => {
  it('never plans a "copy" onto another class of the same store, and a later exclusion moves the object instead of deleting it', async () => {
    const bucket = bucketStorage();
    await bucket.put(KEY, body);
    const storages = (id: string) => (id.startsWith('bucket-') ? bucket : undefined);
    const two = createPlacementChecker({ primarySite: 'cloud', rules: [{ name: 'two', minCopies: 2 }] }, BUCKET);
    const first = await run(
      two,
      [{ ...file, locationId: 'bucket-standard', key: KEY, status: 'verified', verifiedAt }],
      storages,
    );
    // One bucket cannot hold a second copy of the file under the same key: the shortfall stays open.
    expect(first.plan.actions.filter((a) => a.kind === 'copy')).toEqual([]);
    expect(first.plan.unresolved.map((v) => v.kind)).toEqual(['copies']);

    const moveOut = createPlacementChecker(
      { primarySite: 'cloud', rules: [{ name: 'archive', minCopies: 1, excludedLocations: ['bucket-standard'] }] },
      BUCKET,
    );
    await run(moveOut, first.copies, storages);
    // The only object is still there, now in the archive class.
    expect(await bucket.head(KEY)).toMatchObject({ sizeBytes: body.length, storageClass: 'GLACIER_IR' });
  });

  it('counts physical objects: two location records of one store and key are one copy', () => {
    const checker = createPlacementChecker({ primarySite: 'cloud', rules: [{ name: 'two', minCopies: 2 }] }, BUCKET);
    const report = checker.check(
      {
        asset,
        files: [file],
        copies: [
          { ...file, locationId: 'bucket-standard', key: KEY, status: 'verified', verifiedAt },
          { ...file, locationId: 'bucket-glacier-ir', key: KEY, status: 'verified', verifiedAt },
        ],
      },
      NOW,
    );
    expect(report.files[0]?.counted).toBe(1);
    expect(report.violations).toEqual([
      expect.objectContaining({ kind: 'copies', actual: 1, message: expect.stringContaining('the same object as') }),
    ]);
  });

  it('refuses stale actions that treat one object as two: a copy onto itself fails, a delete keeping itself is refused', async () => {
    const driver = createMemoryStorage({ storageClasses: ['STANDARD', 'GLACIER_IR'] });
    // Two storage objects over one driver: one store, whichever the host hands out per location.
    const standard = createObjectStorage(driver);
    const glacier = createObjectStorage(driver);
    await standard.put(KEY, body);
    const storages = (id: string) =>
      id === 'bucket-standard' ? standard : id === 'bucket-glacier-ir' ? glacier : undefined;
    const fields = { assetId: asset.id, ...file, reason: 'stale plan' };
    const copy: ReconcileAction = {
      kind: 'copy',
      ...fields,
      from: { locationId: 'bucket-standard', key: KEY },
      to: { locationId: 'bucket-glacier-ir', key: KEY },
    };
    const copied = await executeReconcileAction(copy, storages);
    expect(copied).toMatchObject({ outcome: 'failed', error: { code: 'CONFLICT' } });
    const del: ReconcileAction = {
      kind: 'delete',
      ...fields,
      at: { locationId: 'bucket-standard', key: KEY },
      keep: [{ locationId: 'bucket-glacier-ir', key: KEY }],
    };
    const deleted = await executeReconcileAction(del, storages);
    expect(deleted).toMatchObject({ outcome: 'refused', error: { code: 'CONFLICT' } });
    expect(await standard.head(KEY)).toBeDefined();
  });
});

describe('the last copy of a master (issue 19, scenario b: two reconcilers, opposite plans)', () => {
  it('runs "delete A keep B" and "delete B keep A" at once: one is refused, one copy survives', async () => {
    const a = createObjectStorage(createMemoryStorage());
    const b = createObjectStorage(createMemoryStorage());
    await a.put(KEY, body);
    await b.put(KEY, body);
    const storages = (id: string) => (id === 'a' ? a : id === 'b' ? b : undefined);
    const fields = { assetId: asset.id, ...file, reason: 'policy flip' };
    const deleteA: ReconcileAction = {
      kind: 'delete',
      ...fields,
      at: { locationId: 'a', key: KEY },
      keep: [{ locationId: 'b', key: KEY }],
    };
    const deleteB: ReconcileAction = {
      kind: 'delete',
      ...fields,
      at: { locationId: 'b', key: KEY },
      keep: [{ locationId: 'a', key: KEY }],
    };
    const outcomes = await Promise.all([
      executeReconcileAction(deleteA, storages),
      executeReconcileAction(deleteB, storages),
    ]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['done', 'refused']);
    const left = [await a.head(KEY), await b.head(KEY)].filter((x) => x !== undefined);
    expect(left).toHaveLength(1);
  });
});
