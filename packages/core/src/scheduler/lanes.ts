import type { JobRecord, PriorityClass } from './model.js';

/** Base scores of the priority classes: gaps that aging can cross, slowly. */
export const CLASS_SCORE: Readonly<Record<PriorityClass, number>> = {
  critical: 400,
  high: 300,
  normal: 200,
  low: 100,
  bulk: 0,
};

/** How scores move. */
export interface ScoringOptions {
  /** One point per this many ms waited (default 6 000: a low job outranks fresh high jobs after about 20 minutes). */
  readonly agingMs: number;
  /** Deadline jobs gain up to 300 points over this window before the deadline (default 1 hour), 400 once late. */
  readonly deadlineWindowMs: number;
  /** Points taken per job a tenant already runs, for fairness (default 25). */
  readonly fairness: number;
}

/** What {@link Lanes.next} needs to choose: the time, load per tenant, free resources, scoring. */
export interface LaneChoice {
  readonly now: number;
  /** Jobs a tenant runs now (fairness). */
  readonly runningOf: (tenant: string) => number;
  /** Whether a job's resources are free now. */
  readonly fits: (job: JobRecord) => boolean;
  readonly scoring: ScoringOptions;
  /** Whether a resource has a capacity (only those are reserved for a blocked head). */
  readonly limited: (resource: string) => boolean;
}

/** A queued job and the p-queue run function that starts it. */
export interface Entry {
  readonly job: JobRecord;
  readonly run: () => Promise<unknown>;
}

/** The current score of a job. */
export function score(job: JobRecord, now: number, running: number, o: ScoringOptions): number {
  let s = CLASS_SCORE[job.priority] + (now - job.queuedAt) / o.agingMs - running * o.fairness;
  if (job.deadline !== undefined) {
    const left = job.deadline - now;
    s += left <= 0 ? 400 : left < o.deadlineWindowMs ? 300 * (1 - left / o.deadlineWindowMs) : 0;
  }
  return s;
}

/**
 * Ready jobs in lanes keyed by priority class, tenant and resource profile. In a lane without
 * deadlines every job ages at the same rate, so the oldest is always the best: a FIFO. Deadline
 * lanes are kept ordered by deadline. Choosing the next job scores only lane heads, so dispatch
 * cost depends on the number of lanes, not of queued jobs.
 */
export class Lanes {
  private readonly lanes = new Map<string, { entries: Entry[]; head: number; deadline: boolean }>();
  size = 0;

  add(entry: Entry): void {
    const j = entry.job;
    const deadline = j.deadline !== undefined;
    const key = `${j.priority}|${j.tenant}|${profileKey(j.resources)}|${deadline ? 'd' : 'f'}`;
    let lane = this.lanes.get(key);
    if (lane === undefined) {
      lane = { entries: [], head: 0, deadline };
      this.lanes.set(key, lane);
    }
    if (deadline) {
      // Insert by deadline (stable for equal deadlines).
      const list = lane.entries;
      let lo = lane.head;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (((list[mid] as Entry).job.deadline as number) <= (j.deadline as number)) lo = mid + 1;
        else hi = mid;
      }
      list.splice(lo, 0, entry);
    } else {
      lane.entries.push(entry);
    }
    this.size++;
  }

  /**
   * The lane whose head starts next, or undefined when none may start now: the best-scored head
   * whose resources `fits` accepts.
   *
   * A head that scores higher but does not fit reserves the limited resources it needs (`limited`
   * names them): a lower head that needs any of them waits too, so a job needing many slots is not
   * starved by a stream of small ones, while jobs on other resources still start. Heads are scored
   * and sorted each call: O(lanes log lanes), independent of the number of queued jobs.
   */
  next(choice: LaneChoice): string | undefined {
    const now = choice.now;
    let topKey: string | undefined;
    let topJob: JobRecord | undefined;
    let topScore = Number.NEGATIVE_INFINITY;
    for (const [key, lane] of this.lanes) {
      const head = lane.entries[lane.head];
      if (head === undefined) continue;
      const s = score(head.job, now, choice.runningOf(head.job.tenant), choice.scoring);
      if (topJob === undefined || s > topScore) {
        topKey = key;
        topJob = head.job;
        topScore = s;
      }
    }
    if (topJob === undefined) return undefined;
    // The common case: the best head fits. Only when it does not are the others ranked.
    if (choice.fits(topJob)) return topKey;
    // Nothing can start (all slots taken, the usual state of a backlog): no ranking needed.
    let anyFits = false;
    for (const lane of this.lanes.values()) {
      const head = lane.entries[lane.head];
      if (head !== undefined && choice.fits(head.job)) {
        anyFits = true;
        break;
      }
    }
    if (!anyFits) return undefined;
    const heads: { key: string; score: number; job: JobRecord }[] = [];
    for (const [key, lane] of this.lanes) {
      const head = lane.entries[lane.head];
      if (head !== undefined)
        heads.push({
          key,
          score: score(head.job, now, choice.runningOf(head.job.tenant), choice.scoring),
          job: head.job,
        });
    }
    heads.sort((a, b) => b.score - a.score);
    const reserved = new Set<string>();
    for (const head of heads) {
      const names = Object.keys(head.job.resources).filter(choice.limited);
      if (names.some((name) => reserved.has(name))) continue;
      if (choice.fits(head.job)) return head.key;
      for (const name of names) reserved.add(name);
    }
    return undefined;
  }

  /** Remove and return the head {@link Lanes.next} chooses, or undefined when none may start now. */
  take(choice: LaneChoice): Entry | undefined {
    const key = this.next(choice);
    if (key === undefined) return undefined;
    const best = { key };
    const lane = this.lanes.get(best.key) as { entries: Entry[]; head: number };
    const entry = lane.entries[lane.head] as Entry;
    lane.entries[lane.head] = undefined as never;
    lane.head++;
    if (lane.head === lane.entries.length) this.lanes.delete(best.key);
    else if (lane.head > 1024 && lane.head * 2 > lane.entries.length) {
      lane.entries = lane.entries.slice(lane.head);
      lane.head = 0;
    }
    this.size--;
    return entry;
  }

  /** Remove a queued job (cancellation); true when it was queued. */
  remove(id: string): boolean {
    for (const [key, lane] of this.lanes) {
      const at = lane.entries.findIndex((e, i) => i >= lane.head && e?.job.id === id);
      if (at < 0) continue;
      lane.entries.splice(at, 1);
      if (lane.head >= lane.entries.length) this.lanes.delete(key);
      this.size--;
      return true;
    }
    return false;
  }

  /** Every queued entry (for p-queue's `filter`). */
  all(): Entry[] {
    return [...this.lanes.values()].flatMap((l) => l.entries.slice(l.head));
  }
}

function profileKey(resources: Readonly<Record<string, number>>): string {
  return Object.keys(resources)
    .sort()
    .map((k) => `${k}=${resources[k]}`)
    .join(',');
}
