/**
 * Demo step 4, the media pipeline: generate a ProRes mezzanine with ffmpeg's lavfi sources, probe
 * it, plan an ABR ladder, run it decoding once with a live progress bar, store the outputs on the
 * primary storage and register them as renditions naming that storage, and package HLS.
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createFsStorage } from '@framewise/adapters-storage/fs';
import { createS3Storage } from '@framewise/adapters-storage/s3';
import type { Catalog } from '@framewise/core/catalog';
import { createInProcessBackend, defineJobs } from '@framewise/core/scheduler';
import { createObjectStorage, type ObjectStorage, type StorageDriver } from '@framewise/core/storage';
import {
  APPLE_HLS_H264,
  type FfmpegProgress,
  packageLadder,
  planLadder,
  probe,
  registerLadderOutputs,
  runLadder,
} from '@framewise/core/transcode';
import { heading, note, table } from '../print.js';
import { demoEditor } from './catalog.js';

function progressBar(label: string): (p: FfmpegProgress) => void {
  let lastTenth = -1;
  return (p) => {
    const percent = Math.round(p.percent ?? 0);
    if (process.stdout.isTTY) {
      const filled = Math.round(percent / 4);
      process.stdout.write(
        `\r   ${label} [${'#'.repeat(filled)}${'.'.repeat(25 - filled)}] ${String(percent).padStart(3)}%  ${p.speed.toFixed(2)}x${p.done ? '\n' : ''}`,
      );
    } else if (Math.floor(percent / 25) > lastTenth || p.done) {
      lastTenth = Math.floor(percent / 25);
      console.log(`   ${label} ${percent}%${p.done ? ' done' : ''}`);
    }
  };
}

/** The location id of the demo's primary storage, as renditions and the archive's copies name it. */
export const PRIMARY_STORAGE = 'studio-disk';

/** A file the media step stored: its logical name, its key on the demo's primary storage, and its digest. */
export interface StoredFile {
  readonly fileKey: string;
  readonly key: string;
  readonly sizeBytes: number;
  readonly sha256: string;
}

/** Run the media step, registering renditions on a new mezzanine version of `assetId`. */
export async function runMediaStep(
  catalog: Catalog,
  dataDir: string,
  assetId: string,
): Promise<{
  readonly storage: ObjectStorage;
  readonly stored: readonly StoredFile[];
  readonly source: string;
  readonly versionId: string;
}> {
  heading('Media pipeline: probe, plan and run an ABR ladder (decode once), register, package HLS');
  const dir = join(dataDir, 'media');
  mkdirSync(dir, { recursive: true });
  const source = join(dir, 'low-tide-mezzanine.mov');
  await promisify(execFile)('ffmpeg', [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=1920x1080:rate=25:duration=6',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=997:sample_rate=48000:duration=6',
    // Legal levels and gamut (R'G'B' limited before the conversion to Y'CbCr), tone at −23 LUFS,
    // and a deliberately loud stretch for the QC step to find.
    '-vf',
    'format=gbrp,limiter=min=16:max=235',
    '-af',
    "volume=-1.9dB,volume=8dB:enable='between(t,2.5,4.5)'",
    '-c:v',
    'prores_ks',
    '-profile:v',
    '3',
    '-pix_fmt',
    'yuv422p10le',
    '-c:a',
    'pcm_s24le',
    '-timecode',
    '10:00:00:00',
    source,
  ]);
  const probed = await probe(source);
  const v = probed.technical.video[0];
  note(
    `probed ${source.split('/').pop()}: ${probed.technical.container}, ${v?.codec} ${v?.profile} ${v?.width}x${v?.height} ${v?.bitDepth}-bit ${v?.chromaSubsampling}, ${v?.frameRate.num}/${v?.frameRate.den} fps, TC ${probed.technical.startTimecode}, ${probed.technical.audio.length} audio track(s)`,
  );
  const version = await catalog.addVersion(demoEditor, assetId, {
    name: 'mezzanine ProRes HQ',
    kind: 'mezzanine',
    rate: v?.frameRate ?? { num: 25, den: 1, dropFrame: false },
    durationFrames: probed.technical.durationFrames ?? 150,
    startTimecode: probed.technical.startTimecode ?? '00:00:00:00',
    essence: probed.technical,
    locations: [{ storage: 'demo-local', key: 'media/low-tide-mezzanine.mov' }],
  });
  const plan = planLadder(probed.technical, APPLE_HLS_H264, { maxRungs: 5 });
  note(
    `ladder "${plan.template}": ${plan.video.map((r) => `${r.height}p@${(r.bitRate / 1e6).toFixed(1)}M`).join(', ')} + ${plan.audio.map((a) => a.name).join(', ')}; GOP ${plan.video[0]?.gopFrames} frames (${plan.segmentSeconds} s), skipped ${plan.skipped.length}`,
  );
  // Store the master and every rendition on the primary storage, hashed while streaming.
  const storage = createObjectStorage(primaryStorageDriver(dataDir));
  note(
    `primary storage: ${storage.driver.name}${storage.driver.name === 's3' ? ` bucket ${process.env.FRAMEWISE_DEMO_S3_BUCKET}` : ` under ${join(dataDir, 'storage')}`}`,
  );
  // The ladder runs as a job through the QueueBackend port: declared once with defineJobs, run here
  // by the in-process backend; the same definitions run on BullMQ worker fleets (docs/worker-fleet.md).
  // runLadder only produces files; the job then stores them (checked against the ladder's digests)
  // and registers them as renditions naming the storage and key they are really in.
  const jobs = defineJobs({
    ladder: {
      resources: { cpu: 2 },
      handler: async (_: unknown, job) => {
        const result = await runLadder(source, plan, join(dir, 'ladder'), {
          preset: 'veryfast',
          probed,
          signal: job.signal,
          onProgress: (p) => job.progress(p.percent ?? 0),
        });
        const registered = await registerLadderOutputs(result, {
          catalog,
          actor: demoEditor,
          versionId: version.id,
          storage,
          storageId: PRIMARY_STORAGE,
          keyPrefix: `renditions/${version.id}/`,
          signal: job.signal,
        });
        return { result, registered };
      },
    },
  });
  const queue = createInProcessBackend({ definitions: jobs, resources: { cpu: 2 } });
  const bar = progressBar('encoding 6 outputs from one decode');
  const { id } = await queue.submit(
    'ladder',
    {},
    { priority: 'high', tenant: 'drama', dedupeKey: `${version.id}|${plan.template}` },
  );
  const stopProgress = queue.on('progress', (e) => {
    if (e.id === id)
      bar({ frame: 0, fps: 0, speed: 0, outTimeUs: 0, percent: e.percent, totalSizeBytes: 0, done: e.percent >= 100 });
  });
  const { result, registered } = await queue.result(id); // typed from the definitions
  stopProgress();
  const record = await queue.get(id);
  await queue.close({ drain: true });
  note(
    `ladder job ${record?.state} after ${record?.attempts} attempt(s) (${record?.priority} priority, tenant ${record?.tenant})`,
  );
  const renditions = await catalog.listRenditions(demoEditor, version.id);
  table(
    ['rendition', 'size', 'bitrate', 'bytes', 'sha256'],
    [...renditions]
      .sort((a, b) => (a.rung ?? 99) - (b.rung ?? 99))
      .map((r) => [
        r.profile,
        r.width ? `${r.width}x${r.height}` : 'audio',
        `${Math.round((r.bitRate ?? 0) / 1000)}k`,
        String(r.locations[0]?.sizeBytes ?? ''),
        `${r.locations[0]?.checksums.sha256?.slice(0, 16)}…`,
      ]),
  );
  const master = await storage.put(
    'masters/low-tide-mezzanine.mov',
    { file: source },
    { contentType: 'video/quicktime', metadata: { assetId } },
  );
  const stored: StoredFile[] = [{ fileKey: 'master', ...master }];
  for (const o of registered.outputs) {
    const location = o.rendition.locations[0];
    stored.push({
      fileKey: `rendition:${o.key.split('/').pop()}`,
      key: o.key,
      sizeBytes: location?.sizeBytes ?? 0,
      sha256: location?.checksums.sha256 ?? '',
    });
  }
  // Every registered rendition is read back from the storage it names and checked against its checksum.
  let verified = 0;
  for (const r of renditions) {
    const location = r.locations[0];
    if (location?.storage !== PRIMARY_STORAGE) continue;
    const digest = await storage.digest(location.key);
    if (digest.sha256 === location.checksums.sha256) verified++;
  }
  note(
    `stored the master (${(master.sizeBytes / 1e6).toFixed(1)} MB, sha256 ${master.sha256.slice(0, 12)}…) and ${registered.outputs.length} renditions on ${storage.driver.name === 'fs' ? 'filesystem' : storage.driver.name.toUpperCase()} storage; ${verified} of ${renditions.length} registered renditions read back from "${PRIMARY_STORAGE}" with matching checksums`,
  );
  const hls = await packageLadder(result.outputs, 'hls', join(dir, 'hls'), { segmentSeconds: plan.segmentSeconds });
  note(
    `registered ${renditions.length} renditions on "${version.name}"; packaged HLS (fMP4): ${hls.manifest} with ${hls.files.filter((f) => f.endsWith('.m4s')).length} segments in ${hls.directory}`,
  );
  return { storage, stored, source, versionId: version.id };
}

/**
 * The studio's primary storage: S3 (or an S3-compatible store) when FRAMEWISE_DEMO_S3_BUCKET is
 * set — with FRAMEWISE_DEMO_S3_ENDPOINT for a compatible store, credentials from the AWS SDK's usual
 * environment — else a directory.
 */
function primaryStorageDriver(dataDir: string): StorageDriver {
  const bucket = process.env.FRAMEWISE_DEMO_S3_BUCKET;
  if (!bucket) return createFsStorage({ root: join(dataDir, 'storage') });
  const endpoint = process.env.FRAMEWISE_DEMO_S3_ENDPOINT;
  return createS3Storage({
    bucket,
    prefix: 'framewise-demo/',
    region: process.env.AWS_REGION ?? 'us-east-1',
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
  });
}
