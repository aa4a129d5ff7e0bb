import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { FleetResourceUsage } from './fleet-resources.js';
import type { JobData } from './records.js';

/** A live worker as it advertises itself in Redis (refreshed with its lease heartbeat). */
export interface FleetWorkerInfo {
  readonly name: string;
  readonly capabilities: readonly string[];
  /** Epoch ms after which it counts as gone unless it refreshes. */
  readonly expiresAt: number;
  /** True while it drains (finishes running jobs, starts no new ones). */
  readonly draining: boolean;
}

/** Depth of one tenant's work. */
export interface TenantDepth {
  /** Jobs queued (including held, retrying and delayed ones). */
  readonly waiting: number;
  readonly running: number;
  /** Completions per second over the recent completions kept (0 when none). */
  readonly ratePerSecond: number;
  /** Waiting jobs ÷ rate, in ms; undefined when there is no recent rate to go by. */
  readonly etaMs?: number;
  /** True while held by `pauseTenant`. */
  readonly paused: boolean;
}

/** Demand on one resource: what waiting and running jobs declare, and the fleet-wide limit when it has one. */
export interface ResourceDepth {
  /** Sum of the amounts declared by waiting jobs. */
  readonly waitingDemand: number;
  /** Sum of the amounts declared by running jobs. */
  readonly runningDemand: number;
  /** Fleet-wide capacity and live leases, when the resource is limited fleet-wide. */
  readonly fleet?: FleetResourceUsage;
}

/** A job no live worker can run: it needs capabilities none advertises. */
export interface UnplaceableJob {
  readonly id: string;
  readonly kind: string;
  readonly tenant: string;
  readonly requires: readonly string[];
}

/** The operations view of a queue (see `BullmqQueueBackend.operations`). */
export interface OperationsView {
  /** True while the whole queue is paused. */
  readonly paused: boolean;
  readonly tenants: Readonly<Record<string, TenantDepth>>;
  readonly resources: Readonly<Record<string, ResourceDepth>>;
  readonly workers: readonly FleetWorkerInfo[];
  readonly unplaceable: readonly UnplaceableJob[];
}

/** Live workers from their registry hash (entries past their expiry are gone). */
export async function liveWorkers(redis: Redis, keys: string, now: number): Promise<FleetWorkerInfo[]> {
  const raw = await redis.hgetall(`${keys}:workers`);
  const out: FleetWorkerInfo[] = [];
  for (const [name, text] of Object.entries(raw)) {
    try {
      const w = JSON.parse(text) as Omit<FleetWorkerInfo, 'name'>;
      if (w.expiresAt > now)
        out.push({ name, capabilities: w.capabilities, expiresAt: w.expiresAt, draining: w.draining });
    } catch {
      // not ours
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Whether a worker with these capabilities may run a job that requires these. */
export function capable(
  capabilities: ReadonlySet<string> | readonly string[],
  requires: readonly string[] = [],
): boolean {
  const have = capabilities instanceof Set ? capabilities : new Set(capabilities);
  return requires.every((c) => have.has(c));
}

/** Build the operations view from BullMQ's lists and Framewise's keys. */
export async function operationsView(args: {
  readonly queue: Queue;
  readonly redis: Redis;
  readonly keys: string;
  readonly resources: Readonly<Record<string, FleetResourceUsage>>;
  readonly now: number;
}): Promise<OperationsView> {
  const { queue, redis, keys, now } = args;
  const [waitingJobs, runningJobs, recent, paused, held, workers] = await Promise.all([
    queue.getJobs(['waiting', 'prioritized', 'delayed']) as Promise<Job<JobData>[]>,
    queue.getJobs(['active']) as Promise<Job<JobData>[]>,
    queue.getJobs(['completed'], 0, 199) as Promise<Job<JobData>[]>,
    queue.isPaused(),
    redis.smembers(`${keys}:paused-tenants`),
    liveWorkers(redis, keys, now),
  ]);
  const heldSet = new Set(held);
  const tenants = new Map<string, { waiting: number; running: number; done: number[] }>();
  const tenant = (t: string) => {
    let entry = tenants.get(t);
    if (entry === undefined) {
      entry = { waiting: 0, running: 0, done: [] };
      tenants.set(t, entry);
    }
    return entry;
  };
  const resources = new Map<string, { waitingDemand: number; runningDemand: number }>();
  const demand = (name: string) => {
    let entry = resources.get(name);
    if (entry === undefined) {
      entry = { waitingDemand: 0, runningDemand: 0 };
      resources.set(name, entry);
    }
    return entry;
  };
  const unplaceable: UnplaceableJob[] = [];
  for (const job of waitingJobs) {
    if (job?.data?.tenant === undefined) continue;
    tenant(job.data.tenant).waiting++;
    for (const [r, n] of Object.entries(job.data.resources ?? {})) demand(r).waitingDemand += n;
    const requires = job.data.requires ?? [];
    if (requires.length > 0 && !workers.some((w) => !w.draining && capable(w.capabilities, requires)))
      unplaceable.push({ id: job.id as string, kind: job.name, tenant: job.data.tenant, requires });
  }
  for (const job of runningJobs) {
    if (job?.data?.tenant === undefined) continue;
    tenant(job.data.tenant).running++;
    for (const [r, n] of Object.entries(job.data.resources ?? {})) demand(r).runningDemand += n;
  }
  let oldest = now;
  for (const job of recent) {
    if (job?.data?.tenant === undefined || job.finishedOn === undefined) continue;
    tenant(job.data.tenant).done.push(job.finishedOn);
    oldest = Math.min(oldest, job.finishedOn);
  }
  for (const t of heldSet) tenant(t);
  const window = Math.max(1, now - oldest) / 1000;
  const tenantView: Record<string, TenantDepth> = {};
  for (const [name, t] of [...tenants].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const rate = t.done.length / window;
    tenantView[name] = {
      waiting: t.waiting,
      running: t.running,
      ratePerSecond: rate,
      ...(rate > 0 ? { etaMs: Math.round((t.waiting / rate) * 1000) } : {}),
      paused: heldSet.has(name),
    };
  }
  for (const name of Object.keys(args.resources)) demand(name);
  const resourceView: Record<string, ResourceDepth> = {};
  for (const [name, r] of [...resources].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const fleet = args.resources[name];
    resourceView[name] = { ...r, ...(fleet === undefined ? {} : { fleet }) };
  }
  return { paused, tenants: tenantView, resources: resourceView, workers, unplaceable };
}
