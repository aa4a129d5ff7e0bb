import { type ChildProcess, spawn } from 'node:child_process';
import { basename } from 'node:path';
import { describeInput, FramewiseError, isFramewiseError } from '../../errors/index.js';
import { type Logger, silentLogger, type Tracer, withSpan } from '../../support/index.js';
import { type PackagerTools, resolvePackager } from './binary.js';

/** The default time limit of one packager run: 6 hours. */
export const DEFAULT_PACKAGER_TIMEOUT_MS = 6 * 3_600_000;

/** How much of the packager's log (stderr and stdout) is kept for errors: the last 64 KiB. */
const LOG_KEEP = 64 * 1024;

/** Options for {@link runPackager}. */
export interface RunPackagerOptions extends PackagerTools {
  /** Working directory: stream descriptors name files relative to it. */
  readonly cwd: string;
  /** Aborting kills the packager (its whole process group). */
  readonly signal?: AbortSignal;
  /** Time limit in ms (default {@link DEFAULT_PACKAGER_TIMEOUT_MS}); then the run fails with `TIMEOUT`. */
  readonly timeoutMs?: number;
  /** What the run is, for error messages. */
  readonly label?: string;
  /** Runs logged at debug (start, finish with duration), failures at warn; never the argv or a key. */
  readonly logger?: Logger;
  /** Each run becomes a span `framewise.packager`. */
  readonly tracer?: Tracer;
  /** Strings that must never appear in a kept log or an error (content keys): replaced by `[redacted]`. */
  readonly secrets?: readonly string[];
}

/** What a successful packager run left: its log (redacted). */
export interface PackagerRunResult {
  readonly log: string;
}

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

/** Replace every secret (any case) in a text by `[redacted]`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length < 8) continue;
    out = out.replace(new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), '[redacted]');
  }
  return out;
}

/** The last error line of a Shaka Packager log (glog `E…` lines, else the last non-empty line). */
function lastError(log: string): string | undefined {
  const lines = log
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return [...lines].reverse().find((l) => /^E\d{4}|error/i.test(l)) ?? lines.at(-1);
}

/**
 * Run Shaka Packager with an argv array (never a shell) in its own process group, in `cwd`. Its
 * log is kept (the last 64 KiB, secrets redacted) and returned, or attached to the error.
 *
 * @throws `CANCELLED` when aborted; `TIMEOUT` past `timeoutMs`; `TRANSIENT` when killed by a
 * signal; `UNSUPPORTED` when the packager refuses a codec or container; `INVALID_INPUT` for any
 * other failure (the message ends with its last error line, `details.log` holds the log);
 * `INVALID_CONFIG` when the binary cannot be found or started.
 */
export async function runPackager(args: readonly string[], options: RunPackagerOptions): Promise<PackagerRunResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PACKAGER_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0 || timeoutMs > 2_147_483_647)
    throw new FramewiseError(
      'INVALID_CONFIG',
      `Packager timeoutMs ${describeInput(timeoutMs)} must be a whole number of ms from 1 to 2147483647`,
      { details: { timeoutMs } },
    );
  const path = await resolvePackager(options);
  const label = options.label ?? 'packaging';
  const logger = options.logger ?? silentLogger;
  const fields = { tool: basename(path), label };
  return withSpan(options.tracer, 'framewise.packager', { 'framewise.packager.label': label }, async (span) => {
    const started = performance.now();
    logger.debug(fields, 'framewise packager: run started');
    try {
      const result = await spawnPackager(path, args, options, timeoutMs, label);
      span?.setAttribute('framewise.packager.duration_ms', Math.round(performance.now() - started));
      logger.debug(
        { ...fields, durationMs: Math.round(performance.now() - started) },
        'framewise packager: run finished',
      );
      return result;
    } catch (error) {
      if (!isFramewiseError(error, 'CANCELLED'))
        logger.warn(
          { ...fields, code: isFramewiseError(error) ? error.code : 'INTERNAL' },
          'framewise packager: run failed',
        );
      throw error;
    }
  });
}

function spawnPackager(
  path: string,
  args: readonly string[],
  options: RunPackagerOptions,
  timeoutMs: number,
  label: string,
): Promise<PackagerRunResult> {
  const secrets = options.secrets ?? [];
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new FramewiseError('CANCELLED', `${label}: cancelled before it started`, { details: {} }));
      return;
    }
    const child = spawn(path, [...args], { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let log = '';
    let aborted = false;
    let timedOut = false;
    const keep = (chunk: string) => {
      log = (log + chunk).slice(-LOG_KEEP * 2);
    };
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, timeoutMs);
    const onAbort = () => {
      aborted = true;
      killGroup(child);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (error) => {
      done();
      reject(
        new FramewiseError(
          'INVALID_CONFIG',
          `${label}: cannot start Shaka Packager ${JSON.stringify(path)}: ${error.message}`,
          {
            cause: error,
            details: { path },
          },
        ),
      );
    });
    child.on('close', (code, signal) => {
      done();
      const kept = redactSecrets(log, secrets).slice(-LOG_KEEP);
      if (code === 0 && !aborted && !timedOut) {
        resolve({ log: kept });
        return;
      }
      const details = { exitCode: code, signal, log: kept };
      if (aborted) reject(new FramewiseError('CANCELLED', `${label}: cancelled`, { details }));
      else if (timedOut)
        reject(
          new FramewiseError('TIMEOUT', `${label}: the packager ran longer than ${timeoutMs} ms and was killed`, {
            details,
          }),
        );
      else if (code === null)
        reject(
          new FramewiseError(
            'TRANSIENT',
            `${label}: the packager was killed by signal ${signal} (not a media defect); retry`,
            { details },
          ),
        );
      else {
        const line = (lastError(kept) ?? `exit ${code}`).slice(0, 500);
        const unsupported = /not (?:yet )?supported|unsupported|unknown codec/i.test(line);
        reject(
          new FramewiseError(
            unsupported ? 'UNSUPPORTED' : 'INVALID_INPUT',
            `${label}: Shaka Packager failed (exit ${code}): ${line}`,
            { details },
          ),
        );
      }
    });
  });
}
