import type { FileLocationInput, Version } from '../assets/version.js';
import type { Catalog, PrincipalInput, RelocateOptions } from '../catalog/index.js';
import { FramewiseError } from '../errors/index.js';
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

/**
 * Record a version's copies in the catalog, so their state survives the process: the version's
 * locations become exactly these copies (storage = location id), each with its size, SHA-256,
 * state and verification times; an MD5 or xxHash64 already recorded for the same storage and key
 * is kept. Written as one `version.relocate` audit event, so every change of a copy's state is in
 * the audit trail.
 *
 * The copy set is replaced as given: a writer deciding from an older read (a fixity audit's
 * `onChecked`, a reconciler recording a new copy while another deletes one) would put back the
 * record of a copy deleted meanwhile. Pass `expectedRevision` (the `revision` of the version the
 * copies were read from) to make the write a compare-and-set, and on `CONFLICT` re-read and apply
 * the change again.
 *
 * @throws `INVALID_INPUT` for a malformed copy (naming which) or copies of several files; the catalog's `NOT_FOUND`,
 * `FORBIDDEN`, `CONFLICT` (check-out, or the version is no longer at `expectedRevision`) errors.
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
  const version = await catalog.getVersion(actor, versionId);
  const locations: FileLocationInput[] = parsed.map((c) => {
    const known = version.locations.find((l) => l.storage === c.locationId && l.key === c.key);
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
  });
  return catalog.relocateVersion(actor, versionId, locations, options);
}
