import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Catalog,
  type CatalogStore,
  copiesOnVersion,
  createCatalog,
  isFramewiseError,
  type PrincipalInput,
  recordCopies,
} from '../../index.js';
import { annotationSuite } from './annotations.js';
import {
  admin,
  auditor,
  dramaEditor,
  dramaEditor2,
  dramaManager,
  dramaViewer,
  ManualClock,
  newsEditor,
} from './fixtures.js';
import { inputSuite } from './inputs.js';
import { isolationSuite } from './isolation.js';
import { searchSuite } from './search.js';
import { expectError, type SuiteContext } from './suite-context.js';
import { timelineSuite } from './timeline.js';

export { expectError } from './suite-context.js';

/** Hooks that let the suite tamper with a store's audit table, to prove verification finds it. */
export interface AuditTamperHooks {
  /** Change the actor of an audit event (of a project's chain) in place, without fixing its hash. */
  alterActor(project: string, seq: number, actor: string): Promise<void>;
  /** Delete an audit event of a project's chain, leaving the chain's stored head as it is. */
  remove(project: string, seq: number): Promise<void>;
}

/** How the conformance suite gets a store. */
export interface CatalogConformanceOptions {
  /** Create an empty store (called once; tests isolate themselves by project). */
  readonly create: () => Promise<CatalogStore> | CatalogStore;
  /** Release it (called once at the end). */
  readonly destroy?: (store: CatalogStore) => Promise<void>;
  /** When given, audit tampering tests run against the real table. */
  readonly tamper?: (store: CatalogStore) => AuditTamperHooks;
  /** Generated catalog size for search tests (default 300). */
  readonly searchSize?: number;
}

/** Let `ms` pass on the catalog's clock and on the store's (a database judges leases by its own clock). */
async function expire(clock: ManualClock, ms: number): Promise<void> {
  clock.advance(ms);
  await new Promise((resolve) => setTimeout(resolve, ms));
}

function episode(project: string, title: string, extra: Partial<Parameters<Catalog['createAsset']>[1]> = {}) {
  return { project, kind: 'episode' as const, titles: [{ language: 'en', value: title }], ...extra };
}

/**
 * The catalog store conformance suite. Call it from a vitest file with a factory for your store;
 * every Framewise store passes it, and so must yours.
 *
 * @example
 * ```ts
 * import { catalogStoreConformance } from '@framewise/core/testing';
 * catalogStoreConformance('my-store', { create: () => createMyStore(), destroy: (s) => s.close() });
 * ```
 */
export function catalogStoreConformance(name: string, options: CatalogConformanceOptions): void {
  describe(`CatalogStore conformance: ${name}`, () => {
    const ctx = {} as SuiteContext;
    beforeAll(async () => {
      ctx.store = await options.create();
      ctx.clock = new ManualClock();
      ctx.catalog = createCatalog({ store: ctx.store, clock: ctx.clock, defaultLeaseMs: 60_000 });
    }, 120_000);
    afterAll(async () => {
      if (ctx.store !== undefined) await (options.destroy ?? ((s) => s.close()))(ctx.store);
    });

    describe('assets', () => {
      it('creates, reads, updates with revisions, and deletes with everything that belongs', async () => {
        const { catalog } = ctx;
        const asset = await catalog.createAsset(
          dramaEditor,
          episode('drama', 'The Crossing', { id: 'conf-crud-1', genres: ['Drama'] }),
        );
        expect(asset).toMatchObject({ id: 'conf-crud-1', revision: 1, createdBy: 'ana', fence: 0 });
        expect((await catalog.getAsset(dramaViewer, asset.id)).titles[0]?.value).toBe('The Crossing');
        const updated = await catalog.updateAsset(dramaEditor, asset.id, { moods: ['tense'] }, { expectedRevision: 1 });
        expect(updated.revision).toBe(2);
        expect(updated.genres).toEqual(['Drama']);
        await expectError(
          catalog.updateAsset(dramaEditor, asset.id, { moods: [] }, { expectedRevision: 1 }),
          'CONFLICT',
          /revision 2, not 1/,
        );
        await expectError(
          catalog.createAsset(dramaEditor, episode('drama', 'Dup', { id: 'conf-crud-1' })),
          'CONFLICT',
          /already taken/,
        );
        await expectError(
          catalog.updateAsset(dramaEditor, asset.id, { project: 'news' }),
          'INVALID_INPUT',
          /cannot move/,
        );
        const version = await catalog.addVersion(dramaEditor, asset.id, {
          name: 'master',
          kind: 'master',
          rate: { num: 25, den: 1, dropFrame: false },
          durationFrames: 1000,
        });
        const proxy = await catalog.addVersion(dramaEditor, asset.id, {
          name: 'proxy',
          kind: 'proxy',
          rate: { num: 25, den: 1, dropFrame: false },
          durationFrames: 1000,
        });
        await catalog.relateVersions(dramaEditor, { from: proxy.id, to: version.id, type: 'proxy-of' });
        await catalog.addAnnotations(dramaEditor, version.id, [
          { type: 'note', start: 0, duration: 10, provenance: { kind: 'person', id: 'ana' } },
        ]);
        await expectError(catalog.deleteAsset(dramaEditor, asset.id), 'FORBIDDEN');
        await catalog.deleteAsset(dramaManager, asset.id);
        await expectError(catalog.getAsset(dramaEditor, asset.id), 'FORBIDDEN');
        await expectError(catalog.getAsset(admin, asset.id), 'NOT_FOUND');
        expect(await ctx.store.getEntity('version', version.id)).toBeUndefined();
        expect(await ctx.store.listAnnotations(version.id)).toEqual([]);
        expect(await ctx.store.listEntities('relation', { to: version.id })).toEqual([]);
      });

      it('refuses invalid input naming the field', async () => {
        const message = await expectError(
          ctx.catalog.createAsset(dramaEditor, {
            project: 'drama',
            kind: 'episode',
            titles: [{ language: 'en_GB!', value: 'x' }],
          }),
          'INVALID_INPUT',
        );
        expect(message).toMatch(/titles\[0\]\.language/);
        await expectError(
          ctx.catalog.createAsset(
            dramaEditor,
            episode('drama', 'x', { externalIds: [{ scheme: 'eidr', value: '10.5240/NOPE' }] }),
          ),
          'INVALID_INPUT',
          /externalIds\[0\]\.value/,
        );
        await expectError(
          ctx.catalog.createAsset(dramaEditor, episode('drama', 'bad\u0007title')),
          'INVALID_INPUT',
          /control characters/,
        );
      });
    });

    describe('access control', () => {
      it('denies by default, by project and by role, without revealing existence', async () => {
        const { catalog } = ctx;
        const secret = await catalog.createAsset(newsEditor, episode('news', 'Embargoed', { id: 'conf-acl-news' }));
        const outsider = await expectError(catalog.getAsset(dramaEditor, secret.id), 'FORBIDDEN');
        const missing = await expectError(catalog.getAsset(dramaEditor, 'conf-acl-missing'), 'FORBIDDEN');
        expect(outsider.replace(secret.id, 'X')).toBe(missing.replace('conf-acl-missing', 'X'));
        await expectError(catalog.createAsset(dramaViewer, episode('drama', 'nope')), 'FORBIDDEN');
        await expectError(catalog.createAsset({ id: 'nobody' }, episode('drama', 'nope')), 'FORBIDDEN');
        const drama = await catalog.createAsset(dramaEditor, episode('drama', 'Open', { id: 'conf-acl-drama' }));
        await expectError(catalog.updateAsset(dramaViewer, drama.id, { genres: ['x'] }), 'FORBIDDEN');
        const seen = await catalog.searchAssets(dramaEditor, { text: 'embargoed' });
        expect(seen.items).toEqual([]);
        expect((await catalog.searchAssets(auditor, { text: 'embargoed' })).items.map((a) => a.id)).toEqual([
          secret.id,
        ]);
        await expectError(
          catalog.findAnnotations(dramaEditor, { versionId: 'conf-acl-missing-v', contains: 0 }),
          'FORBIDDEN',
        );
      });
    });

    describe('versions and genealogy', () => {
      it('relates versions as a DAG, walks lineage to camera originals, and refuses cycles', async () => {
        const { catalog } = ctx;
        const asset = await catalog.createAsset(dramaEditor, episode('drama', 'Genealogy', { id: 'conf-gen' }));
        const rate = { num: 24000, den: 1001, dropFrame: false };
        const add = (name: string, kind: 'camera-original' | 'conform' | 'grade' | 'master' | 'proxy') =>
          catalog.addVersion(dramaEditor, asset.id, { name, kind, rate, durationFrames: 5000 });
        const camA = await add('A001', 'camera-original');
        const camB = await add('B001', 'camera-original');
        const conform = await add('conform', 'conform');
        const grade = await add('grade', 'grade');
        const master = await add('master', 'master');
        await catalog.relateVersions(dramaEditor, { from: conform.id, to: camA.id, type: 'conform-of' });
        await catalog.relateVersions(dramaEditor, { from: conform.id, to: camB.id, type: 'conform-of' });
        await catalog.relateVersions(dramaEditor, { from: grade.id, to: conform.id, type: 'graded-from' });
        await catalog.relateVersions(dramaEditor, { from: master.id, to: grade.id, type: 'remaster-of' });
        const lineage = await catalog.lineage(dramaViewer, master.id);
        expect(lineage.originals.map((v) => v.name).sort()).toEqual(['A001', 'B001']);
        expect(lineage.versions.map((v) => v.name)).toEqual(['grade', 'conform', 'A001', 'B001']);
        const down = await catalog.descendants(dramaViewer, camA.id);
        expect(down.versions.map((v) => v.name)).toEqual(['conform', 'grade', 'master']);
        await expectError(
          catalog.relateVersions(dramaEditor, { from: camA.id, to: master.id, type: 'migrated-from' }),
          'CONFLICT',
          /cycle/,
        );
        await expectError(
          catalog.relateVersions(dramaEditor, { from: camA.id, to: camA.id, type: 'migrated-from' }),
          'INVALID_INPUT',
        );
        const again = await catalog.relateVersions(dramaEditor, {
          from: grade.id,
          to: conform.id,
          type: 'graded-from',
        });
        expect(
          (await catalog.ancestors(dramaViewer, grade.id)).relations.filter((r) => r.id === again.id),
        ).toHaveLength(1);
      });

      it('keeps proxies linked when the original moves, and relinks them', async () => {
        const { catalog } = ctx;
        const asset = await catalog.createAsset(dramaEditor, episode('drama', 'Proxy', { id: 'conf-proxy' }));
        const rate = { num: 25, den: 1, dropFrame: false };
        const original = await catalog.addVersion(dramaEditor, asset.id, {
          name: 'OCN',
          kind: 'master',
          rate,
          durationFrames: 100,
          locations: [{ storage: 'online', key: 'masters/ocn.mxf' }],
        });
        const proxy = await catalog.addVersion(dramaEditor, asset.id, {
          name: 'proxy',
          kind: 'proxy',
          rate,
          durationFrames: 100,
        });
        await catalog.relateVersions(dramaEditor, { from: proxy.id, to: original.id, type: 'proxy-of' });
        const moved = await catalog.relocateVersion(dramaEditor, original.id, [
          { storage: 'lto-pool-a', key: 'ocn.mxf' },
        ]);
        expect(moved.locations[0]?.storage).toBe('lto-pool-a');
        expect((await catalog.ancestors(dramaViewer, proxy.id)).versions.map((v) => v.locations[0]?.storage)).toEqual([
          'lto-pool-a',
        ]);
        const reingest = await catalog.addVersion(dramaEditor, asset.id, {
          name: 'OCN re-ingest',
          kind: 'master',
          rate,
          durationFrames: 100,
        });
        await catalog.relinkProxy(dramaEditor, proxy.id, reingest.id);
        expect((await catalog.ancestors(dramaViewer, proxy.id)).versions.map((v) => v.id)).toEqual([reingest.id]);
      });

      it('registers renditions idempotently', async () => {
        const { catalog } = ctx;
        const asset = await catalog.createAsset(dramaEditor, episode('drama', 'Renditions', { id: 'conf-rend' }));
        const v = await catalog.addVersion(dramaEditor, asset.id, {
          name: 'm',
          kind: 'master',
          rate: { num: 25, den: 1, dropFrame: false },
          durationFrames: 10,
        });
        const input = {
          id: 'conf-rend-1080',
          profile: 'h264-1080p',
          container: 'mp4',
          width: 1920,
          height: 1080,
          rung: 0,
          locations: [{ storage: 'cdn', key: 'r/1080.mp4' }],
        };
        const first = await catalog.registerRendition(dramaEditor, v.id, input);
        const second = await catalog.registerRendition(dramaEditor, v.id, input);
        expect(second).toEqual(first);
        await expectError(catalog.registerRendition(dramaEditor, v.id, { ...input, height: 720 }), 'CONFLICT');
        expect((await catalog.listRenditions(dramaViewer, v.id)).map((r) => r.id)).toEqual(['conf-rend-1080']);
        const thumb = await catalog.addRelatedAsset(dramaEditor, asset.id, {
          kind: 'thumbnail',
          width: 1280,
          height: 720,
          deliveryRules: [{ endpoints: ['youtube'], exactWidth: 1280, exactHeight: 720 }],
        });
        expect((await catalog.listRelatedAssets(dramaViewer, asset.id)).map((r) => r.id)).toEqual([thumb.id]);
      });

      it('archive copy records: a stale write-back never re-creates a copy removed meanwhile; concurrent merges all land', async () => {
        const { catalog } = ctx;
        const asset = await catalog.createAsset(dramaEditor, episode('drama', 'Copies', { id: 'conf-copies' }));
        const v = await catalog.addVersion(dramaEditor, asset.id, {
          name: 'm',
          kind: 'master',
          rate: { num: 25, den: 1, dropFrame: false },
          durationFrames: 10,
        });
        const copy = (locationId: string) => ({
          fileKey: 'master',
          locationId,
          key: 'm.mxf',
          sizeBytes: 10,
          sha256: 'a'.repeat(64),
          status: 'verified' as const,
          verifiedAt: '2026-11-20T00:00:00.000Z',
        });
        const seeded = await recordCopies(catalog, dramaEditor, v.id, ['a', 'b', 'c'].map(copy), {
          expectedRevision: v.revision,
        });
        // a fixity audit reads the copy set…
        const stale = copiesOnVersion(seeded);
        // …a reconciler un-records "a" by compare-and-set (as a guarded delete does)…
        await catalog.relocateVersion(
          dramaEditor,
          v.id,
          seeded.locations.filter((l) => l.storage !== 'a'),
          { expectedRevision: seeded.revision },
        );
        // …and the audit writes each copy's result back from its stale view, all at once
        await Promise.all(
          stale.map((c, i) =>
            recordCopies(catalog, dramaEditor, v.id, [
              {
                ...c,
                checkedAt: `2026-11-2${i + 1}T00:00:00.000Z`,
                ...(c.locationId === 'c' ? { status: 'corrupt' } : {}),
              },
            ]),
          ),
        );
        const after = copiesOnVersion(await catalog.getVersion(dramaViewer, v.id));
        expect(after.map((c) => [c.locationId, c.status, c.checkedAt])).toEqual([
          ['b', 'verified', '2026-11-22T00:00:00.000Z'],
          ['c', 'corrupt', '2026-11-23T00:00:00.000Z'],
        ]);
        // replacing the copy set from the stale view is refused
        await expectError(
          recordCopies(catalog, dramaEditor, v.id, stale, { expectedRevision: seeded.revision }),
          'CONFLICT',
        );
        expect(copiesOnVersion(await catalog.getVersion(dramaViewer, v.id)).map((c) => c.locationId)).toEqual([
          'b',
          'c',
        ]);
      });
    });

    describe('check-out', () => {
      it('gives exactly one winner among many parallel check-outs', async () => {
        const { catalog } = ctx;
        const asset = await catalog.createAsset(dramaEditor, episode('drama', 'Race', { id: 'conf-race' }));
        const contenders: PrincipalInput[] = Array.from({ length: 16 }, (_, i) => ({
          id: `editor-${i}`,
          memberships: [{ project: 'drama', role: 'editor' }],
        }));
        const results = await Promise.allSettled(contenders.map((p) => catalog.checkOut(p, asset.id)));
        const won = results.filter((r) => r.status === 'fulfilled');
        expect(won).toHaveLength(1);
        const holder = (won[0] as PromiseFulfilledResult<{ holder: string }>).value.holder;
        for (const r of results) {
          if (r.status === 'rejected') {
            expect(isFramewiseError(r.reason, 'CONFLICT')).toBe(true);
            expect((r.reason as Error).message).toContain(`checked out by "${holder}"`);
          }
        }
      });

      it('fences writes, expires, hands over, and refuses stale tokens', async () => {
        const { catalog, clock } = ctx;
        const asset = await catalog.createAsset(dramaEditor, episode('drama', 'Fence', { id: 'conf-fence' }));
        const lease = await catalog.checkOut(dramaEditor, asset.id, { ttlMs: 1_000, note: 'conform' });
        expect(lease.token).toBe(1);
        await expectError(catalog.checkOut(dramaEditor2, asset.id), 'CONFLICT', /checked out by "ana".*\(conform\)/);
        await expectError(
          catalog.updateAsset(dramaEditor2, asset.id, { genres: ['x'] }),
          'CONFLICT',
          /checked out by "ana"/,
        );
        await catalog.updateAsset(dramaEditor, asset.id, { genres: ['drama'] }, { fence: lease.token });
        await expire(clock, 1_001);
        const taken = await catalog.checkOut(dramaEditor2, asset.id, { ttlMs: 10_000 });
        expect(taken.token).toBe(2);
        await expectError(
          catalog.updateAsset(dramaEditor, asset.id, { genres: ['late'] }, { fence: lease.token }),
          'CONFLICT',
          /stale/,
        );
        await expectError(catalog.checkIn(dramaEditor, asset.id, lease.token), 'CONFLICT', /stale/);
        const renewed = await catalog.renewLease(dramaEditor2, asset.id, taken.token, { ttlMs: 20_000 });
        expect(Date.parse(renewed.expiresAt)).toBeGreaterThan(Date.parse(taken.expiresAt));
        await catalog.checkIn(dramaEditor2, asset.id, taken.token);
        await expectError(
          catalog.updateAsset(dramaEditor2, asset.id, { genres: ['after'] }, { fence: taken.token }),
          'CONFLICT',
          /stale/,
        );
        expect(await catalog.getLease(dramaViewer, asset.id)).toBeUndefined();
        const third = await catalog.checkOut(dramaEditor, asset.id);
        expect(third.token).toBeGreaterThan(taken.token);
        await expectError(catalog.breakLease(dramaEditor2, asset.id), 'FORBIDDEN');
        await catalog.breakLease(dramaManager, asset.id);
        await expectError(
          catalog.updateAsset(dramaEditor, asset.id, { genres: ['x'] }, { fence: third.token }),
          'CONFLICT',
          /stale/,
        );
      });
    });

    describe('leases on every write path', () => {
      it('voids a fencing token once its lease expired, even before anyone else checks out', async () => {
        const { catalog, clock } = ctx;
        const asset = await catalog.createAsset(dramaEditor, episode('drama', 'Expired', { id: 'conf-expired' }));
        const lease = await catalog.checkOut(dramaEditor, asset.id, { ttlMs: 1_000 });
        await catalog.updateAsset(dramaEditor, asset.id, { genres: ['a'] }, { fence: lease.token });
        await expire(clock, 1_001);
        await expectError(
          catalog.updateAsset(dramaEditor, asset.id, { genres: ['late'] }, { fence: lease.token }),
          'CONFLICT',
          /stale.*expired/,
        );
        expect((await catalog.getAsset(dramaViewer, asset.id)).genres).toEqual(['a']);
        // Without a token, and with nobody holding it, the write goes through.
        await catalog.updateAsset(dramaEditor2, asset.id, { genres: ['b'] });
      });

      it('makes relateVersions and relinkProxy honour a check-out', async () => {
        const { catalog } = ctx;
        const rate = { num: 25, den: 1, dropFrame: false };
        const asset = await catalog.createAsset(dramaEditor, episode('drama', 'Relink', { id: 'conf-relink' }));
        const master = await catalog.addVersion(dramaEditor, asset.id, {
          name: 'm',
          kind: 'master',
          rate,
          durationFrames: 50,
        });
        const master2 = await catalog.addVersion(dramaEditor, asset.id, {
          name: 'm2',
          kind: 'master',
          rate,
          durationFrames: 50,
        });
        const proxy = await catalog.addVersion(dramaEditor, asset.id, {
          name: 'p',
          kind: 'proxy',
          rate,
          durationFrames: 50,
        });
        const lease = await catalog.checkOut(dramaEditor, asset.id, { ttlMs: 60_000 });
        await expectError(
          catalog.relateVersions(dramaEditor2, { from: proxy.id, to: master.id, type: 'proxy-of' }),
          'CONFLICT',
          /checked out by "ana"/,
        );
        await expectError(catalog.relinkProxy(dramaEditor2, proxy.id, master2.id), 'CONFLICT', /checked out by "ana"/);
        await expectError(
          catalog.relinkProxy(dramaEditor2, proxy.id, master2.id, { fence: lease.token + 1 }),
          'CONFLICT',
          /stale/,
        );
        expect(await catalog.ancestors(dramaViewer, proxy.id)).toMatchObject({ relations: [] });
        await catalog.relateVersions(
          dramaEditor,
          { from: proxy.id, to: master.id, type: 'proxy-of' },
          { fence: lease.token },
        );
        await catalog.relinkProxy(dramaEditor, proxy.id, master2.id, { fence: lease.token });
        expect((await catalog.ancestors(dramaViewer, proxy.id)).relations.map((r) => r.to)).toEqual([master2.id]);
      });
    });

    describe('transactions', () => {
      it('writes nothing when any part of a mutation fails', async () => {
        const { catalog, store } = ctx;
        const asset = await catalog.createAsset(dramaEditor, episode('drama', 'Atomic', { id: 'conf-atomic' }));
        const v = await catalog.addVersion(dramaEditor, asset.id, {
          name: 'm',
          kind: 'master',
          rate: { num: 25, den: 1, dropFrame: false },
          durationFrames: 100,
        });
        const head = await store.auditHeads();
        const note = (start: number) => ({
          type: 'note' as const,
          start,
          duration: 10,
          provenance: { kind: 'person' as const, id: 'ana' },
        });
        await expectError(
          catalog.addAnnotations(dramaEditor, v.id, [note(0), note(95)]),
          'INVALID_INPUT',
          /Annotation 1 \(note\) ends at frame 105, past the end/,
        );
        expect(await store.listAnnotations(v.id)).toEqual([]);
        expect(await store.auditHeads()).toEqual(head);
      });
    });

    annotationSuite(ctx);
    isolationSuite(ctx);
    inputSuite(ctx);
    timelineSuite(ctx);
    searchSuite(ctx, options.searchSize ?? 300);

    describe('audit trail', () => {
      it('records every mutation in a verifiable chain per project', async () => {
        const { catalog } = ctx;
        const before = await catalog.auditHead(auditor);
        const drama = before.projects.drama?.seq ?? 0;
        const asset = await catalog.createAsset(dramaEditor, episode('drama', 'Audited', { id: 'conf-audit' }));
        await catalog.updateAsset(dramaEditor, asset.id, { genres: ['drama'] });
        await catalog.createAsset(newsEditor, episode('news', 'Elsewhere', { id: 'conf-audit-news' }));
        const events = await catalog.readAudit(auditor, { project: 'drama', fromSeq: drama + 1, limit: 10 });
        expect(events.map((e) => [e.action, e.seq])).toEqual([
          ['asset.create', drama + 1],
          ['asset.update', drama + 2],
        ]);
        expect(events[1]?.changes).toEqual([{ path: 'genres', before: [], after: ['drama'] }]);
        expect(events[1]?.prevHash).toBe(events[0]?.hash);
        expect(events[0]?.actor).toBe('ana');
        const after = await catalog.auditHead(auditor);
        expect(after.seq).toBe(before.seq + 3);
        expect(after.projects.drama).toEqual({ seq: drama + 2, hash: events[1]?.hash });
        const result = await catalog.verifyAuditTrail(auditor, { expectedHead: after });
        expect(result.problems).toEqual([]);
        expect(result.ok).toBe(true);
        expect(result.head).toEqual(after);
        await expectError(catalog.verifyAuditTrail(dramaEditor), 'FORBIDDEN');
        const projectAdmin = { id: 'pa', memberships: [{ project: 'drama', role: 'admin' as const }] };
        const own = await catalog.readAudit(projectAdmin, { project: 'drama', fromSeq: drama + 1, limit: 10 });
        expect(own).toHaveLength(2);
        // Without a project: only the chains the principal may audit, the limit applied after that.
        const mine = await catalog.readAudit(projectAdmin, { limit: 1_000 });
        expect(mine.length).toBeGreaterThanOrEqual(2);
        expect(mine.every((e) => e.project === 'drama')).toBe(true);
        const newsAdmin = { id: 'pn', memberships: [{ project: 'news', role: 'admin' as const }] };
        expect(await catalog.readAudit(newsAdmin, { project: 'drama', fromSeq: drama + 1, limit: 10 })).toEqual([]);
      });

      it('records actions taken outside the catalog, such as takedowns, in the same chain', async () => {
        const { catalog } = ctx;
        const asset = await catalog.createAsset(dramaEditor, episode('drama', 'Takedown', { id: 'conf-takedown' }));
        const event = await catalog.recordEvent(dramaEditor, {
          assetId: asset.id,
          action: 'rights.takedown',
          details: {
            endpoint: 'streamer-gb',
            territory: 'GB',
            channel: 'svod',
            windowClosedAt: '2029-01-15T00:00:00.000Z',
          },
        });
        expect(event).toMatchObject({
          action: 'rights.takedown',
          actor: 'ana',
          target: { type: 'asset', id: asset.id },
          project: 'drama',
        });
        expect(event.changes).toEqual([
          {
            path: 'details',
            before: null,
            after: {
              endpoint: 'streamer-gb',
              territory: 'GB',
              channel: 'svod',
              windowClosedAt: '2029-01-15T00:00:00.000Z',
            },
          },
        ]);
        expect((await catalog.readAudit(auditor, { project: 'drama', fromSeq: event.seq, limit: 1 }))[0]?.hash).toBe(
          event.hash,
        );
        expect((await catalog.verifyAuditTrail(auditor)).ok).toBe(true);
        await expectError(
          catalog.recordEvent(dramaViewer, { assetId: asset.id, action: 'rights.takedown' }),
          'FORBIDDEN',
        );
        await expectError(
          catalog.recordEvent(dramaEditor, { assetId: asset.id, action: 'Takedown!' }),
          'INVALID_INPUT',
          /namespaced/,
        );
      });

      it('records an event once per operation id: a retried operation returns the event already recorded', async () => {
        const { catalog } = ctx;
        const asset = await catalog.createAsset(dramaEditor, episode('drama', 'Retried', { id: 'conf-operation' }));
        const input = {
          assetId: asset.id,
          action: 'archive.copy',
          details: { to: 'vault' },
          operationId: 'archive-job:conf-1',
        };
        const first = await catalog.recordEvent(dramaEditor, input);
        expect(first.operationId).toBe('archive-job:conf-1');
        // Retried later, and several times at once (workers racing on one redelivered job).
        const again = await catalog.recordEvent(dramaEditor, input);
        const racing = await Promise.all([1, 2, 3].map(() => catalog.recordEvent(dramaEditor, input)));
        for (const event of [again, ...racing]) expect(event).toEqual(first);
        // Another operation, and an event without an operation id, are recorded as usual.
        const other = await catalog.recordEvent(dramaEditor, { ...input, operationId: 'archive-job:conf-2' });
        const plain = await catalog.recordEvent(dramaEditor, { assetId: asset.id, action: 'archive.copy' });
        expect(new Set([first.seq, other.seq, plain.seq]).size).toBe(3);
        const chain = await catalog.readAudit(auditor, { project: 'drama', fromSeq: first.seq, limit: 100 });
        expect(chain.filter((e) => e.operationId === 'archive-job:conf-1')).toHaveLength(1);
        expect((await catalog.verifyAuditTrail(auditor)).ok).toBe(true);
        await expectError(catalog.recordEvent(dramaEditor, { ...input, operationId: '' }), 'INVALID_INPUT');
      });

      if (options.tamper !== undefined) {
        it('finds an altered event and a removed event where they are', async () => {
          const { catalog, store } = ctx;
          const hooks = (options.tamper as NonNullable<CatalogConformanceOptions['tamper']>)(store);
          const asset = await catalog.createAsset(dramaEditor, episode('drama', 'Tamper', { id: 'conf-tamper' }));
          await catalog.updateAsset(dramaEditor, asset.id, { genres: ['a'] });
          await catalog.updateAsset(dramaEditor, asset.id, { genres: ['b'] });
          const head = (await catalog.auditHead(auditor)).projects.drama as { seq: number };
          await hooks.alterActor('drama', head.seq - 1, 'mallory');
          const altered = await catalog.verifyAuditTrail(auditor);
          expect(altered.problems.map((p) => [p.project, p.kind, p.seq])).toEqual([['drama', 'altered', head.seq - 1]]);
          await hooks.remove('drama', head.seq - 2);
          const removed = await catalog.verifyAuditTrail(auditor);
          expect(removed.problems.map((p) => p.kind)).toContain('removed');
          expect(removed.problems.find((p) => p.kind === 'removed')?.seq).toBe(head.seq - 2);
        });

        it('finds events deleted from the end of a chain whose stored head was left alone', async () => {
          const { catalog, store } = ctx;
          const hooks = (options.tamper as NonNullable<CatalogConformanceOptions['tamper']>)(store);
          const asset = await catalog.createAsset(newsEditor, episode('news', 'Truncated', { id: 'conf-truncate' }));
          await catalog.updateAsset(newsEditor, asset.id, { genres: ['a'] });
          await catalog.updateAsset(newsEditor, asset.id, { genres: ['b'] });
          const head = (await catalog.auditHead(auditor)).projects.news as { seq: number };
          expect((await catalog.verifyAuditTrail(auditor)).problems.filter((p) => p.project === 'news')).toEqual([]);
          await hooks.remove('news', head.seq);
          await hooks.remove('news', head.seq - 1);
          const result = await catalog.verifyAuditTrail(auditor);
          expect(result.ok).toBe(false);
          expect(result.problems.filter((p) => p.project === 'news').map((p) => [p.kind, p.seq])).toEqual([
            ['head-mismatch', head.seq],
          ]);
          expect(result.problems.find((p) => p.project === 'news')?.message).toMatch(/removed from the end/);
        });
      }
    });
  });
}
