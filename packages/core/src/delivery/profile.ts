import { z } from 'zod';
import { IdSchema, LabelSchema, LanguageTagSchema, TerritoryCodeSchema } from '../assets/common.js';
import { LicenseTypeSchema } from '../rights/model.js';

/** What an endpoint does for one kind of action: on its own, when a person asks, or never. */
export const AutomationSchema = z.enum(['automatic', 'manual', 'disabled']);
/** `automatic`: the distributor acts as soon as the work is owed; `manual`: only on request; `disabled`: never. */
export type Automation = z.output<typeof AutomationSchema>;

/** A rendition an endpoint requires or accepts, matched against the version's renditions. */
export const RenditionSpecSchema = z.object({
  /** Name used in errors and packages, e.g. `mezzanine`, `1080p`. */
  name: LabelSchema,
  required: z.boolean().default(true),
  /** Container, e.g. `mp4`, `mov`, `mxf` (as the catalog records it). */
  container: LabelSchema.optional(),
  /** Video codec (ffprobe name), e.g. `h264`, `prores`. */
  videoCodec: LabelSchema.optional(),
  audioCodec: LabelSchema.optional(),
  /** Exact frame size, when the endpoint wants one. */
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  /** Bit-rate bounds in bits per second. */
  minBitRate: z.number().int().positive().optional(),
  maxBitRate: z.number().int().positive().optional(),
});
/** A rendition spec. */
export type RenditionSpec = z.output<typeof RenditionSpecSchema>;

/** A thumbnail (or poster) an endpoint requires at exact dimensions. */
export const ThumbnailSpecSchema = z.object({
  kind: z.enum(['thumbnail', 'poster', 'key-art', 'banner']).default('thumbnail'),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  required: z.boolean().default(true),
});
/** A thumbnail spec. */
export type ThumbnailSpec = z.output<typeof ThumbnailSpecSchema>;

/** One metadata field an endpoint takes, with its limits. */
export const MetadataFieldSpecSchema = z.object({
  /** The endpoint's field name (`title`, `description`, `tags`, `publishAt`). */
  field: z.string().min(1).max(100),
  required: z.boolean().default(true),
  /** Longest value in characters (for lists: the joined length, see `joinWith`). */
  maxLength: z.number().int().positive().optional(),
  /** Most items, for list fields. */
  maxItems: z.number().int().positive().optional(),
  /** Characters between list items when the endpoint counts the joined length (YouTube tags: `,`). */
  joinWith: z.string().max(4).optional(),
  /** A format the value must have. */
  format: z.enum(['text', 'language', 'date', 'date-time', 'uri', 'territory']).default('text'),
  /** A regular expression (ECMAScript, whole value) the value must match. */
  pattern: z.string().max(500).optional(),
  /** Characters the endpoint refuses, e.g. `<>` for YouTube titles. */
  forbiddenCharacters: z.string().max(50).optional(),
});
/** A metadata field spec. */
export type MetadataFieldSpec = z.output<typeof MetadataFieldSpecSchema>;

/** Captions an endpoint requires. */
export const CaptionSpecSchema = z.object({
  /** BCP-47 languages that must be present. */
  languages: z.array(LanguageTagSchema).max(100).default([]),
  /** Formats the endpoint accepts (any one of them per language). */
  formats: z
    .array(z.enum(['webvtt', 'srt', 'ttml', 'imsc1', 'scc', 'stl']))
    .min(1)
    .default(['webvtt']),
});

/**
 * A delivery profile: everything one endpoint requires before anything is sent, and how its
 * actions are automated. Data only: the metadata mapping from the catalog to the endpoint's fields
 * is a typed function beside it (see `DistributionEndpoint`).
 */
export const DeliveryProfileSchema = z.object({
  id: IdSchema,
  name: LabelSchema,
  renditions: z.array(RenditionSpecSchema).max(50).default([]),
  thumbnails: z.array(ThumbnailSpecSchema).max(20).default([]),
  metadata: z.array(MetadataFieldSpecSchema).max(200).default([]),
  captions: CaptionSpecSchema.optional(),
  /** The QC policy the version must have passed (a report under that policy name), if any. */
  qcPolicy: LabelSchema.optional(),
  /** Accept a QC report whose verdict is `warn`. */
  qcAllowWarnings: z.boolean().default(false),
  /** Loudness standard the endpoint states (informative; enforced through `qcPolicy`). */
  loudness: LabelSchema.optional(),
  /** Package wrapper, e.g. `mp4`, `imf`, `folder`. */
  wrapper: LabelSchema.optional(),
  /** DRM the endpoint applies or requires (informative). */
  drm: LabelSchema.optional(),
  /** The rights this endpoint exercises: channel (media right), territories and platform. */
  rights: z.object({
    channel: LicenseTypeSchema,
    territories: z.array(TerritoryCodeSchema).min(1).max(300),
    /** Platform id, for grants limited to platforms. */
    platform: LabelSchema.optional(),
  }),
  automation: z
    .object({
      submit: AutomationSchema.default('manual'),
      update: AutomationSchema.default('automatic'),
      remove: AutomationSchema.default('automatic'),
    })
    .default({ submit: 'manual', update: 'automatic', remove: 'automatic' }),
});
/** A delivery profile as declared. */
export type DeliveryProfileInput = z.input<typeof DeliveryProfileSchema>;
/** A delivery profile. */
export type DeliveryProfile = z.output<typeof DeliveryProfileSchema>;
