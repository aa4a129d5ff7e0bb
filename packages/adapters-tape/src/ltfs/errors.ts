import { FramewiseError, type FramewiseErrorCode } from '@framewise/core/errors';

/**
 * Why a tape operation failed, in `error.details.reason` of the `FramewiseError`:
 * - `tape-full` (`CONFLICT`): the cartridge has no room for the data; use another cartridge.
 * - `write-protected` (`FORBIDDEN`): the cartridge's write-protect tab is set (or the drive cannot
 *   write its generation); LTFS mounts it read-only.
 * - `index-unreadable` (`INTEGRITY`): the LTFS index on the cartridge (or a saved copy) cannot be
 *   read or parsed; run `ltfsck` on the cartridge.
 * - `mount-busy` (`CONFLICT`): the mount point is in use, the cartridge is mounted elsewhere, or
 *   files are still open at unmount.
 * - `not-ltfs` (`INVALID_INPUT`): the cartridge is not formatted for LTFS.
 * - `ltfs-failed` (`TRANSIENT`): an LTFS command failed for another reason (its output is in the
 *   message).
 */
export type TapeErrorReason =
  | 'tape-full'
  | 'write-protected'
  | 'index-unreadable'
  | 'mount-busy'
  | 'not-ltfs'
  | 'ltfs-failed';

const CODES: Readonly<Record<TapeErrorReason, FramewiseErrorCode>> = {
  'tape-full': 'CONFLICT',
  'write-protected': 'FORBIDDEN',
  'index-unreadable': 'INTEGRITY',
  'mount-busy': 'CONFLICT',
  'not-ltfs': 'INVALID_INPUT',
  'ltfs-failed': 'TRANSIENT',
};

/** A `FramewiseError` for a tape failure, with its {@link TapeErrorReason} in `details.reason`. */
export function tapeError(
  reason: TapeErrorReason,
  message: string,
  details: Readonly<Record<string, unknown>> = {},
  cause?: unknown,
): FramewiseError {
  return new FramewiseError(CODES[reason], message, {
    details: { ...details, reason },
    ...(cause === undefined ? {} : { cause }),
  });
}

/** The {@link TapeErrorReason} of an error thrown by this package, `undefined` for any other error. */
export function tapeErrorReason(error: unknown): TapeErrorReason | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const reason = (error as { details?: { reason?: unknown } }).details?.reason;
  return typeof reason === 'string' && reason in CODES ? (reason as TapeErrorReason) : undefined;
}
