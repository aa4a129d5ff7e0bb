/**
 * Adversarial verified-read case for issue 19, from docs/distribution.md only: a rendition that
 * rotted in storage after the catalog recorded its digest is never delivered, nor reported live.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCatalog, createMemoryCatalogStore } from '@framewise/core';
import { catalogDeliverySource, createDistributor, createMemoryDistributionStore } from '@framewise/core/delivery';
import { createMemoryStorage, createObjectStorage } from '@framewise/core/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFolderEndpoint } from '../src/folder/index.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const editor = { id: 'ed', memberships: [{ project: 'p', role: 'editor' as const }] };

describe('verified reads in delivery', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'fw-adv-rot-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  for (const rot of ['a flipped byte', 'a truncated object', 'an object grown by a byte'] as const) {
    it(`a rendition with ${rot} in storage goes to error-submit, never live, and nothing is in place`, async () => {
      const catalog = createCatalog({ store: createMemoryCatalogStore() });
      const storage = createObjectStorage(createMemoryStorage());
      const asset = await catalog.createAsset(editor, {
        project: 'p',
        kind: 'clip',
        titles: [{ language: 'en', value: 'Rot' }],
      });
      const version = await catalog.addVersion(editor, asset.id, {
        name: 'm',
        kind: 'master',
        rate: { num: 25, den: 1, dropFrame: false },
        durationFrames: 25,
      });
      const good = randomBytes(3 * 1024 * 1024 + 5);
      await storage.put('r/hd.mp4', good);
      await catalog.registerRendition(editor, version.id, {
        profile: 'hd',
        container: 'mp4',
        locations: [
          { storage: 'online', key: 'r/hd.mp4', sizeBytes: good.length, checksums: { sha256: sha256(good) } },
        ],
      });
      const rotten =
        rot === 'a flipped byte'
          ? Buffer.from(good).fill((good[good.length - 2] as number) ^ 1, good.length - 2, good.length - 1)
          : rot === 'a truncated object'
            ? good.subarray(0, good.length - 1)
            : Buffer.concat([good, Buffer.from([0])]);
      await storage.put('r/hd.mp4', rotten);
      const events: string[] = [];
      const dir = join(root, rot.replaceAll(' ', '-'));
      const adapter = createFolderEndpoint({ root: dir, packagePath: '{assetId}' });
      const distributor = createDistributor({
        store: createMemoryDistributionStore(),
        endpoints: [
          {
            id: 'drop',
            profile: {
              id: 'drop',
              name: 'drop',
              renditions: [{ name: 'hd', container: 'mp4' }],
              rights: { channel: 'svod', territories: ['GB'] },
              automation: { submit: 'automatic' },
            },
            adapter,
            fields: (s) => ({ title: s.asset.titles[0]?.value }),
          },
        ],
        source: catalogDeliverySource({
          catalog,
          actor: editor,
          storages: (id) => (id === 'online' ? storage : undefined),
        }),
        retry: { baseMs: 0, maxMs: 0, maxAttempts: 2 },
      });
      distributor.on('live', () => events.push('live'));
      try {
        await distributor.submit(asset.id, 'drop', { versionId: version.id });
        for (let i = 0; i < 5; i++) await distributor.sweep();
        const record = await distributor.get(asset.id, 'drop');
        expect(record?.state).toBe('error-submit');
        expect(record?.lastError?.code).toBe('INTEGRITY');
        expect(events).toEqual([]);
        const delivered = existsSync(join(dir, asset.id)) ? readdirSync(join(dir, asset.id)) : [];
        expect(delivered.filter((n) => !n.startsWith('.'))).toEqual([]);
      } finally {
        await distributor.close();
        await adapter.close();
      }
    });
  }
});
