import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { isFramewiseError } from '../errors/index.js';
import { ReferenceRights } from '../testing/rights-reference.js';
import { createRightsEngine } from './engine.js';
import { filmWindows, seriesMusic } from './examples.fixture.js';
import { UsageLedger } from './ledger.js';
import type { GrantInput, RightsDocumentInput } from './model.js';
import { parseTerritories } from './territories.js';

const film = createRightsEngine(filmWindows());
const ask = (territory: string, channel: Parameters<typeof film.evaluate>[0]['channel'], at: string) =>
  film.evaluate({ assetId: 'night-signal', territory, channel, at });
const local = (date: string, zone: string, days = 0) =>
  DateTime.fromISO(date, { zone }).plus({ days }).toUTC().toISO() as string;
const justBefore = (iso: string) => new Date(Date.parse(iso) - 1).toISOString();

describe('worked example: film windows across NA, EMEA, APAC and LATAM', () => {
  it('opens theatrical at local midnight in each territory, start inclusive', () => {
    expect(ask('US', 'theatrical', '2027-03-05T05:00:00Z').allowed).toBe(true);
    expect(ask('US', 'theatrical', '2027-03-05T04:59:59.999Z').allowed).toBe(false);
    expect(ask('GB', 'theatrical', '2027-03-19T00:00:00Z').allowed).toBe(true);
    expect(ask('FR', 'theatrical', '2027-03-18T23:00:00Z').allowed).toBe(true);
    expect(ask('FR', 'theatrical', '2027-03-18T22:59:59Z').allowed).toBe(false);
    expect(ask('JP', 'theatrical', '2027-03-25T15:00:00Z').allowed).toBe(true);
    expect(ask('BR', 'theatrical', '2027-04-02T03:00:00Z').allowed).toBe(true);
  });

  it('counts relative windows in local calendar days, across a DST change', () => {
    // 17 days after 5 March in New York is 22 March, after the switch to EDT: 04:00Z, not 05:00Z.
    expect(ask('US', 'pvod', '2027-03-22T04:00:00Z').allowed).toBe(true);
    expect(ask('US', 'pvod', '2027-03-22T03:59:59.999Z').allowed).toBe(false);
    // PVOD ends (exclusive) 45 days after theatrical; EST opens at the same instant.
    const pvodEnd = local('2027-03-05', 'America/New_York', 45);
    expect(ask('US', 'pvod', justBefore(pvodEnd)).allowed).toBe(true);
    expect(ask('US', 'pvod', pvodEnd).allowed).toBe(false);
    expect(ask('US', 'est', pvodEnd).allowed).toBe(true);
  });

  it('gives exact availability intervals', () => {
    const svod = film.availability('night-signal', { territory: 'US', channel: 'svod' });
    expect(svod.map((i) => [i.start?.toUTC().toISO(), i.end?.toUTC().toISO()])).toEqual([
      [local('2027-03-05', 'America/New_York', 120), local('2027-03-05', 'America/New_York', 668)],
    ]);
    const est = film.availability('night-signal', { territory: 'GB', channel: 'est' });
    expect(est).toHaveLength(1);
    expect(est[0]?.end).toBeNull();
    expect(film.availability('night-signal', { territory: 'FR', channel: 'free-tv' })).toEqual([]);
    expect(film.availability('unknown', { territory: 'FR', channel: 'svod' })).toEqual([]);
  });

  it('holds FAST back until two years after SVOD opens, and explains it', () => {
    const early = ask('US', 'fast', '2029-03-01T12:00:00Z');
    expect(early.allowed).toBe(false);
    expect(early.blockedBy).toEqual([{ dealId: 'northlight-2027', id: 'no-fast-na', kind: 'holdback' }]);
    expect(early.explain()).toMatch(
      /holdback "no-fast-na".*no FAST in US.*\(no FAST until two years after SVOD opens\)/,
    );
    const open = local('2027-03-05', 'America/New_York', 120 + 730);
    expect(ask('US', 'fast', open).allowed).toBe(true);
    expect(ask('US', 'fast', justBefore(open)).allowed).toBe(false);
  });

  it('applies group exclusions', () => {
    expect(ask('IT', 'free-tv', '2031-06-01T12:00:00Z').allowed).toBe(true);
    const fr = ask('FR', 'free-tv', '2031-06-01T12:00:00Z');
    expect(fr.status).toBe('denied');
    expect(fr.reasons[1]).toBe('no rights held for free TV in FR for asset "night-signal"');
    expect(ask('US', 'free-tv', '2031-06-01T12:00:00Z').allowed).toBe(false);
  });

  it('says when a window is not open yet', () => {
    const early = ask('GB', 'svod', '2027-05-01T12:00:00Z');
    expect(early.allowed).toBe(false);
    const end = DateTime.fromISO('2027-03-19').plus({ days: 668 }).toISODate();
    expect(early.explain()).toContain(
      `grant "svod-emea" of deal "northlight-2027" covers GB for 2027-07-17 (Europe/London) – ${end} (Europe/London), not at this instant`,
    );
  });

  it('plans every window transition in the next 30 days, for single and multi-territory targets', () => {
    const plan = film.planTransitions('2027-07-01T00:00:00Z', 30 * 86_400_000, [
      { id: 'streamer-us', territories: ['US'], channel: 'svod' },
      { id: 'streamer-gb', territories: ['GB'], channel: 'svod' },
      { id: 'streamer-nordics', territories: ['DK', 'SE', 'NO'], channel: 'svod' },
      { id: 'store-gb', territories: ['GB'], channel: 'est' },
    ]);
    expect(plan.map((t) => [t.at.toISO(), t.targetId, t.change])).toEqual([
      ['2027-07-03T04:00:00.000Z', 'streamer-us', 'open'],
      ['2027-07-16T22:00:00.000Z', 'streamer-nordics', 'open'],
      ['2027-07-16T23:00:00.000Z', 'streamer-gb', 'open'],
    ]);
    const closing = film.planTransitions('2029-01-01T00:00:00Z', 30 * 86_400_000, [
      { id: 'streamer-gb', territories: ['GB'], channel: 'svod' },
    ]);
    expect(closing.map((t) => [t.at.toISO(), t.change])).toEqual([
      [local('2027-03-19', 'Europe/London', 668), 'close'],
    ]);
  });

  it('exports the document it was built from', () => {
    const again = createRightsEngine(JSON.parse(JSON.stringify(film.export())));
    expect(
      again.evaluate({ assetId: 'night-signal', territory: 'US', channel: 'pvod', at: '2027-03-22T04:00:00Z' }).allowed,
    ).toBe(true);
  });
});

describe('worked example: music cleared for broadcast everywhere, streaming in some territories', () => {
  const series = createRightsEngine(seriesMusic());
  const q = { assetId: 'crossing-s01e01', versionId: 'crossing-s01e01-tx', at: '2027-06-01T12:00:00Z' } as const;

  it('allows broadcast everywhere and SVOD with a substitution where the cue is not cleared', () => {
    expect(series.evaluate({ ...q, territory: 'BR', channel: 'free-tv' }).status).toBe('allowed');
    expect(series.evaluate({ ...q, territory: 'GB', channel: 'svod' }).status).toBe('allowed');
    const br = series.evaluate({ ...q, territory: 'BR', channel: 'svod' });
    expect(br.status).toBe('allowed-with-substitution');
    expect(br.allowed).toBe(true);
    expect(br.reasons[0]).toBe('allowed with substitution: SVOD in BR at 2027-06-01T12:00:00.000Z');
    expect(br.reasons).toContain(
      'substitute music cue "Low Tide theme" at 10:12:03:10–10:13:40:02: not cleared for SVOD in BR',
    );
    expect(br.elementConflicts.map((c) => c.elementId)).toEqual(['cue-low-tide']);
  });

  it("blocks promotional use of a performer's image that is cleared only for the programme", () => {
    const promo = series.evaluate({ ...q, territory: 'GB', channel: 'free-tv', use: 'promo' });
    expect(promo.status).toBe('denied');
    expect(promo.explain()).toMatch(
      /blocked by talent "Ada Byrne \(image\)" at 10:00:00:00–10:46:30:00: not cleared for free TV in GB for promo use/,
    );
  });
});

describe('window bounds', () => {
  const doc = (grants: RightsDocumentInput['deals']): RightsDocumentInput => ({ deals: grants });
  const deal = (grant: Omit<GrantInput, 'id' | 'media'>): NonNullable<RightsDocumentInput['deals']> => [
    {
      id: 'd',
      direction: 'in',
      licensor: 'a',
      licensee: 'b',
      assets: ['x'],
      grants: [{ id: 'g', media: ['svod'], ...grant }],
    },
  ];

  it('is inclusive at the start and exclusive at the end, across both DST changes in London', () => {
    const e = createRightsEngine(doc(deal({ territories: 'GB', window: { start: '2027-03-28', end: '2027-10-31' } })));
    const at = (iso: string) => e.evaluate({ assetId: 'x', territory: 'GB', channel: 'svod', at: iso }).allowed;
    // Clocks go forward at 01:00Z on 28 March: local midnight is still 00:00Z.
    expect(at('2027-03-27T23:59:59.999Z')).toBe(false);
    expect(at('2027-03-28T00:00:00.000Z')).toBe(true);
    // Clocks go back at 01:00Z on 31 October: local midnight is 23:00Z on the 30th (BST).
    expect(at('2027-10-30T22:59:59.999Z')).toBe(true);
    expect(at('2027-10-30T23:00:00.000Z')).toBe(false);
  });

  it('opens 24 hours apart on either side of the date line', () => {
    const e = createRightsEngine(doc(deal({ territories: 'WS, AS', window: { start: '2027-01-01' } })));
    const at = (territory: string, iso: string) =>
      e.evaluate({ assetId: 'x', territory, channel: 'svod', at: iso }).allowed;
    // Samoa (UTC+13) reaches 1 January at 11:00Z on 31 December; American Samoa (UTC-11) a day later.
    expect(at('WS', '2026-12-31T10:59:59.999Z')).toBe(false);
    expect(at('WS', '2026-12-31T11:00:00.000Z')).toBe(true);
    expect(at('AS', '2026-12-31T11:00:00.000Z')).toBe(false);
    expect(at('AS', '2027-01-01T11:00:00.000Z')).toBe(true);
  });

  it('uses an explicit zone or instant when given', () => {
    const zoned = createRightsEngine(
      doc(deal({ territories: 'US, GB', zone: 'America/Los_Angeles', window: { start: '2027-01-01' } })),
    );
    expect(zoned.evaluate({ assetId: 'x', territory: 'GB', channel: 'svod', at: '2027-01-01T07:59:59Z' }).allowed).toBe(
      false,
    );
    expect(zoned.evaluate({ assetId: 'x', territory: 'GB', channel: 'svod', at: '2027-01-01T08:00:00Z' }).allowed).toBe(
      true,
    );
    const instant = createRightsEngine(
      doc(deal({ territories: 'WORLD', window: { start: '2027-01-01T12:00:00+01:00' } })),
    );
    expect(
      instant.evaluate({ assetId: 'x', territory: 'JP', channel: 'svod', at: '2027-01-01T11:00:00Z' }).allowed,
    ).toBe(true);
    const overridden = createRightsEngine({
      territoryZones: { US: 'America/Los_Angeles' },
      deals: deal({ territories: 'US', window: { start: '2027-01-01' } }),
    });
    expect(
      overridden.evaluate({ assetId: 'x', territory: 'US', channel: 'svod', at: '2027-01-01T07:59:59Z' }).allowed,
    ).toBe(false);
  });

  it('matches languages and forms', () => {
    const e = createRightsEngine(doc(deal({ territories: 'FR', languages: [{ language: 'fr', forms: ['dubbed'] }] })));
    const at = '2027-01-01T00:00:00Z';
    expect(
      e.evaluate({ assetId: 'x', territory: 'FR', channel: 'svod', at, language: 'fr-FR', languageForm: 'dubbed' })
        .allowed,
    ).toBe(true);
    expect(
      e.evaluate({ assetId: 'x', territory: 'FR', channel: 'svod', at, language: 'fr', languageForm: 'subtitled' })
        .allowed,
    ).toBe(false);
    expect(e.evaluate({ assetId: 'x', territory: 'FR', channel: 'svod', at, language: 'en' }).allowed).toBe(false);
  });
});

describe('deal conflicts', () => {
  it('finds selling what is not held, exclusivity beyond what is held, and overlapping sales', () => {
    const base = { direction: 'out' as const, licensor: 'Framewise Media', assets: ['night-signal'] };
    const notHeld = film.checkDeal({
      ...base,
      id: 'fast-br',
      licensee: 'FastCo',
      grants: [{ id: 'o1', media: ['fast'], territories: 'BR', window: { start: '2028-06-01', end: '2029-06-01' } }],
    });
    expect(notHeld.map((c) => [c.kind, c.severity, c.territories])).toEqual([['not-held', 'error', ['BR']]]);
    expect(notHeld[0]?.message).toMatch(
      /sells FAST of "night-signal" in BR: rights not held from 2028-06-01T03:00:00.000Z/,
    );
    const exclusive = film.checkDeal({
      ...base,
      id: 'svod-gb',
      licensee: 'StreamCo',
      grants: [
        {
          id: 'o2',
          media: ['svod'],
          territories: 'GB, IE',
          exclusive: true,
          window: { start: '2027-08-01', end: '2028-08-01' },
        },
      ],
    });
    expect(exclusive.map((c) => [c.kind, c.territories])).toEqual([['exclusivity', ['GB', 'IE']]]);
    const sold = film.withDeal({
      ...base,
      id: 'svod-us',
      licensee: 'StreamCo',
      grants: [
        {
          id: 'o3',
          media: ['svod'],
          territories: 'US',
          exclusive: true,
          window: { start: '2027-08-01', end: '2028-08-01' },
        },
      ],
    });
    const overlap = sold.checkDeal({
      ...base,
      id: 'svod-us-2',
      licensee: 'OtherCo',
      grants: [
        { id: 'o4', media: ['svod'], territories: 'US, CA', window: { start: '2028-07-31', end: '2028-09-01' } },
      ],
    });
    // Both sales are reported: the new one, and the sold one the change affects.
    expect(overlap.map((c) => [c.dealId, c.kind, c.severity, c.territories, c.otherDealId])).toEqual([
      ['svod-us-2', 'out-overlap', 'error', ['US'], 'svod-us'],
      ['svod-us', 'out-overlap', 'error', ['US'], 'svod-us-2'],
    ]);
    expect(overlap[0]?.message).toMatch(
      /overlaps deal "svod-us" grant "o3" \(StreamCo, exclusive\) from 2028-07-31T04:00:00.000Z to 2028-08-01T04:00:00.000Z/,
    );
    // Our own exploitation is now blocked by the exclusive sale.
    const ours = sold.evaluate({
      assetId: 'night-signal',
      territory: 'US',
      channel: 'svod',
      at: '2027-09-01T00:00:00Z',
    });
    expect(ours.allowed).toBe(false);
    expect(ours.explain()).toMatch(/exclusive rights sold to StreamCo \(deal "svod-us" grant "o3"\)/);
  });

  it('refuses a conflicting deal unless told to record it anyway', () => {
    const deal = {
      id: 'bad',
      direction: 'out' as const,
      licensor: 'a',
      licensee: 'b',
      assets: ['night-signal'],
      grants: [{ id: 'o9', media: ['airline' as const], territories: 'WORLD' }],
    };
    try {
      film.withDeal(deal);
      expect.unreachable();
    } catch (error) {
      expect(isFramewiseError(error, 'CONFLICT')).toBe(true);
      expect((error as Error).message).toMatch(
        /Deal "bad": the change conflicts.*sells airline of "night-signal" in AD, AE/,
      );
    }
    expect(film.withDeal(deal, { allowConflicts: true }).export().deals).toHaveLength(2);
  });
});

describe('run limits and the usage ledger', () => {
  it('refuses a TV run past the limit, counted from the ledger', () => {
    const ledger = new UsageLedger();
    const e = createRightsEngine(
      {
        deals: [
          {
            id: 'tv',
            direction: 'in',
            licensor: 'a',
            licensee: 'b',
            assets: ['x'],
            grants: [
              {
                id: 'runs',
                media: ['free-tv'],
                territories: 'GB',
                maxRuns: 2,
                window: { start: '2027-01-01', end: '2028-01-01' },
              },
            ],
          },
        ],
      },
      { ledger },
    );
    const q = { assetId: 'x', territory: 'GB', channel: 'free-tv' as const, at: '2027-06-01T20:00:00Z' };
    for (const start of ['2027-02-01T20:00:00Z', '2027-03-01T20:00:00Z']) {
      expect(e.evaluate(q).allowed).toBe(true);
      ledger.append({
        kind: 'play',
        assetId: 'x',
        territory: 'GB',
        channel: 'free-tv',
        platform: 'bbc-one',
        start,
        minutes: 46,
        participants: ['ada-byrne'],
      });
    }
    const third = e.evaluate(q);
    expect(third.allowed).toBe(false);
    expect(third.explain()).toMatch(/grant "runs" has used all 2 runs in GB/);
    ledger.append({
      kind: 'play',
      assetId: 'x',
      territory: 'FR',
      channel: 'free-tv',
      platform: 'tf1',
      start: '2027-03-01T20:00:00Z',
    });
    expect(ledger.countPlays('x', 'GB', 'free-tv', 0, Number.POSITIVE_INFINITY)).toBe(2);
  });

  it('exports CSV safe for spreadsheets and JSON Lines that read back', () => {
    const ledger = new UsageLedger();
    ledger.append({
      kind: 'distribution',
      assetId: 'x',
      territory: 'US',
      channel: 'svod',
      platform: '=HYPERLINK("x")',
      start: '2027-01-01T00:00:00Z',
      participants: ['a, b', 'c'],
    });
    const csv = [...ledger.csv()].join('');
    expect(csv.split('\r\n')[0]).toBe(
      'seq,id,kind,assetId,versionId,territory,channel,platform,endpoint,start,end,minutes,plays,participants,dealId',
    );
    expect(csv).toContain(`,"'=HYPERLINK(""x"")",`);
    expect(csv).toContain(',"a, b;c",');
    const again = UsageLedger.fromJsonLines([...ledger.jsonLines()].join(''));
    expect(again.events()).toEqual(ledger.events());
    expect(() => UsageLedger.fromJsonLines('{"kind":"play"}\nnot json')).toThrow(/Usage event 1 is invalid/);
    expect(() =>
      ledger.append({
        kind: 'play',
        assetId: 'x',
        territory: 'XX',
        channel: 'svod',
        platform: 'p',
        start: '2027-01-01T00:00:00Z',
      }),
    ).toThrow(/territory/);
  });
});

describe('rights as data', () => {
  it('names the offending field and row', () => {
    const bad = filmWindows();
    const grants = (bad.deals?.[0]?.grants ?? []) as { media: string[] }[];
    (grants[3] as { media: string[] }).media = ['svod', 'cinema'];
    expect(() => createRightsEngine(bad)).toThrow(/deals\[0\]\.grants\[3\]\.media\[1\]/);
    expect(() =>
      createRightsEngine({
        deals: [
          {
            id: 'd',
            direction: 'in',
            licensor: 'a',
            licensee: 'b',
            assets: ['x'],
            grants: [{ id: 'g', media: ['svod'], territories: 'EMEA except ZZ' }],
          },
        ],
      }),
    ).toThrow(/Deal "d" grant "g": Territory expression "EMEA except ZZ": "ZZ" is neither/);
    expect(() =>
      createRightsEngine({
        deals: [
          {
            id: 'd',
            direction: 'in',
            licensor: 'a',
            licensee: 'b',
            assets: ['x'],
            grants: [
              {
                id: 'g',
                media: ['svod'],
                territories: 'FR',
                window: { start: { after: 'nope', edge: 'start', days: 1 } },
              },
            ],
          },
        ],
      }),
    ).toThrow(/window is relative to grant "nope", which no deal has/);
    expect(() => film.evaluate({ assetId: 'night-signal', territory: 'XX', channel: 'svod', at: 0 })).toThrow(
      /"XX" is not an ISO 3166-1 code/,
    );
    expect(() =>
      film.evaluate({ assetId: 'night-signal', territory: 'FR', channel: 'svod', at: '2027-01-01 12:00' }),
    ).toThrow(/is not an instant/);
  });

  it('parses territory expressions with groups and exclusions', () => {
    expect(parseTerritories('EMEA except FR, DE').has('FR')).toBe(false);
    expect(parseTerritories('EMEA except FR, DE').has('IT')).toBe(true);
    expect(parseTerritories('dach + gb').codes()).toEqual(['AT', 'CH', 'DE', 'GB', 'LI']);
    expect(parseTerritories('WORLD - US, CA').size).toBe(248);
    expect(parseTerritories('MY_NORDIC', { MY_NORDIC: ['DK', 'SE'] }).codes()).toEqual(['DK', 'SE']);
  });
});

describe('property: nothing is allowed unless a grant covers it and nothing blocks it', () => {
  const territoryPool = [
    'GB',
    'FR',
    'US',
    'WS',
    'AS',
    'JP',
    'BR',
    'EMEA except FR, DE',
    'APAC',
    'NORTH_AMERICA',
    'WORLD except US',
    'DACH',
  ];
  const queryTerritories = ['GB', 'FR', 'DE', 'US', 'WS', 'AS', 'JP', 'BR', 'AU', 'IT'];
  const media = ['svod', 'fast', 'free-tv'] as const;
  const dayMs = 86_400_000;
  const epoch = Date.parse('2027-01-01T00:00:00Z');
  const date = fc.integer({ min: 0, max: 700 }).map((d) => new Date(epoch + d * dayMs).toISOString().slice(0, 10));
  const instant = fc.integer({ min: 0, max: 700 * 24 }).map((h) => new Date(epoch + h * 3_600_000).toISOString());
  const bound = fc.oneof(date, instant, fc.constant(undefined));
  const grant = (id: string) =>
    fc
      .record({
        id: fc.constant(id),
        media: fc.subarray([...media], { minLength: 1 }),
        territories: fc.constantFrom(...territoryPool),
        window: fc
          .record({ start: bound, end: bound })
          .map((w) => Object.fromEntries(Object.entries(w).filter(([, v]) => v !== undefined))),
        exclusive: fc.boolean(),
        languages: fc.option(fc.constant([{ language: 'fr', forms: ['original', 'dubbed', 'subtitled'] as const }]), {
          nil: undefined,
        }),
      })
      .map((g) => Object.fromEntries(Object.entries(g).filter(([, v]) => v !== undefined)));
  const documents = fc
    .tuple(
      fc.array(fc.integer(), { minLength: 1, maxLength: 4 }),
      fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    )
    .chain(([grantCounts, directions]) =>
      fc.tuple(
        ...grantCounts.map((_, d) =>
          fc
            .record({
              grants: fc
                .array(fc.nat(), { minLength: 1, maxLength: 3 })
                .chain((gs) => fc.tuple(...gs.map((_, g) => grant(`g${d}-${g}`)))),
              holdbacks: fc.array(fc.nat(), { maxLength: 2 }).chain((hs) =>
                fc.tuple(
                  ...hs.map((_, h) =>
                    fc.record({
                      id: fc.constant(`h${d}-${h}`),
                      media: fc.subarray([...media], { minLength: 1 }),
                      territories: fc.constantFrom(...territoryPool),
                      window: fc.record({ start: date, end: date }),
                    }),
                  ),
                ),
              ),
            })
            .map((deal) => ({
              id: `d${d}`,
              direction: directions[d] === false && d > 0 ? ('out' as const) : ('in' as const),
              licensor: 'a',
              licensee: 'b',
              assets: ['t'],
              ...deal,
            })),
        ),
      ),
    );

  it('agrees with the naive reference evaluator', () => {
    fc.assert(
      fc.property(
        documents,
        fc.array(
          fc.tuple(
            fc.constantFrom(...queryTerritories),
            fc.constantFrom(...media),
            fc.integer({ min: -5, max: 710 * 24 }),
            fc.boolean(),
          ),
          { minLength: 20, maxLength: 20 },
        ),
        (deals, queries) => {
          const doc = { deals } as RightsDocumentInput;
          const engine = createRightsEngine(doc, { allowConflicts: true });
          const reference = new ReferenceRights(doc);
          for (const [territory, channel, hour, french] of queries) {
            const at = epoch + hour * 3_600_000 + (hour % 7 === 0 ? -1 : 0);
            const language = french ? 'fr' : undefined;
            const got = engine.evaluate({
              assetId: 't',
              territory,
              channel,
              at,
              ...(language ? { language } : {}),
            }).allowed;
            expect(got).toBe(reference.allowed('t', territory, channel, at, language));
          }
        },
      ),
      { numRuns: 150 },
    );
  }, 60_000);
});
