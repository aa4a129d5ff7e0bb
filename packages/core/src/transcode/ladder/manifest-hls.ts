/**
 * The HLS master playlist after Apple's HLS authoring specification, written from what was
 * actually packaged: every media playlist read, every segment it references checked on disk and
 * measured (peak and average bitrate), CODECS from the init segments' bitstream.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FramewiseError } from '../../errors/index.js';
import { codecString } from './codec-string.js';
import type { LadderOutput } from './execute.js';

/** A plain file name beside the playlist: no directories, nothing to climb out with. */
export const LOCAL_FILE = /^[\w-][\w.-]*$/;

/** What a media playlist references and how much it weighs. */
export interface MediaPlaylistStats {
  readonly init: string | undefined;
  readonly segments: readonly string[];
  readonly durationSeconds: number;
  /** Highest segment bitrate (bits per second). */
  readonly peakBitRate: number;
  /** Total bits over total duration. */
  readonly averageBitRate: number;
}

function missing(directory: string, file: string, from: string): FramewiseError {
  return new FramewiseError(
    'INTEGRITY',
    `Packaging into ${JSON.stringify(directory)}: ${JSON.stringify(from)} references ${JSON.stringify(file)}, which was not written`,
    { details: { file, playlist: from } },
  );
}

async function sizeOf(directory: string, file: string, from: string): Promise<number> {
  if (!LOCAL_FILE.test(file)) throw missing(directory, file, from);
  try {
    const s = await stat(join(directory, file));
    if (!s.isFile() || s.size === 0) throw missing(directory, file, from);
    return s.size;
  } catch (error) {
    if (error instanceof FramewiseError) throw error;
    throw missing(directory, file, from);
  }
}

/**
 * Read a media playlist, check that its init segment and every media segment exist (non-empty),
 * and measure its peak and average bitrate.
 *
 * @throws `INTEGRITY` naming the first referenced file that is missing.
 */
export async function mediaPlaylistStats(directory: string, playlist: string): Promise<MediaPlaylistStats> {
  const text = await readFile(join(directory, playlist), 'utf8').catch(() => {
    throw missing(directory, playlist, 'master.m3u8');
  });
  const init = /#EXT-X-MAP:URI="([^"]+)"/.exec(text)?.[1];
  if (init !== undefined) await sizeOf(directory, init, playlist);
  const segments: string[] = [];
  let duration = 0;
  let bits = 0;
  let peak = 0;
  let pending: number | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#EXTINF:')) pending = Number.parseFloat(line.slice(8));
    else if (line !== '' && !line.startsWith('#')) {
      const size = await sizeOf(directory, line, playlist);
      const seconds = pending !== undefined && pending > 0 ? pending : 0;
      segments.push(line);
      duration += seconds;
      bits += size * 8;
      if (seconds > 0) peak = Math.max(peak, (size * 8) / seconds);
      pending = undefined;
    }
  }
  if (segments.length === 0)
    throw new FramewiseError('INTEGRITY', `Packaging into ${JSON.stringify(directory)}: ${playlist} has no segments`, {
      details: { playlist },
    });
  return {
    init,
    segments,
    durationSeconds: duration,
    peakBitRate: Math.ceil(peak),
    averageBitRate: duration > 0 ? Math.ceil(bits / duration) : 0,
  };
}

function videoRange(o: LadderOutput): 'SDR' | 'PQ' | 'HLG' {
  const transfer = o.technical.video[0]?.transfer;
  return transfer === 'smpte2084' ? 'PQ' : transfer === 'arib-std-b67' ? 'HLG' : 'SDR';
}

const quoted = (s: string) => `"${s.replace(/["\r\n]/g, '')}"`;

/**
 * Write `master.m3u8` for ffmpeg's `stream_<i>.m3u8` media playlists (video outputs first, then
 * audio): EXT-X-INDEPENDENT-SEGMENTS; one EXT-X-MEDIA per audio rendition with NAME, LANGUAGE,
 * CHANNELS, DEFAULT and AUTOSELECT; per video variant BANDWIDTH (peak segment bitrate plus the
 * audio group's), AVERAGE-BANDWIDTH, CODECS from the init segments, RESOLUTION, FRAME-RATE and
 * VIDEO-RANGE; an audio-only variant last. Every referenced segment is checked to exist.
 *
 * @throws `INTEGRITY` when a playlist or segment is missing.
 */
export async function writeHlsMaster(
  directory: string,
  video: readonly LadderOutput[],
  audio: readonly LadderOutput[],
): Promise<void> {
  const playlist = (i: number) => `stream_${i}.m3u8`;
  const stats = await Promise.all([...video, ...audio].map((_, i) => mediaPlaylistStats(directory, playlist(i))));
  const codecOf = async (i: number) => {
    const init = stats[i]?.init;
    return init === undefined ? undefined : codecString(await readFile(join(directory, init)));
  };
  const group = 'group_audio';
  const lines = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-INDEPENDENT-SEGMENTS'];
  const audioPeak = Math.max(0, ...audio.map((_, j) => stats[video.length + j]?.peakBitRate ?? 0));
  const audioAverage = Math.max(0, ...audio.map((_, j) => stats[video.length + j]?.averageBitRate ?? 0));
  const audioCodec = audio.length > 0 ? await codecOf(video.length) : undefined;
  audio.forEach((o, j) => {
    const track = o.technical.audio[0];
    const language = o.language ?? track?.language;
    const attributes = [
      'TYPE=AUDIO',
      `GROUP-ID=${quoted(group)}`,
      `NAME=${quoted(o.name)}`,
      ...(language ? [`LANGUAGE=${quoted(language)}`] : []),
      `DEFAULT=${j === 0 ? 'YES' : 'NO'}`,
      'AUTOSELECT=YES',
      ...(track ? [`CHANNELS=${quoted(String(track.channels))}`] : []),
      `URI=${quoted(playlist(video.length + j))}`,
    ];
    lines.push(`#EXT-X-MEDIA:${attributes.join(',')}`);
  });
  for (let i = 0; i < video.length; i++) {
    const o = video[i] as LadderOutput;
    const s = stats[i] as MediaPlaylistStats;
    const v = o.technical.video[0];
    const codecs = [await codecOf(i), audioCodec].filter((c): c is string => c !== undefined);
    const rate = v ? (v.frameRate.num / v.frameRate.den).toFixed(3) : undefined;
    const attributes = [
      `BANDWIDTH=${s.peakBitRate + audioPeak}`,
      `AVERAGE-BANDWIDTH=${s.averageBitRate + audioAverage}`,
      ...(codecs.length > 0 ? [`CODECS=${quoted(codecs.join(','))}`] : []),
      ...(v ? [`RESOLUTION=${v.width}x${v.height}`] : []),
      ...(rate ? [`FRAME-RATE=${rate}`] : []),
      `VIDEO-RANGE=${videoRange(o)}`,
      ...(audio.length > 0 ? [`AUDIO=${quoted(group)}`] : []),
    ];
    lines.push(`#EXT-X-STREAM-INF:${attributes.join(',')}`, playlist(i));
  }
  if (audio.length > 0) {
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${audioPeak},AVERAGE-BANDWIDTH=${audioAverage}${audioCodec ? `,CODECS=${quoted(audioCodec)}` : ''},AUDIO=${quoted(group)}`,
      playlist(video.length),
    );
  }
  await writeFile(join(directory, 'master.m3u8'), `${lines.join('\n')}\n`);
}
