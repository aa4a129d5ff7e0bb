import { isFramewiseError } from '@framewise/core/errors';
import { type RedisServer, startRedis, waitFor } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createBullmqBackend, startBullmqWorker } from '../src/bullmq/index.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
}, 60_000);
afterAll(async () => {
  await redis?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Kinds whose runs the test observes: `block` waits for `open()`, `work` records its tenant. */
function kinds(record: (tenant: string, worker: string) => void, worker = 'w') {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  const definitions = {
    block: { handler: () => opened },
    work: {
      input: z.object({ tenant: z.string() }),
      handler: async ({ tenant }: { tenant: string }) => void record(tenant, worker),
    },
  };
  return { definitions, open };
}

/**
 * The naive oracle of weighted fair queueing from the docs: each tenant's k-th job (1-based) of a
 * burst queued when no job of it waits gets the tag `v + k / weight`; jobs start by tag, ties in
 * submission order.
 */
function fairOrder(bursts: readonly { tenant: string; count: number }[], weights: Record<string, number>): string[] {
  const jobs: { tenant: string; tag: number; seq: number }[] = [];
  let seq = 0;
  for (const { tenant, count } of bursts)
    for (let k = 1; k <= count; k++) jobs.push({ tenant, tag: k / (weights[tenant] ?? 1), seq: seq++ });
  return jobs.sort((a, b) => a.tag - b.tag || a.seq - b.seq).map((j) => j.tenant);
}

describe('BullMQ fleet-wide fairness', () => {
  async function run(queue: string, fairnessPerJob: number | undefined): Promise<string[]> {
    const order: string[] = [];
    const { definitions, open } = kinds((t) => order.push(t));
    const options = { connection: redis.url, queue, definitions };
    const backend = await createBullmqBackend({
      ...options,
      reprioritizeEveryMs: 0,
      ...(fairnessPerJob === undefined ? {} : { fairnessPerJob }),
    });
    await backend.setTenantWeight('studio-b', 3);
    const worker = await startBullmqWorker({ ...options, concurrency: 1 });
    const blocker = await backend.submit('block', {}, { tenant: 'ops' });
    await waitFor('blocker running', async () => (await backend.get(blocker.id))?.state === 'running', 10_000);
    await sleep(300); // the worker has published the virtual time of the job it started
    // Tenant A bursts first; B's three jobs arrive after A's nine.
    for (let i = 0; i < 9; i++) await backend.submit('work', { tenant: 'studio-a' }, { tenant: 'studio-a' });
    await Promise.all([1, 2, 3].map(() => backend.submit('work', { tenant: 'studio-b' }, { tenant: 'studio-b' })));
    open();
    await backend.close({ drain: true });
    await worker.close();
    return order;
  }

  it("interleaves a later tenant's jobs with an earlier tenant's burst at its weight (as the WFQ oracle orders them)", async () => {
    const order = await run('fair-on', undefined);
    const expected = fairOrder(
      [
        { tenant: 'studio-a', count: 9 },
        { tenant: 'studio-b', count: 3 },
      ],
      { 'studio-b': 3 },
    );
    expect(expected.slice(0, 4)).toEqual(['studio-b', 'studio-b', 'studio-a', 'studio-b']);
    expect(order).toEqual(expected);
  });

  it('queues a later burst behind an earlier one when fair sharing is off (the contrast)', async () => {
    const order = await run('fair-off', 0);
    expect(order).toEqual([...Array(9).fill('studio-a'), ...Array(3).fill('studio-b')]);
  });

  it('keeps priority classes above fair share, and refuses a bad weight naming the tenant', async () => {
    const order: string[] = [];
    const { definitions, open } = kinds((t) => order.push(t));
    const options = { connection: redis.url, queue: 'fair-class', definitions };
    const backend = await createBullmqBackend({ ...options, reprioritizeEveryMs: 0 });
    const worker = await startBullmqWorker({ ...options, concurrency: 1 });
    const blocker = await backend.submit('block', {});
    await waitFor('blocker running', async () => (await backend.get(blocker.id))?.state === 'running', 10_000);
    for (let i = 0; i < 20; i++) await backend.submit('work', { tenant: 'a-high' }, { tenant: 'a', priority: 'high' });
    await backend.submit('work', { tenant: 'b-normal' }, { tenant: 'b', priority: 'normal' });
    open();
    await backend.close({ drain: true });
    await worker.close();
    // 100 points of class outrank a backlog of 20 jobs.
    expect(order.at(-1)).toBe('b-normal');
    const bad = await backend.setTenantWeight('studio-x', 0).catch((e: unknown) => e);
    expect(isFramewiseError(bad, 'INVALID_INPUT') && /studio-x/.test((bad as Error).message)).toBe(true);
  });
});

describe('BullMQ capability matching', () => {
  it('runs a job only on a worker advertising what it requires, and shows it unplaceable while none does', async () => {
    const ran: { id: string; worker: string }[] = [];
    const defs = (worker: string) => ({
      gpu: {
        requires: ['gpu', 'site:tape-library'],
        handler: async (_: unknown, { job }: { job: { id: string } }) => void ran.push({ id: job.id, worker }),
      },
      plain: { handler: async (_: unknown, { job }: { job: { id: string } }) => void ran.push({ id: job.id, worker }) },
    });
    const options = { connection: redis.url, queue: 'caps' };
    const backend = await createBullmqBackend({ ...options, definitions: defs('producer') });
    const cpu = await startBullmqWorker({
      ...options,
      definitions: defs('cpu'),
      name: 'cpu',
      concurrency: 2,
      capabilities: ['gpu'],
    });
    const gpuJobs = await Promise.all([1, 2, 3].map(() => backend.submit('gpu', {})));
    const plainJobs = await Promise.all([1, 2, 3].map(() => backend.submit('plain', {})));
    await Promise.all(plainJobs.map((j) => backend.result(j.id)));
    await waitFor(
      'gpu jobs seen unplaceable',
      async () => (await backend.operations()).unplaceable.length === 3,
      10_000,
    );
    const view = await backend.operations();
    expect(view.unplaceable.map((u) => u.requires)).toEqual(Array(3).fill(['gpu', 'site:tape-library']));
    expect(view.workers.map((w) => [w.name, w.capabilities])).toEqual([['cpu', ['gpu']]]);
    for (const j of gpuJobs) expect((await backend.get(j.id))?.state).toBe('queued');
    const gpu = await startBullmqWorker({
      ...options,
      definitions: defs('gpu'),
      name: 'gpu',
      capabilities: ['site:tape-library', 'gpu', 'h264'],
    });
    await Promise.all(gpuJobs.map((j) => backend.result(j.id)));
    expect(ran.filter((r) => gpuJobs.some((j) => j.id === r.id)).map((r) => r.worker)).toEqual(['gpu', 'gpu', 'gpu']);
    expect((await backend.operations()).unplaceable).toEqual([]);
    await Promise.all([cpu.close(), gpu.close()]);
    // A closed worker no longer advertises itself.
    expect((await backend.operations()).workers).toEqual([]);
    await backend.close();
  });

  it('refuses requirements that are not capability names, naming the kind', async () => {
    const backend = await createBullmqBackend({
      connection: redis.url,
      queue: 'caps-bad',
      definitions: { odd: { requires: () => [''], handler: async () => null } },
    });
    const error = await backend.submit('odd', {}).catch((e: unknown) => e);
    expect(isFramewiseError(error, 'INVALID_INPUT') && /"odd"/.test((error as Error).message)).toBe(true);
    await backend.close();
  });
});

describe('BullMQ operations', () => {
  it('holds one tenant fleet-wide while others run, shows it in the depth view, and releases it', async () => {
    const order: string[] = [];
    const { definitions } = kinds((t) => order.push(t));
    const options = { connection: redis.url, queue: 'ops-tenant', definitions };
    const backend = await createBullmqBackend(options);
    const worker = await startBullmqWorker({ ...options, concurrency: 2 });
    await backend.pauseTenant('held');
    const held = await Promise.all([1, 2].map(() => backend.submit('work', { tenant: 'held' }, { tenant: 'held' })));
    const free = await Promise.all([1, 2].map(() => backend.submit('work', { tenant: 'free' }, { tenant: 'free' })));
    await Promise.all(free.map((j) => backend.result(j.id)));
    const view = await backend.operations();
    expect(view.tenants.held).toMatchObject({ waiting: 2, running: 0, paused: true });
    expect(view.tenants.free).toMatchObject({ waiting: 0, paused: false });
    expect(view.tenants.free?.ratePerSecond).toBeGreaterThan(0);
    expect(view.resources.cpu).toMatchObject({ waitingDemand: 2, runningDemand: 0 });
    for (const j of held) expect((await backend.get(j.id))?.state).toBe('queued');
    expect(order).toEqual(['free', 'free']);
    await backend.resumeTenant('held');
    await Promise.all(held.map((j) => backend.result(j.id)));
    expect(order).toEqual(['free', 'free', 'held', 'held']);
    await worker.close();
    await backend.close();
  });

  it('pauses and resumes the whole queue', async () => {
    const order: string[] = [];
    const { definitions } = kinds((t) => order.push(t));
    const options = { connection: redis.url, queue: 'ops-pause', definitions };
    const backend = await createBullmqBackend(options);
    await backend.pause();
    const worker = await startBullmqWorker(options);
    const { id } = await backend.submit('work', { tenant: 'x' });
    await sleep(500);
    expect((await backend.get(id))?.state).toBe('queued');
    expect((await backend.operations()).paused).toBe(true);
    await backend.resume();
    await backend.result(id);
    expect(order).toEqual(['x']);
    await worker.close();
    await backend.close();
  });

  it('retries one failed job from its first attempt, and refuses to retry one that has not failed', async () => {
    let failNext = true;
    const definitions = {
      rendition: {
        input: z.object({ name: z.string() }),
        handler: async ({ name }: { name: string }) => {
          if (name === 'h264-360p' && failNext) {
            failNext = false;
            throw new Error('disk full');
          }
          return name;
        },
      },
    };
    const options = { connection: redis.url, queue: 'ops-retry', definitions };
    const backend = await createBullmqBackend(options);
    const worker = await startBullmqWorker(options);
    const jobs = await Promise.all(['h264-720p', 'h264-360p'].map((name) => backend.submit('rendition', { name })));
    const [ok, broken] = jobs as [(typeof jobs)[0], (typeof jobs)[0]];
    expect(await backend.result(ok.id)).toBe('h264-720p');
    const error = await backend.result(broken.id).catch((e: unknown) => e);
    expect(isFramewiseError(error, 'INTERNAL')).toBe(true);
    const notFailed = await backend.retry(ok.id).catch((e: unknown) => e);
    expect(isFramewiseError(notFailed, 'CONFLICT')).toBe(true);
    const unknown = await backend.retry('no-such-job').catch((e: unknown) => e);
    expect(isFramewiseError(unknown, 'NOT_FOUND')).toBe(true);
    await backend.retry(broken.id);
    expect(await backend.result(broken.id)).toBe('h264-360p');
    expect((await backend.get(broken.id))?.attempts).toBe(1);
    await worker.close();
    await backend.close();
  });
});
