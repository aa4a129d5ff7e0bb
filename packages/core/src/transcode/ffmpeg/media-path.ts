import { isAbsolute } from 'node:path';
import { hasControlCharacter } from '../../assets/common.js';
import { FramewiseError } from '../../errors/index.js';

/** Options for {@link safeMediaPath}. */
export interface MediaPathOptions {
  /** URL protocols ffmpeg may open for this path, e.g. `['https']`. Default none: local files only. */
  readonly allowProtocols?: readonly string[];
}

const PROTOCOL = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

/**
 * Make a path safe to hand to ffmpeg as an input or output argument. ffmpeg reads an argument that
 * starts with `-` as an option and one that starts with `name:` as a protocol (`concat:`, `pipe:`,
 * `subfile:`, `http:`, …), which would let a file name read or write something else. Relative paths
 * starting with `-` get a `./` prefix; a protocol prefix is refused unless allowed; control
 * characters and empty paths are refused.
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
  const protocol = PROTOCOL.exec(path)?.[1]?.toLowerCase();
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
