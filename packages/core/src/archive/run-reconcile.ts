import type { Catalog, PrincipalInput } from '../catalog/index.js';
import { asFramewiseError, FramewiseError, isFramewiseError } from '../errors/index.js';
import type { JobDefinition } from '../scheduler/index.js';
import { isSameObject, type ObjectStorage } from '../storage/index.js';
import { type Clock, type Logger, silentLogger, systemClock, type Tracer, withSpan } from '../support/index.js';
import type { FileCopy, FileCopyInput } from './file-copy.js';
import { repairCopy } from './fixity-audit.js';
import { type CopySetRecord, guardedDelete } from './guarded-delete.js';
import { type ReconcileAction, ReconcileActionSchema, type ReconcilePlan } from './plan-reconcile.js';

/** How one action went. */
export interface ReconcileOutcome {
  readonly action: ReconcileAction;
  /** `refused`: a delete none of whose kept copies read back verified (it could have been the last). */
  readonly outcome: 'done' | 'refused' | 'failed';
  /** The copy as it now is (copies, repairs, verifications). */
  readonly copy?: FileCopy;
  readonly error?: { readonly code: string; readonly message: string };
}

/** Options of {@link executeReconcileAction} and {@link executeReconcilePlan}. */
export interface ReconcileRunOptions {
  readonly signal?: AbortSignal;
  /** The instant the actions are recorded at (default: the clock's now). */
  readonly now?: Date;
  /** The time source when no `now` is given (default: the system clock). */
  readonly clock?: Clock;
  /** Where each action's outcome is logged: done at info, refused and failed at warn (default: nowhere). */
  readonly logger?: Logger;
  /** An OpenTelemetry tracer: each action becomes a span `framewise.archive.<kind>`. */
  readonly tracer?: Tracer;
  /** Record each action as an `archive.copy` / `.move` / `.repair` / `.verify` / `.delete` audit event. */
  readonly record?: { readonly catalog: Catalog; readonly actor: PrincipalInput };
  /**
   * Where the file's copy set is recorded: deletes then remove the copy's record by
   * compare-and-set before its bytes, so concurrent reconcilers (in other processes too) can never
   * delete each other's kept copy. Without it, deletes are serialised per file in this process only.
   */
  readonly copySet?: CopySetRecord;
  /**
   * The id of this run of the action (a job id): its audit event is recorded with it, so running
   * the action again under the same id — a job retried after its effect, a worker killed before it
   * acknowledged — records no second event. {@link archiveJobs} passes `archive-job:<job id>`;
   * {@link executeReconcilePlan} appends `/<index of the action>`.
   */
  readonly operationId?: string;
}

/** The storage serving a location, or undefined when none is available (a tape not loaded). */
export type StorageResolver = (locationId: string) => ObjectStorage | undefined;

function storageOf(storages: StorageResolver, locationId: string): ObjectStorage {
  const storage = storages(locationId);
  if (storage === undefined)
    throw new FramewiseError('NOT_FOUND', `No storage for location "${locationId}"`, { details: { locationId } });
  return storage;
}

async function run(
  action: ReconcileAction,
  storages: StorageResolver,
  options: ReconcileRunOptions,
): Promise<FileCopy | undefined> {
  const now = options.now ?? new Date((options.clock ?? systemClock).now());
  const nowIso = now.toISOString();
  const identity = { fileKey: action.fileKey, sizeBytes: action.sizeBytes, sha256: action.sha256 };
  const copyAt = (locationId: string, key: string, status: FileCopy['status']): FileCopy => ({
    fileKey: action.fileKey,
    locationId,
    key,
    sizeBytes: action.sizeBytes,
    sha256: action.sha256,
    status,
  });
  switch (action.kind) {
    case 'copy': {
      const from = storageOf(storages, action.from.locationId);
      const to = storageOf(storages, action.to.locationId);
      // Physical identity: another location of the same store under the same key is the same object.
      if (isSameObject(from, action.from.key, to, action.to.key))
        throw new FramewiseError(
          'CONFLICT',
          `Copy of "${action.fileKey}" from "${action.from.locationId}" to "${action.to.locationId}" would copy the object onto itself (one store, one key): no second copy can be made there`,
          { details: { from: action.from, to: action.to, store: to.identity } },
        );
      const expected = { sha256: action.sha256, sizeBytes: action.sizeBytes };
      if (from === to) await from.copy(action.from.key, action.to.key);
      else
        await to.put(
          action.to.key,
          // A verified read: a source that rotted fails before its last byte reaches the target.
          await from.get(action.from.key, { expected, ...(options.signal ? { signal: options.signal } : {}) }),
          { expected, ...(options.signal ? { signal: options.signal } : {}) },
        );
      const readBack = await to.digest(action.to.key, options.signal);
      if (readBack.sha256 !== action.sha256 || readBack.sizeBytes !== action.sizeBytes)
        throw new FramewiseError(
          'INTEGRITY',
          `Copy of "${action.fileKey}" to "${action.to.locationId}" read back with another digest`,
          {
            details: { locationId: action.to.locationId, key: action.to.key },
          },
        );
      return { ...copyAt(action.to.locationId, action.to.key, 'verified'), verifiedAt: nowIso, checkedAt: nowIso };
    }
    case 'move': {
      const storage = storageOf(storages, action.to.locationId);
      const before = await storage.head(action.from.key);
      if (before === undefined || before.sizeBytes !== action.sizeBytes)
        throw new FramewiseError(
          'INTEGRITY',
          `Move of "${action.fileKey}" to "${action.to.locationId}": the object at "${action.from.key}" is ${before === undefined ? 'missing' : `${before.sizeBytes} bytes, not ${action.sizeBytes}`}`,
          { details: { locationId: action.from.locationId, key: action.from.key } },
        );
      await storage.setStorageClass(action.to.key, action.storageClass);
      const after = await storage.head(action.to.key);
      if (
        after === undefined ||
        after.sizeBytes !== action.sizeBytes ||
        (after.storageClass !== undefined && after.storageClass !== action.storageClass) ||
        (before.etag !== undefined && after.etag !== undefined && before.etag !== after.etag)
      )
        throw new FramewiseError(
          'INTEGRITY',
          `Move of "${action.fileKey}" to ${action.storageClass} did not keep the object as it was (size, class or ETag changed)`,
          { details: { locationId: action.to.locationId, key: action.to.key, before, after } },
        );
      return {
        ...copyAt(action.to.locationId, action.to.key, action.status),
        ...(action.verifiedAt === undefined ? {} : { verifiedAt: action.verifiedAt }),
      };
    }
    case 'repair':
      return repairCopy(
        copyAt(action.to.locationId, action.to.key, 'corrupt'),
        copyAt(action.from.locationId, action.from.key, 'verified'),
        identity,
        storages,
        { ...(options.signal ? { signal: options.signal } : {}), now },
      );
    case 'verify': {
      const digest = await storageOf(storages, action.at.locationId).digest(action.at.key, options.signal);
      const ok = digest.sha256 === action.sha256 && digest.sizeBytes === action.sizeBytes;
      return {
        ...copyAt(action.at.locationId, action.at.key, ok ? 'verified' : 'corrupt'),
        ...(ok ? { verifiedAt: nowIso } : {}),
        checkedAt: nowIso,
      };
    }
    case 'delete':
      await guardedDelete(action, (id) => storageOf(storages, id), {
        ...(options.copySet ? { copySet: options.copySet } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return undefined;
  }
}

/**
 * Carry out one reconcile action: a copy (server-side when both locations are served by the same
 * storage, else streamed with the expected checksums) read back before it counts; a move by an
 * in-place storage-class change, checked by size, class and ETag; a repair from a
 * verified source; a verification; or a delete, refused unless one of the copies to keep reads back
 * verified at that moment.
 */
export async function executeReconcileAction(
  action: ReconcileAction,
  storages: StorageResolver,
  options: ReconcileRunOptions = {},
): Promise<ReconcileOutcome> {
  const outcome = await withSpan(
    options.tracer,
    `framewise.archive.${action.kind}`,
    { 'framewise.asset.id': action.assetId, 'framewise.archive.file': action.fileKey },
    async (span) => {
      const result = await attempt(action, storages, options);
      span?.setAttribute('framewise.archive.outcome', result.outcome);
      return result;
    },
  );
  const logger = options.logger ?? silentLogger;
  const where =
    'to' in action ? { from: action.from.locationId, to: action.to.locationId } : { at: action.at.locationId };
  const fields = {
    kind: action.kind,
    assetId: action.assetId,
    fileKey: action.fileKey,
    ...where,
    reason: action.reason,
    outcome: outcome.outcome,
    ...(outcome.error ? { code: outcome.error.code, error: outcome.error.message } : {}),
  };
  if (outcome.outcome === 'done') logger.info(fields, `framewise archive: ${action.kind} done`);
  else logger.warn(fields, `framewise archive: ${action.kind} ${outcome.outcome}`);
  return outcome;
}

async function attempt(
  action: ReconcileAction,
  storages: StorageResolver,
  options: ReconcileRunOptions,
): Promise<ReconcileOutcome> {
  try {
    const copy = await run(action, storages, options);
    if (options.record)
      await options.record.catalog.recordEvent(options.record.actor, {
        assetId: action.assetId,
        action: `archive.${action.kind}`,
        details: {
          fileKey: action.fileKey,
          ...('to' in action ? { to: action.to, from: action.from } : { at: action.at }),
          reason: action.reason,
        },
        ...(options.operationId === undefined ? {} : { operationId: options.operationId }),
      });
    return { action, outcome: 'done', ...(copy ? { copy } : {}) };
  } catch (raw) {
    if (isFramewiseError(raw, 'CANCELLED')) throw raw;
    const error = asFramewiseError(raw, `Archive ${action.kind} of "${action.fileKey}"`, { fileKey: action.fileKey });
    return {
      action,
      outcome: error.code === 'CONFLICT' && action.kind === 'delete' ? 'refused' : 'failed',
      error: { code: error.code, message: error.message },
    };
  }
}

/**
 * The copies of an asset after an outcome: a new or rewritten copy replaces the one at its
 * location; a moved copy leaves its old location; a deleted copy is gone. Failed and refused
 * actions change nothing.
 */
export function applyReconcileOutcome<T extends FileCopyInput>(
  copies: readonly T[],
  outcome: ReconcileOutcome,
): (T | FileCopy)[] {
  if (outcome.outcome !== 'done') return [...copies];
  const { action } = outcome;
  const at = (c: FileCopyInput, place: { readonly locationId: string }) =>
    c.fileKey === action.fileKey && c.locationId === place.locationId;
  const gone: { readonly locationId: string }[] =
    action.kind === 'delete' ? [action.at] : action.kind === 'move' ? [action.from] : [];
  const placed = outcome.copy;
  return [
    ...copies.filter((c) => !gone.some((g) => at(c, g)) && !(placed !== undefined && at(c, placed))),
    ...(placed === undefined ? [] : [placed]),
  ];
}

/**
 * Execute a plan in order (copies, repairs and verifications, then deletes), reporting each
 * outcome; a failed step does not stop the others, and a delete whose kept copies did not come
 * through is refused.
 */
export async function executeReconcilePlan(
  plan: ReconcilePlan,
  storages: StorageResolver,
  options: ReconcileRunOptions & { readonly onOutcome?: (outcome: ReconcileOutcome) => Promise<void> | void } = {},
): Promise<ReconcileOutcome[]> {
  const outcomes: ReconcileOutcome[] = [];
  for (const [index, action] of plan.actions.entries()) {
    const outcome = await executeReconcileAction(action, storages, {
      ...options,
      ...(options.operationId === undefined ? {} : { operationId: `${options.operationId}/${index}` }),
    });
    outcomes.push(outcome);
    await options.onOutcome?.(outcome);
  }
  return outcomes;
}

/**
 * The `archive` job kind, running one reconcile action per job, for any queue backend (in
 * process or BullMQ workers): submit a plan's copies, repairs and verifications, wait for them,
 * then its deletes. A refused or failed action fails its job with the action's error code. The
 * job's output is the copy made or checked (null for a delete). With `record`, each job records
 * one audit event, under the operation id `archive-job:<job id>`, however often it is retried.
 */
export function archiveJobs(
  storages: StorageResolver,
  options: Omit<ReconcileRunOptions, 'signal'> = {},
): { readonly archive: JobDefinition<ReconcileAction, FileCopy | null, ReconcileAction> } {
  return {
    archive: {
      input: ReconcileActionSchema,
      resources: { io: 1 },
      handler: async (action: ReconcileAction, { signal, job }) => {
        // One audit event per job, however often it runs (a retry after the effect, a redelivery).
        const outcome = await executeReconcileAction(action, storages, {
          ...options,
          signal,
          operationId: `archive-job:${job.id}`,
        });
        if (outcome.outcome !== 'done')
          throw new FramewiseError(
            (outcome.error?.code ?? 'INTERNAL') as never,
            outcome.error?.message ?? 'archive action failed',
            {
              details: { kind: action.kind, fileKey: action.fileKey },
            },
          );
        return outcome.copy ?? null;
      },
    },
  };
}
