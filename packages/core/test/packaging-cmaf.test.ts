/**
 * OTT packaging on Shaka Packager (the real binary of the `shaka-packager` npm package): one CMAF
 * set for HLS and DASH, clear and encrypted (cenc, cbcs) with per-track-type keys. Checked against
 * independent oracles: ffmpeg decrypts the single-file twins with `-decryption_key` to frames whose
 * framemd5 equals the clear twin's (a wrong key does not); hls-parser and mpd-parser read the
 * manifests; codem-isoboxer parses the PSSH boxes (in the init segments and in `cenc:pssh`).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ffmpegGenerate } from '@framewise/test-support';
import ISOBoxer from 'codem-isoboxer';
import HLS from 'hls-parser';
import { parse as parseMpd } from 'mpd-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrmPolicyInput } from '../src/assets/index.js';
import { isFramewiseError } from '../src/errors/index.js';
import {
  type CmafProgress,
  contentKey,
  createLocalKeyProvider,
  DRM_SYSTEM_IDS,
  kidToUuid,
  type LadderOutput,
  packageCmaf,
  planLadder,
  probe,
  readProtectionBoxes,
  runLadder,
} from '../src/transcode/index.js';

const run = promisify(execFile);

/** A 16-byte id as codem-isoboxer gives it (an array of bytes, or a string), as 32 hex digits. */
const hexOf = (value: unknown): string =>
  Array.isArray(value) || value instanceof Uint8Array
    ? Buffer.from(value as number[]).toString('hex')
    : String(value).replace(/-/g, '').toLowerCase();

/** Parse bytes with codem-isoboxer (an independent MP4 parser). */
const isoParse = (bytes: Uint8Array) =>
  ISOBoxer.parseBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));

let dir = '';
let outputs: readonly LadderOutput[] = [];
let segmentSeconds = 2;

/** 180p is HD and 90p SD under this policy (SD up to 120 lines), audio its own key. */
const policy: DrmPolicyInput = {
  systems: ['widevine', 'playready', 'fairplay'],
  licenseServerRef: 'test-licences',
  trackKeyBoundaries: { sdMaxHeight: 120 },
};
const KEYS = {
  sd: { kid: '11111111111111111111111111111111', key: '0123456789abcdef0123456789abcdef' },
  hd: { kid: '22222222222222222222222222222222', key: 'fedcba9876543210fedcba9876543210' },
  audio: { kid: '33333333333333333333333333333333', key: '00112233445566778899aabbccddeeff' },
} as const;
const provider = () => createLocalKeyProvider({ keys: KEYS, fixedOnly: true });

/** framemd5 of one stream of a file (optionally decrypting with a key): the hash lines only. */
async function framemd5(file: string, stream: 'v' | 'a', key?: string): Promise<string[]> {
  const args = ['-hide_banner', '-loglevel', 'error', ...(key ? ['-decryption_key', key] : []), '-i', file];
  const { stdout } = await run('ffmpeg', [...args, '-map', `0:${stream}:0`, '-f', 'framemd5', '-'], {
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  return stdout.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'framewise-cmaf-'));
  const source = await ffmpegGenerate(
    join(dir, 'source.mp4'),
    ['testsrc2=size=320x180:rate=25:duration=4', 'sine=frequency=440:sample_rate=48000:duration=4'],
    [
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-ac',
      '2',
      '-metadata:s:a:0',
      'language=eng',
    ],
  );
  const probed = await probe(source);
  const plan = planLadder(probed.technical, {
    name: 'ott',
    video: [
      { name: 'h264-180p', codec: 'h264', height: 180, bitRate: 300_000 },
      { name: 'h264-90p', codec: 'h264', height: 90, bitRate: 120_000 },
    ],
    audio: [{ name: 'aac-stereo', codec: 'aac', bitRate: 96_000, channels: 2 }],
  });
  segmentSeconds = plan.segmentSeconds;
  ({ outputs } = await runLadder(source, plan, join(dir, 'ladder'), { preset: 'ultrafast', probed }));
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('single-file twins decrypt with ffmpeg to the clear frames', () => {
  for (const scheme of ['cenc', 'cbcs'] as const) {
    it(`${scheme}: every track encrypted from the first sample with its own key; right key → same framemd5, wrong key → different`, async () => {
      const clear = await packageCmaf(outputs, join(dir, `twin-clear-${scheme}`), {
        contentId: 'title-1',
        layout: 'single-file',
        segmentSeconds,
      });
      const enc = await packageCmaf(outputs, join(dir, `twin-${scheme}`), {
        contentId: 'title-1',
        layout: 'single-file',
        segmentSeconds,
        policy,
        encryption: { scheme, keyProvider: provider(), systems: ['widevine', 'playready'] },
      });
      expect(enc.packager).toBe('shaka');
      expect(enc.encryption).toMatchObject({
        scheme,
        clearLeadSeconds: 0,
        kids: { hd: KEYS.hd.kid, sd: KEYS.sd.kid, audio: KEYS.audio.kid },
      });
      expect(enc.tracks.map((t) => [t.name, t.trackType, t.kid])).toEqual([
        ['h264-180p', 'hd', KEYS.hd.kid],
        ['h264-90p', 'sd', KEYS.sd.kid],
        ['aac-stereo', 'audio', KEYS.audio.kid],
      ]);
      for (const t of enc.tracks) {
        const stream = t.kind === 'video' ? 'v' : 'a';
        const key = KEYS[t.trackType as keyof typeof KEYS].key;
        const reference = await framemd5(join(clear.directory, `${t.name}.mp4`), stream);
        expect(reference.length).toBeGreaterThan(t.kind === 'video' ? 90 : 150);
        const decrypted = await framemd5(join(enc.directory, `${t.name}.mp4`), stream, key);
        expect(decrypted).toEqual(reference);
        // A wrong key (another track's) decodes to different frames, from the first one on: nothing left clear.
        const wrong = await framemd5(
          join(enc.directory, `${t.name}.mp4`),
          stream,
          KEYS.hd.key === key ? KEYS.sd.key : KEYS.hd.key,
        );
        expect(wrong).not.toEqual(reference);
        if (t.kind === 'video') expect(wrong[0]).not.toEqual(reference[0]);
        // The file's own boxes: scheme, default KID, pattern (cbcs video 1:9, audio whole blocks).
        const boxes = readProtectionBoxes(readFileSync(join(enc.directory, `${t.name}.mp4`)));
        expect(boxes.sampleEntries).toHaveLength(1);
        const entry = boxes.sampleEntries[0];
        expect(entry).toMatchObject({ scheme, defaultKid: t.kid, isProtected: true });
        if (scheme === 'cbcs')
          expect([entry?.cryptByteBlock, entry?.skipByteBlock]).toEqual(t.kind === 'video' ? [1, 9] : [0, 0]);
      }
    }, 240_000);
  }
});

describe('one CMAF set for HLS and DASH', () => {
  it('clear: HLS master with CODECS, RESOLUTION and I-frame playlists, a static DASH MPD, no protection', async () => {
    const progress: CmafProgress[] = [];
    const pkg = await packageCmaf(outputs, join(dir, 'clear'), {
      contentId: 'title-1',
      segmentSeconds,
      onProgress: (p) => progress.push(p),
    });
    expect(progress.at(-1)?.phase).toBe('done');
    const master = HLS.parse(readFileSync(join(pkg.directory, pkg.hls as string), 'utf8')) as HLS.types.MasterPlaylist;
    const variants = master.variants.filter((v) => !v.isIFrameOnly);
    expect(variants.map((v) => v.resolution?.height).sort()).toEqual([180, 90].sort());
    for (const v of variants) expect(v.codecs).toMatch(/^avc1\.[0-9a-f]{6},mp4a\.40\.2$/i);
    expect(master.variants.filter((v) => v.isIFrameOnly).length).toBe(2);
    const mpdText = readFileSync(join(pkg.directory, pkg.dash as string), 'utf8');
    expect(mpdText).toContain('type="static"');
    expect(mpdText).not.toContain('ContentProtection');
    const mpd = parseMpd(mpdText, { manifestUri: `file://${pkg.directory}/manifest.mpd` });
    expect(mpd.playlists.map((p) => p.attributes.RESOLUTION?.height).sort()).toEqual([180, 90].sort());
    for (const t of pkg.tracks)
      expect(readProtectionBoxes(readFileSync(join(pkg.directory, `${t.name}_init.mp4`))).sampleEntries).toEqual([]);
    expect(existsSync(`${pkg.directory}.partial`)).toBe(false);
  }, 120_000);

  it('cbcs for Widevine, PlayReady and FairPlay: PSSH boxes, cenc:default_KID, cenc:pssh, SAMPLE-AES with skd://', async () => {
    const pkg = await packageCmaf(outputs, join(dir, 'cbcs'), {
      contentId: 'title-1',
      segmentSeconds,
      policy,
      encryption: { scheme: 'cbcs', keyProvider: provider(), fairplayKeyUri: 'skd://keys.example/title-1' },
    });
    expect(pkg.encryption?.systems).toEqual(['widevine', 'playready', 'fairplay']);
    // Init segments: PSSH boxes parsed by an independent MP4 parser, naming the track's own key.
    for (const t of pkg.tracks) {
      const bytes = readFileSync(join(pkg.directory, `${t.name}_init.mp4`));
      const parsed = isoParse(bytes);
      const ids = parsed.fetchAll('pssh').map((p) => hexOf(p.SystemID));
      expect(ids).toContain(DRM_SYSTEM_IDS.widevine.replace(/-/g, ''));
      expect(ids).toContain(DRM_SYSTEM_IDS.playready.replace(/-/g, ''));
      // codem-isoboxer does not descend into sample entries: tenc is read with Framewise's reader
      // (itself checked against boxes written from the spec in protection-boxes.test.ts).
      expect(readProtectionBoxes(bytes).sampleEntries[0]).toMatchObject({ scheme: 'cbcs', defaultKid: t.kid });
    }
    // DASH: ContentProtection per system, default_KID the set's key, cenc:pssh a real pssh box of that system.
    const mpdText = readFileSync(join(pkg.directory, 'manifest.mpd'), 'utf8');
    const protections = [...mpdText.matchAll(/<ContentProtection\b([^>]*?)(?:\/>|>([\s\S]*?)<\/ContentProtection>)/g)];
    const kids = [...mpdText.matchAll(/cenc:default_KID="([^"]+)"/g)].map((m) => m[1]?.toLowerCase());
    for (const k of [KEYS.sd.kid, KEYS.hd.kid, KEYS.audio.kid]) expect(kids).toContain(kidToUuid(k));
    for (const system of ['widevine', 'playready'] as const) {
      const entries = protections.filter((m) =>
        (m[1] ?? '').toLowerCase().includes(`urn:uuid:${DRM_SYSTEM_IDS[system]}`),
      );
      expect(entries.length).toBeGreaterThan(0);
      for (const m of entries) {
        const b64 = /<cenc:pssh>([^<]+)<\/cenc:pssh>/.exec(m[2] ?? '')?.[1];
        expect(b64).toBeDefined();
        const box = Buffer.from(b64 as string, 'base64');
        expect(hexOf(isoParse(box).fetch('pssh')?.SystemID)).toBe(DRM_SYSTEM_IDS[system].replace(/-/g, ''));
        expect(readProtectionBoxes(box).pssh[0]?.systemId).toBe(DRM_SYSTEM_IDS[system]);
      }
    }
    // One mp4protection descriptor per adaptation set, naming the scheme and that set's key (keys differ, so sets do).
    const schemes = protections.filter((m) => (m[1] ?? '').includes('urn:mpeg:dash:mp4protection:2011'));
    expect(schemes.length).toBe(3);
    for (const m of schemes) expect(m[1]).toMatch(/\bvalue="cbcs"/);
    // HLS: every media playlist keyed with SAMPLE-AES; FairPlay by its skd:// URI and key format.
    const master = HLS.parse(readFileSync(join(pkg.directory, 'master.m3u8'), 'utf8')) as HLS.types.MasterPlaylist;
    expect(master.variants.length).toBeGreaterThan(0);
    for (const t of pkg.tracks) {
      const media = readFileSync(join(pkg.directory, `${t.name}.m3u8`), 'utf8');
      const keys = media.split('\n').filter((l) => l.startsWith('#EXT-X-KEY:'));
      expect(keys.length).toBeGreaterThan(0);
      for (const k of keys) expect(k).toContain('METHOD=SAMPLE-AES');
      expect(
        keys.some(
          (k) =>
            k.includes('URI="skd://keys.example/title-1"') && k.includes('KEYFORMAT="com.apple.streamingkeydelivery"'),
        ),
      ).toBe(true);
      expect(keys.some((k) => k.includes(`KEYFORMAT="urn:uuid:${DRM_SYSTEM_IDS.widevine}"`))).toBe(true);
      const playlist = HLS.parse(media) as HLS.types.MediaPlaylist;
      expect(playlist.segments.length).toBeGreaterThan(0);
      expect(playlist.segments[0]?.key?.method).toBe('SAMPLE-AES');
    }
  }, 180_000);
});

describe('failures', () => {
  it('a packager failure is a typed error carrying its log, with no key in it, and nothing left behind', async () => {
    const bad = join(dir, 'bad');
    rmSync(bad, { recursive: true, force: true });
    const broken = join(dir, 'broken.mp4');
    writeFileSync(broken, Buffer.alloc(4096, 7));
    const fake = { ...(outputs[0] as LadderOutput), path: broken };
    const error = await packageCmaf([fake], bad, {
      contentId: 'title-1',
      segmentSeconds,
      policy,
      encryption: { scheme: 'cenc', keyProvider: provider() },
    }).catch((e: unknown) => e);
    expect(isFramewiseError(error)).toBe(true);
    expect(['INVALID_INPUT', 'UNSUPPORTED']).toContain((error as { code: string }).code);
    const log = (error as { details: { log: string } }).details.log;
    expect(log.length).toBeGreaterThan(0);
    const everything = `${(error as Error).message}\n${JSON.stringify(error)}\n${log}`;
    for (const k of Object.values(KEYS)) expect(everything.toLowerCase()).not.toContain(k.key);
    expect(existsSync(bad)).toBe(false);
    expect(existsSync(`${bad}.partial`)).toBe(false);
  }, 60_000);

  it('keys reach the packager only in a private flag file, removed after the run, never on its command line', async () => {
    // A stand-in packager that records what it was given, then fails.
    const fake = join(dir, 'fake-packager.mjs');
    const record = join(dir, 'fake-packager.json');
    writeFileSync(
      fake,
      `#!${process.execPath}
import { readFileSync, statSync, writeFileSync } from 'node:fs';
const flag = process.argv.find((a) => a.startsWith('--flagfile='))?.slice(11);
writeFileSync(${JSON.stringify(record)}, JSON.stringify({ argv: process.argv.slice(2), flag, mode: flag && statSync(flag).mode & 0o777, text: flag && readFileSync(flag, 'utf8') }));
console.error('E0000 fake failure with key ' + ${JSON.stringify(KEYS.hd.key)});
process.exit(3);
`,
      { mode: 0o755 },
    );
    const error = await packageCmaf(outputs, join(dir, 'fake'), {
      contentId: 'title-1',
      segmentSeconds,
      policy,
      packagerPath: fake,
      encryption: { scheme: 'cbcs', keyProvider: provider() },
    }).catch((e: unknown) => e);
    expect(isFramewiseError(error, 'INVALID_INPUT')).toBe(true);
    // The packager's own log is redacted before it is kept.
    expect((error as { details: { log: string } }).details.log).toContain('fake failure with key [redacted]');
    const seen = JSON.parse(readFileSync(record, 'utf8')) as {
      argv: string[];
      flag: string;
      mode: number;
      text: string;
    };
    for (const k of Object.values(KEYS)) {
      expect(seen.argv.join(' ')).not.toContain(k.key);
      expect(seen.text).toContain(`key_id=${k.kid}:key=${k.key}`);
    }
    expect(seen.mode).toBe(0o600);
    expect(existsSync(seen.flag)).toBe(false);
    expect(seen.argv).toContain('--clear_lead');
  });

  it('a key provider without the key a track needs stops before anything is written', async () => {
    const target = join(dir, 'nokey');
    const only = createLocalKeyProvider({ keys: { hd: KEYS.hd }, fixedOnly: true });
    const error = await packageCmaf(outputs, target, {
      contentId: 'title-1',
      segmentSeconds,
      policy,
      encryption: { scheme: 'cenc', keyProvider: only },
    }).catch((e: unknown) => e);
    expect(isFramewiseError(error, 'NOT_FOUND')).toBe(true);
    expect(existsSync(`${target}.partial`)).toBe(false);
  });

  it('a key never serialises', () => {
    const k = contentKey(KEYS.hd.kid, KEYS.hd.key);
    expect(k.key).toBe(KEYS.hd.key);
    expect(JSON.stringify({ k })).not.toContain(KEYS.hd.key);
    expect(String(Object.keys(k))).not.toContain('key,');
  });
});
