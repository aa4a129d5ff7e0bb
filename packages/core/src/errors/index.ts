export {
  asFramewiseError,
  describeInput,
  FRAMEWISE_ERROR_CODES,
  FramewiseError,
  type FramewiseErrorCode,
  type FramewiseErrorOptions,
  isFramewiseError,
} from './framewise-error.js';
export {
  type BackoffPolicy,
  backoffMs,
  isRetryable,
  RETRYABLE_CODES,
  retryAfterOf,
  TRANSIENT_SYSTEM_CODES,
  waitToRetry,
} from './retry.js';
