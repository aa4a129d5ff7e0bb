import { FramewiseError } from '../errors/index.js';
import { TERRITORIES, TERRITORY_GROUPS } from './territory-table.js';

const INDEX = new Map(TERRITORIES.map((t, i) => [t.code, i]));
const WORDS = Math.ceil(TERRITORIES.length / 32);

/** The index of a territory code in {@link TERRITORIES}, or -1. */
export function territoryIndex(code: string): number {
  return INDEX.get(code) ?? -1;
}

/** An immutable set of territories as a bitset: membership is one array read. */
export class TerritorySet {
  /** @internal */
  readonly bits: Uint32Array;

  private constructor(bits: Uint32Array) {
    this.bits = bits;
  }

  /** A set of codes (each must be a known territory). */
  static of(codes: Iterable<string>): TerritorySet {
    const bits = new Uint32Array(WORDS);
    for (const code of codes) {
      const i = territoryIndex(code);
      if (i < 0)
        throw new FramewiseError('INVALID_INPUT', `Territory ${JSON.stringify(code)} is not an ISO 3166-1 code`, {
          details: { code },
        });
      bits[i >>> 5] = (bits[i >>> 5] as number) | (1 << (i & 31));
    }
    return new TerritorySet(bits);
  }

  /** True when the territory with this index is in the set. */
  hasIndex(i: number): boolean {
    return i >= 0 && (((this.bits[i >>> 5] as number) >>> (i & 31)) & 1) === 1;
  }

  /** True when the territory is in the set. */
  has(code: string): boolean {
    return this.hasIndex(territoryIndex(code));
  }

  /** The codes, sorted. */
  codes(): string[] {
    return TERRITORIES.filter((_, i) => this.hasIndex(i)).map((t) => t.code);
  }

  /** Number of territories. */
  get size(): number {
    let n = 0;
    for (const word of this.bits) {
      let w = word;
      while (w !== 0) {
        w &= w - 1;
        n++;
      }
    }
    return n;
  }

  /** True when the sets share a territory. */
  intersects(other: TerritorySet): boolean {
    return this.bits.some((w, i) => (w & (other.bits[i] as number)) !== 0);
  }
}

/** Extra named groups an engine knows besides {@link TERRITORY_GROUPS}. */
export type TerritoryGroups = Readonly<Record<string, readonly string[]>>;

/**
 * Read a territory expression as deals write it: codes and group names joined by `,` or `+`,
 * optionally followed by `except` (or `excluding`, or `-`) and more codes and groups. Case does
 * not matter. Examples: `"EMEA except FR, DE"`, `"WORLD except US, CA"`, `"EU + GB, CH"`, `"DACH"`.
 *
 * @throws `INVALID_INPUT` naming the expression and the unknown term.
 */
export function parseTerritories(expression: string, groups: TerritoryGroups = {}): TerritorySet {
  if (typeof expression !== 'string' || expression.trim() === '' || expression.length > 5000) {
    throw new FramewiseError(
      'INVALID_INPUT',
      `Territory expression ${JSON.stringify(String(expression).slice(0, 80))} is empty or too long`,
      {
        details: { expression },
      },
    );
  }
  const [include = '', exclude = '', ...more] = expression.split(/\s+(?:except|excluding)\s+|\s+-\s+/i);
  if (more.length > 0) {
    throw new FramewiseError(
      'INVALID_INPUT',
      `Territory expression ${JSON.stringify(expression)} has more than one "except"`,
      { details: { expression } },
    );
  }
  const expand = (part: string): string[] =>
    part
      .split(/[,+]/)
      .map((t) => t.trim().toUpperCase())
      .filter((t) => t.length > 0)
      .flatMap((term) => {
        // ISO codes always win: "NA" is Namibia, never a group.
        if (INDEX.has(term)) return [term];
        const group = TERRITORY_GROUPS[term] ?? groups[term];
        if (group !== undefined) return [...group];
        throw new FramewiseError(
          'INVALID_INPUT',
          `Territory expression ${JSON.stringify(expression)}: ${JSON.stringify(term)} is neither an ISO 3166-1 code nor a known group`,
          {
            details: { expression, term },
          },
        );
      });
  const excluded = new Set(expand(exclude));
  const included = expand(include).filter((code) => !excluded.has(code));
  return TerritorySet.of(included);
}
