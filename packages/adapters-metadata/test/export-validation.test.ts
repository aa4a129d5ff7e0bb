import { validateXml } from '@framewise/test-support';
import { describe, expect, it } from 'vitest';
import { createBxfContentExporter, createBxfScheduleExporter } from '../src/bxf/index.js';
import { createEbuCoreExporter } from '../src/ebucore/index.js';
import { parseXml, type XmlElement } from '../src/xml/parser.js';
import { percentEncodePath } from '../src/xml/uri.js';
import { richDescription } from './fixtures.js';

const fixed = {
  clock: { now: () => Date.parse('2026-11-21T09:30:00Z') },
  newId: () => '7c0e8a52-3d4b-4f6e-9a1c-2b3d4e5f6a70',
};

function all(el: XmlElement, name: string): XmlElement[] {
  return [...(el.name === name ? [el] : []), ...el.children.flatMap((c) => all(c, name))];
}

describe('values the schemas would refuse are refused or normalised on export', () => {
  it('percent-encodes BXF PathName so that "[", "%", "#", spaces and non-ASCII give a valid xs:anyURI', async () => {
    const path = 'file:///playout/Ep [1] 100% #2 été.mxf';
    const encoded = 'file:///playout/Ep%20%5B1%5D%20100%25%20%232%20%C3%A9t%C3%A9.mxf';
    expect(percentEncodePath(path)).toBe(encoded);
    expect(percentEncodePath(encoded)).toBe(encoded); // already encoded: unchanged
    expect(percentEncodePath('file:///a/b%2x.mxf')).toBe('file:///a/b%252x.mxf');
    expect(percentEncodePath('/playout/😀.mxf')).toBe('/playout/%F0%9F%98%80.mxf');
    for (const version of ['2008', '2017', '2022'] as const) {
      const content = await createBxfContentExporter({ version, ...fixed }).write({
        description: richDescription(),
        path,
      });
      expect((await validateXml(content, `bxf-${version}`)).errors).toEqual([]);
      expect(all(parseXml(content).root, 'PathName').map((e) => e.text)).toContain(encoded);
      const schedule = await createBxfScheduleExporter({ version, ...fixed }).write({
        schedule: {
          id: '00000000-0000-4000-8000-000000000999',
          channel: 'ONE',
          rate: { num: 25, den: 1, dropFrame: false },
          zone: 'Europe/London',
          start: '2026-06-01T06:00:00+01:00',
          end: '2026-06-02T06:00:00+01:00',
        },
        events: [
          {
            id: '00000000-0000-4000-8000-000000000001',
            title: 'One',
            kind: 'program',
            start: '2026-06-01T19:00:00Z',
            durationFrames: 750,
            content: { houseNumber: 'HN-1', path },
          },
        ],
      });
      expect((await validateXml(schedule, `bxf-${version}`)).errors).toEqual([]);
    }
  });

  it('refuses impossible dates (2024-02-30) that a pattern check lets through, and accepts 29 February of a leap year', async () => {
    const exporter = createEbuCoreExporter({ clock: fixed.clock });
    for (const bad of ['2024-02-30', '2023-02-29', '2026-13-01', '2026-04-31', '0000-01-01']) {
      const d = richDescription();
      d.rights = [{ ...(d.rights?.[0] ?? {}), start: bad }];
      await expect(exporter.write(d), bad).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(exporter.write(d), bad).rejects.toThrow(/rights\[0\]\.start|not a day of the calendar/);
    }
    const leap = richDescription();
    leap.rights = [{ ...(leap.rights?.[0] ?? {}), start: '2024-02-29' }];
    expect((await validateXml(await exporter.write(leap), 'ebucore-1.10')).errors).toEqual([]);
  });

  it('writes start timecodes in their canonical form, and refuses separators the rate does not have', async () => {
    const exporter = createEbuCoreExporter({ clock: fixed.clock });
    const spaced = richDescription();
    spaced.version = { ...spaced.version, rate: { num: 25, den: 1, dropFrame: false }, startTimecode: ' 10:00:00:00 ' };
    const xml = await exporter.write(spaced);
    expect(xml).toContain('>10:00:00:00</ebucore:timecode>');
    expect(xml).not.toContain(' 10:00:00:00 ');
    expect((await validateXml(xml, 'ebucore-1.10')).errors).toEqual([]);
    const df = richDescription();
    df.version = { ...df.version, rate: { num: 30000, den: 1001, dropFrame: true }, startTimecode: '01;00;00;00' };
    expect(await exporter.write(df)).toContain('>01:00:00;00</ebucore:timecode>');
    const wrong = richDescription();
    wrong.version = { ...wrong.version, rate: { num: 25, den: 1, dropFrame: false }, startTimecode: '10:00:00;00' };
    await expect(exporter.write(wrong)).rejects.toThrow(/description\.version\.startTimecode "10:00:00;00"/);
    await expect(
      createBxfContentExporter(fixed).write({ description: wrong, path: 'file:///a.mxf' }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
