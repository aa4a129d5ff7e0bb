import { z } from 'zod';
import { AssetKindSchema } from '../assets/asset.js';
import { IdSchema } from '../assets/common.js';
import { StorageMediaSchema, StorageTierSchema } from './locations.js';

/** Which assets a rule applies to: every given field must match (a subset of the catalog's asset search). */
export const PlacementScopeSchema = z.object({
  projects: z.array(IdSchema).max(500).optional(),
  kinds: z.array(AssetKindSchema).max(20).optional(),
  /** Any of these genres (case-insensitive). */
  genres: z.array(z.string().trim().min(1).max(100)).max(50).optional(),
});
/** Which assets a placement rule applies to. */
export type PlacementScope = z.input<typeof PlacementScopeSchema>;

const FilePatternSchema = z
  .string()
  .trim()
  .min(1)
  .max(300)
  .regex(/^[^*]*\*?$/, 'a file key, or a prefix ending in a single "*"');

/** One placement rule: how many copies of which files must be where. */
export const PlacementRuleSchema = z.object({
  name: z.string().trim().min(1).max(100),
  scope: PlacementScopeSchema.default({}),
  /** The files the rule covers (`master`, `rendition:*`); all of the asset's files when omitted. */
  files: z.array(FilePatternSchema).max(100).optional(),
  /** Verified copies required. */
  minCopies: z.number().int().min(0).max(20).default(1),
  /** Distinct media types among the counted copies. */
  minDistinctMedia: z.number().int().min(0).max(4).default(0),
  /** Counted copies at a site other than the policy's primary site. */
  minOffsiteCopies: z.number().int().min(0).max(20).default(0),
  /** At least one counted copy in each of these tiers. */
  requiredTiers: z.array(StorageTierSchema).max(4).default([]),
  /** Media types that must not hold a copy (e.g. `optical`). */
  excludedMedia: z.array(StorageMediaSchema).max(4).default([]),
  /** Regions that must not hold a copy (data sovereignty). */
  excludedRegions: z.array(z.string().trim().min(1).max(100)).max(100).default([]),
  /** Locations that must not hold a copy. */
  excludedLocations: z.array(IdSchema).max(100).default([]),
  /** A copy counts only if verified within this many days (the fixity coverage target). */
  maxVerificationAgeDays: z.number().int().positive().max(3650).optional(),
});
/** A placement rule as callers write it. */
export type PlacementRuleInput = z.input<typeof PlacementRuleSchema>;
/** A parsed placement rule (defaults applied). */
export type PlacementRule = z.output<typeof PlacementRuleSchema>;

/** A placement policy: the site copies are "on" and the rules every asset must satisfy. */
export const PlacementPolicySchema = z.object({
  /** The production site; offsite copies are anywhere else. */
  primarySite: z.string().trim().min(1).max(100),
  rules: z.array(PlacementRuleSchema).min(1).max(200),
});
/** A placement policy as callers write it. */
export type PlacementPolicyInput = z.input<typeof PlacementPolicySchema>;
/** A parsed placement policy. */
export type PlacementPolicy = z.output<typeof PlacementPolicySchema>;

/**
 * The 3-2-1 rule: three verified copies, on two distinct media types, one of them offsite.
 * Pass fields to tighten it, e.g. `threeTwoOne({ requiredTiers: ['archive'], maxVerificationAgeDays: 90 })`.
 */
export function threeTwoOne(overrides: Partial<PlacementRuleInput> = {}): PlacementRuleInput {
  return { name: '3-2-1', minCopies: 3, minDistinctMedia: 2, minOffsiteCopies: 1, ...overrides };
}
