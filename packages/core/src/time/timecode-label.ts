/**
 * Low-level SMPTE ST 12-1 label arithmetic on plain numbers, shared by {@link Timecode} and the
 * benchmarks. Callers validate ranges; these functions assume `0 <= frames < framesPerDay`.
 */

const PAD2: readonly string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : String(i)));
const PAD3: readonly string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
/** `HH:MM:` for every minute of the day. */
const MINUTE_PREFIX: readonly string[] = Array.from(
  { length: 1440 },
  (_, i) => `${PAD2[Math.floor(i / 60)]}:${PAD2[i % 60]}:`,
);
/** `SS:` and `SS;` for every second of a minute. */
const SECOND_NDF: readonly string[] = PAD2.slice(0, 60).map((s) => `${s}:`);
const SECOND_DF: readonly string[] = PAD2.slice(0, 60).map((s) => `${s};`);

/** The fields of a timecode label. */
export interface TimecodeFields {
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
  readonly frames: number;
}

/**
 * Convert a frame count since 00:00:00:00 to the frame number the label counts in (the count as
 * if no label were dropped). Identity for non-drop.
 */
export function labelCountOf(frames: number, base: number, drop: number): number {
  if (drop === 0) return frames;
  const perTenMinutes = base * 600 - drop * 9;
  const perMinute = base * 60 - drop;
  const tens = Math.floor(frames / perTenMinutes);
  const rest = frames - tens * perTenMinutes;
  // The first minute of each ten keeps all its labels; each later one starts `drop` labels in.
  const extraMinutes = rest < drop ? 0 : Math.floor((rest - drop) / perMinute);
  return frames + drop * 9 * tens + drop * extraMinutes;
}

/** Split a frame count into label fields. */
export function fieldsOf(frames: number, base: number, drop: number): TimecodeFields {
  const count = labelCountOf(frames, base, drop);
  const totalSeconds = Math.floor(count / base);
  return {
    hours: Math.floor(totalSeconds / 3600),
    minutes: Math.floor(totalSeconds / 60) % 60,
    seconds: totalSeconds % 60,
    frames: count - totalSeconds * base,
  };
}

/** Write the label for a frame count: `HH:MM:SS:FF`, or `HH:MM:SS;FF` for drop-frame. */
export function formatLabel(frames: number, base: number, drop: number): string {
  const count = drop === 0 ? frames : labelCountOf(frames, base, drop);
  const totalSeconds = Math.floor(count / base);
  const ff = count - totalSeconds * base;
  const totalMinutes = Math.floor(totalSeconds / 60);
  const ss = totalSeconds - totalMinutes * 60;
  const f = base > 100 ? PAD3[ff] : PAD2[ff];
  return (MINUTE_PREFIX[totalMinutes] as string) + (drop === 0 ? SECOND_NDF : SECOND_DF)[ss] + f;
}

/** Frame count for label fields that are known to be valid. */
export function framesOfFields(
  hours: number,
  minutes: number,
  seconds: number,
  frames: number,
  base: number,
  drop: number,
): number {
  const totalMinutes = hours * 60 + minutes;
  const count = (totalMinutes * 60 + seconds) * base + frames;
  return drop === 0 ? count : count - drop * (totalMinutes - Math.floor(totalMinutes / 10));
}

/** Why a label could not be read; `undefined` means it was read. */
export type LabelProblem = 'syntax' | 'range' | 'dropped' | 'drop-separator';

/** Result slot for {@link readLabel}, reused to avoid allocation on hot paths. */
export interface LabelReading {
  frames: number;
  problem: LabelProblem | undefined;
  dropSeparator: boolean;
}

const COLON = 58;
const SEMICOLON = 59;
const DOT = 46;
const COMMA = 44;

function digit(label: string, i: number): number {
  const d = label.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -1;
}

function twoDigits(label: string, i: number): number {
  const a = digit(label, i);
  const b = digit(label, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

/**
 * Read `HH:MM:SS:FF` (FF has three digits when the base exceeds 100). Drop-frame labels may use
 * `;`, `.` or `,` before the frames, and `;` between all fields (as some editors write them).
 * Writes the outcome into `out` and returns it.
 */
export function readLabel(label: string, base: number, drop: number, out: LabelReading): LabelReading {
  out.problem = undefined;
  out.frames = -1;
  out.dropSeparator = false;
  const frameDigits = base > 100 ? 3 : 2;
  if (label.length !== 9 + frameDigits) {
    out.problem = 'syntax';
    return out;
  }
  const s1 = label.charCodeAt(2);
  const s2 = label.charCodeAt(5);
  const s3 = label.charCodeAt(8);
  const allSemicolons = s1 === SEMICOLON && s2 === SEMICOLON && s3 === SEMICOLON;
  if (!allSemicolons && (s1 !== COLON || s2 !== COLON)) {
    out.problem = 'syntax';
    return out;
  }
  const dropSeparator = s3 === SEMICOLON || s3 === DOT || s3 === COMMA;
  if (!dropSeparator && s3 !== COLON) {
    out.problem = 'syntax';
    return out;
  }
  out.dropSeparator = dropSeparator;
  const hh = twoDigits(label, 0);
  const mm = twoDigits(label, 3);
  const ss = twoDigits(label, 6);
  let ff = twoDigits(label, 9);
  if (frameDigits === 3) {
    const last = digit(label, 11);
    ff = ff < 0 || last < 0 ? -1 : ff * 10 + last;
  }
  if (hh < 0 || mm < 0 || ss < 0 || ff < 0) {
    out.problem = 'syntax';
    return out;
  }
  if (dropSeparator && drop === 0) {
    out.problem = 'drop-separator';
    return out;
  }
  if (hh > 23 || mm > 59 || ss > 59 || ff >= base) {
    out.problem = 'range';
    return out;
  }
  if (drop !== 0 && ss === 0 && ff < drop && mm % 10 !== 0) {
    out.problem = 'dropped';
    return out;
  }
  out.frames = framesOfFields(hh, mm, ss, ff, base, drop);
  return out;
}
