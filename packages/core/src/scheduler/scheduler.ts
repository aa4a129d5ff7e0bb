import { availableParallelism } from 'node:os';
import PQueue, { type QueueAddOptions } from 'p-queue';
import { asFramewiseError, describeInput, FramewiseError, isRetryable, messageOf } from '../errors/index.js';
import {
  type Clock,
  type Logger,
  newId,
  parseOptions,
  type ReleaseSlots,
  ResourceSlots,
  silentLogger,
  systemClock,
  type Tracer,
  TypedEvents,
  withSpan,
} from '../support/index.js';
import { prepareJob, retryDelayMs } from './backend.js';
import type { JobContext, JobDefinition, JobDefinitions, JobId, JobInput, JobKind, JobOutput } from './definitions.js';
import { type Entry, type LaneChoice, Lanes, type ScoringOptions } from './lanes.js';
import type { JobRecord, JobState, SubmitOptions } from './model.js';
import { DEFAULT_JOB_TIMEOUT_MS, JobTimeoutSchema, type SchedulerOptions, SchedulerOptionsSchema } from './options.js';

/** A submitted job. */
export interface JobHandle<Output> {
  readonly id: string;
  /** True when the submission returned a job that already existed (idempotency key or dedupe key). */
  readonly reused: boolean;
  /** Settles when the job succeeds (its output), fails or is cancelled (a FramewiseError). Created on first access. */
  readonly result: Promise<Output>;
  /** The current record. */
  get(): Readonly<JobRecord>;
  /** Cancel it: a queued job never starts; a running one has its signal aborted. */
  cancel(): boolean;
  /** Progress reports as they come, ending when the job ends. */
  progress(): AsyncIterable<number>;
}

/** Events of a {@link Scheduler}. */
export interface SchedulerEvents {
  state: { readonly job: Readonly<JobRecord>; readonly from: JobState | 'new' };
  progress: { readonly job: Readonly<JobRecord>; readonly percent: number };
}

interface Internal {
  record: JobRecord;
  definition: JobDefinition<unknown, unknown>;
  /** How it ended, once it has. */
  outcome?: { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: FramewiseError };
  /** The result promise, created when someone asks for it. */
  pending?: {
    readonly promise: Promise<unknown>;
    readonly resolve: (value: unknown) => void;
    readonly reject: (error: unknown) => void;
  };
  /** Created when the job starts (queued jobs are cancelled without one). */
  controller?: AbortController;
  /** Gives back the resources it holds while running. */
  release?: ReleaseSlots | undefined;
  timer?: ReturnType<typeof setTimeout>;
  /** Created on first use: most jobs are never iterated. */
  waiters?: Set<(done: boolean) => void>;
  progress?: number[];
}

const FINISHED = new Set<JobState>(['succeeded', 'failed', 'cancelled']);

/**
 * The job scheduler, in process, built on p-queue with a custom queue class: bounded priority
 * classes whose waiting jobs age (low priority never starves), deadlines (time to air) that raise
 * priority as they approach, per-resource concurrency (CPU slots, per-endpoint limits), fairness
 * between tenants, retries with exponential backoff and jitter for transient failures only,
 * cancellation, idempotency keys and dedupe of identical work, typed events and progress, history,
 * and a graceful drain.
 *
 * `D` types `submit` (kinds, inputs and outputs) when the scheduler is created over definitions
 * (`createScheduler({ definitions: defineJobs({...}) })`); without them it is the untyped
 * `Scheduler<JobDefinitions>` for kinds added with {@link Scheduler.define} or built at run time.
 */
export class Scheduler<D extends JobDefinitions = JobDefinitions> {
  readonly #definitions = new Map<string, JobDefinition<unknown, unknown>>();
  readonly #jobs = new Map<string, Internal>();
  readonly #byIdempotency = new Map<string, string>();
  readonly #byDedupe = new Map<string, string>();
  #finished: string[] = [];
  #finishedHead = 0;
  readonly #capacity: Record<string, number>;
  readonly #slots: ResourceSlots;
  #laneChoice: LaneChoice | undefined;
  readonly #runningByTenant = new Map<string, number>();
  readonly #lanes = new Lanes();
  readonly #queue: PQueue<LaneQueue, QueueAddOptions & { job?: JobRecord }>;
  readonly #scoring: ScoringOptions;
  readonly #clock: Clock;
  /** Undefined when silent: no log fields are built. */
  readonly #logger: Logger | undefined;
  readonly #tracer: Tracer | undefined;
  readonly #historyLimit: number;
  readonly #jobTimeoutMs: number;
  readonly #events = new TypedEvents<SchedulerEvents>();
  #draining = false;
  /** Jobs accepted and not finished, and who waits for that number to reach zero. */
  #open = 0;
  readonly #idleWaiters = new Set<() => void>();

  /**
   * Use {@link createScheduler}.
   *
   * @throws `INVALID_CONFIG` naming the bad option.
   */
  constructor(options: SchedulerOptions<D> = {}) {
    const o = parseOptions(SchedulerOptionsSchema, options, 'Scheduler options');
    this.#capacity = { cpu: availableParallelism(), ...(o.resources ?? {}) };
    this.#slots = new ResourceSlots(this.#capacity, { owner: 'the scheduler' });
    this.#scoring = {
      agingMs: o.scoring?.agingMs ?? 6_000,
      deadlineWindowMs: o.scoring?.deadlineWindowMs ?? 3_600_000,
      fairness: o.scoring?.fairness ?? 25,
    };
    this.#clock = o.clock ?? systemClock;
    this.#logger = o.logger === undefined || o.logger === silentLogger ? undefined : o.logger;
    this.#tracer = o.tracer;
    this.#historyLimit = o.historyLimit ?? 10_000;
    this.#jobTimeoutMs = o.jobTimeoutMs ?? DEFAULT_JOB_TIMEOUT_MS;
    const scheduler = this;
    class Queue implements LaneQueue {
      /**
       * p-queue dequeues whenever size > 0, so size counts queued jobs only while one of them can
       * start with the free resources. Jobs waiting for resources exist only while others run, and
       * every completion re-runs the dispatch loop.
       */
      get size(): number {
        const lanes = scheduler.#lanes;
        return lanes.size > 0 && lanes.next(scheduler.#choice()) !== undefined ? lanes.size : 0;
      }
      enqueue(run: () => Promise<unknown>, options?: Partial<QueueAddOptions & { job?: JobRecord }>): void {
        scheduler.#lanes.add({ run, job: options?.job as JobRecord });
      }
      dequeue(): (() => Promise<unknown>) | undefined {
        const entry = scheduler.#lanes.take(scheduler.#choice());
        if (entry === undefined) return undefined;
        scheduler.#reserve(scheduler.#jobs.get(entry.job.id) as Internal);
        return entry.run;
      }
      filter(): (() => Promise<unknown>)[] {
        return scheduler.#lanes.all().map((e: Entry) => e.run);
      }
      setPriority(): void {}
    }
    this.#queue = new PQueue({ concurrency: Number.POSITIVE_INFINITY, queueClass: Queue });
    for (const [kind, definition] of Object.entries(o.definitions ?? {})) this.define(kind, definition);
  }

  /**
   * Define how jobs of a kind run. Kinds defined this way are submitted through the untyped
   * scheduler (`Scheduler<JobDefinitions>`); pass `definitions` to {@link createScheduler} to have
   * `submit` typed.
   *
   * @throws `CONFLICT` when the kind is already defined.
   */
  define<Input, Output>(kind: string, definition: JobDefinition<Input, Output>): this {
    if (this.#definitions.has(kind))
      throw new FramewiseError('CONFLICT', `Job kind "${kind}" is already defined`, { details: { kind } });
    const timeoutMs = definition.timeoutMs;
    if (timeoutMs !== undefined && !JobTimeoutSchema.safeParse(timeoutMs).success)
      throw new FramewiseError(
        'INVALID_CONFIG',
        `Job kind "${kind}": timeoutMs ${describeInput(timeoutMs)} must be a whole number of ms from 1 to 2147483647`,
        { details: { kind, timeoutMs } },
      );
    this.#definitions.set(kind, definition as JobDefinition<unknown, unknown>);
    return this;
  }

  /** Listen to an event; returns a function that stops listening. */
  on<E extends keyof SchedulerEvents>(event: E, listener: (payload: SchedulerEvents[E]) => void): () => void {
    return this.#events.on(event, listener);
  }

  #setState(job: Internal, state: JobState): void {
    const from = job.record.state;
    job.record.state = state;
    if (this.#logger !== undefined) this.#log(this.#logger, job.record, from);
    this.#emit('state', { job: job.record, from });
  }

  /**
   * Tell listeners, never letting one of them break the scheduler: a listener that throws (any
   * value) is logged and the job's life goes on.
   */
  #emit<E extends keyof SchedulerEvents>(event: E, payload: SchedulerEvents[E]): void {
    try {
      this.#events.emit(event, payload);
    } catch (error) {
      try {
        this.#logger?.warn({ event, error: messageOf(error) }, 'framewise scheduler: an event listener threw');
      } catch {
        // a logger that throws too: nothing more to do
      }
    }
  }

  /** One log line per lifecycle point. */
  #log(logger: Logger, record: JobRecord, from: JobState | 'new'): void {
    try {
      this.#logLine(logger, record, from);
    } catch {
      // A logger that throws must not stop the job's life.
    }
  }

  #logLine(logger: Logger, record: JobRecord, from: JobState | 'new'): void {
    const fields = { id: record.id, kind: record.kind, tenant: record.tenant, attempt: record.attempts };
    const state = record.state;
    if (state === 'running') logger.debug(fields, 'framewise scheduler: job started');
    else if (state === 'succeeded')
      logger.info(
        { ...fields, durationMs: (record.finishedAt ?? 0) - (record.startedAt ?? 0) },
        'framewise scheduler: job succeeded',
      );
    else if (state === 'retrying')
      logger.info(
        { ...fields, code: record.error?.code, delayMs: (record.nextRunAt ?? 0) - this.#clock.now() },
        'framewise scheduler: retry scheduled',
      );
    else if (state === 'failed')
      logger.warn(
        { ...fields, code: record.error?.code, error: record.error?.message },
        'framewise scheduler: job failed',
      );
    else if (state === 'cancelled') logger.info({ ...fields, from }, 'framewise scheduler: job cancelled');
    else logger.debug({ ...fields, priority: record.priority }, 'framewise scheduler: job queued');
  }

  /** What the lanes need to choose the next job now (one object; `now` is read when asked). */
  #choice(): LaneChoice {
    if (this.#laneChoice !== undefined) return this.#laneChoice;
    const clock = this.#clock;
    this.#laneChoice = {
      get now() {
        return clock.now();
      },
      runningOf: (tenant) => this.#runningByTenant.get(tenant) ?? 0,
      fits: (job) => this.#fits(job),
      scoring: this.#scoring,
      limited: (resource) => this.#slots.capacity(resource) !== undefined,
    };
    return this.#laneChoice;
  }

  #fits(job: JobRecord): boolean {
    return this.#slots.canAcquire(job.resources);
  }

  #reserve(job: Internal): void {
    const record = job.record;
    // Lanes only hand out jobs that #fits: taking their resources cannot fail here.
    job.release = this.#slots.tryAcquire(record.resources);
    this.#runningByTenant.set(record.tenant, (this.#runningByTenant.get(record.tenant) ?? 0) + 1);
  }

  #release(job: Internal): void {
    const release = job.release;
    if (release === undefined) return;
    job.release = undefined;
    release();
    this.#runningByTenant.set(job.record.tenant, (this.#runningByTenant.get(job.record.tenant) ?? 1) - 1);
  }

  /** Re-run p-queue's dispatch loop (resources were released, or a retry became due). */
  #kick(): void {
    this.#queue.concurrency = this.#queue.concurrency;
  }

  #enqueue(job: Internal): void {
    job.record.queuedAt = this.#clock.now();
    void this.#queue.add(() => this.#execute(job), { job: job.record });
  }

  /**
   * Submit a job. With an idempotency key already seen, returns that job; with a dedupe key of a
   * job that succeeded, or is queued or running, returns that job (its result is reused).
   *
   * Typed by the scheduler's definitions: only their kinds, each with its input type; the handle's
   * result has the kind's output type.
   *
   * @throws `INVALID_INPUT` for an unknown kind or bad input/options; `CONFLICT` once draining or
   * drained (the scheduler is closed).
   */
  submit<K extends string>(
    kind: K & JobKind<D>,
    input: JobInput<D[K & keyof D]>,
    options: SubmitOptions = {},
  ): JobHandle<JobOutput<D[K & keyof D]>> {
    type Output = JobOutput<D[K & keyof D]>;
    const prepared = prepareJob(this.#definitions, kind, input, options, this.#capacity);
    const existing =
      (prepared.idempotencyKey && this.#byIdempotency.get(prepared.idempotencyKey)) ||
      (prepared.dedupeKey && this.#byDedupe.get(prepared.dedupeKey));
    if (existing) {
      const job = this.#jobs.get(existing);
      if (job !== undefined && !(job.record.state === 'failed' || job.record.state === 'cancelled'))
        return this.#handle<Output>(job, true);
    }
    if (this.#draining)
      throw new FramewiseError(
        'CONFLICT',
        `The scheduler is closed (draining); job ${JSON.stringify(kind)} was not accepted`,
        { details: { kind } },
      );
    const now = this.#clock.now();
    const id = prepared.id ?? newId(now);
    if (this.#jobs.has(id)) throw new FramewiseError('CONFLICT', `Job "${id}" already exists`, { details: { id } });
    // Built field by field: one object shape for every record (a spread makes slower, larger ones).
    const job: Internal = {
      record: {
        id,
        kind,
        input: prepared.input,
        priority: prepared.priority,
        tenant: prepared.tenant,
        ...(prepared.deadline === undefined ? {} : { deadline: prepared.deadline }),
        ...(prepared.idempotencyKey ? { idempotencyKey: prepared.idempotencyKey } : {}),
        ...(prepared.dedupeKey ? { dedupeKey: prepared.dedupeKey } : {}),
        resources: prepared.resources,
        state: 'queued',
        attempts: 0,
        maxAttempts: prepared.maxAttempts,
        createdAt: now,
        queuedAt: now,
      },
      definition: this.#definitions.get(kind) as JobDefinition<unknown, unknown>,
    };
    this.#jobs.set(id, job);
    this.#open++;
    if (prepared.idempotencyKey) this.#byIdempotency.set(prepared.idempotencyKey, id);
    if (prepared.dedupeKey) this.#byDedupe.set(prepared.dedupeKey, id);
    if (this.#logger !== undefined) this.#log(this.#logger, job.record, 'new');
    this.#emit('state', { job: job.record, from: 'new' });
    this.#enqueue(job);
    return this.#handle<Output>(job, false);
  }

  #handle<Output>(job: Internal, reused: boolean): JobHandle<Output> {
    const scheduler = this;
    return {
      id: job.record.id,
      reused,
      get result(): Promise<Output> {
        return scheduler.#result(job) as Promise<Output>;
      },
      get: () => job.record,
      cancel: () => scheduler.cancel(job.record.id),
      async *progress() {
        let seen = 0;
        for (;;) {
          const reports = job.progress ?? [];
          while (seen < reports.length) yield reports[seen++] as number;
          if (FINISHED.has(job.record.state)) return;
          await new Promise<boolean>((resolve) => {
            job.waiters ??= new Set();
            job.waiters.add(resolve);
          });
        }
      },
    };
  }

  /** The job's result promise: settled from its outcome, or pending until it has one. */
  #result(job: Internal): Promise<unknown> {
    if (job.pending !== undefined) return job.pending.promise;
    if (job.outcome !== undefined)
      return job.outcome.ok ? Promise.resolve(job.outcome.value) : Promise.reject(job.outcome.error);
    let resolve!: (value: unknown) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    job.pending = { promise, resolve, reject };
    return promise;
  }

  #settle(job: Internal, outcome: NonNullable<Internal['outcome']>): void {
    job.outcome = outcome;
    if (job.pending !== undefined) {
      if (outcome.ok) job.pending.resolve(outcome.value);
      else job.pending.reject(outcome.error);
    }
    this.#open--;
    if (this.#open === 0) for (const wake of this.#idleWaiters) wake();
  }

  #wake(job: Internal, done: boolean): void {
    if (job.waiters === undefined) return;
    for (const w of job.waiters) w(done);
    job.waiters.clear();
  }

  async #execute(job: Internal): Promise<void> {
    try {
      await this.#attempt(job);
    } catch (error) {
      // Only a bug of the scheduler itself gets here (every handler outcome is caught in #attempt):
      // the job is failed rather than left running, so its slot is freed and the queue goes on.
      if (FINISHED.has(job.record.state) || job.record.state === 'retrying') return;
      const failure = asFramewiseError(error, `Job "${job.record.id}" (${job.record.kind})`, { id: job.record.id });
      job.record.error = { code: failure.code, message: failure.message };
      this.#finish(job, 'failed');
      this.#settle(job, { ok: false, error: failure });
    }
  }

  /**
   * Run the handler, bounded by the job's timeout: when it runs out the job's signal is aborted
   * with a `TIMEOUT` error and the attempt ends at once (its resources freed) even when the handler
   * never settles.
   */
  #runHandler(job: Internal, context: JobContext, controller: AbortController): Promise<unknown> {
    const record = job.record;
    const run = () => job.definition.handler(record.input, context);
    const started =
      this.#tracer === undefined
        ? Promise.resolve().then(run)
        : withSpan(
            this.#tracer,
            'framewise.job.run',
            {
              'framewise.job.kind': record.kind,
              'framewise.job.id': record.id,
              'framewise.job.tenant': record.tenant,
              'framewise.job.attempt': record.attempts,
            },
            run,
          );
    const timeoutMs = job.definition.timeoutMs ?? this.#jobTimeoutMs;
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        const error = new FramewiseError(
          'TIMEOUT',
          `Job "${record.id}" (${record.kind}) ran out of time after ${timeoutMs} ms`,
          { details: { id: record.id, timeoutMs } },
        );
        controller.abort(error);
        reject(error);
      }, timeoutMs);
      started.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  async #attempt(job: Internal): Promise<void> {
    const record = job.record;
    if (record.state === 'cancelled') {
      this.#release(job);
      return;
    }
    record.attempts++;
    record.startedAt = this.#clock.now();
    const controller = new AbortController();
    job.controller = controller;
    this.#setState(job, 'running');
    const context: JobContext = {
      signal: controller.signal,
      attempt: record.attempts,
      job: record,
      progress: (percent) => {
        const p = Math.max(0, Math.min(100, percent));
        record.progress = p;
        job.progress ??= [];
        job.progress.push(p);
        this.#emit('progress', { job: record, percent: p });
        this.#wake(job, false);
      },
    };
    try {
      const output = await this.#runHandler(job, context, controller);
      if (controller.signal.aborted)
        throw new FramewiseError('CANCELLED', `Job "${record.id}" was cancelled`, { details: { id: record.id } });
      record.output = output;
      this.#finish(job, 'succeeded');
      this.#settle(job, { ok: true, value: output });
    } catch (raw) {
      const reason: unknown = controller.signal.aborted ? controller.signal.reason : undefined;
      const error =
        reason !== undefined && (reason as { code?: unknown }).code === 'TIMEOUT'
          ? (reason as FramewiseError)
          : controller.signal.aborted
            ? new FramewiseError('CANCELLED', `Job "${record.id}" (${record.kind}) was cancelled`, {
                cause: raw,
                details: { id: record.id },
              })
            : asFramewiseError(raw, `Job "${record.id}" (${record.kind})`, { id: record.id });
      record.error = { code: error.code, message: error.message };
      if (isRetryable(error) && record.attempts < record.maxAttempts && !this.#draining) {
        const delay = retryDelayMs(record.attempts, job.definition.retry, error.retryAfterMs);
        record.nextRunAt = this.#clock.now() + delay;
        this.#setState(job, 'retrying');
        this.#release(job);
        job.timer = setTimeout(() => {
          delete job.timer;
          if (record.state !== 'retrying') return;
          this.#setState(job, 'queued');
          this.#enqueue(job);
        }, delay);
        this.#kick();
        return;
      }
      this.#finish(job, error.code === 'CANCELLED' ? 'cancelled' : 'failed');
      this.#settle(job, { ok: false, error });
      return;
    }
  }

  #finish(job: Internal, state: JobState): void {
    job.record.finishedAt = this.#clock.now();
    this.#release(job);
    this.#setState(job, state);
    this.#wake(job, true);
    if (state !== 'succeeded' && job.record.dedupeKey && this.#byDedupe.get(job.record.dedupeKey) === job.record.id)
      this.#byDedupe.delete(job.record.dedupeKey);
    this.#finished.push(job.record.id);
    while (this.#finished.length - this.#finishedHead > this.#historyLimit) {
      const old = this.#finished[this.#finishedHead++] as string;
      const gone = this.#jobs.get(old);
      this.#jobs.delete(old);
      if (gone?.record.idempotencyKey && this.#byIdempotency.get(gone.record.idempotencyKey) === old)
        this.#byIdempotency.delete(gone.record.idempotencyKey);
      if (gone?.record.dedupeKey && this.#byDedupe.get(gone.record.dedupeKey) === old)
        this.#byDedupe.delete(gone.record.dedupeKey);
    }
    if (this.#finishedHead > 4096 && this.#finishedHead * 2 > this.#finished.length) {
      this.#finished = this.#finished.slice(this.#finishedHead);
      this.#finishedHead = 0;
    }
    this.#kick();
  }

  /** Cancel a job by id; true when it was queued, retrying or running. */
  cancel(id: string): boolean {
    const job = this.#jobs.get(id);
    if (job === undefined || FINISHED.has(job.record.state)) return false;
    const state = job.record.state;
    if (state === 'running') {
      job.controller?.abort(new FramewiseError('CANCELLED', `Job "${id}" was cancelled`, { details: { id } }));
      return true;
    }
    if (job.timer !== undefined) clearTimeout(job.timer);
    this.#lanes.remove(id);
    job.record.finishedAt = this.#clock.now();
    this.#setState(job, 'cancelled');
    this.#wake(job, true);
    this.#finished.push(id);
    this.#settle(job, {
      ok: false,
      error: new FramewiseError('CANCELLED', `Job "${id}" (${job.record.kind}) was cancelled before it ran`, {
        details: { id },
      }),
    });
    return true;
  }

  /** A handle on a job the scheduler knows (its result, progress and cancel), or undefined. */
  handle<Output = unknown>(id: JobId<Output> | string): JobHandle<Output> | undefined {
    const job = this.#jobs.get(id);
    return job === undefined ? undefined : this.#handle<Output>(job, true);
  }

  /** A job's record. */
  get(id: string): Readonly<JobRecord> | undefined {
    return this.#jobs.get(id)?.record;
  }

  /** Jobs known to the scheduler (queued, running and the last finished ones), oldest first. */
  history(
    filter: { readonly kind?: string; readonly state?: JobState; readonly tenant?: string } = {},
  ): Readonly<JobRecord>[] {
    const out: JobRecord[] = [];
    for (const { record } of this.#jobs.values()) {
      if (
        (filter.kind === undefined || record.kind === filter.kind) &&
        (filter.state === undefined || record.state === filter.state) &&
        (filter.tenant === undefined || record.tenant === filter.tenant)
      )
        out.push(record);
    }
    return out;
  }

  /** Counts and resources in use. */
  stats(): { readonly queued: number; readonly running: number; readonly resources: Readonly<Record<string, number>> } {
    return { queued: this.#lanes.size, running: this.#queue.pending, resources: this.#slots.inUse() };
  }

  /**
   * Stop accepting jobs (the scheduler is closed: `submit` then throws `CONFLICT`) and wait until
   * every accepted job has finished (retries included). With `cancelQueued`, jobs that have not
   * started are cancelled instead, and only running ones awaited.
   */
  async drain(options: { readonly cancelQueued?: boolean } = {}): Promise<void> {
    this.#draining = true;
    if (options.cancelQueued)
      for (const job of [...this.#jobs.values()])
        if (job.record.state === 'queued' || job.record.state === 'retrying') this.cancel(job.record.id);
    if (this.#open > 0) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.#idleWaiters.delete(wake);
          resolve();
        };
        this.#idleWaiters.add(wake);
      });
    }
    await this.#queue.onIdle();
    try {
      this.#logger?.info({ finished: this.#finished.length - this.#finishedHead }, 'framewise scheduler: drained');
    } catch {
      // a logger that throws does not make the drain fail
    }
  }
}

/** The queue class p-queue runs over (see {@link Lanes}). */
interface LaneQueue {
  readonly size: number;
  enqueue(run: () => Promise<unknown>, options?: Partial<QueueAddOptions & { job?: JobRecord }>): void;
  dequeue(): (() => Promise<unknown>) | undefined;
  filter(options: Readonly<Partial<QueueAddOptions>>): (() => Promise<unknown>)[];
  setPriority(id: string, priority: number): void;
}

/**
 * Create a scheduler. No work starts until jobs are submitted. Options are parsed once
 * ({@link SchedulerOptionsSchema}); with `definitions`, `submit` is typed by kind.
 *
 * @throws `INVALID_CONFIG` naming the bad option.
 * @example
 * ```ts
 * const scheduler = createScheduler({ definitions: defineJobs({ probe, ladder }), resources: { cpu: 8 } });
 * const job = scheduler.submit('probe', { path: '/media/a.mov' }); // kind and input checked
 * const technical = await job.result; // the probe handler's output type
 * ```
 */
export function createScheduler<const D extends JobDefinitions = JobDefinitions>(
  options: SchedulerOptions<D> = {},
): Scheduler<D> {
  return new Scheduler<D>(options);
}
