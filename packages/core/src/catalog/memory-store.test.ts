import { describe, expect, it } from 'vitest';
import { catalogStoreConformance } from '../testing/index.js';
import { createMemoryCatalogStore } from './memory-store.js';

catalogStoreConformance('memory', { create: () => createMemoryCatalogStore() });

describe('memory catalog store', () => {
  it('refuses work once closed with CONFLICT (the resource is closed)', async () => {
    const store = createMemoryCatalogStore({ name: 'scratch' });
    await store.close();
    await expect(store.auditHeads()).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'Catalog store "scratch" is closed',
    });
  });

  it('refuses an unknown option naming it', () => {
    expect(() => createMemoryCatalogStore({ nmae: 'typo' } as never)).toThrow(/Unrecognized key: "nmae"/);
  });
});
