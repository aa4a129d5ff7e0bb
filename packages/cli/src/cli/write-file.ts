import { randomBytes } from 'node:crypto';
import { lstat, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FramewiseError } from '@framewise/core/errors';

/**
 * Write an output file named on the command line, whole or not at all: written under a temporary
 * name beside it, then renamed. An existing file is kept unless `force`; a directory, a symbolic
 * link or a device at the path is refused.
 */
export async function writeOutputFile(
  path: string,
  data: string | Uint8Array,
  options: { readonly force?: boolean; readonly what?: string } = {},
): Promise<string> {
  const what = options.what ?? 'Output file';
  if (path === '' || path.includes('\0'))
    throw new FramewiseError('INVALID_INPUT', `${what} ${JSON.stringify(path)} is not a valid path`, {
      details: { path },
    });
  await assertWritableTarget(path, options.force === true, what);
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, data, { flag: 'wx' });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw new FramewiseError(
      'INVALID_INPUT',
      `${what} ${JSON.stringify(path)} could not be written: ${(error as Error).message}`,
      {
        cause: error,
        details: { path },
      },
    );
  }
  return path;
}

/** Refuse an output path that exists (unless `force`, and then only a regular file). */
export async function assertWritableTarget(path: string, force: boolean, what = 'Output file'): Promise<void> {
  let info: Awaited<ReturnType<typeof lstat>> | undefined;
  try {
    info = await lstat(path);
  } catch {
    return;
  }
  if (!info.isFile())
    throw new FramewiseError('INVALID_INPUT', `${what} ${JSON.stringify(path)} exists and is not a regular file`, {
      details: { path },
    });
  if (!force)
    throw new FramewiseError('CONFLICT', `${what} ${JSON.stringify(path)} already exists`, {
      details: { path, fix: 'choose another path, or pass --force to replace it' },
    });
}
