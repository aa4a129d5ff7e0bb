import { z } from 'zod';
import { ClockSchema, LoggerSchema, TracerSchema } from '../support/index.js';
import type { AnyJobDefinition, JobDefinitions } from './definitions.js';

/** A job definition, for option schemas: an object with a `handler` function. */
export const JobDefinitionSchema = z.custom<AnyJobDefinition>(
  (v) => typeof v === 'object' && v !== null && typeof (v as { handler?: unknown }).handler === 'function',
  'must be a job definition with a handler function',
);

/**
 * How long one attempt of a job may run when neither the scheduler's `jobTimeoutMs` nor the job
 * definition's `timeoutMs` says otherwise: 6 hours (a long transcode fits; a hung handler does not
 * hold its slot forever).
 */
export const DEFAULT_JOB_TIMEOUT_MS = 6 * 3_600_000;

/** The longest timeout a timer can hold (2³¹−1 ms, about 24.8 days). */
const MAX_TIMEOUT_MS = 2_147_483_647;

/** A job timeout in ms: a positive whole number up to 2³¹−1 (a timer's limit). */
export const JobTimeoutSchema = z.number().int().positive().max(MAX_TIMEOUT_MS);

/**
 * Options of {@link createScheduler}, parsed once when the scheduler is created (a bad option
 * throws `INVALID_CONFIG` naming it).
 */
export const SchedulerOptionsSchema = z.strictObject({
  /**
   * Job kinds and how they run (from {@link defineJobs}): `submit` is then typed by kind. Kinds can
   * also be added with {@link Scheduler.define}.
   */
  definitions: z.record(z.string().min(1), JobDefinitionSchema).optional(),
  /**
   * Capacities of the resources jobs hold, e.g. `{ cpu: 8, 'endpoint:youtube': 2 }`. `cpu`
   * defaults to the host's parallelism; resources not listed are unlimited.
   */
  resources: z.record(z.string().min(1), z.number().positive().finite()).optional(),
  /** How scores move: aging, deadline window, tenant fairness (`ScoringOptions` of `@framewise/core/adapter-kit`). */
  scoring: z
    .object({
      agingMs: z.number().positive().finite(),
      deadlineWindowMs: z.number().positive().finite(),
      fairness: z.number().nonnegative().finite(),
    })
    .partial()
    .optional(),
  /** Time for queueing, aging, deadlines and records (default the system clock). */
  clock: ClockSchema.optional(),
  /** Lifecycle logs: job queued and started (debug), succeeded, retry scheduled, cancelled (info), failed (warn). */
  logger: LoggerSchema.optional(),
  /** Spans around each job run (`framewise.job.run`, with kind, id, tenant and attempt). */
  tracer: TracerSchema.optional(),
  /**
   * How long one attempt of a job may run, in ms (default {@link DEFAULT_JOB_TIMEOUT_MS}, 6 h; a
   * definition's `timeoutMs` overrides it). When it runs out the job's signal is aborted with a
   * `TIMEOUT` error, its resources are freed at once (even if the handler never settles) and, as
   * `TIMEOUT` is retryable, it is retried while attempts remain.
   */
  jobTimeoutMs: JobTimeoutSchema.optional(),
  /** Finished jobs kept for history queries (default 10 000; oldest dropped first). */
  historyLimit: z.number().int().nonnegative().optional(),
});

/** Options for {@link createScheduler}; `D` are the definitions given, which type `submit`. */
export type SchedulerOptions<D extends JobDefinitions = JobDefinitions> = Omit<
  z.input<typeof SchedulerOptionsSchema>,
  'definitions'
> & {
  /** Job kinds and how they run (from {@link defineJobs}): `submit` is then typed by kind. */
  readonly definitions?: D;
};

/**
 * Options of {@link createInProcessBackend}: the scheduler's, with `definitions` required. Parsed
 * once when the backend is created (a bad option throws `INVALID_CONFIG` naming it).
 */
export const InProcessBackendOptionsSchema = SchedulerOptionsSchema.required({ definitions: true });
