import { FramewiseError } from '../errors/index.js';
import type { Clock } from '../support/index.js';
import type { DistributionRecord } from './record.js';

/** What {@link holdLease} needs. */
export interface LeaseOptions {
  /** Who holds the lease (the distributor's id, kept in the record's `leaseHolder`). */
  readonly holder: string;
  readonly leaseMs: number;
  readonly clock: Clock;
  /** When the lease taken by the claim runs out (epoch ms). */
  readonly leaseUntil: number;
  /** Write a renewed lease (compare-and-set); resolves to its new end (epoch ms). */
  readonly renew: () => Promise<number>;
  /** Told once when the lease is lost. */
  readonly onLost?: (why: string) => void;
}

/** A lease held while a remote call runs. */
export interface HeldLease {
  /** Aborted (with a `CANCELLED` reason) when the lease is lost. */
  readonly signal: AbortSignal;
  /**
   * Throw `CONFLICT` when the lease is lost — taken over by another holder (as `fresh`, the record
   * just read, says), or run out without a renewal.
   */
  check(fresh?: DistributionRecord): void;
  /** Stop the heartbeat (the call ended). */
  stop(): void;
}

/**
 * Hold a record's lease during a remote call: a heartbeat renews it every third of `leaseMs`; a
 * renewal that finds another holder, or a lease that runs out before a renewal could be written
 * (the store unreachable, the process paused), loses it: the signal aborts and every later
 * {@link HeldLease.check} throws, so the call stops before its next side effect and writes nothing.
 */
export function holdLease(o: LeaseOptions): HeldLease {
  const controller = new AbortController();
  let until = o.leaseUntil;
  let lostWhy: string | undefined;
  let renewing = false;
  const lose = (why: string) => {
    if (lostWhy !== undefined) return;
    lostWhy = why;
    clearInterval(timer);
    o.onLost?.(why);
    controller.abort(new FramewiseError('CANCELLED', `The distribution lease was lost: ${why}`, { details: { why } }));
  };
  const check = (fresh?: DistributionRecord) => {
    if (lostWhy === undefined && fresh !== undefined && fresh.leaseHolder !== o.holder)
      lose(`the record is held by ${fresh.leaseHolder ?? 'nobody'} now`);
    if (lostWhy === undefined && o.clock.now() > until) lose('it ran out before it could be renewed');
    if (lostWhy !== undefined)
      throw new FramewiseError('CONFLICT', `The distribution lease was lost: ${lostWhy}`, {
        details: { holder: o.holder, why: lostWhy },
      });
  };
  const beat = async () => {
    if (renewing || lostWhy !== undefined) return;
    renewing = true;
    try {
      until = await o.renew();
    } catch (error) {
      if (lostWhy === undefined && o.clock.now() > until)
        lose(`it ran out before it could be renewed (${(error as Error).message})`);
    } finally {
      renewing = false;
    }
  };
  const timer = setInterval(() => void beat(), Math.max(1, Math.floor(o.leaseMs / 3)));
  timer.unref?.();
  return {
    signal: controller.signal,
    check,
    stop: () => clearInterval(timer),
  };
}
