import { availableParallelism, hostname } from 'node:os';
import {
  type Logger,
  LoggerSchema,
  parseInput,
  parseOptions,
  ResourceSlots,
  retryDelayMs,
  silentLogger,
  type Tracer,
  TracerSchema,
  withSpan,
} from '@framewise/core/adapter-kit';
import { asFramewiseError, FramewiseError, isRetryable } from '@framewise/core/errors';
import type { JobContext, JobDefinitions } from '@framewise/core/scheduler';
import { JobDefinitionSchema } from '@framewise/core/scheduler';
import { type ConnectionOptions, type Job, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { type BullmqConnectionOptions, BullmqConnectionSchema, resolveConnection } from './connection.js';
import { decodeError, encodeError } from './errors.js';
import type { JobData } from './records.js';
import { toRecord } from './records.js';

/**
 * Options of {@link startBullmqWorker}, parsed once when it starts (a bad option throws
 * `INVALID_CONFIG` naming it).
 */
export const BullmqWorkerOptionsSchema = z.strictObject({
  ...BullmqConnectionSchema.shape,
  definitions: z.record(z.string().min(1), JobDefinitionSchema),
  concurrency: z.number().int().positive().optional(),
  resources: z.record(z.string().min(1), z.number().positive().finite()).optional(),
  lockDurationMs: z.number().int().positive().optional(),
  stalledIntervalMs: z.number().int().positive().optional(),
  maxStalledCount: z.number().int().nonnegative().optional(),
  name: z.string().min(1).optional(),
  logger: LoggerSchema.optional(),
  tracer: TracerSchema.optional(),
});

/** Options for {@link startBullmqWorker}. */
export interface BullmqWorkerOptions extends BullmqConnectionOptions {
  /** How each kind runs: the same definitions the producers use. */
  readonly definitions: JobDefinitions;
  /** Jobs this worker runs at once (default 1). */
  readonly concurrency?: number;
  /**
   * This worker's resource capacities, e.g. `{ cpu: 8 }`: a job starts only when the resources it
   * declares are free here. `cpu` defaults to the host's parallelism; resources not listed are
   * unlimited.
   */
  readonly resources?: Readonly<Record<string, number>>;
  /**
   * How long a job's lock lasts without renewal (default 30 000 ms). A worker that dies (SIGKILL,
   * power loss) stops renewing; after this and `stalledIntervalMs` another worker takes the job.
   */
  readonly lockDurationMs?: number;
  /** How often workers look for stalled jobs (default 30 000 ms). */
  readonly stalledIntervalMs?: number;
  /** Times a job may be taken back from a dead worker before it fails (default 2). */
  readonly maxStalledCount?: number;
  /** Name recorded on the jobs this worker processes (default `host:pid`). */
  readonly name?: string;
  /**
   * Lifecycle logs: job started (debug), succeeded, retry scheduled with its delay, cancelled
   * (info), failed (warn).
   */
  readonly logger?: Logger;
  /** Spans around each job run (`framewise.job.run`, with kind, id, tenant and attempt). */
  readonly tracer?: Tracer;
}

/** A running BullMQ worker. */
export interface BullmqWorker {
  /** Its name, as recorded on the jobs it processed. */
  readonly name: string;
  /**
   * Stop taking jobs and wait for the running ones. With `force`, do not wait: their locks lapse
   * and other workers take them over as stalled (exit the process soon after).
   */
  close(options?: { readonly force?: boolean }): Promise<void>;
}

/**
 * Start a worker that runs Framewise jobs from a BullMQ queue. Handlers get the same context as in
 * process: an AbortSignal (aborted when the job is cancelled from any producer), the attempt
 * number and progress reporting. Transient failures are retried with the definition's backoff;
 * anything else fails at once with its code.
 *
 * @throws `INVALID_CONFIG` naming the bad option.
 */
export async function startBullmqWorker(options: BullmqWorkerOptions): Promise<BullmqWorker> {
  const o = parseOptions(BullmqWorkerOptionsSchema, options, 'BullMQ worker options');
  const conn = resolveConnection(options);
  const logger = o.logger ?? silentLogger;
  const tracer = o.tracer;
  const definitions = new Map(Object.entries(options.definitions));
  const slots = new ResourceSlots({ cpu: availableParallelism(), ...(o.resources ?? {}) }, { owner: 'this worker' });
  const name = o.name ?? `${hostname()}:${process.pid}`;
  const redis = new Redis(conn.redis);
  const subscriber = new Redis(conn.redis);
  const recentCancels = new Map<string, number>();
  for (const client of [redis, subscriber])
    client.on('error', (error: Error) => logger.warn({ error: error.message }, 'framewise bullmq worker: redis error'));

  const fail = (error: FramewiseError): Error =>
    isRetryable(error)
      ? Object.assign(new Error(encodeError(error)), { retryAfterMs: error.retryAfterMs })
      : new UnrecoverableError(encodeError(error));

  const processor = async (job: Job<JobData>, _token?: string, signal?: AbortSignal): Promise<unknown> => {
    const id = job.id as string;
    const abort = signal ?? new AbortController().signal;
    const cancelled = () =>
      new FramewiseError('CANCELLED', `Job "${id}" (${job.name}) was cancelled`, { details: { id } });
    const definition = definitions.get(job.name);
    if (definition === undefined)
      throw fail(
        new FramewiseError('INVALID_INPUT', `Job kind ${JSON.stringify(job.name)} is not defined on worker ${name}`, {
          details: { id, kind: job.name },
        }),
      );
    // Cancelled while no worker held it: announced just before this worker tracked the job, or
    // (for a job taken over from a dead worker) marked in Redis while it ran there.
    if (
      recentCancels.has(id) ||
      ((job.attemptsStarted ?? 1) > 1 && (await redis.exists(`${conn.keys}:cancel:${id}`)) === 1)
    )
      throw fail(cancelled());
    let release: (() => void) | undefined;
    try {
      const input = definition.input
        ? parseInput(definition.input, job.data.input, `Job ${JSON.stringify(job.name)} input`)
        : job.data.input;
      release = await slots.acquire(job.data.resources, { signal: abort, subject: `Job "${id}" (${job.name})` });
      let last = -1;
      const attempt = Math.max(1, job.attemptsStarted ?? job.attemptsMade + 1);
      const fields = { id, kind: job.name, tenant: job.data.tenant, attempt, worker: name };
      logger.debug(fields, 'framewise bullmq worker: job started');
      const context: JobContext = {
        signal: abort,
        attempt,
        job: toRecord(job, 'running'),
        progress(percent) {
          const p = Math.round(Math.max(0, Math.min(100, percent)) * 10) / 10;
          // Whole-percent steps are enough for a progress bar and spare Redis a write per frame.
          if (Math.floor(p) === Math.floor(last) && p !== 100) return;
          last = p;
          job
            .updateProgress(p)
            .catch((error: Error) =>
              logger.warn({ id, error: error.message }, 'framewise bullmq worker: progress not saved'),
            );
        },
      };
      const output = await (tracer === undefined
        ? definition.handler(input, context)
        : withSpan(
            tracer,
            'framewise.job.run',
            {
              'framewise.job.kind': job.name,
              'framewise.job.id': id,
              'framewise.job.tenant': job.data.tenant,
              'framewise.job.attempt': attempt,
            },
            () => definition.handler(input, context),
          ));
      if (abort.aborted) throw cancelled();
      logger.info(fields, 'framewise bullmq worker: job succeeded');
      return output ?? null;
    } catch (raw) {
      if (raw instanceof UnrecoverableError) throw raw;
      throw fail(abort.aborted ? cancelled() : asFramewiseError(raw, `Job "${id}" (${job.name})`, { id }));
    } finally {
      release?.();
    }
  };

  const worker = new Worker<JobData>(conn.queue, processor, {
    connection: conn.redis as ConnectionOptions,
    prefix: conn.prefix,
    name,
    concurrency: o.concurrency ?? 1,
    lockDuration: o.lockDurationMs ?? 30_000,
    stalledInterval: o.stalledIntervalMs ?? 30_000,
    maxStalledCount: o.maxStalledCount ?? 2,
    settings: {
      backoffStrategy: (attemptsMade: number, _type?: string, error?: Error, job?: { name: string }) =>
        retryDelayMs(
          attemptsMade,
          definitions.get(job?.name ?? '')?.retry,
          (error as { retryAfterMs?: number } | undefined)?.retryAfterMs,
        ),
    },
  });
  worker.on('error', (error: Error) => logger.warn({ error: error.message }, 'framewise bullmq worker: error'));
  worker.on('failed', (job, error) => {
    if (job === undefined) return;
    const failure = decodeError(error.message, job.id as string);
    const fields = { id: job.id, kind: job.name, tenant: job.data?.tenant, attempt: job.attemptsMade, worker: name };
    // BullMQ sets finishedOn only when it gives up; otherwise the job waits `delay` ms for its retry.
    if (job.finishedOn === undefined)
      logger.info({ ...fields, code: failure.code, delayMs: job.delay }, 'framewise bullmq worker: retry scheduled');
    else if (failure.code === 'CANCELLED') logger.info(fields, 'framewise bullmq worker: job cancelled');
    else logger.warn({ ...fields, code: failure.code, error: failure.message }, 'framewise bullmq worker: job failed');
  });
  await subscriber.subscribe(conn.cancelChannel);
  subscriber.on('message', (_channel: string, id: string) => {
    if (worker.cancelJob(id, 'cancelled')) {
      logger.info({ id }, 'framewise bullmq worker: cancelled');
      return;
    }
    // Not running here (yet): remember it a minute, in case this worker is about to start it.
    recentCancels.set(id, Date.now() + 60_000);
    for (const [old, until] of recentCancels) if (until < Date.now()) recentCancels.delete(old);
  });
  await worker.waitUntilReady();
  let closing: Promise<void> | undefined;
  return {
    name,
    close(closeOptions = {}) {
      closing ??= (async () => {
        await subscriber.quit();
        await worker.close(closeOptions.force ?? false);
        await redis.quit();
      })();
      return closing;
    },
  };
}
