/**
 * `pnpm bench scheduler [--jobs N]`
 *
 * Overhead per job and memory of the in-process scheduler with 100 000 queued no-op jobs (queued
 * behind a job holding the only CPU slot, then released), against plain p-queue running the same
 * no-op jobs with static priorities. Memory is the live heap growth (after a collection) while all
 * jobs are queued; the timing includes that collection for both.
 *
 * Then the BullMQ backend's throughput with two worker processes on a local redis-server: `--bullmq
 * N` no-op jobs (default 5 000) submitted through createBullmqBackend and run by two
 * startBullmqWorker processes, against the same jobs added with a bare BullMQ Queue and run by two
 * bare BullMQ Worker processes (with and without a priority per job), in the same run. All submit 50 at a time and run 4 at a time per
 * worker; the clock stops when every job has completed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createBullmqBackend } from '@framewise/adapters-queue/bullmq';
import { createScheduler, defineJobs } from '@framewise/core/scheduler';
import { startRedis, stopProcess } from '@framewise/test-support';
import { Queue } from 'bullmq';
import PQueue from 'p-queue';
import { machine } from './harness.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(String(process.argv[i]).replace(/^--/, ''), String(process.argv[i + 1]));
const JOBS = Number(args.get('jobs') ?? 100_000);
const BULLMQ_JOBS = Number(args.get('bullmq') ?? 5_000);
const gc = (globalThis as { gc?: () => void }).gc;

async function ours(): Promise<{ seconds: number; heapMb: number }> {
  gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  let release!: () => void;
  const scheduler = createScheduler({
    resources: { cpu: 1 },
    historyLimit: 1_000,
    definitions: defineJobs({
      block: { handler: () => new Promise<void>((r) => (release = r)) },
      noop: { handler: async () => undefined },
    }),
  });
  const t0 = process.hrtime.bigint();
  scheduler.submit('block', {});
  const priorities = ['critical', 'high', 'normal', 'low', 'bulk'] as const;
  for (let i = 0; i < JOBS; i++) scheduler.submit('noop', {}, { priority: priorities[i % 5], tenant: `t${i % 8}` });
  gc?.();
  const heapMb = (process.memoryUsage().heapUsed - heap0) / 1e6;
  release();
  await scheduler.drain();
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, heapMb };
}

async function plain(): Promise<{ seconds: number; heapMb: number }> {
  gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const queue = new PQueue({ concurrency: 1 });
  let release!: () => void;
  const t0 = process.hrtime.bigint();
  void queue.add(() => new Promise<void>((r) => (release = r)));
  for (let i = 0; i < JOBS; i++) void queue.add(async () => undefined, { priority: i % 5 });
  gc?.();
  const heapMb = (process.memoryUsage().heapUsed - heap0) / 1e6;
  release();
  await queue.onIdle();
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, heapMb };
}

/** Two worker processes of a mode, resolved once both are ready. */
async function workers(mode: 'framewise' | 'plain', env: Record<string, string>): Promise<ChildProcess[]> {
  const script = fileURLToPath(new URL('./bullmq-worker.ts', import.meta.url));
  return Promise.all(
    [0, 1].map(
      () =>
        new Promise<ChildProcess>((resolve, reject) => {
          const child = spawn(process.execPath, ['--conditions=@framewise/source', '--import', 'tsx', script, mode], {
            env: { ...process.env, ...env },
            stdio: ['ignore', 'pipe', 'inherit'],
          });
          child.once('exit', (code) => reject(new Error(`${mode} worker exited with ${code}`)));
          createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', () => resolve(child));
        }),
    ),
  );
}

/** Submit `n` jobs 50 at a time, then wait until `completed()` reaches n; jobs per second. */
async function throughput(
  n: number,
  submit: () => Promise<unknown>,
  completed: () => Promise<number>,
): Promise<number> {
  const run = async (count: number) => {
    const base = await completed();
    for (let i = 0; i < count; i += 50) await Promise.all(Array.from({ length: Math.min(50, count - i) }, submit));
    while ((await completed()) - base < count) await new Promise((r) => setTimeout(r, 20));
  };
  await run(500); // warm up producer and workers
  const t0 = process.hrtime.bigint();
  await run(n);
  return n / (Number(process.hrtime.bigint() - t0) / 1e9);
}

async function bullmq(): Promise<{ ours: number; plain: number; plainPriority: number }> {
  const redis = await startRedis();
  const stop = (children: ChildProcess[]) =>
    Promise.all(
      children.map((c) => {
        c.removeAllListeners('exit');
        return stopProcess(c, 'SIGKILL');
      }),
    );
  const keep = { count: BULLMQ_JOBS * 4 };
  try {
    const env = { REDIS_URL: redis.url, QUEUE: 'bench', CONCURRENCY: '4' };
    const fleet = await workers('framewise', env);
    const backend = await createBullmqBackend({
      connection: redis.url,
      queue: 'bench',
      definitions: { noop: { handler: async () => null } },
      keepFinished: keep.count,
    });
    const ours = await throughput(
      BULLMQ_JOBS,
      () => backend.submit('noop', {}),
      async () => (await backend.counts()).completed ?? 0,
    );
    await backend.close();
    await stop(fleet);
    const plainFleet = await workers('plain', env);
    const queue = new Queue('bench', {
      connection: { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null },
      prefix: 'plain',
    });
    const completed = () => queue.getCompletedCount();
    const plain = await throughput(BULLMQ_JOBS, () => queue.add('noop', {}, { removeOnComplete: keep }), completed);
    // The same with a priority on every job, as Framewise always sets one.
    const plainPriority = await throughput(
      BULLMQ_JOBS,
      () => queue.add('noop', {}, { priority: (1 + Math.random() * 1000) | 0, removeOnComplete: keep }),
      completed,
    );
    await queue.close();
    await stop(plainFleet);
    return { ours, plain, plainPriority };
  } finally {
    await redis.stop();
  }
}

await ours(); // warm up
const a = await ours();
await plain();
const b = await plain();
console.log(`machine: ${machine()}`);
console.log(`${JOBS} no-op jobs queued behind a blocker, then run (priority classes, 8 tenants)`);
console.log(
  `  framewise scheduler   ${((a.seconds / JOBS) * 1e6).toFixed(1)} µs/job   heap while queued ${a.heapMb.toFixed(0)} MB`,
);
console.log(
  `  plain p-queue         ${((b.seconds / JOBS) * 1e6).toFixed(1)} µs/job   heap while queued ${b.heapMb.toFixed(0)} MB`,
);
const distributed = await bullmq();
console.log(`${BULLMQ_JOBS} no-op jobs through Redis, two worker processes of 4 slots each`);
console.log(`  framewise BullMQ backend   ${distributed.ours.toFixed(0)} jobs/s`);
console.log(`  bare BullMQ                ${distributed.plain.toFixed(0)} jobs/s`);
console.log(`  bare BullMQ, prioritised   ${distributed.plainPriority.toFixed(0)} jobs/s`);
console.log(
  JSON.stringify({
    bench: 'scheduler',
    bullmq_jobs: BULLMQ_JOBS,
    bullmq_ours_jobs_per_s: Math.round(distributed.ours),
    bullmq_plain_jobs_per_s: Math.round(distributed.plain),
    bullmq_plain_priority_jobs_per_s: Math.round(distributed.plainPriority),
    jobs: JOBS,
    ours_us_per_job: Number(((a.seconds / JOBS) * 1e6).toFixed(2)),
    ours_heap_mb: Number(a.heapMb.toFixed(1)),
    pqueue_us_per_job: Number(((b.seconds / JOBS) * 1e6).toFixed(2)),
    pqueue_heap_mb: Number(b.heapMb.toFixed(1)),
  }),
);
