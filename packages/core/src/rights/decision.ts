import type { Rule } from './compile.js';
import type { FormatProfile, LicenseType } from './model.js';

/** A question for {@link RightsEngine.evaluate}. */
export interface RightsQuery {
  readonly assetId: string;
  /** The version being delivered: its element rights (music, talent) are checked too. */
  readonly versionId?: string;
  /** ISO 3166-1 alpha-2 territory. */
  readonly territory: string;
  /** The media right exercised (the channel: `svod`, `free-tv`, …). */
  readonly channel: LicenseType;
  /** The instant: a luxon DateTime, a Date, an ISO string with offset, or epoch milliseconds. */
  readonly at: { toMillis(): number } | Date | string | number;
  /** Language of the delivered audio or subtitles (BCP-47), checked against grant languages. */
  readonly language?: string;
  /** How the language is delivered. */
  readonly languageForm?: 'original' | 'dubbed' | 'subtitled';
  /** Use of the material; default `program`. */
  readonly use?: 'program' | 'promo' | 'trailer' | 'clip';
  /** The outlet (platform id), checked against grants limited to platforms. */
  readonly platform?: string;
  /** The format profile delivered (`SD`, `HD`, `UHD`, `HDR`), checked against grants limited to formats. */
  readonly format?: FormatProfile;
  /** Audio language delivered (BCP-47): must be covered in form `original` or `dubbed`. */
  readonly audioLanguage?: string;
  /** Subtitle language delivered (BCP-47): must be covered in form `subtitled`. */
  readonly subtitleLanguage?: string;
  /** An excerpt (a clip): only elements overlapping `in`–`out` (timecodes on the version) are checked. */
  readonly span?: { readonly in: string; readonly out: string };
}

/** An element of the version that is not cleared for this delivery. */
export interface ElementConflict {
  readonly elementId: string;
  readonly kind: 'music' | 'talent' | 'footage' | 'artwork' | 'trademark';
  readonly name: string;
  /** In and out timecodes on the version. */
  readonly in: string;
  readonly out: string;
  readonly action: 'substitute' | 'block';
  /** The element right of the cleared cue that replaces it (its `substitute` link), if any. */
  readonly substituteId?: string;
}

/** A reference to the grant or holdback behind a decision. */
export interface RuleRef {
  readonly dealId: string;
  readonly id: string;
  readonly kind: Rule['kind'];
}

const UPPER: Partial<Record<LicenseType, string>> = {
  svod: 'SVOD',
  avod: 'AVOD',
  tvod: 'TVOD',
  pvod: 'PVOD',
  est: 'EST',
  fast: 'FAST',
  fvod: 'FVOD',
};

/** A license type as people write it: `SVOD`, `free TV`. */
export function mediaLabel(media: LicenseType): string {
  return UPPER[media] ?? media.replace('-tv', ' TV').replace('-', ' ');
}

/** @hidden What the decision needs from the engine to explain itself, lazily. */
export interface DecisionContext {
  grantsCovering(assetId: string, channel: LicenseType, territoryIndex: number): readonly Rule[];
  describeBound(bound: Rule['start'], territoryIndex: number): string;
}

const ref = (r: Rule): RuleRef => ({ dealId: r.deal.id, id: r.grant?.id ?? r.holdback?.id ?? '', kind: r.kind });

/**
 * The answer of {@link RightsEngine.evaluate}: allowed or not, the grants that matched, what
 * blocked, and element conflicts, with reasons a person can read (built only when asked for).
 */
export class RightsDecision {
  /** True when the delivery may go ahead (possibly with substitutions). */
  readonly allowed: boolean;
  /** `allowed`, `allowed-with-substitution` (element conflicts to fix) or `denied`. */
  readonly status: 'allowed' | 'allowed-with-substitution' | 'denied';
  /** Elements not cleared for this delivery. */
  readonly elementConflicts: readonly ElementConflict[];
  readonly #context: DecisionContext;
  readonly #query: RightsQuery;
  readonly #at: number;
  readonly #ti: number;
  readonly #matched: readonly Rule[];
  readonly #blocking: readonly Rule[];
  readonly #exhausted: readonly Rule[];

  /**
   * Built by the engine (hidden, not stripped: a constructor without its signature would read as
   * public and argument-free).
   *
   * @hidden
   */
  constructor(
    context: DecisionContext,
    query: RightsQuery,
    at: number,
    territoryIndex: number,
    matched: readonly Rule[],
    blocking: readonly Rule[],
    exhausted: readonly Rule[],
    elementConflicts: readonly ElementConflict[],
  ) {
    const usable = matched.length > exhausted.length;
    let blockedElement = false;
    for (const c of elementConflicts) if (c.action === 'block') blockedElement = true;
    this.allowed = usable && blocking.length === 0 && !blockedElement;
    this.status = !this.allowed ? 'denied' : elementConflicts.length > 0 ? 'allowed-with-substitution' : 'allowed';
    this.elementConflicts = elementConflicts;
    this.#context = context;
    this.#query = query;
    this.#at = at;
    this.#ti = territoryIndex;
    this.#matched = matched;
    this.#blocking = blocking;
    this.#exhausted = exhausted;
  }

  /** The rights-in grants that cover the query. */
  get grants(): RuleRef[] {
    return this.#matched.map(ref);
  }

  /** Holdbacks, exclusive sales and exhausted run limits that block it. */
  get blockedBy(): RuleRef[] {
    const usable = this.#matched.length > this.#exhausted.length;
    return [...this.#blocking, ...(usable ? [] : this.#exhausted)].map(ref);
  }

  /** Sentences a person can read, the verdict first. */
  get reasons(): string[] {
    const q = this.#query;
    const what = `${mediaLabel(q.channel)} in ${q.territory} at ${new Date(this.#at).toISOString()}`;
    const window = (r: Rule) =>
      `${this.#context.describeBound(r.start, this.#ti)} – ${this.#context.describeBound(r.end, this.#ti)}`;
    const out: string[] = [];
    if (this.status === 'allowed') out.push(`allowed: ${what}`);
    else if (this.status === 'allowed-with-substitution') out.push(`allowed with substitution: ${what}`);
    else out.push(`refused: ${what}`);
    for (const r of this.#matched) {
      out.push(
        `granted by deal "${r.deal.id}" (${r.deal.licensor} → ${r.deal.licensee}) grant "${r.grant?.id}", window ${window(r)}${r.grant?.exclusive ? ', exclusive' : ''}`,
      );
    }
    if (this.#matched.length === 0) {
      const misses = this.#context.grantsCovering(q.assetId, q.channel, this.#ti);
      if (misses.length === 0)
        out.push(`no rights held for ${mediaLabel(q.channel)} in ${q.territory} for asset "${q.assetId}"`);
      for (const r of misses)
        out.push(
          `grant "${r.grant?.id}" of deal "${r.deal.id}" covers ${q.territory} for ${window(r)}, not at this instant`,
        );
    }
    for (const r of this.#exhausted)
      out.push(`grant "${r.grant?.id}" has used all ${r.grant?.maxRuns} runs in ${q.territory}`);
    for (const r of this.#blocking) {
      if (r.kind === 'holdback') {
        out.push(
          `holdback "${r.holdback?.id}" of deal "${r.deal.id}": no ${r.holdback?.media.map(mediaLabel).join('/')} in ${q.territory} ${window(r)}${r.holdback?.reason ? ` (${r.holdback.reason})` : ''}`,
        );
      } else {
        out.push(
          `exclusive rights sold to ${r.deal.licensee} (deal "${r.deal.id}" grant "${r.grant?.id}") for ${window(r)}`,
        );
      }
    }
    for (const c of this.elementConflicts) {
      out.push(
        `${c.action === 'block' ? 'blocked by' : 'substitute'} ${c.kind === 'music' ? 'music cue' : c.kind} "${c.name}" at ${c.in}–${c.out}: not cleared for ${mediaLabel(q.channel)} in ${q.territory}${q.use && q.use !== 'program' ? ` for ${q.use} use` : ''}`,
      );
    }
    return out;
  }

  /** The reasons as one paragraph. */
  explain(): string {
    return this.reasons.join('; ');
  }
}
