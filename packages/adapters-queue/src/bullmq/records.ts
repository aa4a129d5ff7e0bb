import type { JobRecord, JobState, PriorityClass } from '@framewise/core/scheduler';
import type { Job } from 'bullmq';
import { decodeError } from './errors.js';

/** What a Framewise job carries in BullMQ's job data. */
export interface JobData {
  readonly input: unknown;
  readonly tenant: string;
  readonly priority: PriorityClass;
  readonly deadline?: number;
  readonly idempotencyKey?: string;
  readonly dedupeKey?: string;
  readonly resources: Readonly<Record<string, number>>;
  /** When it was queued (epoch ms): the base of aging. */
  readonly queuedAt: number;
  /** Its tenant's fair-share tag (see `FairShare`); absent on jobs queued before fair sharing. */
  readonly fairTag?: number;
  /** Capabilities a worker must advertise to run it. */
  readonly requires?: readonly string[];
}

/** BullMQ's job states, as Framewise reads them. */
export type BullmqState =
  | 'completed'
  | 'failed'
  | 'delayed'
  | 'active'
  | 'waiting'
  | 'waiting-children'
  | 'prioritized'
  | 'unknown';

/** A Framewise job state from BullMQ's state and the job. */
export function stateOf(state: BullmqState, job: Job<JobData>): JobState | undefined {
  switch (state) {
    case 'completed':
      return 'succeeded';
    case 'failed':
      return job.failedReason?.startsWith('CANCELLED: ') ? 'cancelled' : 'failed';
    case 'active':
      return 'running';
    case 'delayed':
      return job.attemptsMade > 0 ? 'retrying' : 'queued';
    case 'unknown':
      return undefined;
    default:
      return 'queued';
  }
}

/** A Framewise job record from a BullMQ job in a known state. */
export function toRecord(job: Job<JobData>, state: JobState): JobRecord {
  const id = job.id as string;
  const d = job.data;
  const attempts = Math.max(job.attemptsStarted ?? 0, job.attemptsMade, state === 'running' ? 1 : 0);
  const record: JobRecord = {
    id,
    kind: job.name,
    input: d.input,
    priority: d.priority,
    tenant: d.tenant,
    ...(d.deadline === undefined ? {} : { deadline: d.deadline }),
    ...(d.idempotencyKey ? { idempotencyKey: d.idempotencyKey } : {}),
    ...(d.dedupeKey ? { dedupeKey: d.dedupeKey } : {}),
    resources: d.resources,
    state,
    attempts,
    maxAttempts: job.opts.attempts ?? 1,
    createdAt: job.timestamp,
    queuedAt: d.queuedAt,
  };
  if (job.processedOn) record.startedAt = job.processedOn;
  if (job.finishedOn && (state === 'succeeded' || state === 'failed' || state === 'cancelled'))
    record.finishedAt = job.finishedOn;
  if (state === 'succeeded') record.output = job.returnvalue;
  if (state === 'failed' || state === 'cancelled' || state === 'retrying') {
    const error = decodeError(job.failedReason, id);
    record.error = { code: error.code, message: error.message };
  }
  if (typeof job.progress === 'number') record.progress = job.progress;
  return record;
}
