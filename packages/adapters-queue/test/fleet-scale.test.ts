import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type RedisServer, startRedis, stopProcess, waitFor } from '@framewise/test-support';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BullmqQueueBackend, createBullmqBackend } from '../src/bullmq/index.js';
import { ENCODERS, SCALE_KEYS, scaleJobs } from './fixtures/scale-jobs.js';

interface WorkerProcess {
  readonly child: ChildProcess;
  readonly lines: Record<string, unknown>[];
}

const fixture = fileURLToPath(new URL('./fixtures/scale-worker.ts', import.meta.url));

function spawnWorker(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, ['--conditions=@framewise/source', '--import', 'tsx', fixture], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // not one of ours
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[scale worker ${child.pid}] ${chunk}`));
  return { child, lines };
}

const WEIGHTS = { 'studio-a': 1, 'studio-b': 2, 'studio-c': 3 } as const;
const PER_TENANT = 60;

describe('BullMQ fleet at scale (4 worker processes, one SIGKILLed)', () => {
  let redis: RedisServer;
  let conn: Redis;
  let backend: BullmqQueueBackend<ReturnType<typeof scaleJobs>>;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    conn = new Redis(redis.url);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => stopProcess(w.child, 'SIGTERM', 5_000)));
    await backend?.close();
    await conn?.quit();
    await redis?.stop();
  });

  it('keeps the fleet-wide limit, runs every job exactly once, leaks no slot, and shares by weight', async () => {
    const queue = 'scale';
    backend = await createBullmqBackend({
      connection: redis.url,
      queue,
      definitions: scaleJobs(() => {
        throw new Error('the producer does not run jobs');
      }),
    });
    await backend.setResourceCapacity('encoder', ENCODERS);
    for (const [tenant, weight] of Object.entries(WEIGHTS)) await backend.setTenantWeight(tenant, weight);
    for (let i = 0; i < 4; i++) workers.push(spawnWorker({ REDIS_URL: redis.url, QUEUE: queue }));
    await waitFor('four workers ready', () => workers.every((w) => w.lines.some((l) => l.event === 'ready')), 60_000);

    // Sample the fleet-wide use continuously: handlers counted in Redis, and the leases held.
    const dead = new Set<string>();
    let maxRunning = 0;
    let maxHeld = 0;
    let samples = 0;
    let sampling = true;
    const sampler = (async () => {
      const probe = new Redis(redis.url);
      while (sampling) {
        const [running, usage] = await Promise.all([probe.hgetall(SCALE_KEYS.running), backend.resourceUsage()]);
        const live = Object.entries(running).filter(([pid]) => !dead.has(pid));
        maxRunning = Math.max(
          maxRunning,
          live.reduce((sum, [, n]) => sum + Number(n), 0),
        );
        maxHeld = Math.max(maxHeld, usage.encoder?.held ?? 0);
        samples++;
        await new Promise((r) => setTimeout(r, 5));
      }
      await probe.quit();
    })();

    // One long job first (the one whose worker dies), then each tenant bursts its jobs.
    const long = await backend.submit('encode', { tenant: 'studio-a', ms: 3_000, long: true }, { tenant: 'studio-a' });
    const ids: string[] = [long.id];
    for (const tenant of Object.keys(WEIGHTS)) {
      const burst = await Promise.all(
        Array.from({ length: PER_TENANT }, () => backend.submit('encode', { tenant, ms: 40 }, { tenant })),
      );
      ids.push(...burst.map((j) => j.id));
    }
    const running = (w: WorkerProcess) => w.lines.some((l) => l.event === 'started' && l.id === long.id);
    await waitFor('the long job running', () => workers.some(running), 30_000);
    const victim = workers.find(running) as WorkerProcess;
    victim.child.kill('SIGKILL');
    await new Promise((r) => victim.child.once('exit', r));
    // It runs nothing any more: its handler count is not fleet use. (Its lease still holds the
    // encoder until it lapses, so no other handler can have started in its place yet.)
    dead.add(String(victim.child.pid));
    await conn.hdel(SCALE_KEYS.running, String(victim.child.pid));

    const outputs = await Promise.all(ids.map((id) => backend.result(id)));
    sampling = false;
    await sampler;

    // Every job succeeded and was completed exactly once (the long one after a takeover).
    expect(outputs).toHaveLength(1 + 3 * PER_TENANT);
    const completions = await conn.hgetall(SCALE_KEYS.completions);
    expect(Object.keys(completions).sort()).toEqual([...ids].sort());
    expect(Object.values(completions).every((n) => n === '1')).toBe(true);
    expect((await backend.get(long.id))?.attempts).toBeGreaterThanOrEqual(2);
    const survivors = workers.filter((w) => w !== victim);
    expect(survivors.some(running)).toBe(true);

    // The limit held at every sample and at every handler start, and was used.
    expect(samples).toBeGreaterThan(50);
    expect(maxHeld).toBeLessThanOrEqual(ENCODERS);
    expect(maxRunning).toBeLessThanOrEqual(ENCODERS);
    expect(await conn.lrange(SCALE_KEYS.violations, 0, -1)).toEqual([]);
    expect(maxRunning).toBe(ENCODERS);

    // No slot leaked: the dead worker's lease lapsed, nothing is held, nothing is left in Redis.
    expect((await backend.resourceUsage()).encoder).toEqual({ capacity: ENCODERS, held: 0, leases: 0 });
    const leaseKeys = await conn.keys('framewise:scale:fw:res:*:encoder');
    for (const key of leaseKeys)
      expect(await (key.includes(':leases:') ? conn.zcard(key) : conn.hlen(key)), key).toBe(0);

    // Fair share: over the window in which every tenant had jobs waiting (until the heaviest,
    // studio-c, ran out), each tenant's share of completions is within 10 points of its weight's.
    const order = await conn.lrange(SCALE_KEYS.order, 0, -1);
    const total = Object.values(WEIGHTS).reduce((a, b) => a + b, 0);
    const lastC = order.lastIndexOf('studio-c');
    const window = order.slice(10, lastC - 5);
    expect(window.length).toBeGreaterThan(60);
    const shares: Record<string, number> = {};
    for (const [tenant, weight] of Object.entries(WEIGHTS)) {
      const share = window.filter((t) => t === tenant).length / window.length;
      shares[tenant] = Number(share.toFixed(3));
      expect(Math.abs(share - weight / total), `${tenant}: ${JSON.stringify(shares)}`).toBeLessThanOrEqual(0.1);
    }
    process.stdout.write(
      `fleet scale: window ${window.length} completions, shares ${JSON.stringify(shares)}, samples ${samples}\n`,
    );
  }, 120_000);
});
