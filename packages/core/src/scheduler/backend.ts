import { backoffMs, FramewiseError } from '../errors/index.js';
import { parseInput } from '../support/index.js';
import type { AnyJobDefinition, JobDefinitions, JobId, JobInput, JobKind, JobOutput } from './definitions.js';
import type { JobRecord, JobState, PriorityClass, SubmitOptions } from './model.js';
import { SubmitOptionsSchema } from './model.js';

/** The outcome of {@link QueueBackend.submit}; its id types `result(id)` with the job's output. */
export interface SubmittedJob<Output = unknown> {
  readonly id: JobId<Output>;
  /** True when an existing job was returned (same idempotency key, or dedupe of identical work). */
  readonly reused: boolean;
}

/** Events every backend emits, for jobs of any process sharing it. */
export interface QueueBackendEvents {
  state: { readonly id: string; readonly state: JobState };
  progress: { readonly id: string; readonly percent: number };
}

/** Filters of {@link QueueBackend.list}. */
export interface JobFilter {
  readonly kind?: string;
  readonly state?: JobState;
  readonly tenant?: string;
}

/**
 * The queue backend port: where jobs are accepted, ordered and run. The in-process backend
 * ({@link createInProcessBackend}) is the default; `@framewise/adapters-queue/bullmq` runs the same
 * definitions on worker processes sharing Redis. Every backend passes `queueBackendConformance`
 * from `@framewise/core/testing`.
 *
 * Semantics every backend keeps: input is validated at submission (errors name the field) and
 * nothing is queued when it fails; priority classes and deadlines order waiting jobs; only
 * `TRANSIENT`, `RATE_LIMITED` and `TIMEOUT` failures are retried; an idempotency key returns the
 * job it first created, and a dedupe key the job queued, running or succeeded for the same work;
 * cancelling a queued job means it never runs, a running one has its signal aborted; failures keep
 * their Framewise error code.
 *
 * `D` types submission: a backend created over definitions from {@link defineJobs} only accepts
 * their kinds, each with its input type, and its `result` resolves to the kind's output type.
 * `QueueBackend` without a type argument (`QueueBackend<JobDefinitions>`) is the untyped form for
 * hosts that build kinds at run time: any kind name, any input, checked at run time only. A typed
 * backend is assignable to it:
 *
 * @example
 * ```ts
 * const queue = createInProcessBackend({ definitions: defineJobs({ probe }) });
 * await queue.submit('probe', { path: 'a.mov' });      // kind and input checked at compile time
 * const untyped: QueueBackend = queue;                   // kinds from configuration
 * await untyped.submit(kindFromConfig, inputFromRequest); // checked at run time (INVALID_INPUT)
 * ```
 */
export interface QueueBackend<D extends JobDefinitions = JobDefinitions> {
  /** Short name, for logs. */
  readonly name: string;
  /**
   * Accept a job. Resolves once the job is durably queued (or an existing one is returned).
   *
   * @throws `INVALID_INPUT` for an unknown kind, bad input or options; `CONFLICT` after close.
   */
  submit<K extends string>(
    kind: K & JobKind<D>,
    input: JobInput<D[K & keyof D]>,
    options?: SubmitOptions,
  ): Promise<SubmittedJob<JobOutput<D[K & keyof D]>>>;
  /** A job's record, or undefined when unknown (or dropped from history). */
  get(id: string): Promise<Readonly<JobRecord> | undefined>;
  /**
   * Wait for a job to end: its output, or the FramewiseError it failed with (`CANCELLED` when
   * cancelled, `NOT_FOUND` for an unknown id). Typed by the id `submit` returned, or by the type
   * argument.
   */
  result<Output = unknown>(id: JobId<Output> | string, options?: { readonly signal?: AbortSignal }): Promise<Output>;
  /** Cancel a job; true when it was queued, retrying or running. */
  cancel(id: string): Promise<boolean>;
  /** Jobs the backend knows (waiting, running and kept history), oldest first. */
  list(filter?: JobFilter): Promise<Readonly<JobRecord>[]>;
  /** Listen to job events; returns a function that stops listening. */
  on<E extends keyof QueueBackendEvents>(event: E, listener: (payload: QueueBackendEvents[E]) => void): () => void;
  /**
   * Stop. With `drain`, first wait until no accepted job is waiting or running anywhere; without,
   * stop at once (jobs stay queued for the next start, where the backend is durable).
   */
  close(options?: { readonly drain?: boolean }): Promise<void>;
}

/** A submission checked against its definition, ready to queue. */
export interface PreparedJob {
  readonly kind: string;
  readonly input: unknown;
  readonly priority: PriorityClass;
  readonly tenant: string;
  /** Epoch ms. */
  readonly deadline?: number;
  readonly idempotencyKey?: string;
  readonly dedupeKey?: string;
  readonly id?: string;
  readonly resources: Readonly<Record<string, number>>;
  readonly maxAttempts: number;
}

/**
 * Check a submission: the kind is defined, options and input are valid, and every resource the job
 * needs is positive and within the given capacities. Backends call this before queueing anything.
 *
 * @throws `INVALID_INPUT` naming the kind and the field.
 */
export function prepareJob(
  definitions: { readonly get: (kind: string) => AnyJobDefinition | undefined },
  kind: string,
  input: unknown,
  options: SubmitOptions,
  capacity: Readonly<Record<string, number>> = {},
): PreparedJob {
  const definition = definitions.get(kind);
  if (definition === undefined)
    throw new FramewiseError('INVALID_INPUT', `Job kind ${JSON.stringify(kind)} is not defined`, {
      details: { kind },
    });
  const o = parseInput(SubmitOptionsSchema, options, `Job ${JSON.stringify(kind)} options`);
  const value = definition.input ? parseInput(definition.input, input, `Job ${JSON.stringify(kind)} input`) : input;
  const resources =
    typeof definition.resources === 'function' ? definition.resources(value) : (definition.resources ?? { cpu: 1 });
  for (const [resource, amount] of Object.entries(resources)) {
    const limit = capacity[resource];
    if (!(amount > 0) || (limit !== undefined && amount > limit)) {
      throw new FramewiseError(
        'INVALID_INPUT',
        `Job ${JSON.stringify(kind)} needs ${amount} ${resource}, but the capacity is ${limit}`,
        { details: { kind, resource, amount, capacity: limit } },
      );
    }
  }
  const deadline =
    o.deadline === undefined ? undefined : typeof o.deadline === 'number' ? o.deadline : Date.parse(o.deadline);
  return {
    kind,
    input: value,
    priority: o.priority,
    tenant: o.tenant,
    ...(deadline === undefined ? {} : { deadline }),
    ...(o.idempotencyKey ? { idempotencyKey: o.idempotencyKey } : {}),
    ...(o.dedupeKey ? { dedupeKey: o.dedupeKey } : {}),
    ...(o.id ? { id: o.id } : {}),
    resources,
    maxAttempts: Math.max(1, definition.retry?.attempts ?? 3),
  };
}

/** Failure codes a backend retries (with backoff); everything else fails at once (see `isRetryable`). */
export { RETRYABLE_CODES } from '../errors/index.js';

/**
 * The delay before retry `attempt` (1 = the first retry) of a job kind: the one backoff rule
 * (`backoffMs`) with the definition's `retry.baseMs` (default 1 s) and `retry.maxMs` (default 60 s)
 * and full jitter, never shorter than the remote's `retryAfterMs` when it gave one.
 */
export function retryDelayMs(
  attempt: number,
  retry: AnyJobDefinition['retry'],
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  return backoffMs(attempt, { baseMs: retry?.baseMs ?? 1_000, maxMs: retry?.maxMs ?? 60_000 }, retryAfterMs, random);
}
