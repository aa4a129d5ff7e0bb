import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { hasControlCharacter } from '../../assets/common.js';
import { FramewiseError } from '../../errors/index.js';

/** Options for {@link safeMediaPath}. */
export interface MediaPathOptions {
  /** URL protocols ffmpeg may open for this path, e.g. `['https']`. Default none: local files only. */
  readonly allowProtocols?: readonly string[];
}

/**
 * ffmpeg's own rule (libavformat `url_find_protocol`): a leading run of scheme characters
 * (letters, digits, `+`, `-`, `.`) followed by `:` names a protocol, whatever it starts with.
 */
const PROTOCOL = /^([a-zA-Z0-9+.-]*):/;
/**
 * Protocols with options before the colon: `subfile,,start,153391104,end,...,:file.iso` (and any
 * `name,options…:` form a later ffmpeg may accept the same way).
 */
const PROTOCOL_WITH_OPTIONS = /^([a-zA-Z0-9+.-]+),[^/]*:|^(subfile),.*:/is;

/**
 * Make a path safe to hand to ffmpeg as an input or output argument. ffmpeg reads an argument that
 * starts with `-` as an option and one that starts with `name:` as a protocol (`concat:`, `pipe:`,
 * `subfile:`, `http:`, `1abc:`, `:x`, …) or `name,options:` (`subfile,,start,0,end,9,,:/etc/passwd`),
 * which would let a file name read or write something else. Relative paths starting with `-` get a
 * `./` prefix; every protocol syntax is refused unless that protocol is allowed; control characters
 * and empty paths are refused. (A local file whose name looks like a protocol can still be given as
 * `./name`.)
 *
 * @throws `INVALID_INPUT` naming the path.
 */
export function safeMediaPath(path: string, options: MediaPathOptions = {}): string {
  if (
    typeof path !== 'string' ||
    path.length === 0 ||
    path.length > 4096 ||
    hasControlCharacter(path) ||
    path.includes('\n') ||
    path.includes('\r')
  ) {
    throw new FramewiseError(
      'INVALID_INPUT',
      `Media path ${JSON.stringify(String(path).slice(0, 80))} is empty, too long or has control characters`,
      {
        details: { path: String(path).slice(0, 200) },
      },
    );
  }
  const match = PROTOCOL.exec(path) ?? PROTOCOL_WITH_OPTIONS.exec(path);
  const protocol = match === null ? undefined : (match[1] ?? match[2] ?? '').toLowerCase();
  if (protocol !== undefined) {
    if (!(options.allowProtocols ?? []).map((p) => p.toLowerCase()).includes(protocol)) {
      throw new FramewiseError(
        'INVALID_INPUT',
        `Media path ${JSON.stringify(path.slice(0, 80))} uses the "${protocol}:" protocol, which is not allowed here`,
        {
          details: { path: path.slice(0, 200), protocol },
        },
      );
    }
    return path;
  }
  return isAbsolute(path) || !path.startsWith('-') ? path : `./${path}`;
}

/**
 * Check that a local media input is a regular file (following symbolic links). A FIFO, a device
 * (`/dev/zero`, `/dev/stdin`), a socket or a directory is refused: ffmpeg and ffprobe would block
 * forever on a FIFO nobody writes, or read without end from a device.
 *
 * @throws `INVALID_INPUT` naming the path and what it is; `NOT_FOUND` when it does not exist.
 */
export async function assertRegularMediaFile(path: string): Promise<void> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    throw new FramewiseError(
      'NOT_FOUND',
      `Media file ${JSON.stringify(path.slice(0, 200))} does not exist or cannot be read`,
      {
        cause: error,
        details: { path: path.slice(0, 200) },
      },
    );
  }
  if (info.isFile()) return;
  const kind = info.isFIFO()
    ? 'a FIFO'
    : info.isCharacterDevice() || info.isBlockDevice()
      ? 'a device'
      : info.isDirectory()
        ? 'a directory'
        : info.isSocket()
          ? 'a socket'
          : 'not a regular file';
  throw new FramewiseError(
    'INVALID_INPUT',
    `Media input ${JSON.stringify(path.slice(0, 200))} is ${kind}, not a regular file: refused (ffmpeg would block or read without end)`,
    { details: { path: path.slice(0, 200), kind } },
  );
}
