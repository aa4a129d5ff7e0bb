import { z } from 'zod';
import { FrameRateJsonSchema, IdSchema, InstantSchema, LabelSchema, textSchema } from './common.js';
import { jsonRecordSchema } from './json-value.js';

/** Kinds of timecoded annotation. */
export const AnnotationTypeSchema = z.enum([
  'segment',
  'chapter',
  'ad-break',
  'content-flag',
  'note',
  'music-cue',
  'qc-finding',
  'shot',
  'scene',
  'transcript',
  'face',
  'object',
  'other',
]);
/** A kind of annotation. */
export type AnnotationType = z.output<typeof AnnotationTypeSchema>;

/** Who or what made an annotation. */
export const ProvenanceSchema = z.object({
  kind: z.enum(['person', 'qc-rule', 'ai-model', 'import', 'system']),
  /** The principal id, QC rule id, model name, or import source. */
  id: LabelSchema,
  /** Model or rule version. */
  version: LabelSchema.optional(),
  /** Confidence from 0 to 1, for machine annotations. */
  confidence: z.number().min(0).max(1).optional(),
});
/** Who or what made an annotation. */
export type Provenance = z.output<typeof ProvenanceSchema>;

/**
 * An annotation as given to the catalog: a range of frames on one version (frame 0 is the
 * version's first frame, shown as its start timecode), optionally on one track.
 */
export const AnnotationInputSchema = z.object({
  id: IdSchema.optional(),
  type: AnnotationTypeSchema,
  /** First frame, counted from the version's first frame. */
  start: z.number().int().nonnegative(),
  /** Number of frames; 0 marks a point (an ad-break opportunity, a cue). */
  duration: z.number().int().nonnegative(),
  /** Track scope, e.g. `video`, `audio:2`, `subtitle:fr`. */
  track: z
    .string()
    .regex(/^[a-z]+(?::[A-Za-z0-9-]{1,64})?$/)
    .optional(),
  /** Searchable text: a segment title, a note, a cue title, a transcript line. */
  text: textSchema(20_000).optional(),
  /** Type-specific data (SCTE-35 fields, music cue publisher and usage, QC measurements). */
  data: jsonRecordSchema().default({}),
  provenance: ProvenanceSchema,
  flags: z.array(LabelSchema).max(20).default([]),
});
/** An annotation as given to the catalog. */
export type AnnotationInput = z.input<typeof AnnotationInputSchema>;

/** A stored annotation: the input plus identity, its version's rate, and lineage. */
export const AnnotationSchema = AnnotationInputSchema.extend({
  id: IdSchema,
  assetId: IdSchema,
  versionId: IdSchema,
  /** The project of the asset, copied for catalog-wide searches scoped by access. */
  project: IdSchema,
  /** The version's frame rate, copied so stores can compare positions across versions. */
  rate: FrameRateJsonSchema,
  /** The annotation this one was carried from through an edit. */
  derivedFrom: IdSchema.optional(),
  createdAt: InstantSchema,
});
/** A stored annotation. */
export type Annotation = z.output<typeof AnnotationSchema>;
