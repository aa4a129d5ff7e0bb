import {
  type DrmPolicy,
  type DrmPolicyInput,
  DrmPolicySchema,
  type DrmSystem,
  type EncryptionScheme,
  type TrackKeyType,
} from '../../assets/index.js';
import { FramewiseError } from '../../errors/index.js';
import { parseInput } from '../../support/index.js';

/** What a track key type is decided from: the kind of track and, for video, its picture size. */
export interface KeyedTrack {
  readonly kind: 'video' | 'audio';
  readonly width?: number;
  readonly height?: number;
}

/** The pixel count of a 16:9 picture of `height` lines (576 → 1024×576, 1080 → 1920×1080). */
export function pixelsAtHeight(height: number): number {
  return Math.round((height * 16) / 9) * height;
}

/** Default top of the SD key class, in lines. */
export const DEFAULT_SD_MAX_HEIGHT = 576;

/**
 * The height at which SD ends for a policy: `trackKeyBoundaries.sdMaxHeight` when set, else the
 * lowest `maxHeight` of a software (non-secure) output path, else 576. So a policy that lets
 * software paths play up to 720 lines keys 720p with the SD key and 1080p with the HD key, and a
 * licence server can withhold the HD key from an L3 device.
 */
export function sdMaxHeight(policy: DrmPolicy): number {
  if (policy.trackKeyBoundaries.sdMaxHeight !== undefined) return policy.trackKeyBoundaries.sdMaxHeight;
  const software = policy.outputRestrictions
    .filter(
      (r) =>
        (r.robustness ??
          (r.deviceClass === 'software' || r.deviceClass === 'desktop-browser' ? 'software' : 'hardware')) ===
        'software',
    )
    .map((r) => r.maxHeight)
    .filter((h): h is number => h !== undefined);
  return software.length > 0 ? Math.min(...software) : DEFAULT_SD_MAX_HEIGHT;
}

/** Video pixel ranges of the key classes for a policy (inclusive), as CPIX `VideoFilter` uses them. */
export interface PixelRange {
  readonly minPixels?: number;
  readonly maxPixels?: number;
}

/** The pixel range of each video key class under a policy. */
export function videoKeyRanges(policy: DrmPolicy): Readonly<Record<'sd' | 'hd' | 'uhd', PixelRange>> {
  const sd = pixelsAtHeight(sdMaxHeight(policy));
  const hd = pixelsAtHeight(Math.max(policy.trackKeyBoundaries.hdMaxHeight, sdMaxHeight(policy)));
  return { sd: { maxPixels: sd }, hd: { minPixels: sd + 1, maxPixels: hd }, uhd: { minPixels: hd + 1 } };
}

/**
 * The track key type of a track under a policy: `audio` for audio; for video, by its pixel count
 * (width × height) against {@link videoKeyRanges}, so the classes are exactly the CPIX usage
 * rules exported for them.
 *
 * @throws `INVALID_INPUT` for a video track without a picture size.
 */
export function trackKeyType(track: KeyedTrack, policy: DrmPolicy): TrackKeyType {
  if (track.kind === 'audio') return 'audio';
  const { width, height } = track;
  if (width === undefined || height === undefined || !(width > 0) || !(height > 0))
    throw new FramewiseError('INVALID_INPUT', 'A video track needs its width and height to be given a key', {
      details: { width, height },
    });
  const pixels = width * height;
  const ranges = videoKeyRanges(policy);
  if (pixels <= (ranges.sd.maxPixels ?? 0)) return 'sd';
  if (pixels <= (ranges.hd.maxPixels ?? 0)) return 'hd';
  return 'uhd';
}

/**
 * Which key each track gets: its track key type under a `per-track-type` policy; under a
 * `single`-key policy every track shares one key, requested as type `hd` (or `audio` for an
 * audio-only package).
 */
export function assignTrackKeys<T extends KeyedTrack>(tracks: readonly T[], policy: DrmPolicy): TrackKeyType[] {
  if (policy.keys === 'single') {
    const shared: TrackKeyType = tracks.some((t) => t.kind === 'video') ? 'hd' : 'audio';
    return tracks.map(() => shared);
  }
  return tracks.map((t) => trackKeyType(t, policy));
}

/**
 * The DRM systems of a policy grouped by the scheme they are packaged with: one encrypted CMAF
 * set per scheme (usually one, `cbcs`, for all three).
 */
export function systemsByScheme(policy: DrmPolicy): ReadonlyMap<EncryptionScheme, readonly DrmSystem[]> {
  const out = new Map<EncryptionScheme, DrmSystem[]>();
  for (const system of policy.systems) {
    const scheme = policy.schemes[system];
    if (system === 'fairplay' && scheme !== 'cbcs')
      throw new FramewiseError('INVALID_INPUT', 'FairPlay supports only the cbcs scheme', { details: { scheme } });
    out.set(scheme, [...(out.get(scheme) ?? []), system]);
  }
  return out;
}

/** Parse a host's DRM policy (defaults applied). @throws `INVALID_INPUT` naming the field. */
export function parseDrmPolicy(input: DrmPolicyInput): DrmPolicy {
  return parseInput(DrmPolicySchema, input, 'DRM policy');
}

/** A CPIX-style content key usage rule: which tracks a key type's key is for. */
export interface KeyUsageRule {
  readonly trackType: TrackKeyType;
  /** For video key types: the pixel range of the pictures it protects. */
  readonly video?: PixelRange;
  /** For audio: every channel count. */
  readonly audio?: { readonly minChannels?: number; readonly maxChannels?: number };
}

/**
 * The usage rules of a policy for the track key types in use, in the order SD, HD, UHD, audio:
 * exported into CPIX `ContentKeyUsageRule`s (`intendedTrackType` plus a `VideoFilter` with the
 * pixel range, or an `AudioFilter`).
 */
export function keyUsageRules(policy: DrmPolicy, types: Iterable<TrackKeyType>): KeyUsageRule[] {
  const used = new Set(types);
  const ranges = videoKeyRanges(policy);
  const out: KeyUsageRule[] = [];
  if (policy.keys === 'single') {
    // One key protects every track: its rule names no filter (CPIX: the key applies to all tracks).
    for (const t of used) out.push({ trackType: t });
    return out;
  }
  for (const t of ['sd', 'hd', 'uhd'] as const) if (used.has(t)) out.push({ trackType: t, video: ranges[t] });
  if (used.has('audio')) out.push({ trackType: 'audio', audio: {} });
  return out;
}
