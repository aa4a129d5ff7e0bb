import type { FileLocation } from '../assets/version.js';
import type { Catalog, PrincipalInput } from '../catalog/index.js';
import { FramewiseError, isFramewiseError } from '../errors/index.js';
import { isSameObject, type ObjectStorage } from '../storage/index.js';
import type { ReconcileAction } from './plan-reconcile.js';

/**
 * The catalog record of a file's copy set, for compare-and-set deletes: the version whose
 * locations are the file's copies (storage = location id), as {@link recordCopies} writes them.
 */
export interface CopySetRecord {
  readonly catalog: Catalog;
  readonly actor: PrincipalInput;
  /** The version holding the copies of an asset's file (e.g. its master version). */
  readonly versionOf: (assetId: string, fileKey: string) => string | Promise<string>;
}

type DeleteAction = Extract<ReconcileAction, { kind: 'delete' }>;
type Place = DeleteAction['at'];

/** Compare-and-set attempts before a delete gives up under contention (each re-reads the copy set). */
const CAS_ATTEMPTS = 8;

/** In-process queue per file: deletes of one file run one at a time here; the catalog's compare-and-set orders them across processes. */
const fileLocks = new Map<string, Promise<void>>();

async function withFileLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const previous = fileLocks.get(file) ?? Promise.resolve();
  let release: () => void = () => undefined;
  const current = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tail = previous.then(() => current);
  fileLocks.set(file, tail);
  await previous;
  try {
    return await fn();
  } finally {
    release();
    if (fileLocks.get(file) === tail) fileLocks.delete(file);
  }
}

const refuse = (action: DeleteAction, why: string): never => {
  throw new FramewiseError(
    'CONFLICT',
    `Refused to delete "${action.fileKey}" at "${action.at.locationId}": ${why}, so it could be the last`,
    { details: { assetId: action.assetId, locationId: action.at.locationId, key: action.at.key } },
  );
};

/**
 * Delete a copy so that the last verified copy can never go, whoever else runs at the same time:
 *
 * 1. without `copySet`, one delete per file at a time in this process (a queue per asset and
 *    file), so a delete sees the bytes another one removed;
 * 2. kept copies that are the same physical object as the one to delete (same store, same key)
 *    do not count;
 * 3. with `copySet`, the catalog must still record the copy to delete and a verified kept copy
 *    with the file's digest;
 * 4. a kept copy's bytes are read back and must match the file's SHA-256 and size, now;
 * 5. with `copySet`, the copy's record is removed by compare-and-set on the version's revision
 *    (a concurrent change re-runs 3–5); only then are its bytes deleted. A reconciler that
 *    removed its record first owns the delete, so two reconcilers can never each keep the
 *    other's copy.
 *
 * @throws `CONFLICT` when refused; storage and catalog errors otherwise.
 * @internal
 */
export async function guardedDelete(
  action: DeleteAction,
  storageOf: (locationId: string) => ObjectStorage,
  options: { readonly copySet?: CopySetRecord; readonly signal?: AbortSignal },
): Promise<void> {
  const run = async () => {
    const atStorage = storageOf(action.at.locationId);
    const keep = action.keep.flatMap((place) => {
      try {
        const storage = storageOf(place.locationId);
        return isSameObject(storage, place.key, atStorage, action.at.key) ? [] : [{ place, storage }];
      } catch {
        return [];
      }
    });
    if (keep.length === 0) refuse(action, 'every copy to keep is the same physical object or has no storage');
    const verified = new Set<string>();
    const readsBack = async (k: { place: Place; storage: ObjectStorage }): Promise<boolean> => {
      const id = `${k.place.locationId}|${k.place.key}`;
      if (verified.has(id)) return true;
      try {
        const digest = await k.storage.digest(k.place.key, options.signal);
        if (digest.sha256 !== action.sha256 || digest.sizeBytes !== action.sizeBytes) return false;
      } catch (error) {
        if (isFramewiseError(error, 'CANCELLED')) throw error;
        return false;
      }
      verified.add(id);
      return true;
    };
    const copySet = options.copySet;
    if (copySet === undefined) {
      let ok = false;
      for (const k of keep) if (!ok) ok = await readsBack(k);
      if (!ok) refuse(action, 'none of the copies to keep read back verified');
      await atStorage.delete(action.at.key);
      return;
    }
    const versionId = await copySet.versionOf(action.assetId, action.fileKey);
    const is = (l: FileLocation, p: Place) => l.storage === p.locationId && l.key === p.key;
    /** Records of the object to delete: its own, and any other location's that is the same physical object. */
    const aliasOfAt = (l: FileLocation) => {
      if (is(l, action.at)) return true;
      try {
        return isSameObject(storageOf(l.storage), l.key, atStorage, action.at.key);
      } catch {
        return false;
      }
    };
    let removed: FileLocation[] | undefined;
    for (let attempt = 1; removed === undefined; attempt++) {
      // Bytes are read back again on every attempt: after a race they must match *now*.
      verified.clear();
      const version = await copySet.catalog.getVersion(copySet.actor, versionId);
      const at = version.locations.find((l) => is(l, action.at));
      if (at === undefined) refuse(action, 'the catalog no longer records it (another reconciler may own it)');
      // Deleting the bytes deletes every record of that object: all of them go in one write, so
      // no other reconciler can keep "another" copy that is this object under another location.
      const aliases = version.locations.filter(aliasOfAt);
      const recorded = keep.filter((k) =>
        version.locations.some(
          (l) =>
            is(l, k.place) &&
            l.status === 'verified' &&
            l.checksums.sha256 === action.sha256 &&
            l.sizeBytes === action.sizeBytes,
        ),
      );
      let ok = false;
      for (const k of recorded) if (!ok) ok = await readsBack(k);
      if (!ok) refuse(action, 'no copy to keep is recorded verified and reads back with the file digest');
      try {
        await copySet.catalog.relocateVersion(
          copySet.actor,
          versionId,
          version.locations.filter((l) => !aliases.includes(l)),
          { expectedRevision: version.revision },
        );
        removed = aliases;
      } catch (error) {
        const raced = isFramewiseError(error, 'CONFLICT') && error.details?.expectedRevision !== undefined;
        if (!raced) throw error;
        if (attempt >= CAS_ATTEMPTS) refuse(action, `its copy set kept changing (${attempt} attempts)`);
      }
    }
    try {
      await atStorage.delete(action.at.key);
    } catch (error) {
      // The bytes are still there: put the record back so the copy is not forgotten.
      const version = await copySet.catalog.getVersion(copySet.actor, versionId).catch(() => undefined);
      if (version !== undefined && !version.locations.some((l) => is(l, action.at)))
        await copySet.catalog
          .relocateVersion(copySet.actor, versionId, [...version.locations, ...removed], {
            expectedRevision: version.revision,
          })
          .catch(() => undefined);
      throw error;
    }
  };
  // The catalog's compare-and-set orders deletes across processes; without it, one at a time per file here.
  if (options.copySet !== undefined) await run();
  else await withFileLock(`${action.assetId}\u0000${action.fileKey}`, run);
}
