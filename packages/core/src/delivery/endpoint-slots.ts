import { FramewiseError } from '../errors/index.js';

/** Frees a slot taken with {@link EndpointSlots.acquire}; calling it again does nothing. */
export type ReleaseSlot = () => void;

/** Per-key slots: at most `capacity` holders of one key at once, the others waiting in order. */
export interface EndpointSlots {
  /**
   * Wait for a slot of `key` (at most `capacity` held at once) and return the function that frees
   * it.
   *
   * @throws `CANCELLED` when `signal` aborts while waiting.
   */
  acquire(key: string, capacity: number, signal?: AbortSignal): Promise<ReleaseSlot>;
}

/**
 * Slots per endpoint, for the distributor's `maxConcurrent`: remote calls to one endpoint wait in
 * arrival order for one of its slots.
 */
export function createEndpointSlots(): EndpointSlots {
  const keys = new Map<string, { busy: number; waiting: (() => void)[] }>();
  return {
    async acquire(key, capacity, signal) {
      if (signal?.aborted) throw cancelled(key);
      let slot = keys.get(key);
      if (slot === undefined) {
        slot = { busy: 0, waiting: [] };
        keys.set(key, slot);
      }
      const gate = slot;
      if (gate.busy < capacity) gate.busy++;
      else
        await new Promise<void>((resolve, reject) => {
          const turn = () => {
            signal?.removeEventListener('abort', abort);
            resolve();
          };
          const abort = () => {
            gate.waiting.splice(gate.waiting.indexOf(turn), 1);
            reject(cancelled(key));
          };
          gate.waiting.push(turn);
          signal?.addEventListener('abort', abort, { once: true });
        });
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const next = gate.waiting.shift();
        if (next !== undefined) next();
        else if (--gate.busy === 0) keys.delete(key);
      };
    },
  };
}

function cancelled(key: string): FramewiseError {
  return new FramewiseError('CANCELLED', `Cancelled while waiting for a slot of "${key}"`, { details: { key } });
}
