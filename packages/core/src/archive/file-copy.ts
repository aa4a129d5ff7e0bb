import { z } from 'zod';
import { IdSchema, InstantSchema } from '../assets/common.js';
import { CopyStatusSchema } from '../assets/version.js';

const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits');

/** One copy of one of an asset's files at one storage location. */
export const FileCopySchema = z.object({
  /** The logical file, e.g. `master` or a rendition id; every copy of it has the same bytes. */
  fileKey: z.string().trim().min(1).max(300),
  locationId: IdSchema,
  /** The object key (or tape path) inside the location. */
  key: z.string().min(1).max(1024),
  sizeBytes: z.number().int().nonnegative(),
  /** SHA-256 of the copy as last verified (or as written, when unverified). */
  sha256: Sha256Schema,
  status: CopyStatusSchema,
  /** When the copy was last read back and its digest matched, ISO 8601. */
  verifiedAt: InstantSchema.optional(),
  /** When a fixity audit last read the copy, whatever it found, ISO 8601 (coverage is measured on it). */
  checkedAt: InstantSchema.optional(),
});
/** A file copy as callers give it. */
export type FileCopyInput = z.input<typeof FileCopySchema>;
/** One copy of one file at one location. */
export type FileCopy = z.output<typeof FileCopySchema>;

/** The reference identity of a logical file: what every copy must match. */
export const FileIdentitySchema = z.object({
  fileKey: z.string().trim().min(1).max(300),
  sizeBytes: z.number().int().nonnegative(),
  sha256: Sha256Schema,
});
/** The reference identity of a logical file (size and SHA-256 recorded at ingest). */
export type FileIdentity = z.output<typeof FileIdentitySchema>;
