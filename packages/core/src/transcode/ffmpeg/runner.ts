import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { promisify } from 'node:util';
import { describeInput, FramewiseError, isFramewiseError } from '../../errors/index.js';
import { type Logger, silentLogger, type Tracer, withSpan } from '../../support/index.js';
import { assertRegularMediaFile } from './media-path.js';
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
  /**
   * How long one ffmpeg run may take, in ms (default {@link DEFAULT_FFMPEG_TIMEOUT_MS}, 6 h): then
   * its process group is killed, its outputs removed, and the run fails with `TIMEOUT`.
   */
  readonly timeoutMs?: number;
}

/** The default time limit of one ffmpeg run: 6 hours. */
export const DEFAULT_FFMPEG_TIMEOUT_MS = 6 * 3_600_000;

/**
 * ffmpeg's words for a build that lacks what the command asks (a filter, an encoder, a decoder, a
 * muxer, an option): the tool cannot do it, which says nothing about the media.
 */
/** An encoder or muxer that cannot take what the command gives it (not a defect of the input media). */
const UNSUPPORTED_BY_TOOL = /Unsupported channel layout/i;

const MISSING_CAPABILITY =
  /No such filter|Unknown encoder|Encoder \S+ not found|Unknown decoder|Decoder \S+ not found|Requested output format '[^']*' is not a suitable output format|Unknown input format|Unrecognized option|Option not found|Option \S+ not found|Filter not found|Device creation failed|Cannot load lib/i;

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
 * The local files a command reads: the value of each `-i` whose input is not a lavfi graph and
 * has no protocol prefix, and the path of each `file:` input (ffmpeg's local file protocol).
 */
function localInputs(args: readonly string[]): string[] {
  const out: string[] = [];
  let format: string | undefined;
  for (let i = 0; i < args.length - 1; i++) {
    const arg = args[i];
    if (arg === '-f') format = args[i + 1];
    else if (arg === '-i') {
      const input = args[i + 1] as string;
      // `file:` is ffmpeg's local file protocol: everything after it is a local path, whatever it
      // looks like (`file:pipe:0` is a file named `pipe:0`), checked like any other local input.
      if (format !== 'lavfi' && /^file:/i.test(input)) out.push(input.slice('file:'.length));
      else if (format !== 'lavfi' && !/^[a-zA-Z0-9+.-]*:/.test(input) && !/^subfile,/i.test(input) && input !== '-')
        out.push(input);
      format = undefined;
      i++;
    }
  }
  return out;
}

/**
 * Run ffmpeg with an argv array (never a shell), adding `-hide_banner -nostdin -nostats
 * -progress pipe:1 -stats_period 0.5`. Every local input (`-i`) must be a regular file: a FIFO or
 * a device is refused before ffmpeg starts (a `file:` input too). ffmpeg runs in its own process group; aborting, or
 * running past `timeoutMs` (default 6 h), kills the whole group and removes the outputs. Progress
 * is parsed and reported; stderr is kept (the last 64 KiB) and attached to the error on failure.
 *
 * Failures are classified so that a tool problem is never taken for a media defect: killed by a
 * signal (out of memory, an operator) → `TRANSIENT` (retryable); a filter, encoder, decoder, format
 * or option this ffmpeg build lacks, or an encoder refusing the channel layout it is given
 * ("Unsupported channel layout") → `UNSUPPORTED`; anything else ffmpeg refuses → `INVALID_INPUT`.
 *
 * @throws `CANCELLED` when aborted; `TIMEOUT` when it runs out of time; `TRANSIENT` when killed by a
 * signal; `UNSUPPORTED` when this ffmpeg lacks a filter, codec or format the command needs, or an
 * encoder refuses the channel layout;
 * `INVALID_INPUT` when ffmpeg exits with an error (the message ends with ffmpeg's last error line)
 * or an input is not a regular file; `INVALID_CONFIG` when ffmpeg cannot be started or `timeoutMs` is not a positive number of ms.
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

async function spawnFfmpeg(args: readonly string[], options: RunFfmpegOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_FFMPEG_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0 || timeoutMs > 2_147_483_647)
    throw new FramewiseError(
      'INVALID_CONFIG',
      `ffmpeg timeoutMs ${describeInput(timeoutMs)} must be a whole number of ms from 1 to 2147483647`,
      { details: { timeoutMs } },
    );
  for (const input of localInputs(args))
    await assertRegularMediaFile(input).catch((error: unknown) => {
      // A missing input is ffmpeg's to report, as before; only what is there but not a file is refused.
      if (!isFramewiseError(error, 'NOT_FOUND')) throw error;
    });
  return spawnChecked(args, options, timeoutMs);
}

/** Kill a child and every process of its group (it was spawned as a group leader). */
function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL'); // the group is gone already, or could not be signalled
  }
}

function spawnChecked(args: readonly string[], options: RunFfmpegOptions, timeoutMs: number): Promise<void> {
  const path = options.ffmpegPath ?? 'ffmpeg';
  const argv = ['-hide_banner', '-nostdin', '-nostats', '-progress', 'pipe:1', '-stats_period', '0.5', ...args];
  const label = options.label ?? 'ffmpeg';
  return new Promise<void>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new FramewiseError('CANCELLED', `${label}: cancelled before it started`, { details: {} }));
      return;
    }
    // Its own process group (detached), so cancelling kills whatever it started too.
    const child = spawn(path, argv, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const parser = new ProgressParser(options.durationUs);
    let stderr = '';
    let partialLine = '';
    let aborted = false;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, timeoutMs);
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
      killGroup(child);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const cleanup = async () => {
      await Promise.all(
        (options.outputs ?? []).map((o) => rm(o, { force: true, recursive: true }).catch(() => undefined)),
      );
    };
    child.on('error', (error) => {
      clearTimeout(timer);
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
      clearTimeout(timer);
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
        if (timedOut) {
          reject(
            new FramewiseError(
              'TIMEOUT',
              `${label}: ffmpeg ran longer than ${timeoutMs} ms and was killed; partial outputs removed`,
              {
                details: { timeoutMs, outputs: options.outputs ?? [] },
              },
            ),
          );
          return;
        }
        if (code === null) {
          reject(
            new FramewiseError(
              'TRANSIENT',
              `${label}: ffmpeg was killed by signal ${signal} (not a media defect: out of memory, or stopped by someone); retry`,
              { details: { exitCode: code, signal, stderr, argv } },
            ),
          );
          return;
        }
        const missing = MISSING_CAPABILITY.exec(stderr);
        if (missing !== null) {
          const line = stderr.split('\n').find((l) => MISSING_CAPABILITY.test(l)) ?? missing[0];
          reject(
            new FramewiseError(
              'UNSUPPORTED',
              `${label}: this ffmpeg lacks what the command needs (not a media defect): ${line.trim().slice(0, 500)}`,
              { details: { exitCode: code, stderr, argv } },
            ),
          );
          return;
        }
        const refused = stderr.split('\n').find((l) => UNSUPPORTED_BY_TOOL.test(l));
        if (refused !== undefined) {
          reject(
            new FramewiseError(
              'UNSUPPORTED',
              `${label}: ffmpeg cannot produce this output (not a media defect): ${refused.trim().slice(0, 500)}`,
              { details: { exitCode: code, stderr, argv } },
            ),
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
