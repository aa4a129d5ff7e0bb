export {
  asFramewiseError,
  describeInput,
  FRAMEWISE_ERROR_CODES,
  FramewiseError,
  type FramewiseErrorCode,
  type FramewiseErrorOptions,
  isFramewiseError,
} from './framewise-error.js';
