import { describe, expect, it } from 'vitest';
import { type Annotation, type AnnotationInput, FrameRate, Timecode } from '../../index.js';
import { dramaEditor, dramaViewer, newsEditor } from './fixtures.js';
import { expectError, type SuiteContext } from './suite-context.js';

const person = { kind: 'person' as const, id: 'ana' };
const ids = (items: readonly Annotation[]) => items.map((a) => a.text ?? a.type);

/** Timecode search, catalog-wide time and text search, paging, and carrying through edits. */
export function annotationSuite(ctx: SuiteContext): void {
  describe('annotations', () => {
    it('finds annotations by timecode on a drop-frame version', async () => {
      const { catalog } = ctx;
      const asset = await catalog.createAsset(dramaEditor, {
        id: 'conf-ann-df',
        project: 'drama',
        kind: 'feature',
        titles: [{ language: 'en', value: 'DF feature' }],
      });
      const rate = FrameRate.FPS_29_97_DF;
      const v = await catalog.addVersion(dramaEditor, asset.id, {
        name: 'master',
        kind: 'master',
        rate: rate.toJSON(),
        durationFrames: 2 * 107_892,
        startTimecode: '01:00:00;00',
      });
      const at = (label: string) => Timecode.parse(label, rate).frames - 107_892;
      const span = (from: string, to: string) => ({ start: at(from), duration: at(to) - at(from) });
      const inputs: AnnotationInput[] = [
        { type: 'segment', ...span('01:00:00;00', '01:20:00;00'), text: 'Act one', provenance: person },
        { type: 'segment', ...span('01:20:00;00', '01:45:10;02'), text: 'Act two interview', provenance: person },
        {
          type: 'ad-break',
          start: at('01:23:15;00'),
          duration: 0,
          text: 'Break A',
          data: { scte35: { segmentationTypeId: 52 } },
          provenance: person,
        },
        {
          type: 'music-cue',
          ...span('01:23:00;02', '01:24:30;00'),
          track: 'audio:1',
          text: 'Harbour theme',
          data: { publisher: 'Example Music' },
          provenance: { kind: 'ai-model', id: 'cue-detect', version: '2.1', confidence: 0.93 },
        },
        {
          type: 'qc-finding',
          ...span('01:23:15;00', '01:23:16;00'),
          text: 'Loudness high',
          provenance: { kind: 'qc-rule', id: 'ebu-r128.integrated' },
        },
      ];
      await catalog.addAnnotations(dramaEditor, v.id, inputs);
      const containing = await catalog.findAnnotations(dramaViewer, { versionId: v.id, contains: '01:23:15;00' });
      expect(ids(containing.items)).toEqual(['Act two interview', 'Harbour theme', 'Loudness high']);
      const starting = await catalog.findAnnotations(dramaViewer, { versionId: v.id, startsAt: '01:23:15;00' });
      expect(ids(starting.items)).toEqual(['Break A', 'Loudness high']);
      const breaks = await catalog.findAnnotations(dramaViewer, {
        versionId: v.id,
        types: ['ad-break'],
        overlaps: { start: '01:20:00;00', end: '01:30:00;00' },
      });
      expect(ids(breaks.items)).toEqual(['Break A']);
      const onTrack = await catalog.findAnnotations(dramaViewer, { versionId: v.id, track: 'audio:1' });
      expect(onTrack.items[0]?.provenance).toEqual({
        kind: 'ai-model',
        id: 'cue-detect',
        version: '2.1',
        confidence: 0.93,
      });
      expect(
        ids((await catalog.findAnnotations(dramaViewer, { versionId: v.id, contains: at('01:20:00;00') - 1 })).items),
      ).toEqual(['Act one']);
      await expectError(
        catalog.findAnnotations(dramaViewer, { versionId: v.id, contains: '00:59:59;29' }),
        'INVALID_INPUT',
        /outside version/,
      );
      await expectError(
        catalog.findAnnotations(dramaViewer, { versionId: v.id, contains: '01:01:00;00' }),
        'INVALID_INPUT',
        /does not exist/,
      );
      await expectError(catalog.findAnnotations(dramaViewer, { contains: 10 }), 'INVALID_INPUT', /needs a versionId/);
      await expectError(
        catalog.addAnnotations(dramaEditor, v.id, [
          { type: 'note', start: 2 * 107_892, duration: 1, provenance: person },
        ]),
        'INVALID_INPUT',
        /past the end/,
      );
    });

    it('searches media time exactly across rates, with text, scoped and paged', async () => {
      const { catalog } = ctx;
      const asset = await catalog.createAsset(dramaEditor, {
        id: 'conf-ann-x',
        project: 'drama',
        kind: 'clip',
        titles: [{ language: 'en', value: 'Cross-rate' }],
      });
      const pal = await catalog.addVersion(dramaEditor, asset.id, {
        name: 'pal',
        kind: 'master',
        rate: { num: 25, den: 1, dropFrame: false },
        durationFrames: 10_000,
      });
      const ntsc = await catalog.addVersion(dramaEditor, asset.id, {
        name: 'ntsc',
        kind: 'localized',
        rate: FrameRate.FPS_29_97_NDF.toJSON(),
        durationFrames: 10_000,
      });
      await catalog.addAnnotations(dramaEditor, pal.id, [
        { type: 'segment', start: 250, duration: 25, text: 'Zephyrine interview at ten', provenance: person },
      ]);
      // Frame 300 at 30000/1001 is 10.01 s.
      await catalog.addAnnotations(dramaEditor, ntsc.id, [
        { type: 'segment', start: 300, duration: 30, text: 'Zephyrine interview later', provenance: person },
      ]);
      const news = await catalog.createAsset(newsEditor, {
        id: 'conf-ann-news',
        project: 'news',
        kind: 'news-item',
        titles: [{ language: 'en', value: 'News' }],
      });
      const nv = await catalog.addVersion(newsEditor, news.id, {
        name: 'n',
        kind: 'master',
        rate: { num: 25, den: 1, dropFrame: false },
        durationFrames: 1000,
      });
      await catalog.addAnnotations(newsEditor, nv.id, [
        { type: 'segment', start: 250, duration: 25, text: 'Zephyrine interview news', provenance: person },
      ]);

      const both = await catalog.findAnnotations(dramaViewer, {
        text: 'zephyrine INTERVIEW',
        startsWithin: { start: 10, end: 10.5 },
      });
      expect(ids(both.items)).toEqual(['Zephyrine interview at ten', 'Zephyrine interview later']);
      const exact = await catalog.findAnnotations(dramaViewer, {
        text: 'zephyrine',
        startsWithin: { start: 0, end: { num: 1001, den: 100 } },
      });
      expect(ids(exact.items)).toEqual(['Zephyrine interview at ten']);
      const from = await catalog.findAnnotations(dramaViewer, {
        text: 'zephyrine',
        startsWithin: { start: { num: 1001, den: 100 }, end: 11 },
      });
      expect(ids(from.items)).toEqual(['Zephyrine interview later']);
      const noText = await catalog.findAnnotations(dramaViewer, {
        types: ['segment'],
        assetId: asset.id,
        startsWithin: { start: 10, end: 10.02 },
      });
      expect(ids(noText.items)).toEqual(['Zephyrine interview at ten', 'Zephyrine interview later']);
      const all = await catalog.findAnnotations(newsEditor, { text: 'zephyrine' });
      expect(ids(all.items)).toEqual(['Zephyrine interview news']);

      const many = await catalog.addAnnotations(
        dramaEditor,
        pal.id,
        Array.from({ length: 23 }, (_, i) => ({
          type: 'shot' as const,
          start: 1000 + (i % 7) * 10,
          duration: 5,
          text: `Quillon shot ${i}`,
          provenance: person,
        })),
      );
      const seen: string[] = [];
      let after: string | undefined;
      do {
        const page = await catalog.findAnnotations(dramaViewer, {
          versionId: pal.id,
          types: ['shot'],
          limit: 4,
          ...(after ? { after } : {}),
        });
        seen.push(...page.items.map((a) => a.id));
        after = page.next;
      } while (after !== undefined);
      expect(new Set(seen).size).toBe(23);
      const expected = [...many].sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : 1)).map((a) => a.id);
      expect(seen).toEqual(expected);
      await expectError(
        catalog.findAnnotations(dramaViewer, { versionId: pal.id, after: 'garbage' }),
        'INVALID_INPUT',
        /Cursor/,
      );
    });

    it('carries annotations through an edit: moved, split and flagged, cut and reported', async () => {
      const { catalog } = ctx;
      const pal = { num: 25, den: 1, dropFrame: false };
      const asset = await catalog.createAsset(dramaEditor, {
        id: 'conf-carry',
        project: 'drama',
        kind: 'episode',
        titles: [{ language: 'en', value: 'Carry' }],
      });
      const master = await catalog.addVersion(dramaEditor, asset.id, {
        name: 'master',
        kind: 'master',
        rate: pal,
        durationFrames: 3000,
        startTimecode: '10:00:00:00',
      });
      const [kept, spanning, removed, point] = await catalog.addAnnotations(dramaEditor, master.id, [
        { type: 'segment', start: 100, duration: 100, text: 'kept', provenance: person },
        { type: 'segment', start: 900, duration: 400, text: 'spans the cut', provenance: person },
        {
          type: 'content-flag',
          start: 1050,
          duration: 50,
          text: 'violence',
          data: { category: 'violence' },
          provenance: person,
        },
        { type: 'ad-break', start: 2000, duration: 0, text: 'break', provenance: person },
      ]);
      // Compliance edit: remove frames 1000-1200.
      const result = await catalog.deriveVersion(dramaEditor, {
        version: {
          name: 'compliance',
          kind: 'compliance-edit',
          rate: pal,
          durationFrames: 2800,
          startTimecode: '10:00:00:00',
        },
        relation: 'compliance-edit-of',
        editList: {
          rate: '25',
          recordStart: 0,
          events: [
            { source: master.id, start: 0, duration: 1000 },
            { source: master.id, start: 1200, duration: 1800 },
          ],
        },
      });
      expect(result.cut).toEqual([removed?.id]);
      expect(result.split).toEqual([spanning?.id]);
      const onEdit = await catalog.listAnnotations(dramaViewer, result.version.id);
      const summary = onEdit.map((a) => [
        a.text,
        a.start,
        a.duration,
        a.flags.includes('split-by-edit'),
        a.derivedFrom,
      ]);
      expect(summary).toEqual([
        ['kept', 100, 100, false, kept?.id],
        ['spans the cut', 900, 100, true, spanning?.id],
        ['spans the cut', 1000, 100, true, spanning?.id],
        ['break', 1800, 0, false, point?.id],
      ]);
      expect(result.relations.map((r) => r.type)).toEqual(['compliance-edit-of']);
      expect((await catalog.lineage(dramaViewer, result.version.id)).originals.map((v) => v.id)).toEqual([master.id]);
      const found = await catalog.findAnnotations(dramaViewer, {
        versionId: result.version.id,
        startsAt: '10:01:12:00',
      });
      expect(ids(found.items)).toEqual(['break']);
    });
  });
}
