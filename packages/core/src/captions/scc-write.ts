import { FramewiseError } from '../errors/index.js';
import { Timecode } from '../time/index.js';
import { type CaptionWriteOptions, type CaptionWriteResult, LossLog } from './issues.js';
import type { CaptionColor, CaptionCue, CaptionLine, CaptionTrack } from './model.js';
import {
  BASIC_DIFFERENCES,
  CODE_COLORS,
  EXTENDED_12,
  EXTENDED_13,
  EXTENDED_FALLBACK,
  MISC,
  pacBytes,
  SPECIAL,
  withParity,
} from './scc-codes.js';
import { canonicalLine } from './spans.js';

/** How each character is sent: a basic byte, a special pair, or a fallback byte then an extended pair. */
type Encoded = { basic: number } | { special: number } | { fallback: number; b1: number; b2: number };

const ENCODING = new Map<string, Encoded>();
// The basic set is ASCII except where 608 put accented letters (so `*`, `\`, `^`, `_`, `{`, `|`,
// `}`, `~` are only reachable as extended characters).
for (let b = 0x20; b < 0x80; b++) ENCODING.set(BASIC_DIFFERENCES[b] ?? String.fromCharCode(b), { basic: b });
SPECIAL.forEach((c, i) => {
  ENCODING.set(c, { special: 0x30 + i });
});
for (const [table, b1] of [
  [EXTENDED_12, 0x12],
  [EXTENDED_13, 0x13],
] as const) {
  table.forEach((c, i) => {
    if (!ENCODING.has(c))
      ENCODING.set(c, { fallback: (EXTENDED_FALLBACK[c] as string).charCodeAt(0), b1, b2: 0x20 + i });
  });
}

/** True when CEA-608 can show the character (basic, special or extended set). */
export function is608Char(char: string): boolean {
  return ENCODING.has(char);
}

const word = (b1: number, b2: number): number => (withParity(b1) << 8) | withParity(b2);
const control = (b2: number): number => word(0x14, b2);

/** Words of one burst: characters packed two to a word, control codes doubled. */
class Words {
  readonly list: number[] = [];
  private pending = -1;
  char(b: number): void {
    if (this.pending < 0) this.pending = b;
    else {
      this.list.push(word(this.pending, b));
      this.pending = -1;
    }
  }
  code(b1: number, b2: number): void {
    this.flush();
    const w = word(b1, b2);
    this.list.push(w, w);
  }
  /** Take back a space just written (a mid-row code then stands in its cell); false if there is none. */
  dropSpace(): boolean {
    if (this.pending === 0x20) {
      this.pending = -1;
      return true;
    }
    const last = this.list[this.list.length - 1];
    const first = last === undefined ? 0 : (last >> 8) & 0x7f;
    if (last !== undefined && (last & 0x7f) === 0x20 && first >= 0x20) {
      this.list.pop();
      this.pending = first;
      return true;
    }
    return false;
  }
  flush(): void {
    if (this.pending >= 0) {
      this.list.push(word(this.pending, 0));
      this.pending = -1;
    }
  }
}

interface Style {
  italic: boolean;
  underline: boolean;
  color: CaptionColor;
}

/** Encode one line (PAC, tab offsets, characters, mid-row codes) into `words`. */
function encodeLine(line: CaptionLine, row: number, column: number, words: Words, log: LossLog, index: number): void {
  const spans = canonicalLine(line).spans;
  const cells = spans.reduce((n, s) => n + [...s.text].length, 0);
  if (column + cells > 32)
    log.lose('line.too-long', `a line of ${cells} characters from column ${column} (608 rows have 32 columns)`, index);
  const styles = spans.map((s): Style => {
    let color: CaptionColor = s.color ?? 'white';
    if (color === 'black') {
      log.lose('color.dropped', 'black text', index);
      color = 'white';
    }
    if (s.bold === true) log.lose('bold.dropped', 'bold text', index);
    if (s.voice !== undefined) log.lose('voice.dropped', `voice ${JSON.stringify(s.voice)}`, index);
    return { italic: s.italic === true, underline: s.underline === true, color };
  });
  const [p1, base] = pacBytes(row);
  let style: Style = styles[0] ?? { italic: false, underline: false, color: 'white' };
  const u = style.underline ? 1 : 0;
  if (style.italic && style.color !== 'white') {
    log.lose('style.dropped', 'the colour of italic text at the start of a row (608 starts italics in white)', index);
    style = { ...style, color: 'white' };
  }
  if (style.italic || style.color !== 'white') {
    // A style PAC puts the cursor at column 0; tab offsets move it on.
    words.code(p1, base | ((style.italic ? 7 : CODE_COLORS.indexOf(style.color)) << 1) | u);
    for (let left = column; left > 0; left -= 3) words.code(0x17, 0x20 + Math.min(3, left));
  } else {
    words.code(p1, base | 0x10 | ((column >> 2) << 1) | u);
    if (column % 4 > 0) words.code(0x17, 0x20 + (column % 4));
  }
  let written = column;
  spans.forEach((span, i) => {
    let want = styles[i] as Style;
    if (i > 0 && (want.italic !== style.italic || want.underline !== style.underline || want.color !== style.color)) {
      if (want.italic && want.color !== style.color) {
        log.lose(
          'style.dropped',
          'a colour change together with italics (a mid-row italics code keeps the colour)',
          index,
        );
        want = { ...want, color: style.color };
      }
      // A mid-row code shows as a space: it takes the cell of a space the text has, or adds one.
      if (!words.dropSpace())
        log.lose('space.added', 'a style change not after a space (a mid-row code shows as a space)', index);
      words.code(0x11, 0x20 | ((want.italic ? 7 : CODE_COLORS.indexOf(want.color)) << 1) | (want.underline ? 1 : 0));
      style = want;
    }
    for (const ch of span.text) {
      if (written >= 32) break;
      const enc = ENCODING.get(ch);
      if (enc === undefined) {
        log.lose('char.dropped', `character ${JSON.stringify(ch)}, which CEA-608 does not have`, index);
        continue;
      }
      if ('basic' in enc) words.char(enc.basic);
      else if ('special' in enc) words.code(0x11, enc.special);
      else {
        words.char(enc.fallback);
        words.code(enc.b1, enc.b2);
      }
      written++;
    }
  });
  words.flush();
}

/** The rows a cue's lines go on: their cells, or the bottom rows. */
function placeLines(
  cue: CaptionCue,
  log: LossLog,
  index: number,
): { line: CaptionLine; row: number; column: number }[] {
  const n = cue.lines.length;
  const used = new Set<number>();
  const out: { line: CaptionLine; row: number; column: number }[] = [];
  cue.lines.forEach((line, i) => {
    if (line.spans.every((s) => s.text.length === 0)) {
      log.lose('line.dropped', 'an empty line (608 shows nothing there)', index);
      return;
    }
    const width = line.spans.reduce((w, s) => w + [...s.text].length, 0);
    const row = line.cell?.row ?? Math.max(1, 15 - n + 1 + i);
    const column = line.cell?.column ?? Math.max(0, Math.floor((32 - Math.min(32, width)) / 2));
    if (used.has(row)) {
      log.lose('line.dropped', `a second line on row ${row}`, index);
      return;
    }
    used.add(row);
    out.push({ line, row, column });
  });
  return out;
}

/**
 * Write a track as Scenarist SCC (CEA-608 CC1, field 1) so that {@link readScc} — and a caption
 * decoder — shows each cue from its first to its last frame. Pop-on cues are loaded into the
 * non-displayed memory ahead of time (ENM, RCL, PACs, text) and shown by EOC at their first frame;
 * EDM clears them at their end unless the next cue replaces them then. Roll-up cues are sent as
 * RU2/3/4, CR at their first frame, PAC and text. Control codes are doubled; labels are drop-frame
 * when the track's rate is.
 *
 * Refused (`UNSUPPORTED`), or with `degrade: true` dropped and listed in `losses`: a rate other
 * than 29.97, paint-on cues (written as pop-on), overlapping cues, a pop-on cue with too little
 * time before it to load, roll-up cues of several lines (joined) or too short for their text,
 * characters outside the 608 set, bold, black text, voices, placement, regions, notes, lines over
 * 32 columns, style changes that are not at a space.
 */
export function writeScc(track: CaptionTrack, options?: CaptionWriteOptions): CaptionWriteResult {
  if (!(track.rate.num === 30000 && track.rate.den === 1001)) {
    throw new FramewiseError(
      'UNSUPPORTED',
      `SCC is 29.97 fps; convert the ${track.rate.toString()} track with convertCaptionRate first`,
      {
        details: { rate: track.rate.toJSON() },
      },
    );
  }
  const log = new LossLog('SCC', options);
  if (track.regions.length > 0) log.lose('regions.dropped', `${track.regions.length} region(s)`);
  if (track.styleSheets.length > 0) log.lose('styles.dropped', 'WebVTT style sheets');
  // One word slot per frame (0 = free; every word with parity is non-zero).
  const lastFrame = track.cues.reduce((m, c) => Math.max(m, c.end), 0);
  const table = new Int32Array(lastFrame + 4);
  const slots = {
    has: (f: number): boolean => f < 0 || f >= table.length || table[f] !== 0,
    get: (f: number): number => table[f] as number,
    set: (f: number, w: number): void => {
      if (f >= 0 && f < table.length) table[f] = w;
    },
    delete: (f: number): void => {
      table[f] = 0;
    },
  };
  /** The last taken frame in `[from, from + length)`, or -1 when all are free. */
  const taken = (from: number, length: number): number => {
    if (from < 0) return from + length - 1;
    for (let f = from + length - 1; f >= from; f--) if (slots.has(f)) return f;
    return -1;
  };
  const free = (from: number, length: number): boolean => taken(from, length) < 0;
  const put = (from: number, list: readonly number[]): void => {
    for (let k = 0; k < list.length; k++) slots.set(from + k, list[k] as number);
  };
  const cues = track.cues;
  // Pass 1: what must happen at an exact frame (EOC, EDM, roll-up bursts).
  const loads: { index: number; words: number[]; after: number }[] = [];
  const dups: number[] = [];
  let barrier = -1;
  cues.forEach((cue, index) => {
    if (cue.id !== undefined) log.lose('id.dropped', `cue id ${JSON.stringify(cue.id)}`, index);
    if (cue.placement !== undefined) log.lose('placement.dropped', 'cue placement', index);
    if (cue.region !== undefined) log.lose('region.dropped', `region ${JSON.stringify(cue.region)}`, index);
    if (cue.note !== undefined) log.lose('note.dropped', 'a note', index);
    if (cue.cea608 !== undefined && cue.cea608.channel !== 1)
      log.lose('channel.changed', `channel CC${cue.cea608.channel} (written as CC1)`, index);
    const next = cues[index + 1];
    let end = cue.end;
    if (next !== undefined && next.begin < end) {
      log.lose(
        'cue.overlap',
        `a cue overlapping the next (it ends when the next begins, at frame ${next.begin})`,
        index,
      );
      end = next.begin;
    }
    if (end <= cue.begin) {
      log.lose('cue.dropped', 'a cue that begins with the previous one', index);
      return;
    }
    if (cue.lines.every((l) => l.spans.every((s) => s.text.length === 0))) {
      log.lose('cue.empty', 'an empty cue (608 shows nothing)', index);
      return;
    }
    let mode = cue.cea608?.mode ?? 'pop-on';
    if (mode === 'paint-on') {
      log.lose('mode.changed', 'a paint-on cue (written as pop-on)', index);
      mode = 'pop-on';
    }
    const burst = new Words();
    const endsOnNext = next !== undefined && next.begin === end;
    if (mode === 'pop-on' && next?.cea608?.mode === 'roll-up' && next.begin - 2 < end) {
      log.lose(
        'cue.shortened',
        'a pop-on cue followed by roll-up within 2 frames (the RU code erases it early)',
        index,
      );
    }
    if (mode === 'roll-up') {
      const rows = cue.cea608?.rollUpRows ?? 2;
      let lines = placeLines(cue, log, index);
      if (lines.length > 1) {
        log.lose('line.joined', `a roll-up cue of ${lines.length} lines (joined into one)`, index);
        const first = lines[0] as (typeof lines)[number];
        const spans = lines.flatMap((l, i) => (i === 0 ? l.line.spans : [{ text: ' ' }, ...l.line.spans]));
        lines = [{ ...first, line: { spans } }];
      }
      burst.code(0x14, MISC.RU2 + rows - 2);
      burst.code(0x14, MISC.CR);
      const only = lines[0];
      if (only !== undefined) encodeLine(only.line, only.row, only.column, burst, log, index);
      const start = cue.begin - 2;
      const tail = start + burst.list.length;
      if (!free(start, burst.list.length) || tail > end) {
        log.lose(
          'cue.dropped',
          `a roll-up cue whose ${burst.list.length} words do not fit before its end or collide with another cue's`,
          index,
        );
        return;
      }
      put(start, burst.list);
      barrier = tail;
    } else {
      burst.code(0x14, MISC.ENM);
      burst.code(0x14, MISC.RCL);
      for (const l of placeLines(cue, log, index)) encodeLine(l.line, l.row, l.column, burst, log, index);
      if (slots.has(cue.begin)) {
        log.lose('cue.dropped', 'a pop-on cue whose EOC frame another cue uses', index);
        return;
      }
      slots.set(cue.begin, control(MISC.EOC));
      dups.push(cue.begin + 1);
      loads.push({ index, words: burst.list, after: barrier });
      barrier = cue.begin + 1;
    }
    if (!endsOnNext) {
      if (slots.has(end)) log.lose('cue.lengthened', `a cue end at frame ${end}, which another cue's words use`, index);
      else {
        slots.set(end, control(MISC.EDM));
        dups.push(end + 1);
      }
    }
  });
  for (const f of dups) if (!slots.has(f) && slots.has(f - 1)) slots.set(f, slots.get(f - 1) as number);
  // Pass 3: load each pop-on cue in the latest free run of frames after the previous cue's words.
  for (const { index, words: load, after } of loads) {
    const eoc = (cues[index] as CaptionCue).begin;
    let start = eoc - load.length;
    // Jump below whatever is in the way until the block fits.
    for (let t = taken(start, load.length); t >= 0 && start > after; t = taken(start, load.length))
      start = t - load.length;
    if (start <= after || !free(start, load.length)) {
      log.lose('cue.dropped', `a pop-on cue with too little time before it to load its ${load.length} words`, index);
      slots.delete(eoc);
      if (slots.get(eoc + 1) === control(MISC.EOC)) slots.delete(eoc + 1);
      continue;
    }
    put(start, load);
  }
  // Contiguous frames make one SCC line.
  const out: string[] = ['Scenarist_SCC V1.0', ''];
  let current: string[] = [];
  let previous = -2;
  for (let f = 0; f < table.length; f++) {
    if (table[f] === 0) continue;
    if (f !== previous + 1) {
      if (current.length > 0) out.push(current.join(' '), '');
      current = [`${Timecode.fromFrames(f, track.rate).toString()}\t${hex(slots.get(f) as number)}`];
    } else current.push(hex(slots.get(f) as number));
    previous = f;
  }
  if (current.length > 0) out.push(current.join(' '), '');
  return { text: out.join('\n'), losses: log.losses };
}

const hex = (w: number): string => w.toString(16).padStart(4, '0');
