import { readFileSync, unlinkSync } from 'node:fs';
import { open, readFile, unlink } from 'node:fs/promises';
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
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const path = join(dataDir, LOCK_FILE);
  const me: DirHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await open(path, 'wx');
      await file.writeFile(JSON.stringify(me));
      await file.close();
      const releaseSync = () => {
        try {
          if (readFileSync(path, 'utf8') === JSON.stringify(me)) unlinkSync(path);
        } catch {
          // Already gone.
        }
      };
      process.once('exit', releaseSync);
      return async () => {
        process.removeListener('exit', releaseSync);
        const text = await readFile(path, 'utf8').catch(() => '');
        if (text === JSON.stringify(me)) await unlink(path).catch(() => undefined);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readHolder(path);
    if (holder !== undefined && (holder.host !== me.host || alive(holder.pid))) {
      throw new FramewiseError(
        'CONFLICT',
        `PGlite data directory ${JSON.stringify(dataDir)} is in use by process ${holder.pid} on ${holder.host} since ${holder.since}: one process at a time may open it (use the PostgreSQL store for several)`,
        { details: { dataDir, holder } },
      );
    }
    // A stale lock (its process is gone) or an unreadable one: remove it and try once more.
    await unlink(path).catch(() => undefined);
  }
  throw new FramewiseError(
    'CONFLICT',
    `PGlite data directory ${JSON.stringify(dataDir)} is being locked by another process`,
    {
      details: { dataDir },
    },
  );
}

async function readHolder(path: string): Promise<DirHolder | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<DirHolder>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.since === 'string') {
      return { pid: parsed.pid, host: parsed.host, since: parsed.since };
    }
  } catch {
    // Unreadable: treated as stale.
  }
  return undefined;
}
