import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isFramewiseError } from '@framewise/core/errors';
import { AssetDescriptionSchema } from '@framewise/core/interchange';
import { schemaRoot, validateXml } from '@framewise/test-support';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEbuCoreExporter, EBUCORE_VERSIONS, readEbuCore, readEbuCoreTechnical } from '../src/ebucore/index.js';
import { canonical, description, RATES } from './arbitraries.js';
import { richDescription } from './fixtures.js';

const fixed = { now: () => Date.parse('2026-11-21T09:30:00Z') };

describe.each(EBUCORE_VERSIONS)('EBUCore %s', (version) => {
  const exporter = createEbuCoreExporter({ version, clock: fixed });

  it('writes a fully populated description that validates and reads back field for field', async () => {
    const xml = await exporter.write(richDescription());
    expect(await validateXml(xml, `ebucore-${version}`)).toEqual({ valid: true, errors: [] });
    expect(xml).toContain(`version="${version}"`);
    expect(readEbuCore(xml)).toEqual(canonical(richDescription()));
  });

  it('carries HDR10 static metadata, rotation, variable frame rate and alpha through a round trip', async () => {
    const input = richDescription();
    const video = input.version.essence?.video?.[0];
    if (video === undefined) throw new Error('fixture has no video');
    Object.assign(video, {
      colourPrimaries: 'bt2020',
      transfer: 'smpte2084',
      matrix: 'bt2020nc',
      hdrFormat: 'hdr10',
      bitDepth: 10,
      masteringDisplay: {
        red: { x: 0.708, y: 0.292 },
        green: { x: 0.17, y: 0.797 },
        blue: { x: 0.131, y: 0.046 },
        whitePoint: { x: 0.3127, y: 0.329 },
        minLuminance: 0.0001,
        maxLuminance: 1000,
      },
      contentLightLevel: { maxCll: 1000, maxFall: 400 },
      rotation: 270,
      variableFrameRate: false,
      alpha: true,
    });
    const xml = await exporter.write(input);
    expect((await validateXml(xml, `ebucore-${version}`)).errors).toEqual([]);
    expect(readEbuCore(xml)).toEqual(canonical(input));
    video.variableFrameRate = true;
    const vfr = await exporter.write(input);
    expect(readEbuCore(vfr).version.essence?.video[0]?.variableFrameRate).toBe(true);
  });

  it('refuses a malformed MasteringDisplay attribute, naming it', async () => {
    const input = richDescription();
    const video = input.version.essence?.video?.[0];
    if (video === undefined) throw new Error('fixture has no video');
    const xml = (await exporter.write(input)).replace(
      '<ebucore:technicalAttributeString typeLabel="HDRFormat">',
      '<ebucore:technicalAttributeString typeLabel="MasteringDisplay">R(1,2) G(oops)</ebucore:technicalAttributeString><ebucore:technicalAttributeString typeLabel="HDRFormat">',
    );
    expect(() => readEbuCore(xml)).toThrow(/MasteringDisplay "R\(1,2\) G\(oops\)"/);
  });

  it('writes frame rates as an integer with a 1000/1001 factor and timecodes flagged drop-frame', async () => {
    const xml = await exporter.write(richDescription());
    expect(xml).toContain('<ebucore:frameRate factorNumerator="1000" factorDenominator="1001">30</ebucore:frameRate>');
    expect(xml).toMatch(
      /<ebucore:timecode editRate="30" factorNumerator="1000" factorDenominator="1001" dropframe="true">01:00:00;00</,
    );
    // part 2 starts 47 000 frames after 01:00:00;00 at 29.97 drop-frame
    expect(xml).toContain('>01:26:08;08</ebucore:timecode>');
  });

  it('round-trips random descriptions, each valid against the official schema (property)', async () => {
    const docs: { xml: string; input: unknown }[] = [];
    await fc.assert(
      fc.asyncProperty(description, async (input) => {
        const xml = await exporter.write(input);
        expect(readEbuCore(xml)).toEqual(canonical(input));
        docs.push({ xml, input });
      }),
      { numRuns: 60 },
    );
    for (const { xml } of docs.slice(0, 25)) {
      const result = await validateXml(xml, `ebucore-${version}`);
      expect(result.errors).toEqual([]);
    }
  });

  it.each(RATES.map((r) => [`${r.num}/${r.den}${r.dropFrame ? ' DF' : ''}`, r] as const))(
    'parts at %s: valid, and frame-exact after a midnight crossing',
    async (_name, rate) => {
      const input = richDescription();
      const sep = rate.dropFrame ? ';' : ':';
      input.version = {
        ...input.version,
        rate: { ...rate },
        startTimecode: `23:50:00${sep}00`,
        durationFrames: 100_000,
        essence: undefined,
      };
      input.parts = [
        { id: 'a', type: 'segment', start: 0, duration: 1_001 },
        { id: 'b', type: 'segment', start: 12_345, duration: 54_321 },
        { id: 'c', type: 'ad-break', start: 99_999, duration: 0 },
      ];
      const xml = await exporter.write(input);
      expect((await validateXml(xml, `ebucore-${version}`)).errors).toEqual([]);
      expect(readEbuCore(xml).parts).toEqual(canonical(input).parts);
    },
  );
});

describe('EBUCore worst cases', () => {
  const exporter = createEbuCoreExporter({ clock: fixed });

  it('carries markup characters, right-to-left and combining text, and very long strings', async () => {
    const input = richDescription();
    const long = 'Ω&<>"\'\u0301'.repeat(1400);
    input.asset.titles = [
      { language: 'ar', value: 'مرحبا <بالعالم> & "الأصدقاء"', kind: 'main' },
      { language: 'he', value: '\u202Bשלום\u202C e\u0301 𝄞 ]]> --', kind: 'original' },
    ];
    input.asset.synopses = [{ language: 'en', value: long, length: 'long' }];
    const xml = await exporter.write(input);
    for (const version of EBUCORE_VERSIONS) {
      const x = await createEbuCoreExporter({ version, clock: fixed }).write(input);
      expect((await validateXml(x, `ebucore-${version}`)).errors).toEqual([]);
    }
    expect(readEbuCore(xml)).toEqual(canonical(input));
  });

  it('refuses control characters with a typed error naming the field, and writes nothing', async () => {
    const input = richDescription();
    input.version.locations = [{ storage: 'fs', key: 'media/bad\u0007name.mxf' }];
    const chunks: string[] = [];
    const error = await (async () => {
      for await (const chunk of exporter.stream(input)) chunks.push(chunk);
    })().catch((e: unknown) => e);
    expect(isFramewiseError(error, 'INVALID_INPUT')).toBe(true);
    expect((error as Error).message).toContain('description.version.locations[0].key');
    expect((error as Error).message).toContain('U+0007');
    expect(chunks).toEqual([]);
  });

  it('refuses text fields with control characters and lone surrogates', async () => {
    const withControl = richDescription();
    withControl.asset.titles = [{ language: 'en', value: 'Bell\u0001', kind: 'main' }];
    await expect(exporter.write(withControl)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const surrogate = richDescription();
    surrogate.asset.genres = ['half \uD800 pair'];
    await expect(exporter.write(surrogate)).rejects.toThrow(
      /asset\.genres\[0\]: contains an unpaired UTF-16 surrogate/,
    );
  });

  it('reads the same document as bytes and as text', async () => {
    const xml = await exporter.write(richDescription());
    expect(readEbuCore(new TextEncoder().encode(xml))).toEqual(readEbuCore(xml));
  });

  it('streams a description with many parts in bounded chunks', async () => {
    const input = richDescription();
    input.version.durationFrames = 500_000;
    input.parts = Array.from({ length: 5_000 }, (_, i) => ({
      id: `p${i}`,
      type: 'chapter' as const,
      title: `Chapter ${i}`,
      start: i * 100,
      duration: 100,
    }));
    const sizes: number[] = [];
    for await (const chunk of createEbuCoreExporter({ chunkSize: 16 * 1024 }).stream(input)) sizes.push(chunk.length);
    expect(sizes.length).toBeGreaterThan(10);
    expect(Math.max(...sizes)).toBeLessThan(16 * 1024 + 2_000);
  });

  it('refuses an invalid description with the field and the problem', async () => {
    const input = richDescription();
    (input.asset as { titles: unknown[] }).titles = [];
    await expect(exporter.write(input)).rejects.toThrow(/asset\.titles/);
  });
});

describe('EBUCore from MediaInfo (23.04, --Output=EBUCore)', () => {
  const dir = join(schemaRoot(), 'ebucore', 'samples', 'mediainfo-23.04');
  const read = (name: string) => readEbuCoreTechnical(readFileSync(join(dir, name)), { source: name });

  it('finds the recorded samples', () => {
    expect(readdirSync(dir).filter((f) => f.endsWith('.xml')).length).toBeGreaterThanOrEqual(4);
  });

  it('reads H.264/AAC in MP4', () => {
    const t = read('h264-aac-720p25.mp4.ebucore.xml');
    expect(t.rate).toEqual({ num: 25, den: 1, dropFrame: false });
    expect(t.durationFrames).toBe(50);
    expect(t.essence).toMatchObject({
      container: 'mp4',
      sizeBytes: 690_014,
      video: [{ codec: 'h264', width: 1280, height: 720, displayAspectRatio: '16:9', bitRate: 2_677_172 }],
      audio: [{ codec: 'aac', channels: 1, sampleRate: 44_100, index: 2 }],
    });
  });

  it('reads XDCAM HD422 in MXF OP1a with its start timecode', () => {
    const t = read('mpeg2-pcm-1080-25.mxf.ebucore.xml');
    expect(t.startTimecode).toBe('10:00:00:00');
    expect(t.essence).toMatchObject({
      container: 'mxf',
      operationalPattern: 'OP1a',
      video: [
        { codec: 'mpeg2video', chromaSubsampling: '4:2:2', colourRange: 'limited', bitDepth: 8, bitRate: 50_000_000 },
      ],
      audio: [{ codec: 'pcm_s24le', channels: 1, sampleRate: 48_000, bitDepth: 24 }],
    });
  });

  it('reads ProRes 29.97 drop-frame in QuickTime', () => {
    const t = read('prores-pcm51-1080p2997df.mov.ebucore.xml');
    expect(t.rate).toEqual({ num: 30_000, den: 1001, dropFrame: true });
    expect(t.startTimecode).toBe('01:00:00;00');
    expect(t.durationFrames).toBe(60);
    expect(t.essence).toMatchObject({
      container: 'mov',
      video: [{ codec: 'prores', frameRate: { num: 30_000, den: 1001, dropFrame: true } }],
      audio: [{ codec: 'pcm_s24le', channels: 6, layout: '5.1' }],
    });
  });

  it('reads a document that fails its own schema (MediaInfo writes an invalid date) without trusting the date', () => {
    const t = read('mpeg2-pcm-1080-25-nodate.mxf.INVALID.ebucore.xml');
    expect(t.essence?.container).toBe('mxf');
  });

  it('asks for ids to read a third-party document as a description', () => {
    const xml = readFileSync(join(dir, 'h264-aac-720p25.mp4.ebucore.xml'));
    expect(() => readEbuCore(xml, { source: 'mi.xml' })).toThrow(/mi\.xml has no framewise:asset-id/);
  });
});

describe('AssetDescriptionSchema', () => {
  it('applies defaults', () => {
    expect(AssetDescriptionSchema.parse(richDescription()).parts).toHaveLength(3);
  });
});
