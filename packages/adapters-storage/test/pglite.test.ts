import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createCatalog } from '@framewise/core/catalog';
import { catalogStoreConformance } from '@framewise/core/testing';
import { describe, expect, it } from 'vitest';
import { createPGliteCatalogStore, createPGliteDistributionStore } from '../src/pglite/index.js';
import { sqlTamperHooks } from './tamper.js';

let db: PGlite | undefined;
const dir = mkdtempSync(join(tmpdir(), 'framewise-pglite-'));

catalogStoreConformance('pglite', {
  async create() {
    db = await PGlite.create(join(dir, 'conformance'));
    return createPGliteCatalogStore({ db });
  },
  async destroy(store) {
    await store.close();
    await db?.close();
  },
  tamper: () => sqlTamperHooks((text, params) => db?.query(text, params) ?? Promise.resolve()),
});

describe('PGlite catalog store', () => {
  it('is durable in its directory across a close and reopen', async () => {
    const dataDir = join(dir, 'durable');
    const first = createPGliteCatalogStore({ dataDir });
    expect(first.capabilities.durable).toBe(true);
    const editor = { id: 'ana', memberships: [{ project: 'p', role: 'editor' as const }] };
    const asset = await createCatalog({ store: first }).createAsset(editor, {
      project: 'p',
      kind: 'feature',
      titles: [{ language: 'en', value: 'Kept' }],
    });
    await first.close();
    const second = createPGliteCatalogStore({ dataDir });
    const catalog = createCatalog({ store: second });
    expect((await catalog.getAsset(editor, asset.id)).titles[0]?.value).toBe('Kept');
    expect((await catalog.verifyAuditTrail({ id: 'a', global: 'auditor' })).ok).toBe(true);
    await second.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses work once closed with CONFLICT (the resource is closed), and closes once', async () => {
    const own = await PGlite.create();
    const catalogStore = createPGliteCatalogStore({ db: own });
    const records = createPGliteDistributionStore({ db: own });
    expect(await catalogStore.auditHeads()).toEqual({});
    await catalogStore.close();
    await catalogStore.close();
    await records.close();
    await expect(catalogStore.auditHeads()).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'Catalog store "pglite" is closed',
    });
    await expect(records.get('x@y')).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'Distribution store "pglite" is closed',
    });
    // The injected database is the host's: still open.
    expect(own.closed).toBe(false);
    await own.close();
  });

  it('reports data the database refuses as INVALID_INPUT, not INTERNAL (defence behind the catalog checks)', async () => {
    const own = await PGlite.create();
    const store = createPGliteCatalogStore({ db: own });
    await expect(store.getAsset('nul\u0000id')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(store.readAudit('p\u0000', 1, 10)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await store.close();
    await own.close();
  });
});
