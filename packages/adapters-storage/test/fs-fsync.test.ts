import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { traceDurability } from '@framewise/test-support';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/fs-put-nested.ts', import.meta.url));

describe('filesystem storage durability (traced with strace)', () => {
  it('fsyncs the parent of every directory it creates, and the directory of every rename', () => {
    const { root, created, unsyncedParents, unsyncedRenames } = traceDurability(fixture, 'fw-fs-fsync-');
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
