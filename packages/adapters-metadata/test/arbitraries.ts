import { type AssetDescription, type AssetDescriptionInput, AssetDescriptionSchema } from '@framewise/core/interchange';
import fc from 'fast-check';

/** Text pieces that stress XML: markup characters, right-to-left, combining marks, astral characters. */
const PIECES = [
  'a',
  'Z',
  '7',
  ' ',
  'news',
  '&',
  '<',
  '>',
  '"',
  "'",
  ']]>',
  '&amp;',
  '\n',
  '\t',
  '\r',
  'مرحبا',
  'שלום',
  '\u202Eevil',
  'e\u0301',
  'n\u0303',
  '𝄞',
  '😀',
  '漢字',
  'Ω',
  '\u00A0',
  '--',
];

/** Non-empty, trimmed text made of the pieces above (what the catalog's text fields accept). */
export const text = (max: number): fc.Arbitrary<string> =>
  fc
    .array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 12 })
    .map((parts) => parts.join('').trim().slice(0, max).trim())
    .filter((s) => s.length > 0 && !/[\uD800-\uDBFF]$/.test(s));

const label = text(100);
const id = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/);
const language = fc.constantFrom('en', 'fr', 'de', 'ar', 'he', 'ja', 'zh-Hant-TW', 'pt-BR', 'und');
const territory = fc.constantFrom('GB', 'IE', 'FR', 'US', 'JP', 'EG', 'IL', 'BR');

/** Every rate Framewise writes timecode for, drop-frame and not. */
export const RATES = [
  { num: 24000, den: 1001, dropFrame: false },
  { num: 24, den: 1, dropFrame: false },
  { num: 25, den: 1, dropFrame: false },
  { num: 30000, den: 1001, dropFrame: true },
  { num: 30000, den: 1001, dropFrame: false },
  { num: 30, den: 1, dropFrame: false },
  { num: 50, den: 1, dropFrame: false },
  { num: 60000, den: 1001, dropFrame: true },
  { num: 60000, den: 1001, dropFrame: false },
  { num: 60, den: 1, dropFrame: false },
] as const;

const date = fc
  .date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

/** Random descriptions covering every field the EBUCore exporter writes. */
export const description: fc.Arbitrary<AssetDescriptionInput> = fc
  .record({
    rateIndex: fc.nat(RATES.length - 1),
    durationFrames: fc.integer({ min: 1, max: 200_000 }),
    startHour: fc.integer({ min: 0, max: 23 }),
  })
  .chain(({ rateIndex, durationFrames, startHour }) => {
    const rate = RATES[rateIndex] as (typeof RATES)[number];
    const sep = rate.dropFrame ? ';' : ':';
    const startTimecode = `${String(startHour).padStart(2, '0')}:00:00${sep}00`;
    const part = fc.record({
      id,
      type: fc.constantFrom('segment', 'chapter', 'ad-break'),
      title: maybe(text(300)),
      start: fc.integer({ min: 0, max: durationFrames }),
      duration: fc.integer({ min: 0, max: durationFrames }),
    });
    return fc.record({
      asset: fc.record({
        id,
        kind: fc.constantFrom('feature', 'episode', 'documentary', 'clip', 'other'),
        externalIds: fc.array(
          fc.record({ scheme: fc.constantFrom('house', 'imdb', 'other'), value: text(60), namespace: maybe(id) }),
          { maxLength: 3 },
        ),
        titles: fc.array(
          fc.record({ language, value: text(500), kind: fc.constantFrom('main', 'original', 'short', 'working') }),
          { minLength: 1, maxLength: 4 },
        ),
        synopses: fc.array(fc.record({ language, value: text(10_000), length: fc.constantFrom('short', 'long') }), {
          maxLength: 2,
        }),
        numbering: maybe(
          fc.record({
            seriesId: maybe(id),
            seasonId: maybe(id),
            seasonNumber: maybe(fc.nat(50)),
            episodeNumber: maybe(fc.nat(500)),
            productionNumber: maybe(text(20)),
          }),
        ),
        genres: fc.array(label, { maxLength: 3 }),
        moods: fc.array(label, { maxLength: 2 }),
        themes: fc.array(label, { maxLength: 2 }),
        keywords: fc.array(label, { maxLength: 3 }),
        credits: fc.array(
          fc.record({
            name: text(300),
            role: fc.constantFrom('actor', 'director', 'writer', 'composer'),
            character: maybe(text(300)),
            order: maybe(fc.nat(100)),
            personId: maybe(id),
          }),
          { maxLength: 4 },
        ),
        ratings: fc.array(
          fc.record({ territory, system: label, value: label, descriptors: fc.array(label, { maxLength: 2 }) }),
          { maxLength: 2 },
        ),
        originalLanguage: maybe(language),
        countriesOfOrigin: fc.uniqueArray(territory, { maxLength: 2 }),
        productionYear: maybe(fc.integer({ min: 1900, max: 2100 })),
      }),
      version: fc.record({
        id,
        name: label,
        kind: fc.constantFrom('master', 'mezzanine', 'localized', 'proxy'),
        rate: fc.constant({ ...rate }),
        durationFrames: fc.constant(durationFrames),
        startTimecode: fc.constant(startTimecode),
        language: maybe(language),
        territory: maybe(territory),
        locations: fc.array(
          fc.record({
            storage: id,
            key: text(200)
              .map((k) => k.replace(/\s/g, '_'))
              .filter((k) => k.length > 0),
            sizeBytes: maybe(fc.nat()),
            checksums: fc.record({
              sha256: maybe(fc.stringMatching(/^[0-9a-f]{64}$/)),
              md5: maybe(fc.stringMatching(/^[0-9a-f]{32}$/)),
            }),
            status: maybe(fc.constantFrom('verified', 'unverified', 'corrupt', 'missing')),
            verifiedAt: maybe(date.map((d) => `${d}T08:00:00.000Z`)),
            checkedAt: maybe(date.map((d) => `${d}T09:30:00.000Z`)),
          }),
          { maxLength: 2 },
        ),
      }),
      parts: fc.array(part, { maxLength: 5 }),
      rights: fc.array(
        fc.record({
          id: maybe(id),
          summary: maybe(text(500)),
          holder: maybe(text(300)),
          territories: fc.array(territory, { maxLength: 3 }),
          start: maybe(date),
          end: maybe(date),
          cleared: maybe(fc.boolean()),
        }),
        { maxLength: 2 },
      ),
      related: fc.array(fc.record({ id, kind: fc.constantFrom('thumbnail', 'poster', 'trailer') }), { maxLength: 2 }),
    }) as fc.Arbitrary<AssetDescriptionInput>;
  });

/**
 * What a description looks like after an EBUCore round trip: its normal form (the schema orders
 * titles and credits as documents carry them), without undefined fields.
 */
export function canonical(input: AssetDescriptionInput): AssetDescription {
  return JSON.parse(JSON.stringify(AssetDescriptionSchema.parse(input))) as AssetDescription;
}
