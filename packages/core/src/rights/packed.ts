import { type AssetRights, type ByMedia, MEDIA_INDEX, type Rule } from './compile.js';

const MEDIA_COUNT = MEDIA_INDEX.size;
/** Words of a territory bitset. */
export const WORDS = 8;
/** Doubles per row: a row is 64 bytes, one cache line (4 bound doubles, then 8 bitset words). */
export const ROW = 8;
/** Doubles of an asset block's header: 2 × (media + 1) row offsets as 32-bit ints, padded to a line. */
export const HEADER = 2 * ROW;
/** Added to the start kind of rows that need the slow path (languages, platforms, run limits). */
export const SLOW = 8;

/**
 * Every asset's grants and blocks packed so a decision touches as few cache lines and pages as
 * possible: the asset's number from `ids`, its block start from `starts`, then one contiguous
 * block — a header of row offsets (`[2m]` first grant row of media m, `[2m + 1]` first block row,
 * the next pair gives the ends) followed by 64-byte rows (start kind (+{@link SLOW}), start ms,
 * end kind, end ms as doubles; the territory bitset as eight 32-bit words). `rows`, `ints` and
 * `bits` are views of one buffer. Built once per engine (engines are immutable).
 */
export interface PackedIndex {
  /** Asset id → asset number. */
  readonly ids: Map<string, number>;
  /** Per asset: where its block starts, in doubles. */
  readonly starts: Int32Array;
  /** Per asset: index of its first rule in `rules`. */
  readonly ruleBase: Int32Array;
  readonly rows: Float64Array;
  readonly ints: Int32Array;
  readonly bits: Uint32Array;
  readonly rules: readonly Rule[];
}

/** Build the index over every asset's rights. */
export function packIndex(assets: ReadonlyMap<string, AssetRights>): PackedIndex {
  const ids = new Map<string, number>();
  const starts = new Int32Array(assets.size);
  const ruleBase = new Int32Array(assets.size);
  const rules: Rule[] = [];
  const layouts: { offsets: number[]; rules: Rule[] }[] = [];
  let size = 0;
  let a = 0;
  for (const [id, rights] of assets) {
    ids.set(id, a);
    const mine: Rule[] = [];
    const offsets: number[] = [];
    const add = (byMedia: ByMedia, m: number) => {
      for (const r of byMedia[m] ?? []) mine.push(r);
    };
    for (let m = 0; m < MEDIA_COUNT; m++) {
      offsets.push(mine.length);
      add(rights.grants, m);
      offsets.push(mine.length);
      add(rights.blocks, m);
    }
    offsets.push(mine.length, mine.length);
    starts[a] = size;
    ruleBase[a] = rules.length;
    rules.push(...mine);
    layouts.push({ offsets, rules: mine });
    size += HEADER + mine.length * ROW;
    a++;
  }
  const buffer = new ArrayBuffer(size * 8);
  const rows = new Float64Array(buffer);
  const ints = new Int32Array(buffer);
  const bits = new Uint32Array(buffer);
  layouts.forEach(({ offsets, rules: mine }, i) => {
    const start = starts[i] as number;
    offsets.forEach((o, j) => {
      ints[start * 2 + j] = o;
    });
    mine.forEach((r, k) => {
      const row = start + HEADER + k * ROW;
      rows[row] = r.sk + (r.filtered || r.grant?.maxRuns !== undefined ? SLOW : 0);
      rows[row + 1] = r.sm;
      rows[row + 2] = r.ek;
      rows[row + 3] = r.em;
      bits.set(r.bits.subarray(0, WORDS), row * 2 + 8);
    });
  });
  return { ids, starts, ruleBase, rows, ints, bits, rules };
}
