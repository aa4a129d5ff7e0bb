// The PGlite lock when the file system is slow: writes take a while, so a lock file that exists
// but is not written yet is visible to a second opener. It must not take it for a stale lock.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const slow = async () => new Promise((resolve) => setTimeout(resolve, 100));
  return {
    ...fs,
    async writeFile(...args: Parameters<typeof fs.writeFile>) {
      await slow();
      return fs.writeFile(...args);
    },
    async open(...args: Parameters<typeof fs.open>) {
      const handle = await fs.open(...args);
      const write = handle.writeFile.bind(handle);
      handle.writeFile = async (...w: Parameters<typeof handle.writeFile>) => {
        await slow();
        return write(...w);
      };
      return handle;
    },
  };
});

const { lockDataDir } = await import('../src/pglite/dir-lock.js');

describe('PGlite data directory lock with slow writes', () => {
  it('two openers at once: exactly one holds the directory, the other gets CONFLICT', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'framewise-pglite-slow-'));
    const results = await Promise.allSettled([lockDataDir(dir), lockDataDir(dir)]);
    const held = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(held).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'CONFLICT' });
    for (const r of held) await (r as PromiseFulfilledResult<() => Promise<void>>).value();
    // Released: it can be taken again.
    const again = await lockDataDir(dir);
    await again();
  });
});
