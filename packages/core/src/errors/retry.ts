/**
 * The one retry rule of Framewise: which failures are worth another attempt, and how long to wait
 * before it. The scheduler, the BullMQ worker, object storage, the distributor and the
 * distribution adapters all decide through these functions; only their policies (base, cap,
 * jitter, attempts) differ.
 */
import { FramewiseError, type FramewiseErrorCode, isFramewiseError } from './framewise-error.js';

/**
 * The error codes a retry may cure: `TRANSIENT`, `RATE_LIMITED` and `TIMEOUT`. Everything else
 * (bad input, missing things, refused credentials, integrity failures, cancellation, bugs) fails at
 * once: retrying would give the same answer.
 */
export const RETRYABLE_CODES: ReadonlySet<FramewiseErrorCode> = new Set<FramewiseErrorCode>([
  'TRANSIENT',
  'RATE_LIMITED',
  'TIMEOUT',
]);

/**
 * Node.js system error codes (`error.code` of a socket or file error, or of the `cause` of `fetch`'s
 * "fetch failed") that say "try again later": a connection refused, reset or timed out, a host or
 * network unreachable, a DNS lookup that failed for now, a resource busy or exhausted for now.
 */
export const TRANSIENT_SYSTEM_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'EAGAIN',
  'EBUSY',
  'EMFILE',
  'ENFILE',
  'ENOSPC',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/**
 * True when another attempt may succeed: a {@link FramewiseError} whose code is in
 * {@link RETRYABLE_CODES}, or a raw error whose `code` (or whose `cause`'s, as with `fetch`) is in
 * {@link TRANSIENT_SYSTEM_CODES}. Anything else (including a raw error of unknown kind) is not.
 *
 * @example
 * ```ts
 * if (isRetryable(error) && attempt < 3) await sleep(backoffMs(attempt, { baseMs: 200 }, retryAfterOf(error)));
 * ```
 */
export function isRetryable(error: unknown): boolean {
  try {
    if (isFramewiseError(error)) return RETRYABLE_CODES.has(error.code);
    let raw: unknown = error;
    for (let depth = 0; depth < 3 && typeof raw === 'object' && raw !== null; depth++) {
      const code = (raw as { code?: unknown }).code;
      if (typeof code === 'string' && TRANSIENT_SYSTEM_CODES.has(code)) return true;
      raw = (raw as { cause?: unknown }).cause;
    }
  } catch {
    // A getter or Proxy trap that throws: a value of unknown kind, not worth retrying.
  }
  return false;
}

/**
 * The longest wait before a retry: 2³¹−1 ms (about 24.8 days), the longest delay a timer can
 * hold. Longer requests (a `Retry-After` years ahead, a runaway backoff) are cut to it.
 */
export const MAX_RETRY_WAIT_MS = 2_147_483_647;

/** A wait in ms made finite, non-negative and at most {@link MAX_RETRY_WAIT_MS}; NaN counts as 0. */
function clampWait(ms: number): number {
  return ms > 0 ? Math.min(ms, MAX_RETRY_WAIT_MS) : 0;
}

/** How long the remote side asked to wait, from a {@link FramewiseError}'s `retryAfterMs`; else undefined. */
export function retryAfterOf(error: unknown): number | undefined {
  if (!isFramewiseError(error)) return undefined;
  const ms = error.retryAfterMs;
  return ms !== undefined && ms > 0 ? clampWait(ms) : undefined;
}

/**
 * A backoff policy: exponential from `baseMs`, doubling each attempt, capped at `maxMs`, with
 * jitter so that many clients failing together do not retry together.
 */
export interface BackoffPolicy {
  /** The delay before the first retry, before jitter. */
  readonly baseMs: number;
  /** The largest delay before jitter (default: no cap). */
  readonly maxMs?: number;
  /**
   * `full` (default): uniformly between 0 and the exponential delay (AWS's "full jitter", best at
   * spreading a thundering herd); `equal`: between half of it and all of it (never much shorter);
   * `none`: exactly it (for schedules a person reads, like a distribution record's next attempt).
   */
  readonly jitter?: 'full' | 'equal' | 'none';
}

/**
 * The delay before retry `attempt` (1 = the first retry): `min(maxMs, baseMs × 2^(attempt-1))`
 * with the policy's jitter, and never shorter than `retryAfterMs` when the remote side asked for a
 * wait (a `Retry-After` header, a rate limit's reset).
 *
 * @param random a source of uniform numbers in [0, 1), for tests.
 * @example
 * ```ts
 * backoffMs(3, { baseMs: 1_000, maxMs: 60_000, jitter: 'none' }); // 4000
 * backoffMs(1, { baseMs: 1_000, jitter: 'none' }, 30_000); // 30000: the remote asked for 30 s
 * ```
 */
export function backoffMs(
  attempt: number,
  policy: BackoffPolicy,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  // NaN attempts count as the first; NaN or negative bases and caps as 0; the result never exceeds
  // MAX_RETRY_WAIT_MS, whatever the inputs.
  const exponent = attempt > 1 ? Math.min(60, Math.floor(attempt) - 1) : 0;
  const raw = clampWait(policy.baseMs) * 2 ** exponent;
  const capped = policy.maxMs === undefined ? raw : Math.min(raw, clampWait(policy.maxMs));
  const jitter = policy.jitter ?? 'full';
  const delay =
    jitter === 'none' ? capped : jitter === 'equal' ? capped / 2 + random() * (capped / 2) : random() * capped;
  const asked = retryAfterMs === undefined ? 0 : clampWait(retryAfterMs);
  return clampWait(Math.max(Math.round(delay), Math.ceil(asked)));
}

/**
 * Wait `ms` before a retry, or stop at once when `signal` aborts.
 *
 * @throws `CANCELLED` when `signal` is aborted (before or while waiting).
 */
export function waitToRetry(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const cancelled = () => new FramewiseError('CANCELLED', `Cancelled while waiting ${Math.round(ms)} ms to retry`);
    if (signal?.aborted === true) return reject(cancelled());
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, clampWait(ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
