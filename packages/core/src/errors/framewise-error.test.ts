import { describe, expect, it } from 'vitest';
import { asFramewiseError, describeInput, FRAMEWISE_ERROR_CODES, FramewiseError, isFramewiseError } from './index.js';

describe('FramewiseError', () => {
  it('carries code, message, details and cause', () => {
    const cause = new Error('socket hang up');
    const error = new FramewiseError('TRANSIENT', 'Upload of "a.mxf" failed', {
      cause,
      details: { key: 'a.mxf' },
      retryAfterMs: 500,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('FramewiseError');
    expect(error.code).toBe('TRANSIENT');
    expect(error.cause).toBe(cause);
    expect(error.details).toEqual({ key: 'a.mxf' });
    expect(error.toJSON()).toEqual({
      name: 'FramewiseError',
      code: 'TRANSIENT',
      message: 'Upload of "a.mxf" failed',
      details: { key: 'a.mxf' },
      retryAfterMs: 500,
      cause: 'socket hang up',
    });
  });

  it('is recognised by brand, not by class identity', () => {
    const error = new FramewiseError('NOT_FOUND', 'x');
    expect(isFramewiseError(error)).toBe(true);
    expect(isFramewiseError(error, 'NOT_FOUND')).toBe(true);
    expect(isFramewiseError(error, 'CONFLICT')).toBe(false);
    // A copy from another module instance has the same global brand.
    const foreign = Object.assign(new Error('x'), { code: 'CONFLICT' });
    Object.defineProperty(foreign, Symbol.for('framewise.error'), { value: true });
    expect(isFramewiseError(foreign, 'CONFLICT')).toBe(true);
    expect(isFramewiseError(new Error('x'))).toBe(false);
    expect(isFramewiseError(null)).toBe(false);
    expect(isFramewiseError({ code: 'CONFLICT' })).toBe(false);
  });

  it('lists a closed set of codes', () => {
    expect(FRAMEWISE_ERROR_CODES).toContain('INVALID_INPUT');
    expect(new Set(FRAMEWISE_ERROR_CODES).size).toBe(FRAMEWISE_ERROR_CODES.length);
  });

  it('quotes inputs safely for messages', () => {
    expect(describeInput('a\nb')).toBe('"a\\nb"');
    expect(describeInput('x'.repeat(500)).length).toBe(80);
    expect(describeInput(12)).toBe('12');
    expect(describeInput(undefined)).toBe('undefined');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(describeInput(cyclic)).toBe('[object Object]');
  });
});

describe('asFramewiseError', () => {
  it('keeps a FramewiseError, and turns anything else into INTERNAL naming what failed, with the cause', () => {
    const typed = new FramewiseError('TRANSIENT', 'busy');
    expect(asFramewiseError(typed, 'Upload')).toBe(typed);
    const raw = new TypeError('x is not a function');
    const wrapped = asFramewiseError(raw, 'Job "ladder-1"', { id: 'ladder-1' });
    expect(wrapped).toMatchObject({ code: 'INTERNAL', details: { id: 'ladder-1' } });
    expect(wrapped.message).toBe('Job "ladder-1" failed: x is not a function');
    expect(wrapped.cause).toBe(raw);
    expect(asFramewiseError('plain string', 'Probe').message).toBe('Probe failed: plain string');
  });
});
