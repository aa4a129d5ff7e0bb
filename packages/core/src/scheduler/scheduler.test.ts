import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FramewiseError, isFramewiseError } from '../errors/index.js';
import type { Clock, Logger, Tracer } from '../support/index.js';
import { createScheduler, type Scheduler } from './scheduler.js';

class TestClock implements Clock {
  ms = Date.parse('2027-01-01T00:00:00Z');
  now(): number {
    return this.ms;
  }
}

/** A promise the test resolves by hand. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

/** A scheduler with one CPU slot, a blocking job first, and a kind that records its start order. */
function blocked(options: Parameters<typeof createScheduler>[0] = {}) {
  const scheduler = createScheduler({ resources: { cpu: 1 }, ...options });
  const block = gate();
  const order: string[] = [];
  scheduler.define('block', { handler: () => block.promise });
  scheduler.define('work', { handler: async (input: { name: string }) => void order.push(input.name) });
  scheduler.submit('block', {});
  return { scheduler, block, order };
}

describe('Scheduler', () => {
  it('survives handlers that throw values that are not errors, and keeps serving the queue', async () => {
    const thrown: unknown[] = [
      Object.create(null),
      {
        toString() {
          throw new Error('no');
        },
      },
      null,
    ];
    const scheduler = createScheduler({ resources: { cpu: 1 } });
    scheduler.define('bad', {
      retry: { attempts: 1 },
      handler: async ({ i }: { i: number }) => {
        throw thrown[i];
      },
    });
    scheduler.define('good', { handler: async () => 'ok' });
    const bad = thrown.map((_, i) => scheduler.submit('bad', { i }));
    const good = scheduler.submit('good', {});
    for (const job of bad) await expect(job.result).rejects.toMatchObject({ code: 'INTERNAL' });
    await expect(good.result).resolves.toBe('ok');
    await scheduler.drain();
  });

  it('runs higher priority classes first', async () => {
    const { scheduler, block, order } = blocked();
    for (const priority of ['low', 'normal', 'bulk', 'critical', 'high'] as const)
      scheduler.submit('work', { name: priority }, { priority });
    block.open();
    await scheduler.drain();
    expect(order).toEqual(['critical', 'high', 'normal', 'low', 'bulk']);
  });

  it('ages waiting jobs so low priority never starves', async () => {
    const clock = new TestClock();
    const { scheduler, block, order } = blocked({ clock });
    scheduler.submit('work', { name: 'old low' }, { priority: 'low' });
    clock.ms += 6_000 * 250; // 25 minutes of waiting: +250 points
    scheduler.submit('work', { name: 'fresh high' }, { priority: 'high' });
    block.open();
    await scheduler.drain();
    expect(order).toEqual(['old low', 'fresh high']);
  });

  it('raises priority as a deadline approaches', async () => {
    const clock = new TestClock();
    const { scheduler, block, order } = blocked({ clock });
    scheduler.submit('work', { name: 'high, no deadline' }, { priority: 'high' });
    scheduler.submit(
      'work',
      { name: 'normal, airs in 10 min' },
      { priority: 'normal', deadline: clock.ms + 10 * 60_000 },
    );
    scheduler.submit(
      'work',
      { name: 'normal, airs tomorrow' },
      { priority: 'normal', deadline: new Date(clock.ms + 86_400_000).toISOString() },
    );
    block.open();
    await scheduler.drain();
    expect(order).toEqual(['normal, airs in 10 min', 'high, no deadline', 'normal, airs tomorrow']);
  });

  it('does not starve a job needing every slot behind a stream of one-slot jobs', async () => {
    const clock = new TestClock();
    const scheduler = createScheduler({ resources: { cpu: 2 }, clock });
    const first = gate();
    const second = gate();
    const order: string[] = [];
    scheduler.define('hold', {
      handler: async ({ which }: { which: 'first' | 'second' }) => (which === 'first' ? first : second).promise,
    });
    scheduler.define('small', { handler: async ({ name }: { name: string }) => void order.push(name) });
    scheduler.define('big', { resources: { cpu: 2 }, handler: async () => void order.push('big') });
    scheduler.submit('hold', { which: 'first' });
    scheduler.submit('hold', { which: 'second' });
    clock.ms += 1_000;
    const big = scheduler.submit('big', {});
    for (let i = 0; i < 5; i++) {
      clock.ms += 1_000;
      scheduler.submit('small', { name: `small ${i}` });
    }
    first.open(); // one slot frees: the older big job reserves it rather than a newer small job taking it
    await tick();
    expect(order).toEqual([]);
    second.open();
    await big.result;
    await scheduler.drain();
    expect(order[0]).toBe('big');
    expect(order).toHaveLength(6);
  });

  it('still starts jobs on other resources while a big job waits for its slots', async () => {
    const scheduler = createScheduler({ resources: { cpu: 2, gpu: 1 } });
    const hold = gate();
    const order: string[] = [];
    scheduler.define('hold', { handler: () => hold.promise });
    scheduler.define('big', { resources: { cpu: 2 }, handler: async () => void order.push('big') });
    scheduler.define('gpu', { resources: { gpu: 1 }, handler: async () => void order.push('gpu') });
    scheduler.submit('hold', {});
    const big = scheduler.submit('big', {});
    const gpu = scheduler.submit('gpu', {});
    await gpu.result;
    expect(order).toEqual(['gpu']);
    hold.open();
    await big.result;
    await scheduler.drain();
  });

  it('holds per-resource concurrency: CPU slots and per-endpoint limits', async () => {
    const scheduler = createScheduler({ resources: { cpu: 3, 'endpoint:youtube': 1 } });
    let cpu = 0;
    let peakCpu = 0;
    let uploads = 0;
    let peakUploads = 0;
    const track = (cpus: number, upload: boolean) => async () => {
      cpu += cpus;
      peakCpu = Math.max(peakCpu, cpu);
      if (upload) peakUploads = Math.max(peakUploads, ++uploads);
      await tick();
      cpu -= cpus;
      if (upload) uploads--;
    };
    scheduler.define('upload', { handler: track(1, true), resources: { cpu: 1, 'endpoint:youtube': 1 } });
    scheduler.define('encode', { handler: track(1, false), resources: { cpu: 1 } });
    scheduler.define('encode-2cpu', { handler: track(2, false), resources: { cpu: 2 } });
    for (let i = 0; i < 5; i++) scheduler.submit('upload', {});
    for (let i = 0; i < 6; i++) scheduler.submit('encode', {});
    for (let i = 0; i < 2; i++) scheduler.submit('encode-2cpu', {});
    await scheduler.drain();
    expect(peakUploads).toBe(1);
    expect(peakCpu).toBe(3);
    expect(scheduler.history({ state: 'succeeded' })).toHaveLength(13);
    expect(scheduler.stats()).toEqual({ queued: 0, running: 0, resources: { cpu: 0, 'endpoint:youtube': 0 } });
    expect(() =>
      createScheduler({ resources: { cpu: 1 } })
        .define('big', { handler: async () => 1, resources: { cpu: 4 } })
        .submit('big', {}),
    ).toThrow(/needs 4 cpu, but the capacity is 1/);
  });

  it('shares capacity fairly between tenants', async () => {
    const scheduler = createScheduler({ resources: { cpu: 2 } });
    const order: string[] = [];
    scheduler.define('work', {
      handler: async (input: { name: string }) => {
        order.push(input.name);
        await tick();
      },
    });
    for (let i = 1; i <= 6; i++) scheduler.submit('work', { name: `a${i}` }, { tenant: 'drama' });
    for (let i = 1; i <= 2; i++) scheduler.submit('work', { name: `b${i}` }, { tenant: 'news' });
    await scheduler.drain();
    // News does not wait behind all of drama's backlog.
    expect(order.indexOf('b2')).toBeLessThan(order.indexOf('a5'));
  });

  it('retries transient failures with backoff, never permanent ones', async () => {
    const scheduler = createScheduler();
    let calls = 0;
    const states: string[] = [];
    scheduler.on('state', (e) => e.job.kind === 'flaky' && states.push(e.job.state));
    scheduler.define('flaky', {
      retry: { attempts: 4, baseMs: 5 },
      handler: async () => {
        calls++;
        if (calls < 3) throw new FramewiseError('TRANSIENT', 'connection reset', { details: {} });
        return 'done';
      },
    });
    expect(await scheduler.submit('flaky', {}).result).toBe('done');
    expect(calls).toBe(3);
    expect(states).toEqual([
      'queued',
      'running',
      'retrying',
      'queued',
      'running',
      'retrying',
      'queued',
      'running',
      'succeeded',
    ]);
    let permanent = 0;
    scheduler.define('bad', {
      handler: async () => {
        permanent++;
        throw new FramewiseError('INVALID_INPUT', 'corrupt source', { details: {} });
      },
    });
    await expect(scheduler.submit('bad', {}).result).rejects.toThrow(/corrupt source/);
    expect(permanent).toBe(1);
    scheduler.define('crash', {
      handler: async () => {
        throw new TypeError('undefined is not a function');
      },
    });
    await expect(scheduler.submit('crash', {}).result).rejects.toSatisfy(
      (e: unknown) => isFramewiseError(e, 'INTERNAL') && /undefined is not a function/.test((e as Error).message),
    );
    const rateLimited = scheduler.define('limited', {
      retry: { attempts: 2 },
      handler: async (_: unknown, ctx) => {
        if (ctx.attempt === 1) throw new FramewiseError('RATE_LIMITED', 'quota', { details: {}, retryAfterMs: 20 });
        return ctx.attempt;
      },
    });
    const started = Date.now();
    expect(await rateLimited.submit('limited', {}).result).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
    scheduler.define('always', {
      retry: { attempts: 2, baseMs: 1 },
      handler: async () => {
        throw new FramewiseError('TRANSIENT', 'still down', { details: {} });
      },
    });
    const gaveUp = scheduler.submit('always', {});
    await expect(gaveUp.result).rejects.toThrow(/still down/);
    expect(gaveUp.get().attempts).toBe(2);
  });

  it('cancels queued and running jobs', async () => {
    const { scheduler, block } = blocked();
    let ran = false;
    scheduler.define('never', {
      handler: async () => {
        ran = true;
      },
    });
    const queued = scheduler.submit('never', {});
    expect(queued.cancel()).toBe(true);
    await expect(queued.result).rejects.toSatisfy((e: unknown) => isFramewiseError(e, 'CANCELLED'));
    scheduler.define('long', {
      handler: (_: unknown, ctx) =>
        new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))),
    });
    block.open();
    const running = scheduler.submit('long', {});
    while (running.get().state !== 'running') await tick();
    expect(running.cancel()).toBe(true);
    await expect(running.result).rejects.toSatisfy((e: unknown) => isFramewiseError(e, 'CANCELLED'));
    expect(running.get().state).toBe('cancelled');
    expect(ran).toBe(false);
    expect(running.cancel()).toBe(false);
  });

  it('honours idempotency keys and reuses results of identical work', async () => {
    const scheduler = createScheduler();
    let encodes = 0;
    scheduler.define('ladder', {
      handler: async (input: { source: string }) => {
        encodes++;
        return `renditions of ${input.source}`;
      },
    });
    const a = scheduler.submit('ladder', { source: 'a.mov' }, { idempotencyKey: 'req-1' });
    const again = scheduler.submit('ladder', { source: 'a.mov' }, { idempotencyKey: 'req-1' });
    expect(again.id).toBe(a.id);
    await a.result;
    const first = scheduler.submit('ladder', { source: 'b.mov' }, { dedupeKey: 'sha256:abc|apple-hls-h264' });
    expect(await first.result).toBe('renditions of b.mov');
    const reused = scheduler.submit('ladder', { source: 'b-copy.mov' }, { dedupeKey: 'sha256:abc|apple-hls-h264' });
    expect(reused.id).toBe(first.id);
    expect(await reused.result).toBe('renditions of b.mov');
    expect(encodes).toBe(2);
  });

  it('reports progress as an async iterable and keeps history', async () => {
    const scheduler = createScheduler();
    scheduler.define('encode', {
      handler: async (_: unknown, ctx) => {
        for (const p of [10, 50, 100]) {
          ctx.progress(p);
          await tick();
        }
        return 'ok';
      },
    });
    const handle = scheduler.submit('encode', {}, { tenant: 'drama' });
    const seen: number[] = [];
    for await (const p of handle.progress()) seen.push(p);
    expect(seen).toEqual([10, 50, 100]);
    expect(scheduler.history({ tenant: 'drama', state: 'succeeded' }).map((j) => j.id)).toEqual([handle.id]);
  });

  it('validates kinds, inputs and options naming the field', () => {
    const scheduler = createScheduler();
    scheduler.define('probe', { input: z.object({ path: z.string().min(1) }), handler: async () => 1 });
    expect(() => scheduler.submit('nope', {})).toThrow(/Job kind "nope" is not defined/);
    expect(() => scheduler.submit('probe', { path: '' })).toThrow(/Job "probe" input is invalid: path/);
    expect(() => scheduler.submit('probe', { path: 'a' }, { priority: 'urgent' as never })).toThrow(/priority/);
    expect(() => scheduler.define('probe', { handler: async () => 1 })).toThrow(/already defined/);
  });

  it('drains gracefully: finishes accepted work, refuses new work', async () => {
    const scheduler: Scheduler = createScheduler({ resources: { cpu: 1 } });
    const done: number[] = [];
    scheduler.define('work', {
      handler: async (input: { n: number }) => {
        await tick();
        done.push(input.n);
      },
    });
    for (let n = 0; n < 3; n++) scheduler.submit('work', { n });
    await scheduler.drain();
    expect(done).toEqual([0, 1, 2]);
    expect(() => scheduler.submit('work', { n: 9 })).toThrow(
      expect.objectContaining({ code: 'CONFLICT', message: expect.stringMatching(/closed/) }),
    );
    const other = createScheduler({ resources: { cpu: 1 } });
    other.define('work', { handler: async () => tick() });
    const jobs = [0, 1, 2].map(() => other.submit('work', {}));
    await other.drain({ cancelQueued: true });
    expect(jobs.map((j) => j.get().state)).toEqual(['succeeded', 'cancelled', 'cancelled']);
  });

  it('parses its options once, naming a bad one (INVALID_CONFIG)', () => {
    for (const [options, text] of [
      [{ resources: { cpu: 0 } }, 'resources.cpu'],
      [{ historyLimit: -1 }, 'historyLimit'],
      [{ clock: { now: 5 } }, 'clock: must be a Clock'],
      [{ logger: () => undefined }, 'logger: must be a Logger'],
      [{ tracer: {} }, 'tracer: must be a Tracer'],
      [{ scoring: { agingMs: 'slow' } }, 'scoring.agingMs'],
      [{ definitions: { probe: { run: async () => 1 } } }, 'definitions.probe: must be a job definition'],
    ] as const) {
      expect(() => createScheduler(options as never), text).toThrow(
        expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringContaining(text) }),
      );
    }
  });

  it('logs lifecycle points through the injected logger and opens a span per run', async () => {
    const clock = new TestClock();
    const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
    const logger = Object.fromEntries(
      (['debug', 'info', 'warn', 'error'] as const).map((level) => [
        level,
        (fields: Record<string, unknown>, message: string) => lines.push({ level, message, fields }),
      ]),
    ) as unknown as Logger;
    const spans: { name: string; attributes: Record<string, unknown>; status?: number; ended: boolean }[] = [];
    const tracer: Tracer = {
      startActiveSpan: ((
        name: string,
        options: { attributes?: Record<string, unknown> },
        fn: (s: never) => unknown,
      ) => {
        const span = { name, attributes: { ...options.attributes }, ended: false } as (typeof spans)[number];
        spans.push(span);
        return fn({
          setAttribute: () => undefined,
          recordException: () => undefined,
          setStatus: (s: { code: number }) => {
            span.status = s.code;
          },
          end: () => {
            span.ended = true;
          },
        } as never);
      }) as Tracer['startActiveSpan'],
    };
    let calls = 0;
    const scheduler = createScheduler({
      clock,
      logger,
      tracer,
      definitions: {
        flaky: {
          retry: { attempts: 2, baseMs: 1, maxMs: 1 },
          handler: async () => {
            if (++calls === 1) throw new FramewiseError('TRANSIENT', 'reset', { details: {} });
            return 'ok';
          },
        },
        broken: {
          handler: async () => {
            throw new FramewiseError('INTEGRITY', 'checksum mismatch', { details: {} });
          },
        },
      },
    });
    const flaky = scheduler.submit('flaky', {}, { tenant: 'drama' });
    expect(await flaky.result).toBe('ok');
    await expect(scheduler.submit('broken', {}).result).rejects.toThrow(/checksum/);
    await scheduler.drain();
    const of = (id: string) => lines.filter((l) => l.fields.id === id).map((l) => `${l.level} ${l.message}`);
    expect(of(flaky.id)).toEqual([
      'debug framewise scheduler: job queued',
      'debug framewise scheduler: job started',
      'info framewise scheduler: retry scheduled',
      'debug framewise scheduler: job queued',
      'debug framewise scheduler: job started',
      'info framewise scheduler: job succeeded',
    ]);
    expect(lines.find((l) => l.message.endsWith('retry scheduled'))?.fields).toMatchObject({
      id: flaky.id,
      kind: 'flaky',
      tenant: 'drama',
      attempt: 1,
      code: 'TRANSIENT',
      delayMs: expect.any(Number),
    });
    expect(lines.find((l) => l.message.endsWith('job failed'))?.fields).toMatchObject({
      kind: 'broken',
      code: 'INTEGRITY',
    });
    expect(
      spans.map((s) => [
        s.name,
        s.attributes['framewise.job.kind'],
        s.attributes['framewise.job.attempt'],
        s.status,
        s.ended,
      ]),
    ).toEqual([
      ['framewise.job.run', 'flaky', 1, 2, true],
      ['framewise.job.run', 'flaky', 2, 1, true],
      ['framewise.job.run', 'broken', 1, 2, true],
    ]);
    expect(spans[0]?.attributes).toMatchObject({ 'framewise.job.id': flaky.id, 'framewise.job.tenant': 'drama' });
  });
});
