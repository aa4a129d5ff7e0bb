import { z } from 'zod';
import { AssetInputSchema } from '../assets/asset.js';
import { IdSchema, TerritoryCodeSchema, textSchema } from '../assets/common.js';
import { RelatedAssetKindSchema } from '../assets/rendition.js';
import { VersionInputSchema } from '../assets/version.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A `YYYY-MM-DD` that names a day of the proleptic Gregorian calendar (no 2024-02-30, no year 0). */
function isCalendarDate(text: string): boolean {
  const [y, m, d] = text.split('-').map(Number) as [number, number, number];
  if (y === 0) return false;
  const date = new Date(0);
  date.setUTCFullYear(y, m - 1, d);
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}
const CALENDAR_DATE = z
  .string()
  .regex(DATE, 'must be a date YYYY-MM-DD')
  .refine(isCalendarDate, 'is not a day of the calendar');

/**
 * The asset fields an interchange document carries: identity, titles, synopses, numbering,
 * genres, moods, themes, keywords, credits, ratings, languages, origin and year. Project,
 * recommendation fields, DRM policy and host `custom` fields stay in the catalog.
 *
 * Parsing puts the description in its normal form, the order documents carry: main titles before
 * the other kinds; credits in billing order with `order` set to their position; numbering without
 * any field left out.
 */
export const DescribedAssetSchema = AssetInputSchema.pick({
  kind: true,
  externalIds: true,
  titles: true,
  synopses: true,
  numbering: true,
  genres: true,
  moods: true,
  themes: true,
  keywords: true,
  credits: true,
  ratings: true,
  originalLanguage: true,
  countriesOfOrigin: true,
  productionYear: true,
})
  .extend({ id: IdSchema })
  .transform(({ numbering, ...asset }) => {
    const billed = asset.credits
      .map((credit, at) => ({ credit, at }))
      .sort((a, b) => (a.credit.order ?? Infinity) - (b.credit.order ?? Infinity) || a.at - b.at)
      .map(({ credit }, order) => ({ ...credit, order }));
    const hasNumbering = numbering !== undefined && Object.values(numbering).some((v) => v !== undefined);
    return {
      ...asset,
      titles: [...asset.titles.filter((t) => t.kind === 'main'), ...asset.titles.filter((t) => t.kind !== 'main')],
      credits: billed,
      ...(hasNumbering ? { numbering } : {}),
    };
  });

/** The version fields an interchange document carries (everything but host `custom` fields). */
export const DescribedVersionSchema = VersionInputSchema.omit({ custom: true, id: true }).extend({ id: IdSchema });

/** A timed part of the version (a segment between breaks, a chapter, a break point). */
export const DescribedPartSchema = z.object({
  /** The annotation id it came from. */
  id: IdSchema,
  type: z.enum(['segment', 'chapter', 'ad-break']),
  /** The part's title (a segment or chapter name). */
  title: textSchema(20_000).optional(),
  /** First frame, counted from the version's first frame. */
  start: z.number().int().nonnegative(),
  /** Number of frames; 0 for a point (an ad-break opportunity). */
  duration: z.number().int().nonnegative(),
});

/** A statement of the rights held in the version: who holds them, where and when. */
export const RightsStatementSchema = z.object({
  /** The deal or grant id it summarises. */
  id: IdSchema.optional(),
  /** Human-readable summary (“Licensed for linear TV and SVOD in GB and IE”). */
  summary: textSchema(10_000).optional(),
  /** The rights holder (licensor). */
  holder: textSchema(300).optional(),
  /** ISO 3166-1 territories covered (empty: not stated). */
  territories: z.array(TerritoryCodeSchema).max(300).default([]),
  /** First day of the window, `YYYY-MM-DD`. */
  start: CALENDAR_DATE.optional(),
  /** Last day of the window, `YYYY-MM-DD`. */
  end: CALENDAR_DATE.optional(),
  /** True when the rights are cleared for use. */
  cleared: z.boolean().optional(),
});

/** Another asset the version refers to: a thumbnail, a trailer, key art (a related-asset record). */
export const DescribedRelationSchema = z.object({
  /** The related-asset record's id. */
  id: IdSchema,
  kind: RelatedAssetKindSchema,
});

/**
 * One version of an asset as an interchange document describes it: what EBUCore sidecars carry
 * and what an importer gives back. Frame positions are frames at the version's rate.
 */
export const AssetDescriptionSchema = z.object({
  asset: DescribedAssetSchema,
  version: DescribedVersionSchema,
  parts: z.array(DescribedPartSchema).max(10_000).default([]),
  rights: z.array(RightsStatementSchema).max(1_000).default([]),
  related: z.array(DescribedRelationSchema).max(1_000).default([]),
});

/** One version of an asset as interchange documents describe it. */
export type AssetDescription = z.output<typeof AssetDescriptionSchema>;
/** An asset description as accepted by exporters (defaults not yet applied). */
export type AssetDescriptionInput = z.input<typeof AssetDescriptionSchema>;
/** A timed part of a version. */
export type DescribedPart = z.output<typeof DescribedPartSchema>;
/** A rights statement. */
export type RightsStatement = z.output<typeof RightsStatementSchema>;
/** A rights statement as accepted on input. */
export type RightsStatementInput = z.input<typeof RightsStatementSchema>;
/** A related asset reference. */
export type DescribedRelation = z.output<typeof DescribedRelationSchema>;
