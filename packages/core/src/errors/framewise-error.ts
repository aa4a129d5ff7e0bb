/**
 * The closed set of error codes every Framewise error carries. Hosts branch on the code, never on
 * the message text.
 *
 * - `INVALID_INPUT`: a value passed to an operation is malformed or out of range.
 * - `INVALID_CONFIG`: options given to a factory or host object are wrong, or the host's setup is
 *   incomplete (an optional peer dependency a subpath needs is not installed).
 * - `NOT_FOUND`: the addressed entity does not exist (or the caller may not know it exists).
 * - `CONFLICT`: the operation clashes with current state (a lease, a version, an overlap).
 * - `FORBIDDEN`: the acting principal may not do this.
 * - `UNSUPPORTED`: the operation is valid but this adapter, rate or format cannot do it.
 * - `TRANSIENT`: a temporary failure; retrying later may succeed.
 * - `RATE_LIMITED`: a remote system asked us to slow down; see `retryAfterMs`.
 * - `AUTH`: credentials are missing, expired or refused.
 * - `INTEGRITY`: stored or received bytes do not match their checksum or expected shape.
 * - `TIMEOUT`: an operation ran out of time.
 * - `CANCELLED`: the caller aborted the operation through its `AbortSignal`.
 * - `INTERNAL`: an invariant of Framewise itself was broken: a bug to report.
 */
export type FramewiseErrorCode =
  | 'INVALID_INPUT'
  | 'INVALID_CONFIG'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'FORBIDDEN'
  | 'UNSUPPORTED'
  | 'TRANSIENT'
  | 'RATE_LIMITED'
  | 'AUTH'
  | 'INTEGRITY'
  | 'TIMEOUT'
  | 'CANCELLED'
  | 'INTERNAL';

/** Every {@link FramewiseErrorCode}, in declaration order. */
export const FRAMEWISE_ERROR_CODES: readonly FramewiseErrorCode[] = Object.freeze([
  'INVALID_INPUT',
  'INVALID_CONFIG',
  'NOT_FOUND',
  'CONFLICT',
  'FORBIDDEN',
  'UNSUPPORTED',
  'TRANSIENT',
  'RATE_LIMITED',
  'AUTH',
  'INTEGRITY',
  'TIMEOUT',
  'CANCELLED',
  'INTERNAL',
]);

/** Options accepted by the {@link FramewiseError} constructor. */
export interface FramewiseErrorOptions {
  /** The underlying error (a vendor SDK error, a system error), kept for diagnosis. */
  readonly cause?: unknown;
  /**
   * Structured facts about the failure (the offending input, limits, identifiers). Never put
   * credentials here: details are logged and stored.
   */
  readonly details?: Readonly<Record<string, unknown>>;
  /** For `RATE_LIMITED` and `TRANSIENT`: how long the remote side asked us to wait. */
  readonly retryAfterMs?: number;
}

const BRAND = Symbol.for('framewise.error');

/**
 * The one error type Framewise throws. Its `message` names the offending input; its `code` is one
 * of {@link FramewiseErrorCode}; the vendor error, if any, is kept as `cause`.
 *
 * Check errors with {@link isFramewiseError} rather than `instanceof`: two copies of
 * `@framewise/core` in one process (a common result of package manager hoisting) share the brand
 * but not the class.
 *
 * @example
 * ```ts
 * try {
 *   Timecode.parse('00:01:00;00', FrameRate.FPS_29_97_DF);
 * } catch (e) {
 *   if (isFramewiseError(e, 'INVALID_INPUT')) console.error(e.message);
 * }
 * ```
 */
export class FramewiseError extends Error {
  /** What kind of failure this is. */
  readonly code: FramewiseErrorCode;
  /** Structured facts about the failure. */
  readonly details: Readonly<Record<string, unknown>>;
  /** For `RATE_LIMITED` and `TRANSIENT`: how long to wait before retrying, if known. */
  readonly retryAfterMs: number | undefined;
  constructor(code: FramewiseErrorCode, message: string, options: FramewiseErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FramewiseError';
    this.code = code;
    this.details = Object.freeze({ ...(options.details ?? {}) });
    this.retryAfterMs = options.retryAfterMs;
    Object.defineProperty(this, BRAND, { value: true, enumerable: false });
  }

  /** A plain object for structured logs: name, code, message, details, and the cause's message. */
  toJSON(): Record<string, unknown> {
    const cause = this.cause;
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      details: this.details,
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
      ...(cause === undefined ? {} : { cause: messageOf(cause) }),
    };
  }
}

/**
 * True when `value` is a {@link FramewiseError} (from any copy of `@framewise/core`), and, when
 * `code` is given, carries that code.
 *
 * @example
 * ```ts
 * if (isFramewiseError(err, 'RATE_LIMITED')) await sleep(err.retryAfterMs ?? 1000);
 * ```
 */
export function isFramewiseError(value: unknown, code?: FramewiseErrorCode): value is FramewiseError {
  if (typeof value !== 'object' || value === null) return false;
  try {
    if ((value as Record<symbol, unknown>)[BRAND] !== true) return false;
    return code === undefined || (value as FramewiseError).code === code;
  } catch {
    return false; // a Proxy whose traps throw is not a FramewiseError
  }
}

/**
 * Any thrown value as a {@link FramewiseError}: a FramewiseError as it is, anything else as
 * `INTERNAL` with the message `"<what> failed: <its message>"` and the original as `cause`.
 *
 * @example
 * ```ts
 * catch (raw) { throw asFramewiseError(raw, `Job "${id}"`, { id }); }
 * ```
 */
export function asFramewiseError(
  raw: unknown,
  what: string,
  details: Readonly<Record<string, unknown>> = {},
): FramewiseError {
  if (isFramewiseError(raw)) return raw;
  return new FramewiseError('INTERNAL', `${what} failed: ${messageOf(raw)}`, {
    cause: raw,
    details,
  });
}

/**
 * The message of any thrown value, without ever throwing itself: an `Error`'s message, a string as
 * it is, anything else described safely (a null-prototype object, a `toString` or `message` getter
 * that throws, a Proxy whose traps throw all give a description, never a second exception).
 *
 * @example
 * ```ts
 * messageOf(new Error('disk full')); // 'disk full'
 * messageOf(Object.create(null)); // '{}'
 * ```
 */
export function messageOf(raw: unknown): string {
  try {
    if (typeof raw === 'string') return raw;
    if (raw instanceof Error && typeof raw.message === 'string') return raw.message;
    if (typeof raw === 'object' && raw !== null) {
      const message = (raw as { message?: unknown }).message;
      if (typeof message === 'string') return message;
    }
  } catch {
    // A throwing getter or trap: describe the value instead.
  }
  return describeInput(raw);
}

/**
 * Quote a user-supplied value for an error message: strings are JSON-quoted and cut to 80
 * characters, so control characters and huge inputs never reach a log line raw.
 */
export function describeInput(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (typeof value === 'bigint') text = `${value}n`;
  else if (typeof value === 'number' || typeof value === 'boolean' || value == null) text = String(value);
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      try {
        text = Object.prototype.toString.call(value);
      } catch {
        text = `[${typeof value}]`;
      }
    }
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
