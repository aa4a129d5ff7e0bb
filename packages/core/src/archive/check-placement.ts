import { z } from 'zod';
import type { Asset } from '../assets/asset.js';
import { FramewiseError } from '../errors/index.js';
import { parseInput, parseOptions } from '../support/index.js';
import {
  type FileCopy,
  type FileCopyInput,
  FileCopySchema,
  type FileIdentity,
  FileIdentitySchema,
} from './file-copy.js';
import { type StorageLocation, type StorageLocationInput, StorageLocationSchema } from './locations.js';
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

/** A copy as the checker saw it: counted towards the rules or not, and why not. */
export interface AssessedCopy {
  readonly copy: FileCopy;
  readonly counted: boolean;
  /** Why it does not count: `unverified`, `corrupt`, `missing`, `digest mismatch`, `verification stale`, `unknown location`. */
  readonly reason?: string;
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
  /** Prove the policy for one asset, or list each violation. `now` defaults to the current time. */
  check(subject: PlacementSubject, now?: Date): PlacementReport;
}

const DAY_MS = 86_400_000;

/**
 * A placement checker for a policy over declared locations. Rules naming undeclared locations,
 * and duplicate location ids, are refused with `INVALID_CONFIG`.
 *
 * @example
 *   const checker = createPlacementChecker(
 *     { primarySite: 'studio', rules: [threeTwoOne()] },
 *     [studioDisk, studioObject, vaultTape],
 *   );
 *   const report = checker.check({ asset, files, copies });
 *   if (!report.compliant) for (const v of report.violations) console.log(v.message);
 */
export function createPlacementChecker(
  policyInput: PlacementPolicyInput,
  locationInputs: readonly StorageLocationInput[],
): PlacementChecker {
  const policy = parseOptions(PlacementPolicySchema, policyInput, 'Placement policy');
  const list = parseOptions(z.array(StorageLocationSchema).min(1).max(1000), locationInputs, 'Storage locations');
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
    check: (subject, now = new Date()) => checkSubject(policy, locations, subject, now),
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
  for (const c of copies)
    if (!byFile.has(c.fileKey))
      throw new FramewiseError(
        'INVALID_INPUT',
        `Placement copy at "${c.locationId}:${c.key}" is of file "${c.fileKey}", which is not among the asset's files`,
        { details: { fileKey: c.fileKey } },
      );
  const rules = policy.rules.filter((r) => inScope(r, subject.asset));
  const violations: PlacementViolation[] = [];
  const placements: FilePlacement[] = [];
  for (const file of files) {
    const fileRules = rules.filter((r) => covers(r, file.fileKey));
    const own = copies.filter((c) => c.fileKey === file.fileKey);
    const maxAge = Math.min(...fileRules.map((r) => r.maxVerificationAgeDays ?? Number.POSITIVE_INFINITY));
    const assessed = own.map((copy) => assess(copy, file, locations, now, maxAge));
    for (const rule of fileRules) violations.push(...checkRule(rule, policy, file, own, locations, now));
    const counted = assessed.filter((a) => a.counted).map((a) => locations.get(a.copy.locationId) as StorageLocation);
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

function assess(
  copy: FileCopy,
  file: FileIdentity,
  locations: ReadonlyMap<string, StorageLocation>,
  now: Date,
  maxAgeDays: number,
): AssessedCopy {
  if (!locations.has(copy.locationId)) return { copy, counted: false, reason: 'unknown location' };
  if (copy.status !== 'verified') return { copy, counted: false, reason: copy.status };
  if (copy.sha256 !== file.sha256 || copy.sizeBytes !== file.sizeBytes)
    return { copy, counted: false, reason: 'digest mismatch' };
  if (Number.isFinite(maxAgeDays)) {
    const at = copy.verifiedAt === undefined ? Number.NaN : Date.parse(copy.verifiedAt);
    if (!(now.getTime() - at <= maxAgeDays * DAY_MS)) return { copy, counted: false, reason: 'verification stale' };
  }
  return { copy, counted: true };
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
  const counted: StorageLocation[] = [];
  const skipped: string[] = [];
  for (const copy of copies) {
    const location = locations.get(copy.locationId);
    const where = `${copy.locationId}:${copy.key}`;
    if (location === undefined) {
      out.push({
        rule: rule.name,
        fileKey: name,
        kind: 'unknown-location',
        locationId: copy.locationId,
        message: `${name}: copy ${where} is at location "${copy.locationId}", which the policy does not declare`,
      });
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
      out.push({
        rule: rule.name,
        fileKey: name,
        kind: 'excluded',
        locationId: location.id,
        message: `${name}: copy ${where} is on excluded ${excludedBy} (rule "${rule.name}")`,
      });
      continue;
    }
    const mismatch = copy.sha256 !== file.sha256 || copy.sizeBytes !== file.sizeBytes;
    if (copy.status === 'corrupt' || (copy.status === 'verified' && mismatch)) {
      out.push({
        rule: rule.name,
        fileKey: name,
        kind: 'integrity',
        locationId: location.id,
        message: `${name}: copy ${where} ${copy.status === 'corrupt' ? 'failed its fixity check' : `has sha256 ${copy.sha256.slice(0, 12)}… / ${copy.sizeBytes} bytes, expected ${file.sha256.slice(0, 12)}… / ${file.sizeBytes} bytes`}; repair it from a verified copy`,
      });
      continue;
    }
    const reason = assess(copy, file, locations, now, rule.maxVerificationAgeDays ?? Number.POSITIVE_INFINITY).reason;
    if (reason === undefined) counted.push(location);
    else skipped.push(`${where} (${reason})`);
  }
  const note = skipped.length === 0 ? '' : `; not counted: ${skipped.join(', ')}`;
  const at = (required: number, actual: number) => ({ required, actual });
  if (counted.length < rule.minCopies)
    out.push({
      rule: rule.name,
      fileKey: name,
      kind: 'copies',
      ...at(rule.minCopies, counted.length),
      message: `${name}: ${counted.length} verified ${counted.length === 1 ? 'copy' : 'copies'}, rule "${rule.name}" requires ${rule.minCopies}${note}`,
    });
  const media = new Set(counted.map((l) => l.media));
  if (media.size < rule.minDistinctMedia)
    out.push({
      rule: rule.name,
      fileKey: name,
      kind: 'media',
      ...at(rule.minDistinctMedia, media.size),
      message: `${name}: verified copies on ${media.size} media ${media.size === 1 ? 'type' : 'types'} (${[...media].sort().join(', ') || 'none'}), rule "${rule.name}" requires ${rule.minDistinctMedia}`,
    });
  const offsite = counted.filter((l) => l.site !== policy.primarySite).length;
  if (offsite < rule.minOffsiteCopies)
    out.push({
      rule: rule.name,
      fileKey: name,
      kind: 'offsite',
      ...at(rule.minOffsiteCopies, offsite),
      message: `${name}: ${offsite} verified ${offsite === 1 ? 'copy' : 'copies'} away from site "${policy.primarySite}", rule "${rule.name}" requires ${rule.minOffsiteCopies}`,
    });
  for (const tier of rule.requiredTiers)
    if (!counted.some((l) => l.tier === tier))
      out.push({
        rule: rule.name,
        fileKey: name,
        kind: 'tier',
        required: tier,
        message: `${name}: no verified copy in tier "${tier}", rule "${rule.name}" requires one`,
      });
  return out;
}
