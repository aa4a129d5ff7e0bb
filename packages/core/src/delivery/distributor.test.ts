import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCatalog, createMemoryCatalogStore } from '../catalog/index.js';
import { isFramewiseError } from '../errors/index.js';
import { createRightsEngine } from '../rights/index.js';
import { createMemoryStorage, createObjectStorage } from '../storage/index.js';
import { MemoryEndpoint } from '../testing/memory-endpoint.js';
import {
  catalogDeliverySource,
  createDistributor,
  createMemoryDistributionStore,
  type DeliveryProfileInput,
  type DistributionEndpoint,
} from './index.js';

const admin = { id: 'ops', global: 'admin' as const };
const T = (iso: string) => Date.parse(iso);

const PROFILE: DeliveryProfileInput = {
  id: 'streamer-gb',
  name: 'Streamer GB',
  renditions: [{ name: 'main', container: 'mp4', videoCodec: 'h264', width: 1920, height: 1080 }],
  thumbnails: [{ width: 1280, height: 720 }],
  metadata: [
    { field: 'title', maxLength: 40, forbiddenCharacters: '<>' },
    { field: 'synopsis', maxLength: 200 },
    { field: 'apiKey', required: false },
  ],
  rights: { channel: 'svod', territories: ['GB'] },
  automation: { submit: 'automatic', update: 'automatic', remove: 'automatic' },
};

async function setup(
  options: { profile?: Partial<DeliveryProfileInput>; adapter?: MemoryEndpoint; start?: string; rights?: boolean } = {},
) {
  let now = T(options.start ?? '2027-01-10T12:00:00Z');
  const clock = { now: () => now };
  const catalog = createCatalog({ store: createMemoryCatalogStore(), clock });
  const storage = createObjectStorage(createMemoryStorage());
  await storage.put('r/main.mp4', Buffer.from('h264 main rendition bytes'));
  await storage.put('r/thumb.jpg', Buffer.from('jpeg'));
  await catalog.createAsset(admin, {
    id: 'lt-101',
    project: 'drama',
    kind: 'episode',
    titles: [{ language: 'en', value: 'Low Tide' }],
    synopses: [{ language: 'en', value: 'A storm strands a ferry.' }],
  });
  const version = await catalog.addVersion(admin, 'lt-101', {
    id: 'lt-101-master',
    name: 'master',
    kind: 'master',
    rate: { num: 25, den: 1, dropFrame: false },
    durationFrames: 250,
  });
  const main = await catalog.registerRendition(admin, version.id, {
    profile: 'h264-1080p',
    container: 'mp4',
    videoCodec: 'h264',
    width: 1920,
    height: 1080,
    bitRate: 6_000_000,
    locations: [{ storage: 'media', key: 'r/main.mp4', sizeBytes: 25 }],
  });
  await catalog.addRelatedAsset(admin, 'lt-101', {
    kind: 'thumbnail',
    width: 1280,
    height: 720,
    mimeType: 'image/jpeg',
    locations: [{ storage: 'media', key: 'r/thumb.jpg', sizeBytes: 4 }],
  });
  const rights = createRightsEngine({
    deals: [
      {
        id: 'deal-1',
        direction: 'in',
        licensor: 'Northlight',
        licensee: 'Us',
        assets: ['lt-101'],
        grants: [
          {
            id: 'svod-gb',
            media: ['svod'],
            territories: 'GB',
            window: { start: '2027-02-01T00:00:00Z', end: '2027-03-01T00:00:00Z' },
          },
        ],
      },
    ],
  });
  const adapter = options.adapter ?? new MemoryEndpoint();
  const endpoint: DistributionEndpoint = {
    id: 'streamer-gb',
    profile: { ...PROFILE, ...options.profile },
    adapter,
    fields: (s) => ({
      title: s.asset.titles[0]?.value,
      synopsis: s.asset.synopses[0]?.value,
      apiKey: 'sk-live-123',
    }),
  };
  const store = createMemoryDistributionStore();
  const distributor = createDistributor({
    store,
    endpoints: [endpoint],
    source: catalogDeliverySource({ catalog, actor: admin, storages: () => storage }),
    ...(options.rights === false ? {} : { rights }),
    clock,
    retry: { baseMs: 1000, maxMs: 60_000, maxAttempts: 4 },
    pollIntervalMs: 10_000,
    audit: { catalog, actor: admin },
  });
  return {
    catalog,
    version,
    main,
    adapter,
    store,
    distributor,
    endpoint,
    at: (iso: string) => {
      now = T(iso);
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('delivery validation', () => {
  it('lists every problem with its parameters and a fix, then passes once fixed', async () => {
    const s = await setup({
      profile: {
        renditions: [{ name: 'uhd', container: 'mp4', videoCodec: 'hevc', width: 3840, height: 2160 }],
        thumbnails: [{ width: 1920, height: 1080 }],
        captions: { languages: ['fr'], formats: ['webvtt'] },
      },
    });
    await s.catalog.updateAsset(admin, 'lt-101', {
      titles: [{ language: 'en', value: 'Low Tide <Director’s cut> — the long version' }],
    });
    const v = await s.distributor.validate('lt-101', s.version.id, 'streamer-gb');
    expect(v.ok).toBe(false);
    const byKind = Object.fromEntries(v.problems.map((p) => [p.kind, p]));
    expect(byKind['missing-rendition']).toMatchObject({ spec: { name: 'uhd', width: 3840 } });
    expect(byKind['missing-rendition']?.message).toContain('"uhd" (mp4 hevc 3840x2160)');
    expect(byKind['missing-thumbnail']).toMatchObject({ spec: { width: 1920, height: 1080 }, found: ['1280x720'] });
    const long = [...'Low Tide <Director’s cut> — the long version'].length;
    expect(byKind['metadata-too-long']).toMatchObject({ field: 'title', length: long, limit: 40 });
    expect(byKind['metadata-too-long']?.fix).toBe(`Shorten "title" by ${long - 40} characters`);
    expect(byKind['metadata-forbidden-character']).toMatchObject({ field: 'title', character: '<' });
    expect(byKind['missing-captions']).toMatchObject({ language: 'fr', formats: ['webvtt'] });
    expect(byKind['rights-not-held']).toMatchObject({ territory: 'GB', channel: 'svod' });
    const rightsProblem = v.problems.find((p) => p.kind === 'rights-not-held');
    expect(rightsProblem?.kind === 'rights-not-held' && rightsProblem.explanation).toMatch(/svod|SVOD/);
    // Fixed: the standard profile, a short title, inside the window.
    const fixed = await setup();
    s.at('2027-02-10T00:00:00Z');
    expect(
      (await fixed.distributor.validate('lt-101', fixed.version.id, 'streamer-gb', T('2027-02-10T00:00:00Z'))).problems,
    ).toEqual([]);
  });

  it('refuses a manual submission with every problem, typed', async () => {
    const s = await setup({ profile: { automation: { submit: 'manual' } }, start: '2027-02-10T00:00:00Z' });
    await s.catalog.updateAsset(admin, 'lt-101', { synopses: [] });
    const error = await s.distributor
      .submit('lt-101', 'streamer-gb', { versionId: s.version.id })
      .catch((e: unknown) => e);
    expect(isFramewiseError(error, 'INVALID_INPUT')).toBe(true);
    expect((error as { details: { problems: { kind: string; field: string }[] } }).details.problems).toEqual([
      expect.objectContaining({ kind: 'metadata-missing', field: 'synopsis' }),
    ]);
    expect(await s.distributor.get('lt-101', 'streamer-gb')).toBeUndefined();
  });
});

describe('distributor', () => {
  it('goes live at sunrise and comes down at sunset, on time, from the rights window', async () => {
    const s = await setup();
    const [record] = await s.distributor.ready('lt-101', s.version.id);
    expect(record).toMatchObject({
      state: 'pending',
      window: { sunrise: '2027-02-01T00:00:00.000Z', sunset: '2027-03-01T00:00:00.000Z', source: 'rights' },
    });
    expect((await s.distributor.sweep()).nextWakeAt).toBe('2027-02-01T00:00:00.000Z');
    expect(s.adapter.calls).toEqual([]);
    s.at('2027-02-01T00:00:00Z');
    const sunrise = await s.distributor.sweep();
    expect(sunrise.actions).toEqual([expect.objectContaining({ action: 'submit', from: 'pending', to: 'live' })]);
    const live = await s.distributor.get('lt-101', 'streamer-gb');
    expect(live?.remoteId).toBe('item-1');
    expect(live?.sent?.files.map((f) => f.name)).toEqual(['main', 'thumbnail-1280x720']);
    expect(live?.sent?.fields.apiKey).toBe('[redacted]');
    expect(s.adapter.items.get('item-1')?.files.main?.sizeBytes).toBe(25);
    expect((await s.distributor.liveOn('streamer-gb')).map((r) => r.assetId)).toEqual(['lt-101']);
    expect(sunrise.nextWakeAt).toBe('2027-03-01T00:00:00.000Z');
    s.at('2027-02-28T23:59:59.999Z');
    expect((await s.distributor.sweep()).actions).toEqual([]);
    s.at('2027-03-01T00:00:00Z');
    const sunset = await s.distributor.sweep();
    expect(sunset.actions).toEqual([expect.objectContaining({ action: 'remove', from: 'live', to: 'removed' })]);
    expect(s.adapter.items.size).toBe(0);
    const done = await s.distributor.get('lt-101', 'streamer-gb');
    expect(done?.history.map((h) => `${h.from}->${h.to}:${h.event}`)).toEqual([
      'pending->pending:ready',
      'pending->submitting:submit',
      'submitting->live:submit',
      'live->removing:remove',
      'removing->removed:remove',
    ]);
    const audit = (await s.catalog.readAudit(admin)).map((e) => e.action);
    expect(audit).toContain('distribution.submit');
    expect(audit).toContain('distribution.remove');
  });

  it('updates only what changed, and never drops a change requested while an update is in flight', async () => {
    const s = await setup({ start: '2027-02-10T00:00:00Z' });
    await s.distributor.ready('lt-101', s.version.id);
    await s.distributor.sweep();
    // Nothing changed: no call.
    await s.distributor.changed('lt-101');
    await s.distributor.sweep();
    expect(s.adapter.calls).toEqual(['submit']);
    // A change, and a second one arriving while the first update is being sent.
    const update = s.adapter.update.bind(s.adapter);
    let second = false;
    s.adapter.update = async (pkg, changes, ctx) => {
      if (!second) {
        second = true;
        await s.catalog.updateAsset(admin, 'lt-101', { synopses: [{ language: 'en', value: 'Second synopsis' }] });
        await s.distributor.changed('lt-101').catch(() => undefined);
      }
      return update(pkg, changes, ctx);
    };
    await s.catalog.updateAsset(admin, 'lt-101', { titles: [{ language: 'en', value: 'Low Tide (new title)' }] });
    await s.distributor.changed('lt-101');
    await s.distributor.sweep();
    let r = await s.distributor.get('lt-101', 'streamer-gb');
    expect(r?.changes).toBeGreaterThan(r?.appliedChanges ?? 0);
    await s.distributor.sweep();
    r = await s.distributor.get('lt-101', 'streamer-gb');
    expect(r?.changes).toBe(r?.appliedChanges);
    expect(s.adapter.items.get('item-1')?.fields).toMatchObject({
      title: 'Low Tide (new title)',
      synopsis: 'Second synopsis',
    });
    expect(s.adapter.calls.filter((c) => c === 'update').length).toBeGreaterThanOrEqual(1);
  });

  it('retries a down endpoint with backoff, then delivers once', async () => {
    const s = await setup({ start: '2027-02-10T00:00:00Z' });
    await s.distributor.ready('lt-101', s.version.id);
    s.adapter.fault = 'unavailable';
    await s.distributor.sweep();
    let r = await s.distributor.get('lt-101', 'streamer-gb');
    expect(r).toMatchObject({ state: 'submitting', attempts: 1, lastError: { code: 'TRANSIENT' } });
    expect(r?.nextAttemptAt).toBe('2027-02-10T00:00:01.000Z');
    await s.distributor.sweep();
    expect(s.adapter.calls).toEqual(['submit']);
    s.adapter.fault = undefined;
    s.at('2027-02-10T00:00:01Z');
    await s.distributor.sweep();
    r = await s.distributor.get('lt-101', 'streamer-gb');
    expect(r).toMatchObject({ state: 'live', attempts: 0 });
    expect(s.adapter.items.size).toBe(1);
  });

  it('gives up after the last attempt with the reason', async () => {
    const s = await setup({ start: '2027-02-10T00:00:00Z' });
    await s.distributor.ready('lt-101', s.version.id);
    s.adapter.fault = 'unavailable';
    for (let i = 0; i < 6; i++) {
      await s.distributor.sweep();
      s.advance(120_000);
    }
    expect(await s.distributor.get('lt-101', 'streamer-gb')).toMatchObject({
      state: 'error-submit',
      lastError: { code: 'TRANSIENT', message: expect.stringMatching(/gave up after 4 attempts/) },
    });
  });

  it('parks work on a quota error until the quota resets, and stops on revoked credentials', async () => {
    const s = await setup({ start: '2027-02-10T00:00:00Z' });
    await s.distributor.ready('lt-101', s.version.id);
    s.adapter.fault = 'quota';
    s.adapter.quotaResetsAt = '2027-02-10T08:00:00.000Z';
    await s.distributor.sweep();
    const parked = await s.distributor.get('lt-101', 'streamer-gb');
    expect(parked).toMatchObject({ state: 'parked', resumeState: 'submitting' });
    s.adapter.fault = undefined;
    await s.distributor.sweep();
    expect(s.adapter.calls).toEqual(['submit']);
    s.at(parked?.parkedUntil as string);
    await s.distributor.sweep();
    expect((await s.distributor.get('lt-101', 'streamer-gb'))?.state).toBe('live');
    s.adapter.fault = 'auth';
    await s.distributor.remove('lt-101', 'streamer-gb');
    await s.distributor.sweep();
    expect(await s.distributor.get('lt-101', 'streamer-gb')).toMatchObject({
      state: 'error-remove',
      lastError: { code: 'AUTH' },
    });
  });

  it('falls back from delete to unpublish, and says when it can do neither', async () => {
    const unpublishing = await setup({
      start: '2027-02-10T00:00:00Z',
      adapter: new MemoryEndpoint({ remoteDelete: false }),
    });
    await unpublishing.distributor.ready('lt-101', unpublishing.version.id);
    await unpublishing.distributor.sweep();
    await unpublishing.distributor.remove('lt-101', 'streamer-gb');
    await unpublishing.distributor.sweep();
    expect(unpublishing.adapter.calls).toEqual(['submit', 'remove:unpublish']);
    expect(unpublishing.adapter.items.get('item-1')?.state).toBe('unpublished');
    expect((await unpublishing.distributor.get('lt-101', 'streamer-gb'))?.state).toBe('removed');

    const stuck = await setup({
      start: '2027-02-10T00:00:00Z',
      adapter: new MemoryEndpoint({ remoteDelete: false, unpublish: false }),
    });
    await stuck.distributor.ready('lt-101', stuck.version.id);
    await stuck.distributor.sweep();
    await stuck.distributor.remove('lt-101', 'streamer-gb');
    await stuck.distributor.sweep();
    expect(await stuck.distributor.get('lt-101', 'streamer-gb')).toMatchObject({
      state: 'error-remove',
      lastError: { code: 'UNSUPPORTED', message: expect.stringMatching(/take "lt-101" down by hand/) },
    });
  });

  it('confirms asynchronous processing by polling', async () => {
    const adapter = new MemoryEndpoint({ asyncProcessing: true });
    adapter.processingPolls = 2;
    const s = await setup({ start: '2027-02-10T00:00:00Z', adapter });
    await s.distributor.ready('lt-101', s.version.id);
    await s.distributor.sweep();
    expect((await s.distributor.get('lt-101', 'streamer-gb'))?.state).toBe('processing');
    s.advance(10_000);
    await s.distributor.sweep();
    s.advance(10_000);
    await s.distributor.sweep();
    expect((await s.distributor.get('lt-101', 'streamer-gb'))?.state).toBe('live');
    expect(adapter.calls).toEqual(['submit', 'poll', 'poll']);
  });

  it('never delivers twice when two distributors sweep the same records at once', async () => {
    const s = await setup({ start: '2027-02-10T00:00:00Z' });
    await s.distributor.ready('lt-101', s.version.id);
    const other = createDistributor({
      store: s.store,
      endpoints: [s.endpoint],
      source: catalogDeliverySource({ catalog: s.catalog, actor: admin, storages: () => undefined }),
      clock: { now: () => T('2027-02-10T00:00:00Z') },
    });
    await Promise.all([s.distributor.sweep(), other.sweep()]);
    expect(s.adapter.calls.filter((c) => c === 'submit')).toHaveLength(1);
    expect(s.adapter.items.size).toBe(1);
  });

  it('answers where an asset is', async () => {
    const s = await setup({ start: '2027-02-10T00:00:00Z' });
    await s.distributor.ready('lt-101', s.version.id);
    await s.distributor.sweep();
    expect((await s.distributor.whereIs('lt-101')).map((r) => [r.endpointId, r.state, r.remoteId])).toEqual([
      ['streamer-gb', 'live', 'item-1'],
    ]);
  });
});

describe('the rights gate (property)', () => {
  it('never submits, or keeps live, content whose rights do not cover the endpoint at that instant', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 30 })), {
          minLength: 0,
          maxLength: 3,
        }),
        fc.array(fc.integer({ min: 0, max: 100 * 24 }), { minLength: 1, maxLength: 25 }),
        async (windows, hours) => {
          const base = T('2027-01-01T00:00:00Z');
          const day = 86_400_000;
          const grants = windows.map(([start, length], i) => ({
            id: `g${i}`,
            media: ['svod' as const],
            territories: 'GB',
            window: {
              start: new Date(base + start * day).toISOString(),
              end: new Date(base + (start + length) * day).toISOString(),
            },
          }));
          const engine = createRightsEngine({
            deals:
              grants.length === 0
                ? []
                : [{ id: 'd', direction: 'in', licensor: 'L', licensee: 'U', assets: ['a'], grants }],
          });
          let now = base;
          const adapter = new MemoryEndpoint();
          const submittedAt: number[] = [];
          const submit = adapter.submit.bind(adapter);
          adapter.submit = (pkg, ctx) => {
            submittedAt.push(now);
            return submit(pkg, ctx);
          };
          const asset = {
            id: 'a',
            project: 'p',
            kind: 'clip' as const,
            titles: [{ language: 'en', value: 'A', kind: 'main' as const }],
          };
          const distributor = createDistributor({
            store: createMemoryDistributionStore(),
            endpoints: [
              {
                id: 'e',
                profile: {
                  id: 'e',
                  name: 'E',
                  rights: { channel: 'svod', territories: ['GB'] },
                  automation: { submit: 'automatic' },
                },
                adapter,
                fields: () => ({}),
              },
            ],
            source: {
              load: async () =>
                ({
                  asset,
                  version: { id: 'v' },
                  renditions: [],
                  related: [],
                  captions: [],
                  open: async () => undefined,
                }) as never,
            },
            rights: engine,
            clock: { now: () => now },
          });
          await distributor.ready('a', 'v');
          const covered = (t: number) =>
            engine.evaluate({ assetId: 'a', territory: 'GB', channel: 'svod', at: t }).allowed;
          for (const h of [...hours].sort((x, y) => x - y)) {
            now = base + h * 3_600_000;
            await distributor.sweep(now);
            const r = await distributor.get('a', 'e');
            const up = r !== undefined && ['live', 'processing', 'submitting', 'updating'].includes(r.state);
            if (!covered(now)) expect(up, `live at ${new Date(now).toISOString()} without rights`).toBe(false);
            expect(adapter.items.size).toBeLessThanOrEqual(1);
          }
          for (const t of submittedAt) expect(covered(t)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});
