import { z } from 'zod';
import { LabelSchema, type TechnicalMetadata } from '../assets/index.js';
import { AudioProgrammeSchema } from '../assets/programmes.js';
import { FrameRate } from '../time/index.js';
import { SeveritySchema } from './policy.js';

/**
 * What was ordered: the delivery spec a file must meet. Only the fields given are checked; each
 * mismatch is a finding naming the expected and the actual value.
 */
export const OrderSpecSchema = z.object({
  /** e.g. `Northlight HD delivery v3`. */
  name: LabelSchema,
  /** Accepted containers as probed (`mov`, `mxf`, `mp4`, …). */
  containers: z.array(LabelSchema).min(1).optional(),
  video: z
    .object({
      codec: LabelSchema.optional(),
      profile: LabelSchema.optional(),
      level: LabelSchema.optional(),
      width: z.number().int().positive().optional(),
      height: z.number().int().positive().optional(),
      /** e.g. `25`, `29.97 DF`, `24000/1001`. */
      frameRate: z.string().min(1).max(32).optional(),
      scan: z.enum(['progressive', 'interlaced', 'psf']).optional(),
      bitDepth: z.number().int().positive().max(16).optional(),
      chromaSubsampling: z.enum(['4:2:0', '4:2:2', '4:4:4', '4:1:1']).optional(),
      colourPrimaries: LabelSchema.optional(),
      transfer: LabelSchema.optional(),
      matrix: LabelSchema.optional(),
    })
    .optional(),
  audio: z
    .object({
      /** Number of audio tracks. */
      tracks: z.number().int().nonnegative().optional(),
      codec: LabelSchema.optional(),
      /** Channels per track. */
      channels: z.number().int().positive().optional(),
      layout: LabelSchema.optional(),
      sampleRate: z.number().int().positive().optional(),
      bitDepth: z.number().int().positive().optional(),
      /**
       * Which tracks carry which programme, overriding the default grouping (see
       * `detectProgrammes`): e.g. `[{ layout: '5.1', tracks: [0, 1, 2, 3, 4, 5] }, { layout: 'stereo', tracks: [6, 7] }]`.
       * Loudness is measured and corrected per programme.
       */
      programmes: z.array(AudioProgrammeSchema).max(64).optional(),
    })
    .optional(),
  severity: SeveritySchema.default('fail'),
});
/** A delivery spec as written. */
export type OrderSpecInput = z.input<typeof OrderSpecSchema>;
/** A delivery spec. */
export type OrderSpec = z.output<typeof OrderSpecSchema>;

/** One mismatch between a file and its order. */
export interface OrderMismatch {
  /** e.g. `order.video.frame-rate`, `order.audio.1.channels`. */
  readonly rule: string;
  readonly track?: string;
  readonly expected: string | number;
  readonly actual: string | number | undefined;
}

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Compare probed technical metadata with an order: every field the order names that differs. */
export function checkOrder(technical: TechnicalMetadata, spec: OrderSpec): OrderMismatch[] {
  const out: OrderMismatch[] = [];
  const compare = (
    rule: string,
    expected: string | number | undefined,
    actual: string | number | undefined,
    track?: string,
  ) => {
    if (expected === undefined) return;
    const same =
      typeof expected === 'string' && typeof actual === 'string'
        ? expected.toLowerCase() === actual.toLowerCase()
        : expected === actual;
    if (!same) out.push({ rule, expected, actual, ...(track ? { track } : {}) });
  };
  if (spec.containers !== undefined && !spec.containers.some((c) => c.toLowerCase() === technical.container))
    out.push({ rule: 'order.container', expected: spec.containers.join(' or '), actual: technical.container });
  const v = spec.video;
  if (v !== undefined) {
    const track = technical.video[0];
    if (track === undefined) out.push({ rule: 'order.video.track', expected: 'a video track', actual: 'none' });
    else {
      for (const field of ['codec', 'profile', 'level', 'width', 'height', 'bitDepth', 'chromaSubsampling'] as const)
        compare(`order.video.${kebab(field)}`, v[field], track[field], 'video');
      compare('order.video.scan', v.scan, track.scan?.type ?? 'progressive', 'video');
      for (const field of ['colourPrimaries', 'transfer', 'matrix'] as const)
        compare(`order.video.${kebab(field)}`, v[field], track[field], 'video');
      if (v.frameRate !== undefined) {
        const expected = FrameRate.parse(v.frameRate);
        const actual = FrameRate.parse(track.frameRate);
        if (!expected.equals(actual))
          out.push({
            rule: 'order.video.frame-rate',
            track: 'video',
            expected: expected.toString(),
            actual: actual.toString(),
          });
      }
    }
  }
  const a = spec.audio;
  if (a !== undefined) {
    compare('order.audio.tracks', a.tracks, technical.audio.length);
    technical.audio.forEach((track, i) => {
      for (const field of ['codec', 'channels', 'layout', 'sampleRate', 'bitDepth'] as const)
        compare(`order.audio.${kebab(field)}`, a[field], track[field], `audio:${i}`);
    });
  }
  return out;
}
