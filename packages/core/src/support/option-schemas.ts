import { z } from 'zod';
import type { Clock, Logger } from './logger.js';
import type { Tracer } from './observability.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** The `clock` option every factory takes: anything with `now()` returning epoch milliseconds. */
export const ClockSchema = z.custom<Clock>(
  (v) => isObject(v) && typeof v.now === 'function',
  'must be a Clock (an object with now() returning epoch milliseconds)',
);

/** The `logger` option every factory takes: a pino logger or anything with its four methods. */
export const LoggerSchema = z.custom<Logger>(
  (v) => isObject(v) && ['debug', 'info', 'warn', 'error'].every((m) => typeof v[m] === 'function'),
  'must be a Logger (pino-compatible debug/info/warn/error methods)',
);

/** The `tracer` option: an OpenTelemetry `Tracer` or anything with its `startActiveSpan`. */
export const TracerSchema = z.custom<Tracer>(
  (v) => isObject(v) && typeof v.startActiveSpan === 'function',
  'must be a Tracer (OpenTelemetry-compatible startActiveSpan)',
);
