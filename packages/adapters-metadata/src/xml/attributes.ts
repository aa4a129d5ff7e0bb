/**
 * An element's attributes as a read-only map over one flat array (`[key, value, key, value…]`):
 * a few words per attribute instead of a hash table per element, which keeps a parsed document's
 * memory within a small factor of its size. Lookups scan the array; an element carries at most
 * {@link MAX_ATTRIBUTES} attributes.
 */
export class XmlAttributes implements ReadonlyMap<string, string> {
  readonly #flat: readonly string[];

  /** @param flat keys and values alternating, keys unique (the parser checks). */
  constructor(flat: readonly string[]) {
    this.#flat = flat;
  }

  /** Number of attributes. */
  get size(): number {
    return this.#flat.length >> 1;
  }

  /** The value of an attribute, by local name or `{namespace}local`. */
  get(key: string): string | undefined {
    const flat = this.#flat;
    for (let i = 0; i < flat.length; i += 2) if (flat[i] === key) return flat[i + 1];
    return undefined;
  }

  /** Whether the attribute is present. */
  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Call `callback` for each attribute in document order. */
  forEach(callback: (value: string, key: string, map: ReadonlyMap<string, string>) => void, thisArg?: unknown): void {
    const flat = this.#flat;
    for (let i = 0; i < flat.length; i += 2) callback.call(thisArg, flat[i + 1] as string, flat[i] as string, this);
  }

  /** `[key, value]` pairs in document order. */
  *entries(): MapIterator<[string, string]> {
    const flat = this.#flat;
    for (let i = 0; i < flat.length; i += 2) yield [flat[i] as string, flat[i + 1] as string];
  }

  /** Keys in document order. */
  *keys(): MapIterator<string> {
    const flat = this.#flat;
    for (let i = 0; i < flat.length; i += 2) yield flat[i] as string;
  }

  /** Values in document order. */
  *values(): MapIterator<string> {
    const flat = this.#flat;
    for (let i = 1; i < flat.length; i += 2) yield flat[i] as string;
  }

  /** Same as {@link XmlAttributes.entries}. */
  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }
}

/** Most attributes one element may carry (namespace declarations included). */
export const MAX_ATTRIBUTES = 512;

/** The attributes of every element that has none (shared: it cannot be changed). */
export const NO_ATTRIBUTES: XmlAttributes = new XmlAttributes(Object.freeze([]));
