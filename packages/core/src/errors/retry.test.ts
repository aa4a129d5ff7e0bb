import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  FRAMEWISE_ERROR_CODES,
  FramewiseError,
  isFramewiseError,
  isRetryable,
  MAX_RETRY_WAIT_MS,
  messageOf,
  RETRYABLE_CODES,
  retryAfterOf,
  waitToRetry,
} from './index.js';

describe('isRetryable', () => {
  it('retries TRANSIENT, RATE_LIMITED and TIMEOUT and nothing else', () => {
    const retried = FRAMEWISE_ERROR_CODES.filter((code) => isRetryable(new FramewiseError(code, 'x')));
    expect(retried).toEqual(['TRANSIENT', 'RATE_LIMITED', 'TIMEOUT']);
    expect([...RETRYABLE_CODES].sort()).toEqual([...retried].sort());
  });

  it('retries raw system errors that say "later", not unknown ones', () => {
    const sys = (code: string) => Object.assign(new Error(code), { code });
    expect(isRetryable(sys('ECONNRESET'))).toBe(true);
    expect(isRetryable(sys('ECONNREFUSED'))).toBe(true);
    expect(isRetryable(new TypeError('fetch failed', { cause: sys('ECONNREFUSED') }))).toBe(true);
    expect(isRetryable(sys('EACCES'))).toBe(false);
    expect(isRetryable(new TypeError('undefined is not a function'))).toBe(false);
    expect(isRetryable('ECONNRESET')).toBe(false);
    expect(isRetryable(undefined)).toBe(false);
  });

  it('reads retryAfterMs only from Framewise errors, and only when positive', () => {
    expect(retryAfterOf(new FramewiseError('RATE_LIMITED', 'x', { retryAfterMs: 1500 }))).toBe(1500);
    expect(retryAfterOf(new FramewiseError('RATE_LIMITED', 'x', { retryAfterMs: 0 }))).toBeUndefined();
    expect(retryAfterOf({ retryAfterMs: 1500 })).toBeUndefined();
  });
});

describe('backoffMs', () => {
  it('doubles from the base up to the cap without jitter', () => {
    const policy = { baseMs: 1_000, maxMs: 5_000, jitter: 'none' } as const;
    expect([1, 2, 3, 4, 5].map((a) => backoffMs(a, policy))).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
  });

  it('never waits less than the remote asked', () => {
    expect(backoffMs(1, { baseMs: 1_000, jitter: 'none' }, 30_000)).toBe(30_000);
    expect(backoffMs(3, { baseMs: 1_000, jitter: 'none' }, 10)).toBe(4_000);
  });

  it('stays within its jitter band, at most the cap, at least retryAfterMs (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.option(fc.integer({ min: 0, max: 10_000_000 }), { nil: undefined }),
        fc.constantFrom('full', 'equal', 'none') as fc.Arbitrary<'full' | 'equal' | 'none'>,
        fc.option(fc.integer({ min: 1, max: 10_000_000 }), { nil: undefined }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, baseMs, maxMs, jitter, after, u) => {
          const delay = backoffMs(
            attempt,
            { baseMs, ...(maxMs === undefined ? {} : { maxMs }), jitter },
            after,
            () => u,
          );
          const ceiling = Math.min(
            baseMs * 2 ** Math.min(60, attempt - 1),
            maxMs ?? Number.POSITIVE_INFINITY,
            MAX_RETRY_WAIT_MS,
          );
          expect(Number.isFinite(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(after ?? 0);
          expect(delay).toBeLessThanOrEqual(Math.max(Math.round(ceiling), after ?? 0));
          if (jitter !== 'full') expect(delay).toBeGreaterThanOrEqual(Math.round(ceiling / 2) - 1);
        },
      ),
    );
  });
});

describe('waitToRetry', () => {
  it('waits, or stops with CANCELLED when aborted before or while waiting', async () => {
    await waitToRetry(1);
    const before = new AbortController();
    before.abort();
    await expect(waitToRetry(60_000, before.signal)).rejects.toSatisfy((e: unknown) =>
      isFramewiseError(e, 'CANCELLED'),
    );
    const during = new AbortController();
    const waiting = waitToRetry(60_000, during.signal);
    during.abort();
    await expect(waiting).rejects.toSatisfy((e: unknown) => isFramewiseError(e, 'CANCELLED'));
  });
});

describe('waits a timer can hold', () => {
  it('keeps every backoff finite, non-negative and at most MAX_RETRY_WAIT_MS, whatever the inputs', () => {
    const odd = fc.oneof(fc.double(), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1, 1e300, 2 ** 40));
    fc.assert(
      fc.property(
        odd,
        odd,
        fc.option(odd, { nil: undefined }),
        fc.option(odd, { nil: undefined }),
        (attempt, baseMs, maxMs, asked) => {
          const policy = maxMs === undefined ? { baseMs } : { baseMs, maxMs };
          const ms = backoffMs(attempt, policy, asked);
          return Number.isFinite(ms) && ms >= 0 && ms <= MAX_RETRY_WAIT_MS;
        },
      ),
    );
    expect(backoffMs(1, { baseMs: 1_000, jitter: 'none' }, 3e9)).toBe(MAX_RETRY_WAIT_MS);
    expect(backoffMs(1e6, { baseMs: 1_000, jitter: 'none' })).toBe(MAX_RETRY_WAIT_MS);
    expect(retryAfterOf(new FramewiseError('RATE_LIMITED', 'x', { retryAfterMs: 3e9 }))).toBe(MAX_RETRY_WAIT_MS);
  });

  it('does not fire a wait longer than a timer holds at once', async () => {
    // Node turns a delay of 2^31 ms or more into 1 ms: the wait must be cut to the maximum instead.
    const controller = new AbortController();
    const waiting = waitToRetry(2 ** 31 + 10, controller.signal);
    const early = await Promise.race([
      waiting.then(() => 'fired'),
      new Promise((r) => setTimeout(() => r('waiting'), 50)),
    ]);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(early).toBe('waiting');
  });
});

describe('isRetryable and messageOf with hostile values', () => {
  const throwingCode = {
    get code(): string {
      throw new Error('getter');
    },
  };
  const trap = new Proxy(
    {},
    {
      get() {
        throw new Error('trap');
      },
      getPrototypeOf() {
        throw new Error('trap');
      },
    },
  );
  it('answers false instead of throwing', () => {
    expect(isRetryable(throwingCode)).toBe(false);
    expect(isRetryable(trap)).toBe(false);
  });
  it('describes anything thrown without throwing', () => {
    expect(messageOf(new Error('disk full'))).toBe('disk full');
    expect(messageOf('plain')).toBe('plain');
    expect(messageOf(Object.create(null))).toBe('{}');
    expect(typeof messageOf(trap)).toBe('string');
    expect(
      typeof messageOf({
        toString() {
          throw new Error('no');
        },
      }),
    ).toBe('string');
    expect(messageOf(null)).toBe('null');
  });
});
