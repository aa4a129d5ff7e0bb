import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isFramewiseError } from '@framewise/core/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ltfsSchemaDir, validateLtfsXml } from '../../test/helpers.js';
import { indexFiles } from './index-model.js';
import { parseLtfsIndex, parseLtfsLabel } from './index-parse.js';
import { writeLtfsIndex } from './index-write.js';

const sample = (name: string) => readFileSync(join(ltfsSchemaDir(), 'samples', name), 'utf8');
const real = (name: string) => sample(join('generated-by-reference-impl', name));

describe('parseLtfsIndex', () => {
  it('reads the index the reference implementation wrote (generation 2, data partition)', () => {
    const index = parseLtfsIndex(real('index.gen2.partition-b.block22.xml'));
    expect(index.generation).toBe(2);
    expect(index.location).toEqual({ partition: 'b', startBlock: 22 });
    expect(index.previousGenerationLocation).toEqual({ partition: 'b', startBlock: 5 });
    expect(index.root.name).toBe('HARBOUR');
    expect(index.highestFileUid).toBe(8);
    const files = Object.fromEntries(indexFiles(index).map((f) => [f.path, f]));
    // tape-layout.txt: the .mxf is blocks 7..12 then 17..20 (appended later).
    expect(files['HL/HL_S01E01_TX1.mxf']?.extents).toEqual([
      { fileOffset: 0, partition: 'b', startBlock: 7, byteOffset: 0, byteCount: 3_000_000 },
      { fileOffset: 3_000_000, partition: 'b', startBlock: 17, byteOffset: 0, byteCount: 2_000_000 },
    ]);
    expect(files['HL/HL_S01E01_TX1.mxf']?.xattrs).toEqual([
      { key: 'vam.assetId', value: 'HL-S01E01-TX1', type: 'text' },
    ]);
    expect(files['promo/ADV-000123.mov']?.extents[0]?.startBlock).toBe(14);
    expect(files['HL/EMPTY.flag']?.extents).toEqual([]);
    expect(files['HL/latest.mxf']?.symlink).toBe('HL_S01E01_TX1.mxf');
    expect(Object.keys(files).sort()).toEqual([
      'HL/EMPTY.flag',
      'HL/HL_S01E01_TX1.mxf',
      'HL/HL_S01E01_TX1.xml',
      'HL/latest.mxf',
      'promo/ADV-000123.mov',
    ]);
  });

  it('reads percent-encoded names, base64 xattrs, the placement policy and index-partition files', () => {
    const index = parseLtfsIndex(sample('index-restore-ordering.xml'));
    const paths = indexFiles(index).map((f) => f.path);
    expect(paths).toContain('masters/Mix:Surround.wav');
    expect(index.dataPlacementPolicy).toEqual({ size: 1_048_576, names: ['*.xml'] });
    const xml = indexFiles(index).find((f) => f.path === 'masters/HL_S01E01_TX1.xml');
    expect(xml?.extents[0]?.partition).toBe('a');
    expect(xml?.xattrs[0]).toEqual({
      key: 'vam.note',
      value: 'SEwtUzAxRTAxLVRYMSBzaWRlY2FyIGNoZWNrc3Vt',
      type: 'base64',
    });
  });

  it('refuses the common-mistakes sample (offset time stamp, numeric partition, 0/1 boolean, no highestfileuid)', () => {
    expect(() => parseLtfsIndex(sample('index-common-mistakes.INVALID.xml'))).toThrow(
      expect.objectContaining({ code: 'INTEGRITY', details: expect.objectContaining({ reason: 'index-unreadable' }) }),
    );
  });

  it.each([
    ['a DOCTYPE with an entity', (x: string) => x.replace('<ltfsindex', '<!DOCTYPE x [<!ENTITY e "boom">]><ltfsindex')],
    ['a duplicated fileuid', (x: string) => x.replace('<fileuid>5</fileuid>', '<fileuid>4</fileuid>')],
    ['an extent past the file length', (x: string) => x.replace('<length>54</length>', '<length>53</length>')],
    ['a ".." file name', (x: string) => x.replace('<name>EMPTY.flag</name>', '<name>..</name>')],
    ['a name with "/"', (x: string) => x.replace('<name>EMPTY.flag</name>', '<name>a/b</name>')],
    [
      'two entries with one name',
      (x: string) => x.replace('<name>EMPTY.flag</name>', '<name>HL_S01E01_TX1.xml</name>'),
    ],
    [
      'a fileuid above highestfileuid',
      (x: string) => x.replace('<highestfileuid>8</highestfileuid>', '<highestfileuid>7</highestfileuid>'),
    ],
    ['a truncated document', (x: string) => x.slice(0, x.length / 2)],
    ['a negative start block', (x: string) => x.replace('<startblock>13</startblock>', '<startblock>-13</startblock>')],
  ])('refuses %s with INTEGRITY', (_what, mutate) => {
    const xml = mutate(real('index.gen2.partition-b.block22.xml'));
    expect(() => parseLtfsIndex(xml, 'mutated')).toThrow(expect.objectContaining({ code: 'INTEGRITY' }));
  });

  it('refuses a 3.x index as UNSUPPORTED', () => {
    const xml = real('index.gen2.partition-b.block22.xml').replace('version="2.4.0"', 'version="3.0.0"');
    expect(() => parseLtfsIndex(xml)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
  });

  it('never crashes on mutated input: a typed error or an index', () => {
    const base = real('index.gen2.partition-b.block22.xml');
    fc.assert(
      fc.property(fc.nat(base.length - 1), fc.nat(40), fc.string({ maxLength: 12 }), (at, cut, insert) => {
        const xml = base.slice(0, at) + insert + base.slice(at + cut);
        try {
          parseLtfsIndex(xml);
        } catch (error) {
          expect(isFramewiseError(error)).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('writeLtfsIndex', () => {
  it.each([
    'generated-by-reference-impl/index.gen2.partition-b.block22.xml',
    'generated-by-reference-impl/index.gen1.partition-b.block5.xml',
    'index-restore-ordering.xml',
  ])('round-trips %s and writes a document valid against the LTFS profile (xmllint)', async (name) => {
    const index = parseLtfsIndex(sample(name));
    const xml = writeLtfsIndex(index);
    expect(parseLtfsIndex(xml)).toEqual(index);
    const result = await validateLtfsXml(xml);
    expect(result.valid, result.errors).toBe(true);
  });

  it('percent-encodes names XML cannot carry, and reads them back', async () => {
    const index = parseLtfsIndex(real('index.gen2.partition-b.block22.xml'));
    const file = index.root.directories[0]?.files[0];
    if (file === undefined) throw new Error('sample changed');
    const odd = { ...file, name: 'bell\u0007 & <tab>\t.mxf' };
    const changed = {
      ...index,
      root: {
        ...index.root,
        directories: [{ ...index.root.directories[0], files: [odd] } as never, ...index.root.directories.slice(1)],
      },
    };
    const xml = writeLtfsIndex(changed);
    expect(xml).toContain('percentencoded="true"');
    expect(indexFiles(parseLtfsIndex(xml)).some((f) => f.name === odd.name)).toBe(true);
    expect((await validateLtfsXml(xml)).valid).toBe(true);
  });

  it('the real samples themselves are valid against the profile (the oracle agrees with the parser)', async () => {
    expect((await validateLtfsXml(real('index.gen2.partition-a.block5.xml'))).valid).toBe(true);
    expect((await validateLtfsXml(sample('index-common-mistakes.INVALID.xml'))).valid).toBe(false);
  });
});

describe('parseLtfsLabel', () => {
  it('reads the real partition labels', () => {
    const a = parseLtfsLabel(real('label.partition-a.xml'));
    const b = parseLtfsLabel(real('label.partition-b.xml'));
    expect(a).toMatchObject({
      partition: 'a',
      indexPartition: 'a',
      dataPartition: 'b',
      blockSize: 524_288,
      compression: true,
    });
    expect(b.partition).toBe('b');
    expect(a.volumeUuid).toBe(b.volumeUuid);
  });
});
