/**
 * Avails into the rights engine and back: the official samples become deals the engine answers
 * for, season avails cover later episodes, TBD starts never open until dated, the mapping's issues
 * name row and column, and a rights document exported as Avails and imported again gives the same
 * decisions as the original on random queries.
 */
import { readFileSync } from 'node:fs';
import { createRightsEngine, type DealInput, type GrantInput, type RightsDocumentInput } from '@framewise/core/rights';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Avail,
  availsToRights,
  readAvailsCsv,
  readAvailsXlsx,
  rightsToAvails,
  writeAvailsCsv,
} from '../src/avails/index.js';

const fixture = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(new URL(`./fixtures/avails/${name}`, import.meta.url)));

const HEADER =
  'DisplayName,Licensee,WorkType,ContentID,ALID,Territory,LicenseType,FormatProfile,Start,StartLag,End,Exclusive,AllowedLanguages,HoldbackLanguage,ContractID,AvailID';

describe('availsToRights', () => {
  it('turns the Movies sample into deals the engine answers for', async () => {
    const { avails } = await readAvailsXlsx(fixture('Movies_v1.9.xlsx'));
    const rights = availsToRights(avails, { licensee: 'Framewise Media' });
    expect(rights.issues).toEqual([]);
    const engine = createRightsEngine({ titles: rights.titles, events: rights.events, deals: rights.deals });
    const title = 'md:cid:eidr-s:1489-49A2-3956-4B2D-ZZ45-6';
    const ask = (territory: string, channel: 'est' | 'svod', format: 'HD' | 'UHD', at: string) =>
      engine.evaluate({ assetId: title, territory, channel, format, at }).allowed;
    expect(ask('US', 'est', 'HD', '2014-01-01T12:00:00Z')).toBe(true);
    expect(ask('US', 'est', 'HD', '2013-06-13T12:00:00Z')).toBe(false);
    expect(ask('US', 'svod', 'HD', '2014-01-01T12:00:00Z')).toBe(false);
    expect(ask('FR', 'est', 'HD', '2014-01-01T12:00:00Z')).toBe(false);
    expect(ask('US', 'est', 'UHD', '2014-01-01T12:00:00Z')).toBe(false);
    const movie = rights.titles.find((t) => t.id === title);
    // The sample's TitleID (…-BEFK-6) is not a valid EIDR id (K is not hexadecimal): it is not kept.
    expect(movie).toEqual({
      id: title,
      kind: 'movie',
      name: 'View from a Mountain, The',
      alid: 'md:alid:eidr-s:1489-49A2-3956-4B2D-ZZ45-6',
    });
    const eidr = availsToRights(
      readAvailsCsv(
        `${HEADER},TitleID\r\nS,P,Movie,m1,,US,EST,HD,2027-01-01,,Open,No,,,C,A1,10.5240/7791-8534-2C23-9030-8610-5\r\n`,
      ).avails,
    );
    expect(eidr.titles).toEqual([{ id: 'm1', kind: 'movie', eidr: '10.5240/7791-8534-2C23-9030-8610-5' }]);
  });

  it('makes a season avail cover its episodes, also one added later', async () => {
    const { avails } = await readAvailsXlsx(fixture('TV_v1.9.xlsx'));
    const rights = availsToRights(avails, { licensee: 'Framewise Media' });
    expect(rights.issues).toEqual([]);
    const season = 'md:cid:eidr-s:AAAA-AAAA-AAAA-AAAA-1111-A';
    expect(rights.deals.some((d) => d.assets.includes(season))).toBe(true);
    const engine = createRightsEngine({
      titles: [...rights.titles, { id: 'detectives-s1-e99', kind: 'episode', parent: season, number: 99 }],
      events: rights.events,
      deals: rights.deals,
    });
    const decision = engine.evaluate({
      assetId: 'detectives-s1-e99',
      territory: 'US',
      channel: 'est',
      format: 'HD',
      at: '2014-01-01T12:00:00Z',
    });
    expect(decision.allowed).toBe(true);
  });

  it('keeps a TBD start closed until its event is dated, then opens after the lag', () => {
    const { avails, issues } = readAvailsCsv(
      `${HEADER}\r\nStudio,Platform,Movie,m1,,US,SVOD,HD,TBD,P18M,Open,No,,,C1,A1\r\n`,
    );
    expect(issues).toEqual([]);
    const rights = availsToRights(avails);
    const [event] = Object.keys(rights.events);
    expect(event).toBe('m1:tbd:A1:start');
    const ask = (doc: RightsDocumentInput, at: string) =>
      createRightsEngine(doc).evaluate({ assetId: 'm1', territory: 'US', channel: 'svod', format: 'HD', at }).allowed;
    const document = { titles: rights.titles, events: rights.events, deals: rights.deals };
    expect(ask(document, '2099-01-01T00:00:00Z')).toBe(false);
    const dated = { ...document, events: { [event as string]: { at: '2027-01-01' } } };
    expect(ask(dated, '2028-06-30T12:00:00Z')).toBe(false);
    expect(ask(dated, '2028-07-02T12:00:00Z')).toBe(true);
  });

  it('makes exclusivity, contract ids and language holdbacks', () => {
    const { avails } = readAvailsCsv(
      `${HEADER}\r\nStudio,Platform,Movie,m1,,FR,SVOD,HD,2027-01-01,,2029-01-01,Yes,"fr,en",de,C-9,A1\r\n`,
    );
    const { deals } = availsToRights(avails, { direction: 'out' });
    expect(deals).toHaveLength(1);
    expect(deals[0]).toMatchObject({
      direction: 'out',
      contractId: 'C-9',
      assets: ['m1'],
      grants: [{ id: 'A1', media: ['svod'], territories: 'FR', exclusive: true, formats: ['HD'] }],
      holdbacks: [{ media: ['svod'], territories: 'FR', languages: ['de'] }],
    });
  });

  it('names row and column for what the model cannot hold', () => {
    const { avails } = readAvailsCsv(
      [
        HEADER,
        'Studio,Platform,Movie,m1,,ZZ,SVOD,HD,2027-01-01,,Open,No,,,C,A1',
        'Studio,Platform,Movie,m1,,US,Library,HD,2027-01-01,,Open,No,,,C,A2',
        'Studio,Platform,Movie,m1,,US,EST,3DHD,2027-01-01,,Open,No,,,C,A3',
        'Studio,Platform,Movie,,,US,EST,HD,2027-01-01,,Open,No,,,C,A4',
        'Studio,,Movie,m1,,US,EST,HD,2027-01-01,,Open,No,,,C,A5',
        'Studio,Platform,Movie,m1,,US,EST,HD,TBD,PT12H,Open,No,,,C,A6',
      ].join('\r\n'),
    );
    expect(avails).toHaveLength(6);
    const { issues, deals } = availsToRights(avails);
    expect(issues.map((i) => [i.row, i.column])).toEqual([
      [2, 'Territory'],
      [3, 'LicenseType'],
      [4, 'FormatProfile'],
      [5, 'ALID'],
      [6, 'Licensee'],
      // A valid xs:duration, but the rights model's lags are calendar units only.
      [7, 'StartLag'],
    ]);
    expect(deals).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// The semantic round trip.

const ASSETS = ['m1', 'm2', 'm3'];
const COUNTRIES = ['US', 'CA', 'FR', 'DE', 'NA', 'GB'];
const CHANNELS = ['est', 'tvod', 'svod', 'poest', 'pvod', 'avod'] as const;
const day = fc
  .integer({ min: 0, max: 5 * 365 })
  .map((n) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString().slice(0, 10));

const grant = (id: string): fc.Arbitrary<GrantInput> =>
  fc
    .record({
      media: fc.uniqueArray(fc.constantFrom('est', 'tvod', 'svod', 'poest', 'pvod'), { minLength: 1, maxLength: 2 }),
      territories: fc.oneof(
        fc.uniqueArray(fc.constantFrom(...COUNTRIES), { minLength: 1, maxLength: 3 }).map((c) => c.join(', ')),
        fc.constantFrom('WORLD', 'WORLD except US, CA'),
      ),
      start: fc.oneof(day, fc.constant(undefined), fc.constant('tbd')),
      length: fc.integer({ min: 1, max: 900 }),
      openEnd: fc.oneof(fc.boolean(), fc.constant('theatrical' as const)),
      exclusive: fc.boolean(),
      formats: fc.option(fc.uniqueArray(fc.constantFrom('SD', 'HD', 'UHD', 'HDR'), { minLength: 1, maxLength: 3 }), {
        nil: undefined,
      }),
      languages: fc.option(
        fc.uniqueArray(
          fc.record({
            language: fc.constantFrom('en', 'fr', 'de'),
            forms: fc.constantFrom(
              ['subtitled'],
              ['dubbed'],
              ['dubbed', 'subtitled'],
              ['original', 'dubbed', 'subtitled'],
            ),
          }),
          { minLength: 1, maxLength: 2, selector: (l) => l.language },
        ),
        { nil: undefined },
      ),
    })
    .map((g) => {
      // Event bounds whose events are TBD: `tbd:<grant>` (written as TBD) and `<x>:theatrical` with a
      // lag (written as the Theatrical condition and StartLag).
      const start = g.start === 'tbd' ? { event: `tbd:${id}` } : g.start;
      const end =
        g.openEnd === 'theatrical'
          ? { event: 'release:theatrical', lag: 'P45D' }
          : g.openEnd || g.start === undefined || g.start === 'tbd'
            ? undefined
            : new Date(Date.parse(g.start) + g.length * 86_400_000).toISOString().slice(0, 10);
      return {
        id,
        media: g.media as GrantInput['media'],
        territories: g.territories,
        window: { ...(start === undefined ? {} : { start }), ...(end === undefined ? {} : { end }) },
        exclusive: g.exclusive,
        ...(g.formats === undefined ? {} : { formats: g.formats as NonNullable<GrantInput['formats']> }),
        ...(g.languages === undefined
          ? {}
          : { languages: g.languages as unknown as NonNullable<GrantInput['languages']> }),
      };
    });

const deal = (n: number): fc.Arbitrary<DealInput> =>
  fc
    .record({
      assets: fc.uniqueArray(fc.constantFrom(...ASSETS), { minLength: 1, maxLength: 2 }),
      grants: fc
        .array(fc.nat(), { minLength: 1, maxLength: 3 })
        .chain((list) => fc.tuple(...list.map((_, g) => grant(`d${n}-g${g}`)))),
      holdback: fc.option(fc.constantFrom('fr', 'de'), { nil: undefined }),
    })
    .map(({ assets, grants, holdback }) => {
      const first = grants[0] as GrantInput;
      return {
        id: `d${n}`,
        contractId: `C-${n}`,
        direction: 'in' as const,
        licensor: 'Northlight',
        licensee: 'Framewise',
        assets,
        grants,
        holdbacks:
          holdback === undefined
            ? []
            : [
                {
                  id: `d${n}-hb`,
                  media: first.media,
                  territories: first.territories,
                  languages: [holdback],
                  window: first.window ?? {},
                },
              ],
      };
    });

const query = fc.record({
  assetId: fc.constantFrom(...ASSETS),
  territory: fc.constantFrom(...COUNTRIES, 'JP'),
  channel: fc.constantFrom(...CHANNELS),
  at: fc
    .integer({ min: 0, max: 3 * 365 * 24 })
    .map((h) => new Date(Date.UTC(2025, 11, 20) + h * 3_600_000).toISOString()),
  format: fc.option(fc.constantFrom('SD', 'HD', 'UHD', 'HDR'), { nil: undefined, freq: 2 }),
  language: fc.option(fc.constantFrom('en', 'fr', 'de', 'fr-CA'), { nil: undefined, freq: 2 }),
  languageForm: fc.option(fc.constantFrom('original', 'dubbed', 'subtitled'), { nil: undefined, freq: 2 }),
});

describe('round trip through Avails', () => {
  it('gives the same decisions as the original document on random queries', () => {
    const seen = { allowed: 0, denied: 0 };
    fc.assert(
      fc.property(
        fc.array(fc.nat(), { minLength: 1, maxLength: 3 }).chain((list) => fc.tuple(...list.map((_, n) => deal(n)))),
        fc.array(query, { minLength: 30, maxLength: 30 }),
        (deals, queries) => {
          const events = Object.fromEntries(
            deals.flatMap((d) =>
              (d.grants ?? []).flatMap((g) =>
                [g.window?.start, g.window?.end].flatMap((b) =>
                  typeof b === 'object' && 'event' in b ? [[b.event, {}]] : [],
                ),
              ),
            ),
          );
          const original: RightsDocumentInput = { deals, events };
          const exported = rightsToAvails(original, { direction: 'in' });
          expect(exported.issues).toEqual([]);
          const read = readAvailsCsv(writeAvailsCsv(exported.avails));
          expect(read.issues).toEqual([]);
          const back = availsToRights(read.avails, { direction: 'in' });
          expect(back.issues).toEqual([]);
          // Besides random queries, one aimed inside each grant (its first medium, territory, format
          // and language, just after it opens), so that allowed answers are compared often.
          const aimed = deals.flatMap((d) =>
            (d.grants ?? []).map((g) => ({
              assetId: d.assets[0] as string,
              territory: g.territories.startsWith('WORLD') ? 'FR' : (g.territories.split(', ')[0] as string),
              channel: g.media[0] as (typeof CHANNELS)[number],
              at: new Date(
                Date.parse(typeof g.window?.start === 'string' ? g.window.start : '2026-01-01') + 36 * 3_600_000,
              ).toISOString(),
              format: g.formats?.[0],
              language: g.languages?.[0]?.language,
              languageForm: undefined,
            })),
          );
          const a = createRightsEngine(original);
          const b = createRightsEngine({ titles: back.titles, events: back.events, deals: back.deals });
          for (const q of [...aimed, ...queries]) {
            const query = Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)) as typeof q;
            const left = a.evaluate(query as never);
            const right = b.evaluate(query as never);
            expect(
              right.allowed,
              `${JSON.stringify(q)}\n${left.reasons.join('\n')}\n--\n${right.reasons.join('\n')}`,
            ).toBe(left.allowed);
            seen[left.allowed ? 'allowed' : 'denied']++;
          }
        },
      ),
      { numRuns: 150 },
    );
    // Not a vacuous comparison: both answers come up often.
    expect(seen.allowed).toBeGreaterThan(300);
    expect(seen.denied).toBeGreaterThan(1000);
  });

  it('reports what Avails cannot hold instead of widening it', () => {
    const { avails, issues } = rightsToAvails({
      deals: [
        {
          id: 'd',
          direction: 'out',
          licensor: 'A',
          licensee: 'B',
          assets: ['m1'],
          grants: [
            { id: 'g1', media: ['free-tv', 'svod'], territories: 'US' },
            { id: 'g2', media: ['svod'], territories: 'US', platforms: ['netflix'] },
            { id: 'g3', media: ['svod'], territories: 'FR', window: { start: { after: 'g1', lag: 'P30D' } } },
          ],
          holdbacks: [{ id: 'h', media: ['avod'], territories: 'WORLD', window: { end: '2030-01-01' } }],
        },
      ],
    });
    expect(issues.map((i) => i.path)).toEqual([
      'deals[0].holdbacks[0]',
      'deals[0].grants[0]',
      'deals[0].grants[1]',
      'deals[0].grants[2]',
    ]);
    expect(avails.map((a: Avail) => [a.licenseType, a.territories])).toEqual([['SVOD', ['US']]]);
  });
});

describe('End dates as EMA writes them (the last day available)', () => {
  it('keeps the End date available and the day after it not, both ways', () => {
    // MovieLabs' own converter writes a spreadsheet End date D as DT23:59:59: D is included.
    const { avails, issues } = readAvailsCsv(
      `${HEADER}\r\nStudio,Platform,Movie,m1,,FR,SVOD,HD,2027-06-01,,2027-06-30,No,,,C,A1\r\n` +
        `Studio,Platform,Movie,m2,,FR,SVOD,HD,2027-06-15,,2027-06-15,No,,,C,A2\r\n`,
    );
    expect(issues).toEqual([]);
    const rights = availsToRights(avails, { licensee: 'Platform' });
    expect(rights.issues).toEqual([]);
    expect(rights.deals.flatMap((d) => (d.grants ?? []).map((g) => g.window))).toEqual([
      { start: '2027-06-01', end: '2027-07-01' },
      { start: '2027-06-15', end: '2027-06-16' },
    ]);
    const engine = createRightsEngine({ titles: rights.titles, events: rights.events, deals: rights.deals });
    const at = (assetId: string, instant: string) =>
      engine.evaluate({ assetId, territory: 'FR', channel: 'svod', format: 'HD', at: instant }).allowed;
    expect(at('m1', '2027-06-30T23:30:00+02:00')).toBe(true);
    expect(at('m1', '2027-07-01T00:30:00+02:00')).toBe(false);
    expect(at('m2', '2027-06-15T12:00:00+02:00')).toBe(true);
    expect(at('m2', '2027-06-16T00:30:00+02:00')).toBe(false);
    // Out again: the window's exclusive end is written as the last day available.
    const out = rightsToAvails(
      { titles: rights.titles, events: rights.events, deals: rights.deals },
      { direction: 'in' },
    );
    expect(out.avails.map((a: Avail) => a.end)).toEqual([{ date: '2027-06-30' }, { date: '2027-06-15' }]);
  });
});

describe('dated events through Avails', () => {
  it('writes a window relative to a dated event as the date it resolves to, edges included', () => {
    const doc: RightsDocumentInput = {
      events: {
        'm1:eststart': { at: '2027-01-31' },
        'm1:theatrical': { at: '2027-03-20T17:00:00+01:00' },
        'm1:broadcast': { at: '2029-11-15' },
      },
      deals: [
        {
          id: 'd',
          direction: 'in',
          licensor: 'S',
          licensee: 'P',
          assets: ['m1'],
          grants: [
            // 31 January + 1 month: clamped to 28 February, local midnight in New York.
            { id: 'g1', media: ['svod'], territories: 'US', window: { start: { event: 'm1:eststart', lag: 'P1M' } } },
            // An instant + 1 year 2 weeks, ending 7 days before a dated broadcast.
            {
              id: 'g2',
              media: ['est'],
              territories: 'GB, AU',
              window: {
                start: { event: 'm1:theatrical', lag: 'P1Y2W' },
                end: { event: 'm1:broadcast', lag: '-P7D' },
              },
            },
          ],
        },
      ],
    };
    const exported = rightsToAvails(doc, { direction: 'in' });
    expect(exported.issues).toEqual([]);
    expect(exported.avails.map((a: Avail) => [a.licenseType, a.start, a.end])).toEqual([
      ['SVOD', { date: '2027-02-28' }, { condition: 'Open' }],
      ['EST', { instant: '2028-04-03T16:00:00.000Z' }, { date: '2029-11-07' }],
      ['EST', { instant: '2028-04-03T16:00:00.000Z' }, { date: '2029-11-07' }],
    ]);
    const read = readAvailsCsv(writeAvailsCsv(exported.avails));
    expect(read.issues).toEqual([]);
    const back = availsToRights(read.avails, { direction: 'in' });
    expect(back.issues).toEqual([]);
    const a = createRightsEngine(doc);
    const b = createRightsEngine({ titles: back.titles, events: back.events, deals: back.deals });
    const edges = [
      { territory: 'US', channel: 'svod', at: Date.parse('2027-02-28T05:00:00Z') },
      { territory: 'GB', channel: 'est', at: Date.parse('2028-04-03T16:00:00Z') },
      { territory: 'AU', channel: 'est', at: Date.parse('2028-04-03T16:00:00Z') },
    ] as const;
    for (const edge of edges)
      for (const at of [edge.at - 1, edge.at]) {
        const query = { assetId: 'm1', territory: edge.territory, channel: edge.channel, at };
        expect(b.evaluate(query).allowed, JSON.stringify(query)).toBe(a.evaluate(query).allowed);
        expect(a.evaluate(query).allowed).toBe(at === edge.at);
      }
  });
});

describe('availsToRights on any valid avails', () => {
  it('returns deals the engine accepts, or issues — never throws', async () => {
    const { arbitraryAvail } = await import('./avails-arbitraries.js');
    fc.assert(
      fc.property(fc.boolean(), fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.context(), (tv, sizes, ctx) => {
        const avails = fc.sample(arbitraryAvail(tv), { numRuns: sizes.length, seed: sizes[0] ?? 0 }).map((a, i) => ({
          ...a,
          row: 4 + i,
        })) as Avail[];
        const rights = availsToRights(avails, { licensee: 'Framewise' });
        ctx.log(JSON.stringify(rights.issues));
        createRightsEngine(
          { titles: rights.titles, events: rights.events, deals: rights.deals },
          { allowConflicts: true },
        );
      }),
      { numRuns: 200 },
    );
  });
});
