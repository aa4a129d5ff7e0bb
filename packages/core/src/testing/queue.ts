import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  defineJobs,
  FramewiseError,
  isFramewiseError,
  type JobDefinitions,
  type JobState,
  type QueueBackend,
} from '../index.js';

/** How the queue backend conformance suite gets a backend. */
export interface QueueConformanceOptions {
  /**
   * A backend over these definitions on an empty queue, with workers that run them one job at a
   * time (a single slot, so the suite can observe ordering). Called once per test.
   */
  readonly create: (definitions: JobDefinitions) => Promise<QueueBackend>;
  /** Stop the backend and its workers (default: `backend.close()`). */
  readonly destroy?: (backend: QueueBackend) => Promise<void>;
}

/** A promise opened by name, from either side first. */
class Gates {
  readonly #gates = new Map<string, { promise: Promise<void>; open: () => void }>();
  get(name: string): { promise: Promise<void>; open: () => void } {
    let gate = this.#gates.get(name);
    if (gate === undefined) {
      let open!: () => void;
      const promise = new Promise<void>((resolve) => {
        open = resolve;
      });
      gate = { promise, open };
      this.#gates.set(name, gate);
    }
    return gate;
  }
}

/** The suite's job kinds, over state the test reads. */
function suiteJobs(state: { order: string[]; runs: Map<string, number>; gates: Gates }) {
  const bump = (key: string) => {
    const n = (state.runs.get(key) ?? 0) + 1;
    state.runs.set(key, n);
    return n;
  };
  return defineJobs({
    echo: {
      input: z.object({ n: z.number().int() }),
      handler: async ({ n }: { n: number }) => ({ doubled: n * 2 }),
    },
    order: {
      input: z.object({ name: z.string() }),
      handler: async ({ name }: { name: string }) => {
        state.order.push(name);
        return name;
      },
    },
    gate: {
      input: z.object({ gate: z.string() }),
      handler: async ({ gate }: { gate: string }, { signal, progress }) => {
        progress(50);
        await new Promise<void>((resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
          void state.gates.get(gate).promise.then(resolve);
        });
        return 'opened';
      },
    },
    count: {
      input: z.object({ key: z.string() }),
      handler: async ({ key }: { key: string }) => bump(key),
    },
    flaky: {
      input: z.object({ key: z.string(), failures: z.number().int() }),
      retry: { attempts: 3, baseMs: 5, maxMs: 20 },
      handler: async ({ key, failures }: { key: string; failures: number }) => {
        const run = bump(key);
        if (run <= failures) throw new FramewiseError('TRANSIENT', `Remote busy (run ${run})`, { details: { key } });
        return run;
      },
    },
    broken: {
      input: z.object({ key: z.string() }),
      retry: { attempts: 3, baseMs: 5 },
      handler: async ({ key }: { key: string }) => {
        bump(key);
        throw new FramewiseError('INVALID_INPUT', `Master ${key} has no video track`, { details: { key } });
      },
    },
  });
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<FramewiseError> {
  try {
    await promise;
  } catch (error) {
    expect(isFramewiseError(error, code as never), String(error)).toBe(true);
    return error as FramewiseError;
  }
  return expect.unreachable(`expected ${code}`);
}

/** Poll until a job reaches a state (backends may report through another process). */
async function waitForState(backend: QueueBackend, id: string, state: JobState, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const record = await backend.get(id);
    if (record?.state === state) return;
    if (Date.now() > until) throw new Error(`job ${id} did not reach ${state} (is ${record?.state})`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * The queue backend conformance suite: validation at submission, results, retries of transient
 * failures only, idempotency and dedupe, priority classes and deadlines, cancellation of queued and
 * running jobs, events, listing and draining. Every Framewise queue backend passes it; a
 * third-party backend does the same to be one.
 */
export function queueBackendConformance(name: string, options: QueueConformanceOptions): void {
  describe(`QueueBackend conformance: ${name}`, () => {
    let backend: QueueBackend;
    let state: { order: string[]; runs: Map<string, number>; gates: Gates };
    beforeEach(async () => {
      state = { order: [], runs: new Map(), gates: new Gates() };
      backend = await options.create(suiteJobs(state));
    }, 60_000);
    afterEach(async () => {
      if (backend !== undefined) await (options.destroy ?? ((b) => b.close()))(backend);
    }, 60_000);

    /** Submit a gate job and wait until it runs, holding the single slot. */
    async function block(gate = 'block'): Promise<string> {
      const { id } = await backend.submit('gate', { gate });
      await waitForState(backend, id, 'running');
      return id;
    }

    it('runs a job and reports its output and record', async () => {
      const { id, reused } = await backend.submit('echo', { n: 21 }, { tenant: 'drama' });
      expect(reused).toBe(false);
      expect(await backend.result(id)).toEqual({ doubled: 42 });
      const record = await backend.get(id);
      expect(record).toMatchObject({
        id,
        kind: 'echo',
        state: 'succeeded',
        attempts: 1,
        tenant: 'drama',
        priority: 'normal',
        input: { n: 21 },
        output: { doubled: 42 },
      });
      expect(await backend.get('no-such-job')).toBeUndefined();
      await expectCode(backend.result('no-such-job'), 'NOT_FOUND');
    });

    it('refuses unknown kinds and bad input at submission, naming the field, and queues nothing', async () => {
      const bad = await expectCode(backend.submit('echo', { n: 'twenty' }), 'INVALID_INPUT');
      expect(bad.message).toMatch(/\bn\b/);
      await expectCode(backend.submit('transmogrify', {}), 'INVALID_INPUT');
      await expectCode(backend.submit('echo', { n: 1 }, { priority: 'urgent' as never }), 'INVALID_INPUT');
      expect(await backend.list()).toEqual([]);
    });

    it('retries transient failures with backoff, and fails anything else at once keeping its code', async () => {
      const flaky = await backend.submit('flaky', { key: 'f', failures: 2 });
      expect(await backend.result(flaky.id)).toBe(3);
      expect(await backend.get(flaky.id)).toMatchObject({ state: 'succeeded', attempts: 3 });

      const broken = await backend.submit('broken', { key: 'b' });
      const error = await expectCode(backend.result(broken.id), 'INVALID_INPUT');
      expect(error.message).toContain('has no video track');
      expect(state.runs.get('b')).toBe(1);
      expect(await backend.get(broken.id)).toMatchObject({
        state: 'failed',
        attempts: 1,
        error: { code: 'INVALID_INPUT' },
      });

      const exhausted = await backend.submit('flaky', { key: 'x', failures: 5 });
      await expectCode(backend.result(exhausted.id), 'TRANSIENT');
      expect(state.runs.get('x')).toBe(3);
    });

    it('returns the same job for an idempotency key, and reuses the result of identical work', async () => {
      const first = await backend.submit('count', { key: 'i' }, { idempotencyKey: 'ingest:LT-101' });
      await backend.result(first.id);
      const again = await backend.submit('count', { key: 'i' }, { idempotencyKey: 'ingest:LT-101' });
      expect(again).toEqual({ id: first.id, reused: true });
      expect(state.runs.get('i')).toBe(1);

      const work = await backend.submit('count', { key: 'd' }, { dedupeKey: 'sha256:ab12|h264-ladder' });
      const same = await backend.submit('count', { key: 'd' }, { dedupeKey: 'sha256:ab12|h264-ladder' });
      expect(same).toEqual({ id: work.id, reused: true });
      expect(await backend.result(same.id)).toBe(1);
      const later = await backend.submit('count', { key: 'd' }, { dedupeKey: 'sha256:ab12|h264-ladder' });
      expect(later).toEqual({ id: work.id, reused: true });
      expect(state.runs.get('d')).toBe(1);

      const failed = await backend.submit('broken', { key: 'bd' }, { dedupeKey: 'sha256:ff00|bad' });
      await expectCode(backend.result(failed.id), 'INVALID_INPUT');
      const retried = await backend.submit('broken', { key: 'bd' }, { dedupeKey: 'sha256:ff00|bad' });
      expect(retried.reused).toBe(false);
      expect(retried.id).not.toBe(failed.id);
    });

    it('runs higher classes first, and a near deadline before a higher class', async () => {
      const blocker = await block();
      const now = Date.now();
      const submitted: string[] = [];
      for (const [name, opts] of [
        ['bulk', { priority: 'bulk' }],
        ['normal', { priority: 'normal' }],
        ['high', { priority: 'high' }],
        ['normal, airs in 30 min', { priority: 'normal', deadline: now + 30 * 60_000 }],
        ['critical', { priority: 'critical' }],
        ['low', { priority: 'low' }],
      ] as const)
        submitted.push((await backend.submit('order', { name }, opts)).id);
      state.gates.get('block').open();
      await backend.result(blocker);
      for (const id of submitted) await backend.result(id);
      expect(state.order).toEqual(['critical', 'normal, airs in 30 min', 'high', 'normal', 'low', 'bulk']);
    });

    it('cancels a queued job (it never runs) and a running one (its signal is aborted)', async () => {
      const blocker = await block();
      const queued = await backend.submit('order', { name: 'never' });
      expect(await backend.cancel(queued.id)).toBe(true);
      await expectCode(backend.result(queued.id), 'CANCELLED');
      expect(await backend.cancel(blocker)).toBe(true);
      await expectCode(backend.result(blocker), 'CANCELLED');
      const after = await backend.submit('order', { name: 'after' });
      await backend.result(after.id);
      expect(state.order).toEqual(['after']);
      expect((await backend.get(queued.id))?.state).toBe('cancelled');
      expect((await backend.get(blocker))?.state).toBe('cancelled');
      expect(await backend.cancel(after.id)).toBe(false);
    });

    it('emits state and progress events, and lists jobs by kind, state and tenant', async () => {
      const seen: { id: string; state?: string; percent?: number }[] = [];
      const offState = backend.on('state', (e) => seen.push(e));
      const offProgress = backend.on('progress', (e) => seen.push(e));
      const { id } = await backend.submit('gate', { gate: 'events' }, { tenant: 'news' });
      const states = () => seen.filter((e) => e.id === id && e.state).map((e) => e.state);
      await waitForState(backend, id, 'running');
      state.gates.get('events').open();
      await backend.result(id);
      // Events may arrive after the result where they cross processes.
      for (let i = 0; i < 300 && !states().includes('succeeded'); i++) await new Promise((r) => setTimeout(r, 10));
      offState();
      offProgress();
      expect(states().indexOf('running')).toBeLessThan(states().indexOf('succeeded'));
      expect(seen.filter((e) => e.id === id && e.percent !== undefined).map((e) => e.percent)).toContain(50);
      const echo = await backend.submit('echo', { n: 1 });
      await backend.result(echo.id);
      expect((await backend.list({ kind: 'gate', tenant: 'news' })).map((r) => r.id)).toEqual([id]);
      expect((await backend.list({ state: 'succeeded' })).map((r) => r.id).sort()).toEqual([id, echo.id].sort());
      expect(await backend.list({ tenant: 'sport' })).toEqual([]);
    });

    it('drains: close waits for accepted jobs, then refuses new ones', async () => {
      const { id } = await backend.submit('gate', { gate: 'drain' });
      const result = backend.result(id);
      await waitForState(backend, id, 'running');
      const closing = backend.close({ drain: true });
      setTimeout(() => state.gates.get('drain').open(), 50);
      await closing;
      expect(await result).toBe('opened');
      await expectCode(backend.submit('echo', { n: 1 }), 'CONFLICT');
    });
  });
}
