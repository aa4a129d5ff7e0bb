import { z } from 'zod';
import { IdSchema, InstantSchema, LabelSchema, LanguageTagSchema, TerritoryCodeSchema, textSchema } from './common.js';
import { DrmPolicySchema } from './drm.js';
import { jsonRecordSchema } from './json-value.js';

/** What an asset is. */
export const AssetKindSchema = z.enum([
  'feature',
  'episode',
  'season',
  'series',
  'special',
  'documentary',
  'short',
  'promo',
  'trailer',
  'clip',
  'news-item',
  'live-event',
  'music-video',
  'commercial',
  'bumper',
  'other',
]);
/** What an asset is. */
export type AssetKind = z.output<typeof AssetKindSchema>;

const EIDR = /^10\.5240\/(?:[0-9A-F]{4}-){5}[0-9A-Z]$/;
const ISAN =
  /^(?:ISAN )?[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-Z](?:-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-Z])?$/;
const AD_ID = /^[A-Z0-9]{4}[A-Z0-9]{7}[HD]?$/;

/** An identifier of the asset in another registry: EIDR, ISAN, Ad-ID, or a house system. */
export const ExternalIdSchema = z
  .object({
    scheme: z.enum(['eidr', 'isan', 'ad-id', 'house', 'imdb', 'tms', 'gracenote', 'other']),
    value: z.string().trim().min(1).max(200),
    /** For `house` and `other`: whose system (e.g. `traffic`, `broadcaster-x`). */
    namespace: LabelSchema.optional(),
  })
  .superRefine((id, ctx) => {
    const patterns: Partial<Record<typeof id.scheme, [RegExp, string]>> = {
      eidr: [EIDR, 'an EIDR DOI like 10.5240/XXXX-XXXX-XXXX-XXXX-XXXX-C'],
      isan: [ISAN, 'an ISAN like 0000-0001-8CFA-0000-I-0000-0000-K'],
      'ad-id': [AD_ID, 'an 11-character Ad-ID, with H or D for HD or 3D'],
    };
    const rule = patterns[id.scheme];
    if (rule !== undefined && !rule[0].test(id.value)) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `${JSON.stringify(id.value)} is not ${rule[1]}` });
    }
  });

/** A title in one language. */
export const TitleSchema = z.object({
  language: LanguageTagSchema,
  value: textSchema(500),
  kind: z.enum(['main', 'original', 'episode', 'short', 'sort', 'working', 'alternative']).default('main'),
});

/** A synopsis in one language and length. */
export const SynopsisSchema = z.object({
  language: LanguageTagSchema,
  value: textSchema(10_000),
  length: z.enum(['short', 'medium', 'long']).default('medium'),
});

/** A person who worked on or appears in the asset. */
export const CreditSchema = z.object({
  name: textSchema(300),
  role: z.enum([
    'actor',
    'voice',
    'presenter',
    'guest',
    'director',
    'writer',
    'producer',
    'executive-producer',
    'composer',
    'cinematographer',
    'editor',
    'creator',
    'other',
  ]),
  character: textSchema(300).optional(),
  /** Billing order. */
  order: z.number().int().nonnegative().optional(),
  /** The person's id in the host's talent system (used by rights and residuals). */
  personId: IdSchema.optional(),
});

/** A content rating in one territory's system. */
export const ContentRatingSchema = z.object({
  territory: TerritoryCodeSchema,
  /** The rating system, e.g. `BBFC`, `MPA`, `FSK`, `TVPG`, `ACMA`, `CSA`. */
  system: LabelSchema,
  value: LabelSchema,
  descriptors: z.array(LabelSchema).max(50).default([]),
});

/** Series, season and episode numbering. */
export const NumberingSchema = z.object({
  /** The series asset this belongs to. */
  seriesId: IdSchema.optional(),
  /** The season asset this belongs to. */
  seasonId: IdSchema.optional(),
  seasonNumber: z.number().int().nonnegative().optional(),
  episodeNumber: z.number().int().nonnegative().optional(),
  /** The production (house) episode number, e.g. `104`. */
  productionNumber: LabelSchema.optional(),
});

/** Fields a recommendation engine consumes beyond genres, moods, cast, language and rating. */
export const RecommendationFieldsSchema = z.object({
  /** Target audiences (`kids`, `family`, `young-adult`, `adult`). */
  audiences: z.array(LabelSchema).max(20).default([]),
  /** Popularity score from 0 to 1, used to rank equally relevant results. */
  popularity: z.number().min(0).max(1).default(0),
  runtimeMinutes: z.number().int().nonnegative().optional(),
  /** Ids of assets editors consider similar. */
  similarTo: z.array(IdSchema).max(100).default([]),
});

/** The editable description of an asset, as accepted by `Catalog.createAsset` and `updateAsset`. */
export const AssetInputSchema = z.object({
  /** Optional caller-chosen id (for idempotent ingest); a UUIDv7 otherwise. */
  id: IdSchema.optional(),
  /** The production (project) that owns the asset: access control is by project. */
  project: IdSchema,
  kind: AssetKindSchema,
  externalIds: z.array(ExternalIdSchema).max(50).default([]),
  titles: z.array(TitleSchema).min(1).max(200),
  synopses: z.array(SynopsisSchema).max(200).default([]),
  numbering: NumberingSchema.optional(),
  genres: z.array(LabelSchema).max(50).default([]),
  moods: z.array(LabelSchema).max(50).default([]),
  themes: z.array(LabelSchema).max(50).default([]),
  keywords: z.array(LabelSchema).max(500).default([]),
  credits: z.array(CreditSchema).max(2000).default([]),
  ratings: z.array(ContentRatingSchema).max(300).default([]),
  originalLanguage: LanguageTagSchema.optional(),
  countriesOfOrigin: z.array(TerritoryCodeSchema).max(50).default([]),
  productionYear: z.number().int().min(1870).max(2200).optional(),
  recommendation: RecommendationFieldsSchema.default({ audiences: [], popularity: 0, similarTo: [] }),
  drm: DrmPolicySchema.optional(),
  /** Free-form host fields (not searched). */
  custom: jsonRecordSchema().default({}),
});

/** An asset as given to the catalog. */
export type AssetInput = z.input<typeof AssetInputSchema>;

/** A stored asset: the input plus identity, revision and bookkeeping. */
export const AssetSchema = AssetInputSchema.extend({
  id: IdSchema,
  revision: z.number().int().positive(),
  createdAt: InstantSchema,
  updatedAt: InstantSchema,
  createdBy: IdSchema,
  /** Highest fencing token issued for this asset's check-outs (0 when never checked out). */
  fence: z.number().int().nonnegative(),
});

/** A stored asset. */
export type Asset = z.output<typeof AssetSchema>;

/** The primary title of an asset: the first `main` title, else the first title. */
export function primaryTitle(asset: Pick<Asset, 'titles'>): string {
  return (asset.titles.find((t) => t.kind === 'main') ?? asset.titles[0])?.value ?? '';
}
