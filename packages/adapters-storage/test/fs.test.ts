import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createObjectStorage, isFramewiseError } from '@framewise/core';
import { objectStorageConformance } from '@framewise/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createFsStorage } from '../src/fs/index.js';

const base = mkdtempSync(join(tmpdir(), 'framewise-fs-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

objectStorageConformance('fs', { create: () => createFsStorage({ root: join(base, 'conformance') }) });

describe('filesystem storage', () => {
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, 'secret.txt'), 'secret');
  const storage = createObjectStorage(createFsStorage({ root }));

  it('refuses keys that resolve outside the root through a symlink', async () => {
    await storage.put('inside/ok.txt', Buffer.from('ok'));
    symlinkSync(outside, join(root, 'escape'));
    symlinkSync(join(outside, 'secret.txt'), join(root, 'inside', 'link.txt'));
    for (const attempt of [
      () => storage.get('escape/secret.txt'),
      () => storage.head('inside/link.txt'),
      () => storage.put('escape/planted.txt', Buffer.from('x')),
      () => storage.delete('escape/secret.txt'),
    ]) {
      await expect(attempt()).rejects.toSatisfy(
        (e: unknown) => isFramewiseError(e, 'FORBIDDEN') && /outside the storage root/.test((e as Error).message),
      );
    }
    expect(existsSync(join(outside, 'planted.txt'))).toBe(false);
    expect(existsSync(join(outside, 'secret.txt'))).toBe(true);
  });

  it('keeps its metadata directory out of reach and out of listings', async () => {
    await storage.put('meta/a.txt', Buffer.from('a'), { metadata: { x: '1' } });
    await expect(storage.get('.framewise/meta/meta/a.txt.json')).rejects.toSatisfy((e: unknown) =>
      isFramewiseError(e, 'FORBIDDEN'),
    );
    const keys: string[] = [];
    for await (const item of storage.list()) keys.push(item.key);
    expect(keys.some((k) => k.startsWith('.framewise'))).toBe(false);
  });

  it('leaves no temporary files behind after writes', async () => {
    for (let i = 0; i < 5; i++) await storage.put('tmpcheck/file.bin', Buffer.alloc(1000, i));
    expect(readdirSync(join(root, 'tmpcheck'))).toEqual(['file.bin']);
  });

  it('refuses bad options readably', () => {
    expect(() => createFsStorage({ root: '' })).toThrow(/Filesystem storage options is invalid: root/);
  });
});
