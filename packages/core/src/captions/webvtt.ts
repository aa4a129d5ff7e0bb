import { FrameRate } from '../time/index.js';
import {
  type CaptionIssue,
  type CaptionReadResult,
  type CaptionWriteOptions,
  type CaptionWriteResult,
  LossLog,
  unreadable,
} from './issues.js';
import { formatMs, frameToMs, msToFrame } from './millis.js';
import type { CaptionCue, CaptionRegion, CaptionTrack } from './model.js';
import { type CaptionReadOptions, readableText } from './reader-options.js';
import { canonicalLine } from './spans.js';
import { captionTrack } from './track.js';
import { readCueSettings, readRegion, writeCueSettings, writeRegion } from './webvtt-settings.js';
import { readCueText, writeSpanText } from './webvtt-text.js';

/**
 * A WebVTT timestamp at `text[at]` by the spec's algorithm: `mm:ss.ttt` or `h+:mm:ss.ttt`
 * (hours any number of digits, every other field exactly 2 digits, milliseconds 3).
 * Returns milliseconds and where it ended, or undefined.
 */
function timestamp(text: string, at: number): { ms: number; end: number } | undefined {
  const fields: number[] = [];
  const widths: number[] = [];
  let i = at;
  for (;;) {
    const start = i;
    while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    if (i === start || i - start > 12) return undefined;
    fields.push(Number(text.slice(start, i)));
    widths.push(i - start);
    if (text[i] !== ':' || fields.length === 3) break;
    i++;
  }
  if (text[i] !== '.') return undefined;
  const fracStart = ++i;
  while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  if (i - fracStart !== 3) return undefined;
  const ms = Number(text.slice(fracStart, i));
  let h = 0;
  let m: number;
  let s: number;
  if (fields.length === 3) {
    [h, m, s] = fields as [number, number, number];
    if (widths[1] !== 2 || widths[2] !== 2) return undefined;
  } else if (fields.length === 2) {
    // Without hours the first field must be two digits and at most 59 (otherwise it would be hours).
    if (widths[0] !== 2 || (fields[0] as number) > 59 || widths[1] !== 2) return undefined;
    [m, s] = fields as [number, number];
  } else return undefined;
  if (m > 59 || s > 59) return undefined;
  const value = h * 3_600_000 + m * 60_000 + s * 1000 + ms;
  return Number.isSafeInteger(value) ? { ms: value, end: i } : undefined;
}

/** Cue timings and the settings text, or undefined when the line is not a valid timing line. */
function timings(line: string): { begin: number; end: number; settings: string } | undefined {
  let i = 0;
  while (line[i] === ' ' || line[i] === '\t') i++;
  const begin = timestamp(line, i);
  if (begin === undefined) return undefined;
  i = begin.end;
  while (line[i] === ' ' || line[i] === '\t') i++;
  if (!line.startsWith('-->', i)) return undefined;
  i += 3;
  while (line[i] === ' ' || line[i] === '\t') i++;
  const end = timestamp(line, i);
  if (end === undefined) return undefined;
  // Whatever follows is the settings text (the spec does not require a space before it).
  return { begin: begin.ms, end: end.ms, settings: line.slice(end.end) };
}

const HEADER = /^WEBVTT(?:[ \t\n]|$)/;

/**
 * Read a WebVTT document by the W3C parsing algorithm: header, `REGION` and `STYLE` blocks
 * before the first cue, `NOTE` blocks (a note directly before a cue is kept as its `note`), cues
 * with optional ids, timings in `mm:ss.ttt` or `hh:mm:ss.ttt`, settings (`region`, `vertical`,
 * `line`, `position`, `size`, `align`) and cue text with `<i>`, `<b>`, `<u>`, `<v>`, colour
 * classes and character references. Times snap to the nearest frame of `options.rate`.
 *
 * Reported in `issues` (the spec skips these too): cues with malformed timings, settings that are
 * not valid, style or region blocks after the first cue, tags and classes the model cannot hold,
 * cues ending before they begin; cues shorter than a frame are lengthened to one frame.
 *
 * @throws `INVALID_INPUT` when the input does not start with the `WEBVTT` signature, is not a
 * string or is too large.
 */
export function readWebVtt(input: string, options: CaptionReadOptions): CaptionReadResult {
  const text = readableText('WebVTT', input)
    .replace(/\r\n|\r/g, '\n')
    .replace(/\0/g, '\ufffd');
  if (!HEADER.test(text)) throw unreadable('WebVTT', 'does not start with "WEBVTT"', 1);
  const rate = FrameRate.parse(options.rate);
  const lines = text.split('\n');
  const issues: CaptionIssue[] = [];
  const cues: CaptionCue[] = [];
  const regions = new Map<string, CaptionRegion>();
  const styleSheets: string[] = [];
  let note: string | undefined;
  // The header: the signature line and the lines after it, up to a blank line or a timing line.
  let i = 1;
  while (i < lines.length && lines[i] !== '' && !(lines[i] as string).includes('-->')) i++;
  const n = lines.length;
  while (i < n) {
    while (i < n && lines[i] === '') i++;
    if (i >= n) break;
    const first = i;
    // Collect a block: a timing line may only be its first or second line.
    let arrowAt = -1;
    const buffer: string[] = [];
    for (; i < n && lines[i] !== ''; i++) {
      const line = lines[i] as string;
      if (line.includes('-->')) {
        if (arrowAt < 0 && i - first < 2) {
          arrowAt = i;
          continue;
        }
        break;
      }
      buffer.push(line);
    }
    if (arrowAt < 0) {
      const head = buffer[0] ?? '';
      const keyword = /^(NOTE|STYLE|REGION)(?:[ \t]|$)/.exec(head)?.[1];
      if (keyword === 'NOTE') {
        const rest = head.slice(4).replace(/^[ \t]/, '');
        const body = (rest.length > 0 ? [rest, ...buffer.slice(1)] : buffer.slice(1)).join('\n');
        note = note === undefined ? body : `${note}\n${body}`;
      } else if (keyword !== undefined && buffer.length >= 1 && head.trim() === keyword) {
        if (cues.length > 0) {
          issues.push({
            code: 'block.ignored',
            message: `${keyword} block after the first cue ignored`,
            line: first + 1,
          });
        } else if (keyword === 'STYLE') {
          styleSheets.push(buffer.slice(1).join('\n'));
        } else {
          const region = readRegion(buffer.slice(1).join('\n'), issues, first + 1);
          if (region !== undefined) {
            if (regions.has(region.id))
              issues.push({
                code: 'region.replaced',
                message: `region ${JSON.stringify(region.id)} defined again; the last one kept`,
                line: first + 1,
              });
            regions.set(region.id, region);
          }
        }
      } else {
        issues.push({
          code: 'block.skipped',
          message: `block ${JSON.stringify(head.slice(0, 40))} is not a cue, note, style or region`,
          line: first + 1,
        });
      }
      continue;
    }
    const cueNote = note;
    note = undefined;
    const timing = timings(lines[arrowAt] as string);
    if (timing === undefined) {
      issues.push({
        code: 'cue.bad-timing',
        message: `cue skipped: ${JSON.stringify((lines[arrowAt] as string).slice(0, 80))} is not a valid timing line`,
        line: arrowAt + 1,
      });
      continue;
    }
    if (timing.end < timing.begin) {
      issues.push({ code: 'cue.bad-timing', message: 'cue skipped: it ends before it begins', line: arrowAt + 1 });
      continue;
    }
    const id = arrowAt > first ? (lines[first] as string) : undefined;
    const body = buffer.slice(arrowAt > first ? 1 : 0).join('\n');
    const settings = readCueSettings(timing.settings, regions, issues, arrowAt + 1);
    const begin = msToFrame(timing.begin, rate);
    let end = msToFrame(timing.end, rate);
    if (end <= begin) {
      end = begin + 1;
      issues.push({
        code: 'cue.lengthened',
        message: `cue of ${timing.end - timing.begin} ms is shorter than a frame; shown for one frame`,
        line: arrowAt + 1,
        cue: cues.length,
      });
    }
    const cue: { -readonly [K in keyof CaptionCue]: CaptionCue[K] } = {
      begin,
      end,
      lines: readCueText(body, issues, arrowAt + 2),
      ...settings,
    };
    if (id !== undefined && id.length > 0 && id.length <= 256) cue.id = id;
    else if (id !== undefined)
      issues.push({ code: 'id.dropped', message: 'cue id longer than 256 characters dropped', line: first + 1 });
    if (cueNote !== undefined) cue.note = cueNote;
    cues.push(cue);
  }
  if (note !== undefined) issues.push({ code: 'note.dropped', message: 'NOTE after the last cue dropped', line: n });
  const track = captionTrack({
    language: options.language ?? 'und',
    kind: options.kind ?? 'subtitles',
    rate,
    regions: [...regions.values()],
    cues,
    styleSheets,
  });
  return { track, issues };
}

/**
 * Write a track as WebVTT: `REGION` and `STYLE` blocks, then each cue's `NOTE`, id, timings
 * (frame boundaries to the nearest millisecond), settings and text, with `<i>`, `<b>`, `<u>`,
 * `<c.colour>` and `<v Name>` tags and `&amp;`/`&lt;`/`&gt;` escapes.
 *
 * WebVTT cannot hold CEA-608 data and cells, an empty line inside a cue, a note with a blank
 * line, or a cue id that starts like a `NOTE`, `STYLE` or `REGION` block. By default such a track is refused (`UNSUPPORTED`); with `degrade: true` those are
 * dropped and listed in `losses`.
 */
export function writeWebVtt(track: CaptionTrack, options?: CaptionWriteOptions): CaptionWriteResult {
  const log = new LossLog('WebVTT', options);
  const rate = track.rate;
  const parts: string[] = ['WEBVTT\n'];
  for (const region of track.regions) parts.push(`${writeRegion(region)}\n`);
  for (const sheet of track.styleSheets) parts.push(sheet.length === 0 ? 'STYLE\n' : `STYLE\n${sheet}\n`);
  track.cues.forEach((cue, index) => {
    if (cue.cea608 !== undefined) log.lose('cea608.dropped', 'CEA-608 data', index);
    if (cue.note !== undefined) {
      const noteLines = cue.note.split('\n');
      if (cue.note.length > 0 && noteLines.some((l) => l.length === 0))
        log.lose('note.blank-line', 'a note with an empty line (empty lines dropped)', index);
      parts.push(`NOTE\n${noteLines.filter((l) => l.length > 0).join('\n')}\n`);
    }
    const textLines: string[] = [];
    for (const line of cue.lines) {
      if (line.cell !== undefined) log.lose('cell.dropped', 'a CEA-608 cell position', index);
      const out = canonicalLine(line).spans.map(writeSpanText).join('');
      if (out.length === 0 && cue.lines.length > 1) {
        log.lose('line.dropped', 'an empty line inside a cue (it would end the cue)', index);
        continue;
      }
      textLines.push(out);
    }
    const p = cue.placement;
    if (p?.lineAlign !== undefined && p.line === undefined)
      log.lose('placement.dropped', 'a line alignment without a line', index);
    if (p?.positionAlign !== undefined && p.position === undefined) {
      log.lose('placement.dropped', 'a position alignment without a position', index);
    }
    const settings = writeCueSettings(cue.region, p);
    const timing = `${formatMs(frameToMs(cue.begin, rate), '.')} --> ${formatMs(frameToMs(cue.end, rate), '.')}${settings === '' ? '' : ` ${settings}`}`;
    const body = textLines.join('\n');
    let id = cue.id;
    if (id !== undefined && /^(?:NOTE|STYLE|REGION)(?:[ \t]|$)/.test(id)) {
      log.lose('id.dropped', `cue id ${JSON.stringify(id)}, which reads as a NOTE, STYLE or REGION block`, index);
      id = undefined;
    }
    parts.push(`${id === undefined ? '' : `${id}\n`}${timing}\n${body}${body.length === 0 ? '' : '\n'}`);
  });
  return { text: parts.join('\n'), losses: log.losses };
}
