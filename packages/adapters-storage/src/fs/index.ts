/**
 * `@framewise/adapters-storage/fs`: object storage on a local or mounted filesystem.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, realpathSync } from 'node:fs';
import { copyFile, link, mkdir, open, readdir, readFile, realpath, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseOptions } from '@framewise/core/adapter-kit';
import { FramewiseError, isFramewiseError, messageOf, TRANSIENT_SYSTEM_CODES } from '@framewise/core/errors';
import type { ByteRange, ObjectInfo, StorageDriver } from '@framewise/core/storage';
import { z } from 'zod';

/** Options for {@link createFsStorage}. */
export const FsStorageOptionsSchema = z.strictObject({
  /** Directory holding the objects; created if missing. Keys are paths under it. */
  root: z.string().min(1),
  /** fsync files and directories so a completed put survives a power loss; default true. */
  fsync: z.boolean().default(true),
});
/** Options for {@link createFsStorage}. */
export type FsStorageOptions = z.input<typeof FsStorageOptionsSchema>;

/** Where user metadata lives, beside the objects: `<root>/.framewise/meta/<key>.json`. */
const META_DIR = '.framewise';
const PARTIAL = '.partial';

function errorOf(error: unknown, what: string): FramewiseError {
  if (isFramewiseError(error)) return error;
  const code = (error as { code?: string }).code;
  const message = `${what}: ${messageOf(error)}`;
  if (code === 'ENOENT') return new FramewiseError('NOT_FOUND', message, { cause: error });
  if (code === 'EACCES' || code === 'EPERM') return new FramewiseError('FORBIDDEN', message, { cause: error });
  // A key under an existing object (`a` is a file, `a/b` asked) or an object where a prefix is (`a/` has keys).
  if (code === 'ENOTDIR' || code === 'EISDIR' || code === 'ENOTEMPTY' || code === 'EEXIST')
    return new FramewiseError(
      'CONFLICT',
      `${message} (on a filesystem a key cannot be both an object and a prefix of other keys)`,
      { cause: error },
    );
  if (code === 'ENAMETOOLONG') return new FramewiseError('INVALID_INPUT', message, { cause: error });
  // The one retry rule's system codes (a full disk, no file handles, busy), and EIO: a flaky mount.
  if ((code !== undefined && TRANSIENT_SYSTEM_CODES.has(code)) || code === 'EIO')
    return new FramewiseError('TRANSIENT', message, { cause: error });
  if (code === 'ABORT_ERR' || (error as Error)?.name === 'AbortError')
    return new FramewiseError('CANCELLED', message, { cause: error });
  return new FramewiseError('INTERNAL', message, { cause: error });
}

/** A create-only put found something under the key. */
function alreadyExists(key: string, cause?: unknown): FramewiseError {
  return new FramewiseError(
    'CONFLICT',
    `An object already exists under ${JSON.stringify(key)} and the put was create-only: nothing was written`,
    { ...(cause === undefined ? {} : { cause }), details: { key, reason: 'exists' } },
  );
}

/** The filesystem driver: the storage port plus housekeeping. */
export interface FsStorage extends StorageDriver {
  /**
   * Remove temporary `.partial` files (left by puts killed mid-write) last modified more than
   * `olderThanMs` ago (default one day), anywhere under the root; younger ones may belong to
   * puts still running. Returns the paths removed, relative to the root.
   */
  sweepPartials(options?: {
    readonly olderThanMs?: number;
    readonly now?: Date;
  }): Promise<{ readonly removed: string[] }>;
}

/**
 * Object storage on a filesystem. Writes are atomic: content goes to a hidden temporary file in the
 * target directory, is fsynced, then renamed over the key (and the directory fsynced), so a reader
 * never sees a partial object under its final key. A key whose resolved path leaves the root —
 * through a symlink as well as `..` — is refused with `FORBIDDEN`. User metadata and content type
 * are kept in a sidecar under `<root>/.framewise/`. Range reads stream just the bytes asked for.
 */
export function createFsStorage(options: FsStorageOptions): FsStorage {
  const o = parseOptions(FsStorageOptionsSchema, options, 'Filesystem storage options');
  // The root is resolved through symbolic links once, when it first exists: every path is built
  // and checked from that real directory, and the identity names it, so a location configured
  // through an alias (`/mnt/alias` → `/mnt/archive`) is the same store as one given the real path.
  let resolvedRoot: string | undefined;
  let rootReal: Promise<string> | undefined;
  const root = () => {
    rootReal ??= mkdir(o.root, { recursive: true })
      .then(() => realpath(o.root))
      .then((real) => {
        resolvedRoot ??= real;
        return resolvedRoot;
      });
    return rootReal;
  };
  /** The root's real path (before it exists: its deepest existing ancestor's real path, then the rest). */
  const realRootSync = (): string => {
    if (resolvedRoot !== undefined) return resolvedRoot;
    const absolute = resolve(o.root);
    try {
      resolvedRoot = realpathSync(absolute);
      return resolvedRoot;
    } catch {
      let ancestor = dirname(absolute);
      let rest = absolute.slice(ancestor.length);
      for (;;) {
        try {
          return join(realpathSync(ancestor), rest);
        } catch {
          const up = dirname(ancestor);
          if (up === ancestor) return absolute;
          rest = ancestor.slice(up.length) + rest;
          ancestor = up;
        }
      }
    }
  };
  const within = (base: string, path: string) => path === base || path.startsWith(base + sep);
  /** The path of a key, checked to stay inside the root once symlinks are resolved. */
  const pathOf = async (key: string, create: boolean): Promise<string> => {
    const base = await root();
    const path = join(base, key);
    if (!within(base, path) || key.split('/')[0] === META_DIR) {
      throw new FramewiseError('FORBIDDEN', `Object key ${JSON.stringify(key)} is outside the storage root`, {
        details: { key },
      });
    }
    const parent = dirname(path);
    // Directories are made one at a time from the root, each existing one checked first: a
    // symlinked directory is refused before anything is created through it.
    if (create) await ensureDir(base, relative(base, parent));
    let real: string;
    try {
      real = await realpath(path);
    } catch {
      try {
        real = join(await realpath(parent), path.slice(parent.length + 1));
      } catch {
        return path; // the parent does not exist: nothing can be read there
      }
    }
    if (!within(base, real)) throw outside(key);
    return path;
  };
  const outside = (key: string) =>
    new FramewiseError(
      'FORBIDDEN',
      `Object key ${JSON.stringify(key)} resolves outside the storage root (a symlink?)`,
      {
        details: { key },
      },
    );
  /** Make `rel` under `base` segment by segment, fsyncing the parent of each new directory. */
  const ensureDir = async (base: string, rel: string) => {
    let current = base;
    for (const segment of rel === '' ? [] : rel.split(sep)) {
      const next = join(current, segment);
      let created = false;
      try {
        await mkdir(next);
        created = true;
      } catch (error) {
        if ((error as { code?: string }).code !== 'EEXIST') throw error;
      }
      if (created) await fsyncDir(current);
      else {
        if (!within(base, await realpath(next))) throw outside(relative(base, next).split(sep).join('/'));
        if (!(await stat(next)).isDirectory())
          throw Object.assign(new Error(`${relative(base, next)} is an object, not a prefix`), { code: 'ENOTDIR' });
      }
      current = next;
    }
  };
  const metaPath = async (key: string) => join(await root(), META_DIR, 'meta', `${key}.json`);
  const fsyncDir = async (dir: string) => {
    if (!o.fsync) return;
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  };

  const info = async (key: string, path: string): Promise<ObjectInfo | undefined> => {
    let s: Awaited<ReturnType<typeof stat>>;
    try {
      s = await stat(path);
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return undefined;
      throw errorOf(error, `stat ${key}`);
    }
    if (!s.isFile()) return undefined;
    let meta: { contentType?: string; metadata?: Record<string, string> } = {};
    try {
      meta = JSON.parse(await readFile(await metaPath(key), 'utf8'));
    } catch {
      // no sidecar: no metadata
    }
    return {
      key,
      sizeBytes: s.size,
      modifiedAt: s.mtime.toISOString(),
      ...(meta.contentType ? { contentType: meta.contentType } : {}),
      metadata: meta.metadata ?? {},
    };
  };

  const writeAtomically = async (
    path: string,
    write: (tmp: string) => Promise<void>,
    verify?: () => Promise<void>,
    /** Create only: the key, for the error when an object is already there. */
    createOnlyKey?: string,
  ) => {
    const tmp = join(
      dirname(path),
      `.${path.split(sep).pop()?.slice(0, 200)}.${randomBytes(6).toString('hex')}${PARTIAL}`,
    );
    try {
      await write(tmp);
      if (o.fsync) {
        const handle = await open(tmp, 'r+');
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
      }
      // The bytes are durable under the temporary name; the key changes only if they check out.
      await verify?.();
      if (createOnlyKey !== undefined) {
        // A hard link is made only if the name is free (atomically, whoever else writes it), and
        // the temporary name is removed after: an existing object is never replaced.
        try {
          await link(tmp, path);
        } catch (error) {
          const code = (error as { code?: string }).code;
          if (code === 'EEXIST') throw alreadyExists(createOnlyKey, error);
          if (code === 'ENOTSUP' || code === 'EOPNOTSUPP')
            throw new FramewiseError(
              'UNSUPPORTED',
              `Create-only put of ${JSON.stringify(createOnlyKey)}: this filesystem has no hard links`,
              { cause: error, details: { key: createOnlyKey } },
            );
          throw error;
        }
        await unlink(tmp);
      } else await rename(tmp, path);
      await fsyncDir(dirname(path));
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  };

  async function walk(dir: string, base: string, out: string[]): Promise<void> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return;
      throw error;
    }
    for (const e of entries) {
      if (e.name.endsWith(PARTIAL) || (dir === base && e.name === META_DIR)) continue;
      const full = join(dir, e.name);
      if (e.isDirectory()) await walk(full, base, out);
      else if (e.isFile()) out.push(relative(base, full).split(sep).join('/'));
    }
  }

  return {
    name: 'fs',
    /** `fs:` and the root's real path, symbolic links resolved (read once the root exists). */
    get identity() {
      return `fs:${realRootSync()}`;
    },
    capabilities: {
      rangeReads: true,
      resumableUpload: false,
      atomicPut: true,
      serverSideCopy: true,
      userMetadata: true,
      storageClasses: false,
      verifiedPut: true,
      createOnly: true,
    },

    async put(key, body: Readable, putOptions) {
      try {
        const path = await pathOf(key, true);
        // Create only: refused before any byte is written when the name is taken (the link at the
        // end is what holds against a writer coming in between).
        if (
          putOptions.createOnly === true &&
          (await stat(path).then(
            () => true,
            () => false,
          ))
        )
          throw alreadyExists(key);
        let size = 0;
        await writeAtomically(
          path,
          async (tmp) => {
            body.on('data', (chunk: Buffer) => {
              size += chunk.length;
            });
            // `wx`: the temporary name is created exclusively, never through something planted there.
            await pipeline(
              body,
              createWriteStream(tmp, { flags: 'wx' }),
              ...(putOptions.signal ? [{ signal: putOptions.signal }] : []),
            );
          },
          putOptions.verify === undefined
            ? undefined
            : () => (putOptions.verify as NonNullable<typeof putOptions.verify>)({ sizeBytes: size }),
          putOptions.createOnly === true ? key : undefined,
        );
        const meta = await metaPath(key);
        if (
          putOptions.contentType !== undefined ||
          (putOptions.metadata && Object.keys(putOptions.metadata).length > 0)
        ) {
          await mkdir(dirname(meta), { recursive: true });
          await writeAtomically(meta, (tmp) =>
            import('node:fs/promises').then((fs) =>
              fs.writeFile(
                tmp,
                JSON.stringify({ contentType: putOptions.contentType, metadata: putOptions.metadata ?? {} }),
              ),
            ),
          );
        } else {
          await rm(meta, { force: true });
        }
        return { sizeBytes: size };
      } catch (error) {
        throw errorOf(error, `put ${key}`);
      }
    },

    async get(key, getOptions: { range?: ByteRange; signal?: AbortSignal }) {
      const path = await pathOf(key, false);
      try {
        const s = await stat(path);
        if (!s.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOENT' });
        const range = getOptions.range;
        if (range !== undefined && range.start >= s.size) {
          throw new FramewiseError(
            'INVALID_INPUT',
            `Byte range ${range.start}-${range.end} starts past the end of ${JSON.stringify(key)} (${s.size} bytes)`,
            { details: { key, range } },
          );
        }
        return createReadStream(path, {
          highWaterMark: 1024 * 1024,
          ...(range ? { start: range.start, end: Math.min(range.end, s.size - 1) } : {}),
          ...(getOptions.signal ? { signal: getOptions.signal } : {}),
        });
      } catch (error) {
        throw errorOf(error, `get ${key}`);
      }
    },

    async head(key) {
      return info(key, await pathOf(key, false));
    },

    async list(prefix, listOptions) {
      const base = await root();
      const dirPart = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
      const keys: string[] = [];
      try {
        await walk(join(base, dirPart), base, keys);
      } catch (error) {
        throw errorOf(error, `list ${prefix}`);
      }
      const selected = keys
        .filter((k) => k.startsWith(prefix) && (listOptions.cursor === undefined || k > listOptions.cursor))
        .sort();
      const page = selected.slice(0, listOptions.limit);
      const items = (await Promise.all(page.map((k) => info(k, join(base, k))))).filter(
        (i): i is ObjectInfo => i !== undefined,
      );
      return selected.length > listOptions.limit ? { items, cursor: page[page.length - 1] as string } : { items };
    },

    async delete(key) {
      const path = await pathOf(key, false);
      try {
        await unlink(path);
      } catch (error) {
        if ((error as { code?: string }).code === 'ENOENT') return false;
        throw errorOf(error, `delete ${key}`);
      }
      await rm(await metaPath(key), { force: true });
      return true;
    },

    async copy(from, to) {
      const source = await pathOf(from, false);
      const target = await pathOf(to, true);
      try {
        await writeAtomically(target, (tmp) => copyFile(source, tmp));
        const meta = await metaPath(from);
        const targetMeta = await metaPath(to);
        await mkdir(dirname(targetMeta), { recursive: true });
        await copyFile(meta, targetMeta).catch(() => rm(targetMeta, { force: true }));
      } catch (error) {
        throw errorOf(error, `copy ${from} to ${to}`);
      }
    },

    async sweepPartials(sweepOptions = {}) {
      const olderThanMs = sweepOptions.olderThanMs ?? 86_400_000;
      if (!(Number.isFinite(olderThanMs) && olderThanMs >= 0))
        throw new FramewiseError('INVALID_INPUT', `sweepPartials: olderThanMs ${olderThanMs} must be >= 0`, {
          details: { olderThanMs },
        });
      const cutoff = (sweepOptions.now ?? new Date()).getTime() - olderThanMs;
      const base = await root();
      const removed: string[] = [];
      const visit = async (dir: string): Promise<void> => {
        let entries: import('node:fs').Dirent[];
        try {
          entries = await readdir(dir, { withFileTypes: true });
        } catch (error) {
          if ((error as { code?: string }).code === 'ENOENT') return;
          throw errorOf(error, `sweep ${relative(base, dir)}`);
        }
        for (const e of entries) {
          const full = join(dir, e.name);
          if (e.isDirectory()) await visit(full);
          else if (e.isFile() && e.name.endsWith(PARTIAL)) {
            const s = await stat(full).catch(() => undefined);
            if (s !== undefined && s.mtimeMs < cutoff) {
              await rm(full, { force: true });
              removed.push(relative(base, full).split(sep).join('/'));
            }
          }
        }
      };
      await visit(base);
      return { removed: removed.sort() };
    },

    async close() {},
  };
}
