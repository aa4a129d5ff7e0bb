import type { QueueBackend } from '@framewise/core/scheduler';
import { queueBackendConformance } from '@framewise/core/testing';
import { type RedisServer, startRedis } from '@framewise/test-support';
import { afterAll, beforeAll } from 'vitest';
import { type BullmqWorker, createBullmqBackend, startBullmqWorker } from '../src/bullmq/index.js';

let redis: RedisServer;
let counter = 0;
const workers = new Map<QueueBackend, BullmqWorker>();

beforeAll(async () => {
  redis = await startRedis();
}, 60_000);
afterAll(async () => {
  await redis?.stop();
});

queueBackendConformance('bullmq', {
  async create(definitions) {
    const queue = `conformance-${process.pid}-${++counter}`;
    const backend = await createBullmqBackend({ connection: redis.url, queue, definitions });
    const worker = await startBullmqWorker({
      connection: redis.url,
      queue,
      definitions,
      concurrency: 1,
      resources: { cpu: 1 },
    });
    workers.set(backend, worker);
    return backend;
  },
  async destroy(backend) {
    await workers.get(backend)?.close();
    await backend.close();
  },
});
