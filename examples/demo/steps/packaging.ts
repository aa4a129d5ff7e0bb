/**
 * Demo step, OTT packaging and DRM: a short two-rung ladder packaged twice with Shaka Packager —
 * clear, and cbcs-encrypted for Widevine, PlayReady and FairPlay with a key per track type from a
 * local key provider — the CPIX document of the encrypted package written beside it, and
 * decryption proven with ffmpeg (`-decryption_key`) on a single-file twin: the decrypted frames
 * hash like the clear ones, a wrong key's do not.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cpixFromPackage, readCpix, writeCpix } from '@framewise/adapters-metadata/cpix';
import { createLocalKeyProvider, packageCmaf, planLadder, probe, runLadder } from '@framewise/core/transcode';
import { heading, note, table } from '../print.js';

const run = promisify(execFile);

async function framemd5(file: string, key?: string): Promise<string> {
  const { stdout } = await run(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      ...(key ? ['-decryption_key', key] : []),
      '-i',
      file,
      '-map',
      '0:v:0',
      '-f',
      'framemd5',
      '-',
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  return stdout
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .join('\n');
}

/** Run the packaging step in `dataDir/packaging`. */
export async function runPackagingStep(dataDir: string): Promise<void> {
  heading('OTT packaging and DRM (Shaka Packager, CMAF for HLS + DASH, cbcs, CPIX)');
  const dir = join(dataDir, 'packaging');
  mkdirSync(dir, { recursive: true });
  const source = join(dir, 'trailer.mp4');
  await run('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y'],
    ...['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25:duration=2'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=2'],
    ...[
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-metadata:s:a:0',
      'language=eng',
    ],
    source,
  ]);
  const probed = await probe(source);
  const plan = planLadder(probed.technical, {
    name: 'ott-demo',
    video: [
      { name: 'h264-360p', codec: 'h264', height: 360, bitRate: 800_000 },
      { name: 'h264-180p', codec: 'h264', height: 180, bitRate: 250_000 },
    ],
    audio: [{ name: 'aac-stereo', codec: 'aac', bitRate: 96_000, channels: 2 }],
  });
  const { outputs } = await runLadder(source, plan, join(dir, 'ladder'), { preset: 'ultrafast', probed });
  // The title's policy: a software path may play up to 180 lines, so 180p and 360p get different keys.
  const policy = {
    systems: ['widevine', 'playready', 'fairplay'] as ('widevine' | 'playready' | 'fairplay')[],
    licenseServerRef: 'demo-licences',
    outputRestrictions: [{ deviceClass: 'software' as const, maxHeight: 180 }],
  };
  const keyProvider = createLocalKeyProvider();
  const common = { contentId: 'crossing-trailer', segmentSeconds: plan.segmentSeconds, policy };
  const clear = await packageCmaf(outputs, join(dir, 'clear'), common);
  const cbcs = await packageCmaf(outputs, join(dir, 'cbcs'), {
    ...common,
    encryption: { scheme: 'cbcs', keyProvider },
  });
  note(`clear: ${clear.files.length} files (${clear.hls}, ${clear.dash}); cbcs: ${cbcs.files.length} files`);
  table(
    ['track', 'key type', 'key id'],
    cbcs.tracks.map((t) => [t.name, t.trackType ?? '-', t.kid ?? '-']),
  );
  const keys = await keyProvider.contentKeys({
    contentId: 'crossing-trailer',
    trackTypes: ['sd', 'hd', 'audio'],
    scheme: 'cbcs',
  });
  const cpix = writeCpix(await cpixFromPackage(cbcs, { keys, policy }));
  writeFileSync(join(dir, 'crossing-trailer.cpix.xml'), cpix, { mode: 0o600 });
  const back = readCpix(cpix);
  note(
    `CPIX written: ${back.contentKeys.length} content keys, ${back.drmSystems.length} DRM system entries, usage rules ${back.usageRules.map((r) => r.intendedTrackType).join('/')}`,
  );
  // Decryption proven with ffmpeg on single-file twins of the top rung.
  const top = outputs.filter((o) => o.name === 'h264-360p');
  const twinClear = await packageCmaf(top, join(dir, 'twin-clear'), { ...common, layout: 'single-file' });
  const twin = await packageCmaf(top, join(dir, 'twin-cbcs'), {
    ...common,
    layout: 'single-file',
    encryption: { scheme: 'cbcs', keyProvider },
  });
  const key = keys.get(twin.tracks[0]?.trackType ?? 'hd')?.key as string;
  const reference = await framemd5(join(twinClear.directory, 'h264-360p.mp4'));
  const right = await framemd5(join(twin.directory, 'h264-360p.mp4'), key);
  const wrong = await framemd5(join(twin.directory, 'h264-360p.mp4'), '00'.repeat(16));
  note(
    `ffmpeg -decryption_key: right key ${right === reference ? 'decodes to the clear frames' : 'DIFFERS'}; wrong key ${wrong === reference ? 'DECODES (not encrypted!)' : 'gives other frames'}`,
  );
}
