import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FramewiseError } from '@framewise/core/errors';
import { checkRelativePath } from '../drop/naming.js';
import type { DropTransport } from '../drop/transport.js';

/**
 * The local filesystem (or a mounted share) as a drop-folder transport. Paths are checked to stay
 * under the root, symbolic links included; appends resume a partial file; renames are POSIX
 * renames (atomic, replacing); every file is flushed to disk before it is renamed into place.
 */
export function localTransport(root: string): DropTransport {
  const base = resolve(root);
  let realBase: string | undefined;
  const inside = async (path: string): Promise<string> => {
    const abs = join(base, checkRelativePath(path));
    if (realBase === undefined) {
      await mkdir(base, { recursive: true });
      realBase = await realpath(base);
    }
    // The deepest existing ancestor must resolve inside the root (a symlink cannot lead out).
    let probe = dirname(abs);
    for (;;) {
      try {
        const real = await realpath(probe);
        if (real !== realBase && !real.startsWith(realBase + sep))
          throw new FramewiseError('FORBIDDEN', `Path "${path}" leads outside the drop folder`, { details: { path } });
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        const up = dirname(probe);
        if (up === probe) break;
        probe = up;
      }
    }
    return abs;
  };
  return {
    name: 'folder',
    async write(path: string, body: Readable, offset: number) {
      const abs = await inside(path);
      await pipeline(body, createWriteStream(abs, offset > 0 ? { flags: 'r+', start: offset } : { flags: 'w' }));
      const handle = await open(abs, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
    async size(path: string) {
      try {
        return (await stat(await inside(path))).size;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async rename(from: string, to: string) {
      await rename(await inside(from), await inside(to));
    },
    async mkdirs(path: string) {
      await mkdir(await inside(path), { recursive: true });
    },
    async list(path: string) {
      try {
        return (await readdir(await inside(path))).sort();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
    },
    async removeTree(path: string) {
      await rm(await inside(path), { recursive: true, force: true });
    },
    async close() {},
  };
}
