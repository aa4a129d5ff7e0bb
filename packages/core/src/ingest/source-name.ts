import { basename, sep } from 'node:path';
import { FramewiseError } from '../errors/index.js';
import { normalizeKey } from '../storage/keys.js';
import { safeMediaPath } from '../transcode/ffmpeg/media-path.js';

/** C0 and C1 controls, DEL, bidirectional formatting characters and line/paragraph separators. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find them
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/u;

/**
 * Check the path of a file to ingest: no control or bidirectional-formatting characters anywhere,
 * no `..` segment (a name that climbs out of the folder it was dropped in), and nothing ffmpeg
 * could read as an option or a protocol (`-x`, `concat:`, `pipe:`).
 *
 * @returns the path, safe to hand to ffmpeg.
 * @throws `INVALID_INPUT` naming the path and the rule it breaks.
 */
export function checkIngestPath(path: string): string {
  if (typeof path !== 'string' || path.length === 0)
    throw new FramewiseError('INVALID_INPUT', `Ingest source ${JSON.stringify(String(path))} is empty`, {
      details: { path: String(path).slice(0, 200) },
    });
  if (UNSAFE.test(path))
    throw new FramewiseError(
      'INVALID_INPUT',
      `Ingest source ${JSON.stringify(path.slice(0, 200))} contains control or bidirectional-formatting characters: refused`,
      { details: { path: path.slice(0, 200), rule: 'characters' } },
    );
  if (path.split(/[/\\]/).includes('..') || path.split(sep).includes('..'))
    throw new FramewiseError(
      'INVALID_INPUT',
      `Ingest source ${JSON.stringify(path.slice(0, 200))} has a ".." segment (path traversal): refused`,
      { details: { path: path.slice(0, 200), rule: 'traversal' } },
    );
  return safeMediaPath(path);
}

/**
 * The name a file is stored and catalogued under: one object-key segment (the storage's key rules:
 * NFC, no `/` or `\`, no `.`/`..`, no control or bidirectional characters, at most 255 bytes).
 *
 * @throws `INVALID_INPUT` naming the name and the rule it breaks.
 */
export function checkIngestName(name: string): string {
  if (typeof name !== 'string' || name.includes('/') || name.includes('\\'))
    throw new FramewiseError(
      'INVALID_INPUT',
      `Ingest name ${JSON.stringify(String(name).slice(0, 200))} must be one file name, without "/" or "\\"`,
      { details: { name: String(name).slice(0, 200), rule: 'separator' } },
    );
  try {
    return normalizeKey(name);
  } catch (error) {
    throw new FramewiseError(
      'INVALID_INPUT',
      `Ingest name ${JSON.stringify(name.slice(0, 200))} is refused: ${(error as Error).message}`,
      { cause: error, details: { name: name.slice(0, 200) } },
    );
  }
}

/** The checked file name of a path (its last segment). */
export function ingestNameOf(path: string): string {
  return checkIngestName(basename(path));
}
