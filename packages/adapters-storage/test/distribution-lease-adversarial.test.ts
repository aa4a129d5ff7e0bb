/**
 * Adversarial lease cases for issue 19, written from docs/distribution.md only: two distributors,
 * each with its own PostgreSQL record store on one database, and a transfer much longer than the
 * lease.
 */
import {
  createDistributor,
  type DistributionAdapter,
  type DistributionContext,
  type DistributionOutcome,
} from '@framewise/core/delivery';
import { filelessDeliverySubject, filelessEndpoint, MemoryEndpoint } from '@framewise/core/testing';
import { type PostgresServer, startPostgres } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDistributionStore } from '../src/postgres/index.js';

/** A memory endpoint whose submissions take `ms` (a long upload), honouring the call's signal. */
class SlowEndpoint extends MemoryEndpoint implements DistributionAdapter {
  submits = 0;
  aborted = 0;
  constructor(private readonly ms: number) {
    super();
  }
  override async submit(
    pkg: Parameters<MemoryEndpoint['submit']>[0],
    ctx: DistributionContext,
  ): Promise<DistributionOutcome> {
    this.submits++;
    const step = 100;
    for (let waited = 0; waited < this.ms; waited += step) {
      if (ctx.signal?.aborted) {
        this.aborted++;
        return { kind: 'retry', afterMs: 0, reason: 'lease lost' };
      }
      await new Promise((r) => setTimeout(r, step));
    }
    return super.submit(pkg, ctx);
  }
}

describe('distribution lease on PostgreSQL', () => {
  let pg: PostgresServer;
  let url: string;
  beforeAll(async () => {
    pg = await startPostgres();
    url = pg.createDatabase('leaseadv');
  }, 60_000);
  afterAll(async () => {
    await pg?.stop();
  });

  it('a transfer four times longer than the lease is never submitted by a second distributor', async () => {
    const adapter = new SlowEndpoint(6000);
    const make = (holder: string, skewMs = 0) => {
      const store = createPostgresDistributionStore({ connectionString: url });
      return {
        store,
        distributor: createDistributor({
          store,
          endpoints: [filelessEndpoint('slow', adapter)],
          source: { load: async (assetId) => filelessDeliverySubject(assetId) },
          leaseMs: 1500,
          clock: { now: () => Date.now() + skewMs },
          retry: { baseMs: 0, maxMs: 0, maxAttempts: 8 },
        }),
        holder,
      };
    };
    const one = make('one');
    const two = make('two');
    try {
      await one.distributor.submit('lease-1', 'slow', { versionId: 'lease-1-v' });
      const first = one.distributor.sweep();
      // the second distributor sweeps all through the transfer, well past the lease
      const deadline = Date.now() + 7000;
      while (Date.now() < deadline) {
        await two.distributor.sweep();
        await new Promise((r) => setTimeout(r, 250));
      }
      await first;
      for (let i = 0; i < 3; i++) {
        await one.distributor.sweep();
        await two.distributor.sweep();
      }
      expect(adapter.submits).toBe(1);
      expect(adapter.aborted).toBe(0);
      expect(adapter.items.size).toBe(1);
      expect((await two.distributor.get('lease-1', 'slow'))?.state).toBe('live');
    } finally {
      await one.distributor.close();
      await two.distributor.close();
      await one.store.close?.();
      await two.store.close?.();
    }
  }, 60_000);

  it('a holder whose lease is taken over (a skewed clock elsewhere) aborts before its side effect', async () => {
    const adapter = new SlowEndpoint(3000);
    const make = (skewMs: number) => {
      const store = createPostgresDistributionStore({ connectionString: url });
      return {
        store,
        distributor: createDistributor({
          store,
          endpoints: [filelessEndpoint('slow', adapter)],
          source: { load: async (assetId) => filelessDeliverySubject(assetId) },
          leaseMs: 1500,
          clock: { now: () => Date.now() + skewMs },
          retry: { baseMs: 0, maxMs: 0, maxAttempts: 8 },
        }),
      };
    };
    const one = make(0);
    const two = make(20 * 60_000); // twenty minutes ahead: sees one's lease as long expired
    try {
      await one.distributor.submit('lease-2', 'slow', { versionId: 'lease-2-v' });
      const first = one.distributor.sweep();
      await new Promise((r) => setTimeout(r, 300));
      const second = two.distributor.sweep();
      await Promise.all([first, second]);
      for (let i = 0; i < 3; i++) await two.distributor.sweep();
      expect(adapter.submits).toBe(2); // the takeover happened
      expect(adapter.aborted).toBe(1);
      // one item at the endpoint, whoever made it
      expect(adapter.items.size).toBe(1);
      expect((await two.distributor.get('lease-2', 'slow'))?.state).toBe('live');
    } finally {
      await one.distributor.close();
      await two.distributor.close();
      await one.store.close?.();
      await two.store.close?.();
    }
  }, 60_000);
});
