import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFramewiseError } from '../errors/index.js';
import { type ReleaseSlots, type ResourceNeed, ResourceSlots } from './resource-slots.js';

/** Let granted and rejected acquisitions settle. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** An acquisition and how it ended so far. */
function track(promise: Promise<ReleaseSlots>) {
  const state: { release?: ReleaseSlots; error?: unknown } = {};
  promise.then(
    (release) => {
      state.release = release;
    },
    (error: unknown) => {
      state.error = error;
    },
  );
  return state;
}

describe('ResourceSlots', () => {
  it('tolerates float rounding of fractional amounts: nothing held means the whole capacity is free', async () => {
    const slots = new ResourceSlots({ gpu: 0.3 });
    const a = await slots.acquire({ gpu: 0.05 });
    const b = await slots.acquire({ gpu: 0.15 });
    a();
    b();
    expect(slots.tryAcquire({ gpu: 0.3 })).toBeTypeOf('function');
    const fresh = new ResourceSlots({ gpu: 0.3 });
    expect(fresh.tryAcquire({ gpu: 0.1 })).toBeTypeOf('function');
    expect(fresh.tryAcquire({ gpu: 0.2 })).toBeTypeOf('function');
    expect(fresh.tryAcquire({ gpu: 0.1 })).toBeUndefined();
  });

  it('takes every resource of a request at once or none, and unlisted resources are unlimited', async () => {
    const slots = new ResourceSlots({ cpu: 2, 'endpoint:youtube': 1 });
    const a = await slots.acquire({ 'endpoint:youtube': 1 });
    const b = track(slots.acquire({ cpu: 1, 'endpoint:youtube': 1 }));
    await flush();
    expect(b.release).toBeUndefined();
    // The waiting upload holds nothing: no CPU is taken while it waits for the endpoint.
    expect(slots.inUse()).toEqual({ cpu: 0, 'endpoint:youtube': 1 });
    const scratch = slots.tryAcquire({ scratch: 1_000 });
    expect(scratch).toBeTypeOf('function');
    a();
    a(); // a second call gives nothing back twice
    await flush();
    expect(b.release).toBeTypeOf('function');
    expect(slots.inUse()).toEqual({ cpu: 1, 'endpoint:youtube': 1, scratch: 1_000 });
    b.release?.();
    scratch?.();
    expect(slots.inUse()).toEqual({ cpu: 0, 'endpoint:youtube': 0, scratch: 0 });
  });

  it('serves waiters first come first served per resource: a big request is not starved by small ones', async () => {
    const slots = new ResourceSlots({ cpu: 2 });
    const first = await slots.acquire({ cpu: 1 });
    const big = track(slots.acquire({ cpu: 2 }));
    // A small request that would fit now waits behind the earlier big one.
    expect(slots.canAcquire({ cpu: 1 })).toBe(false);
    expect(slots.tryAcquire({ cpu: 1 })).toBeUndefined();
    const small = track(slots.acquire({ cpu: 1 }));
    // A request for another resource does not wait for them.
    expect(slots.tryAcquire({ gpu: 1 })).toBeTypeOf('function');
    await flush();
    expect([big.release, small.release]).toEqual([undefined, undefined]);
    first();
    await flush();
    expect(big.release).toBeTypeOf('function');
    expect(small.release).toBeUndefined();
    big.release?.();
    await flush();
    expect(small.release).toBeTypeOf('function');
  });

  it('an aborted waiter holds nothing, lets later waiters go, and a granted one is not released by abort', async () => {
    const slots = new ResourceSlots({ cpu: 2 });
    const held = await slots.acquire({ cpu: 1 });
    const controller = new AbortController();
    const big = track(slots.acquire({ cpu: 2 }, { signal: controller.signal, subject: 'Job "j1" (ladder)' }));
    const small = track(slots.acquire({ cpu: 1 }));
    await flush();
    expect(small.release).toBeUndefined();
    controller.abort();
    await flush();
    expect(isFramewiseError(big.error, 'CANCELLED')).toBe(true);
    expect(String(big.error)).toContain('Job "j1" (ladder) was cancelled');
    expect(small.release).toBeTypeOf('function');
    expect(slots.inUse()).toEqual({ cpu: 2 });

    const late = new AbortController();
    const granted = await slots.acquire({ gpu: 1 }, { signal: late.signal });
    late.abort();
    expect(slots.inUse()).toEqual({ cpu: 2, gpu: 1 });
    granted();
    held();
    expect(slots.inUse()).toEqual({ cpu: 1, gpu: 0 });
    const aborted = new AbortController();
    aborted.abort();
    await expect(slots.acquire({ cpu: 1 }, { signal: aborted.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('changes capacity at run time: raising starts waiters, lowering fails those that can never fit', async () => {
    const slots = new ResourceSlots({ cpu: 1 }, { owner: 'this worker' });
    const held = await slots.acquire({ cpu: 1 });
    const one = track(slots.acquire({ cpu: 1 }));
    const three = track(slots.acquire({ cpu: 3 }, { subject: 'Job "big"' }));
    await flush();
    expect(three.error).toMatchObject({ code: 'INVALID_INPUT' });
    expect(String(three.error)).toContain('Job "big" needs 3 cpu; this worker has 1');
    slots.setCapacity('cpu', 2);
    await flush();
    expect(one.release).toBeTypeOf('function');
    const two = track(slots.acquire({ cpu: 2 }));
    slots.setCapacity('cpu', 1); // lowering never takes back what is held
    await flush();
    expect(isFramewiseError(two.error, 'INVALID_INPUT')).toBe(true);
    expect(slots.inUse()).toEqual({ cpu: 2 });
    held();
    one.release?.();
    slots.setCapacity('cpu', undefined);
    expect(slots.tryAcquire({ cpu: 1_000 })).toBeTypeOf('function');
    expect(() => slots.setCapacity('cpu', 0)).toThrow(/Capacity of resource "cpu" must be a positive number/);
    expect(() => slots.tryAcquire({ cpu: -1 })).toThrow(/needs -1 cpu/);
  });

  it('takes a per-key capacity with the request (a per-endpoint maxConcurrent)', async () => {
    const slots = new ResourceSlots();
    const a = await slots.acquire({ 'endpoint:ftp': 1 }, { capacity: { 'endpoint:ftp': 2 } });
    const b = await slots.acquire({ 'endpoint:ftp': 1 }, { capacity: { 'endpoint:ftp': 2 } });
    const c = track(slots.acquire({ 'endpoint:ftp': 1 }, { capacity: { 'endpoint:ftp': 2 } }));
    await flush();
    expect(c.release).toBeUndefined();
    a();
    await flush();
    expect(c.release).toBeTypeOf('function');
    b();
    c.release?.();
    expect(slots.capacity('endpoint:ftp')).toBe(2);
  });

  it('against a naive model: never over capacity, FIFO per resource, aborts take nothing, every waiter served', async () => {
    const names = ['cpu', 'gpu', 'io'] as const;
    const need = fc
      .subarray([...names], { minLength: 1 })
      .chain((keys) => fc.tuple(...keys.map((k) => fc.integer({ min: 1, max: 2 }).map((n) => [k, n] as const))))
      .map((pairs) => Object.fromEntries(pairs) as ResourceNeed);
    const command = fc.oneof(
      { weight: 4, arbitrary: fc.record({ op: fc.constant('acquire' as const), need }) },
      { weight: 2, arbitrary: fc.record({ op: fc.constant('release' as const), pick: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('abort' as const), pick: fc.nat() }) },
      {
        weight: 1,
        arbitrary: fc.record({
          op: fc.constant('capacity' as const),
          name: fc.constantFrom(...names),
          value: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
        }),
      },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 20, maxLength: 80 }), async (commands) => {
        const capacity: Record<string, number | undefined> = { cpu: 2, gpu: 1, io: 2 };
        const slots = new ResourceSlots(capacity as ResourceNeed);
        const held = new Map<string, number>();
        interface Request {
          readonly seq: number;
          readonly need: ResourceNeed;
          readonly controller: AbortController;
          status: 'waiting' | 'held' | 'released' | 'cancelled' | 'refused';
          release?: ReleaseSlots;
          /** Requests still waiting when this one was queued. */
          readonly before: Request[];
        }
        const requests: Request[] = [];
        /** Checks failed inside settlement callbacks, asserted after each step. */
        const violations: string[] = [];
        const shares = (a: ResourceNeed, b: ResourceNeed) =>
          Object.keys(a).some((k) => k in b && capacity[k] !== undefined);
        const heldOf = (name: string) => held.get(name) ?? 0;
        const run = async (cmd: (typeof commands)[number]) => {
          if (cmd.op === 'acquire') {
            const request: Request = {
              seq: requests.length,
              need: cmd.need,
              controller: new AbortController(),
              status: 'waiting',
              before: requests.filter((r) => r.status === 'waiting'),
            };
            requests.push(request);
            slots.acquire(cmd.need, { signal: request.controller.signal }).then(
              (release) => {
                request.status = 'held';
                request.release = release;
                for (const [k, n] of Object.entries(request.need)) held.set(k, heldOf(k) + n);
                for (const k of Object.keys(request.need)) {
                  const cap = capacity[k];
                  if (cap !== undefined && heldOf(k) > cap) violations.push(`${k}: ${heldOf(k)} held of ${cap}`);
                }
                // No earlier waiter needing one of its limited resources is still waiting.
                for (const earlier of request.before)
                  if (shares(earlier.need, request.need) && earlier.status === 'waiting')
                    violations.push(`request ${request.seq} overtook ${earlier.seq}`);
              },
              (error: unknown) => {
                if (isFramewiseError(error, 'CANCELLED')) {
                  if (!request.controller.signal.aborted) violations.push(`request ${request.seq} cancelled`);
                  request.status = 'cancelled';
                } else {
                  if (
                    !isFramewiseError(error, 'INVALID_INPUT') ||
                    !Object.entries(request.need).some(([k, n]) => n > (capacity[k] ?? Infinity))
                  )
                    violations.push(`request ${request.seq} refused: ${error}`);
                  request.status = 'refused';
                }
              },
            );
          } else if (cmd.op === 'release') {
            const holding = requests.filter((r) => r.status === 'held');
            const r = holding[cmd.pick % Math.max(1, holding.length)];
            if (r !== undefined) {
              r.release?.();
              r.release?.();
              r.status = 'released';
              for (const [k, n] of Object.entries(r.need)) held.set(k, heldOf(k) - n);
            }
          } else if (cmd.op === 'abort') {
            const r = requests[cmd.pick % Math.max(1, requests.length)];
            r?.controller.abort();
          } else {
            capacity[cmd.name] = cmd.value;
            slots.setCapacity(cmd.name, cmd.value);
          }
          await flush();
          expect(violations).toEqual([]);
          // The slots agree with the model: aborted and refused requests took nothing.
          for (const [k, n] of Object.entries(slots.inUse())) expect(n).toBe(heldOf(k));
        };
        for (const cmd of commands) await run(cmd);
        // Release everything held, repeatedly: every waiter is eventually served.
        for (let i = 0; i < 2 * requests.length && requests.some((r) => r.status === 'held'); i++)
          await run({ op: 'release', pick: 0 });
        expect(requests.filter((r) => r.status === 'waiting')).toEqual([]);
        expect(slots.waiting).toBe(0);
      }),
      { numRuns: 200 },
    );
  }, 60_000);
});
