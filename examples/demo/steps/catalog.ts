/**
 * Demo step 2, the catalog: ingest a series and a feature with versions and a proxy, annotate
 * segments, carry them through a compliance edit, run searches, check-out and access control,
 * and verify the audit trail — on embedded PGlite, durable in a directory.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createPGliteCatalogStore } from '@framewise/adapters-storage/pglite';
import { type Catalog, createCatalog } from '@framewise/core/catalog';
import { isFramewiseError } from '@framewise/core/errors';
import { FrameRate, Timecode, TimeRange } from '@framewise/core/time';
import { heading, note, table } from '../print.js';

const ana = { id: 'ana', memberships: [{ project: 'drama', role: 'editor' as const }] };
const ben = { id: 'ben', memberships: [{ project: 'drama', role: 'editor' as const }] };
const ned = { id: 'ned', memberships: [{ project: 'news', role: 'editor' as const }] };
const auditor = { id: 'audit-bot', global: 'auditor' as const };
const person = { kind: 'person' as const, id: 'ana' };
const PAL = FrameRate.FPS_25;
const tc = (label: string) => Timecode.parse(label, PAL).frames;
const rel = (label: string) => tc(label) - tc('10:00:00:00');
const show = (frames: number) => Timecode.fromFrames(frames + tc('10:00:00:00'), PAL).toString();

async function ingest(catalog: Catalog) {
  const series = await catalog.createAsset(ana, {
    id: 'crossing',
    project: 'drama',
    kind: 'series',
    titles: [
      { language: 'en-GB', value: 'The Crossing' },
      { language: 'fr', value: 'La Traversée' },
    ],
    genres: ['Drama', 'Crime'],
    moods: ['tense'],
  });
  const episodes = [];
  for (const [n, title, synopsis] of [
    [1, 'Low Tide', 'A body on the ferry, and an interview that goes wrong.'],
    [2, 'Harbour Lights', 'The harbour master keeps a secret; the river keeps another.'],
  ] as const) {
    episodes.push(
      await catalog.createAsset(ana, {
        id: `crossing-s01e0${n}`,
        project: 'drama',
        kind: 'episode',
        titles: [{ language: 'en-GB', value: title }],
        synopses: [{ language: 'en-GB', value: synopsis }],
        numbering: { seriesId: series.id, seasonNumber: 1, episodeNumber: n, productionNumber: `10${n}` },
        genres: ['Drama', 'Crime'],
        moods: ['tense', 'dark'],
        credits: [
          { name: 'Ada Byrne', role: 'actor', character: 'DI Rowe', order: 1 },
          { name: 'Kofi Mensah', role: 'director' },
        ],
        ratings: [{ territory: 'GB', system: 'BBFC', value: '15', descriptors: ['violence'] }],
        originalLanguage: 'en-GB',
        productionYear: 2026,
        externalIds: [{ scheme: 'house', namespace: 'traffic', value: `TC10${n}` }],
        recommendation: { audiences: ['adult'], popularity: n === 1 ? 0.9 : 0.7 },
      }),
    );
  }
  const feature = await catalog.createAsset(ana, {
    id: 'harbour-feature',
    project: 'drama',
    kind: 'feature',
    titles: [{ language: 'en', value: 'Night Signal' }],
    synopses: [{ language: 'en', value: 'A radio operator hears an interview from the future.' }],
    genres: ['Thriller'],
    moods: ['tense'],
    credits: [{ name: 'Ada Byrne', role: 'actor' }],
    ratings: [{ territory: 'GB', system: 'BBFC', value: '12A' }],
    productionYear: 2025,
    recommendation: { popularity: 0.8 },
    drm: {
      systems: ['widevine', 'fairplay', 'playready'],
      widevineSecurityLevel: 'L1',
      licenseServerRef: 'drm/prod',
      outputRestrictions: [{ deviceClass: 'software', hdcp: 'none', maxHeight: 720 }],
    },
  });
  await catalog.createAsset(ned, {
    id: 'news-0412',
    project: 'news',
    kind: 'news-item',
    titles: [{ language: 'en', value: 'Harbour strike' }],
  });
  return { series, episodes, feature };
}

async function versions(catalog: Catalog, featureId: string) {
  const rate = FrameRate.FPS_23_976.toJSON();
  const add = (name: string, kind: 'camera-original' | 'conform' | 'grade' | 'master' | 'proxy', storage: string) =>
    catalog.addVersion(ana, featureId, {
      name,
      kind,
      rate,
      durationFrames: 24 * 60 * 100,
      startTimecode: '01:00:00:00',
      locations: [{ storage, key: `night-signal/${name}.mxf` }],
    });
  const a = await add('A001C003', 'camera-original', 'camera-archive');
  const b = await add('B002C011', 'camera-original', 'camera-archive');
  const conform = await add('conform-v3', 'conform', 'online');
  const grade = await add('grade-hdr', 'grade', 'online');
  const master = await add('IMF-master', 'master', 'online');
  const proxy = await add('proxy-h264', 'proxy', 'online');
  await catalog.relateVersions(ana, { from: conform.id, to: a.id, type: 'conform-of' });
  await catalog.relateVersions(ana, { from: conform.id, to: b.id, type: 'conform-of' });
  await catalog.relateVersions(ana, { from: grade.id, to: conform.id, type: 'graded-from' });
  await catalog.relateVersions(ana, { from: master.id, to: grade.id, type: 'remaster-of' });
  await catalog.relateVersions(ana, { from: proxy.id, to: master.id, type: 'proxy-of' });
  // The master moves to nearline storage: the proxy stays linked by id.
  await catalog.relocateVersion(ana, master.id, [{ storage: 'nearline', key: 'night-signal/IMF-master.mxf' }]);
  const lineage = await catalog.lineage(ana, proxy.id);
  const chain = lineage.versions.filter((v) => !lineage.originals.includes(v)).map((v) => v.name);
  note(
    `feature "Night Signal" lineage: ${[proxy.name, ...chain].join(' -> ')} -> {${lineage.originals.map((v) => v.name).join(', ')}}`,
  );
  note(
    `the master moved to "${lineage.versions.find((v) => v.kind === 'master')?.locations[0]?.storage}" storage; the proxy is still linked to it`,
  );
}

async function annotateAndEdit(catalog: Catalog, episodeId: string) {
  const master = await catalog.addVersion(ana, episodeId, {
    name: 'TX master',
    kind: 'master',
    rate: PAL.toJSON(),
    durationFrames: rel('10:46:30:00'),
    startTimecode: '10:00:00:00',
  });
  const span = (from: string, to: string) => ({ start: rel(from), duration: rel(to) - rel(from) });
  await catalog.addAnnotations(ana, master.id, [
    { type: 'segment', ...span('10:00:00:00', '10:11:40:00'), text: 'Part 1: the ferry', provenance: person },
    { type: 'segment', ...span('10:11:40:00', '10:24:10:00'), text: 'Part 2: the interview', provenance: person },
    { type: 'segment', ...span('10:24:10:00', '10:46:30:00'), text: 'Part 3: the harbour', provenance: person },
    {
      type: 'ad-break',
      start: rel('10:11:40:00'),
      duration: 0,
      text: 'Break 1',
      data: { scte35: { segmentationTypeId: 52 } },
      provenance: person,
    },
    {
      type: 'ad-break',
      start: rel('10:24:10:00'),
      duration: 0,
      text: 'Break 2',
      data: { scte35: { segmentationTypeId: 52 } },
      provenance: person,
    },
    {
      type: 'music-cue',
      ...span('10:12:03:10', '10:13:40:02'),
      track: 'audio:1',
      text: 'Low Tide theme',
      data: { publisher: 'Example Music', usage: 'background' },
      provenance: person,
    },
    {
      type: 'content-flag',
      ...span('10:18:00:00', '10:18:45:00'),
      text: 'violence: fight on the quay',
      data: { category: 'violence' },
      provenance: { kind: 'ai-model', id: 'scene-classifier', version: '4.2', confidence: 0.88 },
    },
  ]);
  const found = await catalog.findAnnotations(ana, { versionId: master.id, contains: '10:12:30:00' });
  note(
    `annotations containing 10:12:30:00 on the TX master: ${found.items.map((a) => `${a.type} "${a.text}"`).join(', ')}`,
  );

  // A pre-watershed compliance edit cuts the fight (10:18:00:00-10:18:45:00).
  const keep1 = TimeRange.between(0, rel('10:18:00:00'), PAL);
  const keep2 = TimeRange.between(rel('10:18:45:00'), rel('10:46:30:00'), PAL);
  const edit = await catalog.deriveVersion(ana, {
    version: {
      name: 'pre-watershed',
      kind: 'compliance-edit',
      rate: PAL.toJSON(),
      durationFrames: keep1.duration + keep2.duration,
      startTimecode: '10:00:00:00',
    },
    relation: 'compliance-edit-of',
    editList: {
      rate: '25',
      recordStart: 0,
      events: [
        { source: master.id, start: keep1.start, duration: keep1.duration },
        { source: master.id, start: keep2.start, duration: keep2.duration },
      ],
    },
  });
  note(
    `compliance edit: ${edit.carried.length} annotations carried, ${edit.cut.length} cut (the flagged fight), ${edit.split.length} split, ${edit.trimmed.length} trimmed`,
  );
  const carried = [...edit.carried].sort((a, b) => a.start - b.start || a.duration - b.duration);
  const rows = carried.map((a) => [a.type, a.text ?? '', show(a.start), show(a.start + a.duration), a.flags.join(',')]);
  table(['type', 'text', 'in', 'out', 'flags'], rows);
  const breakTwo = edit.carried.find((a) => a.text === 'Break 2');
  note(`"Break 2" moved from 10:24:10:00 to ${show(breakTwo?.start ?? 0)} on the edit`);
}

async function searches(catalog: Catalog) {
  const page = await catalog.searchAssets(ana, {
    genres: ['drama'],
    text: 'interview',
    sort: { field: 'title', direction: 'asc' },
  });
  note(`search genre=drama text="interview": ${page.items.map((a) => a.titles[0]?.value).join(', ')}`);
  const segments = await catalog.findAnnotations(ana, {
    types: ['segment'],
    text: 'interview',
    startsWithin: { start: 0, end: 15 * 60 },
  });
  const where = await Promise.all(
    segments.items.map(async (a) => `"${a.text}" on ${(await catalog.getVersion(ana, a.versionId)).name}`),
  );
  note(`segments matching "interview" starting in the first 15 min, catalog-wide: ${where.join(', ')}`);
  const recs = await catalog.recommend(ana, {
    genres: ['crime', 'thriller'],
    moods: ['tense'],
    cast: ['Ada Byrne'],
    limit: 5,
  });
  note(`recommendations for crime/thriller, tense, with Ada Byrne: ${recs.join(', ')}`);
  try {
    await catalog.getAsset(ned, 'crossing-s01e01');
  } catch (error) {
    if (isFramewiseError(error, 'FORBIDDEN')) note(`news team asks for a drama asset: ${error.code}`);
  }
}

async function checkout(catalog: Catalog) {
  const lease = await catalog.checkOut(ana, 'crossing-s01e02', { note: 'metadata QC', ttlMs: 5 * 60_000 });
  try {
    await catalog.updateAsset(ben, 'crossing-s01e02', { moods: ['calm'] });
  } catch (error) {
    if (isFramewiseError(error, 'CONFLICT')) note(`Ben's edit refused: ${error.message}`);
  }
  await catalog.updateAsset(ana, 'crossing-s01e02', { keywords: ['harbour', 'secret'] }, { fence: lease.token });
  await catalog.checkIn(ana, 'crossing-s01e02', lease.token);
  note(`Ana checked out with fencing token ${lease.token}, edited, and checked in`);
}

/** The demo's catalog: embedded PGlite, durable in `dataDir/catalog` (emptied first). */
export function openDemoCatalog(dataDir: string): { catalog: Catalog; close: () => Promise<void>; dir: string } {
  const dir = join(dataDir, 'catalog');
  rmSync(dir, { recursive: true, force: true });
  const store = createPGliteCatalogStore({ dataDir: dir });
  return { catalog: createCatalog({ store }), close: () => store.close(), dir };
}

/** The principal the demo edits as. */
export const demoEditor = ana;

/** Verify and report the audit trail (run last, after every step has written). */
export async function reportAudit(catalog: Catalog): Promise<void> {
  const verification = await catalog.verifyAuditTrail(auditor, { expectedHead: await catalog.auditHead(auditor) });
  note(
    `audit trail: ${verification.checked} hash-chained events, ${verification.ok ? 'verified intact' : `PROBLEMS: ${verification.problems.map((p) => p.message).join('; ')}`}`,
  );
}

/** Run the catalog step. */
export async function runCatalogStep(catalog: Catalog, dir: string): Promise<void> {
  heading('Catalog: ingest, versions, annotations, edits, search, check-out and audit (PGlite)');
  const { episodes, feature } = await ingest(catalog);
  note(`ingested a series with ${episodes.length} episodes, a feature and a news item into ${dir}`);
  await versions(catalog, feature.id);
  await annotateAndEdit(catalog, (episodes[0] as { id: string }).id);
  await searches(catalog);
  await checkout(catalog);
}
