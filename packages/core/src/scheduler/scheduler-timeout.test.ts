import { describe, expect, it } from 'vitest';
import { DEFAULT_JOB_TIMEOUT_MS } from './options.js';
import { createScheduler } from './scheduler.js';

describe('Scheduler job timeout', () => {
  it('frees the slot of a handler that never settles, fails it as TIMEOUT with its signal aborted, and drain completes', async () => {
    const scheduler = createScheduler({ resources: { cpu: 1 }, jobTimeoutMs: 100 });
    let seen: AbortSignal | undefined;
    scheduler.define('hang', {
      retry: { attempts: 1 },
      handler: (_input: unknown, { signal }) => {
        seen = signal;
        return new Promise<never>(() => {});
      },
    });
    scheduler.define('good', { handler: async () => 'ok' });
    const hung = scheduler.submit('hang', {});
    const good = scheduler.submit('good', {});
    await expect(hung.result).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(hung.get().state).toBe('failed');
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toMatchObject({ code: 'TIMEOUT' });
    await expect(good.result).resolves.toBe('ok');
    await scheduler.drain();
    expect(scheduler.stats().resources.cpu ?? 0).toBe(0);
  });

  it('retries a timed-out job while attempts remain (TIMEOUT is retryable); a definition overrides the default', async () => {
    const scheduler = createScheduler({ resources: { cpu: 1 } });
    let calls = 0;
    scheduler.define('slow-first', {
      timeoutMs: 50,
      retry: { attempts: 2, baseMs: 1, maxMs: 1 },
      handler: async () => {
        calls++;
        if (calls === 1) await new Promise(() => {});
        return calls;
      },
    });
    await expect(scheduler.submit('slow-first', {}).result).resolves.toBe(2);
    await scheduler.drain();
  });

  it('has a default and refuses a bad timeout naming it', () => {
    expect(DEFAULT_JOB_TIMEOUT_MS).toBe(6 * 3_600_000);
    expect(() => createScheduler({ jobTimeoutMs: -1 })).toThrow(/jobTimeoutMs/);
    const scheduler = createScheduler();
    expect(() => scheduler.define('x', { timeoutMs: 0, handler: async () => 1 })).toThrow(/timeoutMs/);
    expect(() => scheduler.define('y', { timeoutMs: Number.NaN, handler: async () => 1 })).toThrow(/timeoutMs/);
  });

  it('survives state listeners and loggers that throw hostile values, and keeps serving the queue', async () => {
    const hostile = {
      toString() {
        throw new Error('no');
      },
    };
    const logger = {
      debug: () => {
        throw Object.create(null);
      },
      info: () => {
        throw hostile;
      },
      warn: () => {
        throw hostile;
      },
      error: () => {
        throw hostile;
      },
    };
    const scheduler = createScheduler({ resources: { cpu: 1 }, logger });
    scheduler.on('state', () => {
      throw hostile;
    });
    scheduler.on('progress', () => {
      throw Object.create(null);
    });
    scheduler.define('bad', {
      retry: { attempts: 1 },
      handler: async () => {
        throw hostile;
      },
    });
    scheduler.define('good', {
      handler: async (_i: unknown, { progress }) => {
        progress(50);
        return 'ok';
      },
    });
    const bad = scheduler.submit('bad', {});
    const good = scheduler.submit('good', {});
    await expect(bad.result).rejects.toMatchObject({ code: 'INTERNAL' });
    await expect(good.result).resolves.toBe('ok');
    await scheduler.drain();
  });
});
