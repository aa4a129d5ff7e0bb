import type { TerritoryZone } from './model.js';
import { type ZoneClock, zoneClock } from './zone-clock.js';

/**
 * How date-only bounds are read in one territory: its zone, or several zones with a policy
 * (`latest-opening`: a window opens when the last zone reaches its start date; `earliest-closing`:
 * it closes when the first zone reaches its end date; `conservative`: both; `single`: the first zone).
 */
export class TerritoryClock {
  /** The primary zone (the first), for display and `single` reading. */
  readonly primary: ZoneClock;
  /** True when starts and ends may be read in different zones. */
  readonly multi: boolean;
  readonly #zones: readonly ZoneClock[];
  readonly #latestOpening: boolean;
  readonly #earliestClosing: boolean;

  constructor(setting: TerritoryZone) {
    const zones = typeof setting === 'string' ? [setting] : setting.zones;
    const policy = typeof setting === 'string' ? 'single' : setting.policy;
    this.#zones = zones.map(zoneClock);
    this.primary = this.#zones[0] as ZoneClock;
    this.#latestOpening = this.#zones.length > 1 && (policy === 'latest-opening' || policy === 'conservative');
    this.#earliestClosing = this.#zones.length > 1 && (policy === 'earliest-closing' || policy === 'conservative');
    this.multi = this.#latestOpening || this.#earliestClosing;
  }

  /** The zone name shown in explanations. */
  get zone(): string {
    return this.multi ? this.#zones.map((z) => z.zone).join(' / ') : this.primary.zone;
  }

  /** The local wall time start bounds are compared with: the earliest wall time when opening late. */
  startLocal(at: number): number {
    if (!this.#latestOpening) return this.primary.toLocal(at);
    let min = Number.POSITIVE_INFINITY;
    for (const z of this.#zones) min = Math.min(min, z.toLocal(at));
    return min;
  }

  /** The local wall time end bounds are compared with: the latest wall time when closing early. */
  endLocal(at: number): number {
    if (!this.#earliestClosing) return this.primary.toLocal(at);
    let max = Number.NEGATIVE_INFINITY;
    for (const z of this.#zones) max = Math.max(max, z.toLocal(at));
    return max;
  }

  /** The instant a date-only bound (a wall time) takes effect here, as a start or as an end. */
  instant(local: number, edge: 'start' | 'end'): number {
    if (edge === 'start' ? !this.#latestOpening : !this.#earliestClosing) return this.primary.fromLocal(local);
    let out = edge === 'start' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    for (const z of this.#zones) {
      const t = z.fromLocal(local);
      out = edge === 'start' ? Math.max(out, t) : Math.min(out, t);
    }
    return out;
  }
}
