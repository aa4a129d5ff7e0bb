import type { FileLocation, FileLocationInput, Version } from '../assets/version.js';
import type { Catalog, PrincipalInput, RelocateOptions } from '../catalog/index.js';
import { FramewiseError, isFramewiseError } from '../errors/index.js';
import { parseInput } from '../support/index.js';
import { type FileCopy, type FileCopyInput, FileCopySchema } from './file-copy.js';

/**
 * The copies of a version's file as the catalog records them: one per location that has a size
 * and a SHA-256 (locations without digests are not copies fixity can speak for). A location with
 * no recorded state counts as `unverified`.
 */
export function copiesOnVersion(version: Pick<Version, 'locations'>, fileKey = 'master'): FileCopy[] {
  return version.locations.flatMap((l) =>
    l.sizeBytes === undefined || l.checksums.sha256 === undefined
      ? []
      : [
          {
            fileKey,
            locationId: l.storage,
            key: l.key,
            sizeBytes: l.sizeBytes,
            sha256: l.checksums.sha256,
            status: l.status ?? 'unverified',
            ...(l.verifiedAt === undefined ? {} : { verifiedAt: l.verifiedAt }),
            ...(l.checkedAt === undefined ? {} : { checkedAt: l.checkedAt }),
          },
        ],
  );
}

/** Merge attempts before a default (merge) `recordCopies` gives up under contention. */
const MERGE_ATTEMPTS = 16;

/**
 * Record a version's copies in the catalog, so their state survives the process: each copy's
 * size, SHA-256, state and verification times, keyed by location id (the version location's
 * `storage`) and key; an MD5 or xxHash64 already recorded for the same storage and key is kept.
 * Written as one `version.relocate` audit event (none when nothing changes), so every change of a
 * copy's state is in the audit trail. Two modes:
 *
 * - **Merge (the default)**: only copies the catalog records *now* are updated; a copy it does not
 *   record is left out — never (re-)created — and recorded copies not given are kept. A writer
 *   deciding from an older read (a fixity audit's `onChecked`, a reconciler writing back while
 *   another deletes a copy) therefore cannot resurrect the record of a copy deleted meanwhile.
 *   The merge is applied by compare-and-set on the version's revision and re-applied on a race,
 *   so concurrent merges of different copies all land, in every catalog store.
 * - **Replace, with `expectedRevision`** (the `revision` of the version the copies were decided
 *   from): the version's locations become exactly these copies, as a compare-and-set — refused with
 *   `CONFLICT` when the version changed since. Adding a new copy, or removing or moving one, takes
 *   this mode; on `CONFLICT` re-read and apply the change again.
 *
 * @throws `INVALID_INPUT` for a malformed copy (naming which) or copies of several files; the catalog's `NOT_FOUND`,
 * `FORBIDDEN`, `CONFLICT` (check-out; the version is no longer at `expectedRevision`; a merge that kept
 * racing other writers) errors.
 */
export async function recordCopies(
  catalog: Catalog,
  actor: PrincipalInput,
  versionId: string,
  copies: readonly FileCopyInput[],
  options?: RelocateOptions,
): Promise<Version> {
  const parsed = copies.map((c, i) => parseInput(FileCopySchema, c, `Copy ${i} of version "${versionId}"`));
  const files = new Set(parsed.map((c) => c.fileKey));
  if (files.size > 1)
    throw new FramewiseError(
      'INVALID_INPUT',
      `Copies of version "${versionId}" must be of one file; got ${[...files].map((f) => JSON.stringify(f)).join(', ')}`,
      { details: { versionId, files: [...files] } },
    );
  if (options?.expectedRevision !== undefined) {
    const version = await catalog.getVersion(actor, versionId);
    const locations = parsed.map((c) =>
      locationOf(
        c,
        version.locations.find((l) => l.storage === c.locationId && l.key === c.key),
      ),
    );
    return catalog.relocateVersion(actor, versionId, locations, options);
  }
  for (let attempt = 1; ; attempt++) {
    const version = await catalog.getVersion(actor, versionId);
    let changed = false;
    const locations: FileLocationInput[] = version.locations.map((known) => {
      const copy = parsed.find((c) => c.locationId === known.storage && c.key === known.key);
      if (copy === undefined) return known;
      const next = locationOf(copy, known);
      if (canonical(next) !== canonical(known)) changed = true;
      return next;
    });
    if (!changed) return version;
    try {
      return await catalog.relocateVersion(actor, versionId, locations, {
        ...options,
        expectedRevision: version.revision,
      });
    } catch (error) {
      const raced = isFramewiseError(error, 'CONFLICT') && error.details?.expectedRevision !== undefined;
      if (!raced) throw error;
      if (attempt >= MERGE_ATTEMPTS)
        throw new FramewiseError(
          'CONFLICT',
          `Copies of version "${versionId}" could not be merged: its copy set kept changing (${attempt} attempts)`,
          { cause: error, details: { versionId, attempts: attempt } },
        );
    }
  }
}

/** A copy as the version location that records it, keeping the digests already recorded for the same bytes. */
function locationOf(c: FileCopy, known: FileLocation | undefined): FileLocationInput {
  const same = known?.checksums.sha256 === undefined || known.checksums.sha256 === c.sha256;
  return {
    storage: c.locationId,
    key: c.key,
    sizeBytes: c.sizeBytes,
    checksums: { ...(same ? known?.checksums : {}), sha256: c.sha256 },
    status: c.status,
    ...(c.verifiedAt === undefined ? {} : { verifiedAt: c.verifiedAt }),
    ...(c.checkedAt === undefined ? {} : { checkedAt: c.checkedAt }),
  };
}

/** A location in a canonical form, to tell whether a merge changes anything. */
function canonical(l: FileLocationInput): string {
  const { storage, key, sizeBytes, checksums, status, verifiedAt, checkedAt } = l as FileLocation;
  const sorted = Object.fromEntries(Object.entries(checksums ?? {}).sort(([a], [b]) => a.localeCompare(b)));
  return JSON.stringify([storage, key, sizeBytes, sorted, status ?? 'unverified', verifiedAt, checkedAt]);
}
