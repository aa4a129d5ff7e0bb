import { z } from 'zod';
import type { Catalog, PrincipalInput } from '../catalog/index.js';
import { asFramewiseError, FramewiseError, isFramewiseError } from '../errors/index.js';
import type { ObjectStorage } from '../storage/index.js';
import {
  type Clock,
  ClockSchema,
  LoggerSchema,
  parseInput,
  silentLogger,
  systemClock,
  TracerSchema,
  withSpan,
} from '../support/index.js';
import { type FileCopy, type FileCopyInput, FileCopySchema, type FileIdentity } from './file-copy.js';

/** One copy to audit: the copy, what its file must be, and the asset it belongs to (for the audit trail). */
export interface FixityTarget {
  readonly copy: FileCopyInput;
  readonly identity: FileIdentity;
  readonly assetId?: string;
}

/** What one check found. */
export interface FixityResult {
  /** The copy with its new status and times (unchanged when `unavailable` or `error`). */
  readonly copy: FileCopy;
  readonly assetId?: string;
  /**
   * `verified`: digest and size match; `corrupt`: they do not (an `INTEGRITY` finding, never
   * repaired by the audit); `missing`: the location does not have the key; `unavailable`: no
   * storage is configured for the location (e.g. a tape not loaded); `error`: the read failed
   * (the copy stays due).
   */
  readonly outcome: 'verified' | 'corrupt' | 'missing' | 'unavailable' | 'error';
  readonly expected: { readonly sha256: string; readonly sizeBytes: number };
  readonly actual?: { readonly sha256: string; readonly sizeBytes: number };
  readonly error?: { readonly code: string; readonly message: string };
}

const fn = <T>(what: string) => z.custom<T>((v) => typeof v === 'function', `must be ${what}`);

/** Options of {@link runFixityAudit}. */
export const FixityAuditOptionsSchema = z.strictObject({
  /** Every copy must be checked within this many days: the coverage target. */
  coverageDays: z.number().positive('must be a positive number of days').max(36_500),
  /** The instant of this run (default: the clock's now). */
  now: z.date().optional(),
  /** The time source when no `now` is given (default: the system clock). */
  clock: ClockSchema.optional(),
  /** Where each result (info; corrupt and missing copies at warn) and the run's coverage (info) are logged. */
  logger: LoggerSchema.optional(),
  /** An OpenTelemetry tracer: the run becomes a span `framewise.archive.fixity-audit`. */
  tracer: TracerSchema.optional(),
  /** Most bytes one run reads (the oldest-checked copies first); the rest stays due. */
  maxBytes: z.number().int().min(0).optional(),
  /** Most copies one run checks. */
  maxCopies: z.number().int().min(0).optional(),
  /** Copies read at once (default 2). */
  concurrency: z.number().int().min(1).max(64).optional(),
  signal: z.instanceof(AbortSignal).optional(),
  /**
   * Called after each check with the copy's new state: persist it here. That is what makes audits
   * resumable: an interrupted run leaves the unchecked copies as the oldest, due first next time.
   */
  onChecked: fn<(result: FixityResult) => Promise<void> | void>('a function').optional(),
  /** Record mismatches and missing copies as `fixity.mismatch` / `fixity.missing` audit events. */
  record: z
    .custom<{ readonly catalog: Catalog; readonly actor: PrincipalInput }>(
      (v) => typeof v === 'object' && v !== null && 'catalog' in v && 'actor' in v,
      'must be { catalog, actor }',
    )
    .optional(),
});
/** Options of {@link runFixityAudit}. */
export type FixityAuditOptions = z.input<typeof FixityAuditOptionsSchema>;

/** What a fixity audit run did, and the coverage after it. */
export interface FixityAuditReport {
  readonly checked: readonly FixityResult[];
  /** Copies due (checked longest ago) that this run left for the next one. */
  readonly remaining: number;
  /** `INTEGRITY` findings: corrupt or missing copies. */
  readonly findings: readonly FixityResult[];
  readonly coverage: {
    readonly copies: number;
    /** Copies checked within the coverage window, after this run. */
    readonly withinWindow: number;
    readonly share: number;
    /** The oldest check among all copies (undefined when one was never checked). */
    readonly oldestCheckedAt?: string;
    /** Whether every copy is within the window. */
    readonly met: boolean;
  };
}

const age = (copy: FileCopy) => (copy.checkedAt === undefined ? Number.NEGATIVE_INFINITY : Date.parse(copy.checkedAt));

/** The copies in audit order: never checked first, then the longest since their last check. */
export function fixityOrder(copies: readonly FileCopy[]): FileCopy[] {
  return [...copies].sort((a, b) => age(a) - age(b));
}

/** Check one copy against its identity, reading it as a stream. */
async function checkCopy(
  target: FixityTarget,
  copy: FileCopy,
  storage: ObjectStorage | undefined,
  now: string,
  signal: AbortSignal | undefined,
): Promise<FixityResult> {
  const expected = { sha256: target.identity.sha256, sizeBytes: target.identity.sizeBytes };
  const base = { expected, ...(target.assetId ? { assetId: target.assetId } : {}) };
  if (storage === undefined) return { ...base, copy, outcome: 'unavailable' };
  try {
    const actual = await storage.digest(copy.key, signal);
    const same = actual.sha256 === expected.sha256 && actual.sizeBytes === expected.sizeBytes;
    const checked: FileCopy = same
      ? { ...copy, status: 'verified', verifiedAt: now, checkedAt: now }
      : { ...copy, status: 'corrupt', checkedAt: now };
    return {
      ...base,
      copy: checked,
      outcome: same ? 'verified' : 'corrupt',
      actual: { sha256: actual.sha256, sizeBytes: actual.sizeBytes },
    };
  } catch (raw) {
    if (isFramewiseError(raw, 'NOT_FOUND'))
      return { ...base, copy: { ...copy, status: 'missing', checkedAt: now }, outcome: 'missing' };
    if (isFramewiseError(raw, 'CANCELLED') || signal?.aborted) throw raw;
    const error = asFramewiseError(raw, `Fixity check of "${copy.key}" at "${copy.locationId}"`, {
      locationId: copy.locationId,
    });
    return { ...base, copy, outcome: 'error', error: { code: error.code, message: error.message } };
  }
}

/**
 * Run one slice of a fixity audit: read the copies checked longest ago (within `maxBytes` /
 * `maxCopies`), compare each with its file's SHA-256 and size, and report the coverage against the
 * target (every copy checked within `coverageDays`). A mismatch is an `INTEGRITY` finding and an
 * audit event; the audit never repairs (see {@link repairCopy}). Run it on a schedule — as a
 * scheduler job, or from cron — with a budget that covers every copy within the window.
 *
 * @throws `INVALID_INPUT` for a bad copy or option; `CANCELLED` when aborted (results reported so far
 * through `onChecked` stand).
 */
export function runFixityAudit(
  targets: readonly FixityTarget[],
  storages: (locationId: string) => ObjectStorage | undefined,
  options: FixityAuditOptions,
): Promise<FixityAuditReport> {
  return withSpan(
    options.tracer,
    'framewise.archive.fixity-audit',
    { 'framewise.archive.copies': targets.length },
    () => audit(targets, storages, options),
  );
}

async function audit(
  targets: readonly FixityTarget[],
  storages: (locationId: string) => ObjectStorage | undefined,
  input: FixityAuditOptions,
): Promise<FixityAuditReport> {
  const options = parseInput(FixityAuditOptionsSchema, input, 'Fixity audit options');
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? new Date((options.clock ?? systemClock).now());
  const nowIso = now.toISOString();
  const parsed = targets.map((t, i) => ({
    target: t,
    copy: parseInput(FileCopySchema, t.copy, `Fixity target ${i} (${t.copy?.fileKey ?? '?'})`),
  }));
  const order = [...parsed].sort((a, b) => age(a.copy) - age(b.copy));
  const picked: typeof order = [];
  let bytes = 0;
  for (const entry of order) {
    if (options.maxCopies !== undefined && picked.length >= options.maxCopies) break;
    if (options.maxBytes !== undefined && picked.length > 0 && bytes + entry.copy.sizeBytes > options.maxBytes) break;
    picked.push(entry);
    bytes += entry.copy.sizeBytes;
  }
  const results = new Map<FixityTarget, FixityResult>();
  let next = 0;
  const worker = async () => {
    while (next < picked.length) {
      if (options.signal?.aborted)
        throw new FramewiseError('CANCELLED', 'Fixity audit cancelled', { details: { checked: results.size } });
      const entry = picked[next++] as (typeof picked)[number];
      const result = await checkCopy(entry.target, entry.copy, storages(entry.copy.locationId), nowIso, options.signal);
      results.set(entry.target, result);
      const fields = {
        outcome: result.outcome,
        fileKey: result.copy.fileKey,
        locationId: result.copy.locationId,
        key: result.copy.key,
        ...(result.assetId ? { assetId: result.assetId } : {}),
        ...(result.error ? { code: result.error.code, error: result.error.message } : {}),
      };
      if (result.outcome === 'corrupt' || result.outcome === 'missing')
        logger.warn(fields, `framewise fixity: copy ${result.outcome}`);
      else logger.info(fields, `framewise fixity: copy ${result.outcome}`);
      if ((result.outcome === 'corrupt' || result.outcome === 'missing') && options.record && result.assetId)
        await options.record.catalog.recordEvent(options.record.actor, {
          assetId: result.assetId,
          action: result.outcome === 'corrupt' ? 'fixity.mismatch' : 'fixity.missing',
          details: {
            fileKey: result.copy.fileKey,
            locationId: result.copy.locationId,
            key: result.copy.key,
            expected: result.expected,
            ...(result.actual ? { actual: result.actual } : {}),
          },
        });
      await options.onChecked?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, worker));

  const checked = picked.map((e) => results.get(e.target) as FixityResult);
  const after = parsed.map((e) => results.get(e.target)?.copy ?? e.copy);
  const windowStart = now.getTime() - options.coverageDays * 86_400_000;
  const withinWindow = after.filter((c) => c.checkedAt !== undefined && Date.parse(c.checkedAt) >= windowStart).length;
  const oldest = fixityOrder(after)[0];
  logger.info(
    {
      checked: checked.length,
      findings: checked.filter((r) => r.outcome === 'corrupt' || r.outcome === 'missing').length,
      remaining: parsed.length - picked.length,
      copies: after.length,
      withinWindow,
      coverageDays: options.coverageDays,
    },
    'framewise fixity: audit run finished',
  );
  return {
    checked,
    remaining: parsed.length - picked.length,
    findings: checked.filter((r) => r.outcome === 'corrupt' || r.outcome === 'missing'),
    coverage: {
      copies: after.length,
      withinWindow,
      share: after.length === 0 ? 1 : withinWindow / after.length,
      ...(oldest?.checkedAt ? { oldestCheckedAt: oldest.checkedAt } : {}),
      met: withinWindow === after.length,
    },
  };
}

/** Options of {@link repairCopy}. */
export interface RepairOptions {
  /** The instant the repair is recorded at (default: the clock's now). */
  readonly now?: Date;
  /** The time source when no `now` is given (default: the system clock). */
  readonly clock?: Clock;
  readonly signal?: AbortSignal;
  /** Record the repair as a `fixity.repair` audit event on this asset. */
  readonly record?: { readonly catalog: Catalog; readonly actor: PrincipalInput; readonly assetId: string };
}

/**
 * Repair a corrupt or missing copy from another copy — an explicit action, never done by an
 * audit. The source is read and checked against the file's identity first; the repaired copy is
 * written with the expected checksums (a mismatch in transit is refused) and read back.
 *
 * @throws `INTEGRITY` when the source does not match the file's identity (choose another source);
 * `INVALID_INPUT` when source and target are different files; `NOT_FOUND` when a storage is missing.
 */
export async function repairCopy(
  target: FileCopyInput,
  source: FileCopyInput,
  identity: FileIdentity,
  storages: (locationId: string) => ObjectStorage | undefined,
  options: RepairOptions = {},
): Promise<FileCopy> {
  const to = parseInput(FileCopySchema, target, 'Copy to repair');
  const from = parseInput(FileCopySchema, source, 'Repair source');
  if (to.fileKey !== from.fileKey || to.fileKey !== identity.fileKey)
    throw new FramewiseError(
      'INVALID_INPUT',
      `Cannot repair "${to.fileKey}" from "${from.fileKey}": not the same file`,
      {
        details: { target: to.fileKey, source: from.fileKey },
      },
    );
  const storage = (copy: FileCopy) => {
    const s = storages(copy.locationId);
    if (s === undefined)
      throw new FramewiseError('NOT_FOUND', `No storage for location "${copy.locationId}"`, {
        details: { locationId: copy.locationId },
      });
    return s;
  };
  const sourceStorage = storage(from);
  const targetStorage = storage(to);
  const check = await sourceStorage.digest(from.key, options.signal);
  if (check.sha256 !== identity.sha256 || check.sizeBytes !== identity.sizeBytes)
    throw new FramewiseError(
      'INTEGRITY',
      `Repair source "${from.key}" at "${from.locationId}" does not match "${identity.fileKey}" (sha256 ${check.sha256.slice(0, 12)}…, expected ${identity.sha256.slice(0, 12)}…)`,
      { details: { locationId: from.locationId, key: from.key } },
    );
  const expected = { sha256: identity.sha256, sizeBytes: identity.sizeBytes };
  // A verified read as well: bytes that rot between the check and the copy fail before their last byte lands.
  await targetStorage.put(
    to.key,
    await sourceStorage.get(from.key, { expected, ...(options.signal ? { signal: options.signal } : {}) }),
    { expected, ...(options.signal ? { signal: options.signal } : {}) },
  );
  const readBack = await targetStorage.digest(to.key, options.signal);
  if (readBack.sha256 !== identity.sha256)
    throw new FramewiseError(
      'INTEGRITY',
      `Repaired copy "${to.key}" at "${to.locationId}" read back with another digest`,
      {
        details: { locationId: to.locationId, key: to.key },
      },
    );
  const nowIso = (options.now ?? new Date((options.clock ?? systemClock).now())).toISOString();
  const repaired: FileCopy = {
    ...to,
    sha256: readBack.sha256,
    sizeBytes: readBack.sizeBytes,
    status: 'verified',
    verifiedAt: nowIso,
    checkedAt: nowIso,
  };
  if (options.record)
    await options.record.catalog.recordEvent(options.record.actor, {
      assetId: options.record.assetId,
      action: 'fixity.repair',
      details: {
        fileKey: to.fileKey,
        locationId: to.locationId,
        key: to.key,
        from: { locationId: from.locationId, key: from.key },
      },
    });
  return repaired;
}
