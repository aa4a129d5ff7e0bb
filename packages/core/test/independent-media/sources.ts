/**
 * Sources and oracles of the independent transcode tests, written from the ffmpeg documentation
 * without using the pipeline's own generators: every clip is small and short (CPU is scarce), and
 * every check reads the output with ffprobe (or decodes it) instead of trusting Framewise.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Run ffmpeg with a lavfi `-filter_complex` graph of generated sources; returns `output`. */
export async function generate(output: string, args: readonly string[]): Promise<string> {
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args, output], { maxBuffer: 1 << 24 });
  return output;
}

/**
 * A white bar moving right at `speed` px/s over black, rendered at the **field** rate and woven
 * into interlaced frames (`tinterlace`): each field a distinct instant, so a deinterlacer that
 * takes the wrong field first makes the bar jump back and forth.
 */
export function movingBarGraph(
  width: number,
  height: number,
  fieldRate: string,
  seconds: number,
  order: 'tff' | 'bff',
  speed: number,
): string {
  const mode = order === 'tff' ? 'interleave_top' : 'interleave_bottom';
  return [
    `color=black:s=${width}x${height}:r=${fieldRate}:d=${seconds}[bg]`,
    `color=white:s=${Math.round(width / 16)}x${height}:r=${fieldRate}:d=${seconds}[bar]`,
    `[bg][bar]overlay=x='8+t*${speed}':y=0:shortest=1,tinterlace=mode=${mode},setfield=${order}[v]`,
  ].join(';');
}

/** ffprobe's JSON for the given arguments. */
export function ffprobeJson(file: string, args: readonly string[]): Record<string, unknown> {
  const text = execFileSync('ffprobe', ['-v', 'error', '-of', 'json', ...args, file], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  return JSON.parse(text) as Record<string, unknown>;
}

/** Stream fields of the first video stream. */
export function videoStream(file: string): Record<string, string | number | undefined> {
  const json = ffprobeJson(file, ['-select_streams', 'v:0', '-show_streams']);
  return ((json.streams as unknown[])[0] ?? {}) as Record<string, string | number | undefined>;
}

/** Side data of the first decoded video frame (mastering display, content light level, …). */
export function firstFrameSideData(file: string): Record<string, unknown>[] {
  const json = ffprobeJson(file, ['-select_streams', 'v:0', '-read_intervals', '%+#1', '-show_frames']);
  const frame = (json.frames as Record<string, unknown>[])[0] ?? {};
  return (frame.side_data_list as Record<string, unknown>[] | undefined) ?? [];
}

/** Video packets: presentation time (s), duration (s), key flag. */
export function videoPackets(file: string): { pts: number; duration: number; key: boolean }[] {
  const json = ffprobeJson(file, ['-select_streams', 'v:0', '-show_entries', 'packet=pts_time,duration_time,flags']);
  return (json.packets as Record<string, string>[])
    .map((p) => ({ pts: Number(p.pts_time), duration: Number(p.duration_time), key: String(p.flags).includes('K') }))
    .sort((a, b) => a.pts - b.pts);
}

/** idet's multi-frame counts over a whole file. */
export function idetCounts(file: string): { tff: number; bff: number; progressive: number; undetermined: number } {
  const text = execFileSync(
    'sh',
    ['-c', 'ffmpeg -hide_banner -nostats -i "$1" -an -vf idet -f null - 2>&1 | grep "Multi frame"', 'sh', file],
    { encoding: 'utf8' },
  );
  const m = /TFF:\s*(\d+)\s*BFF:\s*(\d+)\s*Progressive:\s*(\d+)\s*Undetermined:\s*(\d+)/.exec(text);
  if (m === null) throw new Error(`idet printed nothing for ${file}`);
  const [tff, bff, progressive, undetermined] = m.slice(1).map(Number) as [number, number, number, number];
  return { tff, bff, progressive, undetermined };
}

/**
 * Decode a file to 8-bit grey at `width`×`height` and return, per frame, the x centroid of the
 * pixels brighter than mid-grey (the moving bar's position).
 */
export function barCentroids(file: string, width = 160, height = 90): number[] {
  const raw = execFileSync(
    'ffmpeg',
    ['-v', 'error', '-i', file, '-an', '-vf', `scale=${width}:${height}:flags=area,format=gray`, '-f', 'rawvideo', '-'],
    { maxBuffer: 1 << 28 },
  );
  const size = width * height;
  const out: number[] = [];
  for (let f = 0; f + size <= raw.length; f += size) {
    let sum = 0;
    let n = 0;
    for (let i = 0; i < size; i++) {
      if ((raw[f + i] as number) > 128) {
        sum += i % width;
        n++;
      }
    }
    out.push(n === 0 ? Number.NaN : sum / n);
  }
  return out;
}

/** Mean level (dB RMS) of one channel of a file after a narrow band-pass at `hz`. */
export function toneLevelDb(file: string, channel: number, hz: number): number {
  const text = execFileSync(
    'sh',
    [
      '-c',
      'ffmpeg -hide_banner -nostats -i "$1" -vn -af "pan=mono|c0=c$2,bandpass=f=$3:width_type=q:w=30,astats=measure_overall=RMS_level:measure_perchannel=none" -f null - 2>&1 | grep "RMS level"',
      'sh',
      file,
      String(channel),
      String(hz),
    ],
    { encoding: 'utf8' },
  );
  const m = /RMS level dB:\s*(-?[\d.]+|-inf)/.exec(text);
  return m === null || m[1] === '-inf' ? Number.NEGATIVE_INFINITY : Number(m[1]);
}
