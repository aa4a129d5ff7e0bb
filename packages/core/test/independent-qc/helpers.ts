import { execFileSync, spawnSync } from 'node:child_process';

export function ff(args: string[]): void {
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);
}

/** Ground truth: ffmpeg ebur128 on the given audio streams joined into one layout. */
export function ebur128(file: string, streams: number[], layout: string): { I: number; TP: number } {
  const ins = streams.map((s) => `[0:a:${s}]`).join('');
  const graph =
    streams.length === 1
      ? `[0:a:${streams[0]}]ebur128=peak=true[o]`
      : `${ins}join=inputs=${streams.length}:channel_layout=${layout},ebur128=peak=true[o]`;
  const r = spawnSync(
    'ffmpeg',
    ['-hide_banner', '-nostats', '-i', file, '-filter_complex', graph, '-map', '[o]', '-f', 'null', '-'],
    { encoding: 'utf8' },
  );
  const summary = r.stderr.slice(r.stderr.lastIndexOf('Summary:'));
  const I = Number(/I:\s+(-?[\d.]+) LUFS/.exec(summary)?.[1]);
  const TP = Number(/Peak:\s+(-?[\d.]+) dBFS/.exec(summary)?.[1]);
  return { I, TP };
}

export function probeLayouts(file: string): { codec: string; channels: number; layout: string }[] {
  const out = execFileSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-select_streams',
      'a',
      '-show_entries',
      'stream=codec_name,channels,channel_layout',
      '-of',
      'json',
      file,
    ],
    { encoding: 'utf8' },
  );
  return (JSON.parse(out).streams as { codec_name: string; channels: number; channel_layout?: string }[]).map((s) => ({
    codec: s.codec_name,
    channels: s.channels,
    layout: s.channel_layout ?? '',
  }));
}

/** n mono tracks from aevalsrc expressions, muxed as separate streams. */
export function monoTracks(out: string, exprs: string[], codec = 'pcm_s24le', seconds = 3): void {
  const args: string[] = [];
  for (const e of exprs) args.push('-f', 'lavfi', '-i', `aevalsrc=${e}:s=48000:d=${seconds}:c=mono`);
  for (let i = 0; i < exprs.length; i++) args.push('-map', `${i}:a`);
  args.push('-c:a', codec, out);
  ff(args);
}
