/**
 * A worker process for `pnpm bench scheduler`: `framewise` runs no-op jobs through
 * startBullmqWorker, `plain` through a bare BullMQ Worker. Env: REDIS_URL, QUEUE, CONCURRENCY.
 * The framewise worker also defines `encode`, a no-op holding one `encoder` (the fleet-wide
 * limited resource of the fleet benchmark).
 */
import { startBullmqWorker } from '@framewise/adapters-queue/bullmq';
import { Worker } from 'bullmq';

const mode = process.argv[2];
const url = new URL(process.env.REDIS_URL ?? '');
const queue = process.env.QUEUE ?? 'bench';
const concurrency = Number(process.env.CONCURRENCY ?? 4);
const noop = async () => null;

if (mode === 'framewise') {
  await startBullmqWorker({
    connection: url.href,
    queue,
    definitions: { noop: { handler: noop }, encode: { resources: { cpu: 1, encoder: 1 }, handler: noop } },
    concurrency,
    resources: { cpu: concurrency },
  });
} else {
  const worker = new Worker(queue, noop, {
    connection: { host: url.hostname, port: Number(url.port), maxRetriesPerRequest: null },
    prefix: 'plain',
    concurrency,
  });
  await worker.waitUntilReady();
}
// Under BENCH_CPU_PROF the bench stops workers with SIGTERM: exit normally so V8 writes the profile.
if (process.env.BENCH_CPU_PROF) process.on('SIGTERM', () => process.exit(0));
process.stdout.write('ready\n');
