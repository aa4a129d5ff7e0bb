import { FrameRate } from '../time/index.js';
import {
  type CaptionIssue,
  type CaptionReadResult,
  type CaptionWriteOptions,
  type CaptionWriteResult,
  LossLog,
} from './issues.js';
import { formatMs, frameToMs, msToFrame } from './millis.js';
import type { CaptionColor, CaptionCue, CaptionLine, CaptionSpan, CaptionTrack } from './model.js';
import { type CaptionReadOptions, readableText } from './reader-options.js';
import { canonicalLine, plainStyle, pushText, type SpanStyle } from './spans.js';
import { captionTrack } from './track.js';

const TIMING =
  /^[ \t]*(\d{1,9}):(\d{1,2}):(\d{1,2})(?:[,.](\d{1,3}))?[ \t]*-->[ \t]*(\d{1,9}):(\d{1,2}):(\d{1,2})(?:[,.](\d{1,3}))?(.*)$/;
const MAX_NESTING = 32;
const INDEX = /^[ \t]*\d{1,12}[ \t]*$/;
const BLANK = /^[ \t]*$/;
// Attributes are bounded so that a `<font` without `>` costs linear time, not quadratic.
const TAG = /<(\/?)(i|b|u|font)(?:\s([^>]{0,256}))?>/gi;
const COLOR_ATTR = /color\s*=\s*["']?([#\w]+)["']?/i;

/** Colour names and hex values SRT files use, mapped to the model's colours. */
const COLORS: Readonly<Record<string, CaptionColor>> = {
  white: 'white',
  '#ffffff': 'white',
  '#fff': 'white',
  lime: 'green',
  green: 'green',
  '#00ff00': 'green',
  '#0f0': 'green',
  blue: 'blue',
  '#0000ff': 'blue',
  '#00f': 'blue',
  cyan: 'cyan',
  aqua: 'cyan',
  '#00ffff': 'cyan',
  '#0ff': 'cyan',
  red: 'red',
  '#ff0000': 'red',
  '#f00': 'red',
  yellow: 'yellow',
  '#ffff00': 'yellow',
  '#ff0': 'yellow',
  magenta: 'magenta',
  fuchsia: 'magenta',
  '#ff00ff': 'magenta',
  '#f0f': 'magenta',
  black: 'black',
  '#000000': 'black',
  '#000': 'black',
};

/** The hex value SRT's `<font color>` gets for each model colour. */
const HEX: Readonly<Record<CaptionColor, string>> = {
  white: '#ffffff',
  green: '#00ff00',
  blue: '#0000ff',
  cyan: '#00ffff',
  red: '#ff0000',
  yellow: '#ffff00',
  magenta: '#ff00ff',
  black: '#000000',
};

function timeMs(h: string, m: string, s: string, ms: string | undefined): number | undefined {
  const minutes = Number(m);
  const seconds = Number(s);
  if (minutes > 59 || seconds > 59) return undefined;
  const fraction = ms === undefined ? 0 : Number(ms.padEnd(3, '0'));
  return Number(h) * 3_600_000 + minutes * 60_000 + seconds * 1000 + fraction;
}

/** Tagged SRT text of one cue into lines of styled spans; unknown tags stay text (SRT has no escapes). */
function readLines(text: readonly string[], issues: CaptionIssue[], firstLine: number): CaptionLine[] {
  const style: SpanStyle = plainStyle();
  const depth = { i: 0, b: 0, u: 0 };
  const colors: (CaptionColor | undefined)[] = [];
  return text.map((raw, n): CaptionLine => {
    const spans: CaptionSpan[] = [];
    if (!raw.includes('<')) {
      pushText(spans, raw, style);
      return { spans };
    }
    let at = 0;
    TAG.lastIndex = 0;
    for (let m = TAG.exec(raw); m !== null; m = TAG.exec(raw)) {
      pushText(spans, raw.slice(at, m.index), style);
      at = m.index + m[0].length;
      const close = m[1] === '/';
      const name = (m[2] as string).toLowerCase();
      if (name === 'font') {
        if (close) colors.pop();
        else if (colors.length >= MAX_NESTING) {
          issues.push({
            code: 'font.dropped',
            message: `font tags nested deeper than ${MAX_NESTING} ignored`,
            line: firstLine + n,
          });
        } else {
          const value = COLOR_ATTR.exec(m[3] ?? '')?.[1]?.toLowerCase();
          const color = value === undefined ? undefined : COLORS[value];
          if (value !== undefined && color === undefined) {
            issues.push({
              code: 'color.unknown',
              message: `font colour ${JSON.stringify(value)} is none of the caption colours; text kept in the default colour`,
              line: firstLine + n,
            });
          }
          if (m[3] !== undefined && value === undefined) {
            issues.push({
              code: 'font.dropped',
              message: `font attributes ${JSON.stringify(m[3])} dropped`,
              line: firstLine + n,
            });
          }
          colors.push(color);
        }
        style.color = colors.findLast((c) => c !== undefined);
      } else {
        const key = name as 'i' | 'b' | 'u';
        depth[key] = Math.max(0, depth[key] + (close ? -1 : 1));
        style.italic = depth.i > 0;
        style.bold = depth.b > 0;
        style.underline = depth.u > 0;
      }
    }
    pushText(spans, raw.slice(at), style);
    return { spans };
  });
}

/**
 * Read a SubRip (`.srt`) document. Cue numbers are optional; times may use `,` or `.` before the
 * milliseconds, and times without milliseconds (`00:00:13`) are read as whole seconds. `<i>`,
 * `<b>`, `<u>` and `<font color>` become span styles; any other `<...>` is text (SRT has no
 * escape, so `<LAUGHING & WHOOPS!>` stays as written). Times snap to the nearest frame of
 * `options.rate`; a cue shorter than one frame is lengthened to one.
 *
 * Reported (`issues`), not thrown: blocks without a timing line, cues whose end is before their
 * begin or whose times are out of range, coordinates after the timing (`X1:…`), unknown colours.
 *
 * @throws `INVALID_INPUT` when the input is not a string or is larger than MAX_CAPTION_INPUT,
 * or the options are invalid.
 */
export function readSrt(input: string, options: CaptionReadOptions): CaptionReadResult {
  const text = readableText('SRT', input);
  const rate = FrameRate.parse(options.rate);
  const lines = text.split(/\r\n|\r|\n/);
  const issues: CaptionIssue[] = [];
  const cues: CaptionCue[] = [];
  const n = lines.length;
  let i = 0;
  while (i < n) {
    while (i < n && BLANK.test(lines[i] as string)) i++;
    if (i >= n) break;
    let timing = TIMING.exec(lines[i] as string);
    if (timing === null && INDEX.test(lines[i] as string) && i + 1 < n) {
      timing = TIMING.exec(lines[i + 1] as string);
      if (timing !== null) i++;
    }
    const timingLine = i + 1;
    if (timing === null) {
      issues.push({ code: 'block.skipped', message: `block without a timing line skipped`, line: timingLine });
      while (i < n && !BLANK.test(lines[i] as string)) i++;
      continue;
    }
    i++;
    const body: string[] = [];
    while (i < n && !BLANK.test(lines[i] as string) && !TIMING.test(lines[i] as string)) {
      // A cue number directly followed by a timing line starts the next cue (blank line missing).
      if (INDEX.test(lines[i] as string) && i + 1 < n && TIMING.test(lines[i + 1] as string)) break;
      body.push(lines[i] as string);
      i++;
    }
    const [, h1 = '', m1 = '', s1 = '', f1, h2 = '', m2 = '', s2 = '', f2, rest = ''] = timing;
    const beginMs = timeMs(h1, m1, s1, f1);
    const endMs = timeMs(h2, m2, s2, f2);
    if (beginMs === undefined || endMs === undefined || endMs < beginMs) {
      issues.push({
        code: 'cue.bad-timing',
        message: `cue skipped: timing ${JSON.stringify((lines[timingLine - 1] as string).trim())} has a field out of range or ends before it begins`,
        line: timingLine,
      });
      continue;
    }
    if (f1 === undefined || f2 === undefined) {
      issues.push({
        code: 'timestamp.no-millis',
        message: 'time without milliseconds read as whole seconds',
        line: timingLine,
      });
    }
    if (rest.trim().length > 0) {
      issues.push({
        code: 'placement.dropped',
        message: `text after the timing dropped: ${JSON.stringify(rest.trim())}`,
        line: timingLine,
      });
    }
    const begin = msToFrame(beginMs, rate);
    let end = msToFrame(endMs, rate);
    if (end <= begin) {
      end = begin + 1;
      issues.push({
        code: 'cue.lengthened',
        message: `cue of ${endMs - beginMs} ms is shorter than a frame; shown for one frame`,
        line: timingLine,
        cue: cues.length,
      });
    }
    const cueLines = body.length === 0 ? [{ spans: [] }] : readLines(body, issues, timingLine + 1);
    cues.push({ begin, end, lines: cueLines });
  }
  const track = captionTrack({
    language: options.language ?? 'und',
    kind: options.kind ?? 'subtitles',
    rate,
    cues,
  });
  return { track, issues };
}

// Text that a reader would take for (the start of) a style tag.
const TAG_LIKE = /<\/?(?:i|b|u|font)(?=[\s>]|$)/i;

function writeSpan(span: CaptionSpan): string {
  let out = span.text;
  if (span.color !== undefined && span.color !== 'white') out = `<font color="${HEX[span.color]}">${out}</font>`;
  if (span.underline === true) out = `<u>${out}</u>`;
  if (span.bold === true) out = `<b>${out}</b>`;
  if (span.italic === true) out = `<i>${out}</i>`;
  return out;
}

/**
 * Write a track as SubRip: numbered cues, `HH:MM:SS,mmm` times (each frame boundary to the
 * nearest millisecond), `<i>`, `<b>`, `<u>` and `<font color="#rrggbb">` for styles.
 *
 * SRT cannot hold regions, placement, voices, cue ids, notes, style sheets, CEA-608 data, an empty
 * or blank line inside a cue, text containing `-->` or text that reads as a style tag. By default
 * such a track is refused (`UNSUPPORTED`); with `degrade: true` those are dropped (text that
 * would break the file is left out) and listed in `losses`.
 */
export function writeSrt(track: CaptionTrack, options?: CaptionWriteOptions): CaptionWriteResult {
  const log = new LossLog('SRT', options);
  if (track.regions.length > 0) log.lose('regions.dropped', `${track.regions.length} region(s)`);
  if (track.styleSheets.length > 0) log.lose('styles.dropped', 'WebVTT style sheets');
  const rate = track.rate;
  const parts: string[] = [];
  track.cues.forEach((cue, index) => {
    if (cue.id !== undefined && cue.id !== String(index + 1))
      log.lose('id.dropped', `cue id ${JSON.stringify(cue.id)}`, index);
    if (cue.region !== undefined) log.lose('region.dropped', `region ${JSON.stringify(cue.region)}`, index);
    if (cue.placement !== undefined) log.lose('placement.dropped', 'cue placement', index);
    if (cue.cea608 !== undefined) log.lose('cea608.dropped', 'CEA-608 data', index);
    if (cue.note !== undefined) log.lose('note.dropped', 'a note', index);
    const textLines: string[] = [];
    for (const line of cue.lines) {
      if (line.cell !== undefined) log.lose('cell.dropped', 'a CEA-608 cell position', index);
      let out = '';
      for (const span of canonicalLine(line).spans) {
        if (span.voice !== undefined) log.lose('voice.dropped', `voice ${JSON.stringify(span.voice)}`, index);
        if (span.text.includes('-->') || TAG_LIKE.test(span.text)) {
          log.lose(
            'text.dropped',
            `text ${JSON.stringify(span.text)}, which would read back as a timing line or a tag`,
            index,
          );
          continue;
        }
        out += writeSpan(span);
      }
      if (BLANK.test(out)) {
        // An empty cue (one line, no text) is written as no text; any other blank line would end the cue.
        if (out.length > 0 || cue.lines.length > 1)
          log.lose('line.dropped', 'a blank line (it would end the cue)', index);
        continue;
      }
      textLines.push(out);
    }
    const body = textLines.length === 0 ? '' : `${textLines.join('\n')}\n`;
    const begin = formatMs(frameToMs(cue.begin, rate), ',');
    const end = formatMs(frameToMs(cue.end, rate), ',');
    parts.push(`${index + 1}\n${begin} --> ${end}\n${body}`);
  });
  return { text: parts.join('\n'), losses: log.losses };
}
