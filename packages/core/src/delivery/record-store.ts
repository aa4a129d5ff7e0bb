import { FramewiseError } from '../errors/index.js';
import type { DistributionRecord, DistributionState } from './record.js';

/** Which records to list. */
export interface DistributionRecordQuery {
  readonly assetId?: string;
  readonly endpointId?: string;
  readonly states?: readonly DistributionState[];
}

/**
 * Where distribution records live (the host's database). Writes are compare-and-set on
 * `revision`, so two distributors never both act on one record.
 */
export interface DistributionRecordStore {
  get(id: string): Promise<DistributionRecord | undefined>;
  /**
   * Write a record whose stored revision is `expectedRevision` (`undefined`: it must not exist).
   *
   * @throws `CONFLICT` when the stored revision differs.
   */
  put(record: DistributionRecord, expectedRevision: number | undefined): Promise<void>;
  /** The records that match, in code-point order of id. */
  list(query?: DistributionRecordQuery): Promise<DistributionRecord[]>;
}

/** Distribution records in memory: for tests, demos and single-process hosts. */
export function createMemoryDistributionStore(): DistributionRecordStore {
  const records = new Map<string, DistributionRecord>();
  return {
    async get(id) {
      const r = records.get(id);
      return r === undefined ? undefined : structuredClone(r);
    },
    async put(record, expectedRevision) {
      const current = records.get(record.id);
      if (current?.revision !== expectedRevision)
        throw new FramewiseError(
          'CONFLICT',
          `Distribution record "${record.id}" is at revision ${current?.revision ?? 'none'}, not ${expectedRevision ?? 'none'}`,
          { details: { id: record.id, expectedRevision, actual: current?.revision } },
        );
      records.set(record.id, structuredClone(record));
    },
    async list(query = {}) {
      const out: DistributionRecord[] = [];
      for (const r of records.values()) {
        if (query.assetId !== undefined && r.assetId !== query.assetId) continue;
        if (query.endpointId !== undefined && r.endpointId !== query.endpointId) continue;
        if (query.states !== undefined && !query.states.includes(r.state)) continue;
        out.push(structuredClone(r));
      }
      return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },
  };
}
