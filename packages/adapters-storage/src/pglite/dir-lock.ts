import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { FramewiseError } from '@framewise/core/errors';

/** Who holds a PGlite data directory, as written in its lock file. */
export interface DirHolder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

/** The lock file's name inside the data directory. */
export const LOCK_FILE = 'framewise.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Take the data directory for this process: create `framewise.lock` exclusively with our pid and
 * host. A lock left by a process of this host that no longer runs is taken over; a live holder (or
 * one on another host, which cannot be checked) gets `CONFLICT` naming it. Returns the release.
 *
 * Race-free between processes: the lock file appears with its content already written (written to
 * a private file, then hard-linked into place, which fails if the name exists), so no process ever
 * sees a half-written lock; and a stale lock is replaced only by the one process that creates the
 * takeover marker for it, after checking it is still the same stale lock.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const path = join(dataDir, LOCK_FILE);
  const me: DirHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  const mine = JSON.stringify(me);
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}`;
  await writeFile(temp, mine, { flag: 'wx' });
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await link(temp, path);
        return held(path, mine);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const text = await readFile(path, 'utf8').catch(() => undefined);
      if (text === undefined) continue; // released meanwhile: try again
      const holder = parseHolder(text);
      if (holder !== undefined && (holder.host !== me.host || alive(holder.pid))) {
        throw new FramewiseError(
          'CONFLICT',
          `PGlite data directory ${JSON.stringify(dataDir)} is in use by process ${holder.pid} on ${holder.host} since ${holder.since}: one process at a time may open it (use the PostgreSQL store for several)`,
          { details: { dataDir, holder } },
        );
      }
      // A stale lock (its process is gone) or an unreadable one: one process replaces it.
      if (await takeOver(path, text, temp)) return held(path, mine);
    }
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  throw new FramewiseError(
    'CONFLICT',
    `PGlite data directory ${JSON.stringify(dataDir)} is being locked by another process`,
    {
      details: { dataDir },
    },
  );
}

/**
 * Replace the stale lock whose content is `stale` with ours, unless another process is doing so
 * (it holds the takeover marker) or has done so (the content changed). True when ours is in place.
 */
async function takeOver(path: string, stale: string, temp: string): Promise<boolean> {
  const marker = `${path}.takeover-${createHash('sha256').update(stale).digest('hex').slice(0, 16)}`;
  try {
    await writeFile(marker, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Another process is taking this stale lock over; if it died doing so, clear its marker.
    const pid = Number(await readFile(marker, 'utf8').catch(() => ''));
    if (Number.isInteger(pid) && pid > 0 && !alive(pid)) await unlink(marker).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 20));
    return false;
  }
  try {
    if ((await readFile(path, 'utf8').catch(() => undefined)) !== stale) return false;
    // Atomic replacement: the name always points at a complete lock file.
    const copy = `${temp}.copy`;
    await link(temp, copy);
    await rename(copy, path);
    return true;
  } finally {
    await unlink(marker).catch(() => undefined);
  }
}

function held(path: string, mine: string): () => Promise<void> {
  const releaseSync = () => {
    try {
      if (readFileSync(path, 'utf8') === mine) unlinkSync(path);
    } catch {
      // Already gone.
    }
  };
  process.once('exit', releaseSync);
  return async () => {
    process.removeListener('exit', releaseSync);
    const text = await readFile(path, 'utf8').catch(() => '');
    if (text === mine) await unlink(path).catch(() => undefined);
  };
}

function parseHolder(text: string): DirHolder | undefined {
  try {
    const parsed = JSON.parse(text) as Partial<DirHolder>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.since === 'string') {
      return { pid: parsed.pid, host: parsed.host, since: parsed.since };
    }
  } catch {
    // Unreadable: treated as stale.
  }
  return undefined;
}
