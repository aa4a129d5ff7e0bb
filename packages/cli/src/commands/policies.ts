import { FramewiseError } from '@framewise/core/errors';
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
import { readJsonFile } from '../cli/inputs.js';

/** Loudness targets by the names the command line accepts. */
export const TARGETS: Readonly<Record<string, LoudnessTargetInput>> = {
  r128: EBU_R128,
  a85: ATSC_A85,
  'streaming-14': STREAMING_MINUS_14,
  'streaming-16': STREAMING_MINUS_16,
};

/** QC policies by the names the command line accepts. */
export const POLICIES: Readonly<Record<string, QcPolicyInput>> = {
  r128: BROADCAST_EBU_R128,
  a85: BROADCAST_ATSC_A85,
  'streaming-14': STREAMING_POLICY,
  'streaming-16': { ...STREAMING_POLICY, name: 'streaming-16', loudness: STREAMING_MINUS_16 },
};

/** A loudness target by name. */
export function targetNamed(name: string): LoudnessTargetInput {
  const target = Object.hasOwn(TARGETS, name) ? TARGETS[name] : undefined;
  if (target === undefined)
    throw new FramewiseError(
      'INVALID_INPUT',
      `Loudness target ${JSON.stringify(name)} is not one of ${Object.keys(TARGETS).join(', ')}`,
      { details: { target: name } },
    );
  return target;
}

/** A policy by name, or read from a JSON file when the value is not a known name. */
export async function policyNamed(value: string): Promise<QcPolicyInput> {
  if (Object.hasOwn(POLICIES, value)) return POLICIES[value] as QcPolicyInput;
  if (!value.endsWith('.json'))
    throw new FramewiseError(
      'INVALID_INPUT',
      `QC policy ${JSON.stringify(value)} is not one of ${Object.keys(POLICIES).join(', ')} nor a .json policy file`,
      { details: { policy: value } },
    );
  return (await readJsonFile(value, 'QC policy file')) as QcPolicyInput;
}
