/**
 * A read-only map made of a plain base map and a small map of changes on top, so that an engine
 * derived from another by a deal change shares the catalog-wide maps (titles, deals, grants) instead
 * of copying them: a change costs O(changed entries), and the top is folded into a fresh base only
 * when it has grown past an eighth of the base (amortised O(1) per changed entry).
 */
export class LayeredMap<K, V> implements ReadonlyMap<K, V> {
  readonly #base: ReadonlyMap<K, V>;
  /** Changed entries; `undefined` marks a deleted key. */
  readonly #top: ReadonlyMap<K, V | undefined>;
  readonly #size: number;

  private constructor(base: ReadonlyMap<K, V>, top: ReadonlyMap<K, V | undefined>, size: number) {
    this.#base = base;
    this.#top = top;
    this.#size = size;
  }

  /**
   * `map` with `changes` applied (a value of `undefined` deletes the key), sharing `map`'s entries.
   * `map` is not changed.
   */
  static with<K, V>(map: ReadonlyMap<K, V>, changes: Iterable<readonly [K, V | undefined]>): ReadonlyMap<K, V> {
    const base = map instanceof LayeredMap ? (map.#base as ReadonlyMap<K, V>) : map;
    const top = new Map<K, V | undefined>(map instanceof LayeredMap ? map.#top : []);
    let size = map.size;
    for (const [key, value] of changes) {
      const had = top.has(key) ? top.get(key) !== undefined : base.has(key);
      size += (value !== undefined ? 1 : 0) - (had ? 1 : 0);
      if (value === undefined && !base.has(key)) top.delete(key);
      else top.set(key, value);
    }
    if (top.size <= Math.max(1024, base.size / 8)) return new LayeredMap(base, top, size);
    const flat = new Map<K, V>();
    for (const [key, value] of new LayeredMap(base, top, size)) flat.set(key, value);
    return flat;
  }

  get size(): number {
    return this.#size;
  }

  get(key: K): V | undefined {
    return this.#top.has(key) ? this.#top.get(key) : this.#base.get(key);
  }

  has(key: K): boolean {
    return this.#top.has(key) ? this.#top.get(key) !== undefined : this.#base.has(key);
  }

  *entries(): MapIterator<[K, V]> {
    for (const entry of this.#base) if (!this.#top.has(entry[0])) yield entry;
    for (const [key, value] of this.#top) if (value !== undefined) yield [key, value];
  }

  *keys(): MapIterator<K> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }
}
