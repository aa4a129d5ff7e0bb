/**
 * The hand-written XML parser adapters-metadata used before it moved to saxes, kept verbatim as the
 * baseline of `pnpm bench metadata` (reader time and memory). Not used by the SDK.
 */
import { FramewiseError } from '@framewise/core/errors';
import { invalidXmlCharIndex } from '../../packages/adapters-metadata/src/xml/chars.js';

/** The `xml:` namespace, bound to the `xml` prefix in every document. */
export const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** One parsed element: its expanded name, attributes, child elements and direct text. */
export interface XmlElement {
  /** Namespace URI ('' for none). */
  readonly ns: string;
  /** Local name. */
  readonly name: string;
  /** Attributes by local name (unprefixed) or `{namespace}local` (prefixed, e.g. `xml:lang`). */
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
}

interface MutableElement {
  ns: string;
  name: string;
  attributes: Map<string, string>;
  children: MutableElement[];
  text: string;
  offset: number;
  qname: string;
  scope: Map<string, string>;
}

const NAME_START =
  'A-Za-z_\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
const NAME_REST = `${NAME_START}0-9.:\\-\\u00B7\\u0300-\\u036F\\u203F-\\u2040`;
/** An XML 1.0 Name (§2.3), matched at a position. */
const NAME = new RegExp(`[${NAME_START}][${NAME_REST}]*`, 'uy');
const SPACE = /[ \t\r\n]*/y;
const QNAME = /^[^:]+(?::[^:]+)?$/;
const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Parse an XML 1.0 document strictly and safely: well-formedness is checked (matching tags, one
 * root, quoted and unique attributes, legal characters), namespaces are resolved, and nothing
 * outside the text is ever read — a DOCTYPE (and with it every entity declaration, internal or
 * external) is refused, so entity expansion and external-entity attacks cannot happen. Only the
 * five predefined entities and character references are expanded.
 *
 * Accepts UTF-8 bytes (invalid UTF-8 is an error) or a string.
 *
 * @throws `INVALID_INPUT` naming the source, line and column; `UNSUPPORTED` for XML 1.1 or a
 * declared encoding other than UTF-8.
 */
export function parseXmlLegacy(input: string | Uint8Array, options: XmlParseOptions = {}): XmlDocument {
  const source = options.source ?? 'document';
  const text = typeof input === 'string' ? input : decodeUtf8(input, source);
  const maxLength = options.maxLength ?? 64 * 1024 * 1024;
  if (text.length > maxLength) {
    throw new FramewiseError(
      'INVALID_INPUT',
      `${source} is ${text.length} characters long, over the limit of ${maxLength}`,
      { details: { source, length: text.length, maxLength } },
    );
  }
  const parser = new Parser(text, source, options.maxDepth ?? 256, typeof input !== 'string');
  const root = parser.document();
  return { root, source, position: (offset) => parser.position(offset) };
}

function decodeUtf8(bytes: Uint8Array, source: string): string {
  if ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe)) {
    throw new FramewiseError('UNSUPPORTED', `${source} is UTF-16; Framewise reads UTF-8 XML`, { details: { source } });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new FramewiseError('INVALID_INPUT', `${source} is not valid UTF-8`, { cause, details: { source } });
  }
}

class Parser {
  #pos = 0;
  readonly #text: string;
  readonly #source: string;
  readonly #maxDepth: number;
  readonly #fromBytes: boolean;

  constructor(text: string, source: string, maxDepth: number, fromBytes: boolean) {
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    // End-of-line handling (XML 1.0 §2.11): CR LF and lone CR become LF before parsing.
    this.#text = body.includes('\r') ? body.replace(/\r\n?/g, '\n') : body;
    this.#source = source;
    this.#maxDepth = maxDepth;
    this.#fromBytes = fromBytes;
  }

  position(offset: number): { line: number; column: number } {
    let line = 1;
    let lineStart = 0;
    const end = Math.min(offset, this.#text.length);
    for (let i = 0; i < end; i++) {
      if (this.#text.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    return { line, column: end - lineStart + 1 };
  }

  fail(message: string, offset = this.#pos): never {
    const { line, column } = this.position(offset);
    throw new FramewiseError('INVALID_INPUT', `${this.#source}, line ${line}, column ${column}: ${message}`, {
      details: { source: this.#source, line, column },
    });
  }

  document(): XmlElement {
    if (this.#text.startsWith('<?xml')) this.#declaration();
    this.#misc();
    if (this.#pos >= this.#text.length) this.fail('no root element (empty or truncated document)');
    if (this.#text.charCodeAt(this.#pos) !== 60) this.fail('text before the root element');
    const root = this.#element();
    this.#misc();
    if (this.#pos < this.#text.length) this.fail('content after the root element');
    return root;
  }

  #declaration(): void {
    const end = this.#text.indexOf('?>');
    if (end < 0) this.fail('unterminated XML declaration');
    const decl = this.#text.slice(5, end);
    const version = /version\s*=\s*["']([^"']*)["']/.exec(decl)?.[1];
    if (version === undefined) this.fail('XML declaration without a version');
    if (version !== '1.0') {
      throw new FramewiseError('UNSUPPORTED', `${this.#source} is XML ${version}; Framewise reads XML 1.0`, {
        details: { source: this.#source, version },
      });
    }
    const encoding = /encoding\s*=\s*["']([^"']*)["']/.exec(decl)?.[1];
    if (this.#fromBytes && encoding !== undefined && !/^(utf-8|us-ascii|ascii)$/i.test(encoding)) {
      throw new FramewiseError(
        'UNSUPPORTED',
        `${this.#source} declares encoding ${JSON.stringify(encoding)}; Framewise reads UTF-8 XML`,
        { details: { source: this.#source, encoding } },
      );
    }
    this.#pos = end + 2;
  }

  /** Whitespace, comments and processing instructions between top-level constructs. */
  #misc(): void {
    for (;;) {
      this.#space();
      if (this.#text.startsWith('<!--', this.#pos)) this.#comment();
      else if (this.#text.startsWith('<?', this.#pos)) this.#processingInstruction();
      else if (this.#text.startsWith('<!DOCTYPE', this.#pos)) {
        this.fail('a DOCTYPE is not accepted: DTDs, entity declarations and external entities are refused');
      } else return;
    }
  }

  #space(): void {
    SPACE.lastIndex = this.#pos;
    SPACE.exec(this.#text);
    this.#pos = SPACE.lastIndex;
  }

  #comment(): void {
    const end = this.#text.indexOf('-->', this.#pos + 4);
    if (end < 0) this.fail('unterminated comment (truncated document?)');
    const body = this.#text.slice(this.#pos + 4, end);
    if (body.includes('--')) this.fail('"--" inside a comment');
    this.#checkChars(body, this.#pos + 4);
    this.#pos = end + 3;
  }

  #processingInstruction(): void {
    const end = this.#text.indexOf('?>', this.#pos + 2);
    if (end < 0) this.fail('unterminated processing instruction (truncated document?)');
    const target = /^[^\s?]+/.exec(this.#text.slice(this.#pos + 2, end))?.[0] ?? '';
    if (target.toLowerCase() === 'xml') this.fail('XML declaration not at the start of the document');
    this.#pos = end + 2;
  }

  #name(what: string): string {
    NAME.lastIndex = this.#pos;
    const match = NAME.exec(this.#text);
    if (match === null) this.fail(`expected ${what}`);
    this.#pos = NAME.lastIndex;
    return match[0];
  }

  #element(): MutableElement {
    const root = this.#startTag(new Map([['xml', XML_NS]]));
    if (root.selfClosed) return root.element;
    const stack: MutableElement[] = [root.element];
    const text = this.#text;
    while (stack.length > 0) {
      const current = stack[stack.length - 1] as MutableElement;
      const lt = text.indexOf('<', this.#pos);
      if (lt < 0) {
        this.fail(`<${current.qname}> is not closed (truncated document?)`, text.length);
      }
      if (lt > this.#pos) current.text += this.#characterData(this.#pos, lt);
      this.#pos = lt;
      if (text.startsWith('</', lt)) {
        this.#pos = lt + 2;
        const name = this.#name('an end-tag name');
        this.#space();
        if (text.charCodeAt(this.#pos) !== 62) this.fail(`expected ">" to end </${name}`);
        this.#pos++;
        if (name !== current.qname) this.fail(`</${name}> does not match <${current.qname}>`, lt);
        stack.pop();
      } else if (text.startsWith('<!--', lt)) {
        this.#comment();
      } else if (text.startsWith('<![CDATA[', lt)) {
        const end = text.indexOf(']]>', lt + 9);
        if (end < 0) this.fail('unterminated CDATA section (truncated document?)');
        const data = text.slice(lt + 9, end);
        this.#checkChars(data, lt + 9);
        current.text += data;
        this.#pos = end + 3;
      } else if (text.startsWith('<?', lt)) {
        this.#processingInstruction();
      } else if (text.startsWith('<!', lt)) {
        this.fail('markup declarations are not accepted inside elements');
      } else {
        if (stack.length >= this.#maxDepth) this.fail(`elements nested deeper than ${this.#maxDepth}`);
        const child = this.#startTag(current.scope);
        current.children.push(child.element);
        if (!child.selfClosed) stack.push(child.element);
      }
    }
    return root.element;
  }

  #startTag(scope: Map<string, string>): { element: MutableElement; selfClosed: boolean } {
    const offset = this.#pos;
    this.#pos++;
    const qname = this.#name('an element name');
    const raw: Array<[string, string, number]> = [];
    const seen = new Set<string>();
    let selfClosed = false;
    for (;;) {
      const before = this.#pos;
      this.#space();
      const c = this.#text.charCodeAt(this.#pos);
      if (c === 62) {
        this.#pos++;
        break;
      }
      if (c === 47 && this.#text.charCodeAt(this.#pos + 1) === 62) {
        this.#pos += 2;
        selfClosed = true;
        break;
      }
      if (Number.isNaN(c)) this.fail(`<${qname}> start tag is not finished (truncated document?)`, offset);
      if (this.#pos === before) this.fail(`expected whitespace before an attribute of <${qname}>`);
      const attrOffset = this.#pos;
      const name = this.#name(`an attribute name or ">" in <${qname}>`);
      if (seen.has(name)) this.fail(`attribute ${name} repeated in <${qname}>`, attrOffset);
      seen.add(name);
      if (raw.length >= 512) this.fail(`<${qname}> has more than 512 attributes`);
      this.#space();
      if (this.#text.charCodeAt(this.#pos) !== 61) this.fail(`expected "=" after attribute ${name}`);
      this.#pos++;
      this.#space();
      raw.push([name, this.#attributeValue(name), attrOffset]);
    }
    let elementScope = scope;
    for (const [name, value] of raw) {
      if (name === 'xmlns' || name.startsWith('xmlns:')) {
        if (elementScope === scope) elementScope = new Map(scope);
        const prefix = name === 'xmlns' ? '' : name.slice(6);
        if (prefix === 'xml' || prefix === 'xmlns' || value === XMLNS_NS) {
          this.fail(`the ${name} namespace binding is reserved`, offset);
        }
        if (prefix !== '' && value === '') this.fail(`prefix ${prefix} cannot be unbound (XML 1.0 namespaces)`, offset);
        elementScope.set(prefix, value);
      }
    }
    if (!QNAME.test(qname)) this.fail(`${qname} is not a valid namespaced name`, offset);
    const [prefix, local] = splitName(qname);
    const ns = elementScope.get(prefix) ?? (prefix === '' ? '' : this.fail(`prefix ${prefix} is not bound`, offset));
    const attributes = new Map<string, string>();
    for (const [name, value, attrOffset] of raw) {
      if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
      if (!QNAME.test(name)) this.fail(`${name} is not a valid namespaced attribute name`, attrOffset);
      const [attrPrefix, attrLocal] = splitName(name);
      let key = attrLocal;
      if (attrPrefix !== '') {
        const attrNs = elementScope.get(attrPrefix);
        if (attrNs === undefined) this.fail(`prefix ${attrPrefix} of attribute ${name} is not bound`, attrOffset);
        key = `{${attrNs}}${attrLocal}`;
      }
      if (attributes.has(key)) this.fail(`attribute ${name} repeated in <${qname}>`, attrOffset);
      attributes.set(key, value);
    }
    return {
      element: { ns, name: local, qname, attributes, children: [], text: '', offset, scope: elementScope },
      selfClosed,
    };
  }

  #attributeValue(name: string): string {
    const quote = this.#text[this.#pos];
    if (quote !== '"' && quote !== "'") this.fail(`value of attribute ${name} is not quoted`);
    const start = this.#pos + 1;
    const end = this.#text.indexOf(quote, start);
    if (end < 0) this.fail(`value of attribute ${name} is not closed (truncated document?)`);
    const raw = this.#text.slice(start, end);
    const lt = raw.indexOf('<');
    if (lt >= 0) this.fail(`"<" in the value of attribute ${name}`, start + lt);
    this.#pos = end + 1;
    // Attribute-value normalisation: literal whitespace becomes a space; references are kept.
    return this.#references(raw.replace(/[\t\n\r]/g, ' '), start);
  }

  #characterData(start: number, end: number): string {
    const raw = this.#text.slice(start, end);
    const cdataEnd = raw.indexOf(']]>');
    if (cdataEnd >= 0) this.fail('"]]>" in character data', start + cdataEnd);
    return this.#references(raw, start);
  }

  /** Expand the predefined entities and character references; refuse anything else. */
  #references(raw: string, offset: number): string {
    this.#checkChars(raw, offset);
    if (!raw.includes('&')) return raw;
    let out = '';
    let from = 0;
    for (;;) {
      const amp = raw.indexOf('&', from);
      if (amp < 0) break;
      out += raw.slice(from, amp);
      const semi = raw.indexOf(';', amp);
      if (semi < 0 || semi - amp > 12) this.fail('"&" that does not start a reference (write &amp;)', offset + amp);
      const ref = raw.slice(amp + 1, semi);
      if (ref.startsWith('#')) {
        const code = /^#x[0-9a-fA-F]{1,6}$/.test(ref)
          ? Number.parseInt(ref.slice(2), 16)
          : /^#[0-9]{1,7}$/.test(ref)
            ? Number.parseInt(ref.slice(1), 10)
            : Number.NaN;
        if (!(code <= 0x10ffff)) this.fail(`malformed character reference &${ref};`, offset + amp);
        const ch = String.fromCodePoint(code);
        if (invalidXmlCharIndex(ch) >= 0 || (code >= 0xd800 && code <= 0xdfff)) {
          this.fail(`character reference &${ref}; names a character XML 1.0 does not allow`, offset + amp);
        }
        out += ch;
      } else {
        const value = PREDEFINED[ref];
        if (value === undefined) {
          this.fail(`undefined entity &${ref}; (only the five predefined entities are accepted)`, offset + amp);
        }
        out += value;
      }
      from = semi + 1;
    }
    return out + raw.slice(from);
  }

  #checkChars(raw: string, offset: number): void {
    const bad = invalidXmlCharIndex(raw);
    if (bad >= 0) {
      const code = raw.charCodeAt(bad).toString(16).toUpperCase().padStart(4, '0');
      this.fail(`character U+${code} is not allowed in XML 1.0`, offset + bad);
    }
  }
}

function splitName(qname: string): [string, string] {
  const colon = qname.indexOf(':');
  return colon < 0 ? ['', qname] : [qname.slice(0, colon), qname.slice(colon + 1)];
}
