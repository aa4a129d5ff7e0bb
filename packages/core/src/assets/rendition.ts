import { z } from 'zod';
import { IdSchema, InstantSchema, LabelSchema } from './common.js';
import { FileLocationSchema } from './version.js';

/** A rendition of a version (one rung of a ladder, a mezzanine, an audio-only rendition). */
export const RenditionInputSchema = z.object({
  id: IdSchema.optional(),
  /** The recipe that made it, e.g. `h264-1080p-6m` (dedupe key together with the source checksum). */
  profile: LabelSchema,
  container: LabelSchema,
  videoCodec: LabelSchema.optional(),
  audioCodec: LabelSchema.optional(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  bitRate: z.number().int().positive().optional(),
  /** Position in the ABR ladder, 0 = top rung. */
  rung: z.number().int().nonnegative().optional(),
  locations: z.array(FileLocationSchema).min(1).max(100),
});
/** A rendition as given to the catalog. */
export type RenditionInput = z.input<typeof RenditionInputSchema>;

/** A stored rendition. */
export const RenditionSchema = RenditionInputSchema.extend({
  id: IdSchema,
  assetId: IdSchema,
  versionId: IdSchema,
  createdAt: InstantSchema,
});
/** A stored rendition. */
export type Rendition = z.output<typeof RenditionSchema>;

/** What a related asset is for. */
export const RelatedAssetKindSchema = z.enum([
  'thumbnail',
  'poster',
  'key-art',
  'banner',
  'preview-clip',
  'trailer',
  'logo',
  'document',
]);

/** Per-related-asset delivery rule: where it may go and in what form. */
export const DeliveryRuleSchema = z.object({
  endpoints: z.array(LabelSchema).max(100).default([]),
  required: z.boolean().default(false),
  /** Exact pixel dimensions an endpoint requires, e.g. 1280×720 for a YouTube thumbnail. */
  exactWidth: z.number().int().positive().optional(),
  exactHeight: z.number().int().positive().optional(),
});

/** An image, clip or document that belongs with an asset, with its own encoding and delivery rules. */
export const RelatedAssetInputSchema = z.object({
  id: IdSchema.optional(),
  kind: RelatedAssetKindSchema,
  /** For trailers and preview clips that are assets of their own. */
  linkedAssetId: IdSchema.optional(),
  mimeType: z
    .string()
    .regex(/^[a-z]+\/[a-z0-9.+-]+$/)
    .optional(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  /** The encoding profile it was made with. */
  profile: LabelSchema.optional(),
  language: z.string().max(64).optional(),
  deliveryRules: z.array(DeliveryRuleSchema).max(50).default([]),
  locations: z.array(FileLocationSchema).max(100).default([]),
});
/** A related asset as given to the catalog. */
export type RelatedAssetInput = z.input<typeof RelatedAssetInputSchema>;

/** A stored related asset. */
export const RelatedAssetSchema = RelatedAssetInputSchema.extend({
  id: IdSchema,
  assetId: IdSchema,
  createdAt: InstantSchema,
});
/** A stored related asset. */
export type RelatedAsset = z.output<typeof RelatedAssetSchema>;
