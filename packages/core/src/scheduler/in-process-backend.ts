import { FramewiseError } from '../errors/index.js';
import { parseOptions, TypedEvents } from '../support/index.js';
import type { JobFilter, QueueBackend, QueueBackendEvents, SubmittedJob } from './backend.js';
import type { JobDefinitions, JobId, JobInput, JobKind, JobOutput } from './definitions.js';
import type { JobRecord, SubmitOptions } from './model.js';
import { InProcessBackendOptionsSchema, type SchedulerOptions } from './options.js';
import { Scheduler } from './scheduler.js';

/** Options for {@link createInProcessBackend}: the scheduler's, with the definitions required. */
export type InProcessBackendOptions<D extends JobDefinitions = JobDefinitions> = SchedulerOptions<D> & {
  /** Job kinds and how they run (from {@link defineJobs}): `submit` is typed by them. */
  readonly definitions: D;
};

/**
 * The default {@link QueueBackend}: a {@link Scheduler} in this process. Jobs live in memory (they
 * do not survive a restart); use a durable backend such as BullMQ for that.
 */
export class InProcessQueueBackend<D extends JobDefinitions = JobDefinitions> implements QueueBackend<D> {
  readonly name = 'in-process';
  /** The scheduler underneath, for its richer API (handles, progress iterators, stats). */
  readonly scheduler: Scheduler<D>;
  readonly #events = new TypedEvents<QueueBackendEvents>();
  #closed = false;

  /**
   * Use {@link createInProcessBackend}.
   *
   * @throws `INVALID_CONFIG` naming the bad option.
   */
  constructor(options: InProcessBackendOptions<D>) {
    parseOptions(InProcessBackendOptionsSchema, options, 'In-process backend options');
    this.scheduler = new Scheduler<D>(options);
    this.scheduler.on('state', ({ job }) => this.#events.emit('state', { id: job.id, state: job.state }));
    this.scheduler.on('progress', ({ job, percent }) => this.#events.emit('progress', { id: job.id, percent }));
  }

  /**
   * Accept a job (see {@link QueueBackend.submit}).
   *
   * @throws `INVALID_INPUT` for an unknown kind, bad input or options; `CONFLICT` once closed.
   */
  async submit<K extends string>(
    kind: K & JobKind<D>,
    input: JobInput<D[K & keyof D]>,
    options: SubmitOptions = {},
  ): Promise<SubmittedJob<JobOutput<D[K & keyof D]>>> {
    if (this.#closed)
      throw new FramewiseError(
        'CONFLICT',
        `The queue backend is closed; job ${JSON.stringify(kind)} was not accepted`,
        {
          details: { kind },
        },
      );
    const handle = this.scheduler.submit(kind, input, options);
    return { id: handle.id, reused: handle.reused };
  }

  async get(id: string): Promise<Readonly<JobRecord> | undefined> {
    const record = this.scheduler.get(id);
    return record === undefined ? undefined : { ...record };
  }

  result<Output = unknown>(
    id: JobId<Output> | string,
    options: { readonly signal?: AbortSignal } = {},
  ): Promise<Output> {
    const handle = this.scheduler.handle<Output>(id);
    if (handle === undefined)
      return Promise.reject(new FramewiseError('NOT_FOUND', `Job "${id}" is not known`, { details: { id } }));
    const signal = options.signal;
    if (signal === undefined) return handle.result;
    return new Promise<Output>((resolve, reject) => {
      const stop = () =>
        reject(new FramewiseError('CANCELLED', `Waiting for job "${id}" was aborted`, { details: { id } }));
      if (signal.aborted) return stop();
      signal.addEventListener('abort', stop, { once: true });
      handle.result.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
    });
  }

  async cancel(id: string): Promise<boolean> {
    return this.scheduler.cancel(id);
  }

  async list(filter: JobFilter = {}): Promise<Readonly<JobRecord>[]> {
    return this.scheduler.history(filter).map((r) => ({ ...r }));
  }

  on<E extends keyof QueueBackendEvents>(event: E, listener: (payload: QueueBackendEvents[E]) => void): () => void {
    return this.#events.on(event, listener);
  }

  async close(options: { readonly drain?: boolean } = {}): Promise<void> {
    this.#closed = true;
    await this.scheduler.drain({ cancelQueued: !options.drain });
  }
}

/**
 * Create the in-process queue backend over the given job definitions; `submit` is typed by them.
 *
 * @throws `INVALID_CONFIG` naming the bad option.
 */
export function createInProcessBackend<const D extends JobDefinitions>(
  options: InProcessBackendOptions<D>,
): InProcessQueueBackend<D> {
  return new InProcessQueueBackend<D>(options);
}
