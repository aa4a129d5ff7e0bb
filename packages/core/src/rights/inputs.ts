import { FramewiseError } from '../errors/index.js';
import { MAX_INSTANT } from './bounds.js';
import { MEDIA_INDEX } from './compile.js';
import { territoryIndex } from './territories.js';

/** Anything that is an instant: luxon DateTime, Date, ISO string with offset, epoch ms. */
export type InstantInput = { toMillis(): number } | Date | string | number;

/** Epoch milliseconds of an instant input, or `INVALID_INPUT` naming it (also beyond ±8.6e15 ms). */
export function instantMs(value: InstantInput, what = 'Instant'): number {
  let ms: number;
  if (typeof value === 'number') ms = value;
  else if (typeof value === 'string') ms = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(value) ? Date.parse(value) : Number.NaN;
  else if (value instanceof Date) ms = value.getTime();
  else ms = typeof value?.toMillis === 'function' ? value.toMillis() : Number.NaN;
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_INSTANT) {
    throw new FramewiseError(
      'INVALID_INPUT',
      `${what} ${JSON.stringify(String(value)).slice(0, 80)} is not an instant (give an ISO time with a zone offset, a Date, a luxon DateTime or epoch ms within ±8.6e15)`,
      { details: { value: String(value) } },
    );
  }
  return ms;
}

/** The territory index of a code, or `INVALID_INPUT` naming it. */
export function territoryOf(code: unknown, what: string): number {
  const ti = typeof code === 'string' ? territoryIndex(code) : -1;
  if (ti < 0)
    throw new FramewiseError('INVALID_INPUT', `${what}: territory ${JSON.stringify(code)} is not an ISO 3166-1 code`, {
      details: { territory: code },
    });
  return ti;
}

/** The media index of a channel, or `INVALID_INPUT` naming it. */
export function mediaOf(channel: unknown, what: string): number {
  const mi = typeof channel === 'string' ? MEDIA_INDEX.get(channel) : undefined;
  if (mi === undefined)
    throw new FramewiseError('INVALID_INPUT', `${what}: channel ${JSON.stringify(channel)} is not a license type`, {
      details: { channel },
    });
  return mi;
}
