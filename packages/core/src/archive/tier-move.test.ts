import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMemoryStorage, createObjectStorage } from '../storage/index.js';
import {
  applyReconcileOutcome,
  createPlacementChecker,
  executeReconcilePlan,
  type FileCopy,
  type FileCopyInput,
  planReconcile,
  type StorageLocationInput,
} from './index.js';

// Two storage classes of one bucket, declared as two locations of the same store.
const LOCATIONS: StorageLocationInput[] = [
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
    tier: 'archive',
    media: 'object',
    site: 'cloud',
    region: 'eu-west-1',
    store: 'masters-bucket',
    storageClass: 'GLACIER_IR',
    cost: { storagePerGbMonth: 0.004, retrievalPerGb: 0.03 },
    restoreOptions: [{ name: 'instant', hours: 0.001 }],
  },
  { id: 'disk', tier: 'online', media: 'disk', site: 'studio', region: 'eu-west-2' },
];
const asset = { id: 'harbour-101', project: 'drama', kind: 'episode' as const, genres: [] };
const body = Buffer.from('archived master '.repeat(1000));
const file = { fileKey: 'master', sizeBytes: body.length, sha256: createHash('sha256').update(body).digest('hex') };
const KEY = 'masters/harbour-101.mxf';
const verifiedAt = '2026-11-01T00:00:00.000Z';

// Once delivered, the master leaves the standard class for the archive class of the same bucket.
const checker = createPlacementChecker(
  {
    primarySite: 'studio',
    rules: [{ name: 'archived', minCopies: 2, requiredTiers: ['archive'], excludedLocations: ['bucket-standard'] }],
  },
  LOCATIONS,
);

describe('tier moves by storage-class change', () => {
  it('plans a move instead of a copy and a delete: no bytes to copy, the bill goes down', () => {
    const copies: FileCopyInput[] = [
      { ...file, locationId: 'disk', key: KEY, status: 'verified', verifiedAt },
      { ...file, locationId: 'bucket-standard', key: KEY, status: 'verified', verifiedAt },
    ];
    const plan = planReconcile(checker, { asset, files: [file], copies }, new Date('2026-11-21T00:00:00Z'));
    expect(plan.actions).toEqual([
      expect.objectContaining({
        kind: 'move',
        from: { locationId: 'bucket-standard', key: KEY },
        to: { locationId: 'bucket-glacier-ir', key: KEY },
        storageClass: 'GLACIER_IR',
        status: 'verified',
        verifiedAt,
      }),
    ]);
    expect(plan.bytesToCopy).toBe(0);
    expect(plan.monthlyCostChange).toBeCloseTo((body.length / 1e9) * (0.004 - 0.023), 12);
    expect(plan.after.compliant).toBe(true);
  });

  it('executes the move in place: same bytes, new class, the copy keeps its verification', async () => {
    const bucket = createObjectStorage(createMemoryStorage({ storageClasses: ['STANDARD', 'GLACIER_IR'] }));
    const disk = createObjectStorage(createMemoryStorage());
    await bucket.put(KEY, body);
    await disk.put(KEY, body);
    const etag = (await bucket.head(KEY))?.etag;
    let copies: (FileCopyInput | FileCopy)[] = [
      { ...file, locationId: 'disk', key: KEY, status: 'verified', verifiedAt },
      { ...file, locationId: 'bucket-standard', key: KEY, status: 'verified', verifiedAt },
    ];
    const plan = planReconcile(checker, { asset, files: [file], copies }, new Date('2026-11-21T00:00:00Z'));
    const outcomes = await executeReconcilePlan(plan, (id) => (id === 'disk' ? disk : bucket));
    expect(outcomes.map((o) => o.outcome)).toEqual(['done']);
    for (const o of outcomes) copies = applyReconcileOutcome(copies, o);
    expect(copies.map((c) => [c.locationId, c.status, c.verifiedAt])).toEqual([
      ['disk', 'verified', verifiedAt],
      ['bucket-glacier-ir', 'verified', verifiedAt],
    ]);
    expect(await bucket.head(KEY)).toMatchObject({ storageClass: 'GLACIER_IR', sizeBytes: body.length });
    expect((await bucket.head(KEY))?.etag).toBe(etag);
    expect((await bucket.digest(KEY)).sha256).toBe(file.sha256);
    expect(checker.check({ asset, files: [file], copies }).compliant).toBe(true);
  });

  it('fails the move, changing nothing, when the object is not what the plan expected', async () => {
    const bucket = createObjectStorage(createMemoryStorage({ storageClasses: ['STANDARD', 'GLACIER_IR'] }));
    await bucket.put(KEY, Buffer.from('truncated'));
    const copies: FileCopyInput[] = [
      { ...file, locationId: 'disk', key: KEY, status: 'verified', verifiedAt },
      { ...file, locationId: 'bucket-standard', key: KEY, status: 'verified', verifiedAt },
    ];
    const plan = planReconcile(checker, { asset, files: [file], copies }, new Date('2026-11-21T00:00:00Z'));
    const [outcome] = await executeReconcilePlan(plan, () => bucket);
    expect(outcome).toMatchObject({ outcome: 'failed', error: { code: 'INTEGRITY' } });
    expect((await bucket.head(KEY))?.storageClass).toBe('STANDARD');
    expect(applyReconcileOutcome(copies, outcome as never)).toEqual(copies);
  });

  it('refuses a storage-class change where the storage has none', async () => {
    await expect(createObjectStorage(createMemoryStorage()).setStorageClass(KEY, 'GLACIER')).rejects.toMatchObject({
      code: 'UNSUPPORTED',
    });
  });

  it('requires a shared store to name each location’s class', () => {
    expect(() =>
      createPlacementChecker({ primarySite: 'studio', rules: [{ name: 'r' }] }, [
        { id: 'x', tier: 'online', media: 'object', site: 's', region: 'r', store: 'b' },
      ]),
    ).toThrow(/storageClass/);
  });
});
