import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DrmPolicy, DrmPolicyInput, DrmSystem, EncryptionScheme, TrackKeyType } from '../../assets/index.js';
import { FramewiseError, isFramewiseError } from '../../errors/index.js';
import type { Logger, Tracer } from '../../support/index.js';
import type { ContentKey } from '../drm/content-key.js';
import type { KeyProvider } from '../drm/key-provider.js';
import { assignTrackKeys, parseDrmPolicy } from '../drm/policy.js';
import { assertRegularMediaFile } from '../ffmpeg/media-path.js';
import type { FfmpegTools } from '../ffmpeg/runner.js';
import type { LadderOutput } from '../ladder/execute.js';
import { mediaPlaylistStats } from '../ladder/manifest-hls.js';
import { packageLadder } from '../ladder/package.js';
import { OutputNameSchema } from '../ladder/template.js';
import { type PackagerStream, packagerArgv } from './argv.js';
import { type PackagerTools, resolvePackager } from './binary.js';
import { DRM_SYSTEM_IDS, readProtectionBoxes } from './protection-boxes.js';
import { runPackager } from './run.js';

/** How a CMAF package is encrypted. */
export interface CmafEncryption {
  readonly scheme: EncryptionScheme;
  /** Where the content keys come from (one per track key type, see the policy). */
  readonly keyProvider: KeyProvider;
  /**
   * DRM systems to signal (PSSH boxes, DASH ContentProtection, HLS EXT-X-KEY). Default: the
   * policy's systems that use this scheme, or Widevine and PlayReady (plus FairPlay for `cbcs`
   * when `fairplayKeyUri` is given).
   */
  readonly systems?: readonly DrmSystem[];
  /** Seconds at the start left unencrypted; default 0 (Shaka Packager's own default is 5). */
  readonly clearLeadSeconds?: number;
  /** FairPlay's `skd://` key URI for HLS EXT-X-KEY. */
  readonly fairplayKeyUri?: string;
}

/** Progress of {@link packageCmaf}. */
export interface CmafProgress {
  readonly phase: 'keys' | 'packaging' | 'verifying' | 'done';
  /** Media segments (or single files) written so far. */
  readonly written: number;
  /** Media segments (or single files) expected, estimated from the duration; 0 when unknown. */
  readonly expected: number;
}

/** Options of {@link packageCmaf}. */
export interface CmafPackageOptions extends PackagerTools, FfmpegTools {
  /** The title or package id: the key request's content id (and the CPIX `contentId`). */
  readonly contentId: string;
  /** Segment duration in seconds (match the ladder's GOP); default 2. */
  readonly segmentSeconds?: number;
  /**
   * `segments` (default): one CMAF set, init + media segments per track, serving an HLS master
   * (`master.m3u8`, with I-frame playlists) and a DASH MPD (`manifest.mpd`). `single-file`: one
   * fragmented MP4 per track (an on-demand twin, e.g. for checking decryption with ffmpeg).
   */
  readonly layout?: 'segments' | 'single-file';
  /** Encrypt; omitted: clear. */
  readonly encryption?: CmafEncryption;
  /** The title's DRM policy: decides which track gets which key (default: a key per track type SD/HD/UHD/audio). */
  readonly policy?: DrmPolicyInput;
  /**
   * When no packager binary is found: `none` (default) fails with `INVALID_CONFIG`; `ffmpeg`
   * packages clear output with ffmpeg's HLS and DASH muxers instead (`hls/master.m3u8` and
   * `dash/manifest.mpd`, two segment sets; never for encryption).
   */
  readonly fallback?: 'none' | 'ffmpeg';
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: CmafProgress) => void;
  /** Packager time limit, ms. */
  readonly timeoutMs?: number;
  readonly logger?: Logger;
  readonly tracer?: Tracer;
}

/** One packaged track. */
export interface CmafTrack {
  /** The ladder output's name (also the output base name). */
  readonly name: string;
  readonly kind: 'video' | 'audio';
  /** The files of this track (init segment and playlist, or the single file). */
  readonly files: readonly string[];
  /** Encrypted: its track key type and the key id that encrypts it (never the key). */
  readonly trackType?: TrackKeyType;
  readonly kid?: string;
}

/** What {@link packageCmaf} wrote. */
export interface CmafPackage {
  /** `shaka` or, as a fallback, `ffmpeg`. */
  readonly packager: 'shaka' | 'ffmpeg';
  /** The content id the keys were requested for. */
  readonly contentId: string;
  readonly directory: string;
  /** HLS master playlist, relative to `directory` (segments layout). */
  readonly hls?: string;
  /** DASH MPD, relative to `directory` (segments layout). */
  readonly dash?: string;
  readonly files: readonly string[];
  readonly tracks: readonly CmafTrack[];
  /** The encryption applied (key ids only). */
  readonly encryption?: {
    readonly scheme: EncryptionScheme;
    readonly systems: readonly DrmSystem[];
    readonly clearLeadSeconds: number;
    /** Key id per track key type. */
    readonly kids: Readonly<Partial<Record<TrackKeyType, string>>>;
  };
  /** The packager's log (keys redacted). */
  readonly log: string;
}

const LABEL: Readonly<Record<TrackKeyType, string>> = { sd: 'SD', hd: 'HD', uhd: 'UHD', audio: 'AUDIO' };

function durationSeconds(outputs: readonly LadderOutput[]): number {
  for (const o of outputs) {
    const v = o.technical.video[0];
    const frames = o.technical.durationFrames;
    if (v !== undefined && frames !== undefined && v.frameRate.num > 0)
      return (frames * v.frameRate.den) / v.frameRate.num;
  }
  return 0;
}

function defaultSystems(
  scheme: EncryptionScheme,
  policy: DrmPolicy | undefined,
  fairplayKeyUri: string | undefined,
): DrmSystem[] {
  if (policy !== undefined) return policy.systems.filter((s) => policy.schemes[s] === scheme);
  return scheme === 'cbcs' && fairplayKeyUri !== undefined
    ? ['widevine', 'playready', 'fairplay']
    : ['widevine', 'playready'];
}

/**
 * Package ladder outputs with Shaka Packager into one CMAF set that serves both HLS and DASH
 * (or single-file twins), clear or encrypted with Common Encryption (`cenc` or `cbcs`, pattern
 * 1:9 on video and whole blocks on audio) under per-track-type keys from a {@link KeyProvider}.
 *
 * The packager is spawned directly (argv, never a shell) in a staging directory where the inputs
 * are linked under generated names, so no file or directory name can reach its stream-descriptor
 * syntax. Keys go to the packager in a flag file readable only by this user (never on its
 * command line) and are redacted from its log. The clear lead is 0 unless asked (Shaka's own
 * default is 5 s, which leaves short content entirely clear). After the run every init segment
 * (or single file) is read back: an encrypted track must carry its scheme, its assigned key id
 * and a PSSH box for each requested system with a PSSH (Widevine, PlayReady), and every segment a
 * playlist references must exist. Only then is the staging directory moved to `directory`.
 *
 * @throws `INVALID_CONFIG` when no packager binary is found (and no fallback applies);
 * `INVALID_INPUT` for bad names, languages or options; `INTEGRITY` when the output is not what
 * was asked (an unencrypted track, a wrong key id, a missing segment); the packager's errors
 * from `runPackager` (its log in `details.log`).
 */
export async function packageCmaf(
  outputs: readonly LadderOutput[],
  directory: string,
  options: CmafPackageOptions,
): Promise<CmafPackage> {
  if (outputs.length === 0)
    throw new FramewiseError('INVALID_INPUT', 'Packaging needs at least one ladder output', { details: {} });
  if (typeof options?.contentId !== 'string' || options.contentId.trim() === '' || options.contentId.length > 200)
    throw new FramewiseError('INVALID_INPUT', 'Packaging needs a contentId (1–200 characters)', { details: {} });
  for (const o of outputs)
    if (!OutputNameSchema.safeParse(o.name).success)
      throw new FramewiseError('INVALID_INPUT', `Output name ${JSON.stringify(o.name)} is not a plain file name`, {
        details: { name: o.name },
      });
  const layout = options.layout ?? 'segments';
  const segmentSeconds = options.segmentSeconds ?? 2;
  const e = options.encryption;
  const policy = options.policy === undefined ? undefined : parseDrmPolicy(options.policy);

  let path: string;
  try {
    path = await resolvePackager(options);
  } catch (error) {
    if (
      isFramewiseError(error, 'INVALID_CONFIG') &&
      options.fallback === 'ffmpeg' &&
      e === undefined &&
      layout === 'segments'
    )
      return ffmpegFallback(outputs, directory, options);
    throw error;
  }

  // Keys first: nothing is written when the key server says no.
  options.onProgress?.({ phase: 'keys', written: 0, expected: 0 });
  const effectivePolicy =
    policy ?? parseDrmPolicy({ systems: ['widevine'], licenseServerRef: 'framewise-default', keys: 'per-track-type' });
  const types = e === undefined ? [] : assignTrackKeys(outputs, effectivePolicy);
  let keys = new Map<TrackKeyType, ContentKey>();
  if (e !== undefined) {
    const wanted = [...new Set(types)];
    const got = await e.keyProvider.contentKeys({
      contentId: options.contentId,
      trackTypes: wanted,
      scheme: e.scheme,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    keys = new Map(got);
    for (const t of wanted)
      if (!keys.has(t))
        throw new FramewiseError('NOT_FOUND', `The key provider gave no key for track type "${t}"`, {
          details: { contentId: options.contentId, trackType: t },
        });
  }
  const systems = e === undefined ? [] : [...(e.systems ?? defaultSystems(e.scheme, policy, e.fairplayKeyUri))];
  const clearLeadSeconds = e?.clearLeadSeconds ?? 0;

  const streams: PackagerStream[] = outputs.map((o, i) => ({
    input: `in_${i}${o.kind === 'audio' ? '.m4a' : '.mp4'}`,
    stream: o.kind,
    name: o.name,
    ...(e === undefined ? {} : { drmLabel: LABEL[types[i] as TrackKeyType] }),
    ...(o.kind === 'audio' && o.language !== undefined ? { language: o.language } : {}),
    ...(o.kind === 'audio' ? { hlsName: o.name } : {}),
    ...(o.kind === 'video' ? { iframes: true } : {}),
  }));
  const argv = packagerArgv({
    streams,
    layout,
    segmentSeconds,
    ...(e === undefined
      ? {}
      : {
          encryption: {
            scheme: e.scheme,
            keys: new Map([...keys].map(([t, k]) => [LABEL[t], k])),
            systems,
            clearLeadSeconds,
            ...(e.fairplayKeyUri === undefined ? {} : { fairplayKeyUri: e.fairplayKeyUri }),
          },
        }),
  });

  const staging = `${directory}.partial`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  let secretDir: string | undefined;
  let poll: ReturnType<typeof setInterval> | undefined;
  const expected = Math.ceil(durationSeconds(outputs) / segmentSeconds) * (layout === 'segments' ? outputs.length : 0);
  try {
    for (const [i, o] of outputs.entries()) {
      await assertRegularMediaFile(o.path);
      await symlink(resolve(o.path), join(staging, (streams[i] as PackagerStream).input));
    }
    const args = [...argv.args];
    if (argv.secretFlags.length > 0) {
      secretDir = await mkdtemp(join(tmpdir(), 'framewise-keys-'));
      await chmod(secretDir, 0o700);
      const flagfile = join(secretDir, 'keys.flags');
      await writeFile(flagfile, `${argv.secretFlags.join('\n')}\n`, { mode: 0o600 });
      args.push(`--flagfile=${flagfile}`);
    }
    if (options.onProgress !== undefined) {
      const report = options.onProgress;
      poll = setInterval(() => {
        void readdir(staging).then(
          (names) => report({ phase: 'packaging', written: names.filter((n) => n.endsWith('.m4s')).length, expected }),
          () => undefined,
        );
      }, 500);
      report({ phase: 'packaging', written: 0, expected });
    }
    const { log } = await runPackager(args, {
      packagerPath: path,
      cwd: staging,
      label: `CMAF packaging of "${options.contentId}" into ${JSON.stringify(directory)}`,
      secrets: [...keys.values()].map((k) => k.key),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.tracer ? { tracer: options.tracer } : {}),
    });
    if (poll !== undefined) clearInterval(poll);
    options.onProgress?.({ phase: 'verifying', written: expected, expected });
    for (const s of streams) await rm(join(staging, s.input), { force: true });

    const tracks: CmafTrack[] = [];
    for (const [i, o] of outputs.entries()) {
      const head = layout === 'segments' ? `${o.name}_init.mp4` : `${o.name}.mp4`;
      const own = new Set([head, `${o.name}.m3u8`, `${o.name}_iframe.m3u8`]);
      const files = argv.outputs.filter((f) => own.has(f));
      const bytes = await readFile(join(staging, head)).catch(() => {
        throw new FramewiseError('INTEGRITY', `Packaging into ${JSON.stringify(directory)}: ${head} was not written`, {
          details: { file: head },
        });
      });
      const type = types[i];
      const key = type === undefined ? undefined : keys.get(type);
      checkProtection(bytes, head, key, e?.scheme, systems, directory);
      if (layout === 'segments') await mediaPlaylistStats(staging, `${o.name}.m3u8`);
      tracks.push({
        name: o.name,
        kind: o.kind,
        files,
        ...(type === undefined || key === undefined ? {} : { trackType: type, kid: key.kid }),
      });
    }
    await rm(directory, { recursive: true, force: true });
    await rename(staging, directory);
    options.onProgress?.({ phase: 'done', written: expected, expected });
    return {
      packager: 'shaka',
      contentId: options.contentId,
      directory,
      ...(layout === 'segments' ? { hls: 'master.m3u8', dash: 'manifest.mpd' } : {}),
      files: (await readdir(directory)).sort(),
      tracks,
      ...(e === undefined
        ? {}
        : {
            encryption: {
              scheme: e.scheme,
              systems,
              clearLeadSeconds,
              kids: Object.fromEntries([...keys].map(([t, k]) => [t, k.kid])),
            },
          }),
      log,
    };
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  } finally {
    if (poll !== undefined) clearInterval(poll);
    if (secretDir !== undefined) await rm(secretDir, { recursive: true, force: true });
  }
}

/** Check an init segment (or single file) carries the protection asked for, or none when clear. */
function checkProtection(
  bytes: Uint8Array,
  file: string,
  key: ContentKey | undefined,
  scheme: EncryptionScheme | undefined,
  systems: readonly DrmSystem[],
  directory: string,
): void {
  const found = readProtectionBoxes(bytes);
  const fail = (why: string) =>
    new FramewiseError('INTEGRITY', `Packaging into ${JSON.stringify(directory)}: ${file} ${why}`, {
      details: { file },
    });
  if (key === undefined || scheme === undefined) {
    if (found.sampleEntries.length > 0) throw fail('is encrypted, but clear output was asked');
    return;
  }
  const entry = found.sampleEntries[0];
  if (entry === undefined || !entry.isProtected) throw fail('is not encrypted');
  if (entry.scheme !== scheme) throw fail(`uses scheme ${entry.scheme}, not ${scheme}`);
  if (entry.defaultKid !== key.kid) throw fail(`names key id ${entry.defaultKid}, not the assigned ${key.kid}`);
  for (const s of systems) {
    if (s === 'fairplay') continue; // FairPlay is signalled in HLS only, no PSSH.
    if (!found.pssh.some((p) => p.systemId === DRM_SYSTEM_IDS[s])) throw fail(`has no ${s} PSSH box`);
  }
}

async function ffmpegFallback(
  outputs: readonly LadderOutput[],
  directory: string,
  options: CmafPackageOptions,
): Promise<CmafPackage> {
  const tools = {
    ...(options.ffmpegPath ? { ffmpegPath: options.ffmpegPath } : {}),
    ...(options.ffprobePath ? { ffprobePath: options.ffprobePath } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    segmentSeconds: options.segmentSeconds ?? 2,
  };
  const staging = `${directory}.partial`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    await packageLadder(outputs, 'hls', join(staging, 'hls'), tools);
    await packageLadder(outputs, 'dash', join(staging, 'dash'), tools);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  await rm(directory, { recursive: true, force: true });
  await rename(staging, directory);
  const files = [
    ...(await readdir(join(directory, 'hls'))).map((f) => `hls/${f}`),
    ...(await readdir(join(directory, 'dash'))).map((f) => `dash/${f}`),
  ].sort();
  return {
    packager: 'ffmpeg',
    contentId: options.contentId,
    directory,
    hls: 'hls/master.m3u8',
    dash: 'dash/manifest.mpd',
    files,
    tracks: outputs.map((o) => ({ name: o.name, kind: o.kind, files: [] })),
    log: '',
  };
}
