import { z } from 'zod';
import { LabelSchema } from './common.js';

/** DRM systems. */
export const DrmSystemSchema = z.enum(['widevine', 'fairplay', 'playready']);

/** A DRM system Framewise signals (`widevine`, `playready`, `fairplay`). */
export type DrmSystem = z.output<typeof DrmSystemSchema>;

/**
 * Common Encryption (ISO/IEC 23001-7) schemes Framewise packages: `cenc` (AES-CTR, full-sample
 * subsample encryption) and `cbcs` (AES-CBC, 1:9 pattern on video, whole blocks on audio).
 */
export const EncryptionSchemeSchema = z.enum(['cenc', 'cbcs']);

/** An encryption scheme (`cenc` or `cbcs`). */
export type EncryptionScheme = z.output<typeof EncryptionSchemeSchema>;

/**
 * The classes of track that get their own content key (DASH-IF IOP "key per track type"):
 * `sd`, `hd`, `uhd` video and `audio`.
 */
export const TrackKeyTypeSchema = z.enum(['sd', 'hd', 'uhd', 'audio']);

/** A track key type (`sd`, `hd`, `uhd`, `audio`). */
export type TrackKeyType = z.output<typeof TrackKeyTypeSchema>;

/** Device classes a policy distinguishes. */
export const DeviceClassSchema = z.enum([
  'secure-hardware',
  'software',
  'mobile',
  'tv',
  'desktop-browser',
  'set-top-box',
  'any',
]);

/** Output restriction for a class of devices: HDCP level and the largest resolution allowed. */
export const OutputRestrictionSchema = z.object({
  deviceClass: DeviceClassSchema,
  /** Minimum HDCP version on the output path, or `none`. */
  hdcp: z.enum(['none', '1.4', '2.2', '2.3']).default('none'),
  /** Largest vertical resolution allowed on this path (e.g. 720 on non-secure paths). */
  maxHeight: z.number().int().positive().optional(),
  allowAnalogOutput: z.boolean().default(false),
  /**
   * Whether this path decrypts in software (`software`: Widevine L3, PlayReady SL2000) or in a
   * hardware trusted environment (`hardware`: Widevine L1, PlayReady SL3000, FairPlay on Apple
   * silicon). A software path's `maxHeight` is the non-secure resolution limit the packaging
   * enforces with a separate key. Default: `software` for `software` and `desktop-browser`,
   * `hardware` otherwise.
   */
  robustness: z.enum(['software', 'hardware']).optional(),
});

/** A device class's output restriction. */
export type OutputRestriction = z.output<typeof OutputRestrictionSchema>;

/** The scheme each DRM system is packaged with; default `cbcs` for all three (one CMAF set for every platform). */
export const DrmSchemesSchema = z
  .object({
    widevine: EncryptionSchemeSchema.default('cbcs'),
    playready: EncryptionSchemeSchema.default('cbcs'),
    /** FairPlay only supports `cbcs`. */
    fairplay: z.literal('cbcs').default('cbcs'),
  })
  .strict();

/**
 * Where the track key types split, by picture height: `sd` up to `sdMaxHeight` lines, `hd` up to
 * `hdMaxHeight`, `uhd` above.
 */
export const TrackKeyBoundariesSchema = z
  .object({
    /** Default 576, or the lowest `maxHeight` of a software path when the policy has one. */
    sdMaxHeight: z.number().int().positive().optional(),
    /** Default 1080. */
    hdMaxHeight: z.number().int().positive().default(1080),
  })
  .strict();

/** The DRM policy of a title: which systems, what security level, which licence server, what outputs. */
export const DrmPolicySchema = z.object({
  systems: z.array(DrmSystemSchema).min(1),
  /** Widevine security level required for full quality (`L1` hardware, `L3` software). */
  widevineSecurityLevel: z.enum(['L1', 'L2', 'L3']).optional(),
  /** PlayReady security level (`SL3000` hardware, `SL2000` software). */
  playreadySecurityLevel: z.enum(['SL150', 'SL2000', 'SL3000']).optional(),
  /** A reference to licence server configuration held by the host (never the secret itself). */
  licenseServerRef: LabelSchema,
  outputRestrictions: z.array(OutputRestrictionSchema).default([]),
  persistentLicenses: z.boolean().default(false),
  /** Scheme per DRM system (default `cbcs` everywhere). */
  schemes: DrmSchemesSchema.default({ widevine: 'cbcs', playready: 'cbcs', fairplay: 'cbcs' }),
  /**
   * `per-track-type` (default): one content key per track key type present (SD, HD, UHD video,
   * audio), so a licence can grant SD to a software path and withhold HD; `single`: one key for
   * every track.
   */
  keys: z.enum(['single', 'per-track-type']).default('per-track-type'),
  /** Where SD, HD and UHD split. */
  trackKeyBoundaries: TrackKeyBoundariesSchema.default({ hdMaxHeight: 1080 }),
});

/** A title's DRM policy. */
export type DrmPolicy = z.output<typeof DrmPolicySchema>;

/** A DRM policy as written by the host (defaults not yet applied). */
export type DrmPolicyInput = z.input<typeof DrmPolicySchema>;
