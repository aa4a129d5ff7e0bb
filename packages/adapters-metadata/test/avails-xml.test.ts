import { readFileSync } from 'node:fs';
import {
  type Avail,
  availsToRights,
  readAvailsCsv,
  readAvailsXml,
  rightsToAvails,
  writeAvailsXml,
} from '@framewise/adapters-metadata/avails';
import { FramewiseError } from '@framewise/core/errors';
import { createRightsEngine } from '@framewise/core/rights';
import { validateXml } from '@framewise/test-support';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryAvail } from './avails-arbitraries.js';

const sample = (name: string) => readFileSync(new URL(`./fixtures/avails-xml/${name}`, import.meta.url), 'utf8');

const HEADER =
  'DisplayName,Licensee,WorkType,ContentID,ALID,Territory,TerritoryExclusion,LicenseType,FormatProfile,Start,StartLag,End,EndLag,Exclusive,AllowedLanguages,HoldbackLanguage,ContractID,AvailID';

describe('Avails XML out', () => {
  it('writes a document valid against the official Avails 2.5 schema, and reads it back identical', async () => {
    const { avails, issues } = readAvailsCsv(
      `${HEADER}\r\n` +
        'Northlight,Framewise,Movie,m1,md:alid:m1,WORLDWIDE,"US,CA",SVOD,HD,2027-01-01,,2027-06-30,,Yes,"fr,en",de,C-9,A1\r\n' +
        'Northlight,Framewise,Movie,m1,md:alid:m1,US,,EST,UHD,ESTStart,P30D,Open,,No,,,C-9,A2\r\n' +
        '"Northlight <& ""Co"">",Framewise,Movie,m2,,GB,,VOD,SD,2027-03-01T09:00:00+01:00,,TBD,P1Y,,,,,A3\r\n',
    );
    expect(issues).toEqual([]);
    const xml = writeAvailsXml(avails);
    const validation = await validateXml(xml, 'avails-2.5');
    expect(validation.errors).toEqual([]);
    expect(validation.valid).toBe(true);
    expect(xml).toContain('<md:country>XW</md:country>');
    expect(xml).toContain('<avails:End>2027-06-30T23:59:59</avails:End>');
    expect(xml).toContain('<avails:StartCondition lag="P30D">ESTStart</avails:StartCondition>');
    const back = readAvailsXml(xml);
    expect(back.issues).toEqual([]);
    const strip = (a: Avail) => ({ ...a, row: 0 });
    // The document form requires an ALID and a title alias: the content id stands in for them.
    const filled = (a: Avail) =>
      strip({ ...a, alid: a.alid ?? a.contentId ?? '', title: a.title ?? a.contentId ?? '' });
    expect(back.avails.map(strip)).toEqual(avails.map(filled));
  });

  it('writes a grant of every format as one transaction per profile, and the engine answers the same', async () => {
    const doc = {
      deals: [
        {
          id: 'd',
          direction: 'in' as const,
          licensor: 'S',
          licensee: 'P',
          assets: ['m1'],
          grants: [
            {
              id: 'g',
              media: ['svod' as const],
              territories: 'FR',
              window: { start: '2027-01-01', end: '2027-02-01' },
            },
          ],
        },
      ],
    };
    const out = rightsToAvails(doc, { direction: 'in' });
    expect(out.issues).toEqual([]);
    const xml = writeAvailsXml(out.avails);
    expect((await validateXml(xml, 'avails-2.5')).errors).toEqual([]);
    expect(xml.match(/<avails:Transaction /g)).toHaveLength(3);
    const back = readAvailsXml(xml);
    expect(back.issues).toEqual([]);
    const rights = availsToRights(back.avails, { direction: 'in' });
    const a = createRightsEngine(doc);
    const b = createRightsEngine({ titles: rights.titles, events: rights.events, deals: rights.deals });
    for (const at of ['2026-12-31T22:59:59Z', '2026-12-31T23:00:00Z', '2027-01-31T22:59:59Z', '2027-01-31T23:00:00Z'])
      for (const format of ['SD', 'HD', 'UHD'] as const) {
        const q = { assetId: 'm1', territory: 'FR', channel: 'svod' as const, format, at };
        expect([at, format, b.evaluate(q).allowed]).toEqual([at, format, a.evaluate(q).allowed]);
      }
  });

  it('writes TV avails (episode, season, series) the schema accepts', async () => {
    const tv =
      'DisplayName,Licensee,WorkType,EpisodeContentID,SeasonContentID,SeriesContentID,SeasonNumber,EpisodeNumber,Territory,LicenseType,FormatProfile,Start,End,AvailID\r\n' +
      'S,P,Episode,e1,s1,r1,1,3,US,EST,HD,2027-01-01,2027-12-31,E1\r\n' +
      'S,P,Season,,s1,r1,1,,US,EST,HD,2027-01-01,2027-12-31,S1\r\n' +
      'S,P,Series,,,r1,,,US,EST,HD,2027-01-01,Open,R1\r\n';
    const { avails, issues } = readAvailsCsv(tv);
    expect(issues).toEqual([]);
    const xml = writeAvailsXml(avails);
    expect((await validateXml(xml, 'avails-2.5')).errors).toEqual([]);
    const back = readAvailsXml(xml);
    expect(back.issues).toEqual([]);
    expect(back.avails.map((a) => [a.workType, a.episodeContentId, a.seasonContentId, a.seriesContentId])).toEqual([
      ['Episode', 'e1', 's1', 'r1'],
      ['Season', undefined, 's1', 'r1'],
      ['Series', undefined, undefined, 'r1'],
    ]);
    expect(back.avails.map((a) => [a.seasonNumber, a.episodeNumber])).toEqual([
      ['1', '3'],
      ['1', undefined],
      [undefined, undefined],
    ]);
  });

  it('refuses what Avails XML cannot carry, naming the avail', () => {
    const { avails } = readAvailsCsv(
      `${HEADER}\r\nS,P,Movie,,,US,,EST,HD,2027-01-01,,Open,,,,,,A1\r\nS,P,Movie,m 1,,US,,EST,HD,2027-01-01,,Open,,,,,,A2\r\n`,
    );
    expect(() => writeAvailsXml([avails[0] as Avail])).toThrow(/row 2: Avails XML needs an ALID or a content id/);
    expect(() => writeAvailsXml([avails[1] as Avail])).toThrow(FramewiseError);
    for (const bad of ['2:9', 'cR.__:x', 'a b', 'x%zz', 'é'])
      expect(() => writeAvailsXml([{ ...(avails[1] as Avail), contentId: bad }])).toThrow(/not a URI reference/);
    expect(() => writeAvailsXml([{ ...(avails[1] as Avail), contentId: 'm1', title: 'bad \u0001 title' }])).toThrow(
      /U\+0001/,
    );
    const episode = readAvailsCsv(
      'DisplayName,WorkType,EpisodeContentID,Territory,LicenseType,FormatProfile,Start,End\r\nS,Episode,e1,US,EST,HD,2027-01-01,Open\r\n',
    ).avails[0] as Avail;
    expect(() => writeAvailsXml([episode])).toThrow(/Episode avail needs its SeriesContentID/);
  });

  it('round-trips random avails through XML (schema-valid), movies and TV', async () => {
    let validated = 0;
    for (const tv of [false, true]) {
      const list = fc.sample(
        arbitraryAvail(tv).filter(
          (a) =>
            a.title !== undefined &&
            (tv
              ? a.seriesContentId !== undefined &&
                (a.workType === 'Series' || a.seasonContentId !== undefined) &&
                (a.workType !== 'Episode' || a.episodeContentId !== undefined || a.alid !== undefined)
              : a.alid !== undefined || a.contentId !== undefined),
        ),
        { numRuns: 150, seed: tv ? 11 : 12 },
      );
      // Ids as URIs (the sheet arbitrary's free ids like `2:9` are not xs:anyURI; refusing those is tested above).
      const ID_KEYS = [
        'alid',
        'contentId',
        'availId',
        'titleId',
        'editId',
        'seasonContentId',
        'seriesContentId',
        'episodeContentId',
      ];
      const avails = list.map(
        (a, i) =>
          Object.fromEntries(
            Object.entries({ ...a, row: i + 1 }).map(([k, v]) => [k, ID_KEYS.includes(k) ? `urn:x:${v}` : v]),
          ) as unknown as Avail,
      );
      const xml = writeAvailsXml(avails);
      if (validated++ < 2) expect((await validateXml(xml, 'avails-2.5')).errors).toEqual([]);
      const back = readAvailsXml(xml);
      expect(back.issues).toEqual([]);
      // What the document form adds: the ALID and the asset's content id stand in for each other
      // (both are required there), and an avail without a profile is one transaction per profile.
      const expected = avails.flatMap((a) => {
        const work = a.workType.toLowerCase();
        const key =
          work === 'episode'
            ? 'episodeContentId'
            : work === 'season'
              ? 'seasonContentId'
              : work === 'series'
                ? 'seriesContentId'
                : 'contentId';
        // Fields of a narrower work have no place in a season's or series' metadata.
        const base: Record<string, unknown> = { ...a };
        if (work === 'season' || work === 'series') {
          delete base.editId;
          delete base.episodeContentId;
          delete base.episodeNumber;
        }
        if (work === 'series') {
          delete base.seasonContentId;
          delete base.seasonNumber;
        }
        base.alid ??= base[key];
        base[key] ??= base.alid;
        if (a.formatProfile !== undefined) return [base];
        return ['SD', 'HD', 'UHD'].map((formatProfile) => ({
          ...base,
          formatProfile,
          ...(a.availId === undefined ? {} : { availId: `${a.availId}.${formatProfile}` }),
        }));
      });
      expect(back.avails.map((a) => ({ ...a, row: 0 }))).toEqual(expected.map((a) => ({ ...a, row: 0 })));
    }
  }, 120_000);
});

describe('Avails XML in', () => {
  it('reads MovieLabs’ own Avails 2.5 sample', () => {
    const { avails, issues } = readAvailsXml(sample('TPT-test_v1.9_v2.5.xml'), { source: 'TPT-test_v1.9_v2.5.xml' });
    expect(issues).toEqual([]);
    expect(avails).toHaveLength(3);
    expect(avails.map((a) => [a.licensor, a.title, a.licenseType, a.formatProfile, a.territories])).toEqual([
      ['NBCUniveral', 'CATS', 'EST', 'UHD', ['US']],
      ['NBCUniveral', 'CATS', 'EST', 'HD', ['US']],
      ['NBCUniveral', 'CATS', 'EST', 'SD', ['US']],
    ]);
    // Zone-less T00:00:00 starts and T23:59:59 ends are local days: 25 to 31 October, both included.
    expect(avails[0]).toMatchObject({ start: { date: '2019-10-25' }, end: { date: '2019-10-31' }, alid: '02485' });
  });

  it('reads the v2.4 samples: TV structures, languages, open ends; names what it cannot read', () => {
    const { avails, issues } = readAvailsXml(sample('Avails_noErrors_v2.4.xml'), { source: 'noErrors' });
    expect(avails.length).toBeGreaterThan(10);
    expect(avails.some((a) => a.workType === 'Episode' && a.seasonContentId !== undefined)).toBe(true);
    expect(avails.some((a) => a.allowedLanguages.includes('es-419'))).toBe(true);
    expect(avails.some((a) => 'condition' in a.end && a.end.condition === 'Open')).toBe(true);
    // The sample starts some avails at a zone-less 23:59:59: the model has no local time of day.
    for (const issue of issues) expect(issue.message).toMatch(/Transaction at line \d+/);
    expect(issues.some((i) => i.column === 'Start' && /no zone offset/.test(i.message))).toBe(true);
    const volume = readAvailsXml(sample('Avails_Volume_no-err_v2.4.xml'));
    expect(volume.avails.length + volume.issues.length).toBeGreaterThan(0);
  });

  it('refuses documents that are not Avails, with a DOCTYPE, or too many transactions', () => {
    expect(() => readAvailsXml('<x:AvailList xmlns:x="urn:other"/>', { source: 'other.xml' })).toThrow(
      /other\.xml: the root <AvailList> is not in an Avails 2\.x namespace/,
    );
    expect(() =>
      readAvailsXml(
        '<!DOCTYPE a [<!ENTITY x "y">]><a:AvailList xmlns:a="http://www.movielabs.com/schema/avails/v2.5/avails"/>',
      ),
    ).toThrow(FramewiseError);
    const many = `<a:AvailList xmlns:a="http://www.movielabs.com/schema/avails/v2.5/avails"><a:Avail>${'<a:Transaction/>'.repeat(5)}</a:Avail></a:AvailList>`;
    expect(() => readAvailsXml(many, { maxTransactions: 4 })).toThrow(/more than 4 transactions/);
    expect(() => readAvailsXml(many, { maxTransactions: 0 })).toThrow(/INVALID_CONFIG|options/);
  });

  it('never throws anything but a FramewiseError on mutated documents', () => {
    const base = sample('TPT-test_v1.9_v2.5.xml');
    fc.assert(
      fc.property(fc.nat(base.length - 1), fc.nat(base.length), fc.string({ maxLength: 12 }), (at, len, insert) => {
        const doc = base.slice(0, at) + insert + base.slice(Math.min(base.length, at + (len % 40)));
        try {
          readAvailsXml(doc);
        } catch (error) {
          expect(error).toBeInstanceOf(FramewiseError);
        }
      }),
      { numRuns: 400, seed: 7 },
    );
  });
});
