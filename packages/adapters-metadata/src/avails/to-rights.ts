/**
 * Avails into the rights engine's model: one deal per contract and title, one grant per avail,
 * a language holdback per avail with `HoldbackLanguage`, the title hierarchy (series, seasons,
 * episodes with their ALID and EIDR ids) and the named events conditions refer to. A row that
 * cannot be expressed becomes an issue naming its row and column; nothing is guessed.
 */
import { FramewiseError } from '@framewise/core/errors';
import {
  type DealInput,
  type GrantInput,
  type HoldbackInput,
  LagSchema,
  type LicenseType,
  type RightsTitleInput,
  TerritorySet,
  type WindowBound,
} from '@framewise/core/rights';
import { z } from 'zod';
import type { Avail, AvailsBound, AvailsIssue, AvailsLicenseType } from './row.js';
import { shiftAvailsDate } from './row.js';

/** Options for turning avails into deals. */
export const AvailsToRightsOptionsSchema = z.strictObject({
  /**
   * `in` (default): the avails are rights acquired (a platform reading a studio's avails); `out`:
   * rights sold (a studio loading the avails it sent).
   */
  direction: z.enum(['in', 'out']).default('in'),
  /** The licensee for rows whose `Licensee` cell is empty. */
  licensee: z.string().min(1).max(100).optional(),
  /** Status of the deals made: `executed` (default) or `draft` (checked for conflicts, granting nothing). */
  status: z.enum(['draft', 'executed']).default('executed'),
});
/** Options for turning avails into deals, as written. */
export type AvailsToRightsOptions = z.input<typeof AvailsToRightsOptionsSchema>;

/** A `Delete` or `Full Delete` avail: the deal and grant it withdraws, for the host to remove. */
export interface AvailsWithdrawal {
  readonly row: number;
  readonly dealId: string;
  readonly grantId: string;
}

/** What the avails become: deals, titles and events for a rights document, and the issues. */
export interface AvailsRights {
  readonly deals: DealInput[];
  readonly titles: RightsTitleInput[];
  /**
   * Named events conditions refer to. TBD (no `at`) unless the sheet itself dates the event: an
   * `ESTStart` event is dated by the EST avails of the same title when they all start at the same
   * date or instant. Otherwise the host sets `at` when it is known.
   */
  readonly events: Record<string, { name: string; at?: string }>;
  readonly withdrawals: AvailsWithdrawal[];
  readonly issues: AvailsIssue[];
}

/** EMA license types and the engine's media. `Library` names a catalogue tier, not a right. */
export const AVAILS_MEDIA: Readonly<Record<AvailsLicenseType, LicenseType | undefined>> = {
  EST: 'est',
  VOD: 'tvod',
  SVOD: 'svod',
  POEST: 'poest',
  'Pre-Release': 'pvod',
  Library: undefined,
};

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const EIDR = /^10\.5240\/(?:[0-9A-F]{4}-){5}[0-9A-Z]$/i;

/** The event a condition names for a title: `<title>:<condition>` (`TBD` is one per window edge). */
export function conditionEvent(titleId: string, condition: string, grantId: string, edge: 'start' | 'end'): string {
  return condition === 'TBD' ? `${titleId}:tbd:${grantId}:${edge}` : `${titleId}:${condition.toLowerCase()}`;
}

/** A short stable hash, for ids that would be too long. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

const idOf = (text: string, fallback: () => string): string => {
  if (ID.test(text)) return text;
  const cleaned = text.replace(/[^A-Za-z0-9._:-]/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  if (cleaned === '') return fallback();
  return cleaned.length <= 128 ? cleaned : `${cleaned.slice(0, 110)}-${hash(text)}`;
};

const KINDS: Record<string, RightsTitleInput['kind']> = {
  movie: 'movie',
  short: 'movie',
  collection: 'movie',
  episode: 'episode',
  season: 'season',
  series: 'series',
  supplemental: 'supplemental',
};

/**
 * Turns avails (as `readAvailsCsv` or `readAvailsXlsx` return them) into deals, titles and
 * events for a rights document.
 *
 * Identifiers: the title of a row is its content id for its work type (`ContentID`,
 * `EpisodeContentID`, `SeasonContentID`, `SeriesContentID`), else its `ALID`. A season or series
 * avail is a deal on the season or series title, so it covers its episodes (present and future).
 * Deals are grouped by licensor, licensee, `ContractID` and title (rows differing in any of them
 * never share a deal); a deal id is `<ContractID>:<title>` cleaned to id characters, with a hash
 * suffix when another deal already holds that id, so distinct deals always get distinct ids.
 * Grants are named by `AvailID` (else the row).
 */
export function availsToRights(avails: readonly Avail[], options?: AvailsToRightsOptions): AvailsRights {
  const parsed = AvailsToRightsOptionsSchema.safeParse(options ?? {});
  if (!parsed.success)
    throw new FramewiseError('INVALID_CONFIG', `Avails to rights options: ${z.prettifyError(parsed.error)}`, {
      cause: parsed.error,
    });
  const { direction, licensee: defaultLicensee, status } = parsed.data;
  const issues: AvailsIssue[] = [];
  const deals = new Map<string, DealInput & { grants: GrantInput[]; holdbacks: HoldbackInput[] }>();
  const titles = new Map<string, RightsTitleInput>();
  const events: Record<string, { name: string; at?: string }> = {};
  // EST start of each title as its EST avails give it (null: they disagree, so it stays TBD).
  const estStarts = new Map<string, string | null>();
  const withdrawals: AvailsWithdrawal[] = [];
  const grantIds = new Set<string>();
  const dealIds = new Map<string, string>();
  const usedDealIds = new Set<string>();

  const addTitle = (title: RightsTitleInput): void => {
    const known = titles.get(title.id);
    titles.set(title.id, known ? { ...title, ...known } : title);
  };

  for (const avail of avails) {
    const issue = (column: string, message: string, value?: string): void => {
      issues.push(
        value === undefined ? { row: avail.row, column, message } : { row: avail.row, column, value, message },
      );
    };
    const before = issues.length;
    const work = avail.workType.toLowerCase();
    const kind = KINDS[work];
    if (kind === undefined)
      issue('WorkType', `${avail.workType} is not a work type the rights model knows`, avail.workType);
    const own =
      work === 'episode'
        ? ['EpisodeContentID', avail.episodeContentId]
        : work === 'season'
          ? ['SeasonContentID', avail.seasonContentId]
          : work === 'series'
            ? ['SeriesContentID', avail.seriesContentId]
            : ['ContentID', avail.contentId];
    const [idColumn, idValue] = own[1] !== undefined ? own : ['ALID', avail.alid];
    const titleId = idValue;
    if (titleId === undefined) issue('ALID', `a ${avail.workType} avail needs ${own[0]} or ALID to name its title`);
    else if (!ID.test(titleId))
      issue(idColumn as string, 'must be 1-128 letters, digits or ._:- to name a title', titleId);
    const media = AVAILS_MEDIA[avail.licenseType];
    if (media === undefined)
      issue(
        'LicenseType',
        `${avail.licenseType} is not a media right; use EST, VOD, SVOD, POEST or Pre-Release`,
        avail.licenseType,
      );
    let territories: string | undefined;
    try {
      if (avail.territories.includes('WORLDWIDE')) {
        if (avail.territoryExclusions.length > 0) TerritorySet.of(avail.territoryExclusions);
        territories =
          avail.territoryExclusions.length > 0 ? `WORLD except ${avail.territoryExclusions.join(', ')}` : 'WORLD';
      } else {
        const codes = avail.territories.filter((c) => !avail.territoryExclusions.includes(c));
        TerritorySet.of(codes);
        if (codes.length === 0) issue('TerritoryExclusion', 'excludes every listed territory');
        territories = codes.join(', ');
      }
    } catch (error) {
      issue('Territory', (error as Error).message, avail.territories.join(','));
    }
    const formats: ('SD' | 'HD' | 'UHD' | 'HDR')[] = [];
    if (avail.formatProfile !== undefined) {
      if (avail.formatProfile.startsWith('3D'))
        issue('FormatProfile', '3D profiles are not format rights the model knows', avail.formatProfile);
      else formats.push(avail.formatProfile as 'SD' | 'HD' | 'UHD');
    }
    if (avail.hdr !== undefined && !/^(false|no)$/i.test(avail.hdr)) formats.push('HDR');
    for (const [column, lag] of [
      ['StartLag', avail.startLag],
      ['EndLag', avail.endLag],
    ] as const)
      if (lag !== undefined && !LagSchema.safeParse(lag).success)
        issue(column, 'a lag in the rights model is whole years, months, weeks or days (P18M, P1Y, P30D)', lag);
    if (issues.length > before || titleId === undefined || media === undefined || territories === undefined) continue;

    const licensee = avail.licensee ?? defaultLicensee;
    if (licensee === undefined) {
      issue('Licensee', 'is empty and no default licensee was given');
      continue;
    }
    const contract = avail.contractId ?? `${avail.licensor}|${licensee}`;
    // A deal is one licensor, licensee, contract and title: rows differing in any never merge.
    const key = JSON.stringify([avail.licensor, licensee, avail.contractId ?? null, titleId]);
    let dealId = dealIds.get(key);
    if (dealId === undefined) {
      const base = idOf(
        `${avail.contractId ?? `avails-${hash(contract)}`}:${titleId}`,
        () => `avails-${hash(contract + titleId)}`,
      );
      // The readable id unless another deal holds it (`C 1` and `C-1` clean to the same id).
      let candidate = base;
      for (let n = 0; usedDealIds.has(candidate); n++)
        candidate = `${base.slice(0, 100)}.${hash(key)}${n === 0 ? '' : `.${n}`}`;
      dealId = candidate;
      dealIds.set(key, dealId);
      usedDealIds.add(dealId);
    }
    let grantId = idOf(avail.availId ?? `row-${avail.row}`, () => `row-${avail.row}`);
    if (avail.entryType === 'Delete' || avail.entryType === 'Full Delete') {
      if (avail.availId === undefined) {
        issue('AvailID', `a ${avail.entryType} needs the AvailID of the avail it withdraws`);
        continue;
      }
      withdrawals.push({ row: avail.row, dealId, grantId });
      continue;
    }
    if (grantIds.has(grantId)) grantId = idOf(`${grantId}.row-${avail.row}`, () => `row-${avail.row}`);
    grantIds.add(grantId);

    const bound = (b: AvailsBound, lag: string | undefined, edge: 'start' | 'end'): WindowBound | undefined => {
      // An Avails End date is the last day available; the window's end is the day after.
      if ('date' in b) return edge === 'end' ? shiftAvailsDate(b.date, 1) : b.date;
      if ('instant' in b) return b.instant;
      if (b.condition === 'Open' || b.condition === 'Immediate') return undefined;
      const event = conditionEvent(titleId, b.condition, grantId, edge);
      events[event] = { name: b.condition === 'TBD' ? `TBD ${edge} of ${grantId}` : `${b.condition} of ${titleId}` };
      return lag === undefined ? { event } : { event, lag };
    };
    const start = bound(avail.start, avail.startLag, 'start');
    const end = bound(avail.end, avail.endLag, 'end');
    const window = { ...(start === undefined ? {} : { start }), ...(end === undefined ? {} : { end }) };
    const forms = formsOf(avail.localizationType);
    const grant: GrantInput = {
      id: grantId,
      media: [media],
      territories,
      window,
      exclusive: avail.exclusive ?? false,
      ...(avail.exclusiveAttributes === undefined ? {} : { exclusiveAttributes: avail.exclusiveAttributes }),
      ...(formats.length > 0 ? { formats } : {}),
      ...(avail.allowedLanguages.length > 0
        ? { languages: avail.allowedLanguages.map((language) => ({ language, forms })) }
        : {}),
    };
    let deal = deals.get(dealId);
    if (!deal) {
      deal = {
        id: dealId,
        status,
        direction,
        licensor: avail.licensor,
        licensee,
        assets: [titleId],
        grants: [],
        holdbacks: [],
        ...(avail.contractId === undefined ? {} : { contractId: avail.contractId }),
      };
      deals.set(dealId, deal);
    }
    deal.grants.push(grant);
    if (avail.licenseType === 'EST' && !('condition' in avail.start)) {
      const at = 'date' in avail.start ? `${avail.start.date}T00:00:00Z` : avail.start.instant;
      const known = estStarts.get(titleId);
      estStarts.set(titleId, known === undefined || known === at ? at : null);
    }
    if (avail.holdbackLanguages.length > 0)
      deal.holdbacks.push({
        id: `${grantId.slice(0, 118)}.holdback`,
        media: [media],
        territories,
        languages: [...avail.holdbackLanguages],
        window,
        reason: `HoldbackLanguage of avail ${grantId}`,
      });
    addTitles(avail, titleId, kind as RightsTitleInput['kind'], addTitle);
  }
  for (const [titleId, at] of estStarts) {
    const event = events[conditionEvent(titleId, 'ESTStart', '', 'start')];
    if (event !== undefined && at !== null) event.at = at;
  }
  return { deals: [...deals.values()], titles: [...titles.values()], events, withdrawals, issues };
}

/** Language forms from EMA `LocalizationType`: `sub`, `dub`, `subdub`, `any` (or none: every form). */
function formsOf(type: string | undefined): ('original' | 'dubbed' | 'subtitled')[] {
  switch (type) {
    case 'sub':
      return ['subtitled'];
    case 'dub':
      return ['dubbed'];
    case 'subdub':
      return ['dubbed', 'subtitled'];
    default:
      return ['original', 'dubbed', 'subtitled'];
  }
}

/** The title of a row and, for TV, its season and series above it. */
function addTitles(
  avail: Avail,
  titleId: string,
  kind: RightsTitleInput['kind'],
  add: (title: RightsTitleInput) => void,
): void {
  const series =
    avail.seriesContentId !== undefined && ID.test(avail.seriesContentId) ? avail.seriesContentId : undefined;
  const season =
    avail.seasonContentId !== undefined && ID.test(avail.seasonContentId) ? avail.seasonContentId : undefined;
  if (series !== undefined && series !== titleId) add({ id: series, kind: 'series' });
  if (season !== undefined && season !== titleId)
    add({
      id: season,
      kind: 'season',
      ...(series === undefined ? {} : { parent: series }),
      ...(avail.seasonNumber !== undefined && /^\d{1,6}$/.test(avail.seasonNumber)
        ? { number: Number(avail.seasonNumber) }
        : {}),
    });
  const parent = kind === 'episode' ? (season ?? series) : kind === 'season' ? series : undefined;
  const number = kind === 'episode' ? avail.episodeNumber : kind === 'season' ? avail.seasonNumber : undefined;
  add({
    id: titleId,
    kind,
    ...(parent === undefined ? {} : { parent }),
    ...(avail.title === undefined ? {} : { name: avail.title.slice(0, 300) }),
    ...(number !== undefined && /^\d{1,6}$/.test(number) ? { number: Number(number) } : {}),
    ...(avail.alid === undefined ? {} : { alid: avail.alid.slice(0, 300) }),
    ...(avail.titleId !== undefined && EIDR.test(avail.titleId) ? { eidr: avail.titleId } : {}),
  });
}
