import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FramewiseError, isFramewiseError } from '../errors/index.js';
import { objectStorageConformance } from '../testing/storage.js';
import { loadXxh64, xxh64Hex } from './digest.js';
import { hashFile } from './hash-file.js';
import { normalizeKey } from './keys.js';
import { createMemoryStorage } from './memory-driver.js';
import { createObjectStorage } from './object-storage.js';
import type { StorageDriver } from './port.js';

objectStorageConformance('memory', { create: () => createMemoryStorage(), largeBytes: 8 * 1024 * 1024 });
// A driver that cannot honour create-only puts: the suite expects them refused as UNSUPPORTED.
objectStorageConformance('memory without create-only', {
  create: () => {
    const inner = createMemoryStorage();
    return { ...inner, capabilities: { ...inner.capabilities, createOnly: false } };
  },
  largeBytes: 1024 * 1024,
});

/** The memory driver, failing its first `failures` puts with `code` (a real driver's network blip). */
function flaky(
  failures: number,
  code: 'TRANSIENT' | 'TIMEOUT' | 'RATE_LIMITED' | 'INTEGRITY' = 'TRANSIENT',
): StorageDriver & { attempts: number } {
  const inner = createMemoryStorage();
  const driver = {
    ...inner,
    attempts: 0,
    async put(key: string, body: Readable, options: Parameters<StorageDriver['put']>[2]) {
      driver.attempts++;
      if (driver.attempts <= failures) {
        body.resume();
        throw new FramewiseError(code, 'connection reset', { details: {} });
      }
      return inner.put(key, body, options);
    },
  };
  return driver;
}

describe('ObjectStorage', () => {
  it('answers NOT_FOUND for a source file that does not exist, without retrying it', async () => {
    const storage = createObjectStorage(createMemoryStorage(), { backoffMs: 1 });
    let retries = 0;
    storage.on('retry', () => retries++);
    const missing = join(tmpdir(), `framewise-missing-${Date.now()}.mxf`);
    await expect(storage.put('masters/a.mxf', { file: missing })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(retries).toBe(0);
    expect(await storage.head('masters/a.mxf')).toBeUndefined();
  });

  it('retries transient failures for re-readable sources, with events', async () => {
    const driver = flaky(2);
    const storage = createObjectStorage(driver, { backoffMs: 1 });
    const retries: number[] = [];
    storage.on('retry', (e) => retries.push(e.attempt));
    const stored = await storage.put('a/b.txt', Buffer.from('hello'));
    expect(stored.sizeBytes).toBe(5);
    expect(driver.attempts).toBe(3);
    expect(retries).toEqual([1, 2]);
  });

  it('retries what the one retry rule retries (TIMEOUT, RATE_LIMITED), and nothing else', async () => {
    for (const code of ['TIMEOUT', 'RATE_LIMITED'] as const) {
      const driver = flaky(1, code);
      await createObjectStorage(driver, { backoffMs: 1 }).put('r.txt', Buffer.from('x'));
      expect(driver.attempts).toBe(2);
    }
    const corrupt = flaky(1, 'INTEGRITY');
    await expect(createObjectStorage(corrupt, { backoffMs: 1 }).put('i.txt', Buffer.from('x'))).rejects.toSatisfy(
      (e: unknown) => isFramewiseError(e, 'INTEGRITY'),
    );
    expect(corrupt.attempts).toBe(1);
  });

  it('does not retry a one-shot stream, and gives up after its attempts', async () => {
    const once = createObjectStorage(flaky(1), { backoffMs: 1 });
    await expect(once.put('s.txt', Readable.from([Buffer.from('x')]))).rejects.toSatisfy((e: unknown) =>
      isFramewiseError(e, 'TRANSIENT'),
    );
    const tired = createObjectStorage(flaky(5), { backoffMs: 1, attempts: 3 });
    await expect(tired.put('t.txt', Buffer.from('x'))).rejects.toThrow(/connection reset/);
  });

  it('emits stored, copied and deleted events', async () => {
    const storage = createObjectStorage(createMemoryStorage());
    const seen: string[] = [];
    storage.on('stored', (e) => seen.push(`stored ${e.key}`));
    storage.on('copied', (e) => seen.push(`copied ${e.to}`));
    const off = storage.on('deleted', (e) => seen.push(`deleted ${e.key}`));
    await storage.put('x', Buffer.from('1'));
    await storage.copy('x', 'y');
    await storage.delete('x');
    off();
    await storage.delete('y');
    expect(seen).toEqual(['stored x', 'copied y', 'deleted x']);
  });
});

describe('ObjectStorage options and lifecycle', () => {
  it('refuses unknown and ill-typed options with INVALID_CONFIG naming them', () => {
    expect(() => createObjectStorage(createMemoryStorage(), { atempts: 3 } as never)).toThrow(
      /Unrecognized key: "atempts"/,
    );
    expect(() => createObjectStorage(createMemoryStorage(), { attempts: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringContaining('attempts') }),
    );
  });

  it('refuses work once closed with CONFLICT (the resource is closed), and closes the driver once', async () => {
    let closes = 0;
    const driver = createMemoryStorage();
    const storage = createObjectStorage({ ...driver, close: async () => void closes++ });
    await storage.put('a', new Uint8Array([1]));
    await storage.close();
    await storage.close();
    expect(closes).toBe(1);
    for (const attempt of [
      () => storage.put('a', new Uint8Array([1])),
      () => storage.get('a'),
      () => storage.head('a'),
      () => storage.copy('a', 'b'),
      () => storage.delete('a'),
      () => storage.listPage(''),
    ])
      await expect(attempt()).rejects.toMatchObject({
        code: 'CONFLICT',
        message: expect.stringContaining('is closed'),
      });
  });
});

describe('ObjectStorage with XXH64', () => {
  it('records XXH64 beside SHA-256 and MD5, small content inline and large in the worker, and reads it back for fixity', async () => {
    const storage = createObjectStorage(createMemoryStorage(), { xxh64: true });
    const { create64 } = await loadXxh64();
    const reference = (b: Buffer) => xxh64Hex(create64().update(b).digest());
    const small = randomBytes(1000);
    const large = randomBytes(9 * 1024 * 1024);
    const a = await storage.put('a.bin', small);
    const b = await storage.put('b.bin', large);
    const c = await storage.put('c.bin', Readable.from([large.subarray(0, 5_000_000), large.subarray(5_000_000)]));
    expect(a.xxh64).toBe(reference(small));
    expect(b.xxh64).toBe(reference(large));
    expect(c.xxh64).toBe(reference(large));
    expect((await storage.digest('b.bin')).xxh64).toBe(reference(large));
    const file = join(tmpdir(), `fw-xxh64-${process.pid}.bin`);
    await writeFile(file, large);
    try {
      expect((await hashFile(file, undefined, { xxh64: true })).xxh64).toBe(reference(large));
      expect((await hashFile(file)).xxh64).toBeUndefined();
    } finally {
      await rm(file, { force: true });
    }
    await storage.close();
  }, 30_000);

  it('leaves XXH64 out unless asked', async () => {
    const storage = createObjectStorage(createMemoryStorage());
    expect((await storage.put('a.bin', randomBytes(10))).xxh64).toBeUndefined();
    expect((await storage.digest('a.bin')).xxh64).toBeUndefined();
    await storage.close();
  });
});

describe('normalizeKey', () => {
  it('never lets an accepted key leave its root (property)', () => {
    const segment = fc.oneof(
      fc.constantFrom('..', '.', '', 'a', 'b c', 'ü', '-x', '%2e%2e'),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 6 }), fc.boolean(), (segments, leadingSlash) => {
        const key = `${leadingSlash ? '/' : ''}${segments.join('/')}`;
        let normalized: string;
        try {
          normalized = normalizeKey(key);
        } catch (error) {
          expect(isFramewiseError(error, 'INVALID_INPUT')).toBe(true);
          return;
        }
        expect(join('/root', normalized).startsWith('/root/')).toBe(true);
        expect(normalized.split('/')).not.toContain('..');
      }),
      { numRuns: 2000 },
    );
  });

  it('drops a leading ./ and names the rule it breaks', () => {
    expect(normalizeKey('./masters/a.mxf')).toBe('masters/a.mxf');
    expect(() => normalizeKey('masters/../../etc/passwd')).toThrow(/"masters\/..\/..\/etc\/passwd" has a ".." segment/);
  });
});
