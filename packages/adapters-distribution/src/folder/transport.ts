import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, realpath, rename, rm, unlink } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { FramewiseError } from '@framewise/core/errors';
import { checkRelativePath } from '../drop/naming.js';
import type { DigestSource, DropTransport } from '../drop/transport.js';

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = constants;

/** fsync a directory, so the entries created or renamed in it survive a power loss. */
async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const exists = (path: string) =>
  lstat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );

/**
 * The local filesystem (or a mounted share) as a drop-folder transport. Paths are checked to stay
 * under the root, symbolic links included; new files are created with `O_CREAT | O_EXCL |
 * O_NOFOLLOW` (a link planted at the name makes the write fail, it is never written through) and
 * resumed files opened with `O_NOFOLLOW`; renames are POSIX renames (atomic, replacing); every file
 * is flushed to disk before it is renamed into place, and the directory after (as is the parent of
 * every directory created, one level at a time); the receiver's checksum is the SHA-256 of the
 * file read back from disk.
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
  const refused = (error: unknown, path: string): never => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ELOOP')
      throw new FramewiseError(
        'CONFLICT',
        `"${path}" is taken by something else (${code === 'ELOOP' ? 'a symbolic link' : 'a file'}): it is not written through`,
        { details: { path }, cause: error },
      );
    throw error;
  };
  return {
    name: 'folder',
    async write(path: string, body: Readable, offset: number) {
      const abs = await inside(path);
      const flags = offset > 0 ? O_WRONLY | O_NOFOLLOW : O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW;
      const handle = await open(abs, flags, 0o644).catch((error: unknown) => refused(error, path));
      try {
        if (!(await handle.stat()).isFile())
          throw new FramewiseError('CONFLICT', `"${path}" is not a regular file`, { details: { path } });
        let position = offset;
        for await (const chunk of body) {
          const data = chunk as Buffer;
          for (let done = 0; done < data.length; ) {
            const { bytesWritten } = await handle.write(data, done, data.length - done, position);
            done += bytesWritten;
            position += bytesWritten;
          }
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
    async size(path: string) {
      try {
        const s = await lstat(await inside(path));
        return s.isFile() ? s.size : undefined;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async remove(path: string) {
      try {
        await unlink(await inside(path));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    },
    async rename(from: string, to: string) {
      const target = await inside(to);
      await rename(await inside(from), target);
      // The new name is durable only once its directory is.
      await fsyncDir(dirname(target));
    },
    async mkdirs(path: string) {
      // One level at a time, each new directory's parent fsynced: a power loss cannot leave a
      // delivered file (fsynced, renamed) in a directory whose own entry was never written.
      const abs = await inside(path);
      const missing: string[] = [];
      for (let dir = abs; dir !== base && dir.startsWith(base + sep); dir = dirname(dir)) {
        if (await exists(dir)) break;
        missing.unshift(dir);
      }
      for (const dir of missing) {
        try {
          await mkdir(dir);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
          continue;
        }
        await inside(relative(base, dir)); // still under the root (no link planted meanwhile)
        await fsyncDir(dirname(dir));
      }
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
    async digest(path: string, source: DigestSource) {
      // A local filesystem keeps no checksum of its own: re-hashing the page cache right after the
      // write proves little and costs a second pass, so only an explicit read-back reads the bytes.
      if (source === 'server') return undefined;
      const abs = await inside(path);
      const handle = await open(abs, constants.O_RDONLY | O_NOFOLLOW);
      try {
        const hash = createHash('sha256');
        for await (const chunk of handle.createReadStream({ highWaterMark: 1024 * 1024, autoClose: false }))
          hash.update(chunk as Buffer);
        return hash.digest('hex');
      } finally {
        await handle.close();
      }
    },
    async close() {},
  };
}
