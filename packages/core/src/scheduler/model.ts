import { z } from 'zod';
import { IdSchema, LabelSchema } from '../assets/index.js';

/** Bounded priority classes, most urgent first. */
export const PriorityClassSchema = z.enum(['critical', 'high', 'normal', 'low', 'bulk']);
/** A priority class. */
export type PriorityClass = z.output<typeof PriorityClassSchema>;

/** Job kinds of the supply chain (hosts may define others). */
export const JOB_KINDS = ['probe', 'ladder', 'package', 'thumbnail', 'qc', 'deliver', 'archive'] as const;

/** The life of a job. */
export type JobState = 'queued' | 'running' | 'retrying' | 'succeeded' | 'failed' | 'cancelled';

/** Options of {@link Scheduler.submit}. */
export const SubmitOptionsSchema = z.object({
  priority: PriorityClassSchema.default('normal'),
  /** Time to air: the job's priority rises as this instant approaches (ISO 8601 or epoch ms). */
  deadline: z.union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()]).optional(),
  /** Tenant or project, for fairness. */
  tenant: LabelSchema.default('default'),
  /** Submitting the same key again returns the same job instead of a new one. */
  idempotencyKey: z.string().min(1).max(500).optional(),
  /**
   * Work identity (e.g. input checksum + recipe): when a job with this key has succeeded, its
   * result is reused instead of running again.
   */
  dedupeKey: z.string().min(1).max(500).optional(),
  /** Caller-chosen id. */
  id: IdSchema.optional(),
});
/** Options of {@link Scheduler.submit} as written. */
export type SubmitOptions = z.input<typeof SubmitOptionsSchema>;

/** A job as the scheduler records it (and reports in history). */
export interface JobRecord<Input = unknown, Output = unknown> {
  readonly id: string;
  readonly kind: string;
  readonly input: Input;
  readonly priority: PriorityClass;
  readonly tenant: string;
  /** Epoch ms, when set. */
  readonly deadline?: number;
  readonly idempotencyKey?: string;
  readonly dedupeKey?: string;
  /** Resources held while running, e.g. `{ cpu: 2, 'endpoint:youtube': 1 }`. */
  readonly resources: Readonly<Record<string, number>>;
  state: JobState;
  attempts: number;
  readonly maxAttempts: number;
  readonly createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  /** When a retrying job becomes eligible again (epoch ms). */
  nextRunAt?: number;
  /** When it last became eligible (for aging). */
  queuedAt: number;
  output?: Output;
  error?: { readonly code: string; readonly message: string };
  /** The job whose result this one reused (dedupe). */
  reusedFrom?: string;
  progress?: number;
}
