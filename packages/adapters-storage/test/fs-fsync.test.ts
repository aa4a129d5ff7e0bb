import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/fs-put-nested.ts', import.meta.url));
const strace = (() => {
  try {
    execFileSync('strace', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Which directories were created and renamed into, and which were fsynced after, from an strace log. */
function durability(log: string, root: string) {
  const created: string[] = [];
  const renamedInto: string[] = [];
  const synced: { dir: string; line: number }[] = [];
  const lines = log.split('\n');
  const at = new Map<string, number>();
  lines.forEach((line, n) => {
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

describe.skipIf(!strace)('filesystem storage durability (traced with strace)', () => {
  it('fsyncs the parent of every directory it creates, and the directory of every rename', () => {
    const root = mkdtempSync(join(tmpdir(), 'fw-fs-fsync-'));
    const log = join(root, '..', `${root.split('/').pop()}.strace`);
    execFileSync(
      'strace',
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
    const { created, unsyncedParents, unsyncedRenames } = durability(readFileSync(log, 'utf8'), root);
    // The root itself exists already; the key's three directories are new.
    expect(created.filter((d) => d !== root)).toEqual([
      join(root, 'masters'),
      join(root, 'masters/2027'),
      join(root, 'masters/2027/low-tide'),
    ]);
    expect(unsyncedParents).toEqual([]);
    expect(unsyncedRenames).toEqual([]);
  }, 60_000);
});
