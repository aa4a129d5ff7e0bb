import { z } from 'zod';
import type { Asset } from '../assets/asset.js';
import { FramewiseError } from '../errors/index.js';
import { type Clock, ClockSchema, parseInput, parseOptions, systemClock } from '../support/index.js';
import { type AssessedCopy, assessCopy } from './assess-copy.js';
import {
  type FileCopy,
  type FileCopyInput,
  FileCopySchema,
  type FileIdentity,
  FileIdentitySchema,
} from './file-copy.js';
import {
  physicalObjectOf,
  type StorageLocation,
  type StorageLocationInput,
  StorageLocationSchema,
} from './locations.js';
import {
  type PlacementPolicy,
  type PlacementPolicyInput,
  PlacementPolicySchema,
  type PlacementRule,
} from './placement-rules.js';

/** Why a placement rule is not met. */
export type PlacementViolationKind =
  /** Fewer counted copies than `minCopies`. */
  | 'copies'
  /** Fewer distinct media types than `minDistinctMedia`. */
  | 'media'
  /** Fewer offsite copies than `minOffsiteCopies`. */
  | 'offsite'
  /** No counted copy in a required tier. */
  | 'tier'
  /** A copy sits where the rule excludes (location, media or region). */
  | 'excluded'
  /** A copy is known to be corrupt or its recorded digest differs from the file's: needs an explicit repair. */
  | 'integrity'
  /** A copy names a location the policy does not declare. */
  | 'unknown-location';

/** One unmet requirement, for one file under one rule. */
export interface PlacementViolation {
  readonly rule: string;
  readonly fileKey: string;
  readonly kind: PlacementViolationKind;
  /** A sentence naming the file, what is required and what there is. */
  readonly message: string;
  readonly required?: number | string;
  readonly actual?: number | string;
  /** The offending copy's location, for copy-level violations. */
  readonly locationId?: string;
}

/** The placement of one logical file. */
export interface FilePlacement {
  readonly fileKey: string;
  readonly copies: readonly AssessedCopy[];
  /** Copies that count (verified, matching, fresh enough for the strictest rule covering the file). */
  readonly counted: number;
  readonly media: readonly string[];
  readonly sites: readonly string[];
  readonly tiers: readonly string[];
  /** The rules that cover this file. */
  readonly rules: readonly string[];
}

/** What {@link PlacementChecker.check} proves about one asset. */
export interface PlacementReport {
  readonly assetId: string;
  /** True when every rule in scope is met for every file it covers. */
  readonly compliant: boolean;
  readonly files: readonly FilePlacement[];
  readonly violations: readonly PlacementViolation[];
  /** When the check ran, ISO 8601 (verification ages are measured from here). */
  readonly checkedAt: string;
}

/** The inputs of one placement check. */
export interface PlacementSubject {
  /** The asset (its project, kind and genres select the rules in scope). */
  readonly asset: Pick<Asset, 'id' | 'project' | 'kind' | 'genres'>;
  /** The asset's logical files with the size and SHA-256 recorded at ingest. */
  readonly files: readonly FileIdentity[];
  /** Every known copy of those files. */
  readonly copies: readonly FileCopyInput[];
}

/** Checks assets against a placement policy; build one with {@link createPlacementChecker}. */
export interface PlacementChecker {
  readonly policy: PlacementPolicy;
  readonly locations: ReadonlyMap<string, StorageLocation>;
  /** Prove the policy for one asset, or list each violation. `now` defaults to the checker's clock. */
  check(subject: PlacementSubject, now?: Date): PlacementReport;
  /** The rules that cover one file of an asset (in scope for the asset, matching the file key). */
  rulesFor(asset: PlacementSubject['asset'], fileKey: string): PlacementRule[];
}

/** Options of {@link createPlacementChecker}. */
export const PlacementCheckerOptionsSchema = z.strictObject({
  /** The placement policy: the primary site and the rules. */
  policy: PlacementPolicySchema,
  /** Every storage location copies may be in. */
  locations: z.array(StorageLocationSchema).min(1).max(1000),
  /** The time source `check` measures verification ages from when it is given no `now` (default: the system clock). */
  clock: ClockSchema.optional(),
});
/** Options of {@link createPlacementChecker}. */
export type PlacementCheckerOptions = z.input<typeof PlacementCheckerOptionsSchema>;

/**
 * A placement checker for a policy over declared locations. Rules naming undeclared locations,
 * and duplicate location ids, are refused with `INVALID_CONFIG`.
 *
 * @example
 *   const checker = createPlacementChecker({
 *     policy: { primarySite: 'studio', rules: [threeTwoOne()] },
 *     locations: [studioDisk, studioObject, vaultTape],
 *   });
 *   const report = checker.check({ asset, files, copies });
 *   if (!report.compliant) for (const v of report.violations) console.log(v.message);
 */
export function createPlacementChecker(options: PlacementCheckerOptions): PlacementChecker;
/**
 * @deprecated Pass one options object: `createPlacementChecker({ policy, locations })`.
 */
export function createPlacementChecker(
  policy: PlacementPolicyInput,
  locations: readonly StorageLocationInput[],
): PlacementChecker;
export function createPlacementChecker(
  first: PlacementCheckerOptions | PlacementPolicyInput,
  locationInputs?: readonly StorageLocationInput[],
): PlacementChecker {
  let policy: PlacementPolicy;
  let list: StorageLocation[];
  let clock: Clock = systemClock;
  if (locationInputs === undefined) {
    const o = parseOptions(PlacementCheckerOptionsSchema, first, 'Placement checker options');
    ({ policy, locations: list } = o);
    clock = o.clock ?? systemClock;
  } else {
    policy = parseOptions(PlacementPolicySchema, first, 'Placement policy');
    list = parseOptions(z.array(StorageLocationSchema).min(1).max(1000), locationInputs, 'Storage locations');
  }
  const locations = new Map<string, StorageLocation>();
  for (const location of list) {
    if (locations.has(location.id))
      throw new FramewiseError('INVALID_CONFIG', `Storage location "${location.id}" is declared twice`);
    locations.set(location.id, location);
  }
  for (const rule of policy.rules) {
    for (const id of rule.excludedLocations)
      if (!locations.has(id))
        throw new FramewiseError(
          'INVALID_CONFIG',
          `Placement rule "${rule.name}" excludes location "${id}", which is not declared`,
        );
  }
  return {
    policy,
    locations,
    check: (subject, now = new Date(clock.now())) => checkSubject(policy, locations, subject, now),
    rulesFor: (asset, fileKey) => policy.rules.filter((r) => inScope(r, asset) && covers(r, fileKey)),
  };
}

function inScope(rule: PlacementRule, asset: PlacementSubject['asset']): boolean {
  const { projects, kinds, genres } = rule.scope;
  if (projects !== undefined && !projects.includes(asset.project)) return false;
  if (kinds !== undefined && !kinds.includes(asset.kind)) return false;
  if (genres !== undefined) {
    const own = new Set(asset.genres.map((g) => g.toLowerCase()));
    if (!genres.some((g) => own.has(g.toLowerCase()))) return false;
  }
  return true;
}

function covers(rule: PlacementRule, fileKey: string): boolean {
  if (rule.files === undefined) return true;
  return rule.files.some((p) => (p.endsWith('*') ? fileKey.startsWith(p.slice(0, -1)) : fileKey === p));
}

function checkSubject(
  policy: PlacementPolicy,
  locations: ReadonlyMap<string, StorageLocation>,
  subject: PlacementSubject,
  now: Date,
): PlacementReport {
  const files = parseInput(z.array(FileIdentitySchema).max(10_000), subject.files, 'Placement files');
  const copies = parseInput(z.array(FileCopySchema).max(100_000), subject.copies, 'Placement copies');
  const byFile = new Map<string, FileIdentity>();
  for (const f of files) {
    if (byFile.has(f.fileKey))
      throw new FramewiseError('INVALID_INPUT', `Placement files list "${f.fileKey}" twice`, {
        details: { fileKey: f.fileKey },
      });
    byFile.set(f.fileKey, f);
  }
  const copiesByFile = new Map<string, FileCopy[]>(files.map((f) => [f.fileKey, []]));
  for (const c of copies) {
    const own = copiesByFile.get(c.fileKey);
    if (own === undefined)
      throw new FramewiseError(
        'INVALID_INPUT',
        `Placement copy at "${c.locationId}:${c.key}" is of file "${c.fileKey}", which is not among the asset's files`,
        { details: { fileKey: c.fileKey } },
      );
    own.push(c);
  }
  const rules = policy.rules.filter((r) => inScope(r, subject.asset));
  const violations: PlacementViolation[] = [];
  const placements: FilePlacement[] = [];
  for (const file of files) {
    const fileRules = rules.filter((r) => covers(r, file.fileKey));
    const own = copiesByFile.get(file.fileKey) ?? [];
    const maxAge = Math.min(...fileRules.map((r) => r.maxVerificationAgeDays ?? Number.POSITIVE_INFINITY));
    const assessed = own.map((copy) => assessCopy(copy, file, locations, now, maxAge));
    for (const rule of fileRules) violations.push(...checkRule(rule, policy, file, own, locations, now));
    // Placement counts physical objects: two location records of one store and key are one object.
    const objects = new Set<string>();
    const counted = assessed
      .filter((a) => {
        if (!a.counted) return false;
        const object = physicalObjectOf(a.copy, locations) as string;
        if (objects.has(object)) return false;
        objects.add(object);
        return true;
      })
      .map((a) => locations.get(a.copy.locationId) as StorageLocation);
    placements.push({
      fileKey: file.fileKey,
      copies: assessed,
      counted: counted.length,
      media: distinct(counted.map((l) => l.media)),
      sites: distinct(counted.map((l) => l.site)),
      tiers: distinct(counted.map((l) => l.tier)),
      rules: fileRules.map((r) => r.name),
    });
  }
  return {
    assetId: subject.asset.id,
    compliant: violations.length === 0,
    files: placements,
    violations,
    checkedAt: now.toISOString(),
  };
}

function distinct(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

function checkRule(
  rule: PlacementRule,
  policy: PlacementPolicy,
  file: FileIdentity,
  copies: readonly FileCopy[],
  locations: ReadonlyMap<string, StorageLocation>,
  now: Date,
): PlacementViolation[] {
  const out: PlacementViolation[] = [];
  const name = file.fileKey;
  const report = (kind: PlacementViolationKind, message: string, extra: Partial<PlacementViolation> = {}) =>
    out.push({ rule: rule.name, fileKey: name, kind, message, ...extra });
  const counted: StorageLocation[] = [];
  const skipped: string[] = [];
  /** Physical objects already counted (`store|key`) and the copy that counted each. */
  const objects = new Map<string, string>();
  for (const copy of copies) {
    const location = locations.get(copy.locationId);
    const where = `${copy.locationId}:${copy.key}`;
    if (location === undefined) {
      report(
        'unknown-location',
        `${name}: copy ${where} is at location "${copy.locationId}", which the policy does not declare`,
        { locationId: copy.locationId },
      );
      continue;
    }
    const excludedBy = rule.excludedLocations.includes(location.id)
      ? 'location'
      : rule.excludedMedia.includes(location.media)
        ? `media ${location.media}`
        : rule.excludedRegions.includes(location.region)
          ? `region ${location.region}`
          : undefined;
    if (excludedBy !== undefined && copy.status !== 'missing') {
      report('excluded', `${name}: copy ${where} is on excluded ${excludedBy} (rule "${rule.name}")`, {
        locationId: location.id,
      });
      continue;
    }
    const mismatch = copy.sha256 !== file.sha256 || copy.sizeBytes !== file.sizeBytes;
    if (copy.status === 'corrupt' || (copy.status === 'verified' && mismatch)) {
      report(
        'integrity',
        `${name}: copy ${where} ${copy.status === 'corrupt' ? 'failed its fixity check' : `has sha256 ${copy.sha256.slice(0, 12)}… / ${copy.sizeBytes} bytes, expected ${file.sha256.slice(0, 12)}… / ${file.sizeBytes} bytes`}; repair it from a verified copy`,
        { locationId: location.id },
      );
      continue;
    }
    const reason = assessCopy(
      copy,
      file,
      locations,
      now,
      rule.maxVerificationAgeDays ?? Number.POSITIVE_INFINITY,
    ).reason;
    const object = physicalObjectOf(copy, locations) as string;
    const same = objects.get(object);
    if (reason === undefined && same !== undefined) skipped.push(`${where} (the same object as ${same})`);
    else if (reason === undefined) {
      counted.push(location);
      objects.set(object, where);
    } else skipped.push(`${where} (${reason})`);
  }
  const note = skipped.length === 0 ? '' : `; not counted: ${skipped.join(', ')}`;
  if (counted.length < rule.minCopies)
    report(
      'copies',
      `${name}: ${counted.length} verified ${counted.length === 1 ? 'copy' : 'copies'}, rule "${rule.name}" requires ${rule.minCopies}${note}`,
      { required: rule.minCopies, actual: counted.length },
    );
  const media = new Set(counted.map((l) => l.media));
  if (media.size < rule.minDistinctMedia)
    report(
      'media',
      `${name}: verified copies on ${media.size} media ${media.size === 1 ? 'type' : 'types'} (${[...media].sort().join(', ') || 'none'}), rule "${rule.name}" requires ${rule.minDistinctMedia}`,
      { required: rule.minDistinctMedia, actual: media.size },
    );
  const offsite = counted.filter((l) => l.site !== policy.primarySite).length;
  if (offsite < rule.minOffsiteCopies)
    report(
      'offsite',
      `${name}: ${offsite} verified ${offsite === 1 ? 'copy' : 'copies'} away from site "${policy.primarySite}", rule "${rule.name}" requires ${rule.minOffsiteCopies}`,
      { required: rule.minOffsiteCopies, actual: offsite },
    );
  for (const tier of rule.requiredTiers)
    if (!counted.some((l) => l.tier === tier))
      report('tier', `${name}: no verified copy in tier "${tier}", rule "${rule.name}" requires one`, {
        required: tier,
      });
  return out;
}
