import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createInProcessBackend, type QueueBackend } from '../scheduler/index.js';
import { createMemoryStorage, createObjectStorage, type ObjectStorage } from '../storage/index.js';
import {
  archiveJobs,
  createPlacementChecker,
  executeReconcilePlan,
  type FileCopy,
  type FileCopyInput,
  planReconcile,
  type StorageLocationInput,
  threeTwoOne,
} from './index.js';

const LOCATIONS: StorageLocationInput[] = [
  {
    id: 'disk',
    name: 'SAN',
    tier: 'online',
    media: 'disk',
    site: 'studio',
    region: 'eu-west-2',
    cost: { storagePerGbMonth: 0.1 },
  },
  {
    id: 'object',
    name: 'Object',
    tier: 'nearline',
    media: 'object',
    site: 'studio',
    region: 'eu-west-2',
    cost: { storagePerGbMonth: 0.02 },
  },
  {
    id: 'cloud-us',
    name: 'US bucket',
    tier: 'nearline',
    media: 'object',
    site: 'aws',
    region: 'us-east-1',
    cost: { storagePerGbMonth: 0.01 },
  },
  {
    id: 'vault',
    name: 'Vault',
    tier: 'archive',
    media: 'tape',
    site: 'vault',
    region: 'eu-west-1',
    cost: { storagePerGbMonth: 0.004 },
    restoreOptions: [{ name: 'courier', hours: 24 }],
  },
];
const asset = { id: 'low-tide-101', project: 'drama', kind: 'episode' as const, genres: [] };
const body = Buffer.from('master essence '.repeat(2000));
const master = { fileKey: 'master', sizeBytes: body.length, sha256: createHash('sha256').update(body).digest('hex') };
const copyAt = (locationId: string, status: FileCopy['status'] = 'verified'): FileCopyInput => ({
  ...master,
  locationId,
  key: 'masters/low-tide-101.mxf',
  status,
  verifiedAt: new Date().toISOString(),
});

async function stores(holding: string[]) {
  const map = new Map<string, ObjectStorage>(LOCATIONS.map((l) => [l.id, createObjectStorage(createMemoryStorage())]));
  for (const id of holding) await map.get(id)?.put('masters/low-tide-101.mxf', body);
  return { map, storages: (id: string) => map.get(id) };
}

describe('planReconcile', () => {
  // Sovereignty: nothing in the US; the US bucket is the cheapest, so it must be avoided on purpose.
  const checker = createPlacementChecker(
    { primarySite: 'studio', rules: [threeTwoOne({ excludedRegions: ['us-east-1'] })] },
    LOCATIONS,
  );

  it('plans the cheapest permitted copies that prove 3-2-1, touching nothing', async () => {
    const { map } = await stores(['disk']);
    const plan = planReconcile(checker, { asset, files: [master], copies: [copyAt('disk')] });
    expect(plan.before.compliant).toBe(false);
    expect(plan.actions.map((a) => [a.kind, 'to' in a ? a.to.locationId : a.at.locationId])).toEqual([
      ['copy', 'vault'],
      ['copy', 'object'],
    ]);
    expect(plan.after.compliant).toBe(true);
    expect(plan.unresolved).toEqual([]);
    expect(plan.bytesToCopy).toBe(2 * body.length);
    expect(plan.monthlyCostChange).toBeCloseTo((body.length / 1e9) * (0.004 + 0.02), 12);
    expect(await map.get('vault')?.head('masters/low-tide-101.mxf')).toBeUndefined();
  });

  it('moves a copy off an excluded region: a permitted copy first, the delete last, never the last copy', () => {
    const plan = planReconcile(checker, { asset, files: [master], copies: [copyAt('cloud-us')] });
    const kinds = plan.actions.map((a) => `${a.kind}:${'to' in a ? a.to.locationId : a.at.locationId}`);
    expect(kinds.at(-1)).toBe('delete:cloud-us');
    expect(kinds.filter((k) => k.startsWith('copy'))).toHaveLength(3);
    const deletion = plan.actions.at(-1);
    expect(deletion?.kind === 'delete' && deletion.keep.length).toBeGreaterThan(0);
    expect(plan.after.compliant).toBe(true);
  });

  it('repairs a corrupt copy from a verified one, and reports what it cannot resolve', () => {
    const repair = planReconcile(checker, {
      asset,
      files: [master],
      copies: [copyAt('disk'), copyAt('object'), copyAt('vault', 'corrupt')],
    });
    expect(repair.actions.map((a) => a.kind)).toEqual(['repair']);
    expect(repair.actions[0]).toMatchObject({ from: { locationId: 'disk' }, to: { locationId: 'vault' } });
    const stranded = planReconcile(checker, { asset, files: [master], copies: [copyAt('disk', 'corrupt')] });
    expect(stranded.actions).toEqual([]);
    expect(stranded.unresolved.map((v) => v.kind)).toContain('integrity');
  });
});

describe('planReconcile input', () => {
  it('refuses a malformed copy, naming which', () => {
    const checker = createPlacementChecker({ primarySite: 'studio', rules: [threeTwoOne()] }, LOCATIONS);
    const bad = { ...copyAt('disk'), sha256: 'not-a-digest' };
    expect(() => planReconcile(checker, { asset, files: [master], copies: [copyAt('object'), bad] })).toThrow(
      /Reconcile copy 1/,
    );
  });
});

describe('executing a reconcile plan', () => {
  const checker = createPlacementChecker(
    { primarySite: 'studio', rules: [threeTwoOne({ excludedRegions: ['us-east-1'] })] },
    LOCATIONS,
  );

  it('makes the copies, reads them back, deletes the excluded copy last, and proves the policy', async () => {
    const { map, storages } = await stores(['cloud-us']);
    const plan = planReconcile(checker, { asset, files: [master], copies: [copyAt('cloud-us')] });
    const outcomes = await executeReconcilePlan(plan, storages);
    expect(outcomes.map((o) => o.outcome)).toEqual(['done', 'done', 'done', 'done']);
    expect(await map.get('cloud-us')?.head('masters/low-tide-101.mxf')).toBeUndefined();
    const copies = outcomes.flatMap((o) => (o.copy ? [o.copy] : []));
    expect(checker.check({ asset, files: [master], copies }).compliant).toBe(true);
  });

  it('refuses a delete when the copies to keep do not read back verified at that moment', async () => {
    const { map, storages } = await stores(['cloud-us', 'disk', 'object', 'vault']);
    const plan = planReconcile(checker, {
      asset,
      files: [master],
      copies: [copyAt('cloud-us'), copyAt('disk'), copyAt('object'), copyAt('vault')],
    });
    expect(plan.actions.map((a) => a.kind)).toEqual(['delete']);
    // Behind the plan's back, every kept copy goes bad.
    for (const id of ['disk', 'object', 'vault'])
      await map.get(id)?.put('masters/low-tide-101.mxf', Buffer.from('rot'));
    const [outcome] = await executeReconcilePlan(plan, storages);
    expect(outcome).toMatchObject({ outcome: 'refused', error: { code: 'CONFLICT' } });
    expect(await map.get('cloud-us')?.head('masters/low-tide-101.mxf')).toBeDefined();
  });

  it('runs actions as archive jobs on a queue backend, copies before deletes', async () => {
    const { map, storages } = await stores(['cloud-us']);
    const plan = planReconcile(checker, { asset, files: [master], copies: [copyAt('cloud-us')] });
    const queue = createInProcessBackend({ definitions: archiveJobs(storages), resources: { io: 2 } });
    const copies = await Promise.all(
      plan.actions
        .filter((a) => a.kind !== 'delete')
        .map(async (a) => queue.result<FileCopy>((await queue.submit('archive', a)).id)),
    );
    expect(copies.every((c) => c.status === 'verified')).toBe(true);
    for (const a of plan.actions.filter((x) => x.kind === 'delete'))
      await queue.result((await queue.submit('archive', a)).id);
    await queue.close({ drain: true });
    expect(await map.get('cloud-us')?.head('masters/low-tide-101.mxf')).toBeUndefined();
    // A malformed action from outside (the untyped port) is refused at run time.
    const untyped: QueueBackend = queue;
    const bad = await untyped.submit('archive', { kind: 'delete' }).catch((e: unknown) => e);
    expect(String(bad)).toMatch(/CONFLICT|closed|INVALID_INPUT/);
  });
});
