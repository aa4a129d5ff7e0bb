import {
  ATSC_A85,
  BROADCAST_ATSC_A85,
  BROADCAST_EBU_R128,
  EBU_R128,
  type LoudnessTargetInput,
  type QcPolicyInput,
  STREAMING_MINUS_14,
  STREAMING_MINUS_16,
  STREAMING_POLICY,
} from '@framewise/core/qc';
import type { ReportLoudnessTarget } from './model.js';

const full = (t: LoudnessTargetInput): ReportLoudnessTarget => ({
  name: t.name,
  integrated: t.integrated,
  tolerance: t.tolerance,
  truePeakMax: t.truePeakMax,
});

const BY_POLICY = new Map<string, ReportLoudnessTarget>([
  [BROADCAST_EBU_R128.name, full(EBU_R128)],
  [BROADCAST_ATSC_A85.name, full(ATSC_A85)],
  [STREAMING_POLICY.name, full(STREAMING_MINUS_14)],
  ['streaming-16', full(STREAMING_MINUS_16)],
]);

/**
 * The loudness target a QC report was judged against, for the built-in policies (EBU R128, ATSC
 * A/85, the streaming targets) and loudness-only policies named after a built-in target; custom
 * policies are given theirs by the caller.
 */
export function loudnessTargetOfPolicy(policy: string | QcPolicyInput): ReportLoudnessTarget | undefined {
  if (typeof policy !== 'string')
    return policy.loudness === undefined || policy.loudness === false
      ? BY_POLICY.get(policy.name)
      : full(policy.loudness);
  const known = BY_POLICY.get(policy);
  if (known !== undefined) return known;
  for (const t of [EBU_R128, ATSC_A85, STREAMING_MINUS_14, STREAMING_MINUS_16])
    if (policy === `loudness-${t.name}`.replace(/[^\w.-]+/g, '-')) return full(t);
  return undefined;
}
