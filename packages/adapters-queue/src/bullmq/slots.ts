import { FramewiseError } from '@framewise/core/errors';

interface Waiter {
  readonly need: Readonly<Record<string, number>>;
  readonly start: () => void;
}

/**
 * A worker's resource capacities (CPU slots, per-endpoint limits): a job waits until every
 * resource it declares is free, then holds them while it runs. Waiters start in arrival order
 * whenever they fit.
 */
export class Slots {
  readonly #capacity: Readonly<Record<string, number>>;
  readonly #inUse = new Map<string, number>();
  readonly #waiting: Waiter[] = [];

  constructor(capacity: Readonly<Record<string, number>>) {
    this.#capacity = capacity;
  }

  #fits(need: Readonly<Record<string, number>>): boolean {
    for (const [resource, amount] of Object.entries(need)) {
      const limit = this.#capacity[resource];
      if (limit !== undefined && (this.#inUse.get(resource) ?? 0) + amount > limit) return false;
    }
    return true;
  }

  #take(need: Readonly<Record<string, number>>, sign: 1 | -1): void {
    for (const [resource, amount] of Object.entries(need))
      this.#inUse.set(resource, (this.#inUse.get(resource) ?? 0) + sign * amount);
  }

  /**
   * Wait for the resources, then hold them; resolves to the function that gives them back.
   *
   * @throws `INVALID_INPUT` when a need exceeds this worker's capacity; `CANCELLED` when aborted while waiting.
   */
  async acquire(need: Readonly<Record<string, number>>, signal: AbortSignal): Promise<() => void> {
    for (const [resource, amount] of Object.entries(need)) {
      const limit = this.#capacity[resource];
      if (limit !== undefined && amount > limit)
        throw new FramewiseError('INVALID_INPUT', `A job needs ${amount} ${resource}; this worker has ${limit}`, {
          details: { resource, amount, capacity: limit },
        });
    }
    if (this.#waiting.length > 0 || !this.#fits(need)) {
      await new Promise<void>((resolve, reject) => {
        const entry = { need, start: resolve };
        this.#waiting.push(entry);
        signal.addEventListener(
          'abort',
          () => {
            const at = this.#waiting.indexOf(entry);
            if (at >= 0) {
              this.#waiting.splice(at, 1);
              reject(new FramewiseError('CANCELLED', 'Cancelled while waiting for worker resources'));
            }
          },
          { once: true },
        );
      });
    } else this.#take(need, 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#take(need, -1);
      this.#wake();
    };
  }

  #wake(): void {
    for (let i = 0; i < this.#waiting.length; ) {
      const entry = this.#waiting[i] as Waiter;
      if (this.#fits(entry.need)) {
        this.#waiting.splice(i, 1);
        this.#take(entry.need, 1);
        entry.start();
      } else i++;
    }
  }
}
