import { beforeAll, describe, expect, it } from 'vitest';
import { compareCodePoints } from '../../adapter-kit/index.js';
import { type Asset, type AssetQuery, primaryTitle, type RecommendationQuery } from '../../index.js';
import { randomAsset, rng } from './fixtures.js';
import { expectError, type SuiteContext } from './suite-context.js';

const PROJECT = 'conf-search';
const reader = { id: 'searcher', memberships: [{ project: PROJECT, role: 'viewer' as const }] };
const writer = { id: 'loader', memberships: [{ project: PROJECT, role: 'editor' as const }] };

type SortField = 'title' | 'createdAt' | 'updatedAt' | 'productionYear';
const sortValue = (a: Asset, field: SortField): string | number =>
  field === 'title' ? primaryTitle(a).toLowerCase() : field === 'productionYear' ? (a.productionYear ?? 0) : a[field];
const lower = (xs: readonly string[]) => xs.map((x) => x.toLowerCase());
const words = (a: Asset) =>
  new Set([...a.titles, ...a.synopses].flatMap((t) => t.value.toLowerCase().split(/[^\p{L}\p{N}]+/u)));

/** Metadata search and recommendations compared against an independent reference over a generated catalog. */
export function searchSuite(ctx: SuiteContext, size: number): void {
  describe('metadata search', () => {
    const assets: Asset[] = [];
    beforeAll(async () => {
      const random = rng(42);
      for (let i = 0; i < size; i++) {
        ctx.clock.advance(1000);
        assets.push(await ctx.catalog.createAsset(writer, randomAsset(random, i, PROJECT)));
      }
    }, 300_000);

    async function all(query: AssetQuery): Promise<Asset[]> {
      const out: Asset[] = [];
      let after: string | undefined;
      do {
        const page = await ctx.catalog.searchAssets(reader, { ...query, limit: 37, ...(after ? { after } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(37);
        out.push(...page.items);
        after = page.next;
      } while (after !== undefined);
      return out;
    }

    function reference(filter: (a: Asset) => boolean, field: SortField, desc: boolean): string[] {
      const sign = desc ? -1 : 1;
      return assets
        .filter(filter)
        .sort((a, b) => {
          const x = sortValue(a, field);
          const y = sortValue(b, field);
          const c = typeof x === 'number' && typeof y === 'number' ? x - y : compareCodePoints(String(x), String(y));
          return sign * (c !== 0 ? c : compareCodePoints(a.id, b.id));
        })
        .map((a) => a.id);
    }

    const cases: [string, AssetQuery, (a: Asset) => boolean][] = [
      ['everything', {}, () => true],
      ['kinds', { kinds: ['feature', 'clip'] }, (a) => a.kind === 'feature' || a.kind === 'clip'],
      [
        'genres, any case',
        { genres: ['DRAMA', 'kids'] },
        (a) => lower(a.genres).some((g) => g === 'drama' || g === 'kids'),
      ],
      [
        'languages',
        { languages: ['fr'] },
        (a) => a.titles.some((t) => t.language === 'fr') || a.originalLanguage === 'fr',
      ],
      ['rating territory', { rating: { territory: 'gb' } }, (a) => a.ratings.some((r) => r.territory === 'GB')],
      [
        'rating values',
        { rating: { territory: 'GB', system: 'bbfc', values: ['u', 'PG'] } },
        (a) => a.ratings.some((r) => r.territory === 'GB' && ['U', 'PG'].includes(r.value)),
      ],
      [
        'production years',
        { productionYear: { from: 2000, to: 2010 } },
        (a) => (a.productionYear ?? 0) >= 2000 && (a.productionYear ?? 0) <= 2010,
      ],
      ['free text', { text: 'River night' }, (a) => words(a).has('river') && words(a).has('night')],
      [
        'combined',
        { kinds: ['episode', 'feature'], genres: ['crime', 'thriller'], text: 'station' },
        (a) =>
          ['episode', 'feature'].includes(a.kind) &&
          lower(a.genres).some((g) => g === 'crime' || g === 'thriller') &&
          words(a).has('station'),
      ],
    ];
    for (const [label, query, filter] of cases) {
      it(`filters by ${label}, paged in a stable order`, async () => {
        expect((await all(query)).map((a) => a.id)).toEqual(reference(filter, 'title', false));
      });
    }

    for (const field of ['title', 'createdAt', 'updatedAt', 'productionYear'] as const) {
      for (const direction of ['asc', 'desc'] as const) {
        it(`sorts by ${field} ${direction} across pages`, async () => {
          const got = await all({ sort: { field, direction }, genres: ['drama', 'comedy', 'documentary'] });
          expect(got.map((a) => a.id)).toEqual(
            reference(
              (a) => lower(a.genres).some((g) => ['drama', 'comedy', 'documentary'].includes(g)),
              field,
              direction === 'desc',
            ),
          );
        });
      }
    }

    it('filters by creation time', async () => {
      const from = assets[10]?.createdAt ?? '';
      const to = assets[20]?.createdAt ?? '';
      const got = await all({ createdAt: { from, to }, sort: { field: 'createdAt', direction: 'asc' } });
      expect(got.map((a) => a.id)).toEqual(assets.slice(10, 20).map((a) => a.id));
    });

    it('refuses malformed queries naming the field', async () => {
      await expectError(ctx.catalog.searchAssets(reader, { limit: 0 }), 'INVALID_INPUT', /limit/);
      await expectError(ctx.catalog.searchAssets(reader, { kinds: ['film' as never] }), 'INVALID_INPUT', /kinds\[0\]/);
      await expectError(
        ctx.catalog.searchAssets(reader, { rating: { territory: 'GB', values: ['U'] } }),
        'INVALID_INPUT',
        /rating.system/,
      );
    });

    it('answers recommendation queries ranked by matching facets, popularity, then id', async () => {
      const queries: RecommendationQuery[] = [
        { genres: ['drama', 'crime'], moods: ['dark', 'tense'], limit: 15 },
        { cast: ['Ada Byrne', 'kofi mensah'], languages: ['en', 'fr'], limit: 10 },
        {
          genres: ['kids'],
          rating: { territory: 'GB', system: 'BBFC', values: ['U', 'PG'] },
          kinds: ['feature', 'episode', 'clip', 'documentary'],
        },
        { moods: ['calm'], excludeIds: assets.slice(0, 50).map((a) => a.id), limit: 25 },
      ];
      for (const q of queries) {
        const got = await ctx.catalog.recommend(reader, q);
        const want = assets
          .map((a) => {
            const facets: [readonly string[], readonly string[] | undefined][] = [
              [lower(a.genres), q.genres && lower(q.genres)],
              [lower(a.moods), q.moods && lower(q.moods)],
              [lower(a.credits.map((c) => c.name)), q.cast && lower(q.cast)],
            ];
            let score = 0;
            for (const [have, wanted] of facets) {
              if (wanted === undefined) continue;
              const hits = wanted.filter((w) => have.includes(w)).length;
              if (hits === 0) return undefined;
              score += hits;
            }
            const langs = new Set([...a.titles.map((t) => t.language), a.originalLanguage]);
            if (q.languages && !q.languages.some((l) => langs.has(l))) return undefined;
            if (q.kinds && !q.kinds.includes(a.kind)) return undefined;
            if (q.excludeIds?.includes(a.id)) return undefined;
            if (
              q.rating &&
              !a.ratings.some(
                (r) =>
                  r.territory === q.rating?.territory &&
                  r.system === q.rating.system &&
                  q.rating.values.includes(r.value),
              )
            )
              return undefined;
            return { id: a.id, score, popularity: a.recommendation.popularity };
          })
          .filter((x): x is { id: string; score: number; popularity: number } => x !== undefined)
          .sort((a, b) => b.score - a.score || b.popularity - a.popularity || compareCodePoints(a.id, b.id))
          .slice(0, q.limit ?? 20)
          .map((x) => x.id);
        expect(got).toEqual(want);
      }
    });
  });
}
