import { FramewiseError } from '@framewise/core/errors';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { MAX_ATTRIBUTES, NO_ATTRIBUTES, XmlAttributes } from './attributes.js';
import { declarationMatches, decodeXmlBytes, encodingName, type XmlByteEncoding } from './decode.js';

export { MAX_ATTRIBUTES, XmlAttributes } from './attributes.js';

/** The `xml:` namespace, bound to the `xml` prefix in every document. */
export const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** One parsed element: its expanded name, attributes, child elements and direct text. */
export interface XmlElement {
  /** Namespace URI ('' for none). */
  readonly ns: string;
  /** Local name. */
  readonly name: string;
  /**
   * Attributes by local name (unprefixed) or `{namespace}local` (prefixed, e.g. `xml:lang`);
   * namespace declarations are not attributes.
   */
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
  /** Character data directly inside the element (child elements' text excluded). */
  readonly text: string;
  /** Offset of the start tag in the document, for error positions. */
  readonly offset: number;
}

/** A parsed document. */
export interface XmlDocument {
  readonly root: XmlElement;
  /** The name used for the document in error messages. */
  readonly source: string;
  /** Line and column (1-based) of an offset. */
  position(offset: number): { readonly line: number; readonly column: number };
}

/** Limits that keep a hostile document from exhausting memory or the stack. */
export interface XmlParseOptions {
  /** Name of the document in errors (a file name); `document` when omitted. */
  readonly source?: string;
  /** Largest document accepted, in characters (default 64 Mi). */
  readonly maxLength?: number;
  /** Deepest element nesting accepted (default 256). */
  readonly maxDepth?: number;
  /** Most elements accepted (default 4 Mi). */
  readonly maxElements?: number;
}

/** The reader's defaults: 64 Mi characters, 256 levels, 4 Mi elements. */
export const XML_LIMITS = { maxLength: 64 * 1024 * 1024, maxDepth: 256, maxElements: 4 * 1024 * 1024 } as const;

const NO_CHILDREN: readonly XmlElement[] = Object.freeze([]);

class Element implements XmlElement {
  children: XmlElement[] | readonly XmlElement[] = NO_CHILDREN;
  text = '';
  constructor(
    readonly ns: string,
    readonly name: string,
    readonly attributes: XmlAttributes,
    readonly offset: number,
  ) {}
}

/**
 * Parse an XML 1.0 document strictly and safely. Tokenising and well-formedness (matching tags,
 * one root, quoted and unique attributes, legal characters and names, XML declaration syntax,
 * bound prefixes) are saxes'; Framewise's layer on top refuses any DOCTYPE — so entity
 * expansion and external-entity attacks cannot happen and nothing outside the text is ever read —
 * refuses lone surrogates (which saxes lets through when followed by another character), limits
 * size, depth, element count and attributes per element, and keeps a compact tree: about
 * {@link XML_LIMITS} bound the work, and the tree costs at most a few bytes of heap per input
 * character (docs/interchange.md gives the measured factor). Only the five predefined entities
 * and character references are expanded.
 *
 * Accepts a string or bytes: UTF-8 (with or without a byte-order mark) or UTF-16 (with a
 * byte-order mark, or starting `<?`), decoded strictly.
 *
 * @throws `INVALID_INPUT` naming the source, line and column; `UNSUPPORTED` for XML 1.1, UTF-32
 * or a declared encoding other than UTF-8 / UTF-16.
 */
export function parseXml(input: string | Uint8Array, options: XmlParseOptions = {}): XmlDocument {
  const source = options.source ?? 'document';
  let text: string;
  let encoding: XmlByteEncoding | undefined;
  if (typeof input === 'string') {
    text = input;
  } else {
    ({ text, encoding } = decodeXmlBytes(input, source));
  }
  const maxLength = options.maxLength ?? XML_LIMITS.maxLength;
  if (text.length > maxLength) {
    throw new FramewiseError(
      'INVALID_INPUT',
      `${source} is ${text.length} characters long, over the limit of ${maxLength}`,
      { details: { source, length: text.length, maxLength } },
    );
  }
  const reader = new Reader(text, source, encoding, options);
  // Decoded bytes cannot hold a lone surrogate (the decoders are strict); strings can.
  if (encoding === undefined) reader.refuseLoneSurrogates();
  const root = reader.read();
  return { root, source, position: (offset) => positionOf(text, offset) };
}

/** Line and column (1-based; CR LF and lone CR end a line) of an offset in a text. */
function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/** saxes' messages, said so that someone fixing the document knows what to do. */
const EXPLAINED: ReadonlyArray<readonly [RegExp, string]> = [
  [/^disallowed character in entity name\.$/, '"&" that does not start a reference (write &amp;)'],
  [/^malformed character entity\.$/, 'malformed character reference, or one naming a character XML 1.0 does not allow'],
  [/^unquoted attribute value\.$|^value must be quoted\.$/, 'attribute value is not quoted'],
  [/^duplicate attribute: (.*)\.$/, 'attribute $1 repeated'],
  [/^unbound namespace prefix: "(.*)"\.$/, 'prefix $1 is not bound'],
  [/^documents may contain only one root\.$|^text data outside of root node\.$/, 'content after the root element'],
  [/^document must contain a root element\.$/, 'no root element (empty or truncated document)'],
  [/^unclosed tag: (.*)$/, '<$1> is not closed (truncated document?)'],
  [/^malformed comment\.$/, 'malformed comment ("--" inside a comment, or "--->")'],
  [/^unexpected end\.$/, 'the document ends inside markup (truncated document?)'],
];

class Reader {
  readonly #text: string;
  readonly #source: string;
  readonly #encoding: XmlByteEncoding | undefined;
  readonly #maxDepth: number;
  readonly #maxElements: number;
  readonly #parser = new SaxesParser({ xmlns: true, position: true });
  readonly #stack: Element[] = [];
  #root: Element | undefined;
  #elements = 0;
  #attributes = 0;
  #lastClosed = '';
  #offset = 0;
  readonly #scratch: string[] = [];

  constructor(text: string, source: string, encoding: XmlByteEncoding | undefined, options: XmlParseOptions) {
    this.#text = text;
    this.#source = source;
    this.#encoding = encoding;
    this.#maxDepth = options.maxDepth ?? XML_LIMITS.maxDepth;
    this.#maxElements = options.maxElements ?? XML_LIMITS.maxElements;
  }

  fail(message: string, at?: { line: number; column: number }): never {
    const { line, column } = at ?? { line: this.#parser.line, column: Math.max(1, this.#parser.column) };
    throw new FramewiseError('INVALID_INPUT', `${this.#source}, line ${line}, column ${column}: ${message}`, {
      details: { source: this.#source, line, column },
    });
  }

  refuseLoneSurrogates(): void {
    const text = this.#text;
    // String.prototype.isWellFormed (ES2024, Node 20) scans natively; the regex finds where.
    if ((text as string & { isWellFormed(): boolean }).isWellFormed()) return;
    const at = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.exec(text)?.index ?? 0;
    const code = text.charCodeAt(at).toString(16).toUpperCase();
    this.fail(`lone surrogate U+${code} is not a character (XML 1.0 cannot carry it)`, positionOf(text, at));
  }

  read(): Element {
    const p = this.#parser;
    p.on('error', (error) => this.#saxesError(error));
    p.on('xmldecl', (decl) => this.#declaration(decl.version, decl.encoding));
    p.on('doctype', () => this.#doctype());
    p.on('processinginstruction', ({ target }) => {
      if (target.toLowerCase() === 'xml') this.fail('processing instruction target "xml" is reserved');
    });
    p.on('opentagstart', () => this.#start());
    p.on('attribute', () => {
      if (++this.#attributes > MAX_ATTRIBUTES) this.fail(`an element has more than ${MAX_ATTRIBUTES} attributes`);
    });
    p.on('opentag', (tag) => this.#open(tag));
    p.on('closetag', (tag) => this.#close(tag));
    p.on('text', (t) => this.#appendText(t));
    p.on('cdata', (t) => this.#appendText(t));
    p.write(this.#text).close();
    if (this.#root === undefined) this.fail('no root element (empty or truncated document)');
    return this.#root;
  }

  #saxesError(error: Error): never {
    const saxes = error.message.replace(/^\d+:\d+: /, '');
    if (this.#root === undefined && this.#stack.length === 0 && this.#text.lastIndexOf('<!DOCTYPE') >= 0) {
      // A malformed DOCTYPE fails inside saxes before the doctype event: refuse it all the same.
      const before = this.#text.lastIndexOf('<!DOCTYPE', this.#parser.position);
      if (before >= 0) this.#doctype();
    }
    if (saxes === 'unexpected close tag.') this.fail(`end tag does not match <${this.#lastClosed}>`);
    const p = this.#parser as unknown as { entity: string; prevI: number; position: number };
    if (p.entity !== '' || saxes === 'disallowed character in entity name.') {
      // saxes reads a reference up to the next ";" (or the end): say where the "&" was.
      const amp = this.#text.lastIndexOf('&', p.position - p.entity.length - 1);
      this.fail('"&" that does not start a reference (write &amp;)', positionOf(this.#text, Math.max(0, amp)));
    }
    if (saxes === 'undefined entity.') {
      const amp = this.#text.lastIndexOf('&', p.position - 1);
      const name = this.#text.slice(amp + 1, p.position - 1);
      this.fail(
        `undefined entity &${name}; (only &lt; &gt; &amp; &quot; &apos; and character references are accepted)`,
        positionOf(this.#text, amp),
      );
    }
    if (saxes === 'disallowed character.') {
      const at = p.prevI;
      const code = (this.#text.codePointAt(at) ?? 0).toString(16).toUpperCase().padStart(4, '0');
      this.fail(`character U+${code} is not allowed in XML 1.0`, positionOf(this.#text, at));
    }
    const explained = EXPLAINED.find(([re]) => re.test(saxes));
    const message = explained === undefined ? saxes.replace(/\.$/, '') : saxes.replace(explained[0], explained[1]);
    this.fail(message);
  }

  #declaration(version: string | undefined, declared: string | undefined): void {
    if (version !== '1.0') {
      throw new FramewiseError('UNSUPPORTED', `${this.#source} is XML ${version}; Framewise reads XML 1.0`, {
        details: { source: this.#source, version },
      });
    }
    const encoding = this.#encoding;
    if (encoding === undefined || declared === undefined || declarationMatches(declared, encoding)) return;
    if (encoding === 'utf-8' && !/^utf-16(le|be)?$/i.test(declared)) {
      throw new FramewiseError(
        'UNSUPPORTED',
        `${this.#source} declares encoding ${JSON.stringify(declared)}; Framewise reads UTF-8 and UTF-16 XML`,
        { details: { source: this.#source, encoding: declared } },
      );
    }
    this.fail(`declares encoding ${JSON.stringify(declared)} but is ${encodingName(encoding)}`);
  }

  #doctype(): never {
    this.fail('a DOCTYPE is not accepted: DTDs, entity declarations and external entities are refused');
  }

  #start(): void {
    if (++this.#elements > this.#maxElements) this.fail(`more than ${this.#maxElements} elements`);
    if (this.#stack.length >= this.#maxDepth) this.fail(`elements nested deeper than ${this.#maxDepth}`);
    this.#attributes = 0;
    // saxes has read the name and the character after it; the "<" is the last one before them.
    this.#offset = this.#text.lastIndexOf('<', this.#parser.position - 2);
  }

  #open(tag: SaxesTagNS): void {
    const scratch = this.#scratch;
    for (const key in tag.attributes) {
      const a = tag.attributes[key] as SaxesTagNS['attributes'][string];
      if (a.prefix === 'xmlns' || (a.prefix === '' && a.local === 'xmlns')) continue;
      scratch.push(a.uri === '' ? a.local : `{${a.uri}}${a.local}`, a.value);
    }
    // An exact-size copy: a pushed-to array keeps room for 17 more entries.
    const flat = scratch.length === 0 ? undefined : scratch.slice();
    scratch.length = 0;
    const element = new Element(
      tag.uri,
      tag.local,
      flat === undefined ? NO_ATTRIBUTES : new XmlAttributes(flat),
      this.#offset,
    );
    const parent = this.#stack[this.#stack.length - 1];
    if (parent === undefined) this.#root = element;
    else if (parent.children === NO_CHILDREN) parent.children = [element];
    else (parent.children as XmlElement[]).push(element);
    this.#stack.push(element);
  }

  #close(tag: SaxesTagNS): void {
    this.#stack.pop();
    this.#lastClosed = tag.name;
  }

  #appendText(t: string): void {
    const current = this.#stack[this.#stack.length - 1];
    if (current !== undefined) current.text = current.text === '' ? t : current.text + t;
  }
}
