import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { FramewiseError } from '@framewise/core/errors';

/** The executables the LTFS driver runs. */
export type LtfsTool = 'mkltfs' | 'ltfs' | 'ltfsck' | 'getfattr' | 'setfattr' | 'fusermount';

/** Where each tool comes from, to say how to install it when it is missing. */
const INSTALL: Readonly<Record<LtfsTool, string>> = {
  mkltfs: 'build the LTFS reference implementation: bash ../shared/tools/ltfs/build.sh /opt/ltfs',
  ltfs: 'build the LTFS reference implementation: bash ../shared/tools/ltfs/build.sh /opt/ltfs',
  ltfsck: 'build the LTFS reference implementation: bash ../shared/tools/ltfs/build.sh /opt/ltfs',
  getfattr: 'apt-get install -y attr',
  setfattr: 'apt-get install -y attr',
  fusermount: 'apt-get install -y fuse3 (or fuse)',
};

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * Find a tool: LTFS's own binaries in `binDir` (then on `PATH`), the others on `PATH`
 * (`fusermount3` stands in for `fusermount`).
 *
 * @throws `INVALID_CONFIG` naming the missing binary and how to install it.
 */
export function findTool(tool: LtfsTool, binDir: string, pathEnv = process.env.PATH ?? ''): string {
  const names = tool === 'fusermount' ? ['fusermount3', 'fusermount'] : [tool];
  const dirs = [
    ...(tool === 'mkltfs' || tool === 'ltfs' || tool === 'ltfsck' ? [binDir] : []),
    ...pathEnv.split(delimiter),
  ];
  for (const name of names)
    for (const dir of dirs) {
      if (dir === '') continue;
      const candidate = join(dir, name);
      if (executable(candidate)) return candidate;
    }
  throw new FramewiseError(
    'INVALID_CONFIG',
    `The ${names.join(' / ')} binary was not found (looked in ${[...new Set(dirs.filter((d) => d !== ''))].slice(0, 6).join(', ')}): ${INSTALL[tool]}`,
    { details: { tool, binDir } },
  );
}

/** What a finished command printed and how it ended. */
export interface CommandResult {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Largest output kept from a command (the rest is dropped). */
const MAX_OUTPUT = 4 * 1024 * 1024;

/**
 * Run an executable with an argv array (never a shell), collecting its output; kills it on
 * `signal` or after `timeoutMs`.
 */
export function runCommand(
  file: string,
  args: readonly string[],
  options: { readonly signal?: AbortSignal; readonly timeoutMs?: number; readonly env?: NodeJS.ProcessEnv } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env ?? process.env,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
    });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (outBytes < MAX_OUTPUT) out.push(chunk);
      outBytes += chunk.length;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.length < MAX_OUTPUT) err += chunk.toString('utf8');
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.name === 'AbortError')
        reject(new FramewiseError('CANCELLED', `${file} was cancelled`, { details: { file }, cause: error }));
      else
        reject(
          new FramewiseError('INVALID_CONFIG', `${file} could not be started: ${error.message}`, {
            details: { file },
            cause: error,
          }),
        );
    });
    child.on('close', (exitCode, signal) => resolve({ exitCode, signal, stdout: Buffer.concat(out), stderr: err }));
  });
}
