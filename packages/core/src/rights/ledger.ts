import { z } from 'zod';
import { IdSchema, LabelSchema, TerritoryCodeSchema } from '../assets/index.js';
import { FramewiseError } from '../errors/index.js';
import { newId, parseInput } from '../support/index.js';
import { LicenseTypeSchema } from './model.js';
import { territoryIndex } from './territories.js';

/** One distribution or play event, as residual and royalty systems consume them. */
export const UsageEventSchema = z.strictObject({
  id: IdSchema.optional(),
  kind: z.enum(['distribution', 'play']),
  assetId: IdSchema,
  versionId: IdSchema.optional(),
  /** A territory the rights engine knows (ISO 3166-1 alpha-2, or XK). */
  territory: TerritoryCodeSchema.refine((code) => territoryIndex(code) >= 0, {
    message: 'not a territory the rights engine knows (use ISO 3166-1 codes: GB, not UK)',
  }),
  channel: LicenseTypeSchema,
  platform: LabelSchema,
  endpoint: LabelSchema.optional(),
  /** ISO 8601 instants with offset. */
  start: z.iso.datetime({ offset: true }),
  end: z.iso.datetime({ offset: true }).optional(),
  minutes: z.number().nonnegative().optional(),
  plays: z.number().int().nonnegative().default(1),
  /** Keys of talent participations (for residuals), e.g. performer ids. */
  participants: z.array(LabelSchema).max(500).default([]),
  dealId: IdSchema.optional(),
});
/** A usage event as recorded. */
export type UsageEventInput = z.input<typeof UsageEventSchema>;
/** A recorded usage event: sequence number and id assigned. */
export type UsageEvent = z.output<typeof UsageEventSchema> & { readonly seq: number; readonly id: string };

const CSV_COLUMNS = [
  'seq',
  'id',
  'kind',
  'assetId',
  'versionId',
  'territory',
  'channel',
  'platform',
  'endpoint',
  'start',
  'end',
  'minutes',
  'plays',
  'participants',
  'dealId',
] as const;

/**
 * Quote a CSV field (RFC 4180). Fields a spreadsheet would run as a formula (starting with `=`,
 * `+`, `-`, `@`, tab or carriage return) get a leading apostrophe, so an exported title cannot
 * execute in the royalty team's spreadsheet.
 */
export function csvField(value: unknown): string {
  if (value === undefined || value === null) return '';
  const neutral = (t: string) => (/^[=+\-@\t\r]/.test(t) ? `'${t}` : t);
  let text = Array.isArray(value) ? value.map((v) => neutral(String(v))).join(';') : String(value);
  if (typeof value === 'string') text = neutral(text);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The usage ledger: an append-only log of distribution and play events (no update, no delete),
 * indexed for run-limit counts, exported as CSV and JSON Lines for residual and royalty systems.
 */
export class UsageLedger {
  readonly #events: UsageEvent[] = [];
  readonly #plays = new Map<string, { at: number[]; plays: number[]; sorted: boolean }>();

  /** Record an event; returns it with its sequence number. */
  append(input: UsageEventInput): UsageEvent {
    const parsed = parseInput(UsageEventSchema, input, `Usage event ${this.#events.length + 1}`);
    const event = Object.freeze({
      ...parsed,
      id: parsed.id ?? newId(Date.parse(parsed.start)),
      seq: this.#events.length + 1,
    }) as UsageEvent;
    this.#events.push(event);
    if (event.kind === 'play') {
      const key = `${event.assetId}|${event.territory}|${event.channel}`;
      let slot = this.#plays.get(key);
      if (slot === undefined) {
        slot = { at: [], plays: [], sorted: true };
        this.#plays.set(key, slot);
      }
      const at = Date.parse(event.start);
      if (slot.at.length > 0 && at < (slot.at[slot.at.length - 1] as number)) slot.sorted = false;
      slot.at.push(at);
      slot.plays.push(event.plays);
    }
    return event;
  }

  /** Number of events recorded. */
  get size(): number {
    return this.#events.length;
  }

  /** Events in order, optionally filtered. */
  events(filter: { assetId?: string; territory?: string; kind?: UsageEvent['kind'] } = {}): UsageEvent[] {
    return this.#events.filter(
      (e) =>
        (filter.assetId === undefined || e.assetId === filter.assetId) &&
        (filter.territory === undefined || e.territory === filter.territory) &&
        (filter.kind === undefined || e.kind === filter.kind),
    );
  }

  /**
   * Runs of an asset in a territory on any of `channels` that started in `[from, to)` (epoch ms): a
   * licence's runs are counted across its channels. With `runHours`, plays that start within that
   * many hours of a run's first play belong to that run; without, every play is a run.
   */
  countRuns(
    assetId: string,
    territory: string,
    channels: readonly string[],
    from: number,
    to: number,
    runHours?: number,
  ): number {
    const starts: { at: number; plays: number }[] = [];
    for (const channel of new Set(channels)) {
      const slot = this.#slot(assetId, territory, channel);
      if (slot === undefined) continue;
      for (let i = 0; i < slot.at.length; i++) {
        const at = slot.at[i] as number;
        if (at >= from && at < to) starts.push({ at, plays: slot.plays[i] as number });
      }
    }
    if (runHours === undefined) return starts.reduce((n, s) => n + s.plays, 0);
    starts.sort((x, y) => x.at - y.at);
    let runs = 0;
    let runStart = Number.NEGATIVE_INFINITY;
    for (const s of starts) {
      if (s.plays === 0) continue;
      if (s.at - runStart >= runHours * 3_600_000) {
        runs++;
        runStart = s.at;
      }
    }
    return runs;
  }

  #slot(assetId: string, territory: string, channel: string) {
    const slot = this.#plays.get(`${assetId}|${territory}|${channel}`);
    if (slot === undefined || slot.sorted) return slot;
    const order = slot.at.map((_, i) => i).sort((a, b) => (slot.at[a] as number) - (slot.at[b] as number));
    slot.at = order.map((i) => slot.at[i] as number);
    slot.plays = order.map((i) => slot.plays[i] as number);
    slot.sorted = true;
    return slot;
  }

  /** Plays of an asset in a territory on a channel that started in `[from, to)` (epoch ms). */
  countPlays(assetId: string, territory: string, channel: string, from: number, to: number): number {
    const slot = this.#slot(assetId, territory, channel);
    if (slot === undefined) return 0;
    let n = 0;
    for (let i = 0; i < slot.at.length; i++) {
      const at = slot.at[i] as number;
      if (at >= from && at < to) n += slot.plays[i] as number;
    }
    return n;
  }

  /** CSV lines (header first), each ending in CRLF, streamed. */
  *csv(): Generator<string> {
    yield `${CSV_COLUMNS.join(',')}\r\n`;
    for (const e of this.#events) yield `${CSV_COLUMNS.map((c) => csvField(e[c])).join(',')}\r\n`;
  }

  /** JSON Lines, one event per line, streamed. */
  *jsonLines(): Generator<string> {
    for (const e of this.#events) yield `${JSON.stringify(e)}\n`;
  }

  /** Rebuild a ledger from JSON Lines (as written by {@link UsageLedger.jsonLines}). */
  static fromJsonLines(text: string): UsageLedger {
    const ledger = new UsageLedger();
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        throw new FramewiseError(
          'INVALID_INPUT',
          `Usage ledger line ${i + 1} is not JSON: ${(error as Error).message}`,
          { cause: error, details: { line: i + 1 } },
        );
      }
      const { seq: _seq, ...event } = value as Record<string, unknown>;
      ledger.append(event as UsageEventInput);
    });
    return ledger;
  }
}
