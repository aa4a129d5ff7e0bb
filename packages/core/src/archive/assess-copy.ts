import type { FileCopy, FileIdentity } from './file-copy.js';
import type { StorageLocation } from './locations.js';

/** A copy as the checker saw it: counted towards the rules or not, and why not. */
export interface AssessedCopy {
  readonly copy: FileCopy;
  readonly counted: boolean;
  /** Why it does not count: `unverified`, `corrupt`, `missing`, `digest mismatch`, `verification stale`, `unknown location`. */
  readonly reason?: string;
}

const DAY_MS = 86_400_000;

/**
 * The one rule for whether a copy can be relied on: its location is declared, it is verified, its
 * size and SHA-256 equal the file's, and (when `maxAgeDays` is finite) it was verified recently enough.
 * Placement counts and restore candidates both use it.
 *
 * @internal
 */
export function assessCopy(
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
