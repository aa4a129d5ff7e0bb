import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { TechnicalMetadata } from '../assets/index.js';
import { FramewiseError } from '../errors/index.js';
import { safeMediaPath } from '../transcode/ffmpeg/media-path.js';
import { type FfmpegTools, runFfmpeg } from '../transcode/ffmpeg/runner.js';
import { type DerivativesPlan, type DerivativesSpec, planDerivatives, type ThumbnailSize } from './derive-plan.js';
import { choosePosters, parsePosterLog, type ScoredPoster, scorePosters } from './posters.js';
import { spriteVtt } from './sprite-vtt.js';

/** Options of {@link makeDerivatives}. */
export interface MakeDerivativesOptions extends FfmpegTools {
  /** `one-decode` (default): one ffmpeg run, the decoded picture split to every output. `separate`: one run per output. */
  readonly mode?: 'one-decode' | 'separate';
  readonly signal?: AbortSignal;
  /** 0-100 over the runs. */
  readonly onProgress?: (percent: number) => void;
  /** Source duration in seconds (from the probe). */
  readonly durationSeconds: number;
}

/** One file made. */
export interface MadeFile {
  readonly kind: 'proxy' | 'poster' | 'sprite' | 'sprite-vtt' | 'thumbnail';
  readonly path: string;
  readonly profile: string;
  readonly width?: number;
  readonly height?: number;
  readonly mimeType: string;
}

/** What {@link makeDerivatives} made. */
export interface MadeDerivatives {
  readonly files: readonly MadeFile[];
  /** Every poster candidate, scored (the chosen ones are among the files). */
  readonly posterCandidates: readonly ScoredPoster[];
  readonly plan: DerivativesPlan;
  /** ffmpeg runs it took. */
  readonly runs: number;
}

/**
 * Make a proxy, poster candidates, a WebVTT sprite sheet and thumbnails from a source into `dir`
 * (`workDir`, created; emptied of earlier outputs). With `mode: 'one-decode'` the source is decoded once and
 * the picture split to the proxy, poster and sprite branches in one ffmpeg run; thumbnails are then
 * cut from the best poster (a still, not the video). Poster candidates are the frames at scene
 * cuts and at regular intervals, scored (contrast, brightness, colour, shot start) with black and
 * frozen frames rejected; only the best `count` are kept. Returns the files; storing and
 * registering them is the caller's (see `ingest`).
 *
 * A proxy `text` is written to `burn-in.txt` in `workDir`, the file drawtext reads it from.
 * @throws as `runFfmpeg`: `INVALID_INPUT` when ffmpeg refuses the source, `UNSUPPORTED` when it
 * lacks a filter or encoder (drawtext needs libfreetype), `CANCELLED`, `TIMEOUT`, `TRANSIENT`.
 */
export async function makeDerivatives(
  source: string,
  technical: TechnicalMetadata,
  spec: DerivativesSpec,
  workDir: string,
  options: MakeDerivativesOptions,
): Promise<MadeDerivatives> {
  const input = safeMediaPath(source);
  // Absolute: an output path can then never read as an ffmpeg option or protocol.
  const dir = resolve(workDir);
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(dir))
    if (/^(proxy\.mp4|poster-\d+\.jpg|sprite-\d+\.jpg|sprite\.vtt|thumb-\d+x\d+\.jpg|burn-in\.txt)$/.test(name))
      await rm(join(dir, name), { force: true });
  let textFile: string | undefined;
  if (spec.proxy && spec.proxy.text !== undefined) {
    textFile = join(dir, 'burn-in.txt');
    await writeFile(textFile, spec.proxy.text, 'utf8');
  }
  const plan = planDerivatives(
    input,
    technical,
    options.durationSeconds,
    spec,
    dir,
    options.mode ?? 'one-decode',
    textFile === undefined ? {} : { textFile },
  );
  const tools: FfmpegTools = {
    ...(options.ffmpegPath ? { ffmpegPath: options.ffmpegPath } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  };
  const posterLog: string[] = [];
  let done = 0;
  for (const command of plan.commands) {
    const share = 100 / plan.commands.length;
    await runFfmpeg(command.args, {
      ...tools,
      label: `derivatives of ${basename(source)} (${command.makes.join(', ')})`,
      outputs: command.outputs,
      durationUs: Math.round(options.durationSeconds * 1e6),
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: (p) => options.onProgress?.(done * share + ((p.percent ?? 0) * share) / 100),
      ...(command.makes.includes('posters') ? { onStderrLine: (line: string) => posterLog.push(line) } : {}),
    });
    done++;
  }
  const files: MadeFile[] = [];
  if (plan.proxy)
    files.push({
      kind: 'proxy',
      path: plan.proxy.file,
      profile: `proxy-h264-${plan.proxy.height}p`,
      width: plan.proxy.width,
      height: plan.proxy.height,
      mimeType: 'video/mp4',
    });
  let scored: ScoredPoster[] = [];
  if (plan.posters) {
    const p = plan.posters;
    scored = scorePosters(parsePosterLog(posterLog));
    const chosen = choosePosters(scored, p.count);
    const keep = new Set(chosen.map((c) => c.index));
    for (const c of scored) {
      const file = join(dir, `poster-${String(c.index).padStart(4, '0')}.jpg`);
      if (!keep.has(c.index)) await rm(file, { force: true });
    }
    for (const [rank, c] of chosen.entries())
      files.push({
        kind: 'poster',
        path: join(dir, `poster-${String(c.index).padStart(4, '0')}.jpg`),
        profile: `poster-candidate-${rank + 1}`,
        width: p.width,
        height: p.height,
        mimeType: 'image/jpeg',
      });
    const best = chosen[0];
    if (best !== undefined)
      for (const t of spec.thumbnails ?? [])
        files.push(
          await thumbnail(
            join(dir, `poster-${String(best.index).padStart(4, '0')}.jpg`),
            t,
            dir,
            tools,
            options.signal,
          ),
        );
  }
  if (plan.sprite) {
    const s = plan.sprite;
    const sheets = (await readdir(dir)).filter((n) => /^sprite-\d+\.jpg$/.test(n)).sort();
    if (sheets.length === 0)
      throw new FramewiseError('INVALID_INPUT', `No sprite sheet was made from ${JSON.stringify(source)}`, {
        details: { source },
      });
    for (const sheet of sheets)
      files.push({
        kind: 'sprite',
        path: join(dir, sheet),
        profile: `sprite-${s.tileWidth}x${s.tileHeight}-${s.columns}x${s.rows}`,
        width: s.tileWidth * s.columns,
        height: s.tileHeight * s.rows,
        mimeType: 'image/jpeg',
      });
    const perSheet = s.columns * s.rows;
    const vtt = spriteVtt(
      {
        ...s,
        tiles: Math.min(s.tiles, sheets.length * perSheet),
        durationSeconds: Math.min(options.durationSeconds, s.tiles * s.intervalSeconds),
      },
      (n) => sheets[n] ?? `sprite-${String(n + 1).padStart(3, '0')}.jpg`,
    );
    const vttPath = join(dir, 'sprite.vtt');
    await writeFile(vttPath, vtt, 'utf8');
    files.push({ kind: 'sprite-vtt', path: vttPath, profile: 'sprite-vtt', mimeType: 'text/vtt' });
  }
  for (const f of files) await stat(f.path); // every listed file exists
  return { files, posterCandidates: scored, plan, runs: plan.commands.length };
}

/** A thumbnail of a still at an exact size: centre-cropped to fill, or letterboxed to fit. */
async function thumbnail(
  still: string,
  t: ThumbnailSize,
  dir: string,
  tools: FfmpegTools,
  signal: AbortSignal | undefined,
): Promise<MadeFile> {
  if (
    !(
      Number.isInteger(t.width) &&
      Number.isInteger(t.height) &&
      t.width > 0 &&
      t.height > 0 &&
      t.width <= 8192 &&
      t.height <= 8192
    )
  )
    throw new FramewiseError(
      'INVALID_INPUT',
      `Thumbnail size ${JSON.stringify(t)} must be whole pixels from 1 to 8192`,
      {
        details: { thumbnail: t },
      },
    );
  const fit = t.fit ?? 'crop';
  const filter =
    fit === 'crop'
      ? `scale=${t.width}:${t.height}:force_original_aspect_ratio=increase,crop=${t.width}:${t.height}`
      : `scale=${t.width}:${t.height}:force_original_aspect_ratio=decrease,pad=${t.width}:${t.height}:(ow-iw)/2:(oh-ih)/2`;
  const out = join(dir, `thumb-${t.width}x${t.height}.jpg`);
  await runFfmpeg(['-y', '-i', still, '-vf', `${filter},setsar=1`, '-frames:v', '1', '-q:v', '3', out], {
    ...tools,
    label: `thumbnail ${t.width}x${t.height}`,
    outputs: [out],
    ...(signal ? { signal } : {}),
  });
  return {
    kind: 'thumbnail',
    path: out,
    profile: `thumbnail-${t.width}x${t.height}-${fit}`,
    width: t.width,
    height: t.height,
    mimeType: 'image/jpeg',
  };
}
