import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findExecutable } from './process.js';

/** What a traced run did to the directories under a root, and which of those changes were not made durable. */
export interface DurabilityTrace {
  /** Directories created under the root, in order. */
  readonly created: readonly string[];
  /** Created directories whose parent was not fsynced after the mkdir. */
  readonly unsyncedParents: readonly string[];
  /** Directories renamed into that were not fsynced after the rename. */
  readonly unsyncedRenames: readonly string[];
}

/**
 * Which directories were created and renamed into under `root`, and which were fsynced after, from
 * an strace log taken with `-f -y` (fsync lines carry the path of the descriptor).
 */
export function durabilityOf(log: string, root: string): DurabilityTrace {
  const created: string[] = [];
  const renamedInto: string[] = [];
  const synced: { dir: string; line: number }[] = [];
  const at = new Map<string, number>();
  log.split('\n').forEach((line, n) => {
    const mk = /mkdir(?:at)?\((?:[^,]*, )?"([^"]+)"[^)]*\)\s+= 0/.exec(line);
    if (mk?.[1]?.startsWith(root)) {
      created.push(mk[1]);
      at.set(`mkdir ${mk[1]}`, n);
    }
    const rn = /rename(?:at2?)?\(.*"([^"]+)"(?:, \w+)?\)\s+= 0/.exec(line);
    if (rn?.[1]?.startsWith(root)) {
      renamedInto.push(dirname(rn[1]));
      at.set(`rename ${dirname(rn[1])}`, n);
    }
    const fs = /fsync\(\d+<([^>]+)>\)\s+= 0/.exec(line);
    if (fs?.[1] !== undefined) synced.push({ dir: fs[1], line: n });
  });
  const syncedAfter = (dir: string, n: number) => synced.some((s) => s.dir === dir && s.line > n);
  return {
    created,
    unsyncedParents: created.filter((d) => !syncedAfter(dirname(d), at.get(`mkdir ${d}`) ?? 0)),
    unsyncedRenames: renamedInto.filter((d) => !syncedAfter(d, at.get(`rename ${d}`) ?? 0)),
  };
}

/**
 * Run a TypeScript fixture (`node --import tsx FIXTURE ROOT`) under strace, tracing directory
 * creation, renames and fsyncs, and report what it left undurable under a fresh temporary ROOT.
 * Fails naming the `strace` package when it is not installed (never skips).
 */
export function traceDurability(fixture: string, rootPrefix: string): DurabilityTrace & { readonly root: string } {
  const strace = findExecutable(['strace'], 'strace');
  const root = mkdtempSync(join(tmpdir(), rootPrefix));
  const log = `${root}.strace`;
  try {
    execFileSync(
      strace,
      [
        '-f',
        '-y',
        '-o',
        log,
        '-e',
        'trace=mkdir,mkdirat,rename,renameat,renameat2,fsync,fdatasync',
        process.execPath,
        '--conditions=@framewise/source',
        '--import',
        'tsx',
        fixture,
        root,
      ],
      { stdio: 'ignore' },
    );
    return { root, ...durabilityOf(readFileSync(log, 'utf8'), root) };
  } finally {
    rmSync(log, { force: true });
  }
}
