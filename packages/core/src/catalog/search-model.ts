import { z } from 'zod';
import {
  type Annotation,
  AnnotationTypeSchema,
  type Asset,
  AssetKindSchema,
  IdSchema,
  InstantSchema,
  jsonValueProblem,
  LabelSchema,
  LanguageTagSchema,
  primaryTitle,
  TerritoryCodeSchema,
} from '../assets/index.js';
import { FramewiseError } from '../errors/index.js';
import { mulDivRound, type Rational } from '../time/index.js';

/** Index fields computed by core from an asset, so every store searches the same way. */
export interface AssetIndex {
  /** Lower-cased primary title, compared by code point. */
  readonly sortTitle: string;
  /** Languages of titles, synopses and the original language. */
  readonly languages: readonly string[];
  /** Distinct lower-cased words of titles and synopses. */
  readonly tokens: readonly string[];
  readonly genres: readonly string[];
  readonly moods: readonly string[];
  /** Lower-cased names of cast and crew. */
  readonly people: readonly string[];
  /** `GB`, one per territory with a rating. */
  readonly ratingTerritories: readonly string[];
  /** `GB|BBFC|15`, one per rating. */
  readonly ratingKeys: readonly string[];
  /** Production year, 0 when unknown (sorts first ascending). */
  readonly year: number;
  readonly popularity: number;
}

/** Index fields computed by core from an annotation. */
export interface AnnotationIndex {
  /** Start in whole microseconds (floor), for ordering and coarse range filters across rates. */
  readonly startUs: number;
  /** End in whole microseconds (ceil). */
  readonly endUs: number;
  /** Distinct lower-cased words of the text. */
  readonly tokens: readonly string[];
}

/** Scripts written without spaces between words: Han, Hiragana, Katakana (with their marks). */
const UNSPACED = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}]+/gu;

/**
 * Split text into the distinct lower-cased terms every store searches by. Words are runs of
 * letters, digits and marks. Runs of Chinese and Japanese characters, written without spaces, are
 * indexed as every character and every pair of adjacent characters (`'index'`); a query word of
 * two or more such characters becomes its pairs (`'query'`), so `東京` finds `東京の物語` in every
 * store, whatever a word segmenter would have made of either.
 */
export function tokenize(text: string, mode: 'index' | 'query' = 'index'): string[] {
  const words = text
    .toLowerCase()
    .normalize('NFKC')
    .split(/[^\p{L}\p{N}\p{M}]+/u);
  const out = new Set<string>();
  const add = (term: string) => {
    if (term.length > 0 && term.length <= 64) out.add(term);
  };
  for (const word of words) {
    let last = 0;
    for (const match of word.matchAll(UNSPACED)) {
      add(word.slice(last, match.index));
      last = match.index + match[0].length;
      const chars = [...match[0]];
      if (mode === 'index' || chars.length === 1) for (const c of chars) add(c);
      for (let i = 0; i + 1 < chars.length; i++) add(`${chars[i]}${chars[i + 1]}`);
    }
    add(word.slice(last));
  }
  return [...out];
}

/** Compute an asset's index fields (see {@link AssetIndex}). */
export function indexAsset(asset: Asset): AssetIndex {
  const languages = new Set<string>();
  const text: string[] = [];
  for (const t of asset.titles) {
    languages.add(t.language);
    text.push(t.value);
  }
  for (const s of asset.synopses) {
    languages.add(s.language);
    text.push(s.value);
  }
  if (asset.originalLanguage !== undefined) languages.add(asset.originalLanguage);
  const lower = (values: readonly string[]) => [...new Set(values.map((v) => v.toLowerCase()))];
  return {
    sortTitle: primaryTitle(asset).toLowerCase(),
    languages: [...languages],
    tokens: tokenize(text.join(' ')),
    genres: lower(asset.genres),
    moods: lower(asset.moods),
    people: lower(asset.credits.map((c) => c.name)),
    ratingTerritories: [...new Set(asset.ratings.map((r) => r.territory))],
    ratingKeys: [...new Set(asset.ratings.map((r) => ratingKey(r.territory, r.system, r.value)))],
    year: asset.productionYear ?? 0,
    popularity: asset.recommendation.popularity,
  };
}

/** The key a rating is indexed under: `GB|BBFC|15` (system and value upper-cased). */
export function ratingKey(territory: string, system: string, value: string): string {
  return `${territory}|${system.toUpperCase()}|${value.toUpperCase()}`;
}

/** Compute an annotation's index fields (see {@link AnnotationIndex}). */
export function indexAnnotation(annotation: Annotation): AnnotationIndex {
  const { num, den } = annotation.rate;
  return {
    startUs: mulDivRound(annotation.start, den * 1_000_000, num, 'floor'),
    endUs: mulDivRound(annotation.start + annotation.duration, den * 1_000_000, num, 'ceil'),
    tokens: annotation.text === undefined ? [] : tokenize(annotation.text),
  };
}

/** Fields assets can be sorted by. */
export const AssetSortFieldSchema = z.enum(['title', 'createdAt', 'updatedAt', 'productionYear']);

const RangeOf = <T extends z.ZodType>(inner: T) => z.object({ from: inner.optional(), to: inner.optional() });

/**
 * A metadata search as callers write it. Every given filter must match; within a list, any value
 * matches. `text` matches assets whose titles or synopses contain every word.
 */
export const AssetQuerySchema = z.object({
  kinds: z.array(AssetKindSchema).max(20).optional(),
  genres: z.array(LabelSchema).max(50).optional(),
  /** Assets with a title, synopsis or original language in any of these. */
  languages: z.array(LanguageTagSchema).max(50).optional(),
  rating: z
    .object({
      territory: TerritoryCodeSchema,
      system: LabelSchema.optional(),
      values: z.array(LabelSchema).max(50).optional(),
    })
    .optional(),
  productionYear: RangeOf(z.number().int()).optional(),
  createdAt: RangeOf(InstantSchema).optional(),
  updatedAt: RangeOf(InstantSchema).optional(),
  text: z.string().trim().min(1).max(500).optional(),
  seriesId: IdSchema.optional(),
  projects: z.array(IdSchema).max(500).optional(),
  sort: z
    .object({ field: AssetSortFieldSchema, direction: z.enum(['asc', 'desc']).default('asc') })
    .default({ field: 'title', direction: 'asc' }),
  limit: z.number().int().min(1).max(1000).default(50),
  /** The `next` cursor of the previous page. */
  after: z.string().max(2000).optional(),
});
/** A metadata search as callers write it. */
export type AssetQuery = z.input<typeof AssetQuerySchema>;

/** A position in a sorted result: the sort value and the id (the tie-breaker). */
export interface Cursor {
  readonly value: string | number;
  readonly id: string;
}

/** A metadata search as stores receive it: validated, normalised, scoped to projects. */
export interface AssetSearch {
  /** Only assets of these projects; `undefined` means all projects. */
  readonly projects?: readonly string[] | undefined;
  readonly kinds?: readonly string[] | undefined;
  readonly genres?: readonly string[] | undefined;
  readonly languages?: readonly string[] | undefined;
  readonly ratingTerritory?: string | undefined;
  readonly ratingKeys?: readonly string[] | undefined;
  readonly ratingSystemPrefix?: string | undefined;
  readonly yearFrom?: number | undefined;
  readonly yearTo?: number | undefined;
  readonly createdFrom?: string | undefined;
  readonly createdTo?: string | undefined;
  readonly updatedFrom?: string | undefined;
  readonly updatedTo?: string | undefined;
  readonly tokens?: readonly string[] | undefined;
  readonly seriesId?: string | undefined;
  readonly sortField: 'title' | 'createdAt' | 'updatedAt' | 'productionYear';
  readonly descending: boolean;
  readonly limit: number;
  readonly after?: Cursor | undefined;
}

/** An annotation search as callers write it. Positions are frames or timecode labels on one version. */
export const AnnotationQuerySchema = z.object({
  assetId: IdSchema.optional(),
  versionId: IdSchema.optional(),
  types: z.array(AnnotationTypeSchema).max(20).optional(),
  track: z.string().max(80).optional(),
  /** Annotations that contain this frame (a frame number, or a timecode label at the version's rate). */
  contains: z.union([z.number().int().nonnegative(), z.string().max(16)]).optional(),
  /** Annotations that start exactly at this frame or timecode label. */
  startsAt: z.union([z.number().int().nonnegative(), z.string().max(16)]).optional(),
  /** Annotations that overlap `[start, end)` frames or labels on the version. */
  overlaps: z
    .object({
      start: z.union([z.number().int().nonnegative(), z.string().max(16)]),
      end: z.union([z.number().int().nonnegative(), z.string().max(16)]),
    })
    .optional(),
  /**
   * Catalog-wide: annotations whose start lies in `[start, end)` of media time, in seconds from each
   * version's first frame, whatever its rate. Give exact rationals or numbers of seconds.
   */
  startsWithin: z
    .object({
      start: z.union([
        z.number().nonnegative(),
        z.object({ num: z.number().int().nonnegative(), den: z.number().int().positive() }),
      ]),
      end: z.union([
        z.number().nonnegative(),
        z.object({ num: z.number().int().nonnegative(), den: z.number().int().positive() }),
      ]),
    })
    .optional(),
  /** Annotations whose text contains every word. */
  text: z.string().trim().min(1).max(500).optional(),
  projects: z.array(IdSchema).max(500).optional(),
  limit: z.number().int().min(1).max(5000).default(100),
  after: z.string().max(2000).optional(),
});
/** An annotation search as callers write it. */
export type AnnotationQuery = z.input<typeof AnnotationQuerySchema>;

/** An annotation search as stores receive it. Results are ordered by (startUs, id). */
export interface AnnotationSearch {
  readonly projects?: readonly string[] | undefined;
  readonly assetId?: string | undefined;
  readonly versionId?: string | undefined;
  readonly types?: readonly string[] | undefined;
  readonly track?: string | undefined;
  /** Frame on the version (requires `versionId`). */
  readonly containsFrame?: number | undefined;
  readonly startFrame?: number | undefined;
  /** `[start, end)` frames on the version (requires `versionId`). */
  readonly overlapsFrames?: { readonly start: number; readonly end: number } | undefined;
  /** Exact media-time window for the start, in seconds, across rates. */
  readonly startWithin?: { readonly start: Rational; readonly end: Rational } | undefined;
  readonly tokens?: readonly string[] | undefined;
  readonly limit: number;
  readonly after?: { readonly startUs: number; readonly id: string } | undefined;
}

/** A recommendation-metadata query: facets in, ranked asset ids out. */
export const RecommendationQuerySchema = z.object({
  genres: z.array(LabelSchema).max(50).optional(),
  moods: z.array(LabelSchema).max(50).optional(),
  cast: z.array(LabelSchema).max(50).optional(),
  languages: z.array(LanguageTagSchema).max(20).optional(),
  kinds: z.array(AssetKindSchema).max(20).optional(),
  /** Only assets rated in this territory with one of these ratings (e.g. a kids profile). */
  rating: z
    .object({ territory: TerritoryCodeSchema, system: LabelSchema, values: z.array(LabelSchema).min(1).max(50) })
    .optional(),
  excludeIds: z.array(IdSchema).max(1000).optional(),
  projects: z.array(IdSchema).max(500).optional(),
  limit: z.number().int().min(1).max(500).default(20),
});
/** A recommendation query as callers write it. */
export type RecommendationQuery = z.input<typeof RecommendationQuerySchema>;

/**
 * A recommendation query as stores receive it. Each given facet must match at least one value;
 * results rank by the number of matching genre, mood and cast values, then popularity (desc),
 * then id.
 */
export interface RecommendationSearch {
  readonly projects?: readonly string[] | undefined;
  readonly genres?: readonly string[] | undefined;
  readonly moods?: readonly string[] | undefined;
  readonly people?: readonly string[] | undefined;
  readonly languages?: readonly string[] | undefined;
  readonly kinds?: readonly string[] | undefined;
  readonly ratingKeys?: readonly string[] | undefined;
  readonly excludeIds?: readonly string[] | undefined;
  readonly limit: number;
}

/** Encode a cursor for a `next` field. */
export function encodeCursor(cursor: unknown): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

/** Decode a cursor, or throw `INVALID_INPUT` naming it. */
export function decodeCursor<T>(text: string, check: (value: unknown) => value is T): T {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (jsonValueProblem(value, 2) === undefined && check(value)) return value;
  } catch {
    // fall through
  }
  throw new FramewiseError(
    'INVALID_INPUT',
    `Cursor ${JSON.stringify(text.slice(0, 40))} is not a cursor this query returned`,
    {
      details: { cursor: text.slice(0, 200) },
    },
  );
}

/**
 * Compare two strings by Unicode code point (the order every store sorts text in; PostgreSQL's
 * `COLLATE "C"` on UTF-8). UTF-16 order differs only where a surrogate meets a code unit at or
 * above U+E000, so the loop compares code units and corrects that one case, without allocating.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys && (xs ? y >= 0xe000 : x >= 0xe000)) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}
