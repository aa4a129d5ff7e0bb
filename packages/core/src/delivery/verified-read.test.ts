import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCatalog, createMemoryCatalogStore } from '../catalog/index.js';
import { isFramewiseError } from '../errors/index.js';
import { createMemoryStorage, createObjectStorage } from '../storage/index.js';
import { MemoryEndpoint } from '../testing/memory-endpoint.js';
import { catalogDeliverySource, createDistributor, createMemoryDistributionStore } from './index.js';
import { verifiedRead } from './verified-read.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const chunked = (b: Buffer, size: number) =>
  Readable.from(Array.from({ length: Math.ceil(b.length / size) }, (_, i) => b.subarray(i * size, (i + 1) * size)));
async function drain(stream: Readable): Promise<{ got: Buffer; error?: unknown }> {
  const parts: Buffer[] = [];
  try {
    for await (const c of stream) parts.push(c as Buffer);
    return { got: Buffer.concat(parts) };
  } catch (error) {
    return { got: Buffer.concat(parts), error };
  }
}

describe('verifiedRead', () => {
  it('gives exactly the bytes from `start` when they match, and fails INTEGRITY before the last byte when not', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 5000 }),
        fc.integer({ min: 1, max: 700 }),
        fc.nat(),
        fc.option(fc.nat(), { nil: undefined }),
        async (bytes, chunk, startSeed, flipSeed) => {
          const body = Buffer.from(bytes);
          const start = startSeed % body.length;
          const stored = Buffer.from(body);
          if (flipSeed !== undefined)
            stored[flipSeed % stored.length] = (stored[flipSeed % stored.length] as number) ^ 0x01;
          const { got, error } = await drain(
            await verifiedRead(
              async () => chunked(stored, chunk),
              { sha256: sha(body), sizeBytes: body.length },
              start,
              '"x"',
            ),
          );
          if (flipSeed === undefined) {
            expect(error).toBeUndefined();
            expect(got.equals(body.subarray(start))).toBe(true);
          } else {
            expect(isFramewiseError(error, 'INTEGRITY')).toBe(true);
            expect(got.length).toBeLessThan(body.length - start); // never the whole file
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a file of the right digest prefix but another size', async () => {
    const body = randomBytes(1000);
    const { error } = await drain(
      await verifiedRead(async () => chunked(body, 100), { sha256: sha(body), sizeBytes: 999 }, 0, '"x"'),
    );
    expect(isFramewiseError(error, 'INTEGRITY')).toBe(true);
  });
});

describe('delivery of a bit-rotted rendition', () => {
  it('is never delivered nor recorded live: the submission fails INTEGRITY', async () => {
    let now = Date.parse('2027-02-10T00:00:00Z');
    const clock = { now: () => now };
    const admin = { id: 'ops', global: 'admin' as const };
    const catalog = createCatalog({ store: createMemoryCatalogStore(), clock });
    const storage = createObjectStorage(createMemoryStorage());
    const good = randomBytes(64 * 1024);
    await storage.put('r/main.mp4', good);
    await catalog.createAsset(admin, {
      id: 'lt-101',
      project: 'p',
      kind: 'episode',
      titles: [{ language: 'en', value: 'Low Tide' }],
    });
    const version = await catalog.addVersion(admin, 'lt-101', {
      id: 'lt-101-master',
      name: 'master',
      kind: 'master',
      rate: { num: 25, den: 1, dropFrame: false },
      durationFrames: 250,
    });
    await catalog.registerRendition(admin, version.id, {
      profile: 'h264',
      container: 'mp4',
      videoCodec: 'h264',
      width: 1920,
      height: 1080,
      locations: [{ storage: 'media', key: 'r/main.mp4', sizeBytes: good.length, checksums: { sha256: sha(good) } }],
    });
    // Bits flip behind the storage's back.
    const rotten = Buffer.from(good);
    rotten[40_000] = (rotten[40_000] as number) ^ 0x10;
    await storage.put('r/main.mp4', rotten);
    const adapter = new MemoryEndpoint();
    const distributor = createDistributor({
      store: createMemoryDistributionStore(),
      clock,
      source: catalogDeliverySource({ catalog, actor: admin, storages: () => storage }),
      endpoints: [
        {
          id: 'ott',
          profile: {
            id: 'ott',
            name: 'OTT',
            renditions: [{ name: 'main', container: 'mp4' }],
            rights: { channel: 'svod', territories: ['GB'] },
            automation: { submit: 'automatic' },
          },
          adapter,
          fields: (s) => ({ title: s.asset.titles[0]?.value }),
        },
      ],
    });
    await distributor.ready('lt-101', version.id);
    await distributor.sweep();
    now += 1000;
    const r = await distributor.get('lt-101', 'ott');
    expect(r).toMatchObject({ state: 'error-submit', lastError: { code: 'INTEGRITY' } });
    expect(adapter.items.size).toBe(0);
    expect(await distributor.liveOn('ott')).toEqual([]);
  });
});
