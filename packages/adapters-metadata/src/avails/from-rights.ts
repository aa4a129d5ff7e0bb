/**
 * The engine's rights out as avails: one avail per deal × title × grant × media × format × territory
 * (or one `WORLDWIDE` avail with exclusions) × language-form group. What the Avails layout cannot
 * hold (a medium outside the EMA vocabulary, a bound relative to another grant, a holdback that is
 * not a language holdback on a grant) is never written approximately: it becomes an export issue
 * naming the deal and grant, and that part is left out.
 */
import { FramewiseError } from '@framewise/core/errors';
import {
  type Deal,
  type Grant,
  type LicenseType,
  parseTerritories,
  type RightsDocument,
  type RightsDocumentInput,
  RightsDocumentSchema,
  type RightsTitle,
  shiftBound,
  TERRITORIES,
} from '@framewise/core/rights';
import { z } from 'zod';
import type { Avail, AvailsBound, AvailsCondition, AvailsLicenseType, AvailsLocalizationType } from './row.js';
import { AVAILS_CONDITIONS, shiftAvailsDate } from './row.js';
import { AVAILS_MEDIA } from './to-rights.js';

/** A window bound after validation. */
type WindowBoundValue = NonNullable<Grant['window']['start']>;

/** Options for writing rights out as avails. */
export const RightsToAvailsOptionsSchema = z.strictObject({
  /** Which deals: `out` (default: what was sold, as a studio sends avails), `in`, or `all`. */
  direction: z.enum(['in', 'out', 'all']).default('out'),
  /** Include `draft` deals (default: executed deals only). */
  drafts: z.boolean().default(false),
  /** `WORLDWIDE` avails for grants covering at least this many territories (with the rest as exclusions). */
  worldwideFrom: z.number().int().min(1).default(200),
});
/** Options for writing rights out as avails, as written. */
export type RightsToAvailsOptions = z.input<typeof RightsToAvailsOptionsSchema>;

/** A part of the rights the Avails layout cannot hold, left out of the export. */
export interface RightsExportIssue {
  /** The path in the rights document: `deals[2].grants[0]`, `deals[2].holdbacks[1]`. */
  readonly path: string;
  readonly message: string;
}

/** The export: the avails, and what was left out. */
export interface RightsAvails {
  readonly avails: Avail[];
  readonly issues: RightsExportIssue[];
}

const LICENSE_TYPES = new Map<LicenseType, AvailsLicenseType>(
  Object.entries(AVAILS_MEDIA)
    .filter((entry): entry is [AvailsLicenseType, LicenseType] => entry[1] !== undefined)
    .map(([type, media]) => [media, type]),
);

const WORK_TYPES: Record<RightsTitle['kind'], string> = {
  movie: 'Movie',
  series: 'Series',
  season: 'Season',
  episode: 'Episode',
  supplemental: 'Supplemental',
};

const formsType = (forms: readonly string[]): AvailsLocalizationType | undefined => {
  const key = [...forms].sort().join(',');
  return key === 'subtitled'
    ? 'sub'
    : key === 'dubbed'
      ? 'dub'
      : key === 'dubbed,subtitled'
        ? 'subdub'
        : key === 'dubbed,original,subtitled'
          ? undefined
          : ('none' as never);
};

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Writes the rights of a document (as `createRightsEngine` takes it) as avails, ready for
 * `writeAvailsCsv` or `writeAvailsXlsx`.
 *
 * @throws FramewiseError `INVALID_INPUT` when the document is not a valid rights document.
 */
export function rightsToAvails(document: RightsDocumentInput, options?: RightsToAvailsOptions): RightsAvails {
  const parsedOptions = RightsToAvailsOptionsSchema.safeParse(options ?? {});
  if (!parsedOptions.success)
    throw new FramewiseError('INVALID_CONFIG', `Rights to avails options: ${z.prettifyError(parsedOptions.error)}`, {
      cause: parsedOptions.error,
    });
  const parsedDocument = RightsDocumentSchema.safeParse(document);
  if (!parsedDocument.success)
    throw new FramewiseError('INVALID_INPUT', `Rights document: ${z.prettifyError(parsedDocument.error)}`, {
      cause: parsedDocument.error,
    });
  const doc: RightsDocument = parsedDocument.data;
  const { direction, drafts, worldwideFrom } = parsedOptions.data;
  const titles = new Map(doc.titles.map((t) => [t.id, t]));
  const avails: Avail[] = [];
  const issues: RightsExportIssue[] = [];
  doc.deals.forEach((deal, d) => {
    if (direction !== 'all' && deal.direction !== direction) return;
    if (deal.status === 'draft' && !drafts) return;
    const languageHoldbacks = new Map<number, string[]>();
    deal.holdbacks.forEach((holdback, h) => {
      const grantIndex = deal.grants.findIndex(
        (g) =>
          holdback.languages !== undefined &&
          holdback.platforms === undefined &&
          holdback.formats === undefined &&
          sameJson(holdback.media, g.media) &&
          holdback.territories === g.territories &&
          sameJson(holdback.window, g.window) &&
          holdback.zone === g.zone,
      );
      if (grantIndex < 0 || !holdback.languages)
        issues.push({
          path: `deals[${d}].holdbacks[${h}]`,
          message: `holdback ${holdback.id} is not a language holdback on one of the deal's grants: Avails has no column for it`,
        });
      else languageHoldbacks.set(grantIndex, [...(languageHoldbacks.get(grantIndex) ?? []), ...holdback.languages]);
    });
    deal.grants.forEach((grant, g) => {
      const path = `deals[${d}].grants[${g}]`;
      const rows = grantAvails(doc, deal, grant, path, issues, worldwideFrom);
      for (const assetId of deal.assets)
        for (const row of rows)
          avails.push(titled({ ...row, holdbackLanguages: languageHoldbacks.get(g) ?? [] }, assetId, titles));
    });
  });
  return { avails: avails.map((a, i) => ({ ...a, row: i + 4 })), issues };
}

/** An avail before its title is known. */
type AvailDraft = Omit<Avail, 'row' | 'workType'>;

/** The avails of one grant, without their title. */
function grantAvails(
  doc: RightsDocument,
  deal: Deal,
  grant: Grant,
  path: string,
  issues: RightsExportIssue[],
  worldwideFrom: number,
): AvailDraft[] {
  const fail = (message: string): AvailDraft[] => {
    issues.push({ path, message: `grant ${grant.id}: ${message}` });
    return [];
  };
  if (grant.platforms !== undefined) return fail('a grant limited to platforms has no Avails column');
  if (grant.maxRuns !== undefined) return fail('a run limit has no Avails column');
  if (grant.languages?.length === 0) return fail('a grant of no language has no Avails form');
  const start = boundOf(doc, grant.window.start, 'start');
  const end = boundOf(doc, grant.window.end, 'end');
  if (start === undefined || end === undefined)
    return fail(
      'a bound relative to another grant, or to an event that is neither dated nor an EMA condition, has no Avails form',
    );
  if (grant.zone !== undefined && ('date' in start.bound || 'date' in end.bound))
    return fail('dates read in a grant zone have no Avails form');
  const media: AvailsLicenseType[] = [];
  for (const m of grant.media) {
    const type = LICENSE_TYPES.get(m);
    if (type === undefined)
      issues.push({ path, message: `grant ${grant.id}: ${m} is not an EMA Avails license type; left out` });
    else media.push(type);
  }
  const formats = grant.formats ?? [];
  const hdr = formats.includes('HDR');
  const profiles = formats.filter((f) => f !== 'HDR') as ('SD' | 'HD' | 'UHD')[];
  const languageGroups = new Map<string, { type: AvailsLocalizationType | undefined; tags: string[] }>();
  for (const right of grant.languages ?? []) {
    const type = formsType(right.forms);
    if ((type as string) === 'none')
      return fail(`the language forms ${right.forms.join(', ')} have no EMA LocalizationType`);
    const key = String(type);
    const group = languageGroups.get(key) ?? { type, tags: [] };
    group.tags.push(right.language);
    languageGroups.set(key, group);
  }
  const languages =
    grant.languages === undefined ? [{ type: undefined, tags: [] as string[] }] : [...languageGroups.values()];
  const set = parseTerritories(grant.territories, doc.groups);
  const codes = set.codes();
  const places =
    codes.length >= worldwideFrom
      ? [{ territories: ['WORLDWIDE'], territoryExclusions: TERRITORIES.map((t) => t.code).filter((c) => !set.has(c)) }]
      : codes.map((code) => ({ territories: [code], territoryExclusions: [] as string[] }));
  const out: AvailDraft[] = [];
  let n = 0;
  for (const licenseType of media)
    for (const profile of profiles.length > 0 ? profiles : [undefined])
      for (const place of places)
        for (const language of languages) {
          n++;
          out.push({
            entryType: 'Full Extract',
            licensor: deal.licensor,
            licensee: deal.licensee,
            ...place,
            licenseType,
            ...(profile === undefined ? {} : { formatProfile: profile }),
            ...(hdr ? { hdr: 'true' } : {}),
            start: start.bound,
            ...(start.lag === undefined ? {} : { startLag: start.lag }),
            end: end.bound,
            ...(end.lag === undefined ? {} : { endLag: end.lag }),
            exclusive: grant.exclusive,
            ...(grant.exclusiveAttributes === undefined ? {} : { exclusiveAttributes: grant.exclusiveAttributes }),
            allowedLanguages: language.tags,
            holdbackLanguages: [],
            ...(language.type === undefined || grant.languages === undefined
              ? {}
              : { localizationType: language.type }),
            ...(deal.contractId === undefined ? {} : { contractId: deal.contractId }),
            availId: `${grant.id}.${n}`,
          });
        }
  return out;
}

/** A window bound as an Avails cell, or undefined when Avails cannot say it. */
function boundOf(
  doc: RightsDocument,
  bound: WindowBoundValue | undefined,
  edge: 'start' | 'end',
): { bound: AvailsBound; lag?: string } | undefined {
  if (bound === undefined) return { bound: { condition: edge === 'start' ? 'Immediate' : 'Open' } };
  // A window's end date is the first day no longer available; Avails' End is the last day available.
  const dated = (at: string): AvailsBound =>
    at.length === 10 ? { date: edge === 'end' ? shiftAvailsDate(at, -1) : at } : { instant: at };
  if (typeof bound === 'string') return { bound: dated(bound) };
  if (!('event' in bound)) return undefined;
  const event = doc.events[bound.event];
  if (event?.at !== undefined) {
    // A dated event: the bound is that date (or instant) shifted by the lag, as the engine resolves it.
    const at = bound.lag === undefined ? event.at : shiftBound(event.at, bound.lag);
    if (at === undefined) return undefined;
    return { bound: dated(at) };
  }
  const parts = bound.event.split(':');
  const condition: AvailsCondition | undefined = parts.includes('tbd')
    ? 'TBD'
    : AVAILS_CONDITIONS.find((c) => c.toLowerCase() === parts[parts.length - 1]?.toLowerCase());
  if (condition === undefined) return undefined;
  return bound.lag === undefined ? { bound: { condition } } : { bound: { condition }, lag: bound.lag };
}

/** Adds the title's identifiers and work type to an avail. */
function titled(avail: Omit<Avail, 'row' | 'workType'>, assetId: string, titles: Map<string, RightsTitle>): Avail {
  const title = titles.get(assetId);
  const kind = title?.kind ?? 'movie';
  const parent = title?.parent === undefined ? undefined : titles.get(title.parent);
  const season = kind === 'season' ? title : parent?.kind === 'season' ? parent : undefined;
  const seriesId =
    kind === 'series' ? assetId : (season?.parent ?? (parent?.kind === 'series' ? parent.id : undefined));
  const ids: Record<string, string | undefined> = {
    alid: title?.alid ?? assetId,
    ...(title?.eidr === undefined ? {} : { titleId: title.eidr }),
    ...(title?.name === undefined ? {} : { title: title.name }),
    ...(kind === 'movie' || kind === 'supplemental' ? { contentId: assetId } : {}),
    ...(kind === 'episode' ? { episodeContentId: assetId } : {}),
    ...(season === undefined ? {} : { seasonContentId: season.id }),
    ...(seriesId === undefined ? {} : { seriesContentId: seriesId }),
    ...(season?.number === undefined ? {} : { seasonNumber: String(season.number) }),
    ...(kind === 'episode' && title?.number !== undefined ? { episodeNumber: String(title.number) } : {}),
  };
  return { ...avail, row: 0, workType: WORK_TYPES[kind], ...ids } as Avail;
}
