import { z } from 'zod';
import {
  FrameRateJsonSchema,
  IdSchema,
  InstantSchema,
  LabelSchema,
  LanguageTagSchema,
  TerritoryCodeSchema,
} from './common.js';
import { jsonRecordSchema } from './json-value.js';
import { TechnicalMetadataSchema } from './technical.js';

/** What a version is in the editorial chain. */
export const VersionKindSchema = z.enum([
  'camera-original',
  'master',
  'mezzanine',
  'proxy',
  'conform',
  'grade',
  'vfx',
  'localized',
  'cut-down',
  'compliance-edit',
  'remaster',
  'migrated',
  'other',
]);
/** What a version is. */
export type VersionKind = z.output<typeof VersionKindSchema>;

/** The state of one copy of a file at one location. */
export const CopyStatusSchema = z.enum(['verified', 'unverified', 'corrupt', 'missing']);
/**
 * `verified`: read back and its digest matched; `unverified`: written but not yet read back;
 * `corrupt`: a fixity audit found a digest mismatch; `missing`: the location no longer has it.
 */
export type CopyStatus = z.output<typeof CopyStatusSchema>;

/**
 * Where a file of a version or rendition lives: a storage location id and a key in it, with its
 * digests and, once the archive domain has checked it, the copy's state.
 */
export const FileLocationSchema = z.object({
  /** The storage location (a bucket, a volume, a tape pool) as configured by the host. */
  storage: IdSchema,
  key: z.string().min(1).max(1024),
  sizeBytes: z.number().int().nonnegative().optional(),
  checksums: z
    .object({
      sha256: z
        .string()
        .regex(/^[0-9a-f]{64}$/)
        .optional(),
      md5: z
        .string()
        .regex(/^[0-9a-f]{32}$/)
        .optional(),
      xxh64: z
        .string()
        .regex(/^[0-9a-f]{16}$/)
        .optional(),
    })
    .default({}),
  /** The copy's state as its last write or fixity audit left it. */
  status: CopyStatusSchema.optional(),
  /** When the copy was last read back and matched, ISO 8601. */
  verifiedAt: InstantSchema.optional(),
  /** When a fixity audit last read the copy, whatever it found, ISO 8601. */
  checkedAt: InstantSchema.optional(),
});
/** Where a file lives. */
export type FileLocation = z.output<typeof FileLocationSchema>;
/** Where a file lives, as given to the catalog. */
export type FileLocationInput = z.input<typeof FileLocationSchema>;

/** A version of an asset as given to the catalog. */
export const VersionInputSchema = z.object({
  id: IdSchema.optional(),
  name: LabelSchema,
  kind: VersionKindSchema,
  /** Exact frame rate of the version's timeline. */
  rate: FrameRateJsonSchema,
  /** Length of the timeline in frames. */
  durationFrames: z.number().int().nonnegative(),
  /** Timecode label of the first frame, e.g. `10:00:00:00` (annotations are frames from it). */
  startTimecode: z.string().max(16).default('00:00:00:00'),
  language: LanguageTagSchema.optional(),
  territory: TerritoryCodeSchema.optional(),
  essence: TechnicalMetadataSchema.optional(),
  locations: z.array(FileLocationSchema).max(100).default([]),
  custom: jsonRecordSchema().default({}),
});
/** A version as given to the catalog. */
export type VersionInput = z.input<typeof VersionInputSchema>;

/** A stored version. */
export const VersionSchema = VersionInputSchema.extend({
  id: IdSchema,
  assetId: IdSchema,
  revision: z.number().int().positive(),
  createdAt: InstantSchema,
  updatedAt: InstantSchema,
});
/** A stored version. */
export type Version = z.output<typeof VersionSchema>;

/** Typed relations between versions; `from` is derived from `to`. */
export const VersionRelationTypeSchema = z.enum([
  'proxy-of',
  'conform-of',
  'graded-from',
  'vfx-composite-of',
  'localized-from',
  'cut-down-of',
  'compliance-edit-of',
  'remaster-of',
  'migrated-from',
]);
/** A relation type. */
export type VersionRelationType = z.output<typeof VersionRelationTypeSchema>;

/** Relations whose derived timeline is an edit of the source: they may carry an edit list. */
export const EDIT_RELATIONS: ReadonlySet<VersionRelationType> = new Set([
  'conform-of',
  'cut-down-of',
  'compliance-edit-of',
  'localized-from',
  'vfx-composite-of',
]);

/** A stored relation: `from` (derived) → `to` (source). */
export const VersionRelationSchema = z.object({
  id: IdSchema,
  from: IdSchema,
  to: IdSchema,
  type: VersionRelationTypeSchema,
  /** For edit relations: the edit list (JSON form) whose sources are version ids. */
  editList: z
    .object({
      rate: z.string().max(32),
      recordStart: z.number().int().nonnegative(),
      events: z.array(
        z.object({ source: IdSchema, start: z.number().int().nonnegative(), duration: z.number().int().positive() }),
      ),
    })
    .optional(),
  createdAt: InstantSchema,
  /**
   * Set when the `to` version was deleted by an operation of another project: the relation belongs
   * to the project of its `from` version, so it is kept as a tombstone instead of being deleted.
   */
  tombstone: z.object({ reason: z.literal('target-deleted'), at: InstantSchema }).optional(),
});
/** A stored relation. */
export type VersionRelation = z.output<typeof VersionRelationSchema>;
