import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { traceDurability } from '@framewise/test-support';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/folder-deliver.ts', import.meta.url));

describe('drop folder durability (traced with strace)', () => {
  it('fsyncs the parent of every directory it creates, and the directory of every rename', () => {
    const { root, created, unsyncedParents, unsyncedRenames } = traceDurability(fixture, 'fw-drop-fsync-');
    expect(created).toEqual([
      join(root, 'title-101'),
      join(root, 'title-101/sidecars'),
      join(root, 'title-101/sidecars/xml'),
    ]);
    expect(unsyncedParents).toEqual([]);
    expect(unsyncedRenames).toEqual([]);
  }, 60_000);
});
