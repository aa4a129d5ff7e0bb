import { describe, expect, it } from 'vitest';
import { FramewiseError, MAX_RETRY_WAIT_MS } from '../errors/index.js';
import { outcomeOf, outcomeOfHttp, parseRetryAfter } from './outcome.js';

describe('outcomeOf', () => {
  it('follows the one retry rule for Framewise errors, keeping retryAfterMs', () => {
    expect(outcomeOf(new FramewiseError('RATE_LIMITED', 'slow down', { retryAfterMs: 2_000 }), 'upload')).toEqual({
      kind: 'retry',
      afterMs: 2_000,
      reason: 'upload: slow down',
    });
    expect(outcomeOf(new FramewiseError('TIMEOUT', 'no answer'))).toMatchObject({ kind: 'retry', afterMs: 0 });
    expect(outcomeOf(new FramewiseError('AUTH', 'refused'))).toEqual({ kind: 'auth-required', reason: 'refused' });
    expect(outcomeOf(new FramewiseError('FORBIDDEN', 'no'))).toEqual({
      kind: 'failed',
      code: 'FORBIDDEN',
      message: 'no',
    });
  });

  it('retries raw network errors, asks for credentials on EACCES, fails unknown errors as INTERNAL', () => {
    const sys = (code: string) => Object.assign(new Error(`${code} x`), { code });
    expect(outcomeOf(sys('ECONNRESET'))).toMatchObject({ kind: 'retry', afterMs: 0 });
    expect(outcomeOf(sys('EACCES'))).toMatchObject({ kind: 'auth-required' });
    expect(outcomeOf(new TypeError('boom'), 'poll')).toEqual({
      kind: 'failed',
      code: 'INTERNAL',
      message: 'poll: boom',
    });
  });
});

describe('outcomeOfHttp', () => {
  const now = Date.parse('2027-01-01T00:00:00Z');
  it('is undefined for success statuses', () => {
    expect(outcomeOfHttp(200, null)).toBeUndefined();
    expect(outcomeOfHttp(204, null)).toBeUndefined();
  });

  it('retries 408, 429 and 5xx after Retry-After (seconds or a date)', () => {
    expect(outcomeOfHttp(429, '3')).toEqual({ kind: 'retry', afterMs: 3_000, reason: 'HTTP 429' });
    expect(outcomeOfHttp(503, 'Fri, 01 Jan 2027 00:00:10 GMT', 'GET /x: HTTP 503', now)).toEqual({
      kind: 'retry',
      afterMs: 10_000,
      reason: 'GET /x: HTTP 503',
    });
    expect(outcomeOfHttp(408, null)).toMatchObject({ kind: 'retry', afterMs: 0 });
    expect(outcomeOfHttp(302, null)).toMatchObject({ kind: 'retry' });
  });

  it('sorts 4xx into auth-required and typed failures', () => {
    expect(outcomeOfHttp(401, null)).toMatchObject({ kind: 'auth-required' });
    const codes = [403, 404, 409, 410, 422, 501].map((s) => (outcomeOfHttp(s, null) as { code: string }).code);
    expect(codes).toEqual(['FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'NOT_FOUND', 'INVALID_INPUT', 'UNSUPPORTED']);
  });

  it('reads Retry-After leniently', () => {
    expect(parseRetryAfter(null)).toBe(0);
    expect(parseRetryAfter('  ')).toBe(0);
    expect(parseRetryAfter('not a date')).toBe(0);
    expect(parseRetryAfter('1.5')).toBe(1_500);
    expect(parseRetryAfter('Thu, 31 Dec 2026 23:59:00 GMT', now)).toBe(0);
  });

  it('refuses Retry-After forms outside the spec and caps what a timer cannot hold', () => {
    for (const header of ['0x10', '1e12', '-5', '+5', 'Infinity', 'NaN'])
      expect(parseRetryAfter(header), header).toBe(0);
    expect(parseRetryAfter('99999999999')).toBe(MAX_RETRY_WAIT_MS);
    expect(parseRetryAfter('Fri, 31 Dec 9999 23:59:59 GMT', 0)).toBe(MAX_RETRY_WAIT_MS);
    expect(outcomeOfHttp(429, '10000000000000')).toMatchObject({ kind: 'retry', afterMs: MAX_RETRY_WAIT_MS });
    expect(outcomeOfHttp(503, Number.NaN)).toMatchObject({ kind: 'retry', afterMs: 0 });
    expect(outcomeOfHttp(503, Number.POSITIVE_INFINITY)).toMatchObject({ kind: 'retry', afterMs: MAX_RETRY_WAIT_MS });
  });
});

describe('outcomeOf with values that are not errors', () => {
  const hostile: [string, unknown][] = [
    ['a null-prototype object', Object.create(null)],
    [
      'an object whose toString throws',
      {
        toString() {
          throw new Error('no');
        },
      },
    ],
    [
      'an object whose message getter throws',
      {
        get message() {
          throw new Error('no');
        },
      },
    ],
    [
      'a Proxy whose traps throw',
      new Proxy(
        {},
        {
          get() {
            throw new Error('trap');
          },
          getPrototypeOf() {
            throw new Error('trap');
          },
        },
      ),
    ],
    ['null', null],
    ['a symbol', Symbol('s')],
  ];
  it.each(hostile)('turns %s into a failed INTERNAL outcome without throwing', (_, value) => {
    expect(outcomeOf(value, 'upload')).toMatchObject({ kind: 'failed', code: 'INTERNAL' });
  });
});
