import { FramewiseError } from '../../errors/index.js';
import type { FileCopy } from '../file-copy.js';
import type { TapeRestoreRequest } from './plan-tape-restore.js';

/** Where a file copy sits on tape: cartridge, path on its LTFS volume, and the first extent's position. */
export interface TapeCopyLocation {
  readonly barcode: string;
  /** Path on the LTFS volume, `/`-separated, relative to its root. */
  readonly path: string;
  readonly partition: string;
  readonly startBlock: number;
}

const KEY = /^ltfs:([A-Z0-9]{1,16}):([a-z]):(\d{1,16}):(.+)$/s;

/**
 * The key of a tape copy in a `FileCopy` (and so in the catalog's file locations):
 * `ltfs:<barcode>:<partition>:<start block>:<path>`. A copy on a `tape` location whose key is in
 * this form carries everything a position-ordered restore needs, and is persisted with
 * `recordCopies` like any other copy.
 *
 * @throws `INVALID_INPUT` for a barcode, partition, block or path that cannot be encoded.
 */
export function tapeCopyKey(location: TapeCopyLocation): string {
  const { barcode, partition, startBlock, path } = location;
  if (
    !/^[A-Z0-9]{1,16}$/.test(barcode) ||
    !/^[a-z]$/.test(partition) ||
    !Number.isSafeInteger(startBlock) ||
    startBlock < 0
  )
    throw new FramewiseError(
      'INVALID_INPUT',
      `Tape copy location ${JSON.stringify({ barcode, partition, startBlock })} is invalid`,
      {
        details: { barcode, partition, startBlock },
      },
    );
  if (path.length === 0 || path.startsWith('/') || path.split('/').some((p) => p === '' || p === '.' || p === '..'))
    throw new FramewiseError(
      'INVALID_INPUT',
      `Tape copy path ${JSON.stringify(path.slice(0, 200))} is not a relative volume path`,
      {
        details: { path: path.slice(0, 1024) },
      },
    );
  return `ltfs:${barcode}:${partition}:${startBlock}:${path}`;
}

/** The tape location in a copy key written by {@link tapeCopyKey}, `undefined` for any other key. */
export function parseTapeCopyKey(key: string): TapeCopyLocation | undefined {
  const m = KEY.exec(key);
  if (m === null) return undefined;
  const path = m[4] as string;
  if (path.startsWith('/') || path.split('/').some((p) => p === '' || p === '.' || p === '..')) return undefined;
  const startBlock = Number(m[3]);
  if (!Number.isSafeInteger(startBlock)) return undefined;
  return { barcode: m[1] as string, partition: m[2] as string, startBlock, path };
}

/**
 * Restore requests for the tape copies among `copies` (those whose key {@link parseTapeCopyKey}
 * reads), one per file key — the first verified copy wins, else the first unverified one; corrupt
 * and missing copies never count — ready for
 * `planTapeRestore`.
 */
export function tapeRestoreRequests(copies: readonly FileCopy[]): TapeRestoreRequest[] {
  const chosen = new Map<string, { copy: FileCopy; at: TapeCopyLocation }>();
  for (const copy of copies) {
    const at = parseTapeCopyKey(copy.key);
    if (at === undefined || copy.status === 'corrupt' || copy.status === 'missing') continue;
    const have = chosen.get(copy.fileKey);
    if (have === undefined || (have.copy.status !== 'verified' && copy.status === 'verified'))
      chosen.set(copy.fileKey, { copy, at });
  }
  return [...chosen.values()].map(({ copy, at }) => ({
    fileKey: copy.fileKey,
    barcode: at.barcode,
    path: at.path,
    partition: at.partition,
    startBlock: at.startBlock,
    sizeBytes: copy.sizeBytes,
  }));
}
