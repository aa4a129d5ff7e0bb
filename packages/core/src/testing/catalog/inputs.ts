import { describe, expect, it } from 'vitest';
import type { AnnotationInput, Catalog } from '../../index.js';
import { auditor, dramaEditor, dramaViewer } from './fixtures.js';
import { expectError, type SuiteContext } from './suite-context.js';

const rate = { num: 25, den: 1, dropFrame: false };
const person = { kind: 'person' as const, id: 'ana' };
const cursor = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 };
  for (let i = 0; i < depth; i++) value = { k: value };
  return value;
}

/** Bad input: the same typed INVALID_INPUT in every store, and nothing written. */
export function inputSuite(ctx: SuiteContext): void {
  describe('bad input', () => {
    it('refuses what no store can keep with INVALID_INPUT naming it, and writes nothing', async () => {
      const { catalog } = ctx;
      const asset = await catalog.createAsset(dramaEditor, {
        id: 'in-bad',
        project: 'drama',
        kind: 'clip',
        titles: [{ language: 'en', value: 'Bad input' }],
      });
      const v = await catalog.addVersion(dramaEditor, asset.id, {
        name: 'm',
        kind: 'master',
        rate,
        durationFrames: 100,
      });
      const [existing] = await catalog.addAnnotations(dramaEditor, v.id, [
        { id: 'in-bad-a0', type: 'note', start: 0, duration: 1, provenance: person },
      ]);
      const head = await catalog.auditHead(auditor);
      const clip = (extra: Record<string, unknown>) =>
        ({ project: 'drama', kind: 'clip', titles: [{ language: 'en', value: 'x' }], ...extra }) as Parameters<
          Catalog['createAsset']
        >[1];
      const note = (extra: Partial<AnnotationInput> & Record<string, unknown>) =>
        ({ type: 'note', start: 0, duration: 1, provenance: person, ...extra }) as AnnotationInput;
      const cases: [string, () => Promise<unknown>, RegExp?][] = [
        [
          'NUL in free text',
          () => catalog.createAsset(dramaEditor, clip({ titles: [{ language: 'en', value: 'a\u0000b' }] })),
        ],
        ['NUL in JSON', () => catalog.createAsset(dramaEditor, clip({ custom: { a: 'x\u0000' } })), /NUL/],
        ['NUL in a JSON key', () => catalog.createAsset(dramaEditor, clip({ custom: { 'a\u0000': 1 } })), /NUL/],
        [
          'NUL in a house id',
          () => catalog.createAsset(dramaEditor, clip({ externalIds: [{ scheme: 'house', value: 'H\u00001' }] })),
          /NUL/,
        ],
        ['NUL in annotation text', () => catalog.addAnnotations(dramaEditor, v.id, [note({ text: 'x\u0000' })])],
        [
          'unpaired surrogate in free text',
          () => catalog.createAsset(dramaEditor, clip({ titles: [{ language: 'en', value: 'a\uD800b' }] })),
          /surrogate/,
        ],
        [
          'unpaired surrogate in JSON',
          () => catalog.createAsset(dramaEditor, clip({ custom: { a: '\uDC00' } })),
          /surrogate/,
        ],
        [
          'unpaired surrogate in annotation text',
          () => catalog.addAnnotations(dramaEditor, v.id, [note({ text: 'x\uD83D' })]),
        ],
        ['BigInt in JSON', () => catalog.createAsset(dramaEditor, clip({ custom: { n: 10n } })), /BigInt/],
        [
          'BigInt as a frame count',
          () => catalog.addAnnotations(dramaEditor, v.id, [note({ start: 1n as unknown as number })]),
          /BigInt/,
        ],
        ['a class instance in JSON', () => catalog.createAsset(dramaEditor, clip({ custom: { when: new Date(0) } }))],
        ['JSON nested 20 000 deep', () => catalog.createAsset(dramaEditor, clip({ custom: nested(20_000) })), /deeper/],
        ['JSON nested 40 deep', () => catalog.createAsset(dramaEditor, clip({ custom: nested(40) })), /deeper/],
        [
          'JSON larger than the limit',
          () => catalog.createAsset(dramaEditor, clip({ custom: { big: 'x'.repeat(8 * 1024 * 1024) } })),
          /characters of JSON/,
        ],
        [
          'duplicate ids in one batch',
          () => catalog.addAnnotations(dramaEditor, v.id, [note({ id: 'in-dup' }), note({ id: 'in-dup' })]),
          /repeats id/,
        ],
        [
          'duplicate ids in one delete',
          () => catalog.deleteAnnotations(dramaEditor, [existing?.id ?? '', existing?.id ?? '']),
          /repeats id/,
        ],
        [
          'a batch over the limit',
          () =>
            catalog.addAnnotations(
              dramaEditor,
              v.id,
              Array.from({ length: 10_001 }, () => note({})),
            ),
          /more than 10000/,
        ],
        ['annotations that are not an array', () => catalog.addAnnotations(dramaEditor, v.id, 'x' as never), /array/],
        ['an id that is not a string', () => catalog.getAsset(dramaViewer, 42 as never), /not an id/],
        ['an empty version id', () => catalog.listVersions(dramaViewer, ''), /not an id/],
        ['a number as a lease note', () => catalog.checkOut(dramaEditor, asset.id, { note: 42 as never }), /note/],
        ['an object as a lease note', () => catalog.checkOut(dramaEditor, asset.id, { note: {} as never }), /note/],
        [
          'a forged cursor with NUL',
          () => catalog.searchAssets(dramaViewer, { after: cursor({ value: 'a\u0000', id: 'x' }) }),
          /Cursor/,
        ],
        [
          'a forged cursor with a bad id',
          () => catalog.searchAssets(dramaViewer, { after: cursor({ value: 'a', id: "x' OR 1=1" }) }),
          /Cursor/,
        ],
        [
          'a forged year cursor with text',
          () =>
            catalog.searchAssets(dramaViewer, {
              sort: { field: 'productionYear' },
              after: cursor({ value: 'nineteen', id: 'x' }),
            }),
          /Cursor/,
        ],
        [
          'a forged annotation cursor out of range',
          () => catalog.findAnnotations(dramaViewer, { versionId: v.id, after: cursor({ startUs: 1e300, id: 'x' }) }),
          /Cursor/,
        ],
        [
          'a forged annotation cursor with a fraction',
          () => catalog.listAnnotationsPage(dramaViewer, v.id, { after: cursor({ startUs: 1.5, id: 'x' }) }),
          /Cursor/,
        ],
        ['a page limit of 0', () => catalog.listAnnotationsPage(dramaViewer, v.id, { limit: 0 }), /limit/],
        [
          'event details nested too deep',
          () => catalog.recordEvent(dramaEditor, { assetId: asset.id, action: 'x.y', details: nested(50) }),
        ],
      ];
      for (const [label, run, message] of cases) {
        const error = await expectError(run(), 'INVALID_INPUT', message).catch((e: unknown) => {
          throw new Error(`${label}: ${(e as Error).message}`);
        });
        expect(error, label).not.toBe('');
      }
      expect(await catalog.auditHead(auditor)).toEqual(head);
      expect(await ctx.store.getLease(asset.id)).toBeUndefined();
      expect((await catalog.listAnnotations(dramaViewer, v.id)).map((a) => a.id)).toEqual([existing?.id]);
    });

    it('pages listAnnotations', async () => {
      const { catalog } = ctx;
      const asset = await catalog.createAsset(dramaEditor, {
        id: 'in-page',
        project: 'drama',
        kind: 'clip',
        titles: [{ language: 'en', value: 'Paging' }],
      });
      const v = await catalog.addVersion(dramaEditor, asset.id, {
        name: 'm',
        kind: 'master',
        rate,
        durationFrames: 1000,
      });
      const added = await catalog.addAnnotations(
        dramaEditor,
        v.id,
        Array.from({ length: 25 }, (_, i) => ({
          type: 'shot' as const,
          start: (i * 7) % 30,
          duration: 1,
          provenance: person,
        })),
      );
      const seen: string[] = [];
      let after: string | undefined;
      let pages = 0;
      do {
        const page = await catalog.listAnnotationsPage(dramaViewer, v.id, { limit: 10, ...(after ? { after } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(10);
        seen.push(...page.items.map((a) => a.id));
        after = page.next;
        pages++;
      } while (after !== undefined);
      expect(pages).toBe(3);
      expect(seen).toEqual((await catalog.listAnnotations(dramaViewer, v.id)).map((a) => a.id));
      expect(new Set(seen)).toEqual(new Set(added.map((a) => a.id)));
    });
  });
}
