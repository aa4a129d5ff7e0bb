import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FramewiseError } from '../../errors/index.js';
import { safeMediaPath } from '../ffmpeg/media-path.js';
import { type FfmpegTools, runFfmpeg } from '../ffmpeg/runner.js';
import { codecString } from './codec-string.js';
import type { LadderOutput } from './execute.js';
import { finishDashManifest } from './manifest-dash.js';
import { LOCAL_FILE, writeHlsMaster } from './manifest-hls.js';

/** Options for {@link packageLadder}. */
export interface PackageOptions extends FfmpegTools {
  readonly signal?: AbortSignal;
  /** Segment duration in seconds; match the ladder's GOP (default 2). */
  readonly segmentSeconds?: number;
}

/** Where a packaged presentation was written. */
export interface PackagedPresentation {
  readonly format: 'hls' | 'dash';
  readonly directory: string;
  /** `master.m3u8` or `manifest.mpd`, inside `directory`. */
  readonly manifest: string;
  readonly files: readonly string[];
}

function inputs(outputs: readonly LadderOutput[]): { argv: string[]; video: LadderOutput[]; audio: LadderOutput[] } {
  const video = outputs.filter((o) => o.kind === 'video');
  const audio = outputs.filter((o) => o.kind === 'audio');
  if (video.length === 0)
    throw new FramewiseError('INVALID_INPUT', 'Packaging needs at least one video rendition', { details: {} });
  const argv: string[] = ['-y'];
  for (const o of [...video, ...audio]) argv.push('-i', safeMediaPath(o.path));
  for (let i = 0; i < video.length + audio.length; i++) argv.push('-map', `${i}:${i < video.length ? 'v' : 'a'}:0`);
  argv.push('-c', 'copy');
  return { argv, video, audio };
}

/**
 * Package ladder outputs (stream copy, no re-encode) as HLS or DASH with fMP4/CMAF segments:
 * a master playlist with one variant per video rung and the audio as a group, or an MPD with one
 * adaptation set for video and one for audio. Written to a temporary directory and moved into
 * place only when complete. The HLS master is written from the packaged playlists (see
 * `writeHlsMaster`: FRAME-RATE, AVERAGE-BANDWIDTH, VIDEO-RANGE, CODECS from the bitstream, audio
 * CHANNELS and LANGUAGE, EXT-X-INDEPENDENT-SEGMENTS); the MPD gets exact durations, colour
 * signalling and bitstream codecs. Every segment a manifest references is checked to exist.
 *
 * @throws `INTEGRITY` when a referenced segment is missing; `TRANSIENT`/`UNSUPPORTED` when ffmpeg
 * was killed or lacks something.
 */
export async function packageLadder(
  outputs: readonly LadderOutput[],
  format: 'hls' | 'dash',
  directory: string,
  options: PackageOptions = {},
): Promise<PackagedPresentation> {
  const seconds = options.segmentSeconds ?? 2;
  const { argv, video, audio } = inputs(outputs);
  const staging = `${directory}.partial`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  // ffmpeg's muxers expand `%` (and the DASH muxer `$`) in paths: they write through a link whose
  // name has neither, so a directory named "100% final" gets the files its playlists name.
  const link = join(tmpdir(), `framewise-package-${randomBytes(8).toString('hex')}`);
  await symlink(resolve(staging), link, 'dir');
  const out = /[%$]/.test(staging) ? link : staging;
  let manifest: string;
  if (format === 'hls') {
    const map = [
      ...video.map((_, i) => `v:${i}${audio.length > 0 ? ',agroup:audio' : ''}`),
      ...audio.map((_, i) => `a:${i},agroup:audio`),
    ].join(' ');
    argv.push(
      '-f',
      'hls',
      '-hls_time',
      String(seconds),
      '-hls_playlist_type',
      'vod',
      '-hls_segment_type',
      'fmp4',
      '-hls_flags',
      'independent_segments',
      '-hls_fmp4_init_filename',
      // ffmpeg expands %v in the init name only when there are several variant streams: with
      // one it would write, and the playlist would name, a literal "init_%v.mp4" (not a valid URI).
      video.length + audio.length === 1 ? 'init_0.mp4' : 'init_%v.mp4',
      '-hls_segment_filename',
      safeMediaPath(join(out, 'segment_%v_%05d.m4s')),
      '-master_pl_name',
      'master.m3u8',
      '-var_stream_map',
      map,
      safeMediaPath(join(out, 'stream_%v.m3u8')),
    );
    manifest = 'master.m3u8';
  } else {
    const sets = audio.length > 0 ? 'id=0,streams=v id=1,streams=a' : 'id=0,streams=v';
    argv.push(
      '-f',
      'dash',
      '-seg_duration',
      String(seconds),
      '-use_template',
      '1',
      '-use_timeline',
      '1',
      '-adaptation_sets',
      sets,
      '-init_seg_name',
      'init-$RepresentationID$.m4s',
      '-media_seg_name',
      'chunk-$RepresentationID$-$Number%05d$.m4s',
      safeMediaPath(join(out, 'manifest.mpd')),
    );
    manifest = 'manifest.mpd';
  }
  try {
    await runFfmpeg(argv, {
      ...options,
      label: `${format.toUpperCase()} packaging into ${JSON.stringify(directory)}`,
      outputs: [staging],
    });
    if (format === 'hls') await writeHlsMaster(staging, video, audio);
    else await finishDashManifest(staging, manifest, [...video, ...audio]);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  } finally {
    await unlink(link).catch(() => undefined);
  }
  await rm(directory, { recursive: true, force: true });
  await rename(staging, directory);
  return { format, directory, manifest, files: (await readdir(directory)).sort() };
}

/**
 * Add `CODECS` to every variant of an HLS master playlist that lacks it, read from the init
 * segments of the variant's media playlist and of its audio group (ffmpeg 5.1 writes it only on
 * audio-only variants; Apple's HLS authoring specification requires it on every variant).
 */
export async function addHlsCodecs(directory: string, manifest: string): Promise<void> {
  const path = join(directory, manifest);
  const lines = (await readFile(path, 'utf8')).split('\n');
  const cache = new Map<string, Promise<string | undefined>>();
  const codecOf = (uri: string): Promise<string | undefined> => {
    let codec = cache.get(uri);
    if (codec === undefined) {
      codec = (async () => {
        if (!LOCAL_FILE.test(uri)) return undefined;
        const media = await readFile(join(directory, uri), 'utf8');
        const init = /#EXT-X-MAP:URI="([^"]+)"/.exec(media)?.[1];
        if (init === undefined || !LOCAL_FILE.test(init)) return undefined;
        return codecString(await readFile(join(directory, init)));
      })();
      cache.set(uri, codec);
    }
    return codec;
  };
  const groups = new Map<string, string>();
  for (const line of lines) {
    if (!line.startsWith('#EXT-X-MEDIA:') || !line.includes('TYPE=AUDIO')) continue;
    const group = /GROUP-ID="([^"]+)"/.exec(line)?.[1];
    const uri = /URI="([^"]+)"/.exec(line)?.[1];
    if (group !== undefined && uri !== undefined && !groups.has(group)) groups.set(group, uri);
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (!line.startsWith('#EXT-X-STREAM-INF:') || line.includes('CODECS=')) continue;
    const uri = lines.slice(i + 1).find((l) => l.trim() !== '' && !l.startsWith('#'));
    if (uri === undefined) continue;
    const group = /AUDIO="([^"]+)"/.exec(line)?.[1];
    const groupUri = group === undefined ? undefined : groups.get(group);
    const codecs = [await codecOf(uri.trim()), groupUri === undefined ? undefined : await codecOf(groupUri)];
    const known = [...new Set(codecs.filter((c): c is string => c !== undefined))];
    if (known.length > 0) lines[i] = `${line},CODECS="${known.join(',')}"`;
  }
  await writeFile(path, lines.join('\n'));
}
