/** Structured fields of one log line (ids, counts, durations). Never credentials. */
export type LogFields = Record<string, unknown>;

/**
 * The logging port, in pino's argument order: `(fields, message)`. Framewise never writes to the
 * console; hosts inject a logger. A pino logger (or a child of one) fits as it is; anything with
 * pino-compatible `debug`/`info`/`warn`/`error` methods does too. Messages and fields never contain
 * credentials.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * const scheduler = createScheduler({ logger: pino() });
 * ```
 */
export interface Logger {
  /** Detail for diagnosing a run: per-item steps, retries decided, resumes. */
  debug(fields: LogFields, message: string): void;
  /** Lifecycle points: a job started or finished, a delivery went live, a copy was made. */
  info(fields: LogFields, message: string): void;
  /** Something went wrong and was handled: a retry, a lost connection, an event not recorded. */
  warn(fields: LogFields, message: string): void;
  /** Something went wrong and was not handled here. */
  error(fields: LogFields, message: string): void;
}

const noop = (): void => {};

/** A logger that drops everything: the default. */
export const silentLogger: Logger = Object.freeze({ debug: noop, info: noop, warn: noop, error: noop });

/** A source of the current time, injectable so tests and simulations control it. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** The system clock. */
export const systemClock: Clock = Object.freeze({ now: () => Date.now() });
