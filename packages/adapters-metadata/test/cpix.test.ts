/**
 * CPIX 2.3 documents: written with the streaming writer and validated by xmllint against the
 * official DASH-IF schema (../shared/schemas/cpix), read back with the safe reader, built from a
 * real encrypted CMAF package (Shaka Packager) whose PSSH boxes they must carry; hostile input
 * gives typed errors; keys never show in errors or serialised objects.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFramewiseError } from '@framewise/core/errors';
import {
  contentKey,
  createLocalKeyProvider,
  DRM_SYSTEM_IDS,
  type LadderOutput,
  packageCmaf,
  probe,
  readProtectionBoxes,
} from '@framewise/core/transcode';
import { ffmpegGenerate, schemaRoot } from '@framewise/test-support';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CpixDocument, cpixFromPackage, readCpix, writeCpix } from '../src/cpix/index.js';

/** xmllint against the official CPIX schema (offline). */
function validateCpix(xml: string): Promise<string[]> {
  const xsd = join(schemaRoot(), 'cpix', 'cpix.xsd');
  return new Promise((resolve, reject) => {
    const child = execFile('xmllint', ['--nonet', '--noout', '--schema', xsd, '-'], (error, _out, stderr) => {
      if (error !== null && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new Error('xmllint is not installed (apt-get install libxml2-utils)'));
        return;
      }
      const lines = stderr.split('\n').filter((l) => l !== '' && !/^- validates$/.test(l));
      resolve(error === null ? [] : lines.length > 0 ? lines : ['xmllint failed']);
    });
    child.stdin?.end(xml);
  });
}

const HD = contentKey('22222222-2222-2222-2222-222222222222', 'fedcba9876543210fedcba9876543210');
const AUDIO = contentKey('33333333333333333333333333333333', '00112233445566778899aabbccddeeff');

const sample: CpixDocument = {
  contentId: 'title <1> & "friends"',
  contentKeys: [
    { kid: HD.kid, value: HD, commonEncryptionScheme: 'cbcs', explicitIv: '000102030405060708090a0b0c0d0e0f' },
    { kid: AUDIO.kid, value: AUDIO, commonEncryptionScheme: 'cbcs' },
  ],
  drmSystems: [
    { kid: HD.kid, systemId: DRM_SYSTEM_IDS.widevine, pssh: new Uint8Array([0, 0, 0, 32, 112, 115, 115, 104]) },
    {
      kid: HD.kid,
      systemId: DRM_SYSTEM_IDS.fairplay,
      uriExtXKey: 'skd://keys.example/hd',
      hlsSignalingData: {
        master: '#EXT-X-SESSION-KEY:METHOD=SAMPLE-AES,URI="skd://keys.example/hd"',
        media: '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://keys.example/hd",KEYFORMAT="com.apple.streamingkeydelivery"',
      },
    },
    { kid: AUDIO.kid, systemId: DRM_SYSTEM_IDS.playready, contentProtectionData: '<mspr:pro>AAAA</mspr:pro>' },
  ],
  usageRules: [
    { kid: HD.kid, intendedTrackType: 'HD', videoFilters: [{ minPixels: 589825, maxPixels: 2073600, hdr: false }] },
    { kid: AUDIO.kid, intendedTrackType: 'AUDIO', audioFilters: [{ maxChannels: 6 }], labelFilters: ['main'] },
  ],
};

describe('CPIX write and read', () => {
  it('writes a document the official schema accepts and reads it back to the same content', async () => {
    const xml = writeCpix(sample);
    expect(await validateCpix(xml)).toEqual([]);
    expect(xml).toContain('xmlns="urn:dashif:org:cpix"');
    expect(xml).toContain('kid="22222222-2222-2222-2222-222222222222"');
    expect(xml).toContain(`<pskc:PlainValue>${Buffer.from(HD.key, 'hex').toString('base64')}</pskc:PlainValue>`);
    const back = readCpix(xml);
    expect(back.contentId).toBe(sample.contentId);
    expect(back.version).toBe('2.3');
    expect(back.contentKeys.map((k) => [k.kid, k.value?.key, k.commonEncryptionScheme, k.explicitIv])).toEqual([
      [HD.kid, HD.key, 'cbcs', '000102030405060708090a0b0c0d0e0f'],
      [AUDIO.kid, AUDIO.key, 'cbcs', undefined],
    ]);
    expect(back.drmSystems).toEqual(sample.drmSystems);
    expect(back.usageRules).toEqual(sample.usageRules);
    // Read keys are ContentKeys: they never serialise.
    expect(JSON.stringify(back)).not.toContain(HD.key);
  });

  it('a key request (no key values) is valid too', async () => {
    const xml = writeCpix({ contentId: 'c', contentKeys: [{ kid: HD.kid }], drmSystems: [], usageRules: [] });
    expect(await validateCpix(xml)).toEqual([]);
    expect(readCpix(xml).contentKeys).toEqual([{ kid: HD.kid }]);
  });

  it('refuses what the schema or CPIX forbids, without putting a key in the error', () => {
    const bad: [string, CpixDocument][] = [
      ['a rule for an unknown key', { ...sample, usageRules: [{ kid: '44444444444444444444444444444444' }] }],
      [
        'a DRM system for an unknown key',
        { ...sample, drmSystems: [{ kid: '44444444444444444444444444444444', systemId: DRM_SYSTEM_IDS.widevine }] },
      ],
      ['a system id that is not a UUID', { ...sample, drmSystems: [{ kid: HD.kid, systemId: 'widevine' }] }],
      [
        'a key listed twice',
        { ...sample, contentKeys: [sample.contentKeys[0], sample.contentKeys[0]] as CpixDocument['contentKeys'] },
      ],
      ['a scheme of five letters', { ...sample, contentKeys: [{ kid: HD.kid, commonEncryptionScheme: 'cbcs1' }] }],
      ['a track type with markup', { ...sample, usageRules: [{ kid: HD.kid, intendedTrackType: '"/><x' }] }],
      ['a negative pixel count', { ...sample, usageRules: [{ kid: HD.kid, videoFilters: [{ minPixels: -1 }] }] }],
      ['a content id XML cannot carry', { ...sample, contentId: 'a\u0001b' }],
    ];
    for (const [what, doc] of bad) {
      const error = (() => {
        try {
          writeCpix(doc);
        } catch (e) {
          return e;
        }
      })();
      expect(isFramewiseError(error, 'INVALID_INPUT'), what).toBe(true);
      expect(JSON.stringify(error) + String((error as Error).message)).not.toContain(HD.key);
    }
  });

  it('reads hostile documents into typed errors: DOCTYPE, another namespace, a 15-byte key, bad base64, encrypted keys, dangling kids', () => {
    const good = writeCpix(sample);
    const cases = [
      `<!DOCTYPE CPIX [<!ENTITY x SYSTEM "file:///etc/passwd">]>${good.replace(/^<\?xml[^>]*>\n/, '')}`,
      good.replace('urn:dashif:org:cpix', 'urn:example:other'),
      good.replace(Buffer.from(HD.key, 'hex').toString('base64'), Buffer.alloc(15, 1).toString('base64')),
      good.replace(Buffer.from(HD.key, 'hex').toString('base64'), '!!!notbase64'),
      good.replace(/<pskc:PlainValue>[^<]*<\/pskc:PlainValue>/, '<pskc:EncryptedValue/>'),
      good.replace('<ContentKeyUsageRule kid="22222222-', '<ContentKeyUsageRule kid="52222222-'),
      good.replace('kid="33333333-3333-3333-3333-333333333333"', 'kid="not-a-uuid"'),
    ];
    for (const xml of cases) {
      const error = (() => {
        try {
          readCpix(xml);
        } catch (e) {
          return e;
        }
      })();
      expect(isFramewiseError(error), xml.slice(0, 200)).toBe(true);
      expect(String((error as Error).message)).not.toContain(HD.key);
    }
  });

  it('fuzz: mutated documents parse or fail with a typed error, never a crash', () => {
    const good = writeCpix(sample);
    fc.assert(
      fc.property(fc.nat(good.length - 1), fc.string({ maxLength: 8 }), fc.nat(8), (at, insert, drop) => {
        const xml = good.slice(0, at) + insert + good.slice(at + drop);
        try {
          readCpix(xml);
        } catch (error) {
          expect(isFramewiseError(error)).toBe(true);
        }
      }),
      { numRuns: 1500 },
    );
  });
});

describe('CPIX of a real encrypted CMAF package', () => {
  let dir = '';
  let output: LadderOutput;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'framewise-cpix-'));
    const path = await ffmpegGenerate(
      join(dir, 'v.mp4'),
      ['testsrc2=size=320x180:rate=25:duration=2'],
      ['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '50', '-pix_fmt', 'yuv420p'],
    );
    const { technical } = await probe(path);
    output = {
      kind: 'video',
      name: 'video-180p',
      path,
      codec: 'h264',
      width: 320,
      height: 180,
      bitRate: 300_000,
      sizeBytes: 0,
      sha256: '',
      md5: '',
      technical,
    };
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('carries each key, its scheme, the PSSH boxes of the init segment, FairPlay signalling and the usage rules; valid', async () => {
    const provider = createLocalKeyProvider();
    const policy = {
      systems: ['widevine', 'playready', 'fairplay'] as ('widevine' | 'playready' | 'fairplay')[],
      licenseServerRef: 'lic',
    };
    const pkg = await packageCmaf([output], join(dir, 'pkg'), {
      contentId: 'title-9',
      policy,
      encryption: { scheme: 'cbcs', keyProvider: provider, fairplayKeyUri: 'skd://keys.example/title-9' },
    });
    const keys = await provider.contentKeys({ contentId: 'title-9', trackTypes: ['sd'], scheme: 'cbcs' });
    const doc = await cpixFromPackage(pkg, { keys, policy });
    const xml = writeCpix(doc);
    expect(await validateCpix(xml)).toEqual([]);
    const back = readCpix(xml);
    const sd = keys.get('sd');
    expect(back.contentId).toBe('title-9');
    expect(back.contentKeys.map((k) => [k.kid, k.value?.key, k.commonEncryptionScheme])).toEqual([
      [sd?.kid, sd?.key, 'cbcs'],
    ]);
    const init = readProtectionBoxes(readFileSync(join(pkg.directory, 'video-180p_init.mp4')));
    for (const system of ['widevine', 'playready'] as const) {
      const entry = back.drmSystems.find((s) => s.systemId === DRM_SYSTEM_IDS[system]);
      const inFile = init.pssh.find((p) => p.systemId === DRM_SYSTEM_IDS[system]);
      expect(entry?.pssh && Buffer.from(entry.pssh).equals(Buffer.from(inFile?.box ?? []))).toBe(true);
    }
    const fairplay = back.drmSystems.find((s) => s.systemId === DRM_SYSTEM_IDS.fairplay);
    expect(fairplay?.uriExtXKey).toBe('skd://keys.example/title-9');
    expect(fairplay?.hlsSignalingData?.media).toMatch(
      /^#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd:\/\/keys.example\/title-9"/,
    );
    expect(back.usageRules).toEqual([
      { kid: sd?.kid, intendedTrackType: 'SD', videoFilters: [{ maxPixels: 1024 * 576 }] },
    ]);
  }, 120_000);
});
