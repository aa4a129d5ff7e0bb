import { readFile, stat } from 'node:fs/promises';
import { FramewiseError } from '@framewise/core/errors';

/** A string option, or undefined. */
export function stringOpt(opts: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const v = opts[name];
  return typeof v === 'string' ? v : undefined;
}

/** A positional argument that commander guarantees is there. */
export function arg(args: readonly string[], index: number, name: string): string {
  const v = args[index];
  if (v === undefined) throw new FramewiseError('INVALID_INPUT', `Missing argument <${name}>`, { details: { name } });
  return v;
}

/** A positive integer option. */
export function intOpt(opts: Readonly<Record<string, unknown>>, name: string): number | undefined {
  const v = stringOpt(opts, name);
  if (v === undefined) return undefined;
  if (!/^\d{1,9}$/.test(v) || Number(v) <= 0)
    throw new FramewiseError('INVALID_INPUT', `--${kebab(name)} ${JSON.stringify(v)} must be a positive whole number`, {
      details: { option: kebab(name), value: v },
    });
  return Number(v);
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Read and parse a JSON file named on the command line; errors name the option and the file. */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  const text = await readTextFile(path, what);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new FramewiseError(
      'INVALID_INPUT',
      `${what} ${JSON.stringify(path)} is not valid JSON: ${(error as Error).message}`,
      {
        cause: error,
        details: { path },
      },
    );
  }
}

/** The most a JSON or XML input named on the command line may weigh (64 MiB). */
export const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

/** Read a text file named on the command line: NOT_FOUND when absent, INVALID_INPUT when not a regular file or too big. */
export async function readTextFile(path: string, what: string): Promise<string> {
  return (await readDocument(path, what)).toString('utf8');
}

/** Read a document file named on the command line (as {@link readTextFile}) as bytes. */
export async function readDocument(path: string, what: string): Promise<Buffer> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    throw new FramewiseError('NOT_FOUND', `${what} ${JSON.stringify(path)} does not exist or cannot be read`, {
      cause: error,
      details: { path },
    });
  }
  if (!info.isFile())
    throw new FramewiseError('INVALID_INPUT', `${what} ${JSON.stringify(path)} is not a regular file`, {
      details: { path },
    });
  if (info.size > MAX_DOCUMENT_BYTES)
    throw new FramewiseError(
      'INVALID_INPUT',
      `${what} ${JSON.stringify(path)} is larger than ${MAX_DOCUMENT_BYTES} bytes`,
      {
        details: { path, sizeBytes: info.size },
      },
    );
  return readFile(path);
}
