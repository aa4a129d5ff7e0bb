import type { ContentKey } from '@framewise/core/transcode';

/** The CPIX namespace (DASH-IF Content Protection Information Exchange). */
export const CPIX_NS = 'urn:dashif:org:cpix';
/** The PSKC namespace (RFC 6030) of `<pskc:Secret>`. */
export const PSKC_NS = 'urn:ietf:params:xml:ns:keyprov:pskc';
/** The CPIX version Framewise writes. */
export const CPIX_VERSION = '2.3';

/** A content key of a CPIX document: the key id, and the key itself unless the document is a key request. */
export interface CpixContentKey {
  /** Key id, 32 lowercase hex digits (written as a UUID). */
  readonly kid: string;
  /** The key (its `key` never serialised by logs); absent in a request for keys. */
  readonly value?: ContentKey;
  /** `commonEncryptionScheme`: `cenc`, `cbcs`, `cens` or `cbc1`. */
  readonly commonEncryptionScheme?: string;
  /** `explicitIV`, hex. */
  readonly explicitIv?: string;
}

/** HLS signalling data of a DRM system for a key (the `#EXT-X-KEY` / `#EXT-X-SESSION-KEY` line). */
export interface CpixHlsSignaling {
  /** The master playlist's `#EXT-X-SESSION-KEY` line. */
  readonly master?: string;
  /** The media playlists' `#EXT-X-KEY` line. */
  readonly media?: string;
}

/** DRM system signalling for one key and one system. */
export interface CpixDrmSystem {
  /** Key id, 32 hex digits. */
  readonly kid: string;
  /** DRM system id, lowercase UUID. */
  readonly systemId: string;
  /** The whole `pssh` box. */
  readonly pssh?: Uint8Array;
  /** The XML children of the DASH `ContentProtection` element for this system (e.g. `<cenc:pssh>…</cenc:pssh>`). */
  readonly contentProtectionData?: string;
  /** The `URI` of `#EXT-X-KEY` (e.g. FairPlay's `skd://…`). */
  readonly uriExtXKey?: string;
  readonly hlsSignalingData?: CpixHlsSignaling;
}

/** A `VideoFilter`. */
export interface CpixVideoFilter {
  readonly minPixels?: number;
  readonly maxPixels?: number;
  readonly hdr?: boolean;
  readonly wcg?: boolean;
  readonly minFps?: number;
  readonly maxFps?: number;
}

/** An `AudioFilter`. */
export interface CpixAudioFilter {
  readonly minChannels?: number;
  readonly maxChannels?: number;
}

/** A `BitrateFilter`. */
export interface CpixBitrateFilter {
  readonly minBitrate?: number;
  readonly maxBitrate?: number;
}

/** Which tracks a content key is for. */
export interface CpixUsageRule {
  readonly kid: string;
  /** `intendedTrackType`, e.g. `SD`, `HD`, `UHD`, `AUDIO`. */
  readonly intendedTrackType?: string;
  readonly labelFilters?: readonly string[];
  readonly videoFilters?: readonly CpixVideoFilter[];
  readonly audioFilters?: readonly CpixAudioFilter[];
  readonly bitrateFilters?: readonly CpixBitrateFilter[];
}

/** A CPIX document: content keys, DRM system signalling and usage rules. */
export interface CpixDocument {
  readonly contentId?: string;
  /** The `version` attribute; {@link CPIX_VERSION} when written. */
  readonly version?: string;
  readonly contentKeys: readonly CpixContentKey[];
  readonly drmSystems: readonly CpixDrmSystem[];
  readonly usageRules: readonly CpixUsageRule[];
}
