import { z } from 'zod';
import { LabelSchema } from '../assets/index.js';

/** How much a finding matters: `fail` blocks a delivery, `warn` needs a look, `info` is for reference. */
export const SeveritySchema = z.enum(['fail', 'warn', 'info']);
/** How much a finding matters. */
export type Severity = z.output<typeof SeveritySchema>;

/** A loudness target (ITU-R BS.1770 measurement). */
export const LoudnessTargetSchema = z.object({
  /** e.g. `EBU R128`. */
  name: LabelSchema,
  /** Target integrated loudness in LUFS (LKFS). */
  integrated: z.number().min(-70).max(0),
  /** Allowed deviation of the integrated loudness, ± LU. */
  tolerance: z.number().min(0).max(10),
  /** Maximum true peak, dBTP. */
  truePeakMax: z.number().min(-30).max(3),
  /** Maximum loudness range, LU (not checked when absent). */
  rangeMax: z.number().positive().max(50).optional(),
  /**
   * Momentary loudness more than this many LU above the target, for at least `loudSegmentSeconds`,
   * is reported as a loud segment with its time range (default 5 LU; `false` turns it off).
   */
  loudSegmentAbove: z.union([z.number().positive().max(30), z.literal(false)]).default(5),
  loudSegmentSeconds: z.number().positive().max(60).default(1),
  severity: SeveritySchema.default('fail'),
});
/** A loudness target as written. */
export type LoudnessTargetInput = z.input<typeof LoudnessTargetSchema>;
/** A loudness target. */
export type LoudnessTarget = z.output<typeof LoudnessTargetSchema>;

/** EBU R128: −23 LUFS ± 0.5 LU (the recommendation allows ± 1 LU where live), true peak ≤ −1 dBTP. */
export const EBU_R128: LoudnessTargetInput = { name: 'EBU R128', integrated: -23, tolerance: 0.5, truePeakMax: -1 };
/** ATSC A/85: −24 LKFS ± 2 LU, true peak ≤ −2 dBTP. */
export const ATSC_A85: LoudnessTargetInput = { name: 'ATSC A/85', integrated: -24, tolerance: 2, truePeakMax: -2 };
/** A common streaming platform target: −14 LUFS ± 1 LU, true peak ≤ −1 dBTP. */
export const STREAMING_MINUS_14: LoudnessTargetInput = {
  name: 'Streaming -14',
  integrated: -14,
  tolerance: 1,
  truePeakMax: -1,
};
/** A streaming target at −16 LUFS ± 1 LU, true peak ≤ −1 dBTP. */
export const STREAMING_MINUS_16: LoudnessTargetInput = {
  name: 'Streaming -16',
  integrated: -16,
  tolerance: 1,
  truePeakMax: -1,
};

/** Thresholds of the QC rules; a rule set to `false` is not checked. */
export const QcPolicySchema = z.object({
  /** e.g. `broadcast-uk`; delivery profiles name the policy they require. */
  name: LabelSchema,
  /** Policies are versioned: a report records the version it was checked against. */
  version: z.number().int().positive(),
  /** Decode errors, truncation, timestamp gaps (dropped frames) and repeated timestamps. */
  integrity: z
    .union([
      z.literal(false),
      z.object({
        severity: SeveritySchema.default('fail'),
        /** A gap of more than this many frame durations between frames is reported. */
        maxGapFrames: z.number().min(1).max(1000).default(1.5),
      }),
    ])
    .default({ severity: 'fail', maxGapFrames: 1.5 }),
  /** Loudness per audio track. */
  loudness: z.union([z.literal(false), LoudnessTargetSchema]).prefault(EBU_R128),
  /** Legal (broadcast-safe) video levels, from `signalstats`. */
  levels: z
    .union([
      z.literal(false),
      z.object({
        severity: SeveritySchema.default('fail'),
        /** A frame is out of range when more than this share of its pixels is (default 0.01 = 1 %). */
        maxPixelShare: z.number().min(0).max(1).default(0.01),
        /** Only runs of at least this many frames are reported (default 1). */
        minFrames: z.number().int().min(1).default(1),
      }),
    ])
    .default({ severity: 'fail', maxPixelShare: 0.01, minFrames: 1 }),
  /**
   * RGB gamut (EBU R 103): each frame converted to R'G'B' without clipping; a pixel is out of gamut
   * when any component is below `lowPercent` or above `highPercent` of the nominal range. Frames
   * with more than `maxPixelShare` of their pixels out are reported, as runs of frames with the
   * out-of-gamut share.
   *
   * **Off unless the policy asks** (`gamut: {}` for the defaults): the full-resolution R'G'B'
   * conversion costs about 1.6× the CPU of every other check together (2.6× QC's CPU with it on,
   * see docs/benchmarks.md). The broadcast policies ({@link BROADCAST_EBU_R128},
   * {@link BROADCAST_ATSC_A85}) turn it on.
   */
  gamut: z
    .union([
      z.literal(false),
      z.object({
        severity: SeveritySchema.default('warn'),
        lowPercent: z.number().min(-50).max(0).default(-5),
        highPercent: z.number().min(100).max(150).default(105),
        maxPixelShare: z.number().min(0).max(1).default(0.01),
        minFrames: z.number().int().min(1).default(1),
      }),
    ])
    .default(false),
  /** Black frames (`blackdetect`). */
  black: z
    .union([
      z.literal(false),
      z.object({
        severity: SeveritySchema.default('warn'),
        minSeconds: z.number().positive().max(3600).default(1),
        /** Share of pixels that must be black (default 0.98). */
        pictureThreshold: z.number().min(0).max(1).default(0.98),
        /** Luma threshold for a black pixel, as a share of the range (default 0.1). */
        pixelThreshold: z.number().min(0).max(1).default(0.1),
      }),
    ])
    .default({ severity: 'warn', minSeconds: 1, pictureThreshold: 0.98, pixelThreshold: 0.1 }),
  /** Frozen picture (`freezedetect`). */
  freeze: z
    .union([
      z.literal(false),
      z.object({
        severity: SeveritySchema.default('warn'),
        minSeconds: z.number().positive().max(3600).default(2),
        /** Noise tolerance in dB (default −50 dB). */
        noiseDb: z.number().min(-90).max(0).default(-50),
      }),
    ])
    .default({ severity: 'warn', minSeconds: 2, noiseDb: -50 }),
  /** Silence per audio track (`silencedetect`). */
  silence: z
    .union([
      z.literal(false),
      z.object({
        severity: SeveritySchema.default('warn'),
        minSeconds: z.number().positive().max(3600).default(1),
        thresholdDb: z.number().min(-120).max(0).default(-60),
      }),
    ])
    .default({ severity: 'warn', minSeconds: 1, thresholdDb: -60 }),
  /** Scene cuts (`scdet`), reported as `info` for reference. */
  scenes: z
    .union([z.literal(false), z.object({ threshold: z.number().min(0).max(100).default(10) })])
    .default({ threshold: 10 }),
});
/** A QC policy as written. */
export type QcPolicyInput = z.input<typeof QcPolicySchema>;
/** A QC policy: named, versioned rules and thresholds. */
export type QcPolicy = z.output<typeof QcPolicySchema>;

/** The default broadcast policy: every rule on, EBU R 103 RGB gamut included, EBU R128 loudness. */
export const BROADCAST_EBU_R128: QcPolicyInput = { name: 'broadcast-ebu-r128', version: 1, gamut: {} };
/** ATSC A/85 loudness, RGB gamut on, the other rules at their defaults. */
export const BROADCAST_ATSC_A85: QcPolicyInput = {
  name: 'broadcast-atsc-a85',
  version: 1,
  loudness: ATSC_A85,
  gamut: {},
};
/** A streaming platform policy: −14 LUFS, black and freeze as warnings, levels as warnings, no RGB gamut check. */
export const STREAMING_POLICY: QcPolicyInput = {
  name: 'streaming-14',
  version: 1,
  loudness: STREAMING_MINUS_14,
  levels: { severity: 'warn' },
};

/** A policy that checks loudness only, against one target (for re-measuring a corrected file). */
export function loudnessOnlyPolicy(target: LoudnessTargetInput): QcPolicyInput {
  return {
    name: `loudness-${target.name}`.replace(/[^\w.-]+/g, '-'),
    version: 1,
    integrity: false,
    levels: false,
    gamut: false,
    black: false,
    freeze: false,
    silence: false,
    scenes: false,
    loudness: target,
  };
}
