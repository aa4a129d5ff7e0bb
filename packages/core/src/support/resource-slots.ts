import { FramewiseError } from '../errors/index.js';

/** Amounts of named resources, e.g. `{ cpu: 2, 'endpoint:youtube': 1 }`. */
export type ResourceNeed = Readonly<Record<string, number>>;

/** Gives back what an acquisition took. Calling it again does nothing. */
export type ReleaseSlots = () => void;

/** Options of {@link ResourceSlots.acquire}. */
export interface AcquireSlotsOptions {
  /** Stop waiting: the promise rejects with `CANCELLED` and nothing is held. */
  readonly signal?: AbortSignal;
  /**
   * Capacities to set before trying, for resources whose limit travels with the request (a
   * per-endpoint `maxConcurrent`): the same as {@link ResourceSlots.setCapacity} for each.
   */
  readonly capacity?: ResourceNeed;
  /** Who asks, for error messages: `Job "a1" (ladder)` gives `Job "a1" (ladder) needs 4 cpu; …`. */
  readonly subject?: string;
}

/** Options of {@link ResourceSlots}. */
export interface ResourceSlotsOptions {
  /** Who holds the capacities, for error messages (default `the capacity`): `… needs 4 cpu; this worker has 1`. */
  readonly owner?: string;
}

/** Tolerance for fractional amounts: 0.1 + 0.2 fits a capacity of 0.3. */
const EPSILON = 1e-9;

/** Whether a total goes over a capacity, beyond float rounding. */
function exceeds(total: number, capacity: number): boolean {
  return total > capacity + EPSILON;
}

interface Pool {
  /** Undefined: unlimited. */
  capacity: number | undefined;
  inUse: number;
  /** Waiters queued that need this resource (they hold back later requests for it). */
  waiting: number;
}

interface Waiter {
  readonly need: readonly (readonly [Pool, string, number])[];
  readonly subject: string;
  readonly grant: (release: ReleaseSlots) => void;
  readonly fail: (error: FramewiseError) => void;
}

/**
 * Counted slots of named resources (CPU slots, per-endpoint limits, I/O lanes), shared by the
 * in-process scheduler, the BullMQ worker and the distributor's per-endpoint limit.
 *
 * An acquisition takes every resource it names at once or none of them (no partial holds, so no
 * deadlocks between requests). Resources without a capacity are unlimited. Waiting requests are
 * served first come, first served per resource: a request never overtakes an earlier waiting one
 * that needs a resource it also needs, so a large request is never starved by a stream of small
 * ones, while requests for unrelated resources do not wait for each other. Capacities can change
 * at run time; waiters whose need no longer fits a lowered capacity fail with `INVALID_INPUT`.
 * Synchronous: O(resources named) per request, O(waiters) per release.
 *
 * @example
 * ```ts
 * const slots = new ResourceSlots({ cpu: 4, 'endpoint:youtube': 1 });
 * const release = await slots.acquire({ cpu: 1, 'endpoint:youtube': 1 }, { signal });
 * try { await upload(); } finally { release(); }
 * ```
 */
export class ResourceSlots {
  readonly #pools = new Map<string, Pool>();
  readonly #waiters: Waiter[] = [];
  readonly #owner: string;

  /** @param capacity Capacities by resource name (each a positive number); others are unlimited. */
  constructor(capacity: ResourceNeed = {}, options: ResourceSlotsOptions = {}) {
    this.#owner = options.owner ?? 'the capacity';
    for (const name of Object.keys(capacity)) this.setCapacity(name, capacity[name]);
  }

  #pool(name: string): Pool {
    let pool = this.#pools.get(name);
    if (pool === undefined) {
      pool = { capacity: undefined, inUse: 0, waiting: 0 };
      this.#pools.set(name, pool);
    }
    return pool;
  }

  /**
   * Set a resource's capacity (`undefined`: unlimited). Raising it starts waiters that now fit;
   * lowering it never takes back what is held (new requests wait until use drops below it), and
   * fails waiters that need more than the new capacity.
   *
   * @throws `INVALID_CONFIG` when the capacity is not a positive number.
   */
  setCapacity(name: string, capacity: number | undefined): void {
    if (capacity !== undefined && !(capacity > 0 && Number.isFinite(capacity)))
      throw new FramewiseError(
        'INVALID_CONFIG',
        `Capacity of resource ${JSON.stringify(name)} must be a positive number, not ${capacity}`,
        { details: { resource: name, capacity } },
      );
    const pool = this.#pool(name);
    if (pool.capacity === capacity) return;
    pool.capacity = capacity;
    this.#wake();
  }

  /** A resource's capacity, or undefined when unlimited. */
  capacity(name: string): number | undefined {
    return this.#pools.get(name)?.capacity;
  }

  /** Amounts in use by resource, for every resource configured or used so far. */
  inUse(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, pool] of this.#pools) out[name] = pool.inUse;
    return out;
  }

  /** Requests waiting. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /**
   * True when `need` could be taken now: it fits and no earlier waiter needs one of its
   * resources. Never throws; a need above a capacity is simply false.
   */
  canAcquire(need: ResourceNeed): boolean {
    for (const name in need) {
      const pool = this.#pools.get(name);
      if (pool === undefined || pool.capacity === undefined) continue;
      if (pool.waiting > 0 || exceeds(pool.inUse + (need[name] as number), pool.capacity)) return false;
    }
    return true;
  }

  /**
   * Take `need` now if {@link canAcquire} allows it; undefined otherwise (nothing is held).
   *
   * @throws `INVALID_INPUT` for an amount that is not a positive number, or above a capacity.
   */
  tryAcquire(need: ResourceNeed, subject = 'A request'): ReleaseSlots | undefined {
    const entries = this.#check(need, subject);
    if (!this.canAcquire(need)) return undefined;
    return this.#take(entries);
  }

  /**
   * Wait until every resource in `need` is free, then hold them all; resolves to the function that
   * gives them back. Requests are served in arrival order per resource.
   *
   * @throws `INVALID_INPUT` for an amount that is not a positive number or above a capacity (also
   * when a capacity is lowered below it while waiting); `CANCELLED` when `signal` aborts first.
   */
  acquire(need: ResourceNeed, options: AcquireSlotsOptions = {}): Promise<ReleaseSlots> {
    const subject = options.subject ?? 'A request';
    try {
      if (options.capacity !== undefined)
        for (const name of Object.keys(options.capacity)) this.setCapacity(name, options.capacity[name]);
      const entries = this.#check(need, subject);
      const signal = options.signal;
      if (signal?.aborted) return Promise.reject(cancelled(subject, signal));
      if (this.canAcquire(need)) return Promise.resolve(this.#take(entries));
      return new Promise<ReleaseSlots>((resolve, reject) => {
        const onAbort = () => {
          const at = this.#waiters.indexOf(waiter);
          if (at < 0) return;
          this.#dequeue(at);
          reject(cancelled(subject, signal as AbortSignal));
          this.#wake();
        };
        const waiter: Waiter = {
          need: entries,
          subject,
          grant: (release) => {
            signal?.removeEventListener('abort', onAbort);
            resolve(release);
          },
          fail: (error) => {
            signal?.removeEventListener('abort', onAbort);
            reject(error);
          },
        };
        this.#waiters.push(waiter);
        for (const [pool] of entries) pool.waiting++;
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #check(need: ResourceNeed, subject: string): [Pool, string, number][] {
    const entries: [Pool, string, number][] = [];
    for (const name in need) {
      const amount = need[name] as number;
      const pool = this.#pool(name);
      if (!(amount > 0 && Number.isFinite(amount)))
        throw new FramewiseError('INVALID_INPUT', `${subject} needs ${amount} ${name}: amounts must be positive`, {
          details: { resource: name, amount },
        });
      if (pool.capacity !== undefined && amount > pool.capacity) throw this.#tooBig(subject, name, amount, pool);
      entries.push([pool, name, amount]);
    }
    return entries;
  }

  #tooBig(subject: string, name: string, amount: number, pool: Pool): FramewiseError {
    return new FramewiseError(
      'INVALID_INPUT',
      `${subject} needs ${amount} ${name}; ${this.#owner} has ${pool.capacity}`,
      {
        details: { resource: name, amount, capacity: pool.capacity },
      },
    );
  }

  #take(entries: readonly (readonly [Pool, string, number])[]): ReleaseSlots {
    for (const [pool, , amount] of entries) pool.inUse += amount;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const [pool, , amount] of entries) {
        pool.inUse -= amount;
        // Fractional amounts (0.1 + 0.2) leave float dust: a pool nobody holds is exactly empty.
        if (pool.inUse < EPSILON) pool.inUse = 0;
      }
      if (this.#waiters.length > 0) this.#wake();
    };
  }

  #dequeue(at: number): Waiter {
    const [waiter] = this.#waiters.splice(at, 1) as [Waiter];
    for (const [pool] of waiter.need) pool.waiting--;
    return waiter;
  }

  /** Start waiters in order; a waiter that cannot start holds back later ones needing its resources. */
  #wake(): void {
    if (this.#waiters.length === 0) return;
    const blocked = new Set<Pool>();
    for (let i = 0; i < this.#waiters.length; ) {
      const waiter = this.#waiters[i] as Waiter;
      const over = waiter.need.find(([pool, , amount]) => pool.capacity !== undefined && amount > pool.capacity);
      if (over !== undefined) {
        this.#dequeue(i);
        waiter.fail(this.#tooBig(waiter.subject, over[1], over[2], over[0]));
        continue;
      }
      let fits = true;
      for (const [pool, , amount] of waiter.need) {
        if (pool.capacity === undefined) continue;
        if (blocked.has(pool) || exceeds(pool.inUse + amount, pool.capacity)) fits = false;
      }
      if (!fits) {
        for (const [pool] of waiter.need) if (pool.capacity !== undefined) blocked.add(pool);
        i++;
        continue;
      }
      this.#dequeue(i);
      waiter.grant(this.#take(waiter.need));
    }
  }
}

function cancelled(subject: string, signal: AbortSignal): FramewiseError {
  return new FramewiseError('CANCELLED', `${subject} was cancelled while waiting for resources`, {
    cause: signal.reason,
  });
}
