import type { Logger, Tracer } from '@framewise/core/adapter-kit';
import { FramewiseError, isFramewiseError } from '@framewise/core/errors';
import { defineJobs } from '@framewise/core/scheduler';
import { type RedisServer, startRedis } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bullmqPriority, createBullmqBackend, startBullmqWorker } from '../src/bullmq/index.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
}, 60_000);
afterAll(async () => {
  await redis?.stop();
});

/** Kinds whose runs the test observes: `block` waits for `open()`, `work` records its name. */
function kinds() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  const order: string[] = [];
  const definitions = {
    block: { handler: () => opened },
    work: {
      input: z.object({ name: z.string() }),
      handler: async ({ name }: { name: string }) => void order.push(name),
    },
  };
  return { definitions, order, open };
}

describe('BullMQ backend', () => {
  it('maps scores to BullMQ priorities: higher scores run first, within BullMQ range', () => {
    expect(bullmqPriority(400)).toBeLessThan(bullmqPriority(300));
    expect(bullmqPriority(300.5)).toBeLessThan(bullmqPriority(300));
    expect(bullmqPriority(1e9)).toBe(1);
    expect(bullmqPriority(-1e9)).toBe(2 ** 21 - 1);
  });

  it('ages waiting jobs across workers: re-prioritising lets an old low job pass a fresh high one', async () => {
    const clock = { ms: Date.parse('2027-01-01T00:00:00Z'), now: () => clock.ms };
    const { definitions, order, open } = kinds();
    const options = { connection: redis.url, queue: 'aging', definitions };
    const backend = await createBullmqBackend({ ...options, clock, reprioritizeEveryMs: 0 });
    const worker = await startBullmqWorker({ ...options, concurrency: 1 });
    const blocker = await backend.submit('block', {});
    while ((await backend.get(blocker.id))?.state !== 'running') await new Promise((r) => setTimeout(r, 10));
    await backend.submit('work', { name: 'old low' }, { priority: 'low' });
    clock.ms += 25 * 60_000; // waited 25 minutes: +250 points
    await backend.submit('work', { name: 'fresh high' }, { priority: 'high' });
    expect(await backend.reprioritize()).toBe(1);
    open();
    await backend.close({ drain: true });
    await worker.close();
    expect(order).toEqual(['old low', 'fresh high']);
  });

  it('claims dedupe keys atomically: producers racing on the same work queue it once', async () => {
    const { definitions } = kinds();
    const options = { connection: redis.url, queue: 'race', definitions };
    const producers = await Promise.all(Array.from({ length: 4 }, () => createBullmqBackend(options)));
    const submitted = await Promise.all(
      producers.flatMap((p) =>
        Array.from({ length: 5 }, () => p.submit('work', { name: 'x' }, { dedupeKey: 'sha256:0f0f|h264-ladder' })),
      ),
    );
    expect(new Set(submitted.map((s) => s.id)).size).toBe(1);
    expect(submitted.filter((s) => !s.reused)).toHaveLength(1);
    expect(await producers[0]?.list({ kind: 'work' })).toHaveLength(1);
    await Promise.all(producers.map((p) => p.close()));
  });

  it('fails a job whose kind the worker does not define, naming the kind', async () => {
    const { definitions } = kinds();
    const options = { connection: redis.url, queue: 'unknown-kind' };
    const backend = await createBullmqBackend({ ...options, definitions });
    const worker = await startBullmqWorker({ ...options, definitions: { block: definitions.block } });
    const { id } = await backend.submit('work', { name: 'orphan' });
    const error = await backend.result(id).catch((e: unknown) => e);
    expect(isFramewiseError(error, 'INVALID_INPUT')).toBe(true);
    expect((error as FramewiseError).message).toContain('"work" is not defined on worker');
    await worker.close();
    await backend.close();
  });

  it('fails a job that needs more of a resource than its worker has, naming both', async () => {
    const definitions = { heavy: { resources: { cpu: 4 }, handler: async () => 'never' } };
    const options = { connection: redis.url, queue: 'too-heavy', definitions };
    const backend = await createBullmqBackend(options);
    const worker = await startBullmqWorker({ ...options, resources: { cpu: 1 } });
    const { id } = await backend.submit('heavy', {});
    const error = await backend.result(id).catch((e: unknown) => e);
    expect(isFramewiseError(error, 'INVALID_INPUT')).toBe(true);
    expect((error as Error).message).toContain('needs 4 cpu; this worker has 1');
    await worker.close();
    await backend.close();
  });

  it('refuses bad options and connection settings with INVALID_CONFIG naming them', async () => {
    const definitions = kinds().definitions;
    for (const [options, text] of [
      [{ connection: 'http://127.0.0.1:6379' }, 'redis://'],
      [{ connection: 'not a url' }, 'not a URL'],
      [{ connection: redis.url, queue: 'a:b' }, 'queue "a:b"'],
      [{ connection: redis.url, prefix: '' }, 'prefix ""'],
    ] as const) {
      const error = await createBullmqBackend({ ...options, definitions }).catch((e: unknown) => e);
      expect(isFramewiseError(error, 'INVALID_CONFIG'), String(error)).toBe(true);
      expect((error as Error).message).toContain(text);
    }
    for (const [options, text] of [
      [{ connection: 42 }, 'connection: must be a redis:// URL or ioredis options'],
      [{ connection: redis.url, keepFinished: 0 }, 'keepFinished'],
      [{ connection: redis.url, definitions: { work: {} } }, 'definitions.work: must be a job definition'],
    ] as const) {
      const error = await createBullmqBackend({ definitions, ...options } as never).catch((e: unknown) => e);
      expect(isFramewiseError(error, 'INVALID_CONFIG'), String(error)).toBe(true);
      expect((error as Error).message).toContain(text);
    }
    const workerError = await startBullmqWorker({ connection: redis.url, definitions, concurrency: 0 }).catch(
      (e: unknown) => e,
    );
    expect(isFramewiseError(workerError, 'INVALID_CONFIG')).toBe(true);
    expect((workerError as Error).message).toContain('BullMQ worker options is invalid: concurrency');
    // A Redis Cluster hash tag is a valid prefix.
    const backend = await createBullmqBackend({ connection: redis.url, queue: 'ids', prefix: '{fw-ids}', definitions });
    await backend.submit('work', { name: 'a' }, { id: 'job-1' });
    const duplicate = await backend.submit('work', { name: 'b' }, { id: 'job-1' }).catch((e: unknown) => e);
    expect(isFramewiseError(duplicate, 'CONFLICT')).toBe(true);
    expect((await backend.get('job-1'))?.input).toEqual({ name: 'a' });
    await backend.close();
  });

  it('logs worker lifecycle points (retry with its delay) and opens a span per run', async () => {
    const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
    const logger = Object.fromEntries(
      (['debug', 'info', 'warn', 'error'] as const).map((level) => [
        level,
        (fields: Record<string, unknown>, message: string) => lines.push({ level, message, fields }),
      ]),
    ) as unknown as Logger;
    const spans: { name: string; attributes: Record<string, unknown>; status?: number }[] = [];
    const tracer = {
      startActiveSpan: (name: string, options: { attributes?: Record<string, unknown> }, fn: (s: never) => unknown) => {
        const span: (typeof spans)[number] = { name, attributes: { ...options.attributes } };
        spans.push(span);
        return fn({
          setAttribute: () => undefined,
          recordException: () => undefined,
          setStatus: (status: { code: number }) => {
            span.status = status.code;
          },
          end: () => undefined,
        } as never);
      },
    } as Tracer;
    let runs = 0;
    const definitions = defineJobs({
      flaky: {
        retry: { attempts: 3, baseMs: 5, maxMs: 5 },
        handler: async () => {
          if (++runs === 1) throw new FramewiseError('TRANSIENT', 'remote busy', { details: {} });
          return runs;
        },
      },
      broken: {
        handler: async () => {
          throw new FramewiseError('INTEGRITY', 'checksum mismatch', { details: {} });
        },
      },
    });
    const options = { connection: redis.url, queue: 'observed', definitions };
    const backend = await createBullmqBackend(options);
    const worker = await startBullmqWorker({ ...options, logger, tracer, name: 'w1' });
    const flaky = await backend.submit('flaky', {}, { tenant: 'news' });
    expect(await backend.result(flaky.id)).toBe(2);
    const broken = await backend.submit('broken', {});
    await expect(backend.result(broken.id)).rejects.toThrow(/checksum/);
    await worker.close();
    await backend.close();
    const of = (id: string) => lines.filter((l) => l.fields.id === id).map((l) => `${l.level} ${l.message}`);
    expect(of(flaky.id)).toEqual([
      'debug framewise bullmq worker: job started',
      'info framewise bullmq worker: retry scheduled',
      'debug framewise bullmq worker: job started',
      'info framewise bullmq worker: job succeeded',
    ]);
    expect(lines.find((l) => l.message.endsWith('retry scheduled'))?.fields).toMatchObject({
      kind: 'flaky',
      tenant: 'news',
      code: 'TRANSIENT',
      worker: 'w1',
      delayMs: expect.any(Number),
    });
    expect(of(broken.id)).toEqual([
      'debug framewise bullmq worker: job started',
      'warn framewise bullmq worker: job failed',
    ]);
    expect(lines.find((l) => l.message.endsWith('job failed'))?.fields).toMatchObject({ code: 'INTEGRITY' });
    expect(
      spans.map((s) => [s.name, s.attributes['framewise.job.kind'], s.attributes['framewise.job.attempt'], s.status]),
    ).toEqual([
      ['framewise.job.run', 'flaky', 1, 2],
      ['framewise.job.run', 'flaky', 2, 1],
      ['framewise.job.run', 'broken', 1, 2],
    ]);
    expect(spans[0]?.attributes).toMatchObject({ 'framewise.job.id': flaky.id, 'framewise.job.tenant': 'news' });
  });
});
