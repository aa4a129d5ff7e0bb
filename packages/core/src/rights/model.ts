import { z } from 'zod';
import { IdSchema, LabelSchema, LanguageTagSchema } from '../assets/index.js';

/** Media rights (license types): a superset of the EMA Avails license types. */
export const LicenseTypeSchema = z.enum([
  'theatrical',
  'pvod',
  'tvod',
  'est',
  'svod',
  'avod',
  'fast',
  'fvod',
  'pay-tv',
  'basic-tv',
  'free-tv',
  'catch-up',
  'airline',
  'non-theatrical',
  'physical',
]);
/** A media right. */
export type LicenseType = z.output<typeof LicenseTypeSchema>;

/**
 * A window bound:
 * - a date `YYYY-MM-DD`: local midnight in the territory's own time zone (or the grant's `zone`);
 * - an instant `YYYY-MM-DDTHH:mm[:ss[.sss]]Z` or with an offset: that instant everywhere;
 * - relative to another grant's window: `{ after: grantId, edge: 'start' | 'end', days }` — calendar
 *   days in local time when that bound is a date, 24-hour days when it is an instant.
 */
export const WindowBoundSchema = z.union([
  z.iso.date(),
  z.iso.datetime({ offset: true }),
  z.object({
    after: IdSchema,
    edge: z.enum(['start', 'end']).default('start'),
    days: z.number().int().min(-36_500).max(36_500),
  }),
]);
/** A window bound as written. */
export type WindowBound = z.input<typeof WindowBoundSchema>;
/** A window bound after validation (relative bounds have their edge). */
export type WindowBoundValue = z.output<typeof WindowBoundSchema>;

/** A window: start inclusive, end exclusive; either may be open. */
export const WindowSchema = z.object({ start: WindowBoundSchema.optional(), end: WindowBoundSchema.optional() });

/** Languages a grant covers, and in which forms. */
export const LanguageRightSchema = z.object({
  language: LanguageTagSchema,
  forms: z
    .array(z.enum(['original', 'dubbed', 'subtitled']))
    .min(1)
    .default(['original', 'dubbed', 'subtitled']),
});

/** One grant of a deal: media × territories × languages × window, exclusive or not. */
export const GrantSchema = z.object({
  id: IdSchema,
  media: z.array(LicenseTypeSchema).min(1),
  /** A territory expression such as `"EMEA except FR, DE"`. */
  territories: z.string().min(1).max(5000),
  /** Languages covered; absent means every language and form. */
  languages: z.array(LanguageRightSchema).max(200).optional(),
  window: WindowSchema.default({}),
  exclusive: z.boolean().default(false),
  /** Read date-only bounds in this zone instead of each territory's own. */
  zone: z.string().max(64).optional(),
  /** For TV: the most runs (plays) allowed per territory within the window. */
  maxRuns: z.number().int().positive().optional(),
  /** Named outlets the grant is limited to (platform ids); absent means any. */
  platforms: z.array(LabelSchema).max(100).optional(),
});
/** A grant as written. */
export type GrantInput = z.input<typeof GrantSchema>;
/** A grant. */
export type Grant = z.output<typeof GrantSchema>;

/** A holdback: media that must not be exploited in some territories during a window. */
export const HoldbackSchema = z.object({
  id: IdSchema,
  media: z.array(LicenseTypeSchema).min(1),
  territories: z.string().min(1).max(5000),
  window: WindowSchema,
  zone: z.string().max(64).optional(),
  reason: z.string().max(500).optional(),
});
/** A holdback. */
export type Holdback = z.output<typeof HoldbackSchema>;

/** A deal: rights in (acquired) or out (sold or committed) for some assets. */
export const DealSchema = z.object({
  id: IdSchema,
  direction: z.enum(['in', 'out']),
  licensor: LabelSchema,
  licensee: LabelSchema,
  /** The titles (asset ids) the deal covers. */
  assets: z.array(IdSchema).min(1).max(100_000),
  grants: z.array(GrantSchema).max(1000).default([]),
  holdbacks: z.array(HoldbackSchema).max(1000).default([]),
});
/** A deal as written. */
export type DealInput = z.input<typeof DealSchema>;
/** A deal. */
export type Deal = z.output<typeof DealSchema>;

/** Where an element right is cleared: media, territories and uses. */
export const ClearanceSchema = z.object({
  /** Media cleared; absent means all. */
  media: z.array(LicenseTypeSchema).optional(),
  territories: z.string().min(1).max(5000).default('WORLD'),
  /** Uses cleared; absent means all (`program`, `promo`, `trailer`, `clip`). */
  uses: z.array(z.enum(['program', 'promo', 'trailer', 'clip'])).optional(),
});

/**
 * A right in an element of a version — a music cue, a performer's image, archive footage, artwork —
 * tied to a timecoded span, cleared only where its clearances say.
 */
export const ElementRightSchema = z.object({
  id: IdSchema,
  assetId: IdSchema,
  versionId: IdSchema,
  kind: z.enum(['music', 'talent', 'footage', 'artwork', 'trademark']),
  /** The cue title, the performer, the footage source. */
  name: LabelSchema,
  /** The annotation (music cue, talent appearance) it is tied to, if any. */
  annotationId: IdSchema.optional(),
  /** Frame rate and in/out timecodes on the version, for explanations and edits. */
  rate: z.string().max(32),
  in: z.string().max(16),
  out: z.string().max(16),
  clearances: z.array(ClearanceSchema).max(500).default([]),
  /** What to do where it is not cleared: substitute (replace the cue, blur) or block the version. */
  whenNotCleared: z.enum(['substitute', 'block']).default('substitute'),
});
/** An element right as written. */
export type ElementRightInput = z.input<typeof ElementRightSchema>;
/** An element right. */
export type ElementRight = z.output<typeof ElementRightSchema>;

/** Rights as data: the documented JSON import and export format. */
export const RightsDocumentSchema = z.object({
  format: z.literal('framewise.rights').default('framewise.rights'),
  version: z.literal(1).default(1),
  /** Custom territory groups usable in expressions, e.g. `{ "MY_PAN_NORDIC": ["DK", "NO", "SE"] }`. */
  groups: z.record(z.string().regex(/^[A-Z][A-Z0-9_]{1,39}$/), z.array(z.string().length(2))).default({}),
  /** Zone overrides per territory for date-only bounds, e.g. `{ "US": "America/Los_Angeles" }`. */
  territoryZones: z.record(z.string().length(2), z.string().max(64)).default({}),
  deals: z.array(DealSchema).default([]),
  elements: z.array(ElementRightSchema).default([]),
});
/** A rights document as written. */
export type RightsDocumentInput = z.input<typeof RightsDocumentSchema>;
/** A rights document. */
export type RightsDocument = z.output<typeof RightsDocumentSchema>;
