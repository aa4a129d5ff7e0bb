import { describe, expect, it } from 'vitest';
import { isFramewiseError } from '../errors/index.js';
import { createRightsEngine } from './engine.js';
import { UsageLedger } from './ledger.js';
import type { DealInput, RightsDocumentInput } from './model.js';

const deal = (id: string, direction: 'in' | 'out', assets: string[], rest: Partial<DealInput>): DealInput => ({
  id,
  direction,
  licensor: direction === 'in' ? 'Studio' : 'Us',
  licensee: direction === 'in' ? 'Us' : 'Buyer',
  assets,
  ...rest,
});

describe('windows: ISO lags, events (TBD), zone policies', () => {
  it('adds calendar months and years, clamped to the month end', () => {
    const engine = createRightsEngine({
      deals: [
        deal('d', 'in', ['t'], {
          grants: [
            { id: 'th', media: ['theatrical'], territories: 'GB', window: { start: '2027-01-31' } },
            {
              id: 'svod',
              media: ['svod'],
              territories: 'GB',
              window: { start: { after: 'th', lag: 'P1M' }, end: { after: 'th', lag: 'P18M' } },
            },
          ],
        }),
      ],
    });
    const [i] = engine.availability('t', { territory: 'GB', channel: 'svod' });
    expect(i?.start?.toISODate()).toBe('2027-02-28');
    expect(i?.end?.toISO()).toBe('2028-07-31T00:00:00.000+01:00');
  });

  it('keeps a window whose start event is TBD closed, and opens it once the date is known', () => {
    const doc = (at?: string): RightsDocumentInput => ({
      events: { premiere: at === undefined ? {} : { at } },
      deals: [
        deal('d', 'in', ['t'], {
          grants: [
            { id: 'g', media: ['est'], territories: 'US', window: { start: { event: 'premiere', lag: 'P45D' } } },
          ],
        }),
      ],
    });
    const at = '2030-01-01T00:00:00Z';
    const tbd = createRightsEngine(doc()).evaluate({ assetId: 't', territory: 'US', channel: 'est', at });
    expect(tbd.allowed).toBe(false);
    expect(tbd.explain()).toContain('TBD (event "premiere")');
    expect(createRightsEngine(doc()).availability('t', { territory: 'US', channel: 'est' })).toEqual([]);
    const known = createRightsEngine(doc('2029-10-01'));
    expect(known.availability('t', { territory: 'US', channel: 'est' })[0]?.start?.toISO()).toBe(
      '2029-11-15T00:00:00.000-05:00',
    );
    expect(() =>
      createRightsEngine({
        deals: [
          deal('d', 'in', ['t'], {
            grants: [{ id: 'g', media: ['est'], territories: 'US', window: { start: { event: 'nope' } } }],
          }),
        ],
      }),
    ).toThrow(/event "nope"/);
  });

  it('opens in the latest zone and closes in the earliest under a conservative policy', () => {
    const doc = (policy: 'single' | 'conservative'): RightsDocumentInput => ({
      territoryZones: { US: { zones: ['America/New_York', 'America/Los_Angeles'], policy } },
      deals: [
        deal('d', 'in', ['t'], {
          grants: [{ id: 'g', media: ['svod'], territories: 'US', window: { start: '2027-07-01', end: '2027-08-01' } }],
        }),
      ],
    });
    const single = createRightsEngine(doc('single')).availability('t', { territory: 'US', channel: 'svod' })[0];
    expect([single?.start?.toUTC().toISO(), single?.end?.toUTC().toISO()]).toEqual([
      '2027-07-01T04:00:00.000Z',
      '2027-08-01T04:00:00.000Z',
    ]);
    const safe = createRightsEngine(doc('conservative'));
    const interval = safe.availability('t', { territory: 'US', channel: 'svod' })[0];
    expect([interval?.start?.toUTC().toISO(), interval?.end?.toUTC().toISO()]).toEqual([
      '2027-07-01T07:00:00.000Z',
      '2027-08-01T04:00:00.000Z',
    ]);
    expect(
      safe.evaluate({ assetId: 't', territory: 'US', channel: 'svod', at: '2027-07-01T06:59:59.999Z' }).allowed,
    ).toBe(false);
    expect(safe.evaluate({ assetId: 't', territory: 'US', channel: 'svod', at: '2027-07-01T07:00:00Z' }).allowed).toBe(
      true,
    );
  });
});

describe('titles, formats, languages, runs, elements', () => {
  it('covers current and future episodes of a series deal, with ALID and EIDR ids', () => {
    const doc: RightsDocumentInput = {
      titles: [
        { id: 'show', kind: 'series', eidr: '10.5240/1489-49A2-3956-4B2D-FE16-5', alid: 'md:alid:show' },
        { id: 's1', kind: 'season', parent: 'show', number: 1 },
        { id: 's1e1', kind: 'episode', parent: 's1', number: 1 },
      ],
      deals: [deal('d', 'in', ['show'], { grants: [{ id: 'g', media: ['svod'], territories: 'GB' }] })],
    };
    const at = '2027-01-01T00:00:00Z';
    expect(createRightsEngine(doc).evaluate({ assetId: 's1e1', territory: 'GB', channel: 'svod', at }).allowed).toBe(
      true,
    );
    const later = createRightsEngine({
      ...doc,
      titles: [...(doc.titles ?? []), { id: 's2e1', kind: 'episode', parent: 'show' }],
    });
    expect(later.evaluate({ assetId: 's2e1', territory: 'GB', channel: 'svod', at }).allowed).toBe(true);
    expect(() => createRightsEngine({ titles: [{ id: 'e', kind: 'episode', parent: 'missing' }] })).toThrow(
      /titles\[0\]\.parent/,
    );
    expect(() => createRightsEngine({ titles: [{ id: 'x', kind: 'movie', eidr: '10.5240/nope' }] })).toThrow(/eidr/);
  });

  it('grants by format profile, and POEST as its own right', () => {
    const engine = createRightsEngine({
      deals: [
        deal('d', 'in', ['t'], {
          grants: [{ id: 'hd', media: ['est', 'poest'], territories: 'US', formats: ['SD', 'HD'] }],
        }),
      ],
    });
    const at = '2027-01-01T00:00:00Z';
    const ask = (channel: 'est' | 'poest', format?: 'SD' | 'HD' | 'UHD') =>
      engine.evaluate({ assetId: 't', territory: 'US', channel, at, ...(format ? { format } : {}) }).allowed;
    expect(ask('est', 'HD')).toBe(true);
    expect(ask('poest', 'SD')).toBe(true);
    expect(ask('est', 'UHD')).toBe(false);
    expect(ask('est')).toBe(false);
  });

  it('checks audio and subtitle languages against their forms', () => {
    const engine = createRightsEngine({
      deals: [
        deal('d', 'in', ['t'], {
          grants: [
            {
              id: 'g',
              media: ['svod'],
              territories: 'DE',
              languages: [
                { language: 'de', forms: ['dubbed'] },
                { language: 'en', forms: ['subtitled'] },
              ],
            },
          ],
        }),
      ],
    });
    const ask = (q: { audioLanguage?: string; subtitleLanguage?: string }) =>
      engine.evaluate({ assetId: 't', territory: 'DE', channel: 'svod', at: '2027-01-01T00:00:00Z', ...q }).allowed;
    expect(ask({ audioLanguage: 'de-DE', subtitleLanguage: 'en' })).toBe(true);
    expect(ask({ audioLanguage: 'en' })).toBe(false);
    expect(ask({ subtitleLanguage: 'de' })).toBe(false);
  });

  it('counts plays within the run definition as one run', () => {
    const ledger = new UsageLedger();
    const engine = createRightsEngine(
      {
        deals: [
          deal('d', 'in', ['t'], {
            grants: [{ id: 'g', media: ['free-tv'], territories: 'FR', maxRuns: 2, runHours: 24 }],
          }),
        ],
      },
      { ledger },
    );
    for (const start of ['2027-01-01T20:00:00Z', '2027-01-02T08:00:00Z', '2027-01-05T20:00:00Z'])
      ledger.append({ kind: 'play', assetId: 't', territory: 'FR', channel: 'free-tv', platform: 'tf1', start });
    // Three plays, two runs (the first two within 24 hours): the limit is reached.
    const decision = engine.evaluate({ assetId: 't', territory: 'FR', channel: 'free-tv', at: '2027-01-06T00:00:00Z' });
    expect(decision.allowed).toBe(false);
    expect(ledger.countRuns('t', 'FR', ['free-tv'], 0, Date.parse('2028-01-01'), 24)).toBe(2);
    expect(ledger.countRuns('t', 'FR', ['free-tv'], 0, Date.parse('2028-01-01'))).toBe(3);
  });

  it('links substitute cues and checks only cues inside a clip', () => {
    const element = (id: string, inTc: string, outTc: string, territories: string, substitute?: string) => ({
      id,
      assetId: 't',
      versionId: 'v',
      kind: 'music' as const,
      name: id,
      rate: '25',
      in: inTc,
      out: outTc,
      clearances: [{ territories }],
      ...(substitute ? { substitute } : {}),
    });
    const engine = createRightsEngine({
      deals: [deal('d', 'in', ['t'], { grants: [{ id: 'g', media: ['svod'], territories: 'WORLD' }] })],
      elements: [
        element('cue', '00:10:00:00', '00:11:00:00', 'GB', 'library'),
        element('library', '00:10:00:00', '00:11:00:00', 'WORLD except BR'),
      ],
    });
    const ask = (territory: string, span?: { in: string; out: string }) =>
      engine.evaluate({
        assetId: 't',
        versionId: 'v',
        territory,
        channel: 'svod',
        at: '2027-01-01T00:00:00Z',
        ...(span ? { span } : {}),
      });
    expect(ask('GB').status).toBe('allowed');
    const fr = ask('FR');
    expect(fr.status).toBe('allowed-with-substitution');
    expect(fr.elementConflicts[0]?.substituteId).toBe('library');
    // No cleared substitute in BR: the version is blocked.
    expect(ask('BR').status).toBe('denied');
    // A clip before the cue does not need it.
    expect(ask('BR', { in: '00:01:00:00', out: '00:02:00:00' }).status).toBe('allowed');
  });
});

describe('deal lifecycle', () => {
  const base = (): RightsDocumentInput => ({
    deals: [
      deal('in', 'in', ['t'], {
        contractId: 'C-1',
        grants: [
          {
            id: 'g',
            media: ['svod'],
            territories: 'GB',
            exclusive: true,
            window: { start: '2027-01-01', end: '2029-01-01' },
          },
        ],
      }),
      deal('sold', 'out', ['t'], {
        grants: [
          {
            id: 'o',
            media: ['svod'],
            territories: 'GB',
            exclusive: true,
            window: { start: '2027-06-01', end: '2028-06-01' },
          },
        ],
      }),
    ],
  });
  const targets = [{ id: 'gb', territories: ['GB'], channel: 'svod' as const }];

  it('amends a deal with a new version, returns the conflicts it brings and the transition diff', () => {
    const engine = createRightsEngine(base());
    const plan = { now: '2027-01-01T00:00:00Z', horizonMs: 1000 * 86_400_000, targets };
    // Shortening the rights in leaves the sale unheld: refused, then applied on request.
    const shorter = {
      ...base().deals?.[0],
      grants: [
        {
          id: 'g',
          media: ['svod'],
          territories: 'GB',
          exclusive: true,
          window: { start: '2027-01-01', end: '2028-01-01' },
        },
      ],
    } as DealInput;
    try {
      engine.amendDeal(shorter);
      expect.unreachable();
    } catch (error) {
      expect(isFramewiseError(error, 'CONFLICT')).toBe(true);
    }
    const change = engine.amendDeal(shorter, { allowConflicts: true, plan });
    expect(change.newErrors.map((c) => [c.dealId, c.kind])).toEqual([['sold', 'not-held']]);
    expect(change.affectedAssets).toEqual(['t']);
    expect(change.engine.export().deals[0]?.version).toBe(2);
    expect(change.engine.export().deals[0]?.contractId).toBe('C-1');
    // Our own window: closed by the sale 2027-06-01 → 2028-06-01, and the end of rights moved.
    expect(change.transitions?.removed.map((t) => [t.at.toISO(), t.change])).toEqual([
      ['2028-05-31T23:00:00.000Z', 'open'],
      ['2029-01-01T00:00:00.000Z', 'close'],
    ]);
    expect(change.transitions?.added).toEqual([]);
    // The original engine is unchanged.
    expect(engine.export().deals[0]?.version).toBe(1);
    expect(() => engine.amendDeal({ ...shorter, version: 1 })).toThrow(/version 1 is not after version 1/);
  });

  it('removes a deal and adds drafts that grant nothing', () => {
    const engine = createRightsEngine(base());
    const at = '2028-09-01T00:00:00Z';
    expect(engine.evaluate({ assetId: 't', territory: 'GB', channel: 'svod', at }).allowed).toBe(true);
    const removed = engine.removeDeal('in', { allowConflicts: true });
    expect(removed.newErrors.map((c) => c.kind)).toEqual(['not-held']);
    expect(removed.engine.evaluate({ assetId: 't', territory: 'GB', channel: 'svod', at }).allowed).toBe(false);
    const draft = engine.addDeal(
      deal('draft', 'out', ['t'], {
        status: 'draft',
        grants: [{ id: 'dr', media: ['svod'], territories: 'GB', exclusive: true, window: { start: '2028-07-01' } }],
      }),
      { allowConflicts: true },
    );
    expect(draft.conflicts.map((c) => [c.dealId, c.kind])).toContainEqual(['draft', 'not-held']);
    expect(draft.engine.evaluate({ assetId: 't', territory: 'GB', channel: 'svod', at }).allowed).toBe(true);
    expect(() => engine.removeDeal('nope')).toThrow(/does not exist/);
    expect(() => engine.addDeal(base().deals?.[0] as DealInput)).toThrow(/already exists/);
  });

  it('answers the same after a chain of amendments as a freshly built engine', () => {
    let engine = createRightsEngine(base());
    engine.evaluate({ assetId: 't', territory: 'GB', channel: 'svod', at: 0 });
    for (let i = 0; i < 5; i++)
      engine = engine.addDeal(
        deal(`more-${i}`, 'in', [`t${i}`, 't'], {
          grants: [{ id: `m${i}`, media: ['avod'], territories: 'GB', window: { start: `${2027 + i}-01-01` } }],
        }),
      ).engine;
    const fresh = createRightsEngine(engine.export());
    for (const assetId of ['t', 't0', 't3', 'none'])
      for (const at of ['2027-06-01T00:00:00Z', '2029-06-01T00:00:00Z', '2032-01-01T00:00:00Z'])
        for (const channel of ['svod', 'avod'] as const)
          expect(engine.evaluate({ assetId, territory: 'GB', channel, at }).allowed).toBe(
            fresh.evaluate({ assetId, territory: 'GB', channel, at }).allowed,
          );
  });
});
