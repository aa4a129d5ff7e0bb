import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DistributionRecord,
  DistributionRecordSchema,
  type DistributionRecordStore,
  distributionRecordId,
  isFramewiseError,
} from '../index.js';

/** What the distribution record store conformance suite needs from the test harness. */
export interface DistributionStoreConformanceOptions {
  /** A store over an empty database (or an empty schema). */
  readonly create: () => Promise<DistributionRecordStore> | DistributionRecordStore;
  readonly destroy?: (store: DistributionRecordStore) => Promise<void>;
  /** A second store over the same database (another process), when the store is shared. */
  readonly second?: (store: DistributionRecordStore) => Promise<DistributionRecordStore> | DistributionRecordStore;
}

function record(assetId: string, endpointId: string, extra: Partial<DistributionRecord> = {}): DistributionRecord {
  return DistributionRecordSchema.parse({
    id: distributionRecordId(assetId, endpointId),
    assetId,
    endpointId,
    versionId: `${assetId}-v1`,
    state: 'pending',
    revision: 0,
    origin: 'manual',
    createdAt: '2026-11-21T10:00:00.000Z',
    updatedAt: '2026-11-21T10:00:00.000Z',
    ...extra,
  });
}

/**
 * The conformance suite of {@link DistributionRecordStore}: records come back exactly as written,
 * writes are compare-and-set on `revision` (of concurrent writers expecting one revision, exactly
 * one wins), and lists filter by asset, endpoint and state in code-point order of id.
 */
export function distributionRecordStoreConformance(name: string, options: DistributionStoreConformanceOptions): void {
  describe(`DistributionRecordStore conformance: ${name}`, () => {
    let store: DistributionRecordStore;
    beforeAll(async () => {
      store = await options.create();
    }, 60_000);
    afterAll(async () => {
      if (store !== undefined) await options.destroy?.(store);
    });

    it('answers undefined for a record it does not hold', async () => {
      expect(await store.get('nothing@here')).toBeUndefined();
    });

    it('gives a record back exactly as written, nested state and awkward text included', async () => {
      const r = record('rich-1', 'youtube', {
        state: 'processing',
        revision: 1,
        remoteId: 'dQw4w9WgXcQ',
        remoteFiles: { 'captions-fr': 'AUieDaZ…', thumbnail: 'thumbnail:dQw4w9WgXcQ' },
        progress: { kind: 'youtube-resumable-upload', sessionUri: 'https://x/y?upload_id=1', sizeBytes: 2 ** 40 },
        window: { sunrise: '2026-12-01T00:00:00.000Z', sunset: '2027-01-01T00:00:00.000Z', source: 'rights' },
        sent: {
          revision: 3,
          at: '2026-11-21T10:00:00.000Z',
          fields: { title: 'Ünïcödé — “quotes” & <tags> 🎬', tags: ['a', 'b'], nested: { n: 1.5, nil: null } },
          fieldHashes: { title: 'ab'.repeat(32) },
          files: [{ name: 'main', sizeBytes: 1_073_741_824, sha256: 'cd'.repeat(32) }],
        },
        lastError: { code: 'TRANSIENT', message: 'line one\nline two\u0000 with a NUL and \\ backslash' },
        history: [{ at: '2026-11-21T10:00:00.000Z', from: 'pending', to: 'queued', event: 'submit' }],
      });
      await store.put(r, undefined);
      expect(await store.get(r.id)).toEqual(r);
    });

    it('refuses a write whose expected revision is not the stored one, naming the record', async () => {
      const r = record('cas-1', 'ftp');
      await store.put(r, undefined);
      const duplicate = await store.put(r, undefined).catch((e: unknown) => e);
      expect(isFramewiseError(duplicate, 'CONFLICT')).toBe(true);
      expect((duplicate as Error).message).toContain('cas-1@ftp');
      const stale = await store.put({ ...r, revision: 5 }, 3).catch((e: unknown) => e);
      expect(isFramewiseError(stale, 'CONFLICT')).toBe(true);
      await store.put({ ...r, revision: 1, state: 'queued' }, 0);
      expect(await store.get(r.id)).toMatchObject({ revision: 1, state: 'queued' });
      const missing = await store.put(record('never-written', 'ftp', { revision: 1 }), 0).catch((e: unknown) => e);
      expect(isFramewiseError(missing, 'CONFLICT')).toBe(true);
    });

    it('lets exactly one of several concurrent writers expecting one revision win', async () => {
      const r = record('race-1', 'sftp');
      await store.put(r, undefined);
      const other = options.second === undefined ? store : await options.second(store);
      const writers = Array.from({ length: 12 }, (_, i) =>
        (i % 2 === 0 ? store : other).put({ ...r, revision: 1, state: 'queued', versionId: `w${i}` }, 0),
      );
      const results = await Promise.allSettled(writers);
      expect(results.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
      for (const x of results) if (x.status === 'rejected') expect(isFramewiseError(x.reason, 'CONFLICT')).toBe(true);
      const winner = results.findIndex((x) => x.status === 'fulfilled');
      expect((await other.get(r.id))?.versionId).toBe(`w${winner}`);
    });

    it('lists by asset, endpoint and states, in code-point order of id', async () => {
      const put = (r: DistributionRecord) => store.put(r, undefined);
      await put(record('list-B', 'ep-1', { state: 'live' }));
      await put(record('list-a', 'ep-1', { state: 'live' }));
      await put(record('list-a', 'ep-2', { state: 'removed' }));
      await put(record('list-C', 'ep-2', { state: 'error-submit' }));
      const ids = (rs: DistributionRecord[]) => rs.map((r) => r.id).filter((id) => id.startsWith('list-'));
      expect(ids(await store.list())).toEqual(['list-B@ep-1', 'list-C@ep-2', 'list-a@ep-1', 'list-a@ep-2']);
      expect(ids(await store.list({ assetId: 'list-a' }))).toEqual(['list-a@ep-1', 'list-a@ep-2']);
      expect(ids(await store.list({ endpointId: 'ep-1', states: ['live'] }))).toEqual(['list-B@ep-1', 'list-a@ep-1']);
      expect(ids(await store.list({ states: ['removed', 'error-submit'] }))).toEqual(['list-C@ep-2', 'list-a@ep-2']);
      expect(ids(await store.list({ states: [] }))).toEqual([]);
      expect(await store.list({ assetId: 'list-a', endpointId: 'ep-9' })).toEqual([]);
    });

    it('keeps what it returns apart from what it holds', async () => {
      const r = record('copy-1', 'folder', { remoteFiles: { a: '1' } });
      await store.put(r, undefined);
      const got = (await store.get(r.id)) as DistributionRecord;
      (got.remoteFiles as Record<string, string>).a = 'changed';
      expect((await store.get(r.id))?.remoteFiles).toEqual({ a: '1' });
    });
  });
}
