import type { CaptionColor, CaptionCue, CaptionLine, CaptionSpan } from './model.js';

/** The style a reader is in while it walks tagged text. */
export interface SpanStyle {
  italic: boolean;
  bold: boolean;
  underline: boolean;
  color: CaptionColor | undefined;
  voice: string | undefined;
}

/** The default style: nothing on, default colour, no voice. */
export const plainStyle = (): SpanStyle => ({
  italic: false,
  bold: false,
  underline: false,
  color: undefined,
  voice: undefined,
});

function sameStyle(span: CaptionSpan, style: SpanStyle): boolean {
  return (
    (span.italic === true) === style.italic &&
    (span.bold === true) === style.bold &&
    (span.underline === true) === style.underline &&
    span.color === style.color &&
    span.voice === style.voice
  );
}

/** A span with only the style properties that are set (absent means off or default). */
export function makeSpan(text: string, style: SpanStyle): CaptionSpan {
  const span: {
    text: string;
    italic?: boolean;
    bold?: boolean;
    underline?: boolean;
    color?: CaptionColor;
    voice?: string;
  } = { text };
  if (style.italic) span.italic = true;
  if (style.bold) span.bold = true;
  if (style.underline) span.underline = true;
  if (style.color !== undefined && style.color !== 'white') span.color = style.color;
  if (style.voice !== undefined) span.voice = style.voice;
  return span;
}

/** Append text in a style, merging with the last span when the style is the same. Empty text is ignored. */
export function pushText(spans: CaptionSpan[], text: string, style: SpanStyle): void {
  if (text.length === 0) return;
  const last = spans[spans.length - 1];
  if (last !== undefined && sameStyle(last, style)) {
    spans[spans.length - 1] = { ...last, text: last.text + text };
  } else {
    spans.push(makeSpan(text, style));
  }
}

function styleOf(span: CaptionSpan): SpanStyle {
  return {
    italic: span.italic === true,
    bold: span.bold === true,
    underline: span.underline === true,
    color: span.color === 'white' ? undefined : span.color,
    voice: span.voice,
  };
}

/**
 * A line in canonical form: empty spans removed, neighbours of the same style merged, `white`
 * written as the default colour, `false` flags left out. Readers return canonical lines; compare
 * canonical forms when checking a round trip.
 */
export function canonicalLine(line: CaptionLine): CaptionLine {
  const only = line.spans.length === 1 ? line.spans[0] : undefined;
  if (
    only !== undefined &&
    only.text.length > 0 &&
    only.color !== 'white' &&
    only.italic !== false &&
    only.bold !== false &&
    only.underline !== false
  ) {
    return line;
  }
  const spans: CaptionSpan[] = [];
  for (const span of line.spans) pushText(spans, span.text, styleOf(span));
  return line.cell === undefined ? { spans } : { spans, cell: line.cell };
}

/** A cue with every line in canonical form (see {@link canonicalLine}). */
export function canonicalCue(cue: CaptionCue): CaptionCue {
  return { ...cue, lines: cue.lines.map(canonicalLine) };
}
