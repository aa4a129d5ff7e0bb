import { FramewiseError } from '@framewise/core/errors';

/** Longest file or directory name LTFS stores (bytes of UTF-8, LTFS format specification). */
const MAX_NAME_BYTES = 255;

/**
 * Check a path on an LTFS volume (`/`-separated, relative to the volume root) and return its
 * components. Refuses empty paths, `.` and `..` components, empty components, NUL and other
 * control characters, names LTFS cannot store (`:` is reserved by LTFS on some platforms and is
 * allowed; `/` separates) and names over 255 bytes: a path can never leave the mount point.
 *
 * @throws `INVALID_INPUT` naming the path.
 */
export function volumePathParts(path: string): string[] {
  const bad = (why: string): never => {
    throw new FramewiseError('INVALID_INPUT', `LTFS path ${JSON.stringify(path.slice(0, 200))} ${why}`, {
      details: { path: path.slice(0, 1024) },
    });
  };
  if (typeof path !== 'string' || path.length === 0) bad('is empty');
  if (path.length > 4096) bad('is longer than 4096 characters');
  const trimmed = path.startsWith('/') ? path.slice(1) : path;
  if (trimmed === '') bad('names the volume root, not a file');
  const parts = trimmed.split('/');
  for (const part of parts) {
    if (part === '') bad('has an empty component ("//" or a trailing "/")');
    if (part === '.' || part === '..') bad('has a "." or ".." component');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
    if (/[\u0000-\u001f\u007f]/.test(part)) bad('contains a control character');
    if (Buffer.byteLength(part, 'utf8') > MAX_NAME_BYTES) bad(`has a name over ${MAX_NAME_BYTES} bytes`);
  }
  return parts;
}
