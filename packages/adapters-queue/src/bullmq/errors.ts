import { FRAMEWISE_ERROR_CODES, FramewiseError, type FramewiseErrorCode } from '@framewise/core/errors';

const CODES = new Set<string>(FRAMEWISE_ERROR_CODES);

/**
 * BullMQ keeps only an error's message (`failedReason`), so Framewise errors travel as
 * `CODE: message` and are read back with their code.
 */
export function encodeError(error: FramewiseError): string {
  return `${error.code}: ${error.message}`;
}

/** Read a `failedReason` back into a FramewiseError (`INTERNAL` when it carries no code). */
export function decodeError(reason: string | undefined, jobId: string): FramewiseError {
  const text = reason ?? 'failed without a reason';
  const match = /^([A-Z_]+): ([\s\S]*)$/.exec(text);
  if (match && CODES.has(match[1] as string))
    return new FramewiseError(match[1] as FramewiseErrorCode, match[2] as string, { details: { id: jobId } });
  return new FramewiseError('INTERNAL', `Job "${jobId}" failed: ${text}`, { details: { id: jobId } });
}
