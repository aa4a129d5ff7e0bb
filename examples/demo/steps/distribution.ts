/**
 * Demo step: distribution. The mezzanine is checked against two delivery profiles — a streamer
 * (which refuses it: no 1280x720 thumbnail, no release date) and the playout drop folder (which
 * accepts it). The thumbnail is made with ffmpeg and the date set, and the streamer's profile then
 * passes. The title goes to the drop folder inside its free-TV window (from the rights), and comes
 * down at the window's sunset; the record's state history is printed. Then the same for FTP, SFTP
 * and YouTube when the environment configures them (see `configured-endpoints.ts`).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createFolderEndpoint } from '@framewise/adapters-distribution/folder';
import { createFsStorage } from '@framewise/adapters-storage/fs';
import type { Catalog } from '@framewise/core/catalog';
import {
  catalogDeliverySource,
  createDistributor,
  createMemoryDistributionStore,
  type DeliveryProfileInput,
  type DistributionEndpoint,
} from '@framewise/core/delivery';
import { createRightsEngine } from '@framewise/core/rights';
import { createObjectStorage, type ObjectStorage } from '@framewise/core/storage';
import { runFfmpeg } from '@framewise/core/transcode';
import { heading, note, table } from '../print.js';
import { demoEditor } from './catalog.js';
import { deliverToConfigured } from './configured-endpoints.js';
import { PRIMARY_STORAGE } from './media.js';

const STREAMER: DeliveryProfileInput = {
  id: 'streamer-gb',
  name: 'Streamer GB',
  renditions: [{ name: 'main', container: 'mp4', videoCodec: 'h264', width: 1920, height: 1080 }],
  thumbnails: [{ width: 1280, height: 720 }],
  metadata: [
    { field: 'title', maxLength: 50, forbiddenCharacters: '<>' },
    { field: 'synopsis', maxLength: 250 },
    { field: 'rating', pattern: 'U|PG|12A?|15|18' },
    { field: 'releaseDate', format: 'date' },
  ],
  rights: { channel: 'svod', territories: ['GB'] },
};

const PLAYOUT: DeliveryProfileInput = {
  id: 'playout-drop',
  name: 'Playout drop folder',
  renditions: [{ name: 'hd', container: 'mp4', videoCodec: 'h264', height: 1080 }],
  metadata: [
    { field: 'title', maxLength: 100 },
    { field: 'houseNumber', pattern: 'TC[0-9]{3}' },
  ],
  rights: { channel: 'free-tv', territories: ['GB'] },
  automation: { submit: 'manual', update: 'automatic', remove: 'automatic' },
};

/** Run the distribution step on the version the media step made. */
export async function runDistributionStep(
  catalog: Catalog,
  dataDir: string,
  assetId: string,
  versionId: string,
  primary: ObjectStorage,
): Promise<void> {
  heading('Distribution: validate against two profiles, deliver in the window, take down at sunset');
  const local = createObjectStorage(createFsStorage({ root: dataDir }));
  const start = Date.now();
  let now = start;
  const day = 86_400_000;
  // Free TV in GB for a week from now; SVOD for a year (the streamer's profile checks it too).
  const rights = createRightsEngine({
    deals: [
      {
        id: 'crossing-uk-2026',
        direction: 'in',
        licensor: 'Northlight Pictures',
        licensee: 'Framewise Demo TV',
        assets: [assetId],
        grants: [
          {
            id: 'ftv',
            media: ['free-tv'],
            territories: 'GB',
            window: { start: iso(start - 3_600_000), end: iso(start + 7 * day) },
          },
          {
            id: 'svod',
            media: ['svod'],
            territories: 'GB',
            window: { start: iso(start - day), end: iso(start + 365 * day) },
          },
          {
            id: 'avod',
            media: ['avod'],
            territories: 'GB',
            window: { start: iso(start - day), end: iso(start + 30 * day) },
          },
        ],
      },
    ],
  });
  const fields = (s: Parameters<DistributionEndpoint['fields']>[0]) => ({
    title: s.asset.titles[0]?.value,
    synopsis: s.asset.synopses[0]?.value,
    rating: s.asset.ratings.find((r) => r.territory === 'GB')?.value,
    releaseDate: s.asset.custom.releaseDate,
    houseNumber: s.asset.externalIds.find((i) => i.scheme === 'house')?.value,
  });
  const drop = join(dataDir, 'drop-playout');
  const endpoints: DistributionEndpoint[] = [
    // The streamer is only validated here (in production its adapter is YouTube or an OTT API).
    {
      id: 'streamer-gb',
      profile: STREAMER,
      adapter: createFolderEndpoint({ root: join(dataDir, 'drop-streamer') }),
      fields,
    },
    {
      id: 'playout-drop',
      profile: PLAYOUT,
      adapter: createFolderEndpoint({ root: drop, packagePath: '{field:houseNumber}/v{revision}' }),
      fields,
    },
  ];
  const source = catalogDeliverySource({
    catalog,
    actor: demoEditor,
    // Renditions are on the primary storage, where the media step stored them; the thumbnail is local.
    storages: (id) => (id === PRIMARY_STORAGE ? primary : id === 'demo-local' ? local : undefined),
  });
  const distributor = createDistributor({
    store: createMemoryDistributionStore(),
    endpoints,
    source,
    rights,
    clock: { now: () => now },
    audit: { catalog, actor: demoEditor },
  });
  try {
    for (const endpoint of ['streamer-gb', 'playout-drop']) {
      const v = await distributor.validate(assetId, versionId, endpoint);
      note(`${endpoint}: ${v.ok ? 'passes' : `refused, ${v.problems.length} problem(s)`}`);
      for (const p of v.problems) note(`  ${p.kind}: ${p.message} — fix: ${p.fix}`);
    }
    // Fix: a 1280x720 thumbnail grabbed from the mezzanine, and the release date.
    const thumbnail = join(dataDir, 'media', 'thumbnail-1280x720.jpg');
    await runFfmpeg(
      [
        '-y',
        '-ss',
        '2',
        '-i',
        join(dataDir, 'media', 'low-tide-mezzanine.mov'),
        '-frames:v',
        '1',
        '-vf',
        'scale=1280:720',
        thumbnail,
      ],
      { label: 'thumbnail' },
    );
    await catalog.addRelatedAsset(demoEditor, assetId, {
      kind: 'thumbnail',
      mimeType: 'image/jpeg',
      width: 1280,
      height: 720,
      locations: [{ storage: 'demo-local', key: 'media/thumbnail-1280x720.jpg', sizeBytes: statSync(thumbnail).size }],
    });
    const asset = await catalog.getAsset(demoEditor, assetId);
    await catalog.updateAsset(demoEditor, assetId, { custom: { ...asset.custom, releaseDate: '2026-12-04' } });
    const fixed = await distributor.validate(assetId, versionId, 'streamer-gb');
    note(
      `streamer-gb after the fixes (thumbnail made with ffmpeg, release date set): ${fixed.ok ? 'passes' : fixed.problems.map((p) => p.message).join('; ')}`,
    );

    // Deliver to the playout drop folder inside the free-TV window.
    const submitted = await distributor.submit(assetId, 'playout-drop', { versionId });
    note(
      `submitted to playout-drop: window ${submitted.window.sunrise ?? 'open'} – ${submitted.window.sunset} (from the rights)`,
    );
    await distributor.sweep();
    const live = await distributor.get(assetId, 'playout-drop');
    note(
      `delivered: ${live?.state}, package ${live?.remoteId}: ${listTree(join(drop, live?.remoteId ?? '')).join(', ')}`,
    );
    note(`live on playout-drop: ${(await distributor.liveOn('playout-drop')).map((r) => r.assetId).join(', ')}`);
    // A week later the window closes: the next sweep takes the title down.
    now = Date.parse(live?.window.sunset ?? iso(start + 7 * day));
    const sunset = await distributor.sweep();
    note(
      `at sunset (${iso(now)}): ${sunset.actions.map((a) => `${a.action} ${a.from} → ${a.to}`).join(', ')}; drop folder now holds ${readdirSync(drop).length} package(s)`,
    );
    const record = await distributor.get(assetId, 'playout-drop');
    table(
      ['at', 'from', 'to', 'event'],
      (record?.history ?? []).map((h) => [h.at.slice(0, 19), h.from, h.to, h.event]),
    );
    // FTP, SFTP and YouTube, when the environment configures them.
    await deliverToConfigured({ catalog, source, rights, assetId, versionId, fields });
  } finally {
    await distributor.close();
    await local.close();
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function listTree(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}
