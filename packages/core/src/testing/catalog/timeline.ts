import { describe, expect, it } from 'vitest';
import { indexAnnotation, indexAsset } from '../../adapter-kit/index.js';
import { reindexSearch } from '../../catalog/index.js';
import { FrameRate, Timecode } from '../../index.js';
import { dramaEditor, dramaViewer, newsEditor } from './fixtures.js';
import { expectError, type SuiteContext } from './suite-context.js';

const person = { kind: 'person' as const, id: 'ana' };
const RATES: readonly FrameRate[] = [
  FrameRate.FPS_23_976,
  FrameRate.FPS_24,
  FrameRate.FPS_25,
  FrameRate.FPS_29_97_DF,
  FrameRate.FPS_29_97_NDF,
  FrameRate.FPS_30,
  FrameRate.FPS_47_952,
  FrameRate.FPS_48,
  FrameRate.FPS_50,
  FrameRate.FPS_59_94_DF,
  FrameRate.FPS_59_94_NDF,
  FrameRate.FPS_60,
  FrameRate.FPS_100,
  FrameRate.FPS_119_88,
  FrameRate.FPS_120,
];

/** Timecode search across midnight, versions and annotations kept consistent, CJK words. */
export function timelineSuite(ctx: SuiteContext): void {
  describe('timelines', () => {
    it('finds annotations by timecode on versions that run past midnight, at every rate', async () => {
      const { catalog } = ctx;
      const asset = await catalog.createAsset(dramaEditor, {
        id: 'tl-midnight',
        project: 'drama',
        kind: 'feature',
        titles: [{ language: 'en', value: 'Midnight' }],
      });
      for (const rate of RATES) {
        // The first label of 23:59:00 (drop-frame skips ;00 and ;01, or ;00-;03 at 59.94).
        const start = Timecode.fromFrames(
          rate.framesPerDay - 60 * (rate.timecodeBase ?? 0) + rate.dropFramesPerMinute,
          rate,
        );
        const duration = 3 * 60 * (rate.timecodeBase ?? 0); // three minutes, two after midnight
        const v = await catalog.addVersion(dramaEditor, asset.id, {
          name: `night ${rate.toString()}`,
          kind: 'master',
          rate: rate.toJSON(),
          durationFrames: duration,
          startTimecode: start.toString(),
        });
        // An oracle that walks labels frame by frame from the start, wrapping at midnight.
        const labelAt = (frame: number) =>
          Timecode.fromFrames((start.frames + frame) % rate.framesPerDay, rate).toString();
        const afterMidnight = rate.framesPerDay - start.frames + 30 * (rate.timecodeBase ?? 0);
        const beforeMidnight = 10;
        await catalog.addAnnotations(dramaEditor, v.id, [
          { type: 'segment', start: beforeMidnight, duration: 5, text: 'before', provenance: person },
          { type: 'segment', start: afterMidnight, duration: 5, text: 'after', provenance: person },
        ]);
        const texts = async (q: Parameters<typeof catalog.findAnnotations>[1]) =>
          (await catalog.findAnnotations(dramaViewer, q)).items.map((a) => a.text);
        expect(labelAt(afterMidnight).startsWith('00:00:30'), rate.toString()).toBe(true);
        expect(await texts({ versionId: v.id, contains: labelAt(afterMidnight + 2) }), rate.toString()).toEqual([
          'after',
        ]);
        expect(await texts({ versionId: v.id, startsAt: labelAt(beforeMidnight) }), rate.toString()).toEqual([
          'before',
        ]);
        expect(
          await texts({ versionId: v.id, overlaps: { start: labelAt(0), end: labelAt(afterMidnight + 1) } }),
          rate.toString(),
        ).toEqual(['before', 'after']);
        await expectError(
          catalog.findAnnotations(dramaViewer, {
            versionId: v.id,
            contains: Timecode.fromFrames(start.frames - 1, rate).toString(),
          }),
          'INVALID_INPUT',
          /outside version/,
        );
      }
    });

    it('keeps versions and annotations consistent', async () => {
      const { catalog } = ctx;
      const pal = { num: 25, den: 1, dropFrame: false };
      const asset = await catalog.createAsset(dramaEditor, {
        id: 'tl-consistent',
        project: 'drama',
        kind: 'episode',
        titles: [{ language: 'en', value: 'Consistent' }],
      });
      const master = await catalog.addVersion(dramaEditor, asset.id, {
        name: 'm',
        kind: 'master',
        rate: pal,
        durationFrames: 1000,
      });
      const [early, across, late, point] = await catalog.addAnnotations(dramaEditor, master.id, [
        { type: 'segment', start: 0, duration: 100, text: 'early', provenance: person },
        { type: 'segment', start: 350, duration: 200, text: 'across', provenance: person },
        { type: 'segment', start: 700, duration: 50, text: 'late', provenance: person },
        { type: 'ad-break', start: 400, duration: 0, text: 'point', provenance: person },
      ]);
      // The edit is 800 frames long but the derived version only 400: pieces past it are clipped.
      const derived = await catalog.deriveVersion(dramaEditor, {
        version: { name: 'short', kind: 'cut-down', rate: pal, durationFrames: 400 },
        relation: 'cut-down-of',
        editList: { rate: '25', recordStart: 0, events: [{ source: master.id, start: 0, duration: 800 }] },
      });
      expect([...derived.clipped].sort()).toEqual([across?.id, late?.id].sort());
      const carried = await catalog.listAnnotations(dramaViewer, derived.version.id);
      expect(carried.map((a) => [a.text, a.start, a.duration])).toEqual([
        ['early', 0, 100],
        ['across', 350, 50],
        ['point', 400, 0], // a point at the very end is on the version
      ]);
      expect(carried.every((a) => a.start + a.duration <= 400)).toBe(true);
      expect(derived.cut).not.toContain(point?.id);
      expect(early).toBeDefined();
      // Edit events must take frames their source has.
      await expectError(
        catalog.deriveVersion(dramaEditor, {
          version: { name: 'bad', kind: 'cut-down', rate: pal, durationFrames: 100 },
          relation: 'cut-down-of',
          editList: { rate: '25', recordStart: 0, events: [{ source: master.id, start: 950, duration: 100 }] },
        }),
        'INVALID_INPUT',
        /Edit event 0 takes frames 950-1050/,
      );
      const other = await catalog.addVersion(dramaEditor, asset.id, {
        name: 'o',
        kind: 'grade',
        rate: pal,
        durationFrames: 50,
      });
      await expectError(
        catalog.relateVersions(dramaEditor, {
          from: other.id,
          to: master.id,
          type: 'cut-down-of',
          editList: { rate: '25', recordStart: 0, events: [{ source: master.id, start: 990, duration: 20 }] },
        }),
        'INVALID_INPUT',
        /Edit event 0/,
      );
      // updateVersion refuses to orphan annotations or edit events.
      await expectError(catalog.updateVersion(dramaEditor, master.id, { durationFrames: 600 }), 'CONFLICT', /shrink/);
      await expectError(
        catalog.updateVersion(dramaEditor, master.id, { rate: { num: 30, den: 1, dropFrame: false } }),
        'CONFLICT',
        /rate/,
      );
      // 750 still holds every annotation but not the derived version's edit (800 frames of master).
      await expectError(
        catalog.updateVersion(dramaEditor, master.id, { durationFrames: 750 }),
        'CONFLICT',
        /edit list/,
      );
      expect((await catalog.updateVersion(dramaEditor, master.id, { durationFrames: 900 })).durationFrames).toBe(900);
      expect(
        (await catalog.updateVersion(dramaEditor, other.id, { rate: { num: 30, den: 1, dropFrame: false } })).rate.num,
      ).toBe(30);
    });

    it('finds Chinese and Japanese words in titles and annotation text, in every store', async () => {
      const { catalog } = ctx;
      const asset = await catalog.createAsset(newsEditor, {
        id: 'tl-cjk',
        project: 'news',
        kind: 'news-item',
        titles: [{ language: 'ja', value: '東京の物語' }],
        synopses: [{ language: 'zh', value: '北京欢迎你，这是一个故事。' }],
      });
      const found = async (text: string) =>
        (await catalog.searchAssets(newsEditor, { text })).items.map((a) => a.id).includes(asset.id);
      expect(await found('東京')).toBe(true);
      expect(await found('物語')).toBe(true);
      expect(await found('東')).toBe(true);
      expect(await found('北京 故事')).toBe(true);
      expect(await found('京物')).toBe(false);
      expect(await found('大阪')).toBe(false);
      const v = await catalog.addVersion(newsEditor, asset.id, {
        name: 'm',
        kind: 'master',
        rate: { num: 25, den: 1, dropFrame: false },
        durationFrames: 100,
      });
      await catalog.addAnnotations(newsEditor, v.id, [
        { type: 'transcript', start: 0, duration: 10, text: '今日は東京タワーに行きます', provenance: person },
      ]);
      const hits = async (text: string) =>
        (await catalog.findAnnotations(newsEditor, { text, assetId: asset.id })).items.length;
      expect(await hits('東京タワー')).toBe(1);
      expect(await hits('タワー')).toBe(1);
      expect(await hits('大阪')).toBe(0);
    });

    it('reindexSearch rebuilds rows indexed before CJK bigrams, changing no record', async () => {
      const { catalog, store } = ctx;
      const asset = await catalog.createAsset(newsEditor, {
        id: 'tl-reindex',
        project: 'news',
        kind: 'news-item',
        titles: [{ language: 'ja', value: '大阪の夜景' }],
      });
      const v = await catalog.addVersion(newsEditor, asset.id, {
        id: 'tl-reindex-v',
        name: 'm',
        kind: 'master',
        rate: { num: 25, den: 1, dropFrame: false },
        durationFrames: 100,
      });
      await catalog.addAnnotations(newsEditor, v.id, [
        { id: 'tl-reindex-n', type: 'transcript', start: 0, duration: 10, text: '名古屋城の桜', provenance: person },
      ]);
      const found = async (text: string) =>
        (await catalog.searchAssets(newsEditor, { text })).items.some((a) => a.id === asset.id);
      const hits = async (text: string) =>
        (await catalog.findAnnotations(newsEditor, { text, versionId: v.id })).items.length;
      // Write the rows back the way the release before bigrams indexed them: a run of CJK
      // characters was one word.
      const oldTokens = (text: string) =>
        text
          .toLowerCase()
          .split(/[^\p{L}\p{N}\p{M}]+/u)
          .filter(Boolean);
      const storedAsset = await catalog.getAsset(newsEditor, asset.id);
      const [storedNote] = await store.listAnnotations(v.id);
      if (storedNote === undefined) throw new Error('annotation missing');
      await store.transaction(async (tx) => {
        await tx.putAsset(storedAsset, { ...indexAsset(storedAsset), tokens: oldTokens('大阪の夜景') });
        await tx.putAnnotations([
          { annotation: storedNote, index: { ...indexAnnotation(storedNote), tokens: oldTokens('名古屋城の桜') } },
        ]);
      });
      expect(await found('大阪')).toBe(false);
      expect(await hits('名古屋')).toBe(0);
      const head = await store.auditHeads();

      const report = await reindexSearch(store, { pageSize: 7 });
      expect(report.assets).toBeGreaterThanOrEqual(1);
      expect(report.annotations).toBeGreaterThanOrEqual(1);
      expect(await found('大阪')).toBe(true);
      expect(await found('夜景')).toBe(true);
      expect(await hits('名古屋')).toBe(1);
      expect(await hits('桜')).toBe(1);
      // Records and the audit trail are untouched; a second run changes nothing.
      expect(await catalog.getAsset(newsEditor, asset.id)).toEqual(storedAsset);
      expect(await store.listAnnotations(v.id)).toEqual([storedNote]);
      expect(await store.auditHeads()).toEqual(head);
      expect((await reindexSearch(store)).assets).toBe(report.assets);
      expect(await found('大阪')).toBe(true);
    });
  });
}
