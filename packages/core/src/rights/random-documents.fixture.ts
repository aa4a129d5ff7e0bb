/**
 * Random rights documents for property tests (shared by the naive-evaluator and the lifecycle
 * properties): zoned grants, relative windows with ISO lags, events (one TBD), multi-zone policies,
 * a title hierarchy, drafts, language / platform / format limits, scoped holdbacks and exclusive
 * sales.
 */
import fc from 'fast-check';
import type { ReferenceRights, ReferenceScope } from '../testing/rights-reference.js';
import type { RightsDocumentInput } from './model.js';

export const TERRITORIES = [
  'GB',
  'FR',
  'US',
  'AU',
  'WS',
  'AS',
  'JP',
  'BR',
  'EMEA except FR, DE',
  'NORTH_AMERICA',
  'WORLD except US',
  'NA',
];
export const QUERY_TERRITORIES = ['GB', 'FR', 'DE', 'US', 'AU', 'WS', 'AS', 'JP', 'BR', 'NA', 'CA'];
export const MEDIA = ['svod', 'fast', 'free-tv'] as const;
export const DAY = 86_400_000;
export const EPOCH = Date.parse('2027-01-01T00:00:00Z');

export const date = fc.integer({ min: 0, max: 500 }).map((d) => new Date(EPOCH + d * DAY).toISOString().slice(0, 10));
export const instant = fc.integer({ min: 0, max: 500 * 24 }).map((h) => new Date(EPOCH + h * 3_600_000).toISOString());
export const lag = fc.oneof(
  fc.integer({ min: 0, max: 120 }).map((d) => `P${d}D`),
  fc.integer({ min: 1, max: 18 }).map((m) => `P${m}M`),
  fc.integer({ min: 1, max: 30 }).map((d) => `-P${d}D`),
  fc.constant('P1Y'),
);
export const bound = fc.oneof(
  { weight: 3, arbitrary: date },
  { weight: 2, arbitrary: instant },
  { weight: 2, arbitrary: fc.record({ after: fc.constant('g0-0'), edge: fc.constant('start' as const), lag }) },
  { weight: 1, arbitrary: fc.record({ after: fc.constant('g0-0'), days: fc.integer({ min: -10, max: 200 }) }) },
  { weight: 2, arbitrary: fc.record({ event: fc.constantFrom('premiere', 'tbd', 'launch'), lag }) },
  { weight: 2, arbitrary: fc.constant(undefined) },
);
/** Mostly absent: present once in `weight + 1` times. */
export const rare = <T>(arbitrary: fc.Arbitrary<T>, weight: number) =>
  fc.oneof({ weight, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
export const compact = <T extends object>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

export const grant = (id: string, first: boolean) =>
  fc
    .record({
      id: fc.constant(id),
      media: fc.subarray([...MEDIA], { minLength: 1 }),
      territories: fc.constantFrom(...TERRITORIES),
      window: fc
        .record({
          start: first ? fc.oneof(date, instant) : bound,
          end: first ? fc.oneof(date, fc.constant(undefined)) : bound,
        })
        .map(compact),
      exclusive: fc.boolean(),
      zone: rare(fc.constantFrom('Asia/Tokyo', 'America/Sao_Paulo', 'Pacific/Apia'), 4),
      languages: rare(fc.constant([{ language: 'fr', forms: ['original', 'subtitled'] as const }]), 3),
      platforms: rare(fc.constant(['netflix']), 4),
      formats: rare(fc.constantFrom(['HD'], ['HD', 'UHD']), 4),
    })
    .map(compact);

export const holdback = (id: string) =>
  fc
    .record({
      id: fc.constant(id),
      media: fc.subarray([...MEDIA], { minLength: 1 }),
      territories: fc.constantFrom(...TERRITORIES),
      window: fc.record({ start: fc.oneof(date, fc.record({ event: fc.constantFrom('premiere', 'tbd') })), end: date }),
      languages: rare(fc.constant(['fr']), 3),
      platforms: rare(fc.constant(['netflix']), 5),
      formats: rare(fc.constant(['UHD']), 5),
    })
    .map(compact);

export const ASSETS = ['ep1', 'ep2', 'season', 'series', 'movie'];
export const deal = (d: number) =>
  fc
    .record({
      grants: fc
        .array(fc.nat(), { minLength: 1, maxLength: 3 })
        .chain((gs) => fc.tuple(...gs.map((_, g) => grant(`g${d}-${g}`, d === 0 && g === 0)))),
      holdbacks: fc
        .array(fc.nat(), { maxLength: 2 })
        .chain((hs) => fc.tuple(...hs.map((_, h) => holdback(`h${d}-${h}`)))),
      out: fc.boolean(),
      draft: fc.integer({ min: 0, max: 7 }),
      assets: fc.subarray(ASSETS, { minLength: 1, maxLength: 2 }),
    })
    .map(({ out, draft, assets, ...rest }) => ({
      id: `d${d}`,
      direction: out && d > 0 ? ('out' as const) : ('in' as const),
      status: draft === 0 && d > 0 ? ('draft' as const) : ('executed' as const),
      licensor: 'a',
      licensee: 'b',
      assets: d === 0 ? ['series', ...assets] : assets,
      ...rest,
    }));

export const documents = fc
  .record({
    count: fc.integer({ min: 1, max: 4 }),
    us: fc.constantFrom('single', 'latest-opening', 'earliest-closing', 'conservative', undefined),
    au: fc.constantFrom('latest-opening', 'conservative', undefined),
    premiere: fc.oneof(date, instant),
    launch: date,
  })
  .chain(({ count, us, au, premiere, launch }) =>
    fc.tuple(...Array.from({ length: count }, (_, d) => deal(d))).map((deals) => ({
      territoryZones: {
        ...(us ? { US: { zones: ['America/New_York', 'America/Los_Angeles'], policy: us } } : {}),
        ...(au ? { AU: { zones: ['Australia/Sydney', 'Australia/Perth'], policy: au } } : {}),
      },
      events: { premiere: { at: premiere }, launch: { at: launch, name: 'Launch' }, tbd: {} },
      titles: [
        { id: 'series', kind: 'series' as const },
        { id: 'season', kind: 'season' as const, parent: 'series' },
        { id: 'ep1', kind: 'episode' as const, parent: 'season' },
        { id: 'ep2', kind: 'episode' as const, parent: 'series' },
        { id: 'movie', kind: 'movie' as const },
      ],
      deals,
    })),
  ) as unknown as fc.Arbitrary<RightsDocumentInput>;

export const scope: fc.Arbitrary<ReferenceScope> = fc
  .record({
    language: rare(fc.constantFrom('fr', 'fr-CA', 'en'), 1),
    languageForm: rare(fc.constantFrom('original', 'dubbed', 'subtitled'), 2),
    audioLanguage: rare(fc.constantFrom('fr', 'de'), 3),
    subtitleLanguage: rare(fc.constantFrom('fr-BE', 'en'), 3),
    platform: rare(fc.constantFrom('netflix', 'hulu'), 1),
    format: rare(fc.constantFrom('HD', 'SD', 'UHD'), 1),
  })
  .map((s) => compact(s) as ReferenceScope);

/** Every finite bound instant of a document in a territory, per the reference (queried at t and t - 1). */
export function edges(reference: ReferenceRights, doc: RightsDocumentInput, territory: string): number[] {
  const out: number[] = [];
  for (const d of doc.deals ?? [])
    for (const r of [...(d.grants ?? []), ...(d.holdbacks ?? [])])
      for (const edge of ['start', 'end'] as const) {
        const t = reference.instant(r.window?.[edge] as never, territory, r.zone, edge);
        if (Number.isFinite(t)) out.push(t, t - 1);
      }
  return out;
}
