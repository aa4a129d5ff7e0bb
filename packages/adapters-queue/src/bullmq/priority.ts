import { type ScoringOptions, score } from '@framewise/core/adapter-kit';
import type { JobRecord } from '@framewise/core/scheduler';

/** The lowest (most urgent) and highest priority numbers BullMQ accepts. */
const MIN = 1;
const MAX = 2 ** 21 - 1;

/** Default scoring, as the in-process scheduler's. */
export const DEFAULT_SCORING: ScoringOptions = { agingMs: 6_000, deadlineWindowMs: 3_600_000, fairness: 25 };

/**
 * BullMQ's priority for a Framewise score: BullMQ runs lower numbers first, so a score (class base,
 * aging, deadline) maps to `1 000 000 − 100 × score`, clamped to BullMQ's range. A point of score is
 * 100 steps, so aging and approaching deadlines move jobs well before the clamp.
 */
export function bullmqPriority(scoreValue: number): number {
  return Math.min(MAX, Math.max(MIN, Math.round(1_000_000 - 100 * scoreValue)));
}

/**
 * The BullMQ priority of a waiting job now: its score (class, aging, deadline) less
 * `fairnessPerJob` points per unit its fair-share tag is ahead of `base` (see `FairShare`), so a
 * tenant's burst queues behind other tenants' jobs at its weight.
 */
export function priorityNow(
  job: Pick<JobRecord, 'priority' | 'queuedAt' | 'deadline'> & { readonly fairTag?: number },
  now: number,
  scoring: ScoringOptions,
  fair: { readonly base: number; readonly perJob: number } = { base: 0, perJob: 0 },
): number {
  const ahead = job.fairTag === undefined ? 0 : Math.max(0, job.fairTag - fair.base);
  return bullmqPriority(score(job as JobRecord, now, 0, scoring) - fair.perJob * ahead);
}
