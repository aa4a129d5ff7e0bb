import {
  type FramewiseErrorCode,
  isFramewiseError,
  isRetryable,
  MAX_RETRY_WAIT_MS,
  messageOf,
  retryAfterOf,
} from '../errors/index.js';
import type { DistributionOutcome } from './port.js';

/** A {@link DistributionOutcome} other than success: what a refused or failed call comes to. */
export type DistributionFailureOutcome = Exclude<DistributionOutcome, { readonly kind: 'success' }>;

/** Raw system error codes that mean the credentials or permissions were refused. */
const REFUSED_SYSTEM_CODES: ReadonlySet<string> = new Set(['EACCES', 'EPERM']);

/**
 * The outcome a thrown value means, for distribution adapters and the distributor: the one retry
 * rule ({@link isRetryable}) gives `retry` (after the error's `retryAfterMs`, else 0: the
 * distributor's backoff applies either way); `AUTH` (or a raw `EACCES`/`EPERM`) gives
 * `auth-required`; any other `FramewiseError` fails with its code; any other raw error fails
 * as `INTERNAL` (a bug to look at, not to retry eight times). `what` prefixes the reason.
 *
 * @example
 * ```ts
 * try { await transport.write(path, body, 0); } catch (error) { return outcomeOf(error, `upload of "${path}"`); }
 * ```
 */
export function outcomeOf(error: unknown, what?: string): DistributionFailureOutcome {
  const said = (message: string) => (what === undefined ? message : `${what}: ${message}`);
  const message = messageOf(error);
  if (isRetryable(error)) return { kind: 'retry', afterMs: retryAfterOf(error) ?? 0, reason: said(message) };
  if (isFramewiseError(error))
    return error.code === 'AUTH'
      ? { kind: 'auth-required', reason: said(message) }
      : { kind: 'failed', code: error.code, message: said(message) };
  let code: unknown;
  try {
    code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  } catch {
    code = undefined; // a throwing getter: a value of unknown kind
  }
  if (typeof code === 'string' && REFUSED_SYSTEM_CODES.has(code))
    return { kind: 'auth-required', reason: said(message) };
  return { kind: 'failed', code: 'INTERNAL', message: said(message) };
}

/**
 * Milliseconds an HTTP `Retry-After` value asks for: delay-seconds (`"120"`) or an HTTP date
 * (relative to `now`); 0 when absent or unreadable.
 */
export function parseRetryAfter(header: string | null | undefined, now: number = Date.now()): number {
  if (header === null || header === undefined) return 0;
  const text = header.trim();
  // RFC 9110: delay-seconds is 1*DIGIT (a decimal fraction is tolerated, as some APIs send one);
  // anything else must be an HTTP-date. Hex, exponents and signs are neither.
  if (/^\d+(\.\d+)?$/.test(text)) return Math.min(Math.round(Number(text) * 1000), MAX_RETRY_WAIT_MS);
  if (!/[a-z]/i.test(text)) return 0;
  const at = Date.parse(text);
  return Number.isNaN(at) ? 0 : Math.min(Math.max(0, at - now), MAX_RETRY_WAIT_MS);
}

const FAILED_CODE_OF_STATUS: Readonly<Record<number, FramewiseErrorCode>> = {
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'UNSUPPORTED',
  409: 'CONFLICT',
  410: 'NOT_FOUND',
  412: 'CONFLICT',
  501: 'UNSUPPORTED',
};

/**
 * The outcome an HTTP status means, for adapters of HTTP APIs; `undefined` for 1xx and 2xx (the
 * adapter builds its success). 408, 425, 429 and 5xx (but 501) are retryable after `Retry-After`
 * (seconds or an HTTP date; 0 when absent); a 3xx the adapter did not follow is retryable too (a
 * proxy's redirect); 401 needs credentials; 403 is `FORBIDDEN` (the credentials are good but may
 * not do this); 404 and 410 `NOT_FOUND`; 409 and 412 `CONFLICT`; 405 and 501 `UNSUPPORTED`; any
 * other 4xx `INVALID_INPUT`. `reason` is the outcome's reason or message (default `HTTP <status>`).
 * Vendor-specific answers (a daily quota that parks work) are the adapter's to read first.
 *
 * @example
 * ```ts
 * const outcome = outcomeOfHttp(response.status, response.headers.get('retry-after'), `PUT /packages/a1: HTTP ${response.status}`);
 * if (outcome !== undefined) return outcome;
 * ```
 */
export function outcomeOfHttp(
  status: number,
  retryAfter: string | number | null | undefined,
  reason = `HTTP ${status}`,
  now: number = Date.now(),
): DistributionFailureOutcome | undefined {
  if (status >= 100 && status < 300) return undefined;
  const afterMs =
    typeof retryAfter === 'number'
      ? retryAfter > 0
        ? Math.min(retryAfter, MAX_RETRY_WAIT_MS)
        : 0
      : parseRetryAfter(retryAfter, now);
  if (status === 408 || status === 425 || status === 429 || (status >= 500 && status !== 501))
    return { kind: 'retry', afterMs, reason };
  if (status >= 300 && status < 400) return { kind: 'retry', afterMs, reason: `${reason} (an unexpected redirect)` };
  if (status === 401) return { kind: 'auth-required', reason };
  return { kind: 'failed', code: FAILED_CODE_OF_STATUS[status] ?? 'INVALID_INPUT', message: reason };
}
