import { describe, expect, it } from 'vitest';
import type { PrincipalInput } from '../../index.js';
import { admin, auditor, dramaEditor, dramaManager, dramaViewer, newsEditor } from './fixtures.js';
import { expectError, type SuiteContext } from './suite-context.js';

const rate = { num: 25, den: 1, dropFrame: false };
const person = { kind: 'person' as const, id: 'ana' };
const newsManager: PrincipalInput = { id: 'nora', memberships: [{ project: 'news', role: 'manager' }] };
/** Reads drama and news: the principal for whom cross-project relations are made. */
const bothEditor: PrincipalInput = {
  id: 'bea',
  memberships: [
    { project: 'drama', role: 'editor' },
    { project: 'news', role: 'editor' },
  ],
};

/** Isolation between projects: genealogy, deletes across projects, refusals that reveal nothing. */
export function isolationSuite(ctx: SuiteContext): void {
  describe('isolation between projects', () => {
    it('walks genealogy only through versions the principal may read', async () => {
      const { catalog } = ctx;
      const drama = await catalog.createAsset(dramaEditor, {
        id: 'iso-gen-d',
        project: 'drama',
        kind: 'feature',
        titles: [{ language: 'en', value: 'Iso drama' }],
      });
      const news = await catalog.createAsset(newsEditor, {
        id: 'iso-gen-n',
        project: 'news',
        kind: 'news-item',
        titles: [{ language: 'en', value: 'Iso news' }],
      });
      const original = await catalog.addVersion(dramaEditor, drama.id, {
        id: 'iso-gen-ocn',
        name: 'ocn',
        kind: 'camera-original',
        rate,
        durationFrames: 500,
      });
      // news cuts a clip from drama's original; then drama makes a master from news' clip.
      const clip = await catalog.deriveVersion(bothEditor, {
        assetId: news.id,
        version: { id: 'iso-gen-clip', name: 'clip', kind: 'cut-down', rate, durationFrames: 100 },
        relation: 'cut-down-of',
        editList: { rate: '25', recordStart: 0, events: [{ source: original.id, start: 0, duration: 100 }] },
      });
      const master = await catalog.addVersion(dramaEditor, drama.id, {
        id: 'iso-gen-master',
        name: 'master',
        kind: 'remaster',
        rate,
        durationFrames: 100,
      });
      await catalog.relateVersions(bothEditor, { from: master.id, to: clip.version.id, type: 'remaster-of' });

      const down = await catalog.descendants(dramaViewer, original.id);
      expect(down.versions.map((v) => v.id)).toEqual([]);
      expect(down.relations).toEqual([]);
      expect(down.hidden).toBe(1);
      expect(JSON.stringify(down)).not.toContain('iso-gen-clip');
      const up = await catalog.ancestors(dramaViewer, master.id);
      expect(up.versions).toEqual([]);
      expect(up.relations).toEqual([]);
      expect(up.hidden).toBe(1);
      const lineage = await catalog.lineage(dramaViewer, master.id);
      expect(JSON.stringify(lineage)).not.toContain('iso-gen-clip');
      // Someone who reads both projects sees the whole chain.
      const all = await catalog.descendants(bothEditor, original.id);
      expect(all.versions.map((v) => v.id)).toEqual([clip.version.id, master.id]);
      expect(all.hidden).toBe(0);
    });

    it("checks relations for cycles only through versions the caller may read: the refusal does not depend on another project's relations", async () => {
      const { catalog } = ctx;
      const drama = await catalog.createAsset(dramaEditor, {
        id: 'iso-cyc-d',
        project: 'drama',
        kind: 'feature',
        titles: [{ language: 'en', value: 'Cycle drama' }],
      });
      const news = await catalog.createAsset(newsEditor, {
        id: 'iso-cyc-n',
        project: 'news',
        kind: 'news-item',
        titles: [{ language: 'en', value: 'Cycle news' }],
      });
      const version = (assetId: string, id: string, by: PrincipalInput = dramaEditor) =>
        catalog.addVersion(by, assetId, { id, name: id, kind: 'master', rate, durationFrames: 100 });
      // Closed: drama's A <- news' H <- drama's B (B derives from H, H from A). Relating A to B closes a cycle through H.
      const a = await version(drama.id, 'iso-cyc-a');
      const h = await version(news.id, 'iso-cyc-h', newsEditor);
      const b = await version(drama.id, 'iso-cyc-b');
      await catalog.relateVersions(bothEditor, { from: h.id, to: a.id, type: 'cut-down-of' });
      await catalog.relateVersions(bothEditor, { from: b.id, to: h.id, type: 'remaster-of' });
      // Open: drama's C <- news' H1, and drama's D <- news' H2, with H1 and H2 unrelated: no cycle.
      const c = await version(drama.id, 'iso-cyc-c');
      const h1 = await version(news.id, 'iso-cyc-h1', newsEditor);
      const h2 = await version(news.id, 'iso-cyc-h2', newsEditor);
      const d = await version(drama.id, 'iso-cyc-d2');
      await catalog.relateVersions(bothEditor, { from: h1.id, to: c.id, type: 'cut-down-of' });
      await catalog.relateVersions(bothEditor, { from: d.id, to: h2.id, type: 'remaster-of' });

      // The drama editor sees the same in both cases (one hidden neighbour on each side) and gets
      // the same refusal: whether news' versions connect is not theirs to learn.
      expect((await catalog.ancestors(dramaEditor, b.id)).hidden).toBe(1);
      expect((await catalog.ancestors(dramaEditor, d.id)).hidden).toBe(1);
      const closed = await expectError(
        catalog.relateVersions(dramaEditor, { from: a.id, to: b.id, type: 'migrated-from' }),
        'FORBIDDEN',
      );
      const open = await expectError(
        catalog.relateVersions(dramaEditor, { from: c.id, to: d.id, type: 'migrated-from' }),
        'FORBIDDEN',
      );
      expect(open.replaceAll(c.id, 'X').replaceAll(d.id, 'Y')).toBe(closed.replaceAll(a.id, 'X').replaceAll(b.id, 'Y'));
      for (const message of [closed, open]) {
        expect(message).not.toContain('iso-cyc-h');
        expect(message).not.toMatch(/news/);
      }

      // Someone who reads both projects gets the exact answer: a cycle is refused, the open case allowed.
      await expectError(
        catalog.relateVersions(bothEditor, { from: a.id, to: b.id, type: 'migrated-from' }),
        'CONFLICT',
        /cycle/,
      );
      await catalog.relateVersions(bothEditor, { from: c.id, to: d.id, type: 'migrated-from' });
      // Nothing was written by the refusals: A still has no sources, and the graph stays acyclic.
      expect((await catalog.ancestors(admin, a.id)).versions).toEqual([]);
      expect((await catalog.descendants(admin, a.id)).versions.map((v) => v.id)).toEqual([h.id, b.id]);

      // Hidden versions on one side only cannot hide a cycle: allowed without looking further.
      const e = await version(drama.id, 'iso-cyc-e');
      await catalog.relateVersions(dramaEditor, { from: e.id, to: b.id, type: 'cut-down-of' });
      // And a cycle through readable versions is still a CONFLICT for the drama editor.
      await expectError(
        catalog.relateVersions(dramaEditor, { from: b.id, to: e.id, type: 'migrated-from' }),
        'CONFLICT',
        /cycle/,
      );
    });

    it("keeps another project's relation as a tombstone when its target is deleted, with events in both", async () => {
      const { catalog } = ctx;
      const drama = await catalog.createAsset(dramaEditor, {
        id: 'iso-del-d',
        project: 'drama',
        kind: 'feature',
        titles: [{ language: 'en', value: 'Iso delete' }],
      });
      const news = await catalog.createAsset(newsEditor, {
        id: 'iso-del-n',
        project: 'news',
        kind: 'news-item',
        titles: [{ language: 'en', value: 'Iso delete news' }],
      });
      const source = await catalog.addVersion(dramaEditor, drama.id, {
        name: 's',
        kind: 'master',
        rate,
        durationFrames: 50,
      });
      const sibling = await catalog.createAsset(dramaEditor, {
        id: 'iso-del-d2',
        project: 'drama',
        kind: 'clip',
        titles: [{ language: 'en', value: 'Iso delete sibling' }],
      });
      const same = await catalog.addVersion(dramaEditor, sibling.id, {
        name: 'p',
        kind: 'proxy',
        rate,
        durationFrames: 50,
      });
      const other = await catalog.addVersion(newsEditor, news.id, {
        name: 'n',
        kind: 'proxy',
        rate,
        durationFrames: 50,
      });
      await catalog.relateVersions(dramaEditor, { from: same.id, to: source.id, type: 'proxy-of' });
      const owned = await catalog.relateVersions(bothEditor, { from: other.id, to: source.id, type: 'proxy-of' });
      const head = await catalog.auditHead(auditor);

      await catalog.deleteAsset(dramaManager, drama.id);

      const kept = await ctx.store.getEntity('relation', owned.id);
      expect(kept?.tombstone).toMatchObject({ reason: 'target-deleted' });
      expect(await ctx.store.listEntities('relation', { from: same.id })).toEqual([]);
      const up = await catalog.ancestors(newsEditor, other.id);
      expect(up.relations.map((r) => [r.id, r.tombstone?.reason])).toEqual([[owned.id, 'target-deleted']]);
      const newsAdmin = { id: 'na', memberships: [{ project: 'news', role: 'admin' as const }] };
      const newsEvents = await catalog.readAudit(newsAdmin, {
        project: 'news',
        fromSeq: (head.projects.news?.seq ?? 0) + 1,
        limit: 50,
      });
      expect(newsEvents.map((e) => [e.action, e.target.id])).toEqual([['relation.tombstone', owned.id]]);
      const dramaAdmin = { id: 'da', memberships: [{ project: 'drama', role: 'admin' as const }] };
      const dramaEvents = await catalog.readAudit(dramaAdmin, {
        project: 'drama',
        fromSeq: (head.projects.drama?.seq ?? 0) + 1,
        limit: 50,
      });
      expect(dramaEvents.map((e) => e.action)).toEqual(['relation.delete', 'relations.tombstone', 'asset.delete']);
      expect(JSON.stringify(dramaEvents)).not.toContain(other.id);
      expect(JSON.stringify(dramaEvents)).not.toContain(owned.id);
      // The owner deletes its own side; the tombstone goes with it.
      await catalog.deleteAsset(newsManager, news.id);
      expect(await ctx.store.getEntity('relation', owned.id)).toBeUndefined();
    });

    it('answers the same whether an id exists in another project or not', async () => {
      const { catalog } = ctx;
      const secret = await catalog.createAsset(newsEditor, {
        id: 'iso-id-news',
        project: 'news',
        kind: 'news-item',
        titles: [{ language: 'en', value: 'Iso ids' }],
      });
      const nv = await catalog.addVersion(newsEditor, secret.id, {
        name: 'n',
        kind: 'master',
        rate,
        durationFrames: 50,
      });
      const [note] = await catalog.addAnnotations(newsEditor, nv.id, [
        { id: 'iso-id-note', type: 'note', start: 0, duration: 1, provenance: person },
      ]);
      const own = await catalog.createAsset(dramaEditor, {
        id: 'iso-id-drama',
        project: 'drama',
        kind: 'clip',
        titles: [{ language: 'en', value: 'Iso ids drama' }],
      });
      const norm = (message: string, id: string) => message.replaceAll(id, 'X');
      // An id taken in another project and one taken in the caller's own: the same CONFLICT.
      const input = (id: string) => ({ id, project: 'drama', kind: 'clip' as const, titles: own.titles });
      const elsewhere = await expectError(catalog.createAsset(dramaEditor, input(secret.id)), 'CONFLICT');
      const here = await expectError(catalog.createAsset(dramaEditor, input(own.id)), 'CONFLICT');
      expect(norm(elsewhere, secret.id)).toBe(norm(here, own.id));
      // Updating or deleting an annotation of another project reads like a missing one, and never
      // names its version.
      const dv = await catalog.addVersion(dramaEditor, own.id, { name: 'd', kind: 'master', rate, durationFrames: 50 });
      const foreign = await expectError(
        catalog.updateAnnotation(dramaEditor, note?.id ?? '', { text: 'x' }),
        'FORBIDDEN',
      );
      const missing = await expectError(
        catalog.updateAnnotation(dramaEditor, 'iso-id-none', { text: 'x' }),
        'FORBIDDEN',
      );
      expect(norm(foreign, note?.id ?? '')).toBe(norm(missing, 'iso-id-none'));
      expect(foreign).not.toContain(nv.id);
      const foreignDelete = await expectError(catalog.deleteAnnotations(dramaEditor, [note?.id ?? '']), 'FORBIDDEN');
      expect(foreignDelete).not.toContain(nv.id);
      // Relating to a version of another project reads like relating to a missing one.
      const hidden = await expectError(
        catalog.relateVersions(dramaEditor, { from: dv.id, to: nv.id, type: 'proxy-of' }),
        'FORBIDDEN',
      );
      const absent = await expectError(
        catalog.relateVersions(dramaEditor, { from: dv.id, to: 'iso-id-nov', type: 'proxy-of' }),
        'FORBIDDEN',
      );
      expect(norm(hidden, nv.id)).toBe(norm(absent, 'iso-id-nov'));
      await expectError(catalog.updateAnnotation(admin, 'iso-id-none', { text: 'x' }), 'NOT_FOUND');
    });

    it('searches, recommends and finds annotations only in readable projects, even when asked for others', async () => {
      const { catalog } = ctx;
      const secret = await catalog.createAsset(newsEditor, {
        id: 'iso-search-n',
        project: 'news',
        kind: 'news-item',
        titles: [{ language: 'en', value: 'Xylophonic embargo' }],
        genres: ['xylogenre'],
      });
      const v = await catalog.addVersion(newsEditor, secret.id, {
        name: 'n',
        kind: 'master',
        rate,
        durationFrames: 50,
      });
      await catalog.addAnnotations(newsEditor, v.id, [
        { type: 'note', start: 0, duration: 1, text: 'xylophonic note', provenance: person },
      ]);
      expect((await catalog.searchAssets(dramaViewer, { text: 'xylophonic', projects: ['news'] })).items).toEqual([]);
      expect(await catalog.recommend(dramaViewer, { genres: ['xylogenre'], projects: ['news', 'drama'] })).toEqual([]);
      expect((await catalog.findAnnotations(dramaViewer, { text: 'xylophonic', assetId: secret.id })).items).toEqual(
        [],
      );
      expect((await catalog.findAnnotations(dramaViewer, { text: 'xylophonic', projects: ['news'] })).items).toEqual(
        [],
      );
      await expectError(catalog.listAnnotationsPage(dramaViewer, v.id), 'FORBIDDEN');
      expect(await catalog.recommend(newsEditor, { genres: ['xylogenre'] })).toEqual([secret.id]);
    });

    it('pages audit reads per project: a project admin gets a full page of its own events', async () => {
      const { catalog } = ctx;
      const head = await catalog.auditHead(auditor);
      const drama = await catalog.createAsset(dramaEditor, {
        id: 'iso-audit-d',
        project: 'drama',
        kind: 'clip',
        titles: [{ language: 'en', value: 'Iso audit' }],
      });
      const news = await catalog.createAsset(newsEditor, {
        id: 'iso-audit-n',
        project: 'news',
        kind: 'news-item',
        titles: [{ language: 'en', value: 'Iso audit news' }],
      });
      for (let i = 0; i < 12; i++) await catalog.updateAsset(newsEditor, news.id, { keywords: [`k${i}`] });
      for (let i = 0; i < 3; i++) await catalog.updateAsset(dramaEditor, drama.id, { keywords: [`k${i}`] });
      const dramaAdmin = { id: 'da', memberships: [{ project: 'drama', role: 'admin' as const }] };
      const from = (head.projects.drama?.seq ?? 0) + 1;
      const page = await catalog.readAudit(dramaAdmin, { project: 'drama', fromSeq: from, limit: 4 });
      expect(page.map((e) => e.project)).toEqual(['drama', 'drama', 'drama', 'drama']);
      expect(page.map((e) => e.action)).toEqual(['asset.create', 'asset.update', 'asset.update', 'asset.update']);
      const next = await catalog.readAudit(dramaAdmin, {
        project: 'drama',
        fromSeq: (page[3]?.seq ?? 0) + 1,
        limit: 4,
      });
      expect(next.filter((e) => e.target.id === drama.id)).toEqual([]);
      expect(await catalog.readAudit(dramaViewer, { project: 'drama', fromSeq: from, limit: 4 })).toEqual([]);
      // Without a project: only the principal's chains, the limit applied after the filter.
      const merged = await catalog.readAudit(dramaAdmin, { limit: 10_000 });
      expect(merged.length).toBeGreaterThanOrEqual(4);
      expect(merged.every((e) => e.project === 'drama')).toBe(true);
    });
  });
}
