import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isFramewiseError } from '@framewise/core/errors';
import { describe, expect, it } from 'vitest';
import {
  createEbuCoreExporter,
  createEbuCoreImporter,
  readEbuCore,
  readEbuCoreDocument,
  readEbuCoreTechnical,
} from '../src/ebucore/index.js';
import { richDescription } from './fixtures.js';

const SHARED = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'schemas', 'ebucore', 'samples');
const RECORDED = join(import.meta.dirname, 'fixtures', 'mediainfo');
const ids = { assetId: 'asset-1', versionId: 'version-1' };

describe('EBUCore from other producers', () => {
  const sample = readFileSync(join(SHARED, 'minimal-video-asset.xml'));

  it('reads the shared Programme sample: unknown labels kept through the vocabularies, not refused', () => {
    const { description: d, producer, unmapped } = readEbuCoreDocument(sample, { ...ids, source: 'sample.xml' });
    expect(producer).toBe('other');
    expect(d.asset.kind).toBe('other');
    expect(unmapped).toEqual([
      { vocabulary: 'objectType', label: 'Programme', readAs: 'other' },
      { vocabulary: 'identifier', label: 'assetId', readAs: 'other' },
    ]);
    expect(d.asset.externalIds).toEqual([
      { scheme: 'other', namespace: 'assetId', value: 'urn:uuid:3f6c2a5e-9d1b-4c7e-8a2f-1b2c3d4e5f60' },
      { scheme: 'house', value: 'HL-S01E01-TX1' },
    ]);
    expect(d.asset.titles).toEqual([{ language: 'en', value: 'Harbour Lights - Episode 1', kind: 'main' }]);
    expect(d.version).toMatchObject({
      rate: { num: 25, den: 1, dropFrame: false },
      startTimecode: '10:00:00:00',
      durationFrames: 78_000,
    });
    // Not read as MediaInfo output: the codec is the document's codec name, not "hd 1080i25".
    expect(d.version.essence).toMatchObject({
      container: 'mxf',
      operationalPattern: 'OP1a',
      video: [{ codec: 'mpeg2video', profile: '422P', level: 'HL', width: 1920, height: 1080 }],
      audio: [
        { codec: 'pcm_s24le', channels: 2, layout: 'stereo', language: 'en' },
        { codec: 'pcm_s24le', channels: 6, layout: '5.1' },
      ],
    });
    expect(d.parts.map((p) => [p.title, p.start, p.duration])).toEqual([
      ['Part 1', 0, 39_250],
      ['Part 2', 39_250, 38_750],
    ]);
    expect(d.rights[0]).toMatchObject({
      territories: ['GB', 'IE'],
      start: '2024-06-01',
      end: '2026-05-31',
      cleared: true,
    });
  });

  it("maps labels through the host's vocabulary first", () => {
    const importer = createEbuCoreImporter({
      ...ids,
      vocabularies: { objectType: { programme: 'episode' }, identifier: { AssetID: 'house' } },
    });
    const d = importer.read(sample);
    expect(d.asset.kind).toBe('episode');
    expect(d.asset.externalIds.map((i) => i.scheme)).toEqual(['house', 'house']);
  });

  it('keeps unknown roles, version kinds and related kinds as other', () => {
    const xml = sample
      .toString()
      .replace(
        '<ebucore:type>',
        '<ebucore:contributor><ebucore:contactDetails><ebucore:name>Ann Smith</ebucore:name></ebucore:contactDetails><ebucore:role typeLabel="Lighting Cameraman"/></ebucore:contributor><ebucore:contributor><ebucore:contactDetails><ebucore:name>Bo Li</ebucore:name></ebucore:contactDetails><ebucore:role typeLabel="Executive Producer"/></ebucore:contributor><ebucore:type>',
      );
    const { description: d, unmapped } = readEbuCoreDocument(xml, ids);
    expect(d.asset.credits.map((c) => [c.name, c.role])).toEqual([
      ['Ann Smith', 'other'],
      ['Bo Li', 'executive-producer'],
    ]);
    expect(unmapped).toContainEqual({ vocabulary: 'role', label: 'Lighting Cameraman', readAs: 'other' });
  });

  it('inherits xml:lang from the nearest ancestor', () => {
    const xml = sample
      .toString()
      .replace('version="1.10"', 'version="1.10" xml:lang="fr"')
      .replace('<dc:title xml:lang="en">Harbour Lights - Episode 1</dc:title>', '<dc:title>Les Feux du port</dc:title>')
      .replace(
        '<ebucore:type>',
        '<ebucore:alternativeTitle xml:lang="de"><dc:title>Hafenlichter</dc:title></ebucore:alternativeTitle><ebucore:description typeLabel="short"><dc:description>Un port.</dc:description></ebucore:description><ebucore:type>',
      );
    const d = readEbuCore(xml, ids);
    expect(d.asset.titles.map((t) => [t.language, t.value])).toEqual([
      ['fr', 'Les Feux du port'],
      ['de', 'Hafenlichter'],
    ]);
    expect(d.asset.synopses).toEqual([{ language: 'fr', value: 'Un port.', length: 'short' }]);
  });

  it('titles a document without a title by its file name', () => {
    const xml = sample.toString().replace(/<ebucore:title>[\s\S]*?<\/ebucore:title>/, '');
    expect(readEbuCore(xml, ids).asset.titles).toEqual([{ language: 'und', value: 'HL_S01E01_TX1.mxf', kind: 'main' }]);
  });

  it.each([
    ['1.5', 'urn:ebu:metadata-schema:ebuCore_2014'],
    ['1.6', 'urn:ebu:metadata-schema:ebuCore_2015'],
  ])('reads the EBUCore %s namespace', (_, ns) => {
    const xml = sample.toString().replace('xmlns:ebucore="urn:ebu:metadata-schema:ebucore"', `xmlns:ebucore="${ns}"`);
    expect(readEbuCore(xml, ids).asset.titles[0]?.value).toBe('Harbour Lights - Episode 1');
  });

  it('still refuses another root or namespace with a typed error', () => {
    const xml = sample
      .toString()
      .replace('xmlns:ebucore="urn:ebu:metadata-schema:ebucore"', 'xmlns:ebucore="urn:example:not-ebucore"');
    let error: unknown;
    try {
      readEbuCore(xml, ids);
    } catch (e) {
      error = e;
    }
    expect(isFramewiseError(error, 'INVALID_INPUT')).toBe(true);
  });
});

describe('EBUCore from MediaInfo (recorded 23.04 output for files made with ffmpeg lavfi)', () => {
  const files = readdirSync(RECORDED).filter((f) => f.endsWith('.xml'));
  const load = (name: string) => readFileSync(join(RECORDED, name));

  it('has the recorded outputs', () => {
    expect(files.length).toBeGreaterThanOrEqual(7);
  });

  it.each([
    ['xdcam.mxf.ebucore.xml', 'mxf', 'mpeg2video', { num: 25, den: 1, dropFrame: false }],
    ['prores.mov.ebucore.xml', 'mov', 'prores', { num: 30000, den: 1001, dropFrame: true }],
    ['h264.mp4.ebucore.xml', 'mp4', 'h264', { num: 25, den: 1, dropFrame: false }],
  ])('reads %s as a description titled by its file name', (name, container, codec, rate) => {
    const { description: d, producer } = readEbuCoreDocument(load(name), { ...ids, source: name });
    expect(producer).toBe('mediainfo');
    expect(d.asset.titles[0]?.value).toMatch(/^[a-z0-9]+\.(mxf|mov|mp4|ts)$/);
    expect(d.version.rate).toEqual(rate);
    expect(d.version.durationFrames).toBeGreaterThan(0);
    expect(d.version.essence).toMatchObject({ container, video: [{ codec }] });
  });

  it('reads an MPEG-TS whose output has no frame rate with the rate option, and asks for it without', () => {
    const name = 'h264.ts.ebucore.xml';
    let error: unknown;
    try {
      readEbuCore(load(name), { ...ids, source: name });
    } catch (e) {
      error = e;
    }
    expect(isFramewiseError(error, 'INVALID_INPUT')).toBe(true);
    expect((error as Error).message).toMatch(/h264\.ts\.ebucore\.xml.*pass the rate option/);
    const rate = { num: 25, den: 1, dropFrame: false };
    const d = readEbuCore(load(name), { ...ids, rate });
    expect(d.asset.titles[0]?.value).toBe('h264.ts');
    expect(d.version.durationFrames).toBe(48); // PT1.920S
    expect(d.version.essence).toMatchObject({
      container: 'mpegts',
      video: [{ codec: 'h264', frameRate: rate, profile: 'High', level: '3' }],
    });
  });

  it('reads profiles: AVC profile@level and ProRes', () => {
    expect(readEbuCoreTechnical(load('h264.mp4.ebucore.xml')).essence?.video?.[0]).toMatchObject({
      profile: 'High',
      level: '3',
    });
    expect(readEbuCoreTechnical(load('prores.mov.ebucore.xml')).essence?.video?.[0]?.profile).toMatch(/HQ/);
  });

  it('reads an audio-only WAV with the rate option, and asks for it without', () => {
    let error: unknown;
    try {
      readEbuCore(load('tone.wav.ebucore.xml'), { ...ids, source: 'tone.wav.ebucore.xml' });
    } catch (e) {
      error = e;
    }
    expect(isFramewiseError(error, 'INVALID_INPUT')).toBe(true);
    expect((error as Error).message).toMatch(/tone\.wav\.ebucore\.xml.*pass the rate option/);
    const d = readEbuCore(load('tone.wav.ebucore.xml'), { ...ids, rate: { num: 25, den: 1, dropFrame: false } });
    expect(d.asset.titles[0]?.value).toBe('tone.wav');
    expect(d.version.durationFrames).toBe(50);
    expect(d.version.essence).toMatchObject({
      container: 'wav',
      video: [],
      audio: [{ codec: 'pcm_s24le', channels: 2 }],
    });
  });

  it.each(['xdcam.mxf.ebucore-1.5.xml', 'xdcam.mxf.ebucore-1.6.xml'])('reads MediaInfo legacy output %s', (name) => {
    const xml = load(name);
    const t = readEbuCoreTechnical(xml, { source: name });
    expect(t.essence).toMatchObject({ container: 'mxf', video: [{ codec: 'mpeg2video' }] });
    expect(readEbuCoreDocument(xml, ids).producer).toBe('mediainfo');
  });
});

describe('EBUCore export validation', () => {
  const exporter = createEbuCoreExporter({ clock: { now: () => Date.parse('2026-11-21T09:30:00Z') } });

  it('refuses an essence start timecode that is not one at its rate, naming the field', async () => {
    // The fixture is 29.97 drop-frame: a frame number past 29, a label drop-frame skips, no frames.
    for (const bad of ['01:00:00;30', '01:01:00;00', '01:00', 'x']) {
      const input = richDescription();
      input.version.essence = {
        ...(input.version.essence as object),
        startTimecode: bad,
      } as typeof input.version.essence;
      await expect(exporter.write(input), bad).rejects.toThrow(/description\.version\.essence\.startTimecode/);
    }
  });

  it('writes an essence start timecode in its canonical form', async () => {
    const input = richDescription();
    input.version.essence = {
      ...(input.version.essence as object),
      startTimecode: ' 01:00:00.00 ',
    } as typeof input.version.essence;
    expect(await exporter.write(input)).toContain(
      '<ebucore:technicalAttributeString typeLabel="EssenceStartTimecode">01:00:00;00<',
    );
  });
});
