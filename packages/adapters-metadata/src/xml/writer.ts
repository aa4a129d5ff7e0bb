/** Attribute values of one element; `undefined` leaves the attribute out. */
export type XmlAttributes = Readonly<Record<string, string | number | boolean | undefined>>;

const TEXT_ESCAPES = /[&<>\r]/g;
const TEXT_NEEDS_ESCAPE = /[&<>\r]/;
const ATTR_ESCAPES = /[&<>"\t\n\r]/g;
const ATTR_NEEDS_ESCAPE = /[&<>"\t\n\r]/;
const ESCAPE: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};
const escapeChar = (c: string): string => ESCAPE[c] ?? c;

/** Escape character data. */
export function escapeText(text: string): string {
  return TEXT_NEEDS_ESCAPE.test(text) ? text.replace(TEXT_ESCAPES, escapeChar) : text;
}

/** Escape an attribute value (quotes, and whitespace that attribute normalisation would eat). */
export function escapeAttribute(text: string): string {
  return ATTR_NEEDS_ESCAPE.test(text) ? text.replace(ATTR_ESCAPES, escapeChar) : text;
}

/** What the document writers need from a serialiser (the streaming one, or a DOM builder in benchmarks). */
export interface XmlOut {
  /** The XML declaration. */
  declaration(): this;
  /** Open an element that will have child elements. */
  open(name: string, attributes?: XmlAttributes): this;
  /** Close the innermost open element. */
  close(): this;
  /** An element holding only text; nothing when `text` is `undefined`. */
  leaf(name: string, text: string | number | boolean | undefined, attributes?: XmlAttributes): this;
  /** An element with attributes only. */
  empty(name: string, attributes?: XmlAttributes): this;
  /** Characters written and not yet taken. */
  readonly buffered: number;
  /** Take what has been written so far. */
  take(): string;
}

/**
 * A small streaming XML serialiser: elements are written as they are opened, into a buffer the
 * caller drains with {@link XmlWriter.take} (so a generator can yield a chunk whenever the buffer
 * passes a size). Names are the writer's own constants; text and attribute values must already
 * have passed {@link assertXmlText} (the exporters check each input before writing it).
 *
 * Output is indented with two spaces per level; text-only elements stay on one line.
 */
export class XmlWriter implements XmlOut {
  #out = '';
  readonly #stack: string[] = [];
  #openTag = false;
  #hasChildren: boolean[] = [];

  /** The XML declaration (UTF-8). */
  declaration(): this {
    this.#out += '<?xml version="1.0" encoding="UTF-8"?>\n';
    return this;
  }

  /** A comment; `--` is not allowed in comments and is replaced by `- -`. */
  comment(text: string): this {
    this.#closeStart(true);
    this.#out += `${this.#indent()}<!-- ${text.replace(/--/g, '- -')} -->\n`;
    return this;
  }

  /** Open an element that will have child elements. */
  open(name: string, attributes?: XmlAttributes): this {
    this.#closeStart(true);
    this.#out += `${this.#indent()}<${name}${attrs(attributes)}`;
    this.#stack.push(name);
    this.#hasChildren.push(false);
    this.#openTag = true;
    return this;
  }

  /** Close the innermost open element. */
  close(): this {
    const name = this.#stack.pop();
    const hadChildren = this.#hasChildren.pop();
    if (name === undefined) throw new Error('XmlWriter: close() without open()');
    if (this.#openTag) {
      this.#out += '/>\n';
      this.#openTag = false;
    } else {
      this.#out += `${hadChildren ? this.#indent() : ''}</${name}>\n`;
    }
    return this;
  }

  /** An element holding only text; nothing is written when `text` is `undefined`. */
  leaf(name: string, text: string | number | boolean | undefined, attributes?: XmlAttributes): this {
    if (text === undefined) return this;
    this.#closeStart(true);
    const value = typeof text === 'string' ? escapeText(text) : String(text);
    this.#out += `${this.#indent()}<${name}${attrs(attributes)}>${value}</${name}>\n`;
    return this;
  }

  /** An element with attributes only. */
  empty(name: string, attributes?: XmlAttributes): this {
    this.#closeStart(true);
    this.#out += `${this.#indent()}<${name}${attrs(attributes)}/>\n`;
    return this;
  }

  /** Characters buffered and not yet taken. */
  get buffered(): number {
    return this.#out.length;
  }

  /** Depth of open elements. */
  get depth(): number {
    return this.#stack.length;
  }

  /** Take (and clear) what has been written so far. */
  take(): string {
    const out = this.#out;
    this.#out = '';
    return out;
  }

  #closeStart(child: boolean): void {
    if (this.#openTag) {
      this.#out += '>\n';
      this.#openTag = false;
    }
    if (child && this.#hasChildren.length > 0) this.#hasChildren[this.#hasChildren.length - 1] = true;
  }

  #indent(): string {
    return '  '.repeat(this.#stack.length);
  }
}

function attrs(attributes: XmlAttributes | undefined): string {
  if (attributes === undefined) return '';
  let out = '';
  for (const key in attributes) {
    const value = attributes[key];
    if (value === undefined) continue;
    out += ` ${key}="${typeof value === 'string' ? escapeAttribute(value) : String(value)}"`;
  }
  return out;
}
