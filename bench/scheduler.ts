/**
 * `pnpm bench scheduler [--jobs N]`
 *
 * Overhead per job and memory of the in-process scheduler with 100 000 queued no-op jobs (queued
 * behind a job holding the only CPU slot, then released), against plain p-queue running the same
 * no-op jobs with static priorities. Memory is the live heap growth (after a collection) while all
 * jobs are queued; the timing includes that collection for both.
 *
 * (The BullMQ backend's throughput with two workers joins this benchmark with that backend.)
 */
import { createScheduler } from '@framewise/core';
import PQueue from 'p-queue';
import { machine } from './harness.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(String(process.argv[i]).replace(/^--/, ''), String(process.argv[i + 1]));
const JOBS = Number(args.get('jobs') ?? 100_000);
const gc = (globalThis as { gc?: () => void }).gc;

async function ours(): Promise<{ seconds: number; heapMb: number }> {
  gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const scheduler = createScheduler({ resources: { cpu: 1 }, historyLimit: 1_000 });
  let release!: () => void;
  scheduler.define('block', { handler: () => new Promise<void>((r) => (release = r)) });
  scheduler.define('noop', { handler: async () => undefined });
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
console.log(
  JSON.stringify({
    bench: 'scheduler',
    jobs: JOBS,
    ours_us_per_job: Number(((a.seconds / JOBS) * 1e6).toFixed(2)),
    ours_heap_mb: Number(a.heapMb.toFixed(1)),
    pqueue_us_per_job: Number(((b.seconds / JOBS) * 1e6).toFixed(2)),
    pqueue_heap_mb: Number(b.heapMb.toFixed(1)),
  }),
);
