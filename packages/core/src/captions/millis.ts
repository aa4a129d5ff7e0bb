import { type FrameRate, mulDivRound } from '../time/index.js';

/**
 * The frame shown at a millisecond media time: the nearest frame boundary (an exact half goes
 * later). For every rate below 1000 fps, `msToFrame(frameToMs(f))` is `f` again, so SRT and
 * WebVTT round trips are frame-exact.
 */
export function msToFrame(ms: number, rate: FrameRate): number {
  return mulDivRound(ms, rate.num, 1000 * rate.den, 'nearest');
}

/** The media time of a frame boundary in whole milliseconds (nearest). */
export function frameToMs(frame: number, rate: FrameRate): number {
  return mulDivRound(frame, 1000 * rate.den, rate.num, 'nearest');
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));

/** `HH:MM:SS<sep>mmm` (hours at least two digits), as SRT (`,`) and WebVTT (`.`) write times. */
export function formatMs(ms: number, separator: ',' | '.'): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  return `${pad2(h)}:${pad2(m)}:${pad2(s)}${separator}${pad3(ms % 1000)}`;
}
