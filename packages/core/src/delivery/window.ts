import type { RightsEngine } from '../rights/engine.js';
import type { DeliveryProfile } from './profile.js';

const DAY = 86_400_000;

/**
 * True when the endpoint's channel is allowed in every one of its territories at `at` (and for
 * the version's elements): the distributor's rights gate.
 */
export function rightsCover(
  engine: RightsEngine,
  assetId: string,
  versionId: string,
  profile: DeliveryProfile,
  at: number,
): boolean {
  return profile.rights.territories.every(
    (territory) =>
      engine.evaluate({
        assetId,
        versionId,
        territory,
        channel: profile.rights.channel,
        at,
        ...(profile.rights.platform === undefined ? {} : { platform: profile.rights.platform }),
      }).allowed,
  );
}

/**
 * The window an asset may be live at an endpoint, from the rights engine's transitions over the
 * next `horizonDays`: when it is open now, its sunset (the first close); else the next sunrise
 * and the sunset after it. Undefined bounds are open (or beyond the horizon).
 */
export function rightsWindow(
  engine: RightsEngine,
  assetId: string,
  versionId: string,
  profile: DeliveryProfile,
  now: number,
  horizonDays = 400,
): { readonly open: boolean; readonly sunrise?: string; readonly sunset?: string } {
  const transitions = engine.planTransitions(
    now,
    horizonDays * DAY,
    [{ id: 'endpoint', territories: profile.rights.territories, channel: profile.rights.channel }],
    [assetId],
  );
  const open = rightsCover(engine, assetId, versionId, profile, now);
  const iso = (ms: number) => new Date(ms).toISOString();
  if (open) {
    const close = transitions.find((t) => t.change === 'close')?.at.toMillis();
    return { open, ...(close === undefined ? {} : { sunset: iso(close) }) };
  }
  const rise = transitions.find((t) => t.change === 'open')?.at.toMillis();
  const set =
    rise === undefined
      ? undefined
      : transitions.find((t) => t.change === 'close' && t.at.toMillis() > rise)?.at.toMillis();
  return {
    open,
    ...(rise === undefined ? {} : { sunrise: iso(rise) }),
    ...(set === undefined ? {} : { sunset: iso(set) }),
  };
}
