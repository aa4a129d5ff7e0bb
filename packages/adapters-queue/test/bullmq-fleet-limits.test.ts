import { isFramewiseError } from '@framewise/core/errors';
import { type RedisServer, startRedis, waitFor } from '@framewise/test-support';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetResources } from '../src/bullmq/fleet-resources.js';
import { createBullmqBackend, startBullmqWorker } from '../src/bullmq/index.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
}, 60_000);
afterAll(async () => {
  await redis?.stop();
});

/** Counts how many handlers run at once, across every worker of this process. */
function gauge() {
  const g = {
    now: 0,
    max: 0,
    enter() {
      g.now++;
      g.max = Math.max(g.max, g.now);
    },
    leave() {
      g.now--;
    },
  };
  return g;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('BullMQ fleet-wide resource limits', () => {
  it('runs at most the fleet capacity of a resource at once across workers, each of which has room for more', async () => {
    const g = gauge();
    const definitions = {
      encode: {
        resources: { cpu: 1, 'av1-encoder': 1 },
        handler: async () => {
          g.enter();
          await sleep(60);
          g.leave();
        },
      },
    };
    const options = { connection: redis.url, queue: 'limit-a', definitions };
    const backend = await createBullmqBackend(options);
    await backend.setResourceCapacity('av1-encoder', 2);
    const workers = await Promise.all(
      [1, 2, 3].map((i) => startBullmqWorker({ ...options, name: `w${i}`, concurrency: 3, resources: { cpu: 3 } })),
    );
    const ids = await Promise.all(Array.from({ length: 18 }, () => backend.submit('encode', {})));
    await Promise.all(ids.map((j) => backend.result(j.id)));
    expect(g.max).toBe(2); // 9 could run by local slots; the fleet allows 2, and uses both
    expect((await backend.resourceUsage())['av1-encoder']).toEqual({ capacity: 2, held: 0, leases: 0 });
    await Promise.all(workers.map((w) => w.close()));
    await backend.close();
  });

  it('applies a capacity change at run time: raising it lets waiting jobs start together', async () => {
    const g = gauge();
    let together!: () => void;
    const three = new Promise<void>((r) => (together = r));
    const definitions = {
      gpu: {
        resources: { gpu: 1 },
        handler: async () => {
          g.enter();
          if (g.now === 3) together();
          await three; // finishes only once three run at once
          g.leave();
        },
      },
    };
    const options = { connection: redis.url, queue: 'limit-b', definitions };
    const backend = await createBullmqBackend(options);
    await backend.setResourceCapacity('gpu', 1);
    const workers = await Promise.all(
      [1, 2].map((i) => startBullmqWorker({ ...options, name: `w${i}`, concurrency: 2, resources: { gpu: 4 } })),
    );
    const ids = await Promise.all(Array.from({ length: 3 }, () => backend.submit('gpu', {})));
    await waitFor('one running', async () => (await backend.resourceUsage()).gpu?.held === 1, 10_000);
    await sleep(300);
    expect(g.max).toBe(1);
    await backend.setResourceCapacity('gpu', 3);
    await Promise.all(ids.map((j) => backend.result(j.id)));
    expect(g.max).toBe(3);
    const bad = await backend.setResourceCapacity('gpu', -1).catch((e: unknown) => e);
    expect(isFramewiseError(bad, 'INVALID_INPUT') && /gpu/.test((bad as Error).message)).toBe(true);
    const badName = await backend.setResourceCapacity('a b', 1).catch((e: unknown) => e);
    expect(isFramewiseError(badName, 'INVALID_INPUT') && /"a b"/.test((badName as Error).message)).toBe(true);
    await Promise.all(workers.map((w) => w.close()));
    await backend.close();
  });

  it("frees a dead worker's slot when its lease lapses, and keeps a live worker's lease by renewing it", async () => {
    const g = gauge();
    const definitions = {
      tape: {
        resources: { 'tape-drive': 1 },
        handler: async ({ ms }: { ms: number }) => {
          g.enter();
          await sleep(ms);
          g.leave();
        },
      },
    };
    const options = { connection: redis.url, queue: 'limit-c', definitions };
    const backend = await createBullmqBackend(options);
    await backend.setResourceCapacity('tape-drive', 1);
    // A worker that took the only drive and died (never renews): its lease lapses after 800 ms.
    const conn = new Redis(redis.url);
    const fleet = new FleetResources(conn, 'framewise:limit-c:fw');
    expect(await fleet.tryAcquire('dead-worker-lease', { 'tape-drive': 1 }, 800)).toEqual({
      ok: true,
      leased: ['tape-drive'],
    });
    const worker = await startBullmqWorker({ ...options, concurrency: 2, leaseTtlMs: 300 });
    // The first job runs for 5 lease lifetimes: renewal keeps its lease, so the second never overlaps it.
    const first = await backend.submit('tape', { ms: 1_500 });
    const second = await backend.submit('tape', { ms: 10 });
    await backend.result(first.id);
    await backend.result(second.id);
    expect(g.max).toBe(1);
    expect((await backend.resourceUsage())['tape-drive']).toEqual({ capacity: 1, held: 0, leases: 0 });
    await worker.close();
    await backend.close();
    await conn.quit();
  });

  it('takes every resource of a job at once or none (no partial hold blocks another job)', async () => {
    const conn = new Redis(redis.url);
    const fleet = new FleetResources(conn, 'framewise:limit-d:fw');
    await fleet.setCapacity('a', 1);
    await fleet.setCapacity('b', 1);
    expect((await fleet.tryAcquire('x', { a: 1 }, 10_000)).ok).toBe(true);
    expect(await fleet.tryAcquire('y', { b: 1, a: 1 }, 10_000)).toEqual({ ok: false, full: 'a' });
    // y took nothing: b is still free for z.
    expect(await fleet.tryAcquire('z', { b: 1, unlimited: 5 }, 10_000)).toEqual({ ok: true, leased: ['b'] });
    expect(await fleet.usage()).toEqual({
      a: { capacity: 1, held: 1, leases: 1 },
      b: { capacity: 1, held: 1, leases: 1 },
    });
    await fleet.release('x', ['a']);
    expect((await fleet.tryAcquire('y', { b: 1, a: 1 }, 10_000)).ok).toBe(false);
    await fleet.release('z', ['b']);
    expect((await fleet.tryAcquire('y', { b: 1, a: 1 }, 10_000)).ok).toBe(true);
    // Renewal reports a lease that lapsed (its slot may have gone to someone else).
    expect((await fleet.tryAcquire('short', { c: 1 }, 10_000)).ok).toBe(true); // c is unlimited: nothing leased
    await fleet.setCapacity('c', 1);
    expect((await fleet.tryAcquire('short', { c: 1 }, 100)).ok).toBe(true);
    await sleep(200);
    expect([...(await fleet.renew([{ id: 'short', resources: ['c'] }], 1_000))]).toEqual(['short']);
    await conn.quit();
  });
});

describe('BullMQ worker timeout', () => {
  it("aborts an attempt that outlives its definition's timeoutMs with TIMEOUT, and retries it as transient", async () => {
    const reasons: unknown[] = [];
    const definitions = {
      hang: {
        timeoutMs: 200,
        retry: { attempts: 2, baseMs: 10, maxMs: 10 },
        // Never settles by itself: only the signal ends it.
        handler: (_input: unknown, { signal }: { signal: AbortSignal }) =>
          new Promise<never>(() => {
            signal.addEventListener('abort', () => reasons.push(signal.reason), { once: true });
          }),
      },
    };
    const options = { connection: redis.url, queue: 'timeout', definitions };
    const backend = await createBullmqBackend(options);
    const worker = await startBullmqWorker(options);
    const { id } = await backend.submit('hang', {});
    const error = await backend.result(id).catch((e: unknown) => e);
    expect(isFramewiseError(error, 'TIMEOUT'), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/ran out of time after 200 ms/);
    const record = await backend.get(id);
    expect(record?.state).toBe('failed');
    expect(record?.attempts).toBe(2);
    expect(reasons.map((r) => isFramewiseError(r, 'TIMEOUT'))).toEqual([true, true]);
    await worker.close();
    await backend.close();
  });

  it("applies the worker's jobTimeoutMs to kinds without their own", async () => {
    const definitions = {
      slow: { retry: { attempts: 1 }, handler: () => new Promise<void>((r) => setTimeout(r, 5_000)) },
    };
    const options = { connection: redis.url, queue: 'timeout-default', definitions };
    const backend = await createBullmqBackend(options);
    const worker = await startBullmqWorker({ ...options, jobTimeoutMs: 150 });
    const { id } = await backend.submit('slow', {});
    const error = await backend.result(id).catch((e: unknown) => e);
    expect(isFramewiseError(error, 'TIMEOUT'), String(error)).toBe(true);
    await worker.close();
    await backend.close();
  });
});
