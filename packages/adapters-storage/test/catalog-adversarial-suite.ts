/**
 * Adversarial cases for issue 16 that concern every catalog store, written from docs/catalog.md
 * and docs/errors.md only. Run against memory, PGlite and PostgreSQL by
 * catalog-adversarial.test.ts; messages of INVALID_INPUT refusals are collected per store so the
 * test file can check they are the same in every store.
 */
import {
  type Catalog,
  type CatalogStore,
  createCatalog,
  type FramewiseError,
  isFramewiseError,
  type PrincipalInput,
} from '@framewise/core';
import { ManualClock } from '@framewise/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Messages of refusals, per store, per case: compared across stores by the test file. */
export const refusals = new Map<string, Map<string, string>>();

export async function caught(promise: Promise<unknown>, label = ''): Promise<FramewiseError> {
  let value: unknown;
  try {
    value = await promise;
  } catch (error) {
    if (isFramewiseError(error)) return error;
    throw new Error(`${label}: not a FramewiseError: ${String(error)}`, { cause: error });
  }
  throw new Error(`${label}: expected a refusal, got success: ${JSON.stringify(value)?.slice(0, 300)}`);
}

const R25 = { num: 25, den: 1, dropFrame: false };

function asset(project: string, title: string, extra: Record<string, unknown> = {}) {
  return { project, kind: 'episode' as const, titles: [{ language: 'en', value: title }], ...extra };
}
function version(name: string, durationFrames: number, extra: Record<string, unknown> = {}) {
  return { name, kind: 'master' as const, rate: R25, durationFrames, ...extra };
}
function note(start: number, duration: number, text = 'n', extra: Record<string, unknown> = {}) {
  return { type: 'note' as const, start, duration, text, provenance: { kind: 'person' as const, id: 'ana' }, ...extra };
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

export function adversarialSuite(name: string, make: () => Promise<CatalogStore> | CatalogStore): void {
  describe(`catalog adversarial (${name})`, () => {
    let store: CatalogStore;
    let catalog: Catalog;
    const clock = new ManualClock(Date.now());
    const seen = new Map<string, string>();
    refusals.set(name, seen);
    // Project names unique per store run so the stores can be shared.
    const p = (base: string) => `${base}-${name}`;
    const P = p('alpha');
    const Q = p('beta');
    const admin: PrincipalInput = { id: 'root', global: 'admin' };
    const auditor: PrincipalInput = { id: 'aud', global: 'auditor' };
    const pEditor: PrincipalInput = { id: 'pe', memberships: [{ project: P, role: 'editor' }] };
    const pManager: PrincipalInput = { id: 'pm', memberships: [{ project: P, role: 'manager' }] };
    const pAdmin: PrincipalInput = { id: 'pa', memberships: [{ project: P, role: 'admin' }] };
    const pViewer: PrincipalInput = { id: 'pv', memberships: [{ project: P, role: 'viewer' }] };
    const qEditor: PrincipalInput = { id: 'qe', memberships: [{ project: Q, role: 'editor' }] };
    const qManager: PrincipalInput = { id: 'qm', memberships: [{ project: Q, role: 'manager' }] };
    const qAdmin: PrincipalInput = { id: 'qa', memberships: [{ project: Q, role: 'admin' }] };

    async function expire(ms: number): Promise<void> {
      clock.advance(ms);
      await sleep(ms);
    }

    async function invalid(key: string, promise: Promise<unknown>): Promise<FramewiseError> {
      const error = await caught(promise, key);
      expect(error.code, `${key}: ${error.message}`).toBe('INVALID_INPUT');
      seen.set(key, error.message);
      return error;
    }

    beforeAll(async () => {
      store = await make();
      catalog = createCatalog({ store, clock });
    });
    afterAll(async () => {
      await (store as CatalogStore & { close?: () => Promise<void> }).close?.();
    });

    // ---------------------------------------------------------------- isolation

    describe('isolation', () => {
      it('genealogy never shows a version, relation or edit list of an unreadable project', async () => {
        const pa = await catalog.createAsset(admin, asset(P, 'p master'));
        const pv = await catalog.addVersion(admin, pa.id, version('m', 1000));
        const qa = await catalog.createAsset(admin, asset(Q, 'q cut'));
        const qv = await catalog.addVersion(admin, qa.id, version('cut', 500, { kind: 'cut-down' }));
        const qv2 = await catalog.addVersion(admin, qa.id, version('cut2', 500, { kind: 'cut-down' }));
        // Q derives from P (cross-project), then P derives from Q again (P → Q → P chain).
        await catalog.relateVersions(admin, {
          from: qv.id,
          to: pv.id,
          type: 'cut-down-of',
          editList: { rate: '25', recordStart: 0, events: [{ source: pv.id, start: 100, duration: 500 }] },
        });
        await catalog.relateVersions(admin, { from: qv2.id, to: qv.id, type: 'cut-down-of' });
        const pa2 = await catalog.createAsset(admin, asset(P, 'p from q'));
        const pv2 = await catalog.addVersion(admin, pa2.id, version('loc', 500, { kind: 'localized' }));
        await catalog.relateVersions(admin, { from: pv2.id, to: qv2.id, type: 'localized-from' });

        const hiddenIds = [qv.id, qv2.id];
        const check = (g: { versions: readonly { id: string }[]; relations: readonly unknown[] }) => {
          const text = JSON.stringify(g);
          for (const id of hiddenIds) expect(text).not.toContain(id);
          for (const v of g.versions) expect([pv.id, pv2.id]).toContain(v.id);
        };
        const down = await catalog.descendants(pViewer, pv.id);
        check(down);
        expect(down.versions).toEqual([]);
        expect(down.relations).toEqual([]);
        expect(down.hidden).toBe(1);
        const up = await catalog.ancestors(pViewer, pv2.id);
        check(up);
        expect(up.versions).toEqual([]);
        expect(up.hidden).toBe(1);
        const lin = await catalog.lineage(pViewer, pv2.id);
        check(lin);
        expect(JSON.stringify(lin.originals)).not.toContain(pv.id); // not reached through Q
        // Q sees its own chain, not P's versions or P's relation into it.
        const qUp = await catalog.ancestors(qEditor, qv2.id);
        expect(JSON.stringify(qUp)).not.toContain(pv.id);
        expect(qUp.versions.map((v) => v.id)).toEqual([qv.id]);
        expect(qUp.hidden).toBe(1);
        const qDown = await catalog.descendants(qEditor, qv.id);
        expect(JSON.stringify(qDown)).not.toContain(pv2.id);
        expect(qDown.hidden).toBe(1);
        // An auditor (global read) sees everything.
        const all = await catalog.descendants(auditor, pv.id);
        expect(all.versions.map((v) => v.id).sort()).toEqual([qv.id, qv2.id, pv2.id].sort());
      });

      it('a denial is the same for an id in another project and a never-existing id, on every path', async () => {
        const qa = await catalog.createAsset(qEditor, asset(Q, 'secret'));
        const qv = await catalog.addVersion(qEditor, qa.id, version('m', 1000));
        const [qn] = await catalog.addAnnotations(qEditor, qv.id, [note(0, 10, 'secret note')]);
        const pa = await catalog.createAsset(pEditor, asset(P, 'mine'));
        const pv = await catalog.addVersion(pEditor, pa.id, version('m', 1000));
        if (qn === undefined) throw new Error('no annotation');
        const ghostAsset = 'ghost-asset-zz';
        const ghostVersion = 'ghost-version-zz';
        const ghostNote = 'ghost-note-zz';
        type Probe = [string, (id: string) => Promise<unknown>, string, string];
        const probes: Probe[] = [
          ['getAsset', (id) => catalog.getAsset(pEditor, id), qa.id, ghostAsset],
          ['updateAsset', (id) => catalog.updateAsset(pEditor, id, { genres: ['x'] }), qa.id, ghostAsset],
          ['deleteAsset', (id) => catalog.deleteAsset(pManager, id), qa.id, ghostAsset],
          ['listVersions', (id) => catalog.listVersions(pEditor, id), qa.id, ghostAsset],
          ['listRelatedAssets', (id) => catalog.listRelatedAssets(pEditor, id), qa.id, ghostAsset],
          ['addVersion', (id) => catalog.addVersion(pEditor, id, version('x', 10)), qa.id, ghostAsset],
          ['checkOut', (id) => catalog.checkOut(pEditor, id), qa.id, ghostAsset],
          ['getLease', (id) => catalog.getLease(pEditor, id), qa.id, ghostAsset],
          ['breakLease', (id) => catalog.breakLease(pManager, id), qa.id, ghostAsset],
          [
            'recordEvent',
            (id) => catalog.recordEvent(pEditor, { assetId: id, action: 'rights.takedown', details: {} }),
            qa.id,
            ghostAsset,
          ],
          ['getVersion', (id) => catalog.getVersion(pEditor, id), qv.id, ghostVersion],
          ['updateVersion', (id) => catalog.updateVersion(pEditor, id, { name: 'y' }), qv.id, ghostVersion],
          ['relocateVersion', (id) => catalog.relocateVersion(pEditor, id, []), qv.id, ghostVersion],
          ['listAnnotations', (id) => catalog.listAnnotations(pEditor, id), qv.id, ghostVersion],
          ['listAnnotationsPage', (id) => catalog.listAnnotationsPage(pEditor, id), qv.id, ghostVersion],
          ['addAnnotations', (id) => catalog.addAnnotations(pEditor, id, [note(0, 1)]), qv.id, ghostVersion],
          ['ancestors', (id) => catalog.ancestors(pEditor, id), qv.id, ghostVersion],
          ['descendants', (id) => catalog.descendants(pEditor, id), qv.id, ghostVersion],
          ['lineage', (id) => catalog.lineage(pEditor, id), qv.id, ghostVersion],
          [
            'findAnnotations',
            (id) => catalog.findAnnotations(pEditor, { versionId: id, contains: 0 }),
            qv.id,
            ghostVersion,
          ],
          ['findAnnotations(asset)', (id) => catalog.findAnnotations(pEditor, { assetId: id }), qa.id, ghostAsset],
          [
            'relate(to)',
            (id) => catalog.relateVersions(pEditor, { from: pv.id, to: id, type: 'proxy-of' }),
            qv.id,
            ghostVersion,
          ],
          [
            'relate(from)',
            (id) => catalog.relateVersions(pEditor, { from: id, to: pv.id, type: 'proxy-of' }),
            qv.id,
            ghostVersion,
          ],
          ['relinkProxy(orig)', (id) => catalog.relinkProxy(pEditor, pv.id, id), qv.id, ghostVersion],
          [
            'deriveVersion',
            (id) =>
              catalog.deriveVersion(pEditor, {
                assetId: pa.id,
                version: version('d', 10, { kind: 'cut-down' }),
                relation: 'cut-down-of',
                editList: { rate: '25', recordStart: 0, events: [{ source: id, start: 0, duration: 10 }] },
              }),
            qv.id,
            ghostVersion,
          ],
          ['updateAnnotation', (id) => catalog.updateAnnotation(pEditor, id, { text: 'x' }), qn.id, ghostNote],
          ['deleteAnnotations', (id) => catalog.deleteAnnotations(pEditor, [id]), qn.id, ghostNote],
        ];
        const differences: string[] = [];
        for (const [label, call, real, ghost] of probes) {
          // A search may answer "nothing" instead of refusing: then both must answer the same.
          const ra = await call(real).then(
            (r) => JSON.stringify(r),
            (e: unknown) => e,
          );
          const rb = await call(ghost).then(
            (r) => JSON.stringify(r),
            (e: unknown) => e,
          );
          if (typeof ra === 'string' || typeof rb === 'string') {
            if (ra !== rb || !label.startsWith('find')) differences.push(`${label}: ${String(ra)} | ${String(rb)}`);
            continue;
          }
          if (!isFramewiseError(ra) || !isFramewiseError(rb)) throw ra;
          const a = ra;
          const b = rb;
          const ma = a.message.replaceAll(real, '<id>');
          const mb = b.message.replaceAll(ghost, '<id>');
          if (a.code !== b.code || ma !== mb) differences.push(`${label}: ${a.code} ${ma} | ${b.code} ${mb}`);
          if (a.code !== 'FORBIDDEN' && a.code !== 'NOT_FOUND') differences.push(`${label}: code ${a.code}`);
          // Nothing about the other project: not its version, asset, project name or the text.
          const all = `${a.message} ${JSON.stringify(a.details ?? {})}`;
          for (const leak of [Q, qv.id, qa.id, 'secret'].filter((x) => x !== real))
            if (all.includes(leak)) differences.push(`${label}: leaks ${leak}: ${all}`);
        }
        expect(differences).toEqual([]);
        // The data of the other project is untouched.
        expect((await catalog.listAnnotations(qEditor, qv.id)).map((a) => a.text)).toEqual(['secret note']);
      });

      it('a batch mixing readable and foreign annotation ids changes nothing and names only the given id', async () => {
        const qa = await catalog.createAsset(qEditor, asset(Q, 'batch'));
        const qv = await catalog.addVersion(qEditor, qa.id, version('m', 100));
        const [qn] = await catalog.addAnnotations(qEditor, qv.id, [note(0, 10)]);
        const pa = await catalog.createAsset(pEditor, asset(P, 'batch'));
        const pv = await catalog.addVersion(pEditor, pa.id, version('m', 100));
        const [pn] = await catalog.addAnnotations(pEditor, pv.id, [note(0, 10)]);
        if (qn === undefined || pn === undefined) throw new Error('missing');
        const error = await caught(catalog.deleteAnnotations(pEditor, [pn.id, qn.id]));
        expect(error.code).toBe('FORBIDDEN');
        expect(error.message).not.toContain(qv.id);
        expect(await catalog.listAnnotations(pEditor, pv.id)).toHaveLength(1);
        expect(await catalog.listAnnotations(qEditor, qv.id)).toHaveLength(1);
      });

      it('caller-chosen ids: the same CONFLICT whether the id is taken here or in another project', async () => {
        const suffix = name.replace(/[^a-z0-9]/g, '');
        const qa = await catalog.createAsset(qEditor, asset(Q, 'taken', { id: `taken-q-${suffix}` }));
        const pa = await catalog.createAsset(pEditor, asset(P, 'taken', { id: `taken-p-${suffix}` }));
        const qv = await catalog.addVersion(qEditor, qa.id, version('m', 100, { id: `tv-q-${suffix}` }));
        const pv = await catalog.addVersion(pEditor, pa.id, version('m', 100, { id: `tv-p-${suffix}` }));
        await catalog.addAnnotations(qEditor, qv.id, [note(0, 1, 'x', { id: `tn-q-${suffix}` })]);
        await catalog.addAnnotations(pEditor, pv.id, [note(0, 1, 'x', { id: `tn-p-${suffix}` })]);
        const pairs: [string, (id: string) => Promise<unknown>, string, string][] = [
          ['asset', (id) => catalog.createAsset(pEditor, asset(P, 'again', { id })), qa.id, pa.id],
          ['version', (id) => catalog.addVersion(pEditor, pa.id, version('again', 10, { id })), qv.id, pv.id],
          [
            'annotation',
            (id) => catalog.addAnnotations(pEditor, pv.id, [note(0, 1, 'y', { id })]),
            `tn-q-${suffix}`,
            `tn-p-${suffix}`,
          ],
          [
            'derived version',
            (id) =>
              catalog.deriveVersion(pEditor, {
                version: version('d', 10, { id, kind: 'cut-down' }),
                relation: 'cut-down-of',
                editList: { rate: '25', recordStart: 0, events: [{ source: pv.id, start: 0, duration: 10 }] },
              }),
            qv.id,
            pv.id,
          ],
        ];
        const differences: string[] = [];
        for (const [label, call, foreign, own] of pairs) {
          const a = await caught(call(foreign));
          const b = await caught(call(own));
          const ma = a.message.replaceAll(foreign, '<id>');
          const mb = b.message.replaceAll(own, '<id>');
          if (a.code !== 'CONFLICT' || b.code !== 'CONFLICT' || ma !== mb)
            differences.push(`${label}: ${a.code} ${ma} | ${b.code} ${mb}`);
          if (JSON.stringify(a.details ?? {}).includes(Q)) differences.push(`${label}: details name ${Q}`);
        }
        expect(differences).toEqual([]);
      });

      it('searches, recommendations and audit reads stay within the principal projects', async () => {
        const word = `zebrafish${name.replace(/[^a-z]/g, '')}`;
        const qa = await catalog.createAsset(qEditor, asset(Q, `${word} secret`, { genres: ['noir'] }));
        const qv = await catalog.addVersion(qEditor, qa.id, version('m', 100));
        await catalog.addAnnotations(qEditor, qv.id, [note(0, 5, `${word} in q`)]);
        const pa = await catalog.createAsset(pEditor, asset(P, `${word} open`, { genres: ['noir'] }));
        const pv = await catalog.addVersion(pEditor, pa.id, version('m', 100));
        await catalog.addAnnotations(pEditor, pv.id, [note(0, 5, `${word} in p`)]);
        const found = await catalog.searchAssets(pViewer, { text: word });
        expect(found.items.map((a) => a.id)).toEqual([pa.id]);
        const widened = await catalog.searchAssets(pViewer, { text: word, projects: [Q] });
        expect(widened.items).toEqual([]);
        const notes = await catalog.findAnnotations(pViewer, { text: word });
        expect(notes.items.map((a) => a.project)).toEqual([P]);
        expect((await catalog.findAnnotations(pViewer, { text: word, projects: [Q, P] })).items).toHaveLength(1);
        const rec = await catalog.recommend(pViewer, { genres: ['noir'], limit: 500 });
        expect(rec).toContain(pa.id);
        expect(rec).not.toContain(qa.id);
        // A member without any role in Q reading Q's audit: refused (or empty), never Q's events.
        const read = await catalog.readAudit(pAdmin, { project: Q }).catch((e: unknown) => e);
        if (Array.isArray(read)) expect(read).toEqual([]);
        else expect(isFramewiseError(read, 'FORBIDDEN')).toBe(true);
        const mine = await catalog.readAudit(pAdmin, { limit: 10_000 });
        expect(mine.length).toBeGreaterThan(0);
        expect(mine.every((e) => e.project === P)).toBe(true);
        // An editor (not admin) of P cannot read P's audit.
        const editorRead = await catalog.readAudit(pEditor, { project: P }).catch((e: unknown) => e);
        if (Array.isArray(editorRead)) expect(editorRead).toEqual([]);
        else expect(isFramewiseError(editorRead, 'FORBIDDEN')).toBe(true);
      });

      it('readAudit pages per project: a project admin gets full pages while other projects are busier', async () => {
        const X = p('audx');
        const Y = p('audy');
        const xAdmin: PrincipalInput = { id: 'xa', memberships: [{ project: X, role: 'admin' }] };
        const xw: PrincipalInput = { id: 'xw', memberships: [{ project: X, role: 'editor' }] };
        const yw: PrincipalInput = { id: 'yw', memberships: [{ project: Y, role: 'editor' }] };
        for (let i = 0; i < 12; i++) {
          await catalog.createAsset(xw, asset(X, `x${i}`));
          for (let j = 0; j < 6; j++) await catalog.createAsset(yw, asset(Y, `y${i}.${j}`));
        }
        const page = await catalog.readAudit(xAdmin, { limit: 5 });
        expect(page).toHaveLength(5);
        expect(page.every((e) => e.project === X)).toBe(true);
        // Page through X's chain by seq: 12 events, seq 1..12, no gaps, no duplicates.
        const all: number[] = [];
        let from = 1;
        for (;;) {
          const chunk = await catalog.readAudit(xAdmin, { project: X, fromSeq: from, limit: 5 });
          if (chunk.length === 0) break;
          expect(chunk.length).toBeLessThanOrEqual(5);
          for (const e of chunk) {
            expect(e.project).toBe(X);
            all.push(e.seq);
          }
          from = (chunk.at(-1)?.seq ?? 0) + 1;
        }
        expect(all).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
        // The merged (no project) read of an auditor includes both, merged by time, limit respected.
        const merged = await catalog.readAudit(auditor, { limit: 7 });
        expect(merged).toHaveLength(7);
      });

      it('deleteAsset in one project never deletes another project relation: tombstone with events in both', async () => {
        const pa = await catalog.createAsset(pManager, asset(P, 'to be deleted'));
        const pv = await catalog.addVersion(pManager, pa.id, version('m', 1000));
        const qa = await catalog.createAsset(qManager, asset(Q, 'derived in q'));
        const qv = await catalog.addVersion(qManager, qa.id, version('cut', 100, { kind: 'cut-down' }));
        // Q's editor needs read access to P's version to relate; use a principal in both.
        const both: PrincipalInput = {
          id: 'both',
          memberships: [
            { project: P, role: 'viewer' },
            { project: Q, role: 'editor' },
          ],
        };
        await catalog.relateVersions(both, { from: qv.id, to: pv.id, type: 'cut-down-of' });
        const qBefore = (await catalog.readAudit(qAdmin, { project: Q, limit: 10_000 })).length;
        await catalog.deleteAsset(pManager, pa.id);
        const up = await catalog.ancestors(qManager, qv.id);
        expect(up.relations).toHaveLength(1);
        expect(up.relations[0]?.tombstone?.reason).toBe('target-deleted');
        expect(up.versions).toEqual([]);
        const qEvents = await catalog.readAudit(qAdmin, { project: Q, limit: 10_000 });
        expect(qEvents.length).toBe(qBefore + 1);
        expect(qEvents.at(-1)?.action).toBe('relation.tombstone');
        const pEvents = await catalog.readAudit(pAdmin, { project: P, limit: 10_000 });
        const pTomb = pEvents.filter((e) => e.action === 'relations.tombstone');
        expect(pTomb.length).toBeGreaterThan(0);
        expect(JSON.stringify(pTomb)).not.toContain(qv.id);
        expect(JSON.stringify(pTomb)).not.toContain(Q);
        // Re-deleting P's already deleted asset: as for any missing asset.
        expect((await caught(catalog.deleteAsset(pManager, pa.id))).code).toBe('FORBIDDEN');
        const v = await catalog.verifyAuditTrail(auditor);
        expect(v.problems).toEqual([]);
        // Q deletes its asset: the tombstone goes too.
        await catalog.deleteAsset(qManager, qa.id);
        expect((await caught(catalog.ancestors(admin, qv.id))).code).toBe('NOT_FOUND');
      });
    });

    // ---------------------------------------------------------------- leases

    describe('leases', () => {
      it('an expired fencing token is refused on every write path, even if nobody wrote since', async () => {
        const a = await catalog.createAsset(pEditor, asset(P, 'leased'));
        const v = await catalog.addVersion(pEditor, a.id, version('m', 1000));
        const proxy = await catalog.addVersion(pEditor, a.id, version('proxy', 1000, { kind: 'proxy' }));
        const other = await catalog.addVersion(pEditor, a.id, version('re-ingest', 1000));
        const [n] = await catalog.addAnnotations(pEditor, v.id, [note(0, 10), note(20, 10)]);
        if (n === undefined) throw new Error('missing');
        const lease = await catalog.checkOut(pEditor, a.id, { ttlMs: 1_000 });
        await expire(1_300);
        const fence = { fence: lease.token };
        const writes: [string, () => Promise<unknown>][] = [
          ['updateAsset', () => catalog.updateAsset(pEditor, a.id, { genres: ['g'] }, fence)],
          ['addVersion', () => catalog.addVersion(pEditor, a.id, version('x', 10), fence)],
          ['updateVersion', () => catalog.updateVersion(pEditor, v.id, { name: 'renamed' }, fence)],
          ['relocateVersion', () => catalog.relocateVersion(pEditor, v.id, [], fence)],
          [
            'relateVersions',
            () => catalog.relateVersions(pEditor, { from: proxy.id, to: v.id, type: 'proxy-of' }, fence),
          ],
          ['relinkProxy', () => catalog.relinkProxy(pEditor, proxy.id, other.id, fence)],
          ['addAnnotations', () => catalog.addAnnotations(pEditor, v.id, [note(50, 1)], fence)],
          ['updateAnnotation', () => catalog.updateAnnotation(pEditor, n.id, { text: 'changed' }, fence)],
          ['deleteAnnotations', () => catalog.deleteAnnotations(pEditor, [n.id], fence)],
          ['addRelatedAsset', () => catalog.addRelatedAsset(pEditor, a.id, { kind: 'thumbnail' }, fence)],
          [
            'deriveVersion',
            () =>
              catalog.deriveVersion(
                pEditor,
                {
                  version: version('d', 10, { kind: 'cut-down' }),
                  relation: 'cut-down-of',
                  editList: { rate: '25', recordStart: 0, events: [{ source: v.id, start: 0, duration: 10 }] },
                },
                fence,
              ),
          ],
          ['deleteAsset', () => catalog.deleteAsset(pManager, a.id, fence)],
        ];
        const accepted: string[] = [];
        for (const [label, write] of writes) {
          const result = await write().then(
            () => 'ok',
            (e: unknown) => (isFramewiseError(e) ? e.code : String(e)),
          );
          if (result !== 'CONFLICT') accepted.push(`${label}: ${result}`);
        }
        expect(accepted).toEqual([]);
        // The old token does not come back to life: renew and check-in refuse it too.
        expect((await caught(catalog.renewLease(pEditor, a.id, lease.token))).code).toBe('CONFLICT');
        // Writing without a token is fine once no lease is active.
        await catalog.updateAsset(pEditor, a.id, { genres: ['ok'] });
      });

      it('relate and relink honour another holder lease (CONFLICT naming the holder)', async () => {
        const a = await catalog.createAsset(pEditor, asset(P, 'held'));
        const v = await catalog.addVersion(pEditor, a.id, version('m', 100));
        const proxy = await catalog.addVersion(pEditor, a.id, version('proxy', 100, { kind: 'proxy' }));
        const other: PrincipalInput = { id: 'other-ed', memberships: [{ project: P, role: 'editor' }] };
        const lease = await catalog.checkOut(other, a.id, { note: 'grading' });
        const e1 = await caught(catalog.relateVersions(pEditor, { from: proxy.id, to: v.id, type: 'proxy-of' }));
        expect(e1.code).toBe('CONFLICT');
        expect(e1.message).toContain('other-ed');
        const e2 = await caught(catalog.relinkProxy(pEditor, proxy.id, v.id));
        expect(e2.code).toBe('CONFLICT');
        await catalog.relateVersions(other, { from: proxy.id, to: v.id, type: 'proxy-of' }, { fence: lease.token });
        // A forged higher token is no better than a stale one.
        const e3 = await caught(catalog.updateAsset(pEditor, a.id, { genres: ['x'] }, { fence: lease.token + 1 }));
        expect(e3.code).toBe('CONFLICT');
        await catalog.checkIn(other, a.id, lease.token);
      });

      it('takeover after expiry: a higher token, the old one refused after the new holder wrote', async () => {
        const a = await catalog.createAsset(pEditor, asset(P, 'takeover'));
        const first = await catalog.checkOut(pEditor, a.id, { ttlMs: 1_000 });
        await expire(1_300);
        const other: PrincipalInput = { id: 'other-ed2', memberships: [{ project: P, role: 'editor' }] };
        const second = await catalog.checkOut(other, a.id, { ttlMs: 60_000 });
        expect(second.token).toBeGreaterThan(first.token);
        await catalog.updateAsset(other, a.id, { genres: ['b'] }, { fence: second.token });
        expect((await caught(catalog.updateAsset(pEditor, a.id, { genres: ['a'] }, { fence: first.token }))).code).toBe(
          'CONFLICT',
        );
        expect((await caught(catalog.checkIn(pEditor, a.id, first.token))).code).toBe('CONFLICT');
        expect((await catalog.getAsset(pEditor, a.id)).genres).toEqual(['b']);
      });
    });

    // ---------------------------------------------------------------- timeline

    describe('timecode across midnight', () => {
      // An independent oracle: label → frame count from 00:00:00:00, SMPTE drop-frame formula.
      function labelFrames(label: string, base: number, drop: boolean): number {
        const [h, m, s, f] = label.split(/[:;.]/).map(Number) as [number, number, number, number];
        const nominal = ((h * 60 + m) * 60 + s) * base + f;
        if (!drop) return nominal;
        const perMinute = base / 15; // 2 at 30, 4 at 60
        const minutes = h * 60 + m;
        return nominal - perMinute * (minutes - Math.floor(minutes / 10));
      }
      const cases: [string, { num: number; den: number; dropFrame: boolean }, number, string, string[]][] = [
        [
          '23.976',
          { num: 24000, den: 1001, dropFrame: false },
          24,
          '23:59:58:12',
          ['00:00:00:00', '00:00:30:05', '23:59:59:23'],
        ],
        [
          '29.97 DF',
          { num: 30000, den: 1001, dropFrame: true },
          30,
          '23:59:00;02',
          ['00:00:30;00', '00:01:00;02', '00:00:00;00', '23:59:59;29'],
        ],
        [
          '59.94 DF',
          { num: 60000, den: 1001, dropFrame: true },
          60,
          '23:58:59;58',
          ['00:00:00;00', '00:00:59;59', '00:01:00;04', '23:59:00;04'],
        ],
        ['25', R25, 25, '23:59:50:00', ['00:00:00:00', '00:00:09:24', '23:59:59:24']],
        ['50', { num: 50, den: 1, dropFrame: false }, 50, '23:59:30:10', ['00:00:00:00', '00:00:29:49', '23:59:59:49']],
      ];
      for (const [label, rate, base, start, queries] of cases) {
        it(`${label}: a label after midnight maps to the frame after the start`, async () => {
          const drop = rate.dropFrame;
          const day = labelFrames(drop ? '24:00:00;00' : '24:00:00:00', base, drop);
          const startFrames = labelFrames(start, base, drop);
          const a = await catalog.createAsset(pEditor, asset(P, `midnight ${label}`));
          const v = await catalog.addVersion(pEditor, a.id, version('m', base * 200, { rate, startTimecode: start }));
          for (const q of queries) {
            const frame = (labelFrames(q, base, drop) - startFrames + day) % day;
            expect(frame).toBeLessThan(base * 200);
            const [ann] = await catalog.addAnnotations(pEditor, v.id, [note(frame, 1, `at ${q}`)]);
            const hit = await catalog.findAnnotations(pEditor, { versionId: v.id, contains: q });
            expect(
              hit.items.map((x) => x.id),
              `${label} ${q} → frame ${frame}`,
            ).toContain(ann?.id);
            const starts = await catalog.findAnnotations(pEditor, { versionId: v.id, startsAt: q });
            expect(starts.items.map((x) => x.id)).toEqual([ann?.id]);
          }
          // A label the version never shows (hours later the same day).
          const never = drop ? '12:00:00;00' : '12:00:00:00';
          await invalid(
            `midnight-never-${label}`,
            catalog.findAnnotations(pEditor, { versionId: v.id, contains: never }),
          );
          if (drop) {
            // A dropped label (minute 1, frame 00) does not exist at all.
            await invalid(
              `midnight-dropped-${label}`,
              catalog.findAnnotations(pEditor, { versionId: v.id, contains: '00:01:00;00' }),
            );
          }
          // Overlaps from before midnight to after.
          const hits = await catalog.findAnnotations(pEditor, {
            versionId: v.id,
            overlaps: { start: start, end: queries[1] as string },
          });
          expect(hits.items.length).toBeGreaterThan(0);
        });
      }
    });

    describe('versions and annotations stay consistent', () => {
      it('deriveVersion clips carried annotations to the derived durationFrames and reports them', async () => {
        const a = await catalog.createAsset(pEditor, asset(P, 'derive'));
        const src = await catalog.addVersion(pEditor, a.id, version('m', 1000));
        const anns = await catalog.addAnnotations(pEditor, src.id, [
          note(100, 50, 'inside'),
          note(450, 100, 'straddles end'),
          note(600, 100, 'after end'),
          note(500, 0, 'point at end'),
          note(0, 1000, 'whole'),
        ]);
        const result = await catalog.deriveVersion(pEditor, {
          version: version('short', 500, { kind: 'cut-down' }),
          relation: 'cut-down-of',
          editList: { rate: '25', recordStart: 0, events: [{ source: src.id, start: 0, duration: 1000 }] },
        });
        const carried = await catalog.listAnnotations(pEditor, result.version.id);
        for (const c of carried) expect(c.start + c.duration, c.text).toBeLessThanOrEqual(500);
        const byText = new Map(anns.map((x) => [x.text, x.id]));
        expect([...result.clipped].sort()).toEqual(
          [byText.get('straddles end'), byText.get('after end'), byText.get('whole')].sort(),
        );
        expect(carried.map((c) => c.text).sort()).toEqual(['inside', 'point at end', 'straddles end', 'whole'].sort());
      });

      it('edit events past the end of their source, or on an unlisted source, are refused', async () => {
        const a = await catalog.createAsset(pEditor, asset(P, 'edit checks'));
        const src = await catalog.addVersion(pEditor, a.id, version('m', 100));
        const other = await catalog.addVersion(pEditor, a.id, version('m2', 100));
        const past = await caught(
          catalog.deriveVersion(pEditor, {
            version: version('d', 50, { kind: 'cut-down' }),
            relation: 'cut-down-of',
            editList: { rate: '25', recordStart: 0, events: [{ source: src.id, start: 80, duration: 50 }] },
          }),
        );
        expect(['INVALID_INPUT', 'CONFLICT']).toContain(past.code);
        const wrongRate = await caught(
          catalog.deriveVersion(pEditor, {
            version: version('d', 50, { kind: 'cut-down' }),
            relation: 'cut-down-of',
            editList: { rate: '24', recordStart: 0, events: [{ source: src.id, start: 0, duration: 50 }] },
          }),
        );
        expect(['INVALID_INPUT', 'CONFLICT']).toContain(wrongRate.code);
        const unlisted = await caught(
          catalog.deriveVersion(pEditor, {
            version: version('d', 20, { kind: 'cut-down' }),
            relation: 'cut-down-of',
            sources: [src.id],
            editList: {
              rate: '25',
              recordStart: 0,
              events: [
                { source: src.id, start: 0, duration: 10 },
                { source: other.id, start: 0, duration: 10 },
              ],
            },
          }),
        );
        expect(['INVALID_INPUT', 'CONFLICT']).toContain(unlisted.code);
        const rel = await caught(
          catalog.relateVersions(pEditor, {
            from: other.id,
            to: src.id,
            type: 'cut-down-of',
            editList: { rate: '25', recordStart: 0, events: [{ source: src.id, start: 99, duration: 2 }] },
          }),
        );
        expect(['INVALID_INPUT', 'CONFLICT']).toContain(rel.code);
        // Nothing half-written: no derived version, no relation.
        expect((await catalog.listVersions(pEditor, a.id)).map((v) => v.name).sort()).toEqual(['m', 'm2']);
        expect((await catalog.descendants(pEditor, src.id)).relations).toEqual([]);
      });

      it('updateVersion refuses to shrink below an annotation or a derived edit, or change the rate', async () => {
        const a = await catalog.createAsset(pEditor, asset(P, 'shrink'));
        const v = await catalog.addVersion(pEditor, a.id, version('m', 1000));
        await catalog.addAnnotations(pEditor, v.id, [note(700, 100), note(900, 0)]);
        expect((await caught(catalog.updateVersion(pEditor, v.id, { durationFrames: 799 }))).code).toBe('CONFLICT');
        expect((await caught(catalog.updateVersion(pEditor, v.id, { durationFrames: 850 }))).code).toBe('CONFLICT'); // point at 900
        await catalog.updateVersion(pEditor, v.id, { durationFrames: 900 });
        expect(
          (await caught(catalog.updateVersion(pEditor, v.id, { rate: { num: 30000, den: 1001, dropFrame: true } })))
            .code,
        ).toBe('CONFLICT');
        // An annotation added past the end is refused too.
        expect(['INVALID_INPUT', 'CONFLICT']).toContain(
          (await caught(catalog.addAnnotations(pEditor, v.id, [note(850, 60)]))).code,
        );
        // Moving an annotation past the end through updateAnnotation.
        const [n] = await catalog.addAnnotations(pEditor, v.id, [note(10, 10)]);
        if (n === undefined) throw new Error('missing');
        expect(['INVALID_INPUT', 'CONFLICT']).toContain(
          (await caught(catalog.updateAnnotation(pEditor, n.id, { start: 895, duration: 10 }))).code,
        );
        // A source used by a derived version's edit cannot shrink below the frames it gives.
        const d = await catalog.deriveVersion(pEditor, {
          version: version('d', 100, { kind: 'cut-down' }),
          relation: 'cut-down-of',
          carry: false,
          editList: { rate: '25', recordStart: 0, events: [{ source: v.id, start: 800, duration: 100 }] },
        });
        expect(d.version.durationFrames).toBe(100);
        await catalog.deleteAnnotations(
          pEditor,
          (await catalog.listAnnotations(pEditor, v.id)).map((x) => x.id),
        );
        expect((await caught(catalog.updateVersion(pEditor, v.id, { durationFrames: 899 }))).code).toBe('CONFLICT');
        expect(
          (await caught(catalog.updateVersion(pEditor, v.id, { rate: { num: 24, den: 1, dropFrame: false } }))).code,
        ).toBe('CONFLICT');
      });
    });

    // ---------------------------------------------------------------- search

    describe('CJK search', () => {
      it('finds Chinese and Japanese words without spaces, in titles and annotations, and not pairs across words', async () => {
        const a = await catalog.createAsset(pEditor, asset(P, '東京の物語'));
        const b = await catalog.createAsset(pEditor, asset(P, '北京烤鸭的故事'));
        const c = await catalog.createAsset(pEditor, asset(P, 'ＴＯＫＹＯ　ドラマ'));
        const find = async (text: string) =>
          (await catalog.searchAssets(pEditor, { text, projects: [P] })).items.map((x) => x.id);
        expect(await find('東京')).toContain(a.id);
        expect(await find('物語')).toContain(a.id);
        expect(await find('京物')).not.toContain(a.id);
        expect(await find('北京')).toContain(b.id);
        expect(await find('故事')).toContain(b.id);
        expect(await find('东京')).not.toContain(a.id); // simplified ≠ traditional
        expect(await find('tokyo')).toContain(c.id); // NFKC full-width
        expect(await find('ドラマ')).toContain(c.id);
        expect(await find('東')).toContain(a.id); // a single character is a word too
        const v = await catalog.addVersion(pEditor, a.id, version('m', 100));
        await catalog.addAnnotations(pEditor, v.id, [
          note(0, 1, '彼は東京駅で待っていた'),
          note(5, 1, '한국어 자막 테스트'),
        ]);
        const ann = async (text: string) =>
          (await catalog.findAnnotations(pEditor, { versionId: v.id, text })).items.length;
        expect(await ann('東京駅')).toBe(1);
        expect(await ann('待って')).toBe(1);
        expect(await ann('자막')).toBe(1);
        expect(await ann('京駅で')).toBe(1);
        expect(await ann('大阪')).toBe(0);
      });
    });

    // ---------------------------------------------------------------- bad input

    describe('bad input is INVALID_INPUT, the same in every store', () => {
      let assetId: string;
      let versionId: string;
      beforeAll(async () => {
        const a = await catalog.createAsset(pEditor, asset(P, 'input target'));
        assetId = a.id;
        versionId = (await catalog.addVersion(pEditor, a.id, version('m', 1000))).id;
      });

      it('NUL, lone surrogates and control characters in text, JSON keys and values, house ids', async () => {
        await invalid('nul-title', catalog.createAsset(pEditor, asset(P, 'a\u0000b')));
        await invalid('surrogate-title', catalog.createAsset(pEditor, asset(P, 'a\ud800b')));
        await invalid('low-surrogate-title', catalog.createAsset(pEditor, asset(P, '\udc00')));
        await invalid('reversed-pair', catalog.createAsset(pEditor, asset(P, '\udc00\ud800')));
        await invalid('nul-custom-value', catalog.createAsset(pEditor, asset(P, 'x', { custom: { k: 'a\u0000' } })));
        await invalid('nul-custom-key', catalog.createAsset(pEditor, asset(P, 'x', { custom: { 'k\u0000': 1 } })));
        await invalid('surrogate-custom-key', catalog.createAsset(pEditor, asset(P, 'x', { custom: { '\ud83d': 1 } })));
        await invalid(
          'nul-house-id',
          catalog.createAsset(
            pEditor,
            asset(P, 'x', { externalIds: [{ scheme: 'house', namespace: 'ns', value: 'a\u0000' }] }),
          ),
        );
        await invalid('nul-annotation-text', catalog.addAnnotations(pEditor, versionId, [note(0, 1, 'a\u0000')]));
        await invalid(
          'nul-annotation-data',
          catalog.addAnnotations(pEditor, versionId, [note(0, 1, 'a', { data: { x: '\u0000' } })]),
        );
        await invalid('surrogate-annotation-text', catalog.addAnnotations(pEditor, versionId, [note(0, 1, '\ud800')]));
        await invalid(
          'nul-event-details',
          catalog.recordEvent(pEditor, { assetId, action: 'rights.takedown', details: { r: '\u0000' } }),
        );
        await invalid('nul-search-text', catalog.searchAssets(pEditor, { text: 'a\u0000' }));
        await invalid('surrogate-find-text', catalog.findAnnotations(pEditor, { text: '\ud800' }));
        await invalid('nul-id', catalog.getAsset(pEditor, 'a\u0000'));
        await invalid('bell-title', catalog.createAsset(pEditor, asset(P, 'a\u0007b')));
        await invalid('nul-principal-id', catalog.getAsset({ id: 'x\u0000', global: 'admin' }, assetId));
        // A well-formed astral character is fine.
        await catalog.createAsset(pEditor, asset(P, 'ok 🎬'));
      });

      it('non-JSON values: BigInt, Date, NaN, Infinity, functions, symbols, class instances, cycles, undefined in arrays', async () => {
        const bad: [string, unknown][] = [
          ['bigint', 1n],
          ['date', new Date(0)],
          ['nan', Number.NaN],
          ['infinity', Number.POSITIVE_INFINITY],
          ['function', () => 1],
          ['symbol', Symbol('s')],
          ['map', new Map()],
          ['uint8array', new Uint8Array(2)],
          // biome-ignore lint/suspicious/noSparseArray: a hole is the input under test
          ['sparse', [1, , 3]],
          ['undefined-in-array', [undefined]],
        ];
        for (const [label, value] of bad) {
          await invalid(`custom-${label}`, catalog.createAsset(pEditor, asset(P, 'x', { custom: { v: value } })));
          await invalid(
            `data-${label}`,
            catalog.addAnnotations(pEditor, versionId, [note(0, 1, 'x', { data: { v: value } })]),
          );
        }
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        await invalid('custom-cycle', catalog.createAsset(pEditor, asset(P, 'x', { custom: cyclic })));
        await invalid(
          'bigint-frame',
          catalog.findAnnotations(pEditor, { versionId, contains: 5n as unknown as number }),
        );
        await invalid('bigint-limit', catalog.searchAssets(pEditor, { limit: 10n as unknown as number }));
        // A "__proto__" key was silently dropped (PostgreSQL, PGlite) or became a prototype: refused.
        await invalid(
          'proto-key',
          catalog.createAsset(pEditor, asset(P, 'x', { custom: JSON.parse('{"__proto__":{"polluted":1}}') })),
        );
        await invalid(
          'nested-proto-key',
          catalog.addAnnotations(pEditor, versionId, [
            note(0, 1, 'x', { data: JSON.parse('{"k":[{"__proto__":null}]}') }),
          ]),
        );
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      });

      it('deeply nested and oversize values', async () => {
        let deep: unknown = 1;
        for (let i = 0; i < 20_000; i++) deep = { d: deep };
        await invalid('deep-custom', catalog.createAsset(pEditor, asset(P, 'x', { custom: { v: deep } })));
        let deepArray: unknown = [];
        for (let i = 0; i < 20_000; i++) deepArray = [deepArray];
        await invalid(
          'deep-array-details',
          catalog.recordEvent(pEditor, { assetId, action: 'x.y', details: { v: deepArray } }),
        );
        let d33: unknown = 1;
        for (let i = 0; i < 33; i++) d33 = { d: d33 };
        await invalid(
          'custom-33-deep',
          catalog.createAsset(pEditor, asset(P, 'x', { custom: d33 as Record<string, unknown> })),
        );
        await invalid(
          'custom-too-big',
          catalog.createAsset(pEditor, asset(P, 'x', { custom: { s: 'x'.repeat(70_000) } })),
        );
        // 65,536 characters of JSON in many small keys.
        const many: Record<string, number> = {};
        for (let i = 0; i < 10_000; i++) many[`k${i}`] = i;
        await invalid('custom-many-keys', catalog.createAsset(pEditor, asset(P, 'x', { custom: many })));
        await invalid('title-too-long', catalog.createAsset(pEditor, asset(P, 'x'.repeat(501))));
        await invalid(
          'annotation-text-too-long',
          catalog.addAnnotations(pEditor, versionId, [note(0, 1, 'x'.repeat(20_001))]),
        );
        await invalid('search-text-8mib', catalog.searchAssets(pEditor, { text: 'x'.repeat(8 * 1024 * 1024) }));
        await invalid(
          'batch-10001',
          catalog.addAnnotations(
            pEditor,
            versionId,
            Array.from({ length: 10_001 }, (_, i) => note(i % 1000, 0, `b${i}`)),
          ),
        );
        await invalid(
          'delete-batch-10001',
          catalog.deleteAnnotations(
            pEditor,
            Array.from({ length: 10_001 }, (_, i) => `id${i}`),
          ),
        );
        await invalid('huge-id', catalog.getAsset(pEditor, 'a'.repeat(129)));
        await invalid('id-with-slash', catalog.getAsset(pEditor, '../etc'));
        // Exactly at the limits is fine.
        await catalog.createAsset(pEditor, asset(P, 'y'.repeat(500)));
        let d32: unknown = 1;
        for (let i = 0; i < 31; i++) d32 = { d: d32 };
        await catalog.createAsset(pEditor, asset(P, 'x', { custom: d32 as Record<string, unknown> }));
      });

      it('duplicate ids in one batch, forged and foreign cursors, bad lease notes', async () => {
        await invalid(
          'duplicate-annotation-ids',
          catalog.addAnnotations(pEditor, versionId, [
            note(0, 1, 'a', { id: 'dup-1' }),
            note(2, 1, 'b', { id: 'dup-1' }),
          ]),
        );
        expect(await catalog.listAnnotations(pEditor, versionId)).toEqual([]);
        const [x] = await catalog.addAnnotations(pEditor, versionId, [note(0, 1, 'kept')]);
        await invalid('duplicate-delete-ids', catalog.deleteAnnotations(pEditor, [x?.id ?? '', x?.id ?? '']));
        expect(await catalog.listAnnotations(pEditor, versionId)).toHaveLength(1);
        for (let i = 0; i < 3; i++) await catalog.createAsset(pEditor, asset(P, `cursor ${i}`));
        const first = await catalog.searchAssets(pEditor, { limit: 1, sort: { field: 'title', direction: 'asc' } });
        expect(first.next).toBeDefined();
        const cursor = first.next as string;
        await invalid('garbage-cursor', catalog.searchAssets(pEditor, { after: 'not a cursor' }));
        await invalid('empty-cursor', catalog.searchAssets(pEditor, { after: '' }));
        await invalid('asset-cursor-for-annotations', catalog.findAnnotations(pEditor, { versionId, after: cursor }));
        await invalid('asset-cursor-for-page', catalog.listAnnotationsPage(pEditor, versionId, { after: cursor }));
        await invalid(
          'cursor-other-sort',
          catalog.searchAssets(pEditor, { after: cursor, sort: { field: 'productionYear', direction: 'desc' } }),
        );
        // Forge: decode whatever the cursor is, tamper it, re-encode the same way.
        const forged = forgeCursors(cursor);
        for (const [i, f] of forged.entries()) {
          const r = await catalog.searchAssets(pEditor, { after: f, sort: { field: 'title', direction: 'asc' } }).then(
            () => 'ok',
            (e: unknown) => (isFramewiseError(e) ? e.code : `raw ${String(e)}`),
          );
          expect(['ok', 'INVALID_INPUT'], `forged cursor ${i}: ${f}`).toContain(r);
        }
        await invalid('note-number', catalog.checkOut(pEditor, assetId, { note: 42 as unknown as string }));
        await invalid('note-nul', catalog.checkOut(pEditor, assetId, { note: 'a\u0000' }));
        await invalid(
          'note-object',
          catalog.checkOut(pEditor, assetId, { note: { toString: () => 'x' } as unknown as string }),
        );
        await invalid('ttl-bigint', catalog.checkOut(pEditor, assetId, { ttlMs: 5000n as unknown as number }));
        await invalid(
          'fence-string',
          catalog.updateAsset(pEditor, assetId, { genres: [] }, { fence: '1' as unknown as number }),
        );
        await invalid('fence-nan', catalog.updateAsset(pEditor, assetId, { genres: [] }, { fence: Number.NaN }));
        await invalid('limit-zero', catalog.searchAssets(pEditor, { limit: 0 }));
        await invalid('audit-limit', catalog.readAudit(pAdmin, { project: P, limit: 10_001 }));
        await invalid('audit-fromseq-negative', catalog.readAudit(pAdmin, { project: P, fromSeq: -1 }));
        await invalid('page-limit', catalog.listAnnotationsPage(pEditor, versionId, { limit: 5001 }));
        await invalid('frame-huge', catalog.findAnnotations(pEditor, { versionId, contains: 2 ** 60 }));
        await invalid('start-unsafe', catalog.addAnnotations(pEditor, versionId, [note(2 ** 53, 1)]));
        // Nothing about the lease was taken by any of the refusals.
        expect(await catalog.getLease(pEditor, assetId)).toBeUndefined();
      });
    });

    // ---------------------------------------------------------------- listAnnotations paging

    it('listAnnotationsPage pages through a version in media-time order without loss or repeat', async () => {
      const a = await catalog.createAsset(pEditor, asset(P, 'paging'));
      const v = await catalog.addVersion(pEditor, a.id, version('m', 100_000));
      const inputs = Array.from({ length: 2_345 }, (_, i) => note((i * 7919) % 99_000, i % 3, `p${i}`));
      await catalog.addAnnotations(pEditor, v.id, inputs);
      const ids: string[] = [];
      let after: string | undefined;
      let pages = 0;
      do {
        const page = await catalog.listAnnotationsPage(
          pEditor,
          v.id,
          after === undefined ? { limit: 1000 } : { limit: 1000, after },
        );
        ids.push(...page.items.map((x) => x.id));
        after = page.next;
        pages++;
      } while (after !== undefined && pages < 10);
      expect(new Set(ids).size).toBe(2_345);
      const all = await catalog.listAnnotations(pEditor, v.id);
      expect(all.map((x) => x.id)).toEqual(ids);
      for (let i = 1; i < all.length; i++) expect((all[i - 1]?.start ?? 0) <= (all[i]?.start ?? 0)).toBe(true);
    });
  });
}

/** Tampered variants of a cursor (base64url JSON or otherwise): flipped characters, altered JSON. */
function forgeCursors(cursor: string): string[] {
  const out = [`${cursor}x`, cursor.slice(0, -1), cursor.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))];
  for (const encoding of ['base64url', 'base64'] as const) {
    try {
      const text = Buffer.from(cursor, encoding).toString('utf8');
      const json = JSON.parse(text) as unknown;
      const enc = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8').toString(encoding);
      out.push(enc({ ...(json as object), k: 'forged' }));
      out.push(enc([json, json]));
      out.push(enc(null));
      out.push(enc(1e308));
      out.push(enc('{"a":'));
      out.push(enc({ v: 'x'.repeat(10), id: '\u0000' }));
      if (Array.isArray(json)) out.push(enc(json.map(() => ({ nested: [true] }))));
      else if (typeof json === 'object' && json !== null)
        for (const key of Object.keys(json)) {
          out.push(enc({ ...(json as object), [key]: { $gt: '' } }));
          out.push(enc({ ...(json as object), [key]: 2 ** 70 }));
          out.push(enc({ ...(json as object), [key]: "'; DROP TABLE x; --" }));
        }
      break;
    } catch {
      // not this encoding
    }
  }
  return out;
}
