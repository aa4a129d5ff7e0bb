import { type AssetRights, type ByMedia, MEDIA_INDEX, type Rule } from './compile.js';

const MEDIA_COUNT = MEDIA_INDEX.size;
/** Words of a territory bitset. */
export const WORDS = 8;
/** Offsets per asset: for each media, the first grant row and the first block row, then the ends. */
export const SLOTS = 2 * (MEDIA_COUNT + 1);
/** Doubles per row: a row is 64 bytes, one cache line (4 bound doubles, then 8 bitset words). */
export const ROW = 8;
/** Added to the start kind of rows that need the slow path (languages, platforms, run limits). */
export const SLOW = 8;

/**
 * Every asset's grants and blocks in one structure-of-arrays index, so a decision touches a handful
 * of cache lines: the asset's number from `ids`, one line of offsets, then one 64-byte line per rule
 * (start kind, start ms, end kind, end ms as doubles; the territory bitset as eight 32-bit words
 * through `bits`, a view of the same buffer). Built once per engine (engines are immutable).
 */
export interface PackedIndex {
  /** Asset id → asset number. */
  readonly ids: Map<string, number>;
  /**
   * Per asset, {@link SLOTS} row numbers: `[2m]` first grant row of media m, `[2m + 1]` first block
   * row of media m; the next media's pair gives the ends.
   */
  readonly offsets: Int32Array;
  /** Rows as doubles: `[row * ROW + 0..3]` start kind (+{@link SLOW}), start ms, end kind, end ms. */
  readonly rows: Float64Array;
  /** Rows as 32-bit words: `[row * ROW * 2 + 8 + w]` is word w of the territory bitset. */
  readonly bits: Uint32Array;
  /** Per row: the rule. */
  readonly rules: readonly Rule[];
}

/** Build the index over every asset's rights. */
export function packIndex(assets: ReadonlyMap<string, AssetRights>): PackedIndex {
  const ids = new Map<string, number>();
  const offsets = new Int32Array(assets.size * SLOTS);
  const rules: Rule[] = [];
  let a = 0;
  for (const [id, rights] of assets) {
    ids.set(id, a);
    const base = a * SLOTS;
    const add = (byMedia: ByMedia, m: number) => {
      for (const r of byMedia[m] ?? []) rules.push(r);
    };
    // Grant rows and block rows of one media are laid out as two runs; offsets record both starts.
    for (let m = 0; m < MEDIA_COUNT; m++) {
      offsets[base + 2 * m] = rules.length;
      add(rights.grants, m);
      offsets[base + 2 * m + 1] = rules.length;
      add(rights.blocks, m);
    }
    offsets[base + 2 * MEDIA_COUNT] = rules.length;
    offsets[base + 2 * MEDIA_COUNT + 1] = rules.length;
    a++;
  }
  const buffer = new ArrayBuffer(rules.length * ROW * 8);
  const rows = new Float64Array(buffer);
  const bits = new Uint32Array(buffer);
  rules.forEach((r, k) => {
    const slow = r.filtered || r.grant?.maxRuns !== undefined ? SLOW : 0;
    rows[k * ROW] = r.sk + slow;
    rows[k * ROW + 1] = r.sm;
    rows[k * ROW + 2] = r.ek;
    rows[k * ROW + 3] = r.em;
    bits.set(r.bits.subarray(0, WORDS), k * ROW * 2 + 8);
  });
  return { ids, offsets, rows, bits, rules };
}
