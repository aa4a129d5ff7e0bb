/** Independent QA: what imported avails mean in the rights engine. */
import { createRightsEngine } from '@framewise/core/rights';
import { describe, expect, it } from 'vitest';
import { availsToRights, readAvailsCsv } from '../../src/avails/index.js';

const H =
  'DisplayName,Licensee,WorkType,ContentID,SeriesContentID,SeasonContentID,EpisodeContentID,SeasonNumber,EpisodeNumber,ALID,Territory,TerritoryExclusion,LicenseType,Start,End,StartLag,EndLag,Exclusive,ExclusiveAttributes,AllowedLanguages,LocalizationType,HoldbackLanguage,ContractID,AvailID';
const ROW = (o: Partial<Record<string, string>> = {}): string => {
  const d: Record<string, string> = {
    DisplayName: 'Studio',
    Licensee: 'Plat',
    WorkType: 'Movie',
    ContentID: 'm1',
    Territory: 'GB',
    LicenseType: 'SVOD',
    Start: '2024-01-01',
    End: '2025-01-01',
    Exclusive: 'No',
    ContractID: 'C1',
    AvailID: 'a1',
    ...o,
  } as Record<string, string>;
  return H.split(',')
    .map((k) => d[k] ?? '')
    .join(',');
};
const load = (rows: string[], opts: Parameters<typeof availsToRights>[1] = {}) => {
  const r = readAvailsCsv([H, ...rows].join('\r\n'));
  expect(r.issues).toEqual([]);
  const rr = availsToRights(r.avails, opts);
  expect(rr.issues).toEqual([]);
  return rr;
};
const doc = (rr: ReturnType<typeof availsToRights>, events: Record<string, unknown> = rr.events) => ({
  titles: rr.titles,
  events,
  deals: rr.deals,
});
const ask = (
  engine: ReturnType<typeof createRightsEngine>,
  assetId: string,
  territory: string,
  at: string,
  channel = 'svod',
  extra = {},
) => engine.evaluate({ assetId, territory, channel: channel as never, at, ...extra }).allowed;

describe('independent: territories in the engine', () => {
  it('NA is Namibia: grants NA, not US or CA', () => {
    const rr = load([ROW({ Territory: 'NA' })]);
    const e = createRightsEngine(doc(rr) as never);
    expect(ask(e, 'm1', 'NA', '2024-06-01T12:00:00Z')).toBe(true);
    expect(ask(e, 'm1', 'US', '2024-06-01T12:00:00Z')).toBe(false);
    expect(ask(e, 'm1', 'CA', '2024-06-01T12:00:00Z')).toBe(false);
  });
  it('lower-case na is Namibia too', () => {
    const e = createRightsEngine(doc(load([ROW({ Territory: 'na' })])) as never);
    expect(ask(e, 'm1', 'NA', '2024-06-01T12:00:00Z')).toBe(true);
    expect(ask(e, 'm1', 'US', '2024-06-01T12:00:00Z')).toBe(false);
  });
  it('WORLDWIDE except NA excludes Namibia only', () => {
    const e = createRightsEngine(doc(load([ROW({ Territory: 'WORLDWIDE', TerritoryExclusion: 'NA' })])) as never);
    expect(ask(e, 'm1', 'NA', '2024-06-01T12:00:00Z')).toBe(false);
    expect(ask(e, 'm1', 'US', '2024-06-01T12:00:00Z')).toBe(true);
    expect(ask(e, 'm1', 'CA', '2024-06-01T12:00:00Z')).toBe(true);
  });
  it('list "GB, NA" with exclusion NA leaves GB', () => {
    const e = createRightsEngine(doc(load([ROW({ Territory: '"GB,NA"', TerritoryExclusion: 'NA' })])) as never);
    expect(ask(e, 'm1', 'GB', '2024-06-01T12:00:00Z')).toBe(true);
    expect(ask(e, 'm1', 'NA', '2024-06-01T12:00:00Z')).toBe(false);
  });
});

describe('independent: exclusivity', () => {
  // Rights in: worldwide SVOD+TVOD. Rights out: an exclusive SVOD sale in FR for 2024 to Plat X.
  const build = (exclusive: 'Yes' | 'No') => {
    const inn = load(
      [
        ROW({
          Territory: 'WORLDWIDE',
          Start: 'Immediate',
          End: 'Open',
          AvailID: 'in-svod',
          ContractID: 'IN',
          Exclusive: 'Yes',
        }),
        ROW({
          Territory: 'WORLDWIDE',
          Start: 'Immediate',
          End: 'Open',
          AvailID: 'in-tvod',
          ContractID: 'IN',
          LicenseType: 'VOD',
          Exclusive: 'Yes',
        }),
      ],
      { direction: 'in', licensee: 'Us' },
    );
    const out = load(
      [
        ROW({
          Territory: 'FR',
          Start: '2024-01-01',
          End: '2025-01-01',
          Exclusive: exclusive,
          AvailID: 'out-fr',
          ContractID: 'OUT',
          DisplayName: 'Us',
          Licensee: 'X',
        }),
      ],
      { direction: 'out' },
    );
    return createRightsEngine({ titles: inn.titles, events: {}, deals: [...inn.deals, ...out.deals] } as never);
  };
  it('exclusive sale blocks our own SVOD in FR during its window', () => {
    expect(ask(build('Yes'), 'm1', 'FR', '2024-06-01T12:00:00Z')).toBe(false);
  });
  it('... and nothing more: DE, TVOD in FR, and FR after the window stay allowed', () => {
    const e = build('Yes');
    expect(ask(e, 'm1', 'DE', '2024-06-01T12:00:00Z')).toBe(true);
    expect(ask(e, 'm1', 'FR', '2024-06-01T12:00:00Z', 'tvod')).toBe(true);
    expect(ask(e, 'm1', 'FR', '2025-06-01T12:00:00Z')).toBe(true);
    expect(ask(e, 'm1', 'FR', '2023-06-01T12:00:00Z')).toBe(true);
  });
  it('a non-exclusive sale blocks nothing', () => {
    expect(ask(build('No'), 'm1', 'FR', '2024-06-01T12:00:00Z')).toBe(true);
  });
  it('a draft exclusive sale blocks nothing', () => {
    const inn = load([
      ROW({ Territory: 'WORLDWIDE', Start: 'Immediate', End: 'Open', AvailID: 'in', ContractID: 'IN' }),
    ]);
    const out = load([ROW({ Territory: 'FR', Exclusive: 'Yes', AvailID: 'o', ContractID: 'OUT', Licensee: 'X' })], {
      direction: 'out',
      status: 'draft',
    });
    const e = createRightsEngine({ titles: inn.titles, deals: [...inn.deals, ...out.deals] } as never);
    expect(ask(e, 'm1', 'FR', '2024-06-01T12:00:00Z')).toBe(true);
  });
});

describe('independent: TV hierarchy', () => {
  const season = (extra: string[] = []) =>
    load([
      ROW({
        WorkType: 'Season',
        ContentID: '',
        SeriesContentID: 'ser',
        SeasonContentID: 's1',
        SeasonNumber: '1',
        AvailID: 'season',
      }),
      ...extra,
    ]);
  it('a season avail covers an episode added later under that season', () => {
    const rr = season();
    const titles = [...rr.titles, { id: 'e9', kind: 'episode', parent: 's1', number: 9 }];
    const e = createRightsEngine({ titles, deals: rr.deals } as never);
    expect(ask(e, 'e9', 'GB', '2024-06-01T12:00:00Z')).toBe(true);
  });
  it('... but not an episode of another season of the same series', () => {
    const rr = season();
    const titles = [
      ...rr.titles,
      { id: 's2', kind: 'season', parent: 'ser', number: 2 },
      { id: 'e21', kind: 'episode', parent: 's2' },
    ];
    const e = createRightsEngine({ titles, deals: rr.deals } as never);
    expect(ask(e, 'e21', 'GB', '2024-06-01T12:00:00Z')).toBe(false);
    expect(ask(e, 'ser', 'GB', '2024-06-01T12:00:00Z')).toBe(false);
  });
  it('episode rows get the season as parent and the season the series', () => {
    const rr = load([
      ROW({
        WorkType: 'Episode',
        ContentID: '',
        SeriesContentID: 'ser',
        SeasonContentID: 's1',
        EpisodeContentID: 'e1',
        EpisodeNumber: '1',
        AvailID: 'ep',
      }),
    ]);
    const byId = new Map(rr.titles.map((t) => [t.id, t]));
    expect(byId.get('e1')).toMatchObject({ kind: 'episode', parent: 's1', number: 1 });
    expect(byId.get('s1')).toMatchObject({ kind: 'season', parent: 'ser' });
  });
  it('ALID and EIDR are kept on the title', () => {
    const r = readAvailsCsv(
      `DisplayName,Licensee,WorkType,ALID,TitleID,Territory,LicenseType,Start,End\r\nS,P,Movie,md:alid:x,10.5240/1489-49A2-3956-4B2D-FE16-5,GB,EST,2024-01-01,Open`,
    );
    const rr = availsToRights(r.avails);
    expect(rr.titles[0]).toMatchObject({ alid: 'md:alid:x', eidr: '10.5240/1489-49A2-3956-4B2D-FE16-5' });
  });
});

describe('independent: conditions', () => {
  it('TBD start never opens (any instant, even far future)', () => {
    const rr = load([ROW({ Start: 'TBD', End: 'Open' })]);
    const e = createRightsEngine(doc(rr) as never);
    for (const at of ['1990-01-01T00:00:00Z', '2024-06-01T00:00:00Z', '2099-12-31T00:00:00Z'])
      expect(ask(e, 'm1', 'GB', at)).toBe(false);
  });
  it('TBD end keeps going', () => {
    const e = createRightsEngine(doc(load([ROW({ Start: '2024-01-01', End: 'TBD' })])) as never);
    expect(ask(e, 'm1', 'GB', '2090-01-01T00:00:00Z')).toBe(true);
    expect(ask(e, 'm1', 'GB', '2023-12-01T00:00:00Z')).toBe(false);
  });
  it('two TBD avails get distinct events (setting one does not open the other)', () => {
    const rr = load([
      ROW({ Start: 'TBD', End: 'Open', AvailID: 'x' }),
      ROW({ Start: 'TBD', End: 'Open', AvailID: 'y', Territory: 'FR' }),
    ]);
    const names = Object.keys(rr.events);
    expect(names).toHaveLength(2);
    const events = { ...rr.events, [names[0] as string]: { name: 'x', at: '2024-01-01T00:00:00Z' } };
    const e = createRightsEngine(doc(rr, events) as never);
    expect(
      [ask(e, 'm1', 'GB', '2024-06-01T00:00:00Z'), ask(e, 'm1', 'FR', '2024-06-01T00:00:00Z')].filter(Boolean),
    ).toHaveLength(1);
  });
  it('ESTStart + P30D opens 30 days after the event', () => {
    const rr = load([ROW({ Start: 'ESTStart', StartLag: 'P30D', End: 'Open' })]);
    const events = { ...rr.events, 'm1:eststart': { name: 'EST', at: '2024-03-01T00:00:00Z' } };
    const e = createRightsEngine(doc(rr, events) as never);
    expect(ask(e, 'm1', 'GB', '2024-03-15T00:00:00Z')).toBe(false);
    expect(ask(e, 'm1', 'GB', '2024-04-01T00:00:00Z')).toBe(true);
  });
  it('Theatrical + P18M end lag closes the window', () => {
    const rr = load([ROW({ Start: '2024-01-01', End: 'Theatrical', EndLag: 'P18M' })]);
    const events = { ...rr.events, 'm1:theatrical': { name: 'T', at: '2024-02-01T00:00:00Z' } };
    const e = createRightsEngine(doc(rr, events) as never);
    expect(ask(e, 'm1', 'GB', '2025-07-15T00:00:00Z')).toBe(true);
    expect(ask(e, 'm1', 'GB', '2025-08-15T00:00:00Z')).toBe(false);
  });
});

describe('independent: languages', () => {
  it('AllowedLanguages fr with LocalizationType sub: French subtitles yes, French dub no', () => {
    const e = createRightsEngine(doc(load([ROW({ AllowedLanguages: 'fr', LocalizationType: 'sub' })])) as never);
    expect(ask(e, 'm1', 'GB', '2024-06-01T12:00:00Z', 'svod', { language: 'fr', languageForm: 'subtitled' })).toBe(
      true,
    );
    expect(ask(e, 'm1', 'GB', '2024-06-01T12:00:00Z', 'svod', { language: 'fr', languageForm: 'dubbed' })).toBe(false);
    expect(ask(e, 'm1', 'GB', '2024-06-01T12:00:00Z', 'svod', { language: 'de', languageForm: 'subtitled' })).toBe(
      false,
    );
  });
  it('HoldbackLanguage de blocks German only', () => {
    const e = createRightsEngine(doc(load([ROW({ HoldbackLanguage: 'de' })])) as never);
    expect(ask(e, 'm1', 'GB', '2024-06-01T12:00:00Z', 'svod', { language: 'de', languageForm: 'dubbed' })).toBe(false);
    expect(ask(e, 'm1', 'GB', '2024-06-01T12:00:00Z', 'svod', { language: 'en', languageForm: 'original' })).toBe(true);
  });
});
