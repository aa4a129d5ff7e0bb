import { type ReleaseSlots, ResourceSlots } from '../support/index.js';

/** Frees a slot taken with {@link EndpointSlots.acquire}; calling it again does nothing. */
export type ReleaseSlot = ReleaseSlots;

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
 * arrival order for one of its slots. The shared {@link ResourceSlots} limiter (the scheduler's and
 * the BullMQ worker's) with one resource per endpoint, its capacity travelling with each request.
 */
export function createEndpointSlots(): EndpointSlots {
  const slots = new ResourceSlots({}, { owner: 'the endpoint' });
  return {
    acquire(key, capacity, signal) {
      const resource = `endpoint:${key}`;
      return slots.acquire(
        { [resource]: 1 },
        {
          capacity: { [resource]: capacity },
          subject: `A call to endpoint "${key}"`,
          ...(signal ? { signal } : {}),
        },
      );
    },
  };
}
