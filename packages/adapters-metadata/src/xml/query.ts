import { FramewiseError } from '@framewise/core/errors';
import type { XmlDocument, XmlElement } from './parser.js';

/**
 * Typed reads over a parsed document: every failure names the document, the line and column,
 * and the element or attribute.
 */
export class XmlQuery {
  readonly #doc: XmlDocument;

  constructor(doc: XmlDocument) {
    this.#doc = doc;
  }

  /** The document's root element. */
  get root(): XmlElement {
    return this.#doc.root;
  }

  /** Fail at an element's position. */
  fail(at: XmlElement, message: string, details: Record<string, unknown> = {}): never {
    const { line, column } = this.#doc.position(at.offset);
    throw new FramewiseError('INVALID_INPUT', `${this.#doc.source}, line ${line}, column ${column}: ${message}`, {
      details: { source: this.#doc.source, line, column, ...details },
    });
  }

  /** Child elements in a namespace with a local name. */
  all(parent: XmlElement, ns: string, name: string): XmlElement[] {
    return parent.children.filter((c) => c.name === name && c.ns === ns);
  }

  /** The first such child, if any. */
  first(parent: XmlElement, ns: string, name: string): XmlElement | undefined {
    return parent.children.find((c) => c.name === name && c.ns === ns);
  }

  /** The first such child; an error naming it when missing. */
  required(parent: XmlElement, ns: string, name: string): XmlElement {
    return this.first(parent, ns, name) ?? this.fail(parent, `<${parent.name}> has no <${name}>`);
  }

  /** Trimmed text of an element. */
  text(el: XmlElement): string {
    return el.text.trim();
  }

  /** Text of the first such child, trimmed; `undefined` when missing or empty. */
  childText(parent: XmlElement, ns: string, name: string): string | undefined {
    const el = this.first(parent, ns, name);
    if (el === undefined) return undefined;
    const t = el.text.trim();
    return t === '' ? undefined : t;
  }

  /** An attribute, if present. */
  attr(el: XmlElement, name: string): string | undefined {
    return el.attributes.get(name);
  }

  /** An integer from an element's text or an attribute value. */
  int(at: XmlElement, value: string | undefined, what: string): number | undefined {
    if (value === undefined) return undefined;
    const t = value.trim();
    if (!/^[+-]?\d{1,15}$/.test(t)) this.fail(at, `${what} ${JSON.stringify(t)} is not an integer`, { value: t });
    return Number.parseInt(t, 10);
  }

  /** A number from an element's text or an attribute value. */
  number(at: XmlElement, value: string | undefined, what: string): number | undefined {
    if (value === undefined) return undefined;
    const t = value.trim();
    const n = Number(t);
    if (t === '' || !Number.isFinite(n)) this.fail(at, `${what} ${JSON.stringify(t)} is not a number`, { value: t });
    return n;
  }

  /** A boolean (`true`/`false`/`1`/`0`, as xs:boolean). */
  bool(at: XmlElement, value: string | undefined, what: string): boolean | undefined {
    if (value === undefined) return undefined;
    const t = value.trim();
    if (t === 'true' || t === '1') return true;
    if (t === 'false' || t === '0') return false;
    return this.fail(at, `${what} ${JSON.stringify(t)} is not a boolean`, { value: t });
  }
}
