import type { z } from 'zod';
import type { JobRecord } from './model.js';

/** What a job handler receives besides its input. */
export interface JobContext {
  /** Aborted when the job is cancelled or the scheduler is shut down hard. */
  readonly signal: AbortSignal;
  /** 1 for the first run, 2 for the first retry, … */
  readonly attempt: number;
  readonly job: Readonly<JobRecord>;
  /** Report progress, 0-100. */
  progress(percent: number): void;
}

/**
 * How a kind of job runs. `Input` is what the handler receives (the schema's output), `Accepted`
 * what `submit` takes (the schema's input, before defaults and transforms).
 */
export interface JobDefinition<Input, Output, Accepted = unknown> {
  readonly handler: (input: Input, context: JobContext) => Promise<Output>;
  /** Validates inputs at submission (errors name the field). */
  readonly input?: z.ZodType<Input, Accepted>;
  /** Resources a job holds while running; default `{ cpu: 1 }`. */
  readonly resources?: Readonly<Record<string, number>> | ((input: Input) => Readonly<Record<string, number>>);
  /**
   * How long one attempt may run, in ms (default: the scheduler's `jobTimeoutMs`, itself 6 h by
   * default). When it runs out, the signal is aborted with a `TIMEOUT` error and the attempt ends.
   */
  readonly timeoutMs?: number;
  /**
   * Capabilities a worker must advertise to run a job of this kind (e.g. `['gpu', 'site:tape-library']`),
   * or a function of the input giving them. The BullMQ backend never starts such a job on a worker
   * lacking one, and reports it as waiting for them while no live worker has them; the in-process
   * scheduler is its only worker and ignores them.
   */
  readonly requires?: readonly string[] | ((input: Input) => readonly string[]);
  /** Retries of transient failures (TRANSIENT, RATE_LIMITED, TIMEOUT): attempts in all (default 3), backoff base and cap in ms. */
  readonly retry?: { readonly attempts?: number; readonly baseMs?: number; readonly maxMs?: number };
}

/** A job definition of any input and output type. */
// biome-ignore lint/suspicious/noExplicitAny: a registry holds definitions of every input type; each is checked where it is declared
export type AnyJobDefinition = JobDefinition<any, any, any>;

/**
 * Job kinds and how they run, shared by whoever submits jobs and whoever runs them: the same
 * definitions go to the in-process backend, and to BullMQ producers and workers in other processes.
 *
 * As a type argument of a scheduler or backend it is also the untyped form: any kind name, any
 * input (see {@link QueueBackend}).
 */
export type JobDefinitions = { readonly [kind: string]: AnyJobDefinition };

/**
 * Declare job definitions with their input and output types kept (an identity function): a
 * backend or scheduler created over them types `submit` by kind.
 *
 * @example
 * ```ts
 * const jobs = defineJobs({
 *   probe: { input: z.object({ path: z.string() }), handler: async ({ path }) => (await probe(path)).technical },
 * });
 * const queue = createInProcessBackend({ definitions: jobs });
 * await queue.submit('probe', { path: '/media/a.mov' }); // checked: kind and input
 * ```
 */
export function defineJobs<const D extends JobDefinitions>(definitions: D): D {
  return definitions;
}

/** The parameter type of a definition's handler (`unknown` when it has none). */
export type JobHandlerInput<Def> = Def extends { readonly handler: (input: infer I, context: JobContext) => unknown }
  ? I
  : unknown;

/** The input type a definition's schema accepts, before defaults and transforms (`unknown` without a schema). */
export type JobSchemaInput<Def> = Def extends { readonly input?: infer S }
  ? NonNullable<S> extends z.ZodType
    ? z.input<NonNullable<S>>
    : unknown
  : unknown;

/** The kinds of a set of definitions: their names (any string for untyped {@link JobDefinitions}). */
export type JobKind<D extends JobDefinitions> = Extract<keyof D, string>;

/**
 * What `submit` accepts for a definition: its schema's input type when it has a schema, else its
 * handler's parameter type; `unknown` for an untyped definition.
 */
export type JobInput<Def> =
  unknown extends JobSchemaInput<Def>
    ? 0 extends 1 & JobHandlerInput<Def>
      ? unknown
      : JobHandlerInput<Def>
    : JobSchemaInput<Def>;

/** What a definition's job resolves to: its handler's result; `unknown` for an untyped definition. */
export type JobOutput<Def> = Def extends { readonly handler: (...args: never[]) => infer R }
  ? 0 extends 1 & Awaited<R>
    ? unknown
    : Awaited<R>
  : unknown;

/**
 * A job id that remembers its job's output type, so `result(id)` is typed. It is a plain string at
 * run time, and any string is accepted where one is expected.
 */
export type JobId<Output = unknown> = string & { readonly '~output'?: Output };
