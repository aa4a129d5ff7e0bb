import { execFile, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { promisify } from 'node:util';
import { FramewiseError, isFramewiseError } from '../../errors/index.js';
import { type Logger, silentLogger, type Tracer, withSpan } from '../../support/index.js';
import { type FfmpegProgress, ProgressParser } from './progress.js';

/** Where the ffmpeg tools are. */
export interface FfmpegTools {
  /** Path of `ffmpeg`; default `ffmpeg` on PATH. */
  readonly ffmpegPath?: string;
  /** Path of `ffprobe`; default `ffprobe` on PATH. */
  readonly ffprobePath?: string;
  /** Where each ffmpeg run is logged: start and finish (with its duration) at debug, failures at warn. */
  readonly logger?: Logger;
  /** An OpenTelemetry tracer: each ffmpeg run becomes a span `framewise.ffmpeg` (the tool, the label and the duration; never the argv). */
  readonly tracer?: Tracer;
}

/** Options for {@link runFfmpeg}. */
export interface RunFfmpegOptions extends FfmpegTools {
  /** Aborting kills ffmpeg and removes `outputs`. */
  readonly signal?: AbortSignal;
  /** Called with each progress report. */
  readonly onProgress?: (progress: FfmpegProgress) => void;
  /** Input duration in microseconds, for percentages. */
  readonly durationUs?: number;
  /** Files the run writes: removed when it fails or is aborted, so nothing half-written is left. */
  readonly outputs?: readonly string[];
  /** What the run is, for error messages (e.g. the input name). */
  readonly label?: string;
  /** Called with each line ffmpeg writes to stderr (its log), for runs that measure from it. */
  readonly onStderrLine?: (line: string) => void;
}

const STDERR_KEEP = 64 * 1024;
const execFileAsync = promisify(execFile);

/** The version of an ffmpeg tool as `[major, minor]`, checked to be at least 5.1. */
export async function ffmpegVersion(path = 'ffmpeg'): Promise<{ major: number; minor: number; text: string }> {
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(path, ['-hide_banner', '-version'], { timeout: 10_000 }));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new FramewiseError(
      'INVALID_CONFIG',
      code === 'ENOENT'
        ? `${path} not found: install ffmpeg (apt-get install -y ffmpeg) or set its path`
        : `${path} -version failed: ${(error as Error).message}`,
      { cause: error, details: { path } },
    );
  }
  const first = stdout.split('\n')[0] ?? '';
  const match = /version\s+n?(\d+)\.(\d+)/.exec(first);
  if (match === null)
    throw new FramewiseError(
      'UNSUPPORTED',
      `Cannot read the version of ${path} from ${JSON.stringify(first.slice(0, 80))}`,
      { details: { path } },
    );
  const major = Number(match[1]);
  const minor = Number(match[2]);
  if (major < 5 || (major === 5 && minor < 1)) {
    throw new FramewiseError(
      'UNSUPPORTED',
      `${path} is version ${major}.${minor}; Framewise needs ffmpeg 5.1 or later`,
      { details: { path, major, minor } },
    );
  }
  return { major, minor, text: first };
}

/**
 * Run ffmpeg with an argv array (never a shell), adding `-hide_banner -nostdin -nostats
 * -progress pipe:1 -stats_period 0.5`. Progress is parsed and reported; stderr is kept (the last
 * 64 KiB) and attached to the error on failure; aborting kills the process and removes the outputs.
 *
 * @throws `CANCELLED` when aborted; `INVALID_INPUT` when ffmpeg exits with an error (the message ends
 * with ffmpeg's last error line); `INVALID_CONFIG` when ffmpeg cannot be started.
 */
export function runFfmpeg(args: readonly string[], options: RunFfmpegOptions = {}): Promise<void> {
  // Logged and traced: the tool's name and the run's label, never the argv (it may hold URLs with credentials).
  const fields = { tool: basename(options.ffmpegPath ?? 'ffmpeg'), label: options.label ?? 'ffmpeg' };
  const logger = options.logger ?? silentLogger;
  return withSpan(
    options.tracer,
    'framewise.ffmpeg',
    { 'framewise.ffmpeg.tool': fields.tool, 'framewise.ffmpeg.label': fields.label },
    async (span) => {
      const started = performance.now();
      const durationMs = () => Math.round(performance.now() - started);
      logger.debug(fields, 'framewise ffmpeg: run started');
      try {
        await spawnFfmpeg(args, options);
      } catch (error) {
        span?.setAttribute('framewise.ffmpeg.duration_ms', durationMs());
        if (!isFramewiseError(error, 'CANCELLED'))
          logger.warn(
            { ...fields, durationMs: durationMs(), code: isFramewiseError(error) ? error.code : 'INTERNAL' },
            'framewise ffmpeg: run failed',
          );
        throw error;
      }
      span?.setAttribute('framewise.ffmpeg.duration_ms', durationMs());
      logger.debug({ ...fields, durationMs: durationMs() }, 'framewise ffmpeg: run finished');
    },
  );
}

function spawnFfmpeg(args: readonly string[], options: RunFfmpegOptions): Promise<void> {
  const path = options.ffmpegPath ?? 'ffmpeg';
  const argv = ['-hide_banner', '-nostdin', '-nostats', '-progress', 'pipe:1', '-stats_period', '0.5', ...args];
  const label = options.label ?? 'ffmpeg';
  return new Promise<void>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new FramewiseError('CANCELLED', `${label}: cancelled before it started`, { details: {} }));
      return;
    }
    const child = spawn(path, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    const parser = new ProgressParser(options.durationUs);
    let stderr = '';
    let partialLine = '';
    let aborted = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      for (const p of parser.push(chunk)) options.onProgress?.(p);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEEP);
      if (options.onStderrLine === undefined) return;
      const lines = (partialLine + chunk).split('\n');
      partialLine = lines.pop() ?? '';
      for (const line of lines) options.onStderrLine(line);
    });
    const onAbort = () => {
      aborted = true;
      child.kill('SIGKILL');
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const cleanup = async () => {
      await Promise.all(
        (options.outputs ?? []).map((o) => rm(o, { force: true, recursive: true }).catch(() => undefined)),
      );
    };
    child.on('error', (error) => {
      options.signal?.removeEventListener('abort', onAbort);
      reject(
        new FramewiseError(
          'INVALID_CONFIG',
          (error as { code?: string }).code === 'ENOENT'
            ? `${path} not found: install ffmpeg (apt-get install -y ffmpeg) or set ffmpegPath`
            : `${label}: ${error.message}`,
          {
            cause: error,
            details: { path },
          },
        ),
      );
    });
    child.on('close', (code, signal) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (partialLine !== '') options.onStderrLine?.(partialLine);
      if (code === 0) {
        resolve();
        return;
      }
      void cleanup().then(() => {
        if (aborted) {
          reject(
            new FramewiseError('CANCELLED', `${label}: cancelled; partial outputs removed`, {
              details: { outputs: options.outputs ?? [] },
            }),
          );
          return;
        }
        const last =
          stderr
            .trim()
            .split('\n')
            .filter((l) => l.trim() !== '')
            .slice(-1)[0] ?? `exit ${code ?? signal}`;
        reject(
          new FramewiseError(
            'INVALID_INPUT',
            `${label}: ffmpeg failed (${code === null ? `signal ${signal}` : `exit ${code}`}): ${last.slice(0, 500)}`,
            {
              details: { exitCode: code, signal, stderr, argv },
            },
          ),
        );
      });
    });
  });
}
