import type { RightsEngine } from '../rights/engine.js';
import type { DeliveryProfile } from './profile.js';
import type { DistributionRecord } from './record.js';
import { rightsCover, rightsWindow } from './window.js';

/** What the distributor's gate says about a record at one instant. */
export interface DistributionGate {
  /** The instant is inside the record's window (after sunrise, before sunset). */
  readonly inWindow: boolean;
  /** The rights cover the endpoint's territories and channel at that instant (true without a rights engine). */
  readonly rightsHeld: boolean;
}

/** True when `now` is inside `window`: at or after its sunrise, before its sunset (open bounds are open). */
export function windowOpen(window: DistributionRecord['window'], now: number): boolean {
  return (
    (window.sunrise === undefined || Date.parse(window.sunrise) <= now) &&
    (window.sunset === undefined || now < Date.parse(window.sunset))
  );
}

/**
 * The gate of a record at `now`: its window, and the rights at that instant. The gate is absolute:
 * nothing is submitted, or kept live, while it is closed.
 */
export function gateOf(
  record: DistributionRecord,
  profile: DeliveryProfile,
  rights: RightsEngine | undefined,
  now: number,
): DistributionGate {
  return {
    inWindow: windowOpen(record.window, now),
    rightsHeld: rights === undefined || rightsCover(rights, record.assetId, record.versionId, profile, now),
  };
}

/**
 * The window of a new submission: the one set by hand, else the rights window (sunrise and sunset
 * from the rights engine's transitions), else none.
 */
export function submissionWindow(
  manual: { readonly sunrise?: string; readonly sunset?: string } | undefined,
  rights: RightsEngine | undefined,
  assetId: string,
  versionId: string,
  profile: DeliveryProfile,
  now: number,
): DistributionRecord['window'] {
  if (manual !== undefined) return { ...manual, source: 'manual' };
  if (rights === undefined) return { source: 'none' };
  const w = rightsWindow(rights, assetId, versionId, profile, now);
  return {
    ...(w.sunrise === undefined ? {} : { sunrise: w.sunrise }),
    ...(w.sunset === undefined ? {} : { sunset: w.sunset }),
    source: 'rights',
  };
}
