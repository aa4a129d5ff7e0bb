import { describeInput, FramewiseError } from '../errors/index.js';
import { FrameRate, type FrameRateInput, TimeRange } from '../time/index.js';
import {
  CAPTION_COLORS,
  CAPTION_KINDS,
  type CaptionCue,
  type CaptionKind,
  type CaptionLine,
  type CaptionRegion,
  type CaptionSpan,
  type CaptionTrack,
  type CuePlacement,
} from './model.js';

/** What {@link captionTrack} takes: a track with the rate in any form {@link FrameRate.parse} reads. */
export interface CaptionTrackInput {
  readonly language: string;
  readonly kind: CaptionKind;
  readonly rate: FrameRateInput;
  readonly label?: string;
  readonly regions?: readonly CaptionRegion[];
  readonly cues: readonly CaptionCue[];
  readonly styleSheets?: readonly string[];
}

/** Most cues one track may hold (a feature film has 1-3 thousand; a 24 h channel log ~40 thousand). */
export const MAX_CAPTION_CUES = 1_000_000;
/** Most characters in one span, and in one cue's note. */
const MAX_TEXT = 10_000;

// RFC 5646 well-formed tags (language-extlang-script-region-variant-extension-privateuse), or a
// private-use tag; grandfathered irregular tags (i-klingon) are not accepted.
const BCP47 =
  /^(?:(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4,8})(?:-[a-z]{4})?(?:-(?:[a-z]{2}|\d{3}))?(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*(?:-[\da-wy-z](?:-[a-z\d]{2,8})+)*(?:-x(?:-[a-z\d]{1,8})+)?|x(?:-[a-z\d]{1,8})+)$/i;

/** True when `tag` is a well-formed BCP 47 language tag (RFC 5646 syntax; `und` for undetermined). */
export function isLanguageTag(tag: unknown): tag is string {
  return typeof tag === 'string' && tag.length <= 64 && BCP47.test(tag);
}

const COLORS: ReadonlySet<string> = new Set(CAPTION_COLORS);
const KINDS: ReadonlySet<string> = new Set(CAPTION_KINDS);
const ID = /^[^\s]{1,256}$/;

function fail(what: string, why: string, details: Record<string, unknown> = {}): never {
  throw new FramewiseError('INVALID_INPUT', `Caption ${what} ${why}`, { details });
}

/** Where a cue, line or span is, for messages (built only when something is wrong). */
function at(cue: number, id: unknown, line?: number, span?: number): string {
  const name = `cue ${cue}${typeof id === 'string' ? ` (${JSON.stringify(id.slice(0, 64))})` : ''}`;
  return `${name}${line === undefined ? '' : ` line ${line}`}${span === undefined ? '' : ` span ${span}`}`;
}

const isPercent = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 100;

function checkSpan(span: CaptionSpan, c: number, id: unknown, l: number, n: number): void {
  if (typeof span !== 'object' || span === null) fail(at(c, id, l, n), `is ${describeInput(span)}, not a span`);
  if (typeof span.text !== 'string' || span.text.length > MAX_TEXT || /[\r\n]/.test(span.text)) {
    fail(
      at(c, id, l, n),
      `text ${describeInput(span.text)} must be a string of at most ${MAX_TEXT} characters without line breaks`,
    );
  }
  for (const flag of ['italic', 'bold', 'underline'] as const) {
    if (span[flag] !== undefined && typeof span[flag] !== 'boolean') fail(at(c, id, l, n), `${flag} must be a boolean`);
  }
  if (span.color !== undefined && !COLORS.has(span.color)) {
    fail(at(c, id, l, n), `colour ${describeInput(span.color)} is not one of ${CAPTION_COLORS.join(', ')}`);
  }
  if (
    span.voice !== undefined &&
    (typeof span.voice !== 'string' || span.voice.length === 0 || span.voice.length > 256 || /[\r\n]/.test(span.voice))
  ) {
    fail(at(c, id, l, n), `voice ${describeInput(span.voice)} must be a one-line name of 1-256 characters`);
  }
}

function checkLine(line: CaptionLine, c: number, id: unknown, l: number): void {
  if (typeof line !== 'object' || line === null || !Array.isArray(line.spans)) {
    fail(at(c, id, l), `is ${describeInput(line)}, not a line with spans`);
  }
  line.spans.forEach((span, i) => {
    checkSpan(span, c, id, l, i);
  });
  if (line.cell !== undefined) {
    const { row, column } = line.cell;
    if (!Number.isInteger(row) || row < 1 || row > 15 || !Number.isInteger(column) || column < 0 || column > 31) {
      fail(at(c, id, l), `cell ${describeInput(line.cell)} must be row 1-15 and column 0-31`);
    }
  }
}

const ONE_OF = {
  vertical: ['rl', 'lr'],
  lineAlign: ['start', 'center', 'end'],
  positionAlign: ['line-left', 'center', 'line-right'],
  align: ['start', 'center', 'end', 'left', 'right'],
} as const;

function checkPlacement(p: CuePlacement, c: number, id: unknown): void {
  if (typeof p !== 'object' || p === null) fail(at(c, id), `placement ${describeInput(p)} is not an object`);
  for (const key of Object.keys(ONE_OF) as (keyof typeof ONE_OF)[]) {
    const value = p[key];
    if (value !== undefined && !(ONE_OF[key] as readonly string[]).includes(value)) {
      fail(at(c, id), `placement ${key} ${describeInput(value)} is not one of ${ONE_OF[key].join(', ')}`);
    }
  }
  for (const key of ['position', 'size'] as const) {
    if (p[key] !== undefined && !isPercent(p[key]))
      fail(at(c, id), `placement ${key} ${describeInput(p[key])} is not 0-100`);
  }
  if (p.line !== undefined) {
    const { value, unit } = p.line;
    const ok =
      unit === 'percent' ? isPercent(value) : unit === 'line' && Number.isInteger(value) && Math.abs(value) <= 1000;
    if (!ok) fail(at(c, id), `placement line ${describeInput(p.line)} is not a line number or a 0-100 percentage`);
  }
}

function checkRegion(region: CaptionRegion, index: number): void {
  const where = `region ${index}`;
  if (typeof region !== 'object' || region === null) fail(where, `is ${describeInput(region)}, not a region`);
  if (typeof region.id !== 'string' || !ID.test(region.id) || region.id.includes('-->')) {
    fail(where, `id ${describeInput(region.id)} must be 1-256 characters without spaces or "-->"`);
  }
  if (!isPercent(region.width)) fail(where, `width ${describeInput(region.width)} is not 0-100`);
  if (!Number.isInteger(region.lines) || region.lines < 0 || region.lines > 1000) {
    fail(where, `lines ${describeInput(region.lines)} is not a whole number of lines`);
  }
  for (const key of ['regionAnchor', 'viewportAnchor'] as const) {
    const a = region[key];
    if (typeof a !== 'object' || a === null || !isPercent(a.x) || !isPercent(a.y)) {
      fail(where, `${key} ${describeInput(a)} needs x and y in 0-100`);
    }
  }
  if (region.scroll !== 'none' && region.scroll !== 'up')
    fail(where, `scroll ${describeInput(region.scroll)} is not none or up`);
}

function checkCue(cue: CaptionCue, index: number, regions: ReadonlySet<string>): void {
  if (typeof cue !== 'object' || cue === null) fail(at(index, undefined), `is ${describeInput(cue)}, not a cue`);
  const { begin, end } = cue;
  if (!Number.isSafeInteger(begin) || !Number.isSafeInteger(end) || begin < 0 || end <= begin) {
    fail(
      at(index, cue?.id),
      `frames ${describeInput(begin)}-${describeInput(end)} must be whole frames with 0 <= begin < end`,
      {
        cue: index,
        begin,
        end,
      },
    );
  }
  if (
    cue.id !== undefined &&
    (typeof cue.id !== 'string' || cue.id.length === 0 || cue.id.length > 256 || /[\r\n]|-->/.test(cue.id))
  ) {
    fail(at(index, cue?.id), `id ${describeInput(cue.id)} must be one line of 1-256 characters without "-->"`);
  }
  if (!Array.isArray(cue.lines) || cue.lines.length === 0) fail(at(index, cue?.id), 'needs at least one line');
  cue.lines.forEach((line, i) => {
    checkLine(line, index, cue.id, i);
  });
  if (cue.region !== undefined && !regions.has(cue.region))
    fail(at(index, cue?.id), `refers to region ${describeInput(cue.region)}, which the track does not define`);
  if (cue.placement !== undefined) checkPlacement(cue.placement, index, cue.id);
  if (
    cue.note !== undefined &&
    (typeof cue.note !== 'string' || cue.note.length > MAX_TEXT || cue.note.includes('-->'))
  ) {
    fail(
      at(index, cue?.id),
      `note ${describeInput(cue.note)} must be text of at most ${MAX_TEXT} characters without "-->"`,
    );
  }
  const c = cue.cea608;
  if (c !== undefined) {
    const modeOk = c.mode === 'pop-on' || c.mode === 'roll-up' || c.mode === 'paint-on';
    const rowsOk =
      c.rollUpRows === undefined ? c.mode !== 'roll-up' : c.mode === 'roll-up' && [2, 3, 4].includes(c.rollUpRows);
    if (!modeOk || ![1, 2, 3, 4].includes(c.channel) || !rowsOk) {
      fail(
        at(index, cue?.id),
        `CEA-608 data ${describeInput(c)} needs mode pop-on/roll-up/paint-on, channel 1-4, and rollUpRows 2-4 for roll-up only`,
      );
    }
  }
}

/**
 * Validate a caption track and return it with cues in time order (by begin, then end; stable).
 *
 * @throws `INVALID_INPUT` naming the offending field: a language that is not a BCP 47 tag, an
 * unknown kind, a cue with `end <= begin` or fractional frames, a span with a line break, an
 * unknown colour, a region reference that the track does not define, a 608 cell off the grid.
 *
 * @example
 * ```ts
 * const track = captionTrack({
 *   language: 'en-US', kind: 'captions', rate: '29.97df',
 *   cues: [{ begin: 30, end: 90, lines: [{ spans: [{ text: 'Hello', italic: true }] }] }],
 * });
 * ```
 */
export function captionTrack(input: CaptionTrackInput): CaptionTrack {
  if (typeof input !== 'object' || input === null) fail('track', `is ${describeInput(input)}, not an object`);
  if (!isLanguageTag(input.language))
    fail('track language', `${describeInput(input.language)} is not a BCP 47 tag (such as en, en-US, zh-Hant, und)`);
  if (!KINDS.has(input.kind))
    fail('track kind', `${describeInput(input.kind)} is not one of ${CAPTION_KINDS.join(', ')}`);
  const rate = FrameRate.parse(input.rate);
  if (
    input.label !== undefined &&
    (typeof input.label !== 'string' || input.label.length > 256 || /[\r\n]/.test(input.label))
  ) {
    fail('track label', `${describeInput(input.label)} must be one line of at most 256 characters`);
  }
  const regions = input.regions ?? [];
  if (!Array.isArray(regions)) fail('track regions', 'must be an array');
  regions.forEach(checkRegion);
  const regionIds = new Set(regions.map((r) => r.id));
  if (regionIds.size !== regions.length) fail('track regions', 'have duplicate ids');
  const styleSheets = input.styleSheets ?? [];
  if (
    !Array.isArray(styleSheets) ||
    styleSheets.some((s) => typeof s !== 'string' || s.includes('-->') || /\n[ \t]*\n/.test(s))
  ) {
    fail('track style sheets', 'must be strings without "-->" or blank lines');
  }
  if (!Array.isArray(input.cues)) fail('track cues', 'must be an array');
  if (input.cues.length > MAX_CAPTION_CUES)
    fail('track', `has ${input.cues.length} cues, more than ${MAX_CAPTION_CUES}`);
  let sorted = true;
  for (let i = 0; i < input.cues.length; i++) {
    const cue = input.cues[i] as CaptionCue;
    checkCue(cue, i, regionIds);
    const prev = input.cues[i - 1];
    if (prev !== undefined && (prev.begin > cue.begin || (prev.begin === cue.begin && prev.end > cue.end)))
      sorted = false;
  }
  const cues = sorted ? [...input.cues] : [...input.cues].sort((a, b) => a.begin - b.begin || a.end - b.end);
  return Object.freeze({
    language: input.language,
    kind: input.kind,
    rate,
    ...(input.label === undefined ? {} : { label: input.label }),
    regions: Object.freeze([...regions]),
    cues: Object.freeze(cues),
    styleSheets: Object.freeze([...styleSheets]),
  });
}

/** The frames a cue is shown, as a {@link TimeRange} at the track's rate. */
export function cueRange(cue: CaptionCue, track: CaptionTrack): TimeRange {
  return TimeRange.between(cue.begin, cue.end, track.rate);
}

/** The text of a cue as plain lines joined with `\n` (styling dropped), for search and QC. */
export function cueText(cue: CaptionCue): string {
  return cue.lines.map((line) => line.spans.map((s) => s.text).join('')).join('\n');
}
