import { z } from 'zod';
import { FramewiseError } from '../errors/index.js';
import { parseInput } from '../support/index.js';
import { assessCopy } from './assess-copy.js';
import type { PlacementChecker } from './check-placement.js';
import {
  type FileCopy,
  type FileCopyInput,
  FileCopySchema,
  type FileIdentity,
  FileIdentitySchema,
} from './file-copy.js';

/** One way to get a readable copy of a file: which copy, which restore option, how long, how much. */
export interface RestoreCandidate {
  readonly copy: FileCopy;
  /** The location's restore option, or `immediate` for online and nearline copies. */
  readonly option: string;
  /** Hours until the copy can be read (0 for immediate). */
  readonly hours: number;
  /** Estimated cost: restore fees, retrieval and egress for the file's size. */
  readonly cost: number;
  readonly meetsDeadline: boolean;
}

/** What {@link planRestore} chose, and the alternatives it weighed. */
export interface RestorePlan {
  readonly fileKey: string;
  /** The cheapest candidate that meets the deadline, else the fastest one. */
  readonly choice: RestoreCandidate;
  /** Every candidate, cheapest first among those meeting the deadline, then fastest first. */
  readonly candidates: readonly RestoreCandidate[];
  /** When the chosen copy is readable, ISO 8601. */
  readonly readyBy: string;
}

const GB = 1e9;

/**
 * Choose the copy and restore option that makes a file readable by `deadline` at the least cost;
 * when nothing meets the deadline, the fastest option (with `meetsDeadline: false`). Only verified
 * copies whose size and SHA-256 match the file's are candidates; `NOT_FOUND` when there is none.
 *
 * @example
 *   const plan = planRestore(checker, { file, copies, deadline: new Date('2026-11-22T06:00:00Z') });
 *   await s3.restore(plan.choice.copy.key, { tier: plan.choice.option });
 */
export function planRestore(
  checker: PlacementChecker,
  request: {
    readonly file: FileIdentity;
    readonly copies: readonly FileCopyInput[];
    readonly deadline: Date;
    readonly now?: Date;
  },
): RestorePlan {
  const file = parseInput(FileIdentitySchema, request.file, 'Restore file');
  const copies = parseInput(z.array(FileCopySchema).max(10_000), request.copies, 'Restore copies');
  const now = request.now ?? new Date();
  if (!(request.deadline instanceof Date) || Number.isNaN(request.deadline.getTime()))
    throw new FramewiseError('INVALID_INPUT', `Restore deadline for "${file.fileKey}" is not a valid date`);
  const hoursLeft = (request.deadline.getTime() - now.getTime()) / 3_600_000;
  const gb = file.sizeBytes / GB;
  const candidates: RestoreCandidate[] = [];
  for (const copy of copies) {
    const location = checker.locations.get(copy.locationId);
    if (
      location === undefined ||
      copy.fileKey !== file.fileKey ||
      !assessCopy(copy, file, checker.locations, now, Number.POSITIVE_INFINITY).counted
    )
      continue;
    const base = gb * (location.cost.retrievalPerGb + location.cost.egressPerGb);
    const immediate = location.tier === 'online' || location.tier === 'nearline';
    const options = immediate ? [{ name: 'immediate', hours: 0, perGb: 0, perRequest: 0 }] : location.restoreOptions;
    for (const o of options)
      candidates.push({
        copy,
        option: o.name,
        hours: o.hours,
        cost: base + gb * o.perGb + o.perRequest,
        meetsDeadline: o.hours <= hoursLeft,
      });
  }
  if (candidates.length === 0)
    throw new FramewiseError(
      'NOT_FOUND',
      `No verified copy of "${file.fileKey}" (sha256 ${file.sha256.slice(0, 12)}…) to restore from`,
      { details: { fileKey: file.fileKey } },
    );
  candidates.sort((a, b) =>
    a.meetsDeadline !== b.meetsDeadline
      ? a.meetsDeadline
        ? -1
        : 1
      : a.meetsDeadline
        ? a.cost - b.cost || a.hours - b.hours
        : a.hours - b.hours || a.cost - b.cost,
  );
  const choice = candidates[0] as RestoreCandidate;
  return {
    fileKey: file.fileKey,
    choice,
    candidates,
    readyBy: new Date(now.getTime() + choice.hours * 3_600_000).toISOString(),
  };
}
