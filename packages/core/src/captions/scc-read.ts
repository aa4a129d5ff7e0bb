import { FrameRate } from '../time/index.js';
import type { CaptionIssue, CaptionReadResult } from './issues.js';
import { unreadable } from './issues.js';
import type {
  CaptionColor,
  CaptionCue,
  CaptionKind,
  CaptionLine,
  CaptionSpan,
  Cea608Data,
  Cea608Mode,
} from './model.js';
import { readableText } from './reader-options.js';
import {
  BASIC_DIFFERENCES,
  CODE_COLORS,
  EXTENDED_12,
  EXTENDED_13,
  hasOddParity,
  MISC,
  pacRow,
  SPECIAL,
} from './scc-codes.js';
import { plainStyle, pushText, type SpanStyle } from './spans.js';
import { captionTrack } from './track.js';

/** Options for {@link readScc}. */
export interface SccReadOptions {
  /** BCP 47 language of the track; default `und`. */
  readonly language?: string;
  /** Default `captions`. */
  readonly kind?: CaptionKind;
  /** The caption channel to decode: CC1 (default) or CC2 (field 1 of line 21). */
  readonly channel?: 1 | 2;
}

interface Cell {
  readonly char: string;
  readonly italic: boolean;
  readonly underline: boolean;
  readonly color: CaptionColor;
}

type Memory = (Cell | undefined)[][];

const GAP: Cell = Object.freeze({ char: ' ', italic: false, underline: false, color: 'white' });
const newMemory = (): Memory => Array.from({ length: 16 }, () => new Array<Cell | undefined>(32).fill(undefined));
const isEmpty = (m: Memory): boolean => m.every((row) => row.every((c) => c === undefined));

const LABEL = /^(\d{2}):(\d{2}):(\d{2})([:;.,])(\d{2})$/;

/**
 * The frame of an SCC time label at 29.97 fps: `;` (or `.`/`,`) labels count drop-frame, `:`
 * labels non-drop (a 30 fps label played at 29.97). A drop-frame label that does not exist
 * (`00:25:00;00`) is the first frame after it (`;02`). Undefined for impossible fields.
 */
export function sccLabelFrame(label: string): { frame: number; dropFrame: boolean; repaired: boolean } | undefined {
  const m = LABEL.exec(label);
  if (m === null) return undefined;
  const [h, min, s, f] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[5])];
  if (min > 59 || s > 59 || f > 29 || h > 23) return undefined;
  const dropFrame = m[4] !== ':';
  if (!dropFrame) return { frame: ((h * 60 + min) * 60 + s) * 30 + f, dropFrame, repaired: false };
  const minutes = h * 60 + min;
  const dropped = s === 0 && f < 2 && min % 10 !== 0;
  const frames = (h * 3600 + min * 60 + s) * 30 + (dropped ? 2 : f) - 2 * (minutes - Math.floor(minutes / 10));
  return { frame: frames, dropFrame, repaired: dropped };
}

/** A CEA-608 decoder for one channel that turns what it displays into cues. */
class Decoder {
  readonly cues: CaptionCue[] = [];
  mode: Cea608Mode = 'pop-on';
  rollUpRows: 2 | 3 | 4 = 2;
  displayed = newMemory();
  hidden = newMemory();
  /** The cursor. */
  row = 15;
  column = 0;
  /** The roll-up window's base row (moved only by a PAC in roll-up mode). */
  baseRow = 15;
  style: Omit<Cell, 'char'> = { italic: false, underline: false, color: 'white' };
  /** Frame the shown caption began, when one is shown (or being painted / rolled). */
  openAt: number | undefined;
  /** How the shown caption was put up. */
  openMode: Cea608Mode = 'pop-on';
  /** The roll-up depth when the shown caption was put up. */
  openRows: 2 | 3 | 4 = 2;
  /** Paint-on: the burst (SCC line) the shown caption was last painted in. */
  paintedIn = -1;
  constructor(readonly channel: 1 | 2) {}

  private open(t: number, mode: Cea608Mode): void {
    this.openAt = t;
    this.openMode = mode;
    this.openRows = this.rollUpRows;
  }

  private target(): Memory {
    return this.mode === 'pop-on' ? this.hidden : this.displayed;
  }

  /** Close the shown caption at `t`: a cue of what is displayed (roll-up: the base row). */
  close(t: number): void {
    if (this.openAt !== undefined && t > this.openAt) {
      const rollUp = this.openMode === 'roll-up';
      const lines = rollUp ? linesOf(this.displayed, this.baseRow, this.baseRow) : linesOf(this.displayed, 1, 15);
      if (lines.length > 0) {
        const cea608: Cea608Data = rollUp
          ? { mode: 'roll-up', channel: this.channel, rollUpRows: this.openRows }
          : { mode: this.openMode, channel: this.channel };
        this.cues.push({ begin: this.openAt, end: t, lines, cea608 });
      }
    }
    this.openAt = undefined;
  }

  write(char: string, t: number, burst: number): void {
    if (this.mode !== 'pop-on') {
      if (this.mode === 'paint-on' && this.openAt !== undefined && burst !== this.paintedIn) this.close(t);
      if (this.openAt === undefined) this.open(t, this.mode);
      this.paintedIn = burst;
    }
    // Past the last column, each character replaces the one in column 32 (CEA-608).
    const column = Math.min(this.column, 31);
    (this.target()[this.row] as (Cell | undefined)[])[column] = { char, ...this.style };
    this.column = column + 1;
  }

  backspace(): void {
    if (this.column > 0) {
      this.column--;
      (this.target()[this.row] as (Cell | undefined)[])[this.column] = undefined;
    }
  }

  misc(code: number, t: number): boolean {
    switch (code) {
      case MISC.RCL:
        this.mode = 'pop-on';
        return true;
      case MISC.RDC:
        if (this.mode === 'roll-up') this.erase(t);
        this.mode = 'paint-on';
        return true;
      case MISC.RU2:
      case MISC.RU3:
      case MISC.RU4:
        if (this.mode !== 'roll-up') {
          this.erase(t);
          this.hidden = newMemory();
          this.baseRow = 15;
        }
        this.row = this.baseRow;
        this.mode = 'roll-up';
        this.rollUpRows = (code - MISC.RU2 + 2) as 2 | 3 | 4;
        this.column = 0;
        return true;
      case MISC.EDM:
        this.erase(t);
        return true;
      case MISC.ENM:
        this.hidden = newMemory();
        return true;
      case MISC.EOC: {
        this.close(t);
        [this.displayed, this.hidden] = [this.hidden, this.displayed];
        this.mode = 'pop-on';
        if (!isEmpty(this.displayed)) this.open(t, 'pop-on');
        return true;
      }
      case MISC.CR:
        if (this.mode === 'roll-up') {
          this.close(t);
          const base = this.baseRow;
          const top = Math.max(1, base - this.rollUpRows + 1);
          for (let r = top; r < base; r++) this.displayed[r] = this.displayed[r + 1] as (Cell | undefined)[];
          for (let r = 1; r < top; r++) this.displayed[r] = new Array<Cell | undefined>(32).fill(undefined);
          this.displayed[base] = new Array<Cell | undefined>(32).fill(undefined);
          this.row = base;
          this.column = 0;
          this.open(t, 'roll-up');
        } else if (this.row < 15) {
          this.row++;
          this.column = 0;
        }
        return true;
      case MISC.BS:
        this.backspace();
        return true;
      case MISC.DER: {
        const row = this.target()[this.row] as (Cell | undefined)[];
        for (let c = this.column; c < 32; c++) row[c] = undefined;
        return true;
      }
      default:
        return false;
    }
  }

  private erase(t: number): void {
    this.close(t);
    this.displayed = newMemory();
  }

  pac(row: number, b2: number): void {
    const attr = b2 & 0x1f;
    if (this.mode === 'roll-up' && row !== this.baseRow) {
      // The roll-up window moves to the new base row with its text.
      const moved = newMemory();
      for (let k = 0; k < this.rollUpRows; k++) {
        const from = this.baseRow - k;
        const to = row - k;
        if (from >= 1 && to >= 1) moved[to] = this.displayed[from] as (Cell | undefined)[];
      }
      this.displayed = moved;
    }
    if (this.mode === 'roll-up') this.baseRow = row;
    this.row = row;
    const underline = (attr & 1) === 1;
    if (attr < 0x10) {
      const index = attr >> 1;
      this.style = {
        italic: index === 7,
        underline,
        color: index === 7 ? 'white' : (CODE_COLORS[index] as CaptionColor),
      };
      this.column = 0;
    } else {
      this.style = { italic: false, underline, color: 'white' };
      this.column = ((attr & 0x0e) >> 1) * 4;
    }
  }

  midRow(b2: number, t: number, burst: number): void {
    // A mid-row code shows as a space in the style before it, then changes the style.
    this.write(' ', t, burst);
    const index = (b2 & 0x0e) >> 1;
    const underline = (b2 & 1) === 1;
    this.style =
      index === 7
        ? { italic: true, underline, color: this.style.color }
        : { italic: false, underline, color: CODE_COLORS[index] as CaptionColor };
  }
}

/** The non-empty rows `from`-`to` of a memory as lines with their cells. */
function linesOf(memory: Memory, from: number, to: number): CaptionLine[] {
  const lines: CaptionLine[] = [];
  for (let r = from; r <= to; r++) {
    const row = memory[r] as (Cell | undefined)[];
    let first = -1;
    let last = -1;
    for (let c = 0; c < 32; c++) {
      if (row[c] !== undefined) {
        if (first < 0) first = c;
        last = c;
      }
    }
    if (first < 0) continue;
    const spans: CaptionSpan[] = [];
    // Runs of cells in one style become one span; a cell nothing was written to is transparent:
    // a plain space in the line's text.
    let run = '';
    let runStyle: Omit<Cell, 'char'> | undefined;
    const flush = (): void => {
      if (run === '' || runStyle === undefined) return;
      const style: SpanStyle = {
        ...plainStyle(),
        italic: runStyle.italic,
        underline: runStyle.underline,
        color: runStyle.color === 'white' ? undefined : runStyle.color,
      };
      pushText(spans, run, style);
      run = '';
    };
    for (let c = first; c <= last; c++) {
      const cell = row[c] ?? GAP;
      const same =
        runStyle !== undefined &&
        cell.italic === runStyle.italic &&
        cell.underline === runStyle.underline &&
        cell.color === runStyle.color;
      if (!same) {
        flush();
        runStyle = cell;
      }
      run += cell.char;
    }
    flush();
    lines.push({ spans, cell: { row: r, column: first } });
  }
  return lines;
}

/**
 * Read a Scenarist SCC file (CEA-608 line-21 byte pairs with 29.97 fps time labels) by decoding
 * it the way a television's caption decoder does, one word per frame from each line's label.
 *
 * Display timing (what becomes a cue):
 * - **Pop-on**: a caption is shown at the frame of its End Of Caption (EOC) word and cleared at
 *   the Erase Displayed Memory (EDM) word or the next EOC, whichever comes first.
 * - **Roll-up** (RU2/RU3/RU4): each line is a cue from its Carriage Return (CR) word to the next
 *   CR (when it rolls up and the next line starts) or EDM; the rows still visible above the
 *   base row are not repeated in later cues (`cea608.rollUpRows` says how many show).
 * - **Paint-on** (RDC): what is displayed is a cue from the first character painted to the next
 *   erase; a later SCC line that paints more ends it, and a new cue (everything displayed) starts.
 *
 * Doubled control codes (a code repeated in the next word) act once. Bytes with bad parity are
 * read by their 7 data bits and reported, as are lines with impossible labels (frames ≥ 30); a drop-frame label
 * that does not exist is moved to the next real frame (reported). The track is at 29.97 fps,
 * drop-frame when the file's labels are.
 *
 * @throws `INVALID_INPUT` when the input is not a string, too large, or lacks the
 * `Scenarist_SCC V1.0` header.
 */
export function readScc(input: string, options: SccReadOptions = {}): CaptionReadResult {
  const text = readableText('SCC', input);
  const lines = text.split(/\r\n|\r|\n/);
  if ((lines[0] ?? '').trim() !== 'Scenarist_SCC V1.0')
    throw unreadable('SCC', 'does not start with "Scenarist_SCC V1.0"', 1);
  const issues: CaptionIssue[] = [];
  const channel = options.channel ?? 1;
  const decoder = new Decoder(channel);
  let dropFrame: boolean | undefined;
  let mixed = false;
  let last = 0;
  let previousWord = -1;
  let currentChannel: 1 | 2 = 1;
  let otherChannel = false;
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    if (index === 0 || raw.trim() === '') return;
    const [label = '', ...words] = raw.trim().split(/[ \t]+/);
    const at = sccLabelFrame(label);
    if (at === undefined) {
      issues.push({
        code: 'timecode.invalid',
        message: `line skipped: ${JSON.stringify(label.slice(0, 20))} is not a 29.97 fps time label`,
        line: lineNo,
      });
      return;
    }
    if (at.repaired)
      issues.push({
        code: 'timecode.nonexistent',
        message: `drop-frame label ${label} does not exist; read as the next frame`,
        line: lineNo,
      });
    if (dropFrame === undefined) dropFrame = at.dropFrame;
    else if (dropFrame !== at.dropFrame && !mixed) {
      mixed = true;
      issues.push({
        code: 'timecode.mixed',
        message: 'drop-frame and non-drop labels are mixed; each is read as written',
        line: lineNo,
      });
    }
    if (at.frame < last)
      issues.push({
        code: 'timecode.backwards',
        message: `label ${label} is earlier than the previous line's last word`,
        line: lineNo,
      });
    words.forEach((word, k) => {
      const t = at.frame + k;
      last = t + 1;
      if (!/^[0-9a-fA-F]{4}$/.test(word)) {
        issues.push({
          code: 'word.invalid',
          message: `word ${JSON.stringify(word.slice(0, 10))} is not 4 hex digits; skipped`,
          line: lineNo,
        });
        previousWord = -1;
        return;
      }
      const value = Number.parseInt(word, 16);
      const hi = value >> 8;
      const lo = value & 0xff;
      if (!hasOddParity(hi) || !hasOddParity(lo)) {
        // Sloppy encoders get parity wrong; the 7 data bits are still what they meant.
        issues.push({
          code: 'parity',
          message: `word ${word} has a byte with even parity; read by its 7 data bits`,
          line: lineNo,
        });
      }
      const b1 = hi & 0x7f;
      const b2 = lo & 0x7f;
      if (b1 === 0 && b2 === 0) return;
      if (b1 >= 0x10 && b1 <= 0x1f) {
        // A control code repeated in the next word is the transmission's redundancy: act once.
        if (value === previousWord) {
          previousWord = -1;
          return;
        }
        previousWord = value;
        currentChannel = (b1 & 0x08) === 0 ? 1 : 2;
        if (currentChannel !== channel) {
          otherChannel = true;
          return;
        }
        const c1 = b1 & 0xf7;
        if ((c1 === 0x14 || c1 === 0x15) && b2 >= 0x20 && b2 <= 0x2f) {
          if (!decoder.misc(b2, t))
            issues.push({
              code: 'command.ignored',
              message: `command ${word} has no effect on captions`,
              line: lineNo,
            });
        } else if (c1 === 0x17 && b2 >= 0x21 && b2 <= 0x23) {
          decoder.column = Math.min(31, decoder.column + (b2 - 0x20));
        } else if (c1 === 0x11 && b2 >= 0x20 && b2 <= 0x2f) {
          decoder.midRow(b2, t, index);
        } else if (c1 === 0x11 && b2 >= 0x30 && b2 <= 0x3f) {
          decoder.write(SPECIAL[b2 - 0x30] as string, t, index);
        } else if ((c1 === 0x12 || c1 === 0x13) && b2 >= 0x20 && b2 <= 0x3f) {
          decoder.backspace();
          decoder.write((c1 === 0x12 ? EXTENDED_12 : EXTENDED_13)[b2 - 0x20] as string, t, index);
        } else if (b2 >= 0x40 && pacRow(c1, b2) !== undefined) {
          decoder.pac(pacRow(c1, b2) as number, b2);
        } else {
          issues.push({
            code: 'command.ignored',
            message: `control code ${word} is not a caption command; ignored`,
            line: lineNo,
          });
        }
        return;
      }
      previousWord = -1;
      if (currentChannel !== channel) return;
      for (const b of [b1, b2]) {
        if (b >= 0x20) decoder.write(BASIC_DIFFERENCES[b] ?? String.fromCharCode(b), t, index);
        else if (b !== 0)
          issues.push({
            code: 'byte.ignored',
            message: `byte ${b.toString(16)} is not a character; ignored`,
            line: lineNo,
          });
      }
    });
  });
  if (decoder.openAt !== undefined) {
    issues.push({
      code: 'cue.unterminated',
      message: 'the last caption is never erased; it ends one frame after the last word',
    });
    decoder.close(Math.max(last, decoder.openAt + 1));
  }
  if (otherChannel)
    issues.push({ code: 'channel.ignored', message: `data for the other caption channel (not CC${channel}) ignored` });
  const rate = dropFrame === false ? FrameRate.FPS_29_97_NDF : FrameRate.FPS_29_97_DF;
  const track = captionTrack({
    language: options.language ?? 'und',
    kind: options.kind ?? 'captions',
    rate,
    cues: decoder.cues,
  });
  return { track, issues };
}
