import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileUploadStateStore, type UploadState } from '../src/s3/index.js';

const directories: string[] = [];
afterEach(async () => {
  await Promise.all(directories.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function store() {
  const directory = await mkdtemp(join(tmpdir(), 'fw-upload-state-'));
  directories.push(directory);
  return { directory, states: createFileUploadStateStore(directory) };
}

function stateWith(parts: number): UploadState {
  const entries = Array.from({ length: parts }, (_, i) => [i + 1, { etag: `"e${i}"`, md5: `m${i}`, sizeBytes: 5 }]);
  return { uploadId: 'u-1', partSizeBytes: 5, parts: Object.fromEntries(entries) };
}

describe('file upload state store', () => {
  it('applies concurrent writes of one key in call order: the last state wins, no write fails', async () => {
    const { directory, states } = await store();
    await Promise.all(Array.from({ length: 40 }, (_, i) => states.put('bucket/key', stateWith(i + 1))));
    expect(await states.get('bucket/key')).toEqual(stateWith(40));
    expect((await readdir(directory)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps keys apart, and a delete issued after writes removes the state', async () => {
    const { states } = await store();
    void states.put('a', stateWith(1));
    await states.put('b', stateWith(2));
    void states.put('a', stateWith(3));
    await states.delete('a');
    expect(await states.get('a')).toBeUndefined();
    expect(await states.get('b')).toEqual(stateWith(2));
  });

  it('survives a new store over the same directory (a restart)', async () => {
    const { directory, states } = await store();
    await states.put('k', stateWith(2));
    expect(await createFileUploadStateStore(directory).get('k')).toEqual(stateWith(2));
  });
});
