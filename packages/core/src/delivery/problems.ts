import type { MetadataFieldSpec, RenditionSpec, ThumbnailSpec } from './profile.js';

/** What every {@link DeliveryProblem} has: its kind, a message naming the item and limit, and a fix. */
export interface DeliveryProblemBase<K extends string> {
  readonly kind: K;
  /** What is wrong, naming the item and the limit. */
  readonly message: string;
  /** What a person does to fix it. */
  readonly fix: string;
}

/** Something that keeps a version from going to an endpoint, with its parameters and a fix hint. */
export type DeliveryProblem =
  | (DeliveryProblemBase<'missing-rendition'> & { readonly spec: RenditionSpec })
  | (DeliveryProblemBase<'missing-thumbnail'> & { readonly spec: ThumbnailSpec; readonly found: readonly string[] })
  | (DeliveryProblemBase<'metadata-missing'> & { readonly field: string })
  | (DeliveryProblemBase<'metadata-too-long'> & {
      readonly field: string;
      readonly length: number;
      readonly limit: number;
    })
  | (DeliveryProblemBase<'metadata-too-many'> & {
      readonly field: string;
      readonly count: number;
      readonly limit: number;
    })
  | (DeliveryProblemBase<'metadata-format'> & {
      readonly field: string;
      readonly format: MetadataFieldSpec['format'] | 'pattern';
      readonly value: string;
    })
  | (DeliveryProblemBase<'metadata-forbidden-character'> & { readonly field: string; readonly character: string })
  | (DeliveryProblemBase<'missing-captions'> & { readonly language: string; readonly formats: readonly string[] })
  | (DeliveryProblemBase<'qc-missing'> & { readonly policy: string })
  | (DeliveryProblemBase<'qc-failed'> & {
      readonly policy: string;
      readonly reportId: string;
      readonly verdict: string;
      readonly findings: readonly { readonly rule: string; readonly timecodeIn: string; readonly message: string }[];
    })
  | (DeliveryProblemBase<'rights-not-held'> & {
      readonly territory: string;
      readonly channel: string;
      readonly explanation: string;
    });

/** The kinds of {@link DeliveryProblem}. */
export type DeliveryProblemKind = DeliveryProblem['kind'];

/** Describe a rendition spec for people: `mp4 h264 1920x1080 ≤ 8 Mb/s`. */
export function describeRenditionSpec(spec: RenditionSpec): string {
  const parts = [
    spec.container,
    spec.videoCodec,
    spec.audioCodec,
    spec.width !== undefined || spec.height !== undefined ? `${spec.width ?? '*'}x${spec.height ?? '*'}` : undefined,
    spec.minBitRate !== undefined ? `≥ ${spec.minBitRate / 1e6} Mb/s` : undefined,
    spec.maxBitRate !== undefined ? `≤ ${spec.maxBitRate / 1e6} Mb/s` : undefined,
  ].filter((p) => p !== undefined);
  return `"${spec.name}"${parts.length > 0 ? ` (${parts.join(' ')})` : ''}`;
}
