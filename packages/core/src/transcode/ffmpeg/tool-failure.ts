/**
 * Tell failures of the tool from defects of the media: ffmpeg killed by a signal (out of memory,
 * a supervisor) is retryable `TRANSIENT`; a filter, encoder or option this build lacks is
 * `UNSUPPORTED`. Neither says anything about the file, so neither may be recorded as a media defect.
 */
import { FramewiseError, isFramewiseError } from '../../errors/index.js';

/** stderr lines that mean the ffmpeg build lacks something, not that the input is bad. */
const MISSING =
  /No such filter|Unknown encoder|Encoder \S+ not found|Unknown decoder|Filter not found|Unrecognized option|Option \S+ not found|Error initializing filter|Device creation failed|Cannot load lib/i;

/**
 * Reclassify an ffmpeg run failure: `TRANSIENT` when the process died of a signal (not a
 * cancellation), `UNSUPPORTED` when stderr says a filter, encoder or option is missing; anything
 * else is returned unchanged.
 */
export function toolFailure(error: unknown): unknown {
  if (!isFramewiseError(error, 'INVALID_INPUT')) return error;
  const details = (error.details ?? {}) as { signal?: unknown; stderr?: unknown };
  if (typeof details.signal === 'string' && details.signal !== '') {
    return new FramewiseError(
      'TRANSIENT',
      `${error.message.replace(/: ffmpeg failed.*$/s, '')}: ffmpeg was killed by ${details.signal}; the input was not judged, retry`,
      { cause: error, details: { signal: details.signal } },
    );
  }
  const stderr = typeof details.stderr === 'string' ? details.stderr : '';
  const missing = MISSING.exec(stderr);
  if (missing !== null) {
    const line =
      stderr
        .split('\n')
        .find((l) => MISSING.test(l))
        ?.trim() ?? missing[0];
    return new FramewiseError('UNSUPPORTED', `This ffmpeg lacks what the run needs: ${line.slice(0, 300)}`, {
      cause: error,
      details: { line },
    });
  }
  return error;
}
