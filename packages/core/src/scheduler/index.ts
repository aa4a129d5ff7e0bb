/**
 * The job scheduler: typed job kinds run in process on p-queue with priority classes that age,
 * deadlines, per-resource concurrency, tenant fairness, retries of transient failures, cancellation,
 * idempotency and dedupe, events, progress and history.
 *
 * @module
 */
export type {
  JobFilter,
  QueueBackend,
  QueueBackendEvents,
  SubmittedJob,
} from './backend.js';
export {
  type AnyJobDefinition,
  defineJobs,
  type JobContext,
  type JobDefinition,
  type JobDefinitions,
  type JobHandlerInput,
  type JobId,
  type JobInput,
  type JobKind,
  type JobOutput,
  type JobSchemaInput,
} from './definitions.js';
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
  DEFAULT_JOB_TIMEOUT_MS,
  InProcessBackendOptionsSchema,
  JobDefinitionSchema,
  type SchedulerOptions,
  SchedulerOptionsSchema,
} from './options.js';
export { createScheduler, type JobHandle, Scheduler, type SchedulerEvents } from './scheduler.js';
