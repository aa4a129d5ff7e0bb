import { z } from 'zod';
import { parseInput } from '../support/index.js';
import { assessCopy } from './assess-copy.js';
import type { PlacementChecker, PlacementReport, PlacementSubject, PlacementViolation } from './check-placement.js';
import { type FileCopy, FileCopySchema, type FileIdentity } from './file-copy.js';
import { physicalObjectOf, physicalStoreOf, type StorageLocation } from './locations.js';
import type { PlacementRule } from './placement-rules.js';

const PlaceSchema = z.object({ locationId: z.string().min(1).max(128), key: z.string().min(1).max(1024) });
const FileFields = {
  assetId: z.string().min(1).max(128),
  fileKey: z.string().min(1).max(300),
  sizeBytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Why the planner chose it, e.g. the violation it resolves. */
  reason: z.string().max(1000),
};

/** One step of a reconcile plan; plain data, so it can travel as a scheduler job's input. */
export const ReconcileActionSchema = z.discriminatedUnion('kind', [
  /** Make a new copy from a verified one (server-side when both locations share a storage). */
  z.object({ kind: z.literal('copy'), ...FileFields, from: PlaceSchema, to: PlaceSchema }),
  /** Rewrite a corrupt copy from a verified one. */
  z.object({ kind: z.literal('repair'), ...FileFields, from: PlaceSchema, to: PlaceSchema }),
  /**
   * Move a copy to another location of the same store by an in-place storage-class change (the
   * key stays; no bytes travel). The copy keeps its verification: the bytes do not change.
   */
  z.object({
    kind: z.literal('move'),
    ...FileFields,
    from: PlaceSchema,
    to: PlaceSchema,
    storageClass: z.string().min(1).max(64),
    status: z.enum(['verified', 'unverified']),
    verifiedAt: z.string().optional(),
  }),
  /** Read an unverified or stale copy back. */
  z.object({ kind: z.literal('verify'), ...FileFields, at: PlaceSchema }),
  /**
   * Delete a copy the rules exclude. `keep` are the copies that must read back verified at
   * execution time, or the delete is refused: never the last verified copy.
   */
  z.object({ kind: z.literal('delete'), ...FileFields, at: PlaceSchema, keep: z.array(PlaceSchema).min(1) }),
]);
/** One step of a reconcile plan. */
export type ReconcileAction = z.output<typeof ReconcileActionSchema>;

/** What {@link planReconcile} proposes for one asset (a dry run: nothing is touched). */
export interface ReconcilePlan {
  readonly assetId: string;
  /** In execution order: copies, repairs and verifications before any delete. */
  readonly actions: readonly ReconcileAction[];
  /** Violations no action can resolve (no verified source, an undeclared location, …). */
  readonly unresolved: readonly PlacementViolation[];
  readonly before: PlacementReport;
  /** The placement once every action has succeeded. */
  readonly after: PlacementReport;
  readonly bytesToCopy: number;
  /** Change of the monthly storage bill, from the locations' cost figures. */
  readonly monthlyCostChange: number;
}

const GB = 1e9;

function excludedBy(rules: readonly PlacementRule[], location: StorageLocation): boolean {
  return rules.some(
    (r) =>
      r.excludedLocations.includes(location.id) ||
      r.excludedMedia.includes(location.media) ||
      r.excludedRegions.includes(location.region),
  );
}

/**
 * Plan the copy, move, repair, verify and delete actions that bring one asset's files into
 * placement (a dry run). Each round takes the first violation it can act on: a corrupt copy is repaired
 * from a verified one; a shortfall of copies, media, offsite copies or tiers is met by a new copy at
 * the cheapest permitted location that adds what is missing; an unverified or stale copy is read
 * back; a copy on an excluded location is moved to a permitted location of the same store by a
 * storage-class change when there is one (no bytes travel; a shortfall is met the same way),
 * else deleted only once another counted copy exists (a new one is planned first when needed). Sources are verified copies, cheapest to read first. The
 * plan is simulated to the end, so `after` shows what it will achieve.
 */
export function planReconcile(
  checker: PlacementChecker,
  subject: PlacementSubject,
  now: Date = new Date(),
): ReconcilePlan {
  const copies: FileCopy[] = subject.copies.map((c, i) => parseInput(FileCopySchema, c, `Reconcile copy ${i}`));
  const files = new Map(subject.files.map((f) => [f.fileKey, f]));
  const locations = checker.locations;
  const actions: ReconcileAction[] = [];
  const unresolved = new Map<string, PlacementViolation>();
  const before = checker.check(subject, now);
  const nowIso = now.toISOString();
  const assetId = subject.asset.id;
  const counted = (file: FileIdentity) =>
    copies.filter(
      (c) => c.fileKey === file.fileKey && assessCopy(c, file, locations, now, Number.POSITIVE_INFINITY).counted,
    );
  /** Copies that exist before the plan: sources among them let the plan's copies run in parallel. */
  const existing = new Set(copies.filter((c) => c.status === 'verified'));
  /** A verified copy to read from: one that exists already, online first, then the cheapest retrieval. */
  const sourceFor = (file: FileIdentity): FileCopy | undefined =>
    counted(file).sort(
      (a, b) =>
        Number(!existing.has(a)) - Number(!existing.has(b)) ||
        readCost(a) - readCost(b) ||
        a.locationId.localeCompare(b.locationId),
    )[0];
  const readCost = (c: FileCopy) => {
    const l = locations.get(c.locationId) as StorageLocation;
    const tierRank = ['online', 'nearline', 'archive', 'deep-archive'].indexOf(l.tier);
    return tierRank * 1000 + l.cost.retrievalPerGb + l.cost.egressPerGb;
  };
  const base = (file: FileIdentity, reason: string) => ({
    assetId,
    fileKey: file.fileKey,
    sizeBytes: file.sizeBytes,
    sha256: file.sha256,
    reason,
  });

  /**
   * Move a copy sitting on an excluded location to a permitted location of the same store that
   * meets `need`, by a storage-class change. False when no such pair exists.
   */
  const addMove = (file: FileIdentity, need: (l: StorageLocation) => boolean, reason: string): boolean => {
    const rules = checker.rulesFor(subject.asset, file.fileKey);
    const taken = new Set(
      copies.filter((c) => c.fileKey === file.fileKey && c.status !== 'missing').map((c) => c.locationId),
    );
    for (const c of copies) {
      const from = locations.get(c.locationId);
      if (c.fileKey !== file.fileKey || from?.store === undefined || !excludedBy(rules, from)) continue;
      if ((c.status !== 'verified' && c.status !== 'unverified') || c.sha256 !== file.sha256) continue;
      const target = [...locations.values()]
        .filter((l) => l.store === from.store && !taken.has(l.id) && !excludedBy(rules, l) && need(l))
        .sort((a, b) => a.cost.storagePerGbMonth - b.cost.storagePerGbMonth || a.id.localeCompare(b.id))[0];
      if (target?.storageClass === undefined) continue;
      actions.push({
        kind: 'move',
        ...base(file, reason),
        from: { locationId: c.locationId, key: c.key },
        to: { locationId: target.id, key: c.key },
        storageClass: target.storageClass,
        status: c.status,
        ...(c.verifiedAt === undefined ? {} : { verifiedAt: c.verifiedAt }),
      });
      existing.delete(c);
      c.locationId = target.id;
      return true;
    }
    return false;
  };

  /** Plan a new copy of a file at the cheapest permitted location meeting `need` (a move when one will do). */
  const addCopy = (file: FileIdentity, need: (l: StorageLocation) => boolean, reason: string): boolean => {
    if (addMove(file, need, reason)) return true;
    const source = sourceFor(file);
    if (source === undefined) return false;
    const rules = checker.rulesFor(subject.asset, file.fileKey);
    const held = copies.filter((c) => c.fileKey === file.fileKey && c.status !== 'missing');
    const taken = new Set(held.map((c) => c.locationId));
    // A new copy is a new physical object: never a location of a store that already holds the
    // file (another storage class of the same bucket would be the same object under the same key).
    const stores = new Set(
      held.flatMap((c) => {
        const l = locations.get(c.locationId);
        return l === undefined ? [] : [physicalStoreOf(l)];
      }),
    );
    const target = [...locations.values()]
      .filter((l) => !taken.has(l.id) && !stores.has(physicalStoreOf(l)) && !excludedBy(rules, l) && need(l))
      .sort((a, b) => a.cost.storagePerGbMonth - b.cost.storagePerGbMonth || a.id.localeCompare(b.id))[0];
    if (target === undefined) return false;
    actions.push({
      kind: 'copy',
      ...base(file, reason),
      from: { locationId: source.locationId, key: source.key },
      to: { locationId: target.id, key: source.key },
    });
    const rest = copies.filter((c) => !(c.fileKey === file.fileKey && c.locationId === target.id));
    copies.length = 0;
    copies.push(...rest, {
      fileKey: file.fileKey,
      locationId: target.id,
      key: source.key,
      sizeBytes: file.sizeBytes,
      sha256: file.sha256,
      status: 'verified',
      verifiedAt: nowIso,
      checkedAt: nowIso,
    });
    return true;
  };

  const act = (v: PlacementViolation, report: PlacementReport): boolean => {
    const file = files.get(v.fileKey) as FileIdentity;
    const placement = report.files.find((f) => f.fileKey === v.fileKey);
    const rule = checker.policy.rules.find((r) => r.name === v.rule) as PlacementRule;
    const at =
      v.locationId === undefined
        ? undefined
        : copies.find((c) => c.fileKey === v.fileKey && c.locationId === v.locationId);
    switch (v.kind) {
      case 'integrity': {
        const source = sourceFor(file);
        if (at === undefined || source === undefined) return false;
        actions.push({
          kind: 'repair',
          ...base(file, v.message),
          from: { locationId: source.locationId, key: source.key },
          to: { locationId: at.locationId, key: at.key },
        });
        Object.assign(at, {
          status: 'verified',
          sha256: file.sha256,
          sizeBytes: file.sizeBytes,
          verifiedAt: nowIso,
          checkedAt: nowIso,
        });
        existing.delete(at);
        return true;
      }
      case 'excluded': {
        if (at === undefined) return false;
        if (addMove(file, () => true, `${v.message}: moved by a storage-class change`)) return true;
        const atObject = physicalObjectOf(at, locations);
        const keep = counted(file).filter(
          (c) =>
            c.locationId !== at.locationId &&
            physicalObjectOf(c, locations) !== atObject &&
            !excludedBy(checker.rulesFor(subject.asset, file.fileKey), locations.get(c.locationId) as StorageLocation),
        );
        if (keep.length === 0)
          return addCopy(
            file,
            () => true,
            `${v.message}: a permitted copy first, so the excluded one is never the last`,
          );
        actions.push({
          kind: 'delete',
          ...base(file, v.message),
          at: { locationId: at.locationId, key: at.key },
          keep: keep.map((c) => ({ locationId: c.locationId, key: c.key })),
        });
        copies.splice(copies.indexOf(at), 1);
        return true;
      }
      case 'copies':
      case 'media':
      case 'offsite':
      case 'tier': {
        // A copy that is there but unverified or stale only needs reading back.
        const stale = copies.find(
          (c) =>
            c.fileKey === file.fileKey &&
            (c.status === 'unverified' ||
              (c.status === 'verified' &&
                !assessCopy(c, file, locations, now, rule.maxVerificationAgeDays ?? Number.POSITIVE_INFINITY)
                  .counted)) &&
            locations.has(c.locationId) &&
            !excludedBy(checker.rulesFor(subject.asset, file.fileKey), locations.get(c.locationId) as StorageLocation),
        );
        if (stale !== undefined && stale.sha256 === file.sha256) {
          actions.push({
            kind: 'verify',
            ...base(file, v.message),
            at: { locationId: stale.locationId, key: stale.key },
          });
          Object.assign(stale, { status: 'verified', verifiedAt: nowIso, checkedAt: nowIso });
          return true;
        }
        const media = new Set(placement?.media ?? []);
        const need =
          v.kind === 'media'
            ? (l: StorageLocation) => !media.has(l.media)
            : v.kind === 'offsite'
              ? (l: StorageLocation) => l.site !== checker.policy.primarySite
              : v.kind === 'tier'
                ? (l: StorageLocation) =>
                    rule.requiredTiers.includes(l.tier) && !(placement?.tiers ?? []).includes(l.tier)
                : () => true;
        return addCopy(file, need, v.message);
      }
      default:
        return false;
    }
  };

  for (let round = 0; round < 200; round++) {
    const report = checker.check({ asset: subject.asset, files: subject.files, copies }, now);
    const open = report.violations.filter(
      (v) => !unresolved.has(`${v.rule}|${v.fileKey}|${v.kind}|${v.locationId ?? ''}`),
    );
    if (open.length === 0) break;
    // Deletes last: an excluded copy stays a source until everything else is in place.
    const v = (open.find((x) => x.kind !== 'excluded') ?? open[0]) as PlacementViolation;
    if (!act(v, report)) unresolved.set(`${v.rule}|${v.fileKey}|${v.kind}|${v.locationId ?? ''}`, v);
  }
  const after = checker.check({ asset: subject.asset, files: subject.files, copies }, now);
  // Copies, repairs and verifications run before deletes, whatever order they were found in.
  actions.sort((a, b) => Number(a.kind === 'delete') - Number(b.kind === 'delete'));
  const gb = (a: ReconcileAction) => a.sizeBytes / GB;
  const perGb = (locationId: string) => locations.get(locationId)?.cost.storagePerGbMonth ?? 0;
  return {
    assetId,
    actions,
    unresolved: [...unresolved.values()],
    before,
    after,
    bytesToCopy: actions
      .filter((a) => a.kind === 'copy' || a.kind === 'repair')
      .reduce((sum, a) => sum + a.sizeBytes, 0),
    monthlyCostChange: actions.reduce(
      (sum, a) =>
        sum +
        (a.kind === 'copy'
          ? gb(a) * perGb(a.to.locationId)
          : a.kind === 'move'
            ? gb(a) * (perGb(a.to.locationId) - perGb(a.from.locationId))
            : a.kind === 'delete'
              ? -gb(a) * perGb(a.at.locationId)
              : 0),
      0,
    ),
  };
}
