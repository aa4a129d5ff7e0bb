import { z } from 'zod';
import { IdSchema, LabelSchema, LanguageTagSchema } from '../assets/index.js';
import { RightsEventsSchema, TerritoryZoneSchema, WindowSchema } from './model-window.js';

/**
 * Media rights (license types): a superset of the EMA Avails license types. `poest` is pre-order
 * EST (sold before the EST window opens).
 */
export const LicenseTypeSchema = z.enum([
  'theatrical',
  'pvod',
  'tvod',
  'est',
  'poest',
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

/** Format profiles (EMA Avails `FormatProfile`, plus HDR): each is its own right, matched exactly. */
export const FormatProfileSchema = z.enum(['SD', 'HD', 'UHD', 'HDR']);
/** A format profile. */
export type FormatProfile = z.output<typeof FormatProfileSchema>;

/**
 * A language a grant covers, and in which forms: `original` and `dubbed` are audio, `subtitled` is
 * subtitles (EMA Avails localization types: `sub` → `["subtitled"]`, `dub` → `["dubbed"]`,
 * `subdub` → `["dubbed", "subtitled"]`, `any` → all three). A tag matches itself and its subtags
 * (`fr` covers `fr-CA`).
 */
export const LanguageRightSchema = z.strictObject({
  language: LanguageTagSchema,
  forms: z
    .array(z.enum(['original', 'dubbed', 'subtitled']))
    .min(1)
    .default(['original', 'dubbed', 'subtitled']),
});
/** A language right as written. */
export type LanguageRightInput = z.input<typeof LanguageRightSchema>;

const Territories = z.string().min(1).max(5000);
const Zone = z.string().min(1).max(64);

/** One grant of a deal: media × territories × languages × formats × platforms × window, exclusive or not. */
export const GrantSchema = z.strictObject({
  id: IdSchema,
  media: z.array(LicenseTypeSchema).min(1),
  /** A territory expression such as `"EMEA except FR, DE"`. */
  territories: Territories,
  /** Languages covered; absent means every language and form. */
  languages: z.array(LanguageRightSchema).max(200).optional(),
  /** Format profiles covered; absent means every format. */
  formats: z.array(FormatProfileSchema).min(1).max(4).optional(),
  window: WindowSchema.default({}),
  /**
   * Exclusive. On rights out, exclusivity is scoped by the grant's own territories × media ×
   * languages × platforms × formats: it blocks our exploitation only there (and never delivery to
   * the grant's own platforms).
   */
  exclusive: z.boolean().default(false),
  /** EMA Avails `ExclusiveAttributes`: free text kept for people and Avails export. */
  exclusiveAttributes: z.string().max(500).optional(),
  /** Read date-only bounds in this zone instead of each territory's own. */
  zone: Zone.optional(),
  /** For TV: the most runs allowed per territory within the window, counted across the grant's media. */
  maxRuns: z.number().int().positive().optional(),
  /** Plays that start within this many hours of a run's first play are the same run (default: each play is a run). */
  runHours: z.number().positive().max(8760).optional(),
  /** Named outlets the grant is limited to (platform ids); absent means any. */
  platforms: z.array(LabelSchema).min(1).max(100).optional(),
});
/** A grant as written. */
export type GrantInput = z.input<typeof GrantSchema>;
/** A grant. */
export type Grant = z.output<typeof GrantSchema>;

/**
 * A holdback: media that must not be exploited in some territories (default everywhere) during a
 * window, optionally only in some languages (a language holdback), on some platforms or formats.
 */
export const HoldbackSchema = z.strictObject({
  id: IdSchema,
  media: z.array(LicenseTypeSchema).min(1),
  territories: Territories.default('WORLD'),
  /** Languages held back (prefix match: `fr` holds back `fr-CA`); absent means every language. */
  languages: z.array(LanguageTagSchema).min(1).max(200).optional(),
  /** Platforms held back; absent means every platform. */
  platforms: z.array(LabelSchema).min(1).max(100).optional(),
  /** Formats held back; absent means every format. */
  formats: z.array(FormatProfileSchema).min(1).max(4).optional(),
  window: WindowSchema,
  zone: Zone.optional(),
  reason: z.string().max(500).optional(),
});
/** A holdback as written. */
export type HoldbackInput = z.input<typeof HoldbackSchema>;
/** A holdback. */
export type Holdback = z.output<typeof HoldbackSchema>;

/** A deal: rights in (acquired) or out (sold or committed) for some titles. */
export const DealSchema = z.strictObject({
  id: IdSchema,
  /** Revision of the deal, raised by each amendment. */
  version: z.number().int().positive().default(1),
  /** `draft` deals are checked for conflicts but grant and block nothing; `executed` deals are in force. */
  status: z.enum(['draft', 'executed']).default('executed'),
  /** The contract's own reference (EMA Avails `ContractID`). */
  contractId: z.string().min(1).max(200).optional(),
  direction: z.enum(['in', 'out']),
  licensor: LabelSchema,
  licensee: LabelSchema,
  /** The titles the deal covers; a series or season covers its current and future episodes. */
  assets: z.array(IdSchema).min(1).max(100_000),
  grants: z.array(GrantSchema).max(1000).default([]),
  holdbacks: z.array(HoldbackSchema).max(1000).default([]),
});
/** A deal as written. */
export type DealInput = z.input<typeof DealSchema>;
/** A deal. */
export type Deal = z.output<typeof DealSchema>;

/** An EIDR content id: `10.5240/XXXX-XXXX-XXXX-XXXX-XXXX-C`. */
export const EidrSchema = z
  .string()
  .regex(/^10\.5240\/(?:[0-9A-F]{4}-){5}[0-9A-Z]$/i, 'must be an EIDR id 10.5240/XXXX-XXXX-XXXX-XXXX-XXXX-C');

/**
 * A title in the hierarchy: a movie, a series, its seasons, their episodes. A deal on a series or
 * season covers every title below it, including episodes added later.
 */
export const RightsTitleSchema = z.strictObject({
  id: IdSchema,
  kind: z.enum(['movie', 'series', 'season', 'episode', 'supplemental']),
  /** The series of a season, the season (or series) of an episode. */
  parent: IdSchema.optional(),
  name: z.string().min(1).max(300).optional(),
  /** Season or episode number. */
  number: z.number().int().nonnegative().optional(),
  /** EMA Avails ALID (the avail's logical asset id). */
  alid: z.string().min(1).max(300).optional(),
  /** EIDR content id. */
  eidr: EidrSchema.optional(),
});
/** A title as written. */
export type RightsTitleInput = z.input<typeof RightsTitleSchema>;
/** A title. */
export type RightsTitle = z.output<typeof RightsTitleSchema>;

const TimecodeSchema = z.string().regex(/^\d{2}:[0-5]\d:[0-5]\d[:;]\d{2}$/, 'must be a timecode HH:MM:SS:FF');

/** Where an element right is cleared: media, territories, uses and term. */
export const ClearanceSchema = z.strictObject({
  /** Media cleared; absent means all. */
  media: z.array(LicenseTypeSchema).min(1).optional(),
  territories: Territories.default('WORLD'),
  /** Uses cleared; absent means all (`program`, `promo`, `trailer`, `clip`). */
  uses: z
    .array(z.enum(['program', 'promo', 'trailer', 'clip']))
    .min(1)
    .optional(),
  /** The term of the clearance; absent means perpetual. Bounds as in grants (no relative ones). */
  window: WindowSchema.optional(),
  zone: Zone.optional(),
});

/**
 * A right in an element of a version — a music cue, a performer's image, archive footage, artwork —
 * tied to a timecoded span, cleared only where its clearances say.
 */
export const ElementRightSchema = z.strictObject({
  id: IdSchema,
  assetId: IdSchema,
  versionId: IdSchema,
  kind: z.enum(['music', 'talent', 'footage', 'artwork', 'trademark']),
  /** The cue title, the performer, the footage source. */
  name: LabelSchema,
  /** The annotation (music cue, talent appearance) it is tied to, if any. */
  annotationId: IdSchema.optional(),
  /** Frame rate and in/out timecodes on the version (`in` before `out`). */
  rate: z.string().max(32),
  in: TimecodeSchema,
  out: TimecodeSchema,
  clearances: z.array(ClearanceSchema).max(500).default([]),
  /** What to do where it is not cleared: substitute (replace the cue, blur) or block the version. */
  whenNotCleared: z.enum(['substitute', 'block']).default('substitute'),
  /** The element right (on the same version) of the cue that replaces this one where it is not cleared. */
  substitute: IdSchema.optional(),
});
/** An element right as written. */
export type ElementRightInput = z.input<typeof ElementRightSchema>;
/** An element right. */
export type ElementRight = z.output<typeof ElementRightSchema>;

/** A custom territory group's name: upper-case letters, digits and `_` (never an ISO code or a built-in group). */
export const TerritoryGroupNameSchema = z.string().regex(/^[A-Z][A-Z0-9_]{1,39}$/, 'must be 2-40 of A-Z, 0-9, _');

/** Rights as data: the documented JSON import and export format. */
export const RightsDocumentSchema = z.strictObject({
  format: z.literal('framewise.rights').default('framewise.rights'),
  version: z.literal(1).default(1),
  /** Custom territory groups usable in expressions, e.g. `{ "MY_PAN_NORDIC": ["DK", "NO", "SE"] }`. */
  groups: z.record(TerritoryGroupNameSchema, z.array(z.string().length(2)).max(300)).default({}),
  /** Zone or zone policy per territory for date-only bounds, e.g. `{ "US": "America/Los_Angeles" }`. */
  territoryZones: z.record(z.string().length(2), TerritoryZoneSchema).default({}),
  /** Named events windows may be relative to; an event without `at` is TBD. */
  events: RightsEventsSchema.default({}),
  /** The title hierarchy (series, seasons, episodes) with ALID and EIDR ids. */
  titles: z.array(RightsTitleSchema).max(1_000_000).default([]),
  deals: z.array(DealSchema).default([]),
  elements: z.array(ElementRightSchema).default([]),
});
/** A rights document as written. */
export type RightsDocumentInput = z.input<typeof RightsDocumentSchema>;
/** A rights document. */
export type RightsDocument = z.output<typeof RightsDocumentSchema>;

export {
  type Lag,
  LagSchema,
  type RightsEvent,
  RightsEventSchema,
  type TerritoryZone,
  TerritoryZoneSchema,
  type WindowBound,
  WindowBoundSchema,
  type WindowBoundValue,
  type WindowInput,
  WindowSchema,
} from './model-window.js';
