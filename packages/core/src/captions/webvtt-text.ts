import type { CaptionIssue } from './issues.js';
import type { CaptionColor, CaptionLine, CaptionSpan } from './model.js';
import { plainStyle, pushText, type SpanStyle } from './spans.js';

const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  lrm: '\u200e',
  rlm: '\u200f',
};
const ENTITY = /^&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z][a-zA-Z0-9]{0,31}));/;

/** WebVTT's default colour classes (`<c.yellow>`), mapped to the model's colours. */
const CLASS_COLORS: Readonly<Record<string, CaptionColor>> = {
  white: 'white',
  lime: 'green',
  cyan: 'cyan',
  red: 'red',
  yellow: 'yellow',
  magenta: 'magenta',
  blue: 'blue',
  black: 'black',
};
/** The class WebVTT writes for each model colour. */
export const COLOR_CLASSES: Readonly<Record<CaptionColor, string>> = {
  white: 'white',
  green: 'lime',
  cyan: 'cyan',
  red: 'red',
  yellow: 'yellow',
  magenta: 'magenta',
  blue: 'blue',
  black: 'black',
};

/** Deepest tag nesting read; deeper tags are dropped (reported), which keeps reading linear. */
const MAX_NESTING = 32;

interface Open {
  readonly name: string;
  readonly apply: (style: SpanStyle) => void;
}

/** Decode entities in text (`&amp;`, `&lt;`, `&#9834;`, …); an unknown one stays as written. */
function decode(text: string, issues: CaptionIssue[], line: number): string {
  if (!text.includes('&')) return text;
  let out = '';
  let at = 0;
  for (let i = text.indexOf('&'); i >= 0; i = text.indexOf('&', at)) {
    out += text.slice(at, i);
    const m = ENTITY.exec(text.slice(i, i + 40));
    let value: string | undefined;
    if (m !== null) {
      const code = m[1] !== undefined ? Number(m[1]) : m[2] !== undefined ? Number.parseInt(m[2], 16) : undefined;
      if (code !== undefined) {
        const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
        value = valid ? String.fromCodePoint(code) : '\ufffd';
      } else value = ENTITIES[m[3] as string];
    }
    if (m === null || value === undefined) {
      if (m !== null)
        issues.push({ code: 'entity.unknown', message: `character reference ${m[0]} kept as text`, line });
      out += '&';
      at = i + 1;
    } else {
      out += value;
      at = i + (m as RegExpExecArray)[0].length;
    }
  }
  return out + text.slice(at);
}

/**
 * WebVTT cue text into lines of styled spans. `<i>`, `<b>`, `<u>`, `<v Name>` and the colour
 * classes of `<c>` map onto the model; other classes, `<lang>`, `<ruby>` annotations (`<rt>`
 * text), inner timestamps and unknown tags are dropped and reported (their text is kept, except
 * `<rt>`).
 */
export function readCueText(text: string, issues: CaptionIssue[], firstLine: number): CaptionLine[] {
  const lines: CaptionLine[] = [];
  let spans: CaptionSpan[] = [];
  let lineNo = firstLine;
  const stack: Open[] = [];
  let style = plainStyle();
  const restyle = (): void => {
    style = plainStyle();
    for (const open of stack) open.apply(style);
  };
  const drop = (code: string, what: string): void => {
    issues.push({ code, message: `${what} dropped`, line: lineNo });
  };
  const hidden = (): boolean => stack.some((o) => o.name === 'rt');
  const emit = (raw: string): void => {
    const parts = raw.split('\n');
    parts.forEach((part, i) => {
      if (i > 0) {
        lines.push({ spans });
        spans = [];
        lineNo++;
      }
      if (!hidden()) pushText(spans, decode(part, issues, lineNo), style);
      else if (part.length > 0) drop('ruby.dropped', `ruby annotation ${JSON.stringify(part)}`);
    });
  };
  let at = 0;
  while (at < text.length) {
    const lt = text.indexOf('<', at);
    if (lt < 0) {
      emit(text.slice(at));
      break;
    }
    emit(text.slice(at, lt));
    const gt = text.indexOf('>', lt);
    const tag = gt < 0 ? text.slice(lt + 1) : text.slice(lt + 1, gt);
    at = gt < 0 ? text.length : gt + 1;
    lineNo += tag.split('\n').length - 1;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const index = stack.findLastIndex((o) => o.name === name);
      if (index >= 0) {
        stack.length = index;
        restyle();
      }
      continue;
    }
    if (/^\d/.test(tag)) {
      drop('timestamp-tag.dropped', `inner timestamp <${tag}>`);
      continue;
    }
    const space = tag.search(/[ \t\n\f\r]/);
    const head = space < 0 ? tag : tag.slice(0, space);
    const annotation =
      space < 0
        ? ''
        : tag
            .slice(space + 1)
            .replace(/[ \t\n\f\r]+/g, ' ')
            .trim();
    const [name = '', ...classes] = head.split('.');
    if (stack.length >= MAX_NESTING) {
      drop('tag.dropped', `tag <${head}> nested deeper than ${MAX_NESTING}`);
      continue;
    }
    let apply: (s: SpanStyle) => void = () => {};
    let color: CaptionColor | undefined;
    for (const cls of classes) {
      if (cls === '') continue;
      const c = CLASS_COLORS[cls];
      if (c !== undefined) color = c;
      else drop('class.dropped', `class ${JSON.stringify(cls)}`);
    }
    switch (name) {
      case 'i':
        apply = (s) => {
          s.italic = true;
        };
        break;
      case 'b':
        apply = (s) => {
          s.bold = true;
        };
        break;
      case 'u':
        apply = (s) => {
          s.underline = true;
        };
        break;
      case 'v': {
        const voice = decode(annotation, issues, lineNo).slice(0, 256);
        apply = (s) => {
          s.voice = voice.length > 0 ? voice : undefined;
        };
        break;
      }
      case 'c':
      case 'ruby':
      case 'rt':
        break;
      case 'lang':
        drop('lang.dropped', `language span ${JSON.stringify(annotation)}`);
        break;
      default:
        drop('tag.dropped', `tag <${head}>`);
        continue;
    }
    const withColor = color;
    stack.push({
      name,
      apply:
        withColor === undefined
          ? apply
          : (s) => {
              apply(s);
              s.color = withColor === 'white' ? undefined : withColor;
            },
    });
    restyle();
  }
  lines.push({ spans });
  return lines;
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Text with `&`, `<` and `>` escaped as WebVTT cue text needs (so `-->` can never appear). */
export function escapeCueText(text: string): string {
  return /[&<>]/.test(text) ? text.replace(/[&<>]/g, (c) => ESCAPES[c] as string) : text;
}

/** One span as WebVTT cue text. */
export function writeSpanText(span: CaptionSpan): string {
  let out = escapeCueText(span.text);
  if (span.underline === true) out = `<u>${out}</u>`;
  if (span.bold === true) out = `<b>${out}</b>`;
  if (span.italic === true) out = `<i>${out}</i>`;
  if (span.color !== undefined && span.color !== 'white') out = `<c.${COLOR_CLASSES[span.color]}>${out}</c>`;
  if (span.voice !== undefined) out = `<v ${escapeCueText(span.voice)}>${out}</v>`;
  return out;
}
