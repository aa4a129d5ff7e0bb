import type { DrmSystem, EncryptionScheme } from '../../assets/index.js';
import { FramewiseError } from '../../errors/index.js';
import type { ContentKey } from '../drm/content-key.js';

/** A name Framewise puts into a stream descriptor: no `,` `=` `:` (descriptor syntax), no path climbing. */
const DESCRIPTOR_VALUE = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
/** A segment template: a plain name with Shaka's `$Number$` (optionally `$Number%05d$`). */
const TEMPLATE_VALUE = /^[A-Za-z0-9_][A-Za-z0-9._-]*\$Number(?:%0\d+d)?\$[A-Za-z0-9._-]*$/;
/** DRM labels in `--keys` and `drm_label=`. */
const DRM_LABEL = /^[A-Z0-9_]{1,16}$/;
/** A BCP 47 language tag the way Shaka takes it. */
const LANGUAGE = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/;

/** One input stream of a packager run and what it becomes. */
export interface PackagerStream {
  /** Input file name inside the run's working directory (a plain name). */
  readonly input: string;
  readonly stream: 'video' | 'audio';
  /** Output base name (plain): `<name>.mp4` single file, or `<name>_init.mp4` + `<name>_$Number$.m4s`. */
  readonly name: string;
  /** Which key encrypts it (`SD`, `HD`, `UHD`, `AUDIO`, …). */
  readonly drmLabel?: string;
  /** Audio language (BCP 47). */
  readonly language?: string;
  /** HLS rendition name (audio). */
  readonly hlsName?: string;
  /** Write an I-frame playlist beside the media playlist (video, segmented output). */
  readonly iframes?: boolean;
}

/** The encryption of a packager run. */
export interface PackagerEncryption {
  readonly scheme: EncryptionScheme;
  /** Keys by DRM label. */
  readonly keys: ReadonlyMap<string, ContentKey>;
  /** DRM systems whose PSSH boxes and manifest signalling are written. */
  readonly systems: readonly DrmSystem[];
  /** Seconds at the start left clear (Shaka's own default is 5; Framewise's is 0). */
  readonly clearLeadSeconds: number;
  /**
   * The `skd://` URI of FairPlay's EXT-X-KEY, one for every key; omitted: the packager writes
   * `skd://` plus each key id in base64, so every key gets its own URI.
   */
  readonly fairplayKeyUri?: string;
}

/** A whole packager run. */
export interface PackagerJob {
  readonly streams: readonly PackagerStream[];
  /** `segments` (CMAF init + media segments, HLS + DASH manifests) or `single-file` (one MP4 per stream). */
  readonly layout: 'segments' | 'single-file';
  readonly segmentSeconds: number;
  readonly encryption?: PackagerEncryption;
}

/** The argv of a run and the flags that hold key material (to be passed in a private flag file). */
export interface PackagerArgv {
  readonly args: readonly string[];
  /** `--keys=…` and friends: never on the command line, where any local user could read them. */
  readonly secretFlags: readonly string[];
  /** Every file name the run will write, relative to its working directory (manifests, init segments, single files). */
  readonly outputs: readonly string[];
}

const SYSTEM_FLAG: Readonly<Record<DrmSystem, string>> = {
  widevine: 'Widevine',
  playready: 'PlayReady',
  fairplay: 'FairPlay',
};

function check(value: string, pattern: RegExp, what: string): string {
  if (typeof value !== 'string' || !pattern.test(value) || value.length > 200)
    throw new FramewiseError(
      'INVALID_INPUT',
      `Packaging: ${what} ${JSON.stringify(String(value).slice(0, 80))} is not allowed`,
      {
        details: { what, value: String(value).slice(0, 200) },
      },
    );
  return value;
}

/**
 * The Shaka Packager argv for a job: one stream descriptor per stream, built only from checked
 * plain names (so no value can add a descriptor field or escape the working directory), the
 * segment duration, static (VOD) manifests, and for encryption raw keys per DRM label, the scheme,
 * the protection systems and the clear lead (always passed: Shaka's default is 5 s).
 *
 * @throws `INVALID_INPUT` naming the offending name, label, language or key URI.
 */
export function packagerArgv(job: PackagerJob): PackagerArgv {
  if (job.streams.length === 0)
    throw new FramewiseError('INVALID_INPUT', 'Packaging needs at least one stream', { details: {} });
  if (!(job.segmentSeconds > 0 && job.segmentSeconds <= 60))
    throw new FramewiseError('INVALID_INPUT', `Segment duration ${job.segmentSeconds} s must be in (0, 60]`, {
      details: { segmentSeconds: job.segmentSeconds },
    });
  const args: string[] = [];
  const outputs: string[] = [];
  const names = new Set<string>();
  for (const s of job.streams) {
    check(s.input, DESCRIPTOR_VALUE, 'input name');
    check(s.name, DESCRIPTOR_VALUE, 'output name');
    if (names.has(s.name))
      throw new FramewiseError('INVALID_INPUT', `Packaging: output name ${JSON.stringify(s.name)} used twice`, {
        details: { name: s.name },
      });
    names.add(s.name);
    const fields = [`in=${s.input}`, `stream=${s.stream}`];
    if (job.layout === 'single-file') {
      fields.push(`output=${s.name}.mp4`);
      outputs.push(`${s.name}.mp4`);
    } else {
      const template = check(`${s.name}_$Number$.m4s`, TEMPLATE_VALUE, 'segment template');
      fields.push(`init_segment=${s.name}_init.mp4`, `segment_template=${template}`, `playlist_name=${s.name}.m3u8`);
      outputs.push(`${s.name}_init.mp4`, `${s.name}.m3u8`);
      if (s.stream === 'video' && s.iframes === true) {
        fields.push(`iframe_playlist_name=${s.name}_iframe.m3u8`);
        outputs.push(`${s.name}_iframe.m3u8`);
      }
      if (s.stream === 'audio') fields.push('hls_group_id=audio');
      if (s.hlsName !== undefined) fields.push(`hls_name=${check(s.hlsName, DESCRIPTOR_VALUE, 'HLS name')}`);
    }
    if (s.language !== undefined) fields.push(`language=${check(s.language, LANGUAGE, 'language')}`);
    if (job.encryption !== undefined) {
      if (s.drmLabel === undefined || !job.encryption.keys.has(s.drmLabel))
        throw new FramewiseError(
          'INVALID_INPUT',
          `Packaging: stream ${JSON.stringify(s.name)} has no key (drm label ${JSON.stringify(s.drmLabel)})`,
          {
            details: { name: s.name, drmLabel: s.drmLabel },
          },
        );
      fields.push(`drm_label=${check(s.drmLabel, DRM_LABEL, 'DRM label')}`);
    }
    args.push(fields.join(','));
  }
  args.push('--segment_duration', String(job.segmentSeconds));
  if (job.layout === 'segments') {
    args.push('--generate_static_live_mpd', '--mpd_output', 'manifest.mpd');
    args.push('--hls_master_playlist_output', 'master.m3u8', '--hls_playlist_type', 'VOD');
    outputs.push('manifest.mpd', 'master.m3u8');
  }
  const secretFlags: string[] = [];
  const e = job.encryption;
  if (e !== undefined) {
    if (e.keys.size === 0)
      throw new FramewiseError('INVALID_INPUT', 'Encryption needs at least one key', { details: {} });
    if (!(Number.isFinite(e.clearLeadSeconds) && e.clearLeadSeconds >= 0))
      throw new FramewiseError('INVALID_INPUT', `Clear lead ${e.clearLeadSeconds} s must be 0 or more`, {
        details: { clearLeadSeconds: e.clearLeadSeconds },
      });
    if (e.systems.includes('fairplay')) {
      if (e.scheme !== 'cbcs')
        throw new FramewiseError('INVALID_INPUT', 'FairPlay needs the cbcs scheme', { details: { scheme: e.scheme } });
      if (e.fairplayKeyUri !== undefined && !/^skd:\/\/[A-Za-z0-9._~%/?&=+-]{1,500}$/.test(e.fairplayKeyUri))
        throw new FramewiseError(
          'INVALID_INPUT',
          `FairPlay key URI must be skd://… of URL-safe characters (got ${JSON.stringify(String(e.fairplayKeyUri).slice(0, 80))})`,
          { details: {} },
        );
    }
    const keys = [...e.keys].map(([label, k]) => {
      check(label, DRM_LABEL, 'DRM label');
      return `label=${label}:key_id=${k.kid}:key=${k.key}${k.iv === undefined ? '' : `:iv=${k.iv}`}`;
    });
    args.push(
      '--enable_raw_key_encryption',
      '--protection_scheme',
      e.scheme,
      '--clear_lead',
      String(e.clearLeadSeconds),
    );
    if (e.systems.length > 0) args.push('--protection_systems', e.systems.map((s) => SYSTEM_FLAG[s]).join(','));
    if (e.fairplayKeyUri !== undefined && e.systems.includes('fairplay')) args.push('--hls_key_uri', e.fairplayKeyUri);
    secretFlags.push(`--keys=${keys.join(',')}`);
  }
  return { args, secretFlags, outputs };
}
