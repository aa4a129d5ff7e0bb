import type { LicenseType, UsageEventInput } from '../rights/index.js';
import type { AsRunReconciliation } from './reconcile.js';

/** Which asset (and version) a house number is, as the host's catalog knows it. */
export interface ResolvedHouseNumber {
  readonly assetId: string;
  readonly versionId?: string;
  /** Talent participation keys carried into the ledger for residuals. */
  readonly participants?: readonly string[];
}

/** Options of {@link playsFromAsRun}. */
export interface PlaysFromAsRunOptions {
  /** Territory the channel broadcasts to (ISO 3166-1 alpha-2). */
  readonly territory: string;
  /** The licence type the plays count against (`free-tv`, `pay-tv`, …). */
  readonly licenseType: LicenseType;
  /** The platform recorded on each play (default: the schedule's channel name). */
  readonly platform?: string;
  /** Maps a house number to its asset; `undefined` leaves the play unresolved. */
  resolve(houseNumber: string): ResolvedHouseNumber | undefined;
}

/** The plays to append to a usage ledger, and what could not be attributed. */
export interface AsRunPlays {
  /** One usage event per programme airing or per spot, ready for `UsageLedger.append`. */
  readonly plays: UsageEventInput[];
  /** House numbers that aired but that `resolve` did not know (one entry per airing). */
  readonly unresolved: string[];
}

/**
 * The usage ledger's view of an as-run: one `play` per title that went to air on the channel,
 * with its start, end and minutes. The segments of one programme aired one after another (a
 * programme event whose part number is above 1 following the same house number's earlier part,
 * with only non-programme events between) are one play, as residuals count them; each spot,
 * promo or other non-programme event is its own play. Missing events are not plays; extra
 * (operator-inserted) events are. Append the result with `ledger.append(play)` for each play.
 */
export function playsFromAsRun(reconciliation: AsRunReconciliation, options: PlaysFromAsRunOptions): AsRunPlays {
  const rate = reconciliation.schedule.rate;
  const platform = options.platform ?? reconciliation.schedule.channel;
  const plays: UsageEventInput[] = [];
  const unresolved: string[] = [];
  let open: { house: string; index: number } | undefined;
  for (const e of reconciliation.events) {
    const aired = e.aired;
    if (aired === undefined || e.verdicts.includes('missing')) continue;
    const endMs = Date.parse(aired.start) + (aired.durationFrames * rate.den * 1000) / rate.num;
    const minutes = (aired.durationFrames * rate.den) / rate.num / 60;
    const isProgramme = e.planned?.kind === 'program';
    const continues =
      isProgramme && open !== undefined && open.house === aired.houseNumber && (e.planned?.segmentNumber ?? 1) > 1;
    if (continues && open !== undefined) {
      const play = plays[open.index] as UsageEventInput & { minutes: number };
      play.end = new Date(Math.round(endMs)).toISOString();
      play.minutes = round(play.minutes + minutes);
      continue;
    }
    const resolved = options.resolve(aired.houseNumber);
    if (resolved === undefined) {
      unresolved.push(aired.houseNumber);
      if (isProgramme) open = undefined;
      continue;
    }
    plays.push({
      kind: 'play',
      assetId: resolved.assetId,
      ...(resolved.versionId === undefined ? {} : { versionId: resolved.versionId }),
      territory: options.territory,
      channel: options.licenseType,
      platform,
      start: aired.start,
      end: new Date(Math.round(endMs)).toISOString(),
      minutes: round(minutes),
      plays: 1,
      participants: [...(resolved.participants ?? [])],
    });
    if (isProgramme) open = { house: aired.houseNumber, index: plays.length - 1 };
  }
  return { plays, unresolved };
}

function round(minutes: number): number {
  return Math.round(minutes * 1e6) / 1e6;
}
