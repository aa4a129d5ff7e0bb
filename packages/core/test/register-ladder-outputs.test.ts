/**
 * registerLadderOutputs with a real ffmpeg ladder: every output is stored (checked against the
 * ladder's digests) before any rendition is registered, a failure at either stage leaves nothing
 * half-registered, and a second call finishes what a failed one left without duplicates.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ffmpegGenerate } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CatalogStore, type CatalogTx, createCatalog, createMemoryCatalogStore } from '../src/catalog/index.js';
import { FramewiseError, isFramewiseError } from '../src/errors/index.js';
import {
  createMemoryStorage,
  createObjectStorage,
  type ObjectStorage,
  type StorageDriver,
} from '../src/storage/index.js';
import {
  type LadderResult,
  planLadder,
  probe,
  type RegisterLadderOutputsOptions,
  registerLadderOutputs,
  runLadder,
} from '../src/transcode/index.js';

const editor = { id: 'ana', memberships: [{ project: 'p', role: 'editor' as const }] };
const auditor = { id: 'auditor', global: 'auditor' as const };

/** A catalog store whose n-th rendition write (counting from 1) fails once, as a dropped connection would. */
function failingNthRendition(store: CatalogStore, n: number): CatalogStore {
  let writes = 0;
  const tx = (inner: CatalogTx): CatalogTx =>
    new Proxy(inner, {
      get(target, prop) {
        if (prop === 'putEntity')
          return async (kind: Parameters<CatalogTx['putEntity']>[0], record: never) => {
            if (kind === 'rendition' && ++writes === n)
              throw new FramewiseError('TRANSIENT', 'Catalog connection reset', { details: {} });
            return target.putEntity(kind, record);
          };
        const value = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'transaction')
        return <T>(fn: (t: CatalogTx) => Promise<T>) => target.transaction((inner) => fn(tx(inner)));
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** A storage driver whose `put` of the n-th object refuses (credentials expired), until `heal()`. */
function refusingNthPut(driver: StorageDriver, n: number): StorageDriver & { heal(): void } {
  let puts = 0;
  let healed = false;
  return Object.assign(Object.create(driver) as StorageDriver, {
    put: async (...args: Parameters<StorageDriver['put']>) => {
      if (!healed && ++puts === n) {
        args[1].resume();
        throw new FramewiseError('AUTH', `Storage refused ${JSON.stringify(args[0])}: credentials expired`, {
          details: {},
        });
      }
      return driver.put(...args);
    },
    heal: () => {
      healed = true;
    },
  });
}

async function keys(storage: ObjectStorage): Promise<string[]> {
  const out: string[] = [];
  for await (const item of storage.list('')) out.push(item.key);
  return out.sort();
}

describe('registerLadderOutputs (real ffmpeg ladder)', () => {
  let dir = '';
  let ladder: LadderResult;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'framewise-register-'));
    const source = await ffmpegGenerate(
      join(dir, 'source.mov'),
      ['testsrc2=size=640x360:rate=25:duration=2', 'sine=frequency=1000:sample_rate=48000:duration=2'],
      ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'pcm_s16le'],
    );
    const probed = await probe(source);
    const plan = planLadder(probed.technical, {
      name: 'small',
      video: [
        { name: 'h264-360p', codec: 'h264', height: 360, bitRate: 800_000 },
        { name: 'h264-180p', codec: 'h264', height: 180, bitRate: 300_000 },
      ],
      audio: [{ name: 'aac-stereo', codec: 'aac', bitRate: 128_000, channels: 2 }],
    });
    ladder = await runLadder(source, plan, join(dir, 'ladder'), { preset: 'ultrafast', probed });
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function setup(
    store: CatalogStore = createMemoryCatalogStore(),
    driver: StorageDriver = createMemoryStorage(),
  ) {
    const catalog = createCatalog({ store });
    const asset = await catalog.createAsset(editor, {
      project: 'p',
      kind: 'clip',
      titles: [{ language: 'en', value: 'Register' }],
    });
    const version = await catalog.addVersion(editor, asset.id, {
      name: 'mezz',
      kind: 'mezzanine',
      rate: { num: 25, den: 1, dropFrame: false },
      durationFrames: 50,
    });
    const storage = createObjectStorage(driver, { attempts: 1 });
    const options: RegisterLadderOutputsOptions = {
      catalog,
      actor: editor,
      versionId: version.id,
      storage,
      storageId: 'primary',
      keyPrefix: `renditions/${version.id}`,
    };
    return { catalog, version, storage, options };
  }

  it('stores every output under the prefix, then registers renditions naming that storage, key and checksums', async () => {
    const { catalog, version, storage, options } = await setup();
    const done = await registerLadderOutputs(ladder, options);
    expect(done.outputs.map((o) => [o.name, o.key, o.written])).toEqual([
      ['h264-360p', `renditions/${version.id}/h264-360p.mp4`, true],
      ['h264-180p', `renditions/${version.id}/h264-180p.mp4`, true],
      ['aac-stereo', `renditions/${version.id}/aac-stereo.m4a`, true],
    ]);
    const renditions = await catalog.listRenditions(editor, version.id);
    expect(renditions).toHaveLength(3);
    for (const r of renditions) {
      const [location] = r.locations;
      expect(location).toMatchObject({
        storage: 'primary',
        key: `renditions/${version.id}/${r.profile}.${r.audioCodec ? 'm4a' : 'mp4'}`,
      });
      const bytes = await storage.read(location?.key ?? '');
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(location?.checksums.sha256);
      expect(createHash('md5').update(bytes).digest('hex')).toBe(location?.checksums.md5);
      expect(bytes.byteLength).toBe(location?.sizeBytes);
    }
    expect(renditions.find((r) => r.profile === 'h264-180p')).toMatchObject({
      container: 'mp4',
      videoCodec: 'h264',
      width: 320,
      height: 180,
      rung: 1,
      bitRate: 300_000,
    });
    expect(renditions.find((r) => r.profile === 'aac-stereo')).toMatchObject({ audioCodec: 'aac', bitRate: 128_000 });
  }, 60_000);

  it('registers nothing, and removes what it stored, when storage fails midway', async () => {
    const driver = refusingNthPut(createMemoryStorage(), 2);
    const { catalog, version, storage, options } = await setup(undefined, driver);
    const error = await registerLadderOutputs(ladder, options).catch((e: unknown) => e);
    expect(isFramewiseError(error, 'AUTH'), String(error)).toBe(true);
    expect(String(error)).toMatch(/h264-180p\.mp4.*credentials expired.*Nothing was registered/);
    expect(await catalog.listRenditions(editor, version.id)).toEqual([]);
    expect(await keys(storage)).toEqual([]);
    // Once storage works again, the same call completes.
    driver.heal();
    await registerLadderOutputs(ladder, options);
    expect(await catalog.listRenditions(editor, version.id)).toHaveLength(3);
    expect(await keys(storage)).toHaveLength(3);
  }, 60_000);

  it('says what is left when registering fails midway, and a second call finishes without duplicates', async () => {
    const { catalog, version, storage, options } = await setup(failingNthRendition(createMemoryCatalogStore(), 2));
    const error = await registerLadderOutputs(ladder, options).catch((e: unknown) => e);
    expect(isFramewiseError(error, 'TRANSIENT'), String(error)).toBe(true);
    expect((error as FramewiseError).details).toMatchObject({
      registered: [`${version.id}:h264-360p`],
      pending: [
        { renditionId: `${version.id}:h264-180p`, key: `renditions/${version.id}/h264-180p.mp4` },
        { renditionId: `${version.id}:aac-stereo`, key: `renditions/${version.id}/aac-stereo.m4a` },
      ],
    });
    expect(String(error)).toMatch(/Registered 1 of 3.*Call registerLadderOutputs again/);
    expect((await catalog.listRenditions(editor, version.id)).map((r) => r.profile)).toEqual(['h264-360p']);
    // Whatever is registered is in storage.
    expect(await keys(storage)).toHaveLength(3);

    const again = await registerLadderOutputs(ladder, options);
    expect(again.outputs.map((o) => [o.name, o.written])).toEqual([
      ['h264-360p', false],
      ['h264-180p', true],
      ['aac-stereo', true],
    ]);
    const renditions = await catalog.listRenditions(editor, version.id);
    expect(renditions.map((r) => r.profile).sort()).toEqual(['aac-stereo', 'h264-180p', 'h264-360p']);
    const audit = await catalog.readAudit(auditor);
    expect(audit.filter((e) => e.action === 'rendition.register')).toHaveLength(3);
    // A third call is a no-op.
    const third = await registerLadderOutputs(ladder, options);
    expect(third.outputs.every((o) => !o.written)).toBe(true);
    expect((await catalog.readAudit(auditor)).filter((e) => e.action === 'rendition.register')).toHaveLength(3);
  }, 60_000);

  it('puts back a registered file that has gone from storage', async () => {
    const { storage, options } = await setup();
    const first = await registerLadderOutputs(ladder, options);
    const lost = first.outputs[1]?.key ?? '';
    await storage.delete(lost);
    const again = await registerLadderOutputs(ladder, options);
    expect(again.outputs.map((o) => o.written)).toEqual([false, true, false]);
    const digest = await storage.digest(lost);
    expect(digest.sha256).toBe(ladder.outputs[1]?.sha256);
  }, 60_000);

  it('refuses, before storing anything, an output whose rendition is registered with other content', async () => {
    const { catalog, version, storage, options } = await setup();
    await catalog.registerRendition(editor, version.id, {
      id: `${version.id}:aac-stereo`,
      profile: 'aac-stereo',
      container: 'mp4',
      locations: [{ storage: 'elsewhere', key: 'old/aac.m4a' }],
    });
    const error = await registerLadderOutputs(ladder, options).catch((e: unknown) => e);
    expect(isFramewiseError(error, 'CONFLICT'), String(error)).toBe(true);
    expect(String(error)).toMatch(/:aac-stereo" of version .* already registered with other content/);
    expect(await keys(storage)).toEqual([]);
    expect(await catalog.listRenditions(editor, version.id)).toHaveLength(1);
  }, 60_000);

  it('refuses a file that no longer matches the digests the ladder computed, and registers nothing', async () => {
    const { catalog, version, storage, options } = await setup();
    const tampered = ladder.outputs.map((o, i) => (i === 2 ? { ...o, sha256: '0'.repeat(64) } : o));
    const error = await registerLadderOutputs(tampered, options).catch((e: unknown) => e);
    expect(isFramewiseError(error, 'INTEGRITY'), String(error)).toBe(true);
    expect(await catalog.listRenditions(editor, version.id)).toEqual([]);
    expect(await keys(storage)).toEqual([]);
  }, 60_000);

  it('stops when cancelled, leaving nothing stored or registered', async () => {
    const { catalog, version, storage, options } = await setup();
    const error = await registerLadderOutputs(ladder, { ...options, signal: AbortSignal.abort() }).catch(
      (e: unknown) => e,
    );
    expect(isFramewiseError(error, 'CANCELLED'), String(error)).toBe(true);
    expect(await catalog.listRenditions(editor, version.id)).toEqual([]);
    expect(await keys(storage)).toEqual([]);
  });

  it('validates its options and the outputs, naming the input', async () => {
    const { options } = await setup();
    const bad = async (o: unknown, outputs: unknown = ladder) =>
      registerLadderOutputs(outputs as LadderResult, o as RegisterLadderOutputsOptions).catch((e: unknown) => e);
    const prefix = await bad({ ...options, keyPrefix: '../escape' });
    expect(isFramewiseError(prefix, 'INVALID_INPUT')).toBe(true);
    expect(String(prefix)).toMatch(/Options of registerLadderOutputs is invalid: keyPrefix/);
    expect(String(await bad({ ...options, storageId: undefined }))).toMatch(/storageId/);
    expect(String(await bad({ ...options, storage: {} }))).toMatch(/storage: must be an ObjectStorage/);
    expect(String(await bad(options, [{ ...ladder.outputs[0], sha256: 'abc' }]))).toMatch(/\[0\]\.sha256/);
    expect(String(await bad(options, []))).toMatch(/Ladder outputs registered on version/);
  });
});
