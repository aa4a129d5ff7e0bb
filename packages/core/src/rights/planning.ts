import { DateTime } from 'luxon';
import { FramewiseError } from '../errors/index.js';
import { ABSOLUTE, LOCAL, OPEN } from './bounds.js';
import type { AssetRights } from './compile.js';
import { type InstantInput, instantMs, mediaOf, territoryOf } from './inputs.js';
import type { QueryScope } from './match.js';
import type { LicenseType } from './model.js';
import { HEADER, type PackedIndex, ROW, SLOW } from './packed.js';
import type { TerritoryClock } from './territory-clock.js';

/**
 * Where content goes: an endpoint's territories and channel, for {@link RightsEngine.planTransitions},
 * with the platform, language and format it delivers (grants and blocks limited to those count).
 */
export interface TransitionTarget extends QueryScope {
  readonly id: string;
  /** Content is live only while it is allowed in every one of these territories. */
  readonly territories: readonly string[];
  readonly channel: LicenseType;
}

/** A moment a window opens or closes for an asset on a target. */
export interface Transition {
  readonly at: DateTime;
  readonly assetId: string;
  readonly targetId: string;
  /** `open`: make it available; `close`: take it down. */
  readonly change: 'open' | 'close';
}

/** What planning reads from the rights engine (`RightsEngine` implements it). */
export interface PlanningRights {
  locate(assetId: string): PackedIndex | undefined;
  rightsOf(assetId: string): AssetRights | undefined;
  assetIds(): Iterable<string>;
  clockOf(index: number): TerritoryClock;
  stateAt(rights: AssetRights, channel: LicenseType, ti: number, at: number, scope?: QueryScope): boolean;
}

/** A local wall time is within a day of its instant in every zone. */
const DAY_MS = 86_400_000;

/**
 * Every moment in the half-open `[now, now + horizon)` a window opens or closes for each asset ×
 * target: a change exactly at `now` is included, one exactly at `now + horizon` is not (it belongs
 * to the next horizon), so planning back-to-back horizons yields exactly the transitions of one long
 * horizon. Sorted by instant, asset, target.
 */
export function planTransitions(
  engine: PlanningRights,
  now: InstantInput,
  horizonMs: number,
  targets: readonly TransitionTarget[],
  assetIds?: Iterable<string>,
): Transition[] {
  const from = instantMs(now, 'planTransitions now');
  if (typeof horizonMs !== 'number' || !Number.isFinite(horizonMs) || horizonMs <= 0)
    throw new FramewiseError('INVALID_INPUT', `Horizon ${String(horizonMs)} ms must be positive`, {
      details: { horizonMs },
    });
  const to = instantMs(from + horizonMs, 'planTransitions horizon end');
  if (!Array.isArray(targets))
    throw new FramewiseError('INVALID_INPUT', 'planTransitions targets must be an array', { details: {} });
  const compiledTargets = targets.map((t) => ({
    target: t,
    indexes: (Array.isArray(t?.territories) ? (t.territories as readonly unknown[]) : [undefined]).map((code) =>
      territoryOf(code, `Target "${t?.id}"`),
    ),
    mi: mediaOf(t?.channel, `Target "${t?.id}"`),
  }));
  const out: { at: number; assetId: string; targetId: string; change: 'open' | 'close' }[] = [];
  const ids = assetIds ?? engine.assetIds();
  const cuts: number[] = [];
  for (const assetId of ids) {
    const p = engine.locate(assetId);
    const a = p?.ids.get(assetId);
    if (p === undefined || a === undefined) continue;
    const { starts, rows, ints, bits } = p;
    const rights = engine.rightsOf(assetId) as AssetRights;
    const start = starts[a] as number;
    for (const { target, indexes, mi } of compiledTargets) {
      const slot = start * 2 + 2 * mi;
      const gFrom = ints[slot] as number;
      const bFrom = ints[slot + 1] as number;
      const bTo = ints[slot + 2] as number;
      if (bFrom === gFrom) continue;
      cuts.length = 0;
      for (let k = gFrom; k < bTo; k++) {
        const row = start + HEADER + k * ROW;
        for (let e = 0; e < 4; e += 2) {
          const raw = rows[row + e] as number;
          const kind = e === 0 && raw >= SLOW ? raw - SLOW : raw;
          const ms = rows[row + e + 1] as number;
          if (kind === OPEN) continue;
          if (kind === ABSOLUTE ? ms < from || ms >= to : ms < from - DAY_MS || ms >= to + DAY_MS) continue;
          for (const ti of indexes) {
            if (((bits[row * 2 + 8 + (ti >>> 5)] as number) & (1 << (ti & 31))) === 0) continue;
            const t = kind === LOCAL ? engine.clockOf(ti).instant(ms, e === 0 ? 'start' : 'end') : ms;
            if (t >= from && t < to) cuts.push(t);
          }
        }
      }
      if (cuts.length === 0) continue;
      cuts.sort((x, y) => x - y);
      const live = (t: number) => indexes.every((ti: number) => engine.stateAt(rights, target.channel, ti, t, target));
      // The state just before the horizon: bounds are whole milliseconds.
      let state = live(from - 1);
      let previous = Number.NaN;
      for (const t of cuts) {
        if (t === previous) continue;
        previous = t;
        const next = live(t);
        if (next !== state) out.push({ at: t, assetId, targetId: target.id, change: next ? 'open' : 'close' });
        state = next;
      }
    }
  }
  out.sort(
    (a, b) =>
      a.at - b.at ||
      (a.assetId < b.assetId ? -1 : a.assetId > b.assetId ? 1 : 0) ||
      (a.targetId < b.targetId ? -1 : a.targetId > b.targetId ? 1 : 0),
  );
  return out.map((t) => ({ ...t, at: DateTime.fromMillis(t.at, { zone: 'utc' }) }));
}

/** Transitions a change added and removed, for a host to re-plan takedowns. */
export interface TransitionDiff {
  /** Transitions in the new plan that were not in the old one. */
  readonly added: readonly Transition[];
  /** Transitions of the old plan that are gone (a takedown no longer due, or moved). */
  readonly removed: readonly Transition[];
}

/** The difference between two plans (same horizon and targets). */
export function diffTransitions(before: readonly Transition[], after: readonly Transition[]): TransitionDiff {
  const key = (t: Transition) => `${t.at.toMillis()}|${t.assetId}|${t.targetId}|${t.change}`;
  const old = new Set(before.map(key));
  const now = new Set(after.map(key));
  return { added: after.filter((t) => !old.has(key(t))), removed: before.filter((t) => !now.has(key(t))) };
}
