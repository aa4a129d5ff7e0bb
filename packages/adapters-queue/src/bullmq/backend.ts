import { createHash } from 'node:crypto';
import {
  type Clock,
  ClockSchema,
  type Logger,
  LoggerSchema,
  newId,
  parseOptions,
  prepareJob,
  type ScoringOptions,
  silentLogger,
  systemClock,
  TypedEvents,
} from '@framewise/core/adapter-kit';
import { FramewiseError } from '@framewise/core/errors';
import type {
  JobDefinitions,
  JobFilter,
  JobId,
  JobInput,
  JobKind,
  JobOutput,
  JobRecord,
  JobState,
  QueueBackend,
  QueueBackendEvents,
  SubmitOptions,
  SubmittedJob,
} from '@framewise/core/scheduler';
import { JobDefinitionSchema } from '@framewise/core/scheduler';
import { type ConnectionOptions, Job, type JobsOptions, Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';
import {
  type BullmqConnectionOptions,
  BullmqConnectionSchema,
  type ResolvedConnection,
  resolveConnection,
} from './connection.js';
import { decodeError } from './errors.js';
import { FairShare } from './fairness.js';
import { FleetResources, type FleetResourceUsage } from './fleet-resources.js';
import { type OperationsView, operationsView } from './operations.js';
import { DEFAULT_SCORING, priorityNow } from './priority.js';
import { type BullmqState, type JobData, stateOf, toRecord } from './records.js';

/**
 * Options of {@link createBullmqBackend}, parsed once when it is created (a bad option throws
 * `INVALID_CONFIG` naming it). The connection's URL, queue name and prefix are checked too.
 */
export const BullmqBackendOptionsSchema = z.strictObject({
  ...BullmqConnectionSchema.shape,
  definitions: z.record(z.string().min(1), JobDefinitionSchema),
  scoring: z
    .object({ agingMs: z.number().positive().finite(), deadlineWindowMs: z.number().positive().finite() })
    .partial()
    .optional(),
  reprioritizeEveryMs: z.number().int().nonnegative().optional(),
  fairnessPerJob: z.number().nonnegative().finite().optional(),
  keepFinished: z.number().int().positive().optional(),
  clock: ClockSchema.optional(),
  logger: LoggerSchema.optional(),
});

/** Options for {@link createBullmqBackend}; `D` are the definitions, which type `submit`. */
export interface BullmqBackendOptions<D extends JobDefinitions = JobDefinitions> extends BullmqConnectionOptions {
  /**
   * The job definitions (validation, resources and retry policy at submission; workers run them):
   * `submit` is typed by them.
   */
  readonly definitions: D;
  /** Aging and deadline scoring, as the in-process scheduler's. */
  readonly scoring?: Partial<Omit<ScoringOptions, 'fairness'>>;
  /**
   * How often waiting jobs are re-prioritised so aging and approaching deadlines take effect
   * (default 30 000 ms; 0 turns it off). Any number of producers may do it; it is idempotent.
   */
  readonly reprioritizeEveryMs?: number;
  /**
   * Fleet-wide weighted fair sharing between tenants: how many score points a job loses per job
   * (of weight 1) its tenant already has queued ahead of the fleet's virtual time (default 1; 0
   * turns fair sharing off). At 1, a burst of 1 000 jobs from one tenant lets another tenant's job
   * of the same class start after about as many of the burst as that tenant's weight allows, and
   * 100 points of class still outrank a backlog of 100. Weights: {@link BullmqQueueBackend.setTenantWeight}.
   */
  readonly fairnessPerJob?: number;
  /** Finished jobs kept for history (completed and failed each; default 10 000). */
  readonly keepFinished?: number;
  /** Time for queueing and aging (default the system clock; BullMQ's own timestamps always use it). */
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/** A submission waiting for its batch's `addBulk`. */
interface PendingAdd {
  readonly name: string;
  readonly data: JobData;
  readonly opts: Omit<JobsOptions, 'priority'>;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** A job's required capabilities, from its definition (checked: strings, at most 32). */
function requirementsOf(definition: JobDefinitions[string] | undefined, input: unknown, kind: string): string[] {
  const raw = definition?.requires;
  const list = typeof raw === 'function' ? raw(input) : (raw ?? []);
  if (
    !Array.isArray(list) ||
    list.length > 32 ||
    !list.every((c) => typeof c === 'string' && c.length > 0 && c.length <= 200)
  )
    throw new FramewiseError(
      'INVALID_INPUT',
      `Job ${JSON.stringify(kind)}: requires must be at most 32 capability names of 1-200 characters`,
      { details: { kind } },
    );
  return [...new Set(list as string[])].sort();
}

/** How long a claim may point at a job not yet added before another producer takes it over. */
const CLAIM_GRACE_MS = 10_000;
const FINISHED = new Set<JobState>(['succeeded', 'failed', 'cancelled']);
const LIVE_TYPES = ['active', 'waiting', 'prioritized', 'delayed', 'waiting-children'] as const;
const ALL_TYPES = [...LIVE_TYPES, 'completed', 'failed'] as const;

/** Claim every key for a new job when each still holds the value read (empty: absent). */
const CLAIM = `
for i, key in ipairs(KEYS) do
  local current = redis.call('GET', key)
  if (current or '') ~= ARGV[i] then return 0 end
end
for i, key in ipairs(KEYS) do redis.call('SET', key, ARGV[#KEYS + 1]) end
return 1`;

/**
 * The BullMQ queue backend (producer side): jobs are queued in Redis and run by
 * {@link startBullmqWorker} processes anywhere that share it. Priority classes, aging and deadlines
 * become BullMQ priorities (re-evaluated every `reprioritizeEveryMs`); idempotency and dedupe keys
 * are claimed atomically in Redis, so two producers never queue the same work twice; cancellation
 * of running jobs reaches their worker over Redis pub/sub.
 *
 * `D` types `submit` by kind (see {@link QueueBackend}); assign it to `QueueBackend` for the
 * untyped form.
 */
export class BullmqQueueBackend<D extends JobDefinitions = JobDefinitions> implements QueueBackend<D> {
  readonly name = 'bullmq';
  readonly #conn: ResolvedConnection;
  readonly #definitions: Map<string, JobDefinitions[string]>;
  readonly #queue: Queue;
  /** Redis stream reader of job events, started on first use (on or result): producers that only submit skip its cost. */
  #queueEvents: QueueEvents | undefined;
  readonly #base: { readonly connection: ConnectionOptions; readonly prefix: string };
  readonly #redis: Redis;
  readonly #events = new TypedEvents<QueueBackendEvents>();
  readonly #scoring: ScoringOptions;
  readonly #keep: number;
  readonly #logger: Logger;
  readonly #clock: Clock;
  /** Pending result() waiters: a final check on close, then a rejection if still unfinished. */
  readonly #waiters = new Set<{ readonly check: () => Promise<void>; readonly closed: () => void }>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #closing: Promise<void> | undefined;
  readonly #fair: FairShare;
  readonly #fairnessPerJob: number;
  readonly #resources: FleetResources;
  /** Submissions waiting to be added together (one tag script and one addBulk per batch). */
  #batch: PendingAdd[] = [];

  /**
   * Use {@link createBullmqBackend}, which waits until Redis answers.
   *
   * @throws `INVALID_CONFIG` naming the bad option.
   */
  constructor(options: BullmqBackendOptions<D>) {
    const o = parseOptions(BullmqBackendOptionsSchema, options, 'BullMQ backend options');
    this.#conn = resolveConnection(options);
    this.#definitions = new Map(Object.entries(options.definitions));
    this.#scoring = {
      agingMs: o.scoring?.agingMs ?? DEFAULT_SCORING.agingMs,
      deadlineWindowMs: o.scoring?.deadlineWindowMs ?? DEFAULT_SCORING.deadlineWindowMs,
      fairness: 0,
    };
    this.#keep = o.keepFinished ?? 10_000;
    this.#logger = o.logger ?? silentLogger;
    this.#clock = o.clock ?? systemClock;
    const base = { connection: this.#conn.redis as ConnectionOptions, prefix: this.#conn.prefix };
    this.#queue = new Queue(this.#conn.queue, base);
    this.#base = base;
    this.#redis = new Redis(this.#conn.redis);
    this.#fair = new FairShare(this.#redis, this.#conn.keys);
    this.#fairnessPerJob = o.fairnessPerJob ?? 1;
    this.#resources = new FleetResources(this.#redis, this.#conn.keys);
    const warn = (error: Error) => this.#logger.warn({ error: error.message }, 'framewise bullmq: redis error');
    this.#queue.on('error', warn);
    this.#redis.on('error', warn);
    const every = o.reprioritizeEveryMs ?? 30_000;
    if (every > 0) {
      this.#timer = setInterval(() => {
        this.reprioritize().catch((error: Error) =>
          this.#logger.warn({ error: error.message }, 'framewise bullmq: reprioritize failed'),
        );
      }, every);
      this.#timer.unref();
    }
  }

  /** Resolves when Redis answers and the event stream is being read. */
  async ready(): Promise<void> {
    await Promise.all([this.#queue.waitUntilReady(), this.#redis.ping()]);
  }

  #emitState(id: string, state: JobState): void {
    this.#events.emit('state', { id, state });
  }

  /** Start reading job events from Redis, once. */
  #listen(): void {
    if (this.#queueEvents !== undefined || this.#closing !== undefined) return;
    // Read from a second before now, not from whenever the connection is up: events of jobs
    // submitted right after the first listener subscribed are not missed.
    const qe = new QueueEvents(this.#conn.queue, { ...this.#base, lastEventId: `${Date.now() - 1_000}-0` });
    this.#queueEvents = qe;
    qe.on('error', (error: Error) => this.#logger.warn({ error: error.message }, 'framewise bullmq: redis error'));
    qe.on('waiting', ({ jobId }) => this.#emitState(jobId, 'queued'));
    qe.on('active', ({ jobId }) => this.#emitState(jobId, 'running'));
    qe.on('delayed', ({ jobId }) => this.#emitState(jobId, 'retrying'));
    qe.on('completed', ({ jobId }) => this.#emitState(jobId, 'succeeded'));
    qe.on('failed', ({ jobId, failedReason }) =>
      this.#emitState(jobId, failedReason.startsWith('CANCELLED: ') ? 'cancelled' : 'failed'),
    );
    qe.on('removed', ({ jobId }) => {
      void this.#redis.hexists(`${this.#conn.keys}:cancelled`, jobId).then((cancelled) => {
        if (cancelled) this.#emitState(jobId, 'cancelled');
      });
    });
    qe.on('progress', ({ jobId, data }) => {
      if (typeof data === 'number') this.#events.emit('progress', { id: jobId, percent: data });
    });
  }

  #claimKey(kind: 'idempotency' | 'dedupe', key: string): string {
    return `${this.#conn.keys}:${kind}:${createHash('sha256').update(key).digest('hex')}`;
  }

  /**
   * A job and its state. The state is read first: the job's fields are then at least as new, so a
   * finished job always comes with its output or failure reason.
   */
  async #load(id: string): Promise<{ job: Job<JobData>; state: JobState } | undefined> {
    const bullState = (await this.#queue.getJobState(id)) as BullmqState;
    if (bullState === 'unknown') return undefined;
    const job = (await Job.fromId(this.#queue, id)) as Job<JobData> | undefined;
    if (job === undefined) return undefined;
    const state = stateOf(bullState, job);
    return state === undefined ? undefined : { job, state };
  }

  /**
   * What a claim points at: a job whose work can be reused (`live`), one that failed or was
   * cancelled (`dead`), or none yet (`missing`: its producer is between claiming and adding, or
   * died there).
   */
  async #claimed(id: string): Promise<'live' | 'dead' | 'missing'> {
    const state = (await this.#load(id))?.state;
    if (state !== undefined) return state === 'failed' || state === 'cancelled' ? 'dead' : 'live';
    return (await this.#redis.hexists(`${this.#conn.keys}:cancelled`, id)) ? 'dead' : 'missing';
  }

  /**
   * Add a job with the others submitted in the same tick: one fair-share script for their tags and
   * one `addBulk`, instead of a round trip each.
   */
  #add(job: Omit<PendingAdd, 'resolve' | 'reject'>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#batch.push({ ...job, resolve, reject });
      if (this.#batch.length === 1) setImmediate(() => void this.#flush());
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#batch;
    this.#batch = [];
    try {
      let tags: Map<string, number[]> | undefined;
      let base = 0;
      if (this.#fairnessPerJob > 0) {
        const counts = new Map<string, number>();
        for (const j of batch) counts.set(j.data.tenant, (counts.get(j.data.tenant) ?? 0) + 1);
        ({ base, tags } = await this.#fair.tag(counts));
      }
      const next = new Map<string, number>();
      const jobs = batch.map((j) => {
        const i = next.get(j.data.tenant) ?? 0;
        next.set(j.data.tenant, i + 1);
        const fairTag = tags?.get(j.data.tenant)?.[i];
        const data: JobData = fairTag === undefined ? j.data : { ...j.data, fairTag };
        const priority = priorityNow(data, data.queuedAt, this.#scoring, { base, perJob: this.#fairnessPerJob });
        return { name: j.name, data, opts: { ...j.opts, priority } };
      });
      await this.#queue.addBulk(jobs);
      for (const j of batch) j.resolve();
    } catch (error) {
      for (const j of batch) j.reject(error);
    }
  }

  /**
   * Accept a job (see {@link QueueBackend.submit}): resolves once it is in Redis.
   *
   * @throws `INVALID_INPUT` for an unknown kind, bad input or options; `CONFLICT` once closed, or
   * for an id already used.
   */
  async submit<K extends string>(
    kind: K & JobKind<D>,
    input: JobInput<D[K & keyof D]>,
    options: SubmitOptions = {},
  ): Promise<SubmittedJob<JobOutput<D[K & keyof D]>>> {
    if (this.#closing !== undefined)
      throw new FramewiseError(
        'CONFLICT',
        `The queue backend is closed; job ${JSON.stringify(kind)} was not accepted`,
        {
          details: { kind },
        },
      );
    const prepared = prepareJob(this.#definitions, kind, input, options);
    const requires = requirementsOf(this.#definitions.get(kind), prepared.input, kind);
    if (prepared.id !== undefined && (await Job.fromId(this.#queue, prepared.id)) !== undefined)
      throw new FramewiseError('CONFLICT', `Job "${prepared.id}" already exists`, { details: { id: prepared.id } });
    const claims = [
      ...(prepared.idempotencyKey ? [this.#claimKey('idempotency', prepared.idempotencyKey)] : []),
      ...(prepared.dedupeKey ? [this.#claimKey('dedupe', prepared.dedupeKey)] : []),
    ];
    const giveUp = Date.now() + 2 * CLAIM_GRACE_MS;
    for (;;) {
      // A claim is `jobId|claimedAtMs`. One pointing at no job yet is honoured for a grace period
      // (its producer is adding the job), then taken over (that producer died in between).
      const seen: string[] = [];
      let pending = false;
      for (const key of claims) {
        const current = await this.#redis.get(key);
        if (current !== null) {
          const [claimedId = '', at = '0'] = current.split('|');
          const state = await this.#claimed(claimedId);
          if (state === 'live') return { id: claimedId, reused: true };
          if (state === 'missing' && Date.now() - Number(at) < CLAIM_GRACE_MS) pending = true;
        }
        seen.push(current ?? '');
      }
      if (Date.now() > giveUp)
        throw new FramewiseError('CONFLICT', `Job ${JSON.stringify(kind)}: its keys stayed contended`, {
          details: { kind },
        });
      if (pending) {
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      const now = this.#clock.now();
      const id = prepared.id ?? newId(now);
      const claim = `${id}|${Date.now()}`;
      if (claims.length > 0 && (await this.#redis.eval(CLAIM, claims.length, ...claims, ...seen, claim)) !== 1)
        continue;
      const data: JobData = {
        input: prepared.input,
        tenant: prepared.tenant,
        priority: prepared.priority,
        ...(prepared.deadline === undefined ? {} : { deadline: prepared.deadline }),
        ...(prepared.idempotencyKey ? { idempotencyKey: prepared.idempotencyKey } : {}),
        ...(prepared.dedupeKey ? { dedupeKey: prepared.dedupeKey } : {}),
        resources: prepared.resources,
        queuedAt: now,
        ...(requires.length > 0 ? { requires } : {}),
      };
      await this.#add({
        name: kind,
        data,
        opts: {
          jobId: id,
          attempts: prepared.maxAttempts,
          backoff: { type: 'framewise' },
          removeOnComplete: { count: this.#keep },
          removeOnFail: { count: this.#keep },
        },
      });
      return { id, reused: false };
    }
  }

  async get(id: string): Promise<Readonly<JobRecord> | undefined> {
    const loaded = await this.#load(id);
    if (loaded !== undefined) return toRecord(loaded.job, loaded.state);
    const tombstone = await this.#redis.hget(`${this.#conn.keys}:cancelled`, id);
    return tombstone === null ? undefined : (JSON.parse(tombstone) as JobRecord);
  }

  result<Output = unknown>(
    id: JobId<Output> | string,
    options: { readonly signal?: AbortSignal } = {},
  ): Promise<Output> {
    return new Promise<Output>((resolve, reject) => {
      let done = false;
      const finish = (settle: () => void) => {
        if (done) return;
        done = true;
        off();
        clearInterval(poll);
        this.#waiters.delete(waiter);
        options.signal?.removeEventListener('abort', abort);
        settle();
      };
      const check = async () => {
        const record = await this.get(id);
        if (record === undefined)
          return finish(() => reject(new FramewiseError('NOT_FOUND', `Job "${id}" is not known`, { details: { id } })));
        if (!FINISHED.has(record.state)) return;
        if (record.state === 'succeeded') return finish(() => resolve(record.output as Output));
        const error = record.error
          ? new FramewiseError(record.error.code as never, record.error.message, { details: { id } })
          : decodeError(undefined, id);
        finish(() => reject(error));
      };
      const run = () => check().catch((error) => finish(() => reject(error)));
      const waiter = {
        check: run,
        closed: () =>
          finish(() =>
            reject(
              new FramewiseError('CONFLICT', `The queue backend closed while waiting for job "${id}"`, {
                details: { id },
              }),
            ),
          ),
      };
      this.#waiters.add(waiter);
      const off = this.on('state', (e) => {
        if (e.id === id && FINISHED.has(e.state)) run();
      });
      // Events are the fast path; a slow poll covers any published before the stream was read.
      const poll = setInterval(run, 1_000);
      const abort = () =>
        finish(() =>
          reject(new FramewiseError('CANCELLED', `Waiting for job "${id}" was aborted`, { details: { id } })),
        );
      if (options.signal?.aborted) return abort();
      options.signal?.addEventListener('abort', abort, { once: true });
      run();
    });
  }

  async cancel(id: string): Promise<boolean> {
    const loaded = await this.#load(id);
    if (loaded === undefined || FINISHED.has(loaded.state)) return false;
    const { job, state } = loaded;
    // Workers check this marker before starting a job, so a cancelled job never starts later.
    await this.#redis.set(`${this.#conn.keys}:cancel:${id}`, '1', 'EX', 7 * 86_400);
    if (state !== 'running') {
      try {
        await job.remove();
        await this.#tombstone(toRecord(job, state));
        return true;
      } catch {
        // It started in the meantime: cancel it where it runs.
      }
    }
    await this.#redis.publish(this.#conn.cancelChannel, id);
    return true;
  }

  /** Keep a cancelled, removed job's record for get, list and result; oldest dropped past the limit. */
  async #tombstone(record: JobRecord): Promise<void> {
    const now = Date.now();
    const cancelled: JobRecord = {
      ...record,
      state: 'cancelled',
      finishedAt: now,
      error: { code: 'CANCELLED', message: `Job "${record.id}" (${record.kind}) was cancelled before it ran` },
    };
    const hash = `${this.#conn.keys}:cancelled`;
    const index = `${this.#conn.keys}:cancelled-index`;
    await this.#redis.multi().hset(hash, record.id, JSON.stringify(cancelled)).zadd(index, now, record.id).exec();
    const excess = (await this.#redis.zcard(index)) - this.#keep;
    if (excess > 0) {
      const old = await this.#redis.zpopmin(index, excess);
      const ids = old.filter((_, i) => i % 2 === 0);
      if (ids.length > 0) await this.#redis.hdel(hash, ...ids);
    }
    this.#emitState(record.id, 'cancelled');
  }

  async list(filter: JobFilter = {}): Promise<Readonly<JobRecord>[]> {
    const out: JobRecord[] = [];
    for (const type of ALL_TYPES) {
      const jobs = (await this.#queue.getJobs([type])) as Job<JobData>[];
      for (const job of jobs) {
        if (job?.id === undefined) continue;
        const state = stateOf(type, job);
        if (state !== undefined) out.push(toRecord(job, state));
      }
    }
    for (const text of Object.values(await this.#redis.hgetall(`${this.#conn.keys}:cancelled`)))
      out.push(JSON.parse(text) as JobRecord);
    return out
      .filter(
        (r) =>
          (filter.kind === undefined || r.kind === filter.kind) &&
          (filter.state === undefined || r.state === filter.state) &&
          (filter.tenant === undefined || r.tenant === filter.tenant),
      )
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  }

  /**
   * Re-prioritise waiting jobs from their current score (aging, approaching deadlines). Runs every
   * `reprioritizeEveryMs`, or call it yourself. Returns how many jobs moved.
   */
  async reprioritize(now: number = this.#clock.now()): Promise<number> {
    let moved = 0;
    // Fair-share tags are measured from a base that follows the fleet's virtual time, so they stay
    // within BullMQ's priority range however many jobs have run.
    const fair = { base: this.#fairnessPerJob > 0 ? await this.#fair.rebase() : 0, perJob: this.#fairnessPerJob };
    const page = 500;
    for (let start = 0; ; start += page) {
      const jobs = (await this.#queue.getJobs(['prioritized'], start, start + page - 1, true)) as Job<JobData>[];
      for (const job of jobs) {
        if (job?.data?.priority === undefined) continue;
        const priority = priorityNow(job.data, now, this.#scoring, fair);
        if (priority === job.opts.priority) continue;
        try {
          await job.changePriority({ priority });
          moved++;
        } catch {
          // It started or was removed meanwhile.
        }
      }
      if (jobs.length < page) return moved;
    }
  }

  on<E extends keyof QueueBackendEvents>(event: E, listener: (payload: QueueBackendEvents[E]) => void): () => void {
    this.#listen();
    return this.#events.on(event, listener);
  }

  /**
   * Set a resource's capacity for the whole fleet: every worker sharing this Redis and queue
   * together runs at most this much of it (e.g. `setResourceCapacity('av1-encoder', 2)`), taking
   * effect at the next job start; `undefined` removes the limit. Leases already held are kept, so
   * lowering it lets running jobs finish.
   *
   * @throws `INVALID_INPUT` for a bad name or capacity.
   */
  setResourceCapacity(resource: string, capacity: number | undefined): Promise<void> {
    return this.#resources.setCapacity(resource, capacity);
  }

  /** Fleet-wide capacity and current use (live leases) of every limited resource. */
  resourceUsage(): Promise<Record<string, FleetResourceUsage>> {
    return this.#resources.usage();
  }

  /**
   * Set a tenant's weight in fleet-wide fair sharing (default 1): while several tenants have jobs
   * waiting in a class, each starts jobs in proportion to its weight. Takes effect for jobs queued
   * from now on.
   *
   * @throws `INVALID_INPUT` for a weight that is not a positive number.
   */
  setTenantWeight(tenant: string, weight: number): Promise<void> {
    return this.#fair.setWeight(tenant, weight);
  }

  /** Stop every worker of the queue from starting jobs (running ones finish); see {@link resume}. */
  async pause(): Promise<void> {
    await this.#queue.pause();
  }

  /** Let workers start jobs again after {@link pause}. */
  async resume(): Promise<void> {
    await this.#queue.resume();
  }

  /**
   * Hold one tenant's jobs, fleet-wide: workers start none of its jobs until {@link resumeTenant}
   * (running ones finish). Other tenants are unaffected.
   */
  async pauseTenant(tenant: string): Promise<void> {
    await this.#redis
      .multi()
      .sadd(`${this.#conn.keys}:paused-tenants`, tenant)
      .publish(this.#conn.controlChannel, 'tenants')
      .exec();
  }

  /** Release a tenant held by {@link pauseTenant}: its jobs start again at once. */
  async resumeTenant(tenant: string): Promise<void> {
    await this.#redis
      .multi()
      .srem(`${this.#conn.keys}:paused-tenants`, tenant)
      .publish(this.#conn.controlChannel, 'tenants')
      .exec();
    // Its jobs were set aside as delayed while held: due now.
    for (const job of (await this.#queue.getJobs(['delayed'])) as Job<JobData>[]) {
      if (job?.data?.tenant === tenant && job.attemptsMade === 0) await job.promote().catch(() => undefined);
    }
  }

  /**
   * Run one failed job again, from its first attempt, keeping its id (e.g. one rendition of a
   * ladder whose other outputs succeeded, when each rendition is its own job).
   *
   * @throws `NOT_FOUND` for an unknown id; `CONFLICT` when the job has not failed.
   */
  async retry(id: string): Promise<void> {
    const loaded = await this.#load(id);
    if (loaded === undefined) throw new FramewiseError('NOT_FOUND', `Job "${id}" is not known`, { details: { id } });
    if (loaded.state !== 'failed')
      throw new FramewiseError('CONFLICT', `Job "${id}" is ${loaded.state}; only a failed job can be retried`, {
        details: { id, state: loaded.state },
      });
    await loaded.job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
  }

  /**
   * Queue depth per tenant and per resource, with a rough ETA: waiting and running jobs, the
   * fleet-wide capacity and use of limited resources, tenants held, and the live workers with their
   * capabilities. Jobs whose required capabilities no live worker advertises are listed as
   * `unplaceable`.
   */
  async operations(): Promise<OperationsView> {
    return operationsView({
      queue: this.#queue,
      redis: this.#redis,
      keys: this.#conn.keys,
      resources: await this.#resources.usage(),
      now: Date.now(),
    });
  }

  /** Counts of jobs by BullMQ state. */
  async counts(): Promise<Record<string, number>> {
    return this.#queue.getJobCounts(...ALL_TYPES);
  }

  close(options: { readonly drain?: boolean } = {}): Promise<void> {
    this.#closing ??= (async () => {
      if (options.drain) {
        for (;;) {
          const counts = await this.#queue.getJobCounts(...LIVE_TYPES);
          if (Object.values(counts).every((n) => n === 0)) break;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      if (this.#timer !== undefined) clearInterval(this.#timer);
      await Promise.all([...this.#waiters].map((w) => w.check()));
      for (const w of [...this.#waiters]) w.closed();
      await this.#queueEvents?.close();
      await this.#queue.close();
      await this.#redis.quit();
    })();
    return this.#closing;
  }
}

/**
 * Connect a BullMQ queue backend and wait until Redis answers; `submit` is typed by the
 * definitions.
 *
 * @throws `INVALID_CONFIG` naming the bad option.
 */
export async function createBullmqBackend<const D extends JobDefinitions>(
  options: BullmqBackendOptions<D>,
): Promise<BullmqQueueBackend<D>> {
  const backend = new BullmqQueueBackend<D>(options);
  await backend.ready();
  return backend;
}
