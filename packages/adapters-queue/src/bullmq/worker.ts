import { randomUUID } from 'node:crypto';
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
import { DEFAULT_JOB_TIMEOUT_MS, JobDefinitionSchema } from '@framewise/core/scheduler';
import { type ConnectionOptions, DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { type BullmqConnectionOptions, BullmqConnectionSchema, resolveConnection } from './connection.js';
import { decodeError, encodeError } from './errors.js';
import { FairShare } from './fairness.js';
import { FleetResources } from './fleet-resources.js';
import { capable, liveWorkers } from './operations.js';
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
  leaseTtlMs: z.number().int().min(100).optional(),
  jobTimeoutMs: z.number().int().positive().max(2_147_483_647).optional(),
  capabilities: z.array(z.string().min(1).max(200)).max(256).optional(),
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
  /**
   * How long a lease on a fleet-wide resource lasts without renewal (default 30 000 ms). The worker
   * renews its leases every third of it; a worker that dies frees its slots when they lapse, and a
   * job whose lease lapsed anyway (the worker stalled that long) is aborted with `TRANSIENT` and
   * retried.
   */
  readonly leaseTtlMs?: number;
  /**
   * How long one attempt may run when its definition has no `timeoutMs` (default 6 h, as the
   * in-process scheduler's). When it runs out, the handler's signal is aborted with a `TIMEOUT`
   * error, the attempt ends and is retried as a transient failure.
   */
  readonly jobTimeoutMs?: number;
  /**
   * What this worker offers (encoders, `gpu`, site tags such as `site:tape-library`): it runs only
   * jobs whose definition `requires` a subset of these, and hands others back to the queue.
   */
  readonly capabilities?: readonly string[];
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
   * Drain gracefully: stop taking jobs (the fleet's operations view shows it draining) and wait for
   * the running ones, then disconnect. With `force`, do not wait: their locks lapse and other
   * workers take them over as stalled (exit the process soon after).
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

  const fleet = new FleetResources(redis, conn.keys);
  const leaseTtlMs = o.leaseTtlMs ?? 30_000;
  const jobTimeoutMs = o.jobTimeoutMs ?? DEFAULT_JOB_TIMEOUT_MS;
  /** Leases held by jobs running here, renewed together; `lost` aborts the job whose lease lapsed. */
  const leases = new Map<string, { readonly resources: readonly string[]; readonly lost: () => void }>();
  /** Jobs waiting for a fleet-wide resource: woken when any lease is released or a capacity changes. */
  const waiting = new Set<() => void>();
  const wake = () => {
    for (const w of [...waiting]) w();
  };
  const heartbeat = setInterval(
    () => {
      if (leases.size === 0) return;
      const held = [...leases].map(([leaseId, l]) => ({ id: leaseId, resources: l.resources }));
      fleet.renew(held, leaseTtlMs).then(
        (lost) => {
          for (const leaseId of lost) leases.get(leaseId)?.lost();
        },
        (error: Error) => logger.warn({ error: error.message }, 'framewise bullmq worker: lease renewal failed'),
      );
    },
    Math.max(50, Math.floor(leaseTtlMs / 3)),
  );
  heartbeat.unref();

  const fairness = new FairShare(redis, conn.keys);
  const capabilities = new Set(o.capabilities ?? []);
  let draining = false;
  /** Advertise this worker (capabilities, draining) until a little after its next refresh. */
  const advertise = () =>
    redis.hset(
      `${conn.keys}:workers`,
      name,
      JSON.stringify({ capabilities: [...capabilities].sort(), expiresAt: Date.now() + leaseTtlMs, draining }),
    );
  const refresh = setInterval(
    () => {
      Promise.all([advertise(), fairness.flush(), readLimited()]).catch((error: Error) =>
        logger.warn({ error: error.message }, 'framewise bullmq worker: heartbeat failed'),
      );
    },
    Math.max(50, Math.floor(leaseTtlMs / 3)),
  );
  refresh.unref();
  // The fleet's virtual time follows started jobs closely enough for newcomers' fair-share tags.
  const flushFair = setInterval(() => {
    fairness.flush().catch(() => undefined);
  }, 100);
  flushFair.unref();
  /** Tenants held fleet-wide, re-read whenever a hold or release is announced. */
  let pausedTenants = new Set<string>();
  const readPaused = async () => {
    pausedTenants = new Set(await redis.smembers(`${conn.keys}:paused-tenants`));
  };
  /**
   * Resources with a fleet-wide capacity, re-read when a capacity change is announced and with each
   * heartbeat: jobs needing none of them take no lease (no Redis round trip).
   */
  let limited = new Set<string>();
  const readLimited = async () => {
    limited = new Set(Object.keys(await fleet.capacities()));
  };
  await Promise.all([advertise(), readPaused(), readLimited()]);

  /**
   * Hand a job back to the queue for later instead of running it here (its tenant is held, or this
   * worker lacks a capability it requires); it keeps its priority and its attempts.
   */
  const handBack = async (job: Job<JobData>, token: string | undefined, delayMs: number, why: string) => {
    logger.debug({ id: job.id, kind: job.name, worker: name, why }, 'framewise bullmq worker: job handed back');
    await job.moveToDelayed(Date.now() + delayMs, token);
    throw new DelayedError();
  };

  /** Wait until the job holds its fleet-wide resources; returns the lease's resources. */
  const acquireFleet = async (leaseId: string, resources: Readonly<Record<string, number>>, signal: AbortSignal) => {
    for (;;) {
      if (signal.aborted) throw signal.reason;
      let woken = false;
      let wakeUp: () => void = () => {
        woken = true;
      };
      const listener = () => wakeUp();
      waiting.add(listener);
      try {
        const got = await fleet.tryAcquire(leaseId, resources, leaseTtlMs);
        if (got.ok) return got.leased;
        if (woken) continue;
        // Released leases are announced; expiring ones (a dead worker's) are found by polling.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, Math.min(1_000, Math.max(50, leaseTtlMs / 4)));
          function done() {
            clearTimeout(timer);
            signal.removeEventListener('abort', done);
            resolve();
          }
          wakeUp = done;
          signal.addEventListener('abort', done, { once: true });
        });
      } finally {
        waiting.delete(listener);
      }
    }
  };

  const processor = async (job: Job<JobData>, token?: string, signal?: AbortSignal): Promise<unknown> => {
    const id = job.id as string;
    const cancelled = () =>
      new FramewiseError('CANCELLED', `Job "${id}" (${job.name}) was cancelled`, { details: { id } });
    // One signal for the handler: aborted on cancellation, timeout, or a lost fleet lease, with the reason.
    const controller = new AbortController();
    const abort = controller.signal;
    const onCancel = () => controller.abort(cancelled());
    if (signal?.aborted) onCancel();
    signal?.addEventListener('abort', onCancel, { once: true });
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
    if (pausedTenants.has(job.data.tenant)) await handBack(job, token, 5_000, 'tenant paused');
    const requires = job.data.requires ?? [];
    if (!capable(capabilities, requires)) {
      // Another worker can run it: back soon. None can: back later (it shows as unplaceable).
      const others = await liveWorkers(redis, conn.keys, Date.now());
      const someone = others.some((w) => w.name !== name && !w.draining && capable(w.capabilities, requires));
      await handBack(job, token, someone ? 20 + Math.floor(Math.random() * 80) : 2_000, `lacks ${requires.join(', ')}`);
    }
    let release: (() => void) | undefined;
    const leaseId = `${id}|${name}|${randomUUID()}`;
    let leased: readonly string[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const input = definition.input
        ? parseInput(definition.input, job.data.input, `Job ${JSON.stringify(job.name)} input`)
        : job.data.input;
      const subject = `Job "${id}" (${job.name})`;
      const fetchedAt = Date.now();
      // Fleet-wide first (atomically, all of the job's limited resources), then this worker's own slots.
      if (Object.keys(job.data.resources).some((r) => limited.has(r)))
        leased = await acquireFleet(leaseId, job.data.resources, abort);
      if (leased.length > 0)
        leases.set(leaseId, {
          resources: leased,
          lost: () =>
            controller.abort(
              new FramewiseError('TRANSIENT', `${subject} lost its lease on ${leased.join(', ')}; it will be retried`, {
                details: { id },
              }),
            ),
        });
      release = await slots.acquire(job.data.resources, { signal: abort, subject });
      fairness.started(job.data.fairTag);
      let last = -1;
      const attempt = Math.max(1, job.attemptsStarted ?? job.attemptsMade + 1);
      const fields = { id, kind: job.name, tenant: job.data.tenant, attempt, worker: name };
      const startedAt = Date.now();
      // Scheduling metrics: time queued (since it was queued or its retry came due) and time spent
      // waiting for resources (fleet-wide leases, then this worker's slots).
      const timings = {
        queueWaitMs: Math.max(0, fetchedAt - Math.max(job.data.queuedAt, (job.timestamp ?? 0) + (job.delay ?? 0))),
        resourceWaitMs: startedAt - fetchedAt,
      };
      logger.debug({ ...fields, ...timings }, 'framewise bullmq worker: job started');
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
      const run = () =>
        tracer === undefined
          ? definition.handler(input, context)
          : withSpan(
              tracer,
              'framewise.job.run',
              {
                'framewise.job.kind': job.name,
                'framewise.job.id': id,
                'framewise.job.tenant': job.data.tenant,
                'framewise.job.attempt': attempt,
                'framewise.job.queue_wait_ms': timings.queueWaitMs,
                'framewise.job.resource_wait_ms': timings.resourceWaitMs,
              },
              () => definition.handler(input, context),
            );
      const timeoutMs = definition.timeoutMs ?? jobTimeoutMs;
      // The attempt ends when its signal is aborted, even if the handler never settles.
      const output = await new Promise<unknown>((resolve, reject) => {
        timer = setTimeout(
          () =>
            controller.abort(
              new FramewiseError('TIMEOUT', `${subject} ran out of time after ${timeoutMs} ms`, {
                details: { id, timeoutMs },
              }),
            ),
          timeoutMs,
        );
        abort.addEventListener('abort', () => reject(abort.reason), { once: true });
        Promise.resolve().then(run).then(resolve, reject);
      });
      if (abort.aborted) throw abort.reason;
      logger.info({ ...fields, ...timings, runMs: Date.now() - startedAt }, 'framewise bullmq worker: job succeeded');
      return output ?? null;
    } catch (raw) {
      if (raw instanceof UnrecoverableError) throw raw;
      const reason = abort.aborted ? abort.reason : raw;
      throw fail(asFramewiseError(reason, `Job "${id}" (${job.name})`, { id }));
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onCancel);
      release?.();
      leases.delete(leaseId);
      if (leased.length > 0)
        await fleet
          .release(leaseId, leased)
          .catch((error: Error) =>
            logger.warn({ id, error: error.message }, 'framewise bullmq worker: lease not released'),
          );
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
  await subscriber.subscribe(conn.cancelChannel, conn.controlChannel, fleet.releasedChannel);
  subscriber.on('message', (channel: string, id: string) => {
    if (channel === fleet.releasedChannel) {
      if (!id.startsWith('capacity:')) return wake();
      readLimited().then(wake, (error: Error) =>
        logger.warn({ error: error.message }, 'framewise bullmq worker: redis error'),
      );
      return;
    }
    if (channel === conn.controlChannel) {
      readPaused().catch((error: Error) =>
        logger.warn({ error: error.message }, 'framewise bullmq worker: redis error'),
      );
      return;
    }
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
        draining = true;
        await advertise().catch(() => undefined);
        await worker.close(closeOptions.force ?? false);
        clearInterval(heartbeat);
        clearInterval(refresh);
        clearInterval(flushFair);
        await fairness.flush().catch(() => undefined);
        await redis.hdel(`${conn.keys}:workers`, name).catch(() => undefined);
        await subscriber.quit();
        await redis.quit();
      })();
      return closing;
    },
  };
}
