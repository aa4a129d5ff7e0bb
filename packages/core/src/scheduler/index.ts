/**
 * The job scheduler: typed job kinds run in process on p-queue with priority classes that age,
 * deadlines, per-resource concurrency, tenant fairness, retries of transient failures, cancellation,
 * idempotency and dedupe, events, progress and history.
 *
 * @module
 */
export {
  type AnyJobDefinition,
  defineJobs,
  type JobDefinitions,
  type JobFilter,
  type QueueBackend,
  type QueueBackendEvents,
  type SubmittedJob,
} from './backend.js';
export { createInProcessBackend, type InProcessBackendOptions, InProcessQueueBackend } from './in-process-backend.js';
export {
  JOB_KINDS,
  type JobRecord,
  type JobState,
  type PriorityClass,
  PriorityClassSchema,
  type SubmitOptions,
  SubmitOptionsSchema,
} from './model.js';
export {
  createScheduler,
  type JobContext,
  type JobDefinition,
  type JobHandle,
  Scheduler,
  type SchedulerEvents,
  type SchedulerOptions,
} from './scheduler.js';
