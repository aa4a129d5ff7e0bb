import { FramewiseError, isFramewiseError, messageOf } from '@framewise/core/errors';

/** An S3 SDK error as a FramewiseError, naming the operation and key. */
export function s3Error(error: unknown, what: string): FramewiseError {
  if (isFramewiseError(error)) return error;
  const e = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number }; message?: string };
  const status = e.$metadata?.httpStatusCode;
  const name = e.name ?? e.Code ?? '';
  const message = `${what}: ${name ? `${name}: ` : ''}${messageOf(error)}`;
  if (name === 'AbortError' || name === 'CANCELLED') return new FramewiseError('CANCELLED', message, { cause: error });
  if (name === 'NoSuchKey' || name === 'NotFound' || name === 'NoSuchUpload' || status === 404)
    return new FramewiseError('NOT_FOUND', message, { cause: error });
  if (
    name === 'SlowDown' ||
    name === 'Throttling' ||
    name === 'ThrottlingException' ||
    status === 429 ||
    status === 503
  )
    return new FramewiseError('RATE_LIMITED', message, { cause: error, retryAfterMs: 1_000 });
  // The server refused the body: it does not match the Content-MD5, checksum or signed payload hash.
  if (name === 'BadDigest' || name === 'InvalidDigest' || name === 'XAmzContentSHA256Mismatch')
    return new FramewiseError('INTEGRITY', message, { cause: error });
  // A conditional request whose condition no longer holds: another writer came in between.
  if (name === 'PreconditionFailed' || status === 412 || name === 'ConditionalRequestConflict' || status === 409)
    return new FramewiseError('CONFLICT', message, { cause: error });
  if (name === 'InvalidObjectState') return new FramewiseError('CONFLICT', message, { cause: error });
  if (name === 'AccessDenied' || status === 403) return new FramewiseError('FORBIDDEN', message, { cause: error });
  if (name === 'InvalidAccessKeyId' || name === 'SignatureDoesNotMatch' || status === 401)
    return new FramewiseError('AUTH', message, { cause: error });
  if (
    (status !== undefined && status >= 500) ||
    /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|socket hang up|TimeoutError/i.test(`${name} ${e.message}`)
  )
    return new FramewiseError('TRANSIENT', message, { cause: error });
  return new FramewiseError('INTERNAL', message, { cause: error });
}
