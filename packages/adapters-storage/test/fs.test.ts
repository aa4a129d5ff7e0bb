import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFixityAudit } from '@framewise/core/archive';
import { isFramewiseError } from '@framewise/core/errors';
import { createObjectStorage, isSameObject } from '@framewise/core/storage';
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

describe('fixity on the filesystem', () => {
  it('finds a byte flipped on disk behind the storage’s back', async () => {
    const root = join(base, 'fixity');
    const storage = createObjectStorage(createFsStorage({ root }));
    const body = Buffer.alloc(256 * 1024, 7);
    const stored = await storage.put('masters/low-tide-101.mxf', body);
    const copy = {
      fileKey: 'master',
      locationId: 'studio-disk',
      key: stored.key,
      sizeBytes: stored.sizeBytes,
      sha256: stored.sha256,
      status: 'verified' as const,
    };
    const identity = { fileKey: 'master', sizeBytes: stored.sizeBytes, sha256: stored.sha256 };
    const clean = await runFixityAudit([{ copy, identity }], () => storage, { coverageDays: 30 });
    expect(clean.checked[0]?.outcome).toBe('verified');

    const path = join(root, 'masters', 'low-tide-101.mxf');
    const bytes = readFileSync(path);
    bytes[200_000] = (bytes[200_000] as number) ^ 0x80;
    writeFileSync(path, bytes);
    const audit = await runFixityAudit([{ copy, identity }], () => storage, { coverageDays: 30 });
    expect(audit.findings.map((f) => [f.outcome, f.copy.status])).toEqual([['corrupt', 'corrupt']]);
  });
});

describe('filesystem storage under faults (issue 19)', () => {
  const root = join(base, 'faults');
  const outside = join(base, 'faults-outside');
  mkdirSync(outside, { recursive: true });
  const driver = createFsStorage({ root });
  const storage = createObjectStorage(driver);

  it('creates no directory outside the root before refusing a path through a symlinked directory', async () => {
    await storage.put('seed.txt', Buffer.from('x'));
    symlinkSync(outside, join(root, 'linked'));
    await expect(storage.put('linked/deep/er/planted.txt', Buffer.from('x'))).rejects.toSatisfy((e: unknown) =>
      isFramewiseError(e, 'FORBIDDEN'),
    );
    expect(readdirSync(outside)).toEqual([]);
  });

  it('refuses a key under an existing object, and an object where a prefix is, with CONFLICT', async () => {
    await storage.put('clash/a', Buffer.from('object'));
    await expect(storage.put('clash/a/b', Buffer.from('x'))).rejects.toSatisfy((e: unknown) =>
      isFramewiseError(e, 'CONFLICT'),
    );
    await storage.put('clash/dir/child', Buffer.from('child'));
    await expect(storage.put('clash/dir', Buffer.from('x'))).rejects.toSatisfy((e: unknown) =>
      isFramewiseError(e, 'CONFLICT'),
    );
    expect((await storage.read('clash/a')).toString()).toBe('object');
    expect((await storage.read('clash/dir/child')).toString()).toBe('child');
  });

  it('sweeps stale .partial files left by killed puts, and only the stale ones', async () => {
    await storage.put('sweep/kept.bin', Buffer.from('kept'));
    const stale = join(root, 'sweep', '.kept.bin.0a0b0c0d0e0f.partial');
    const fresh = join(root, 'sweep', '.other.bin.111111111111.partial');
    writeFileSync(stale, Buffer.alloc(1024));
    writeFileSync(fresh, Buffer.alloc(1024));
    const { utimesSync } = await import('node:fs');
    const old = new Date(Date.now() - 3 * 86_400_000);
    utimesSync(stale, old, old);
    const { removed } = await driver.sweepPartials({ olderThanMs: 86_400_000 });
    expect(removed).toEqual(['sweep/.kept.bin.0a0b0c0d0e0f.partial']);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    expect((await storage.read('sweep/kept.bin')).toString()).toBe('kept');
    await expect(driver.sweepPartials({ olderThanMs: -1 })).rejects.toSatisfy((e: unknown) =>
      isFramewiseError(e, 'INVALID_INPUT'),
    );
  });
});

describe('filesystem storage whose root is reached through a symbolic link', () => {
  it('is the same store as its real directory, resolves the root once, and keeps every key inside it', async () => {
    const real = join(base, 'alias-real');
    const other = join(base, 'alias-other');
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, 'victim.txt'), 'keep');
    const alias = join(base, 'alias-link');
    symlinkSync(real, alias); // dangling until the real root is made
    const viaAlias = createObjectStorage(createFsStorage({ root: alias }));
    const direct = createObjectStorage(createFsStorage({ root: real }));
    await direct.put('m.mov', Buffer.from('master'));
    // one directory, one identity, whichever path configured it
    expect(viaAlias.identity).toBe(direct.identity);
    expect(isSameObject(viaAlias, 'm.mov', direct, 'm.mov')).toBe(true);
    expect(isSameObject(viaAlias, 'm.mov', direct, 'n.mov')).toBe(false);
    expect((await viaAlias.read('m.mov')).toString()).toBe('master');
    // the alias is re-pointed after first use: the storage keeps to the directory it resolved
    rmSync(alias);
    symlinkSync(other, alias);
    await viaAlias.put('victim.txt', Buffer.from('overwritten?'));
    expect(readFileSync(join(other, 'victim.txt'), 'utf8')).toBe('keep');
    expect(readFileSync(join(real, 'victim.txt'), 'utf8')).toBe('overwritten?');
    expect(viaAlias.identity).toBe(direct.identity);
    // and escapes through links inside the resolved root are still refused
    symlinkSync(other, join(real, 'out'));
    await expect(viaAlias.put('out/planted.txt', Buffer.from('x'))).rejects.toSatisfy((e: unknown) =>
      isFramewiseError(e, 'FORBIDDEN'),
    );
    expect(existsSync(join(other, 'planted.txt'))).toBe(false);
  });
});
