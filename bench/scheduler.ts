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
 * bare BullMQ Worker processes (with and without a priority per job, and with addBulk of 50), both
 * fleets up at once and measured in interleaved rounds (`--rounds`, default 3; medians reported).
 * All submit 50 at a time and run 4 at a time per worker; the clock stops when every job has
 * completed. CPU per job is reported for the producer, the workers and redis-server (from /proc).
 * Then a fleet of four Framewise workers with three weighted tenants, with a fleet-wide `encoder`
 * limit and without, in interleaved rounds.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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
const ROUNDS = Number(args.get('rounds') ?? 3);
const gc = (globalThis as { gc?: () => void }).gc;

/** Wall seconds, CPU µs per job (user + system of this process) and heap growth while queued. */
interface InProcess {
  readonly seconds: number;
  readonly cpuUs: number;
  readonly heapMb: number;
}

async function ours(): Promise<InProcess> {
  gc?.();
  const cpu0 = process.cpuUsage();
  const heap0 = process.memoryUsage().heapUsed;
  let release: (() => void) | undefined;
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
  // The blocker starts on a later tick of the event loop than its submission.
  while (release === undefined) await new Promise((r) => setImmediate(r));
  release();
  await scheduler.drain();
  const cpu = process.cpuUsage(cpu0);
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, cpuUs: (cpu.user + cpu.system) / JOBS, heapMb };
}

async function plain(): Promise<InProcess> {
  gc?.();
  const cpu0 = process.cpuUsage();
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
  const cpu = process.cpuUsage(cpu0);
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, cpuUs: (cpu.user + cpu.system) / JOBS, heapMb };
}

/** `count` worker processes of a mode, resolved once all are ready. */
async function workers(mode: 'framewise' | 'plain', env: Record<string, string>, count = 2): Promise<ChildProcess[]> {
  const script = fileURLToPath(new URL('./bullmq-worker.ts', import.meta.url));
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ChildProcess>((resolve, reject) => {
          // BENCH_CPU_PROF=DIR writes a V8 CPU profile of each worker process into DIR (they exit on SIGTERM then).
          const profile = process.env.BENCH_CPU_PROF
            ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
            : [];
          const child = spawn(
            process.execPath,
            [...profile, '--conditions=@framewise/source', '--import', 'tsx', script, mode],
            {
              env: { ...process.env, ...env },
              stdio: ['ignore', 'pipe', 'inherit'],
            },
          );
          child.once('exit', (code) => reject(new Error(`${mode} worker exited with ${code}`)));
          createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', () => resolve(child));
        }),
    ),
  );
}

/** CPU seconds (user + system) a process has used, from /proc (Linux). */
function cpuOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks
  } catch {
    return 0;
  }
}

/** One measured variant: jobs per second, and CPU ms per job of producer, workers and redis-server. */
interface Round {
  readonly jobsPerS: number;
  readonly producerCpuUs: number;
  readonly workerCpuUs: number;
  readonly redisCpuUs: number;
}

/** Submit `n` jobs 50 at a time, then wait until `completed()` reaches n. */
async function throughput(
  n: number,
  submit: (i: number) => Promise<unknown>,
  completed: () => Promise<number>,
  pids: { readonly workers: readonly ChildProcess[]; readonly redis: number },
): Promise<Round> {
  const run = async (count: number) => {
    const base = await completed();
    for (let i = 0; i < count; i += 50)
      await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, k) => submit(i + k)));
    while ((await completed()) - base < count) await new Promise((r) => setTimeout(r, 20));
  };
  await run(500); // warm up producer and workers
  const workerCpu = () => pids.workers.reduce((sum, c) => sum + cpuOf(c.pid), 0);
  const [w0, r0, p0] = [workerCpu(), cpuOf(pids.redis), process.cpuUsage()];
  const t0 = process.hrtime.bigint();
  await run(n);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const p = process.cpuUsage(p0);
  return {
    jobsPerS: n / seconds,
    producerCpuUs: (p.user + p.system) / n,
    workerCpuUs: ((workerCpu() - w0) * 1e6) / n,
    redisCpuUs: ((cpuOf(pids.redis) - r0) * 1e6) / n,
  };
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const summary = (rounds: readonly Round[]): Round => ({
  jobsPerS: median(rounds.map((r) => r.jobsPerS)),
  producerCpuUs: median(rounds.map((r) => r.producerCpuUs)),
  workerCpuUs: median(rounds.map((r) => r.workerCpuUs)),
  redisCpuUs: median(rounds.map((r) => r.redisCpuUs)),
});

/** The pid of the redis-server listening on `port`, from /proc (Linux; 0 when not found). */
function redisPid(port: number): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // redis-server retitles itself `redis-server 127.0.0.1:PORT`.
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes('redis-server') && new RegExp(`[:\\0 ]${port}(\\0| |$)`).test(cmdline)) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return 0;
}

const stop = (children: readonly ChildProcess[]) =>
  Promise.all(
    children.map((c) => {
      c.removeAllListeners('exit');
      return stopProcess(c, process.env.BENCH_CPU_PROF ? 'SIGTERM' : 'SIGKILL');
    }),
  );

/**
 * Framewise's BullMQ backend against bare BullMQ, both fleets up at once and measured in
 * interleaved rounds: ours, bare `add`, bare `add` with a priority, bare `addBulk` of 50.
 */
async function bullmq(): Promise<Record<'ours' | 'plain' | 'plainPriority' | 'plainBulk', Round[]>> {
  const redis = await startRedis();
  // Completed jobs kept must exceed every job of every round: completion is counted from them.
  const keep = { count: (BULLMQ_JOBS + 500) * ROUNDS * 4 + 1_000 };
  const rounds = { ours: [] as Round[], plain: [] as Round[], plainPriority: [] as Round[], plainBulk: [] as Round[] };
  try {
    const env = { REDIS_URL: redis.url, QUEUE: 'bench', CONCURRENCY: '4' };
    const pid = redisPid(redis.port);
    const fleet = await workers('framewise', env);
    const plainFleet = await workers('plain', env);
    const backend = await createBullmqBackend({
      connection: redis.url,
      queue: 'bench',
      definitions: { noop: { handler: async () => null } },
      keepFinished: keep.count,
    });
    const queue = new Queue('bench', {
      connection: { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null },
      prefix: 'plain',
    });
    const completed = () => queue.getCompletedCount();
    // Completion is polled the same way for both (a bare Queue's completed count).
    const oursQueue = new Queue('bench', {
      connection: { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null },
      prefix: 'framewise',
    });
    const ours = { workers: fleet, redis: pid };
    const bare = { workers: plainFleet, redis: pid };
    for (let round = 0; round < ROUNDS; round++) {
      rounds.ours.push(
        await throughput(
          BULLMQ_JOBS,
          () => backend.submit('noop', {}),
          () => oursQueue.getCompletedCount(),
          ours,
        ),
      );
      rounds.plain.push(
        await throughput(BULLMQ_JOBS, () => queue.add('noop', {}, { removeOnComplete: keep }), completed, bare),
      );
      rounds.plainPriority.push(
        await throughput(
          BULLMQ_JOBS,
          () => queue.add('noop', {}, { priority: (1 + Math.random() * 1000) | 0, removeOnComplete: keep }),
          completed,
          bare,
        ),
      );
      // Bare BullMQ batching as Framewise does: one addBulk per 50 (each submit resolves with its batch).
      let pending: { resolve: () => void }[] = [];
      rounds.plainBulk.push(
        await throughput(
          BULLMQ_JOBS,
          () =>
            new Promise<void>((resolve) => {
              pending.push({ resolve });
              if (pending.length === 1)
                setImmediate(() => {
                  const batch = pending;
                  pending = [];
                  void queue
                    .addBulk(batch.map(() => ({ name: 'noop', data: {}, opts: { removeOnComplete: keep } })))
                    .then(() => {
                      for (const b of batch) b.resolve();
                    });
                });
            }),
          completed,
          bare,
        ),
      );
    }
    await backend.close();
    await queue.close();
    await oursQueue.close();
    await stop([...fleet, ...plainFleet]);
    return rounds;
  } finally {
    await redis.stop();
  }
}

/**
 * The fleet: four Framewise worker processes (4 slots each) and three tenants of weights 1, 2 and
 * 3, every job holding one `encoder`: with the encoder limited fleet-wide (capacity 8, leases in
 * Redis) against the same jobs with no fleet-wide limit, in interleaved rounds.
 */
async function fleetWide(): Promise<Record<'limited' | 'unlimited', Round[]>> {
  const redis = await startRedis();
  const rounds = { limited: [] as Round[], unlimited: [] as Round[] };
  try {
    const pid = redisPid(redis.port);
    const env = { REDIS_URL: redis.url, QUEUE: 'fleet', CONCURRENCY: '4' };
    const fleet = await workers('framewise', env, 4);
    const backend = await createBullmqBackend({
      connection: redis.url,
      queue: 'fleet',
      definitions: { encode: { resources: { cpu: 1, encoder: 1 }, handler: async () => null } },
      keepFinished: (BULLMQ_JOBS + 500) * ROUNDS * 2 + 1_000,
    });
    const tenants = ['studio-a', 'studio-b', 'studio-b', 'studio-c', 'studio-c', 'studio-c'];
    await backend.setTenantWeight('studio-b', 2);
    await backend.setTenantWeight('studio-c', 3);
    const submit = (i: number) => backend.submit('encode', {}, { tenant: tenants[i % tenants.length] });
    const counter = new Queue('fleet', {
      connection: { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null },
      prefix: 'framewise',
    });
    const completed = () => counter.getCompletedCount();
    for (let round = 0; round < ROUNDS; round++) {
      await backend.setResourceCapacity('encoder', 8);
      rounds.limited.push(await throughput(BULLMQ_JOBS, submit, completed, { workers: fleet, redis: pid }));
      await backend.setResourceCapacity('encoder', undefined);
      rounds.unlimited.push(await throughput(BULLMQ_JOBS, submit, completed, { workers: fleet, redis: pid }));
    }
    await backend.close();
    await counter.close();
    await stop(fleet);
    return rounds;
  } finally {
    await redis.stop();
  }
}

await ours(); // warm up
await plain();
const oursRounds: InProcess[] = [];
const plainRounds: InProcess[] = [];
for (let i = 0; i < ROUNDS; i++) {
  oursRounds.push(await ours());
  plainRounds.push(await plain());
}
const inProcess = (rounds: InProcess[]): InProcess => ({
  seconds: median(rounds.map((r) => r.seconds)),
  cpuUs: median(rounds.map((r) => r.cpuUs)),
  heapMb: median(rounds.map((r) => r.heapMb)),
});
const a = inProcess(oursRounds);
const b = inProcess(plainRounds);
console.log(`machine: ${machine()}`);
console.log(
  `${JOBS} no-op jobs queued behind a blocker, then run (priority classes, 8 tenants), median of ${ROUNDS} interleaved rounds`,
);
console.log(
  `  framewise scheduler   ${((a.seconds / JOBS) * 1e6).toFixed(1)} µs/job (CPU ${a.cpuUs.toFixed(1)})   heap while queued ${a.heapMb.toFixed(0)} MB`,
);
console.log(
  `  plain p-queue         ${((b.seconds / JOBS) * 1e6).toFixed(1)} µs/job (CPU ${b.cpuUs.toFixed(1)})   heap while queued ${b.heapMb.toFixed(0)} MB`,
);
console.log(
  `    rounds: ${oursRounds.map((r, i) => `${((r.seconds / JOBS) * 1e6).toFixed(1)} vs ${(((plainRounds[i]?.seconds ?? 0) / JOBS) * 1e6).toFixed(1)}`).join('; ')}`,
);
const load0 = readFileSync('/proc/loadavg', 'utf8').trim();
const distributed = await bullmq();
const fleet = await fleetWide();
const load1 = readFileSync('/proc/loadavg', 'utf8').trim();
const line = (label: string, r: Round) =>
  `  ${label.padEnd(34)} ${r.jobsPerS.toFixed(0).padStart(6)} jobs/s   CPU µs/job: producer ${r.producerCpuUs.toFixed(0)}, workers ${r.workerCpuUs.toFixed(0)}, redis ${r.redisCpuUs.toFixed(0)}`;
const med = Object.fromEntries(Object.entries(distributed).map(([k, v]) => [k, summary(v)])) as Record<
  keyof typeof distributed,
  Round
>;
const fmed = { limited: summary(fleet.limited), unlimited: summary(fleet.unlimited) };
console.log(
  `${BULLMQ_JOBS} no-op jobs through Redis, two worker processes of 4 slots each, median of ${ROUNDS} interleaved rounds`,
);
console.log(line('framewise BullMQ backend', med.ours));
console.log(line('bare BullMQ add', med.plain));
console.log(line('bare BullMQ add, prioritised', med.plainPriority));
console.log(line('bare BullMQ addBulk of 50', med.plainBulk));
for (let i = 0; i < ROUNDS; i++)
  console.log(
    `    round ${i + 1}: ours ${distributed.ours[i]?.jobsPerS.toFixed(0)}, bare ${distributed.plain[i]?.jobsPerS.toFixed(0)}, prioritised ${distributed.plainPriority[i]?.jobsPerS.toFixed(0)}, addBulk ${distributed.plainBulk[i]?.jobsPerS.toFixed(0)}`,
  );
console.log(`${BULLMQ_JOBS} jobs, four worker processes of 4 slots, 3 weighted tenants, one encoder each`);
console.log(line('encoder limited fleet-wide (8)', fmed.limited));
console.log(line('no fleet-wide limit', fmed.unlimited));
console.log(`load before: ${load0}; after: ${load1}`);
const r0 = (x: number) => Math.round(x);
console.log(
  JSON.stringify({
    bench: 'scheduler',
    bullmq_jobs: BULLMQ_JOBS,
    rounds: ROUNDS,
    bullmq_ours_jobs_per_s: r0(med.ours.jobsPerS),
    bullmq_plain_jobs_per_s: r0(med.plain.jobsPerS),
    bullmq_plain_priority_jobs_per_s: r0(med.plainPriority.jobsPerS),
    bullmq_plain_bulk_jobs_per_s: r0(med.plainBulk.jobsPerS),
    bullmq_ours_cpu_us_per_job: r0(med.ours.producerCpuUs + med.ours.workerCpuUs + med.ours.redisCpuUs),
    bullmq_plain_cpu_us_per_job: r0(med.plain.producerCpuUs + med.plain.workerCpuUs + med.plain.redisCpuUs),
    fleet4_limited_jobs_per_s: r0(fmed.limited.jobsPerS),
    fleet4_unlimited_jobs_per_s: r0(fmed.unlimited.jobsPerS),
    fleet4_limited_cpu_us_per_job: r0(fmed.limited.producerCpuUs + fmed.limited.workerCpuUs + fmed.limited.redisCpuUs),
    fleet4_unlimited_cpu_us_per_job: r0(
      fmed.unlimited.producerCpuUs + fmed.unlimited.workerCpuUs + fmed.unlimited.redisCpuUs,
    ),
    jobs: JOBS,
    ours_us_per_job: Number(((a.seconds / JOBS) * 1e6).toFixed(2)),
    ours_cpu_us_per_job: Number(a.cpuUs.toFixed(2)),
    ours_heap_mb: Number(a.heapMb.toFixed(1)),
    pqueue_us_per_job: Number(((b.seconds / JOBS) * 1e6).toFixed(2)),
    pqueue_cpu_us_per_job: Number(b.cpuUs.toFixed(2)),
    pqueue_heap_mb: Number(b.heapMb.toFixed(1)),
  }),
);
