/**
 * Demo step: ingest from a watch folder. A camera file (29.97 drop-frame, starting a frame before
 * a dropped minute, stereo and mono tracks) is dropped into a local watch folder and ingested in
 * one call: identified, stored while hashed, probed into a version with every field mapped, and a
 * proxy with burnt-in timecode, poster candidates and a WebVTT sprite sheet made from one decode.
 * Dropping the same bytes again finds the version already there.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createFsStorage } from '@framewise/adapters-storage/fs';
import type { Catalog } from '@framewise/core/catalog';
import { createWatchFolder, type IngestReport, ingest } from '@framewise/core/ingest';
import { createObjectStorage } from '@framewise/core/storage';
import { heading, note, table } from '../print.js';
import { demoEditor } from './catalog.js';

/** Run the ingest step: a watch folder under `dataDir/ingest`, the catalog's `crossing` project. */
export async function runIngestStep(catalog: Catalog, dataDir: string): Promise<void> {
  heading('Ingest: a watch folder, one call per file, proxy with burnt-in timecode, posters, sprite');
  const dir = join(dataDir, 'ingest');
  rmSync(dir, { recursive: true, force: true });
  const drop = join(dir, 'drop');
  mkdirSync(drop, { recursive: true });
  const camera = join(dir, 'A001C007_261202.mov');
  await promisify(execFile)('ffmpeg', [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=960x540:rate=30000/1001:duration=4',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=997:sample_rate=48000:duration=4',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000:duration=4',
    '-map',
    '0:v',
    '-map',
    '1:a',
    '-map',
    '2:a',
    '-c:v',
    'prores_ks',
    '-profile:v',
    '0',
    '-pix_fmt',
    'yuv422p10le',
    '-c:a',
    'pcm_s24le',
    '-ac:a:0',
    '2',
    '-ac:a:1',
    '1',
    '-timecode',
    '00:59:59;28',
    camera,
  ]);
  const storage = createObjectStorage(createFsStorage({ root: join(dir, 'storage') }), { xxh64: true });
  const reports: IngestReport[] = [];
  const watch = createWatchFolder({
    root: drop,
    stableMs: 200,
    pollMs: 100,
    ingest: async (path) => {
      const report = await ingest(path, {
        catalog,
        actor: demoEditor,
        storage,
        storageId: 'ingest-disk',
        asset: {
          id: 'crossing-dailies',
          project: 'drama',
          kind: 'clip',
          titles: [{ language: 'en', value: 'The Crossing: dailies' }],
        },
        version: { kind: 'camera-original' },
        derivatives: {
          proxy: { height: 270, preset: 'ultrafast', text: 'The Crossing — A001C007 "camera original"' },
          posters: { count: 3 },
          sprite: { intervalSeconds: 1, columns: 4, rows: 2 },
          thumbnails: [{ width: 320, height: 180 }],
        },
      });
      reports.push(report);
      return { outcome: report.outcome, versionId: report.version?.id };
    },
  });
  const processed = (n: number) =>
    new Promise<void>((resolve, reject) => {
      let seen = 0;
      const off = watch.on('processed', () => {
        if (++seen === n) {
          off();
          resolve();
        }
      });
      watch.on('failed', (e) => reject(new Error(`${e.name}: ${e.message}`)));
    });
  await watch.start();
  const first = processed(1);
  copyFileSync(camera, join(drop, '.A001C007_261202.mov.part')); // a copy in progress: ignored
  copyFileSync(camera, join(drop, 'A001C007_261202.mov'));
  await first;
  const r = reports[0] as IngestReport;
  const v = r.version;
  note(`dropped ${r.name} into ${drop}: taken once stable, ingested in one call (${r.outcome})`);
  note(
    `format ${r.format?.family} by signature; version "${v?.name}" ${v?.kind}: ${v?.rate.num}/${v?.rate.den}${v?.rate.dropFrame ? ' DF' : ''}, ${v?.durationFrames} frames from ${v?.startTimecode}, ${v?.essence?.audio.map((a) => a.layout).join(' + ')} audio`,
  );
  note(
    `stored at ${v?.locations[0]?.storage}:${v?.locations[0]?.key} — sha256 ${r.digests?.sha256.slice(0, 12)}…, md5 ${r.digests?.md5.slice(0, 12)}…, xxh64 ${r.digests?.xxh64} (one pass)`,
  );
  table(
    ['step', 'status', 'ms', 'detail'],
    r.steps.map((s) => [s.step, s.status, String(s.ms), s.detail.length > 70 ? `${s.detail.slice(0, 69)}…` : s.detail]),
  );
  table(
    ['derivative', 'profile', 'size', 'registered as'],
    r.derivatives.map((d) => [d.kind, d.profile, d.width ? `${d.width}x${d.height}` : '', d.registeredId ?? '']),
  );
  const again = processed(1);
  copyFileSync(camera, join(drop, 'A001C007_261202_copy.mov'));
  await again;
  await watch.stop();
  note(
    `the same bytes dropped again as A001C007_261202_copy.mov: ${reports[1]?.outcome} (version ${reports[1]?.version?.id === v?.id ? 'unchanged' : 'DIFFERENT'})`,
  );
  note(
    `processed/: ${readdirSync(join(drop, 'processed'))
      .filter((n) => n.endsWith('.mov'))
      .join(
        ', ',
      )}; the in-progress copy is still waiting: ${readdirSync(drop).filter((n) => n.endsWith('.part')).length === 1}`,
  );
}
