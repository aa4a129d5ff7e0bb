/**
 * `@framewise/adapters-queue/bullmq`: the Framewise `QueueBackend` on BullMQ and Redis. The
 * same job definitions run on worker processes anywhere that share the Redis: producers call
 * {@link createBullmqBackend}, workers {@link startBullmqWorker}. A worker killed mid-job has its
 * job taken over by another once its lock lapses.
 *
 * @packageDocumentation
 */
export {
  type BullmqBackendOptions,
  BullmqBackendOptionsSchema,
  BullmqQueueBackend,
  createBullmqBackend,
} from './backend.js';
export type { BullmqConnectionOptions } from './connection.js';
export type { FleetResourceUsage } from './fleet-resources.js';
export type {
  FleetWorkerInfo,
  OperationsView,
  ResourceDepth,
  TenantDepth,
  UnplaceableJob,
} from './operations.js';
export { bullmqPriority } from './priority.js';
export { type BullmqWorker, type BullmqWorkerOptions, BullmqWorkerOptionsSchema, startBullmqWorker } from './worker.js';
