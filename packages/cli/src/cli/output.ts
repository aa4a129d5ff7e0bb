import { isFramewiseError } from '@framewise/core/errors';
import { EXIT, type ExitCode, exitCodeOf, FIX_OF_CODE } from './exit-codes.js';

/** How a command writes: human text, or one JSON document on stdout (`--json`). */
export interface Output {
  readonly json: boolean;
  /** Write a line of human text to stdout (nothing in JSON mode). */
  line(text?: string): void;
  /** Write an aligned table to stdout (nothing in JSON mode). */
  table(header: readonly string[], rows: readonly (readonly string[])[]): void;
  /** Write the command's result: as JSON in JSON mode, else nothing (the human lines were written). */
  result(value: unknown): void;
  /** A progress line on stderr (only on a terminal, never in JSON mode). */
  progress(label: string, percent: number | undefined, done: boolean): void;
}

/** An output writing to the process's stdout and stderr. */
export function processOutput(json: boolean): Output {
  const out = (text: string) => process.stdout.write(text);
  const tty = process.stderr.isTTY === true;
  return {
    json,
    line(text = '') {
      if (!json) out(`${text}\n`);
    },
    table(header, rows) {
      if (json) return;
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
      const fmt = (cells: readonly string[]) =>
        cells
          .map((c, i) => c.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd();
      out(`${fmt(header)}\n${fmt(widths.map((w) => '-'.repeat(w)))}\n`);
      for (const row of rows) out(`${fmt(row)}\n`);
    },
    result(value) {
      if (json) out(`${JSON.stringify(value, null, 2)}\n`);
    },
    progress(label, percent, done) {
      if (json || !tty) return;
      const p = Math.max(0, Math.min(100, Math.round(percent ?? 0)));
      const filled = Math.round(p / 4);
      process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(25 - filled)}] ${String(p).padStart(3)}%`);
      if (done) process.stderr.write('\n');
    },
  };
}

/** The error as `--json` prints it, and the exit code it maps to. */
export function describeError(error: unknown): {
  readonly exitCode: ExitCode;
  readonly error: { code: string; message: string; fix: string; details?: unknown };
} {
  if (isFramewiseError(error)) {
    const details = error.details as Record<string, unknown>;
    const fix = typeof details.fix === 'string' ? details.fix : (FIX_OF_CODE[error.code] ?? '');
    return {
      exitCode: exitCodeOf(error.code),
      error: {
        code: error.code,
        message: error.message,
        fix,
        ...(Object.keys(details).length > 0 ? { details } : {}),
      },
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    exitCode: EXIT.INTERNAL,
    error: { code: 'INTERNAL', message, fix: FIX_OF_CODE.INTERNAL ?? '' },
  };
}

/** Print an error (JSON on stdout with `--json`, else text on stderr) and return its exit code. */
export function reportError(error: unknown, json: boolean): ExitCode {
  const { exitCode, error: e } = describeError(error);
  if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: e }, null, 2)}\n`);
  else process.stderr.write(`framewise: ${e.code}: ${e.message}\n  fix: ${e.fix}\n`);
  return exitCode;
}

export { EXIT };
