/**
 * Errors: `FramewiseError` with its closed set of codes, `isFramewiseError` (a brand check that
 * works across copies of the package), and helpers to wrap unknown throws and name inputs in
 * messages. Light: no dependencies, safe in a browser.
 *
 * @module
 */
export {
  asFramewiseError,
  describeInput,
  FRAMEWISE_ERROR_CODES,
  FramewiseError,
  type FramewiseErrorCode,
  type FramewiseErrorOptions,
  isFramewiseError,
  messageOf,
} from './framewise-error.js';
export {
  type BackoffPolicy,
  backoffMs,
  isRetryable,
  MAX_RETRY_WAIT_MS,
  RETRYABLE_CODES,
  retryAfterOf,
  TRANSIENT_SYSTEM_CODES,
  waitToRetry,
} from './retry.js';
