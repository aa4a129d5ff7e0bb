import { ABSOLUTE, type Bound, OPEN } from './bounds.js';
import type { CompiledElement, Rule } from './compile.js';
import type { ElementConflict, RightsQuery } from './decision.js';

/** What of a query the dimension checks read. */
export type QueryScope = Pick<
  RightsQuery,
  'language' | 'languageForm' | 'audioLanguage' | 'subtitleLanguage' | 'platform' | 'format'
>;

/** True when `tag` is `have` or one of its subtags (`fr` covers `fr-CA`), case-insensitively. */
export function languageCovers(have: string, tag: string): boolean {
  const h = have.toLowerCase();
  const t = tag.toLowerCase();
  return t === h || t.startsWith(`${h}-`);
}

/**
 * True when a grant's languages cover the query: `language` (in `languageForm` if given), the audio
 * language (as `original` or `dubbed`) and the subtitle language (as `subtitled`). A query without
 * languages is not limited by them.
 */
export function languageOk(r: Rule, q: QueryScope): boolean {
  const langs = r.grant?.languages;
  if (langs === undefined) return true;
  if (
    q.language !== undefined &&
    !langs.some(
      (l) =>
        languageCovers(l.language, q.language as string) &&
        (q.languageForm === undefined || l.forms.includes(q.languageForm)),
    )
  )
    return false;
  if (
    q.audioLanguage !== undefined &&
    !langs.some(
      (l) =>
        languageCovers(l.language, q.audioLanguage as string) &&
        (l.forms.includes('original') || l.forms.includes('dubbed')),
    )
  )
    return false;
  if (
    q.subtitleLanguage !== undefined &&
    !langs.some((l) => languageCovers(l.language, q.subtitleLanguage as string) && l.forms.includes('subtitled'))
  )
    return false;
  return true;
}

/** True when a grant limited to platforms is asked about one of them. */
export function platformOk(r: Rule, q: QueryScope): boolean {
  const platforms = r.grant?.platforms;
  return platforms === undefined || (q.platform !== undefined && platforms.includes(q.platform));
}

/** True when a grant limited to formats is asked about one of them. */
export function formatOk(r: Rule, q: QueryScope): boolean {
  const formats = r.grant?.formats;
  return formats === undefined || (q.format !== undefined && formats.includes(q.format));
}

/** True when a grant covers the query's languages, platform and format. */
export function grantCovers(r: Rule, q: QueryScope): boolean {
  return !r.filtered || (languageOk(r, q) && platformOk(r, q) && formatOk(r, q));
}

/** The languages a query delivers (any of them may be blocked). */
function queryLanguages(q: QueryScope): string[] {
  const out: string[] = [];
  if (q.language !== undefined) out.push(q.language);
  if (q.audioLanguage !== undefined) out.push(q.audioLanguage);
  if (q.subtitleLanguage !== undefined) out.push(q.subtitleLanguage);
  return out;
}

/**
 * True when a block (holdback or exclusive sale) applies to the query. A block scoped to languages
 * applies when the query delivers one of them, or names no language (it might); scoped to formats,
 * when the query's format is one of them or unnamed. A holdback scoped to platforms applies on those
 * platforms (or an unnamed one); an exclusive sale limited to platforms blocks every other platform
 * (or an unnamed one) but never delivery to its own platforms.
 */
export function blockApplies(r: Rule, q: QueryScope): boolean {
  if (!r.filtered) return true;
  const languages = r.grant !== undefined ? r.grant.languages?.map((l) => l.language) : r.holdback?.languages;
  if (languages !== undefined) {
    const wanted = queryLanguages(q);
    if (wanted.length > 0 && !wanted.some((w) => languages.some((l) => languageCovers(l, w)))) return false;
  }
  const formats = r.grant?.formats ?? r.holdback?.formats;
  if (formats !== undefined && q.format !== undefined && !formats.includes(q.format)) return false;
  if (r.grant?.platforms !== undefined) {
    if (q.platform !== undefined && r.grant.platforms.includes(q.platform)) return false;
  } else if (r.holdback?.platforms !== undefined) {
    if (q.platform !== undefined && !r.holdback.platforms.includes(q.platform)) return false;
  }
  return true;
}

/** True when a rule's window holds the instant (absolute bounds) or local wall times (local bounds). */
export function inWindow(r: Rule, at: number, startLocal: number, endLocal: number): boolean {
  const sk = r.sk;
  const ek = r.ek;
  return (
    (sk === OPEN || (sk === ABSOLUTE ? at >= r.sm : startLocal >= r.sm)) &&
    (ek === OPEN || (ek === ABSOLUTE ? at < r.em : endLocal < r.em))
  );
}

/** Frames of a timecode `HH:MM:SS:FF` at a nominal rate (for ordering spans on one version). */
export function timecodeFrames(tc: string, rate: string): number {
  const parts = tc.split(/[:;]/).map(Number);
  const fps = Math.max(1, Math.round(Number.parseFloat(rate) || 25));
  const [h = 0, m = 0, s = 0, f = 0] = parts;
  return ((h * 60 + m) * 60 + s) * fps + f;
}

/** Elements of a version not cleared for the query (within its span, when it asks about a clip). */
export function elementConflicts(
  elements: readonly CompiledElement[] | undefined,
  q: RightsQuery,
  ti: number,
  at: number,
  instantOf: (b: Bound, edge: 'start' | 'end') => number,
): ElementConflict[] {
  if (elements === undefined) return [];
  const use = q.use ?? 'program';
  const out: ElementConflict[] = [];
  const byId = new Map(elements.map((e) => [e.element.id, e]));
  const cleared = (e: CompiledElement) =>
    e.clearances.some(
      (c) =>
        (c.media === undefined || c.media.has(q.channel)) &&
        c.territories.hasIndex(ti) &&
        (c.uses === undefined || c.uses.has(use)) &&
        (c.start.kind === OPEN || at >= instantOf(c.start, 'start')) &&
        (c.end.kind === OPEN || at < instantOf(c.end, 'end')),
    );
  for (const compiled of elements) {
    const { element } = compiled;
    if (element.assetId !== q.assetId) continue;
    // A substitute cue is checked where it replaces another, not on its own.
    if (elements.some((e) => e.element.substitute === element.id)) continue;
    if (q.span !== undefined) {
      const from = timecodeFrames(q.span.in, element.rate);
      const to = timecodeFrames(q.span.out, element.rate);
      if (timecodeFrames(element.out, element.rate) <= from || timecodeFrames(element.in, element.rate) >= to) continue;
    }
    if (cleared(compiled)) continue;
    const substitute = element.substitute === undefined ? undefined : byId.get(element.substitute);
    const substituteCleared = substitute !== undefined && cleared(substitute);
    out.push({
      elementId: element.id,
      kind: element.kind,
      name: element.name,
      in: element.in,
      out: element.out,
      action: substitute !== undefined && !substituteCleared ? 'block' : element.whenNotCleared,
      ...(substitute !== undefined && substituteCleared ? { substituteId: substitute.element.id } : {}),
    });
  }
  return out;
}
