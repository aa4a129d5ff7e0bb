import { z } from 'zod';
import { LabelSchema } from './common.js';

/** DRM systems. */
export const DrmSystemSchema = z.enum(['widevine', 'fairplay', 'playready']);

/** Output restriction for a class of devices: HDCP level and the largest resolution allowed. */
export const OutputRestrictionSchema = z.object({
  deviceClass: z.enum(['secure-hardware', 'software', 'mobile', 'tv', 'desktop-browser', 'set-top-box', 'any']),
  /** Minimum HDCP version on the output path, or `none`. */
  hdcp: z.enum(['none', '1.4', '2.2', '2.3']).default('none'),
  /** Largest vertical resolution allowed on this path (e.g. 720 on non-secure paths). */
  maxHeight: z.number().int().positive().optional(),
  allowAnalogOutput: z.boolean().default(false),
});

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
});

/** A title's DRM policy. */
export type DrmPolicy = z.output<typeof DrmPolicySchema>;
