import { stat } from 'node:fs/promises';
import { FramewiseError } from '@framewise/core/errors';
import { safeMediaPath } from '@framewise/core/transcode';

/**
 * A media file named on the command line: refused when it could be read by ffmpeg as an option or
 * a protocol (`-i`, `concat:`, `pipe:`), NOT_FOUND when absent, INVALID_INPUT when not a regular file.
 */
export async function mediaInput(path: string): Promise<string> {
  const safe = safeMediaPath(path);
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(safe);
  } catch (error) {
    throw new FramewiseError('NOT_FOUND', `Media file ${JSON.stringify(path)} does not exist or cannot be read`, {
      cause: error,
      details: { path },
    });
  }
  if (!info.isFile())
    throw new FramewiseError('INVALID_INPUT', `Media file ${JSON.stringify(path)} is not a regular file`, {
      details: { path },
    });
  return safe;
}
