import type { FrameRate } from '../time/index.js';

/**
 * What a caption track is for: `captions` (same-language, for viewers who cannot hear the audio),
 * `subtitles` (translation), `sdh` (subtitles for the deaf and hard of hearing: subtitles plus
 * sound cues), `forced` (only the parts a viewer always needs: foreign dialogue, signs), and
 * `descriptions` (text descriptions of the picture).
 */
export type CaptionKind = 'captions' | 'subtitles' | 'sdh' | 'forced' | 'descriptions';

/** Every {@link CaptionKind}. */
export const CAPTION_KINDS: readonly CaptionKind[] = Object.freeze([
  'captions',
  'subtitles',
  'sdh',
  'forced',
  'descriptions',
]);

/**
 * The foreground colours every caption format here can carry: the seven CEA-608 colours plus
 * black (WebVTT's default colour classes name the same set, with `lime` for green).
 */
export type CaptionColor = 'white' | 'green' | 'blue' | 'cyan' | 'red' | 'yellow' | 'magenta' | 'black';

/** Every {@link CaptionColor}. */
export const CAPTION_COLORS: readonly CaptionColor[] = Object.freeze([
  'white',
  'green',
  'blue',
  'cyan',
  'red',
  'yellow',
  'magenta',
  'black',
]);

/** A run of text with one style. Absent flags mean "off"; an absent colour means the default (white). */
export interface CaptionSpan {
  /** The text, without line breaks (lines are separate {@link CaptionLine}s). */
  readonly text: string;
  readonly italic?: boolean;
  readonly bold?: boolean;
  readonly underline?: boolean;
  readonly color?: CaptionColor;
  /** The speaker (WebVTT `<v Name>`, TTML `ttm:agent`). */
  readonly voice?: string;
}

/** A CEA-608 screen cell: row 1-15 (top to bottom) and column 0-31. */
export interface Cea608Cell {
  readonly row: number;
  readonly column: number;
}

/** One displayed line of a cue. */
export interface CaptionLine {
  readonly spans: readonly CaptionSpan[];
  /** Where a CEA-608 decoder puts the line's first character (from a PAC and tab offsets). */
  readonly cell?: Cea608Cell;
}

/** How a CEA-608 caption was built up on screen. */
export type Cea608Mode = 'pop-on' | 'roll-up' | 'paint-on';

/** The CEA-608 data of a cue read from (or meant for) line 21: kept so an SCC round trip is faithful. */
export interface Cea608Data {
  readonly mode: Cea608Mode;
  /** The caption channel CC1-CC4. */
  readonly channel: 1 | 2 | 3 | 4;
  /** Roll-up depth (RU2, RU3, RU4); only for `roll-up`. */
  readonly rollUpRows?: 2 | 3 | 4;
}

/** A WebVTT line position: a line number (negative counts from the bottom) or a percentage. */
export interface CaptionLinePosition {
  readonly value: number;
  /** `line`: snap to lines (WebVTT `line:-1`); `percent`: `line:90%`. */
  readonly unit: 'line' | 'percent';
}

/** Where and how a cue sits on the video, in WebVTT terms (TTML regions map onto these). */
export interface CuePlacement {
  /** Vertical text: `rl` (right to left) or `lr`. Absent for horizontal text. */
  readonly vertical?: 'rl' | 'lr';
  readonly line?: CaptionLinePosition;
  readonly lineAlign?: 'start' | 'center' | 'end';
  /** Position of the cue box along the line, percent of the video width (0-100). */
  readonly position?: number;
  readonly positionAlign?: 'line-left' | 'center' | 'line-right';
  /** Size of the cue box, percent (0-100). */
  readonly size?: number;
  /** Text alignment inside the cue box. */
  readonly align?: 'start' | 'center' | 'end' | 'left' | 'right';
}

/** A point in percent of the width and height of the video (or of a region). */
export interface CaptionAnchor {
  readonly x: number;
  readonly y: number;
}

/** A named area of the video that cues can be placed in (WebVTT REGION, TTML region). */
export interface CaptionRegion {
  /** The id cues refer to. */
  readonly id: string;
  /** Width in percent of the video width. */
  readonly width: number;
  /** Height in lines. */
  readonly lines: number;
  /** The point of the region that sits on {@link CaptionRegion.viewportAnchor}, in percent of the region. */
  readonly regionAnchor: CaptionAnchor;
  /** Where the region's anchor sits, in percent of the video. */
  readonly viewportAnchor: CaptionAnchor;
  /** `up`: new lines push older ones up (roll-up); `none`: lines stay where they are. */
  readonly scroll: 'none' | 'up';
}

/**
 * One caption or subtitle: frames `[begin, end)` of the track's timeline at the track's rate,
 * the lines shown, and where they are shown.
 */
export interface CaptionCue {
  /** The cue identifier (WebVTT cue id, TTML `xml:id`); SRT numbers are not kept. */
  readonly id?: string;
  /** First frame shown, counted from 00:00:00:00 of the track's timeline. */
  readonly begin: number;
  /** First frame no longer shown (exclusive); greater than `begin`. */
  readonly end: number;
  /** The lines, top to bottom; at least one. */
  readonly lines: readonly CaptionLine[];
  /** The id of one of the track's regions. */
  readonly region?: string;
  readonly placement?: CuePlacement;
  /** CEA-608 data, when the cue came from (or is meant for) line 21. */
  readonly cea608?: Cea608Data;
  /** A comment that preceded the cue (WebVTT `NOTE` block). */
  readonly note?: string;
}

/**
 * A caption or subtitle track: one language and kind, every cue on one frame rate, in time order.
 * Build one with {@link captionTrack} (which validates); readers return them.
 */
export interface CaptionTrack {
  /** BCP 47 language tag, e.g. `en`, `en-US`, `pt-BR`, `zh-Hant`; `und` when unknown. */
  readonly language: string;
  readonly kind: CaptionKind;
  /** The frame rate cue frames count at (the video's rate). */
  readonly rate: FrameRate;
  /** A human-readable name (an HLS `NAME`). */
  readonly label?: string;
  readonly regions: readonly CaptionRegion[];
  /** Cues ordered by begin, then end. */
  readonly cues: readonly CaptionCue[];
  /** CSS style sheets from WebVTT `STYLE` blocks, kept verbatim. */
  readonly styleSheets: readonly string[];
}
