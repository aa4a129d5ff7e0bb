import {
  createDistributor,
  type DistributionAdapter,
  type DistributionRecordStore,
  distributionRecordId,
} from '@framewise/core/delivery';
import { FramewiseError } from '@framewise/core/errors';
import { filelessDeliverySubject, filelessEndpoint } from '@framewise/core/testing';
import { type PostgresServer, startPostgres } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClosableDistributionStore, createPostgresDistributionStore } from '../src/postgres/index.js';

let server: PostgresServer;
const opened: ClosableDistributionStore[] = [];
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  await server?.stop();
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An endpoint whose submission takes `ms` (an upload), then saves its remote id and only then makes
 * its side effect (the content exists at the endpoint), as the YouTube adapter does.
 */
function slowEndpoint(name: string, ms: number, effects: string[], calls: string[]): DistributionAdapter {
  return {
    name: 'slow',
    capabilities: {
      update: false,
      remoteDelete: true,
      unpublish: false,
      asyncProcessing: false,
      confirmsRemoval: false,
      resumableUpload: false,
      scheduledPublish: false,
    },
    async submit(_pkg, ctx) {
      calls.push(name);
      await sleep(ms);
      await ctx.save({ remoteId: `video-${name}` });
      effects.push(name);
      return { kind: 'success', remoteId: `video-${name}`, remoteState: 'live' };
    },
    update: async () => ({ kind: 'failed', code: 'UNSUPPORTED', message: 'no' }),
    remove: async () => ({ kind: 'success', remoteState: 'removed' }),
    poll: async () => ({ kind: 'success', remoteState: 'live' }),
    close: async () => {},
  };
}

/** Two distributors (two processes: each its own pool) on one PostgreSQL database. */
function twoDistributors(database: string, ms: { a: number; b: number }, wrapA = (s: DistributionRecordStore) => s) {
  const connectionString = server.createDatabase(database);
  const storeA = createPostgresDistributionStore({ connectionString });
  const storeB = createPostgresDistributionStore({ connectionString });
  opened.push(storeA, storeB);
  const effects: string[] = [];
  const calls: string[] = [];
  const make = (store: DistributionRecordStore, name: string, duration: number) =>
    createDistributor({
      store,
      source: { load: async (assetId) => filelessDeliverySubject(assetId) },
      endpoints: [filelessEndpoint('ott', slowEndpoint(name, duration, effects, calls))],
      leaseMs: 600,
    });
  return { a: make(wrapA(storeA), 'A', ms.a), b: make(storeB, 'B', ms.b), effects, calls, storeB };
}

describe('distribution leases on PostgreSQL', () => {
  it('are renewed by heartbeat while a long transfer runs: no second distributor submits the record', async () => {
    const { a, b, effects, calls, storeB } = twoDistributors('lease_renewed', { a: 2_500, b: 10 });
    await a.ready('a1', 'a1-v');
    const first = a.sweep();
    // Another distributor sweeps all along, well past the 600 ms lease.
    const until = Date.now() + 2_800;
    while (Date.now() < until) {
      await b.sweep();
      await sleep(100);
    }
    await first;
    expect(calls).toEqual(['A']);
    expect(effects).toEqual(['A']);
    expect(await storeB.get(distributionRecordId('a1', 'ott'))).toMatchObject({ state: 'live', remoteId: 'video-A' });
  }, 30_000);

  it('once lost (renewals cannot be written), abort the call before its side effect: one submission only', async () => {
    let partitioned = false;
    const cutOff = (store: DistributionRecordStore): DistributionRecordStore => ({
      get: (id) => store.get(id),
      list: (q) => store.list(q),
      put: async (record, expected) => {
        if (partitioned) throw new FramewiseError('TRANSIENT', 'database unreachable (partition)');
        return store.put(record, expected);
      },
    });
    const { a, b, effects, calls, storeB } = twoDistributors('lease_lost', { a: 1_500, b: 10 }, cutOff);
    await a.ready('a1', 'a1-v');
    const first = a.sweep();
    await sleep(50);
    partitioned = true; // A can no longer renew its lease
    await sleep(800);
    await b.sweep(); // the lease ran out: B takes the record over and delivers it
    partitioned = false;
    await first;
    expect(calls).toEqual(['A', 'B']);
    expect(effects).toEqual(['B']);
    expect(await storeB.get(distributionRecordId('a1', 'ott'))).toMatchObject({ state: 'live', remoteId: 'video-B' });
  }, 30_000);
});
