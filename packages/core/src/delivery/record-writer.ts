import { isFramewiseError } from '../errors/index.js';
import type { Clock } from '../support/index.js';
import type { DistributionRecord, DistributionState } from './record.js';
import type { DistributionRecordStore } from './record-store.js';
import type { DistributionTransition } from './transitions.js';

/** Told of every write that changed a record's state (or created it). */
export type TransitionListener = (
  before: DistributionRecord | undefined,
  written: DistributionRecord,
  event: string,
  note: string | undefined,
) => void;

/** How often a write recomputed on a fresh record may meet another concurrent write before it gives up. */
const CONFLICT_RETRIES = 10;

/** The newest history entries a record keeps. */
const HISTORY_LIMIT = 200;

/**
 * Writes distribution records: every write is compare-and-set on `revision` (two distributors never
 * both act on one record) and appends a history entry when the state changes, or when it carries a
 * note. Writes that must not lose a concurrent request are recomputed on the fresh record.
 */
export class RecordWriter {
  readonly #store: DistributionRecordStore;
  readonly #clock: Clock;
  readonly #onTransition: TransitionListener;
  /** Ids of records written since {@link RecordWriter.forget} (a sweep re-reads only those). */
  readonly #written = new Set<string>();

  constructor(store: DistributionRecordStore, clock: Clock, onTransition: TransitionListener = () => {}) {
    this.#store = store;
    this.#clock = clock;
    this.#onTransition = onTransition;
  }

  /**
   * Write `next` in `state` over `before` (compare-and-set on its revision).
   *
   * @throws `CONFLICT` when another write came first.
   */
  async write(
    before: DistributionRecord | undefined,
    next: DistributionRecord,
    state: DistributionState,
    event: string,
    note?: string,
  ): Promise<DistributionRecord> {
    const now = new Date(this.#clock.now()).toISOString();
    const clean = Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined)) as DistributionRecord;
    const from = before?.state ?? 'pending';
    const changed = before === undefined || from !== state;
    const entry = { at: now, from, to: state, event, ...(note === undefined ? {} : { note: note.slice(0, 2000) }) };
    const written: DistributionRecord = {
      ...clean,
      state,
      history: changed || note !== undefined ? [...next.history, entry].slice(-HISTORY_LIMIT) : next.history,
      revision: (before?.revision ?? 0) + 1,
      updatedAt: now,
    };
    await this.#store.put(written, before?.revision);
    this.#written.add(written.id);
    if (changed) this.#onTransition(before, written, event, note);
    return written;
  }

  /**
   * Write the transition `compute` gives for the record; on a concurrent write (a request while a
   * call was in flight) compute it again on the fresh record, so no request is lost.
   */
  async writeFresh(
    record: DistributionRecord,
    compute: (fresh: DistributionRecord) => DistributionTransition,
  ): Promise<DistributionRecord> {
    let current = record;
    for (let attempt = 0; ; attempt++) {
      const t = compute(current);
      try {
        return await this.write(current, t.next, t.state, t.event, t.note);
      } catch (error) {
        if (!isFramewiseError(error, 'CONFLICT') || attempt >= CONFLICT_RETRIES) throw error;
        const fresh = await this.#store.get(record.id);
        if (fresh === undefined) throw error;
        current = fresh;
      }
    }
  }

  /** Change fields of a record without changing its state (recomputed on a concurrent write). */
  save(
    record: DistributionRecord,
    patch: Partial<DistributionRecord> | ((fresh: DistributionRecord) => Partial<DistributionRecord>),
  ): Promise<DistributionRecord> {
    return this.writeFresh(record, (fresh) => ({
      next: { ...fresh, ...(typeof patch === 'function' ? patch(fresh) : patch) },
      state: fresh.state,
      event: 'save',
    }));
  }

  /** Stop tracking a record; true when it was written since it was last forgotten. */
  forget(id: string): boolean {
    return this.#written.delete(id);
  }
}
