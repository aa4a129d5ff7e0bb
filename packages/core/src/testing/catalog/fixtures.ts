import type { AssetInput, Clock, PrincipalInput } from '../../index.js';

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private ms = Date.parse('2026-11-21T09:00:00.000Z')) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export const admin: PrincipalInput = { id: 'root', global: 'admin' };
export const auditor: PrincipalInput = { id: 'auditor', global: 'auditor' };
export const dramaEditor: PrincipalInput = { id: 'ana', memberships: [{ project: 'drama', role: 'editor' }] };
export const dramaEditor2: PrincipalInput = { id: 'ben', memberships: [{ project: 'drama', role: 'editor' }] };
export const dramaViewer: PrincipalInput = { id: 'vic', memberships: [{ project: 'drama', role: 'viewer' }] };
export const dramaManager: PrincipalInput = { id: 'meg', memberships: [{ project: 'drama', role: 'manager' }] };
export const newsEditor: PrincipalInput = { id: 'ned', memberships: [{ project: 'news', role: 'editor' }] };

/** A deterministic pseudo-random generator for generated catalogs. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const GENRES = ['drama', 'comedy', 'crime', 'documentary', 'thriller', 'kids', 'news', 'sport'];
const MOODS = ['dark', 'uplifting', 'tense', 'calm', 'funny'];
const WORDS = ['river', 'crossing', 'harbour', 'night', 'signal', 'winter', 'garden', 'station', 'echo', 'interview'];
const PEOPLE = ['Ada Byrne', 'Kofi Mensah', 'Lena Vogel', 'Marta Ruiz', 'Sven Olsen', 'Yuki Tanaka'];
const LANGS = ['en', 'fr', 'de', 'es', 'ja'];
const KINDS = ['feature', 'episode', 'documentary', 'clip'] as const;
const RATINGS: [string, string, string][] = [
  ['GB', 'BBFC', 'U'],
  ['GB', 'BBFC', 'PG'],
  ['GB', 'BBFC', '15'],
  ['US', 'MPA', 'PG-13'],
  ['DE', 'FSK', '12'],
];

/** A varied asset for generated catalogs. */
export function randomAsset(random: () => number, i: number, project: string): AssetInput {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const some = <T>(list: readonly T[], max: number): T[] => [
    ...new Set(Array.from({ length: 1 + Math.floor(random() * max) }, () => pick(list))),
  ];
  const lang = pick(LANGS);
  const [territory, system, value] = pick(RATINGS);
  return {
    id: `a${String(i).padStart(6, '0')}`,
    project,
    kind: pick(KINDS),
    titles: [{ language: lang, value: `${pick(WORDS)} ${pick(WORDS)} ${i}` }],
    synopses:
      random() < 0.7 ? [{ language: lang, value: `A story about the ${pick(WORDS)} and the ${pick(WORDS)}.` }] : [],
    genres: some(GENRES, 2),
    moods: some(MOODS, 2),
    credits: some(PEOPLE, 3).map((name) => ({ name, role: 'actor' as const })),
    ratings: [{ territory, system, value }],
    originalLanguage: lang,
    ...(random() < 0.8 ? { productionYear: 1990 + Math.floor(random() * 35) } : {}),
    recommendation: { popularity: Math.round(random() * 100) / 100 },
  };
}
