/**
 * The RGB gamut check is opt-in (docs/qc.md): a policy without `gamut` runs no gamut branch in
 * the QC graph; the broadcast policies run it; a policy asks for it with `gamut: {}`.
 */
import { describe, expect, it } from 'vitest';
import {
  BROADCAST_ATSC_A85,
  BROADCAST_EBU_R128,
  QcPolicySchema,
  qcGraphArgs,
  STREAMING_POLICY,
} from '../../src/qc/index.js';

const graph = (policy: unknown) =>
  qcGraphArgs('/media/x.mov', { hasVideo: true, audioTracks: 1 }, QcPolicySchema.parse(policy)).join(' ');

describe('gamut check default', () => {
  it('is off unless the policy asks for it, and on in both broadcast policies', () => {
    expect(QcPolicySchema.parse({ name: 'custom', version: 1 }).gamut).toBe(false);
    expect(graph({ name: 'custom', version: 1 })).not.toMatch(/qc_gamut/);
    expect(graph(STREAMING_POLICY)).not.toMatch(/qc_gamut/);
    for (const broadcast of [BROADCAST_EBU_R128, BROADCAST_ATSC_A85]) {
      expect(QcPolicySchema.parse(broadcast).gamut).toEqual({
        severity: 'warn',
        lowPercent: -5,
        highPercent: 105,
        maxPixelShare: 0.01,
        minFrames: 1,
      });
      expect(graph(broadcast)).toMatch(/blackframe@qc_gamut/);
    }
    expect(graph({ name: 'custom', version: 1, gamut: { highPercent: 110 } })).toMatch(/qc_gamut/);
    // The rest of the video checks are unaffected by the gamut switch.
    expect(graph({ name: 'custom', version: 1 })).toMatch(/blackdetect/);
  });
});
