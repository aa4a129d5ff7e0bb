import { z } from 'zod';
import type { Clock, Logger } from './logger.js';
import type { Tracer } from './observability.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/**
 * A predicate for `z.custom`: the value is an object with every one of these methods (a catalog, a
 * storage, a store passed as an option, recognised by shape rather than by class).
 *
 * @example
 * ```ts
 * const CatalogSchema = z.custom<Catalog>(hasMethods('getVersion', 'addAnnotations'), 'must be a Catalog');
 * ```
 */
export function hasMethods(...names: string[]): (value: unknown) => boolean {
  return (value) => isObject(value) && names.every((name) => typeof value[name] === 'function');
}

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
