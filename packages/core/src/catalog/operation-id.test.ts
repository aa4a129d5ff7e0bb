import { describe, expect, it } from 'vitest';
import { createCatalog } from './catalog.js';
import { createMemoryCatalogStore } from './memory-store.js';
import type { CatalogStore, CatalogTx } from './port.js';

const editor = { id: 'ed', memberships: [{ project: 'p', role: 'editor' as const }] };

/** The memory store as a third-party store without the optional operation lookup. */
function withoutLookup(store: CatalogStore): CatalogStore {
  return new Proxy(store, {
    get(target, key) {
      if (key !== 'transaction') return Reflect.get(target, key);
      return <T>(fn: (tx: CatalogTx) => Promise<T>) =>
        target.transaction((tx) =>
          fn(new Proxy(tx, { get: (t, k) => (k === 'findAuditByOperation' ? undefined : Reflect.get(t, k)) })),
        );
    },
  });
}

describe('recordEvent with an operation id on a store without findAuditByOperation', () => {
  it('finds the recorded event by reading the chain (across pages), so a retry records nothing new', async () => {
    const catalog = createCatalog({ store: withoutLookup(createMemoryCatalogStore()) });
    const asset = await catalog.createAsset(editor, {
      project: 'p',
      kind: 'clip',
      titles: [{ language: 'en', value: 'A' }],
    });
    const first = await catalog.recordEvent(editor, { assetId: asset.id, action: 'archive.copy', operationId: 'op-1' });
    // More than a page of other events after it.
    for (let i = 0; i < 1_005; i++) await catalog.recordEvent(editor, { assetId: asset.id, action: 'archive.verify' });
    expect(
      await catalog.recordEvent(editor, { assetId: asset.id, action: 'archive.copy', operationId: 'op-1' }),
    ).toEqual(first);
    const late = await catalog.recordEvent(editor, { assetId: asset.id, action: 'archive.copy', operationId: 'op-2' });
    expect(late.seq).toBeGreaterThan(first.seq + 1_005);
  });
});
