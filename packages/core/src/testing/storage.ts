import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createObjectStorage, isFramewiseError, type ObjectStorage, type StorageDriver } from '../index.js';

/** How the storage conformance suite gets a driver. */
export interface StorageConformanceOptions {
  /** An empty store (called once; tests use distinct key prefixes). */
  readonly create: () => Promise<StorageDriver> | StorageDriver;
  readonly destroy?: (driver: StorageDriver) => Promise<void>;
  /** Size of the large streamed object (default 32 MiB). */
  readonly largeBytes?: number;
}

async function text(storage: ObjectStorage, key: string): Promise<string> {
  return (await storage.read(key)).toString('utf8');
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect(isFramewiseError(error, code as never), String(error)).toBe(true);
    return;
  }
  expect.unreachable(`expected ${code}`);
}

/**
 * The object storage conformance suite, run through the {@link ObjectStorage} host object. Every
 * Framewise storage driver passes it; a third-party driver does the same to be one.
 */
export function objectStorageConformance(name: string, options: StorageConformanceOptions): void {
  describe(`StorageDriver conformance: ${name}`, () => {
    let driver: StorageDriver;
    let storage: ObjectStorage;
    beforeAll(async () => {
      driver = await options.create();
      storage = createObjectStorage(driver, { backoffMs: 10 });
    }, 60_000);
    afterAll(async () => {
      if (driver !== undefined) await (options.destroy ?? ((d) => d.close()))(driver);
    });

    it('stores and reads back, with checksums computed while streaming and metadata kept', async () => {
      const body = Buffer.from('Low Tide, episode 101, master\n');
      const stored = await storage.put('conf/put/master.txt', body, {
        contentType: 'text/plain',
        metadata: { title: 'Low Tide', episode: '101' },
      });
      expect(stored).toMatchObject({
        key: 'conf/put/master.txt',
        sizeBytes: body.length,
        sha256: createHash('sha256').update(body).digest('hex'),
        md5: createHash('md5').update(body).digest('hex'),
      });
      expect(await text(storage, 'conf/put/master.txt')).toBe(body.toString());
      const info = await storage.head('./conf/put/master.txt');
      expect(info).toMatchObject({ key: 'conf/put/master.txt', sizeBytes: body.length });
      if (driver.capabilities.userMetadata)
        expect(info).toMatchObject({ contentType: 'text/plain', metadata: { title: 'Low Tide', episode: '101' } });
      expect(await storage.digest('conf/put/master.txt')).toEqual({
        sha256: stored.sha256,
        md5: stored.md5,
        sizeBytes: stored.sizeBytes,
      });
    });

    it('replaces an object whole', async () => {
      await storage.put('conf/replace/a.bin', Buffer.from('first version'));
      await storage.put('conf/replace/a.bin', Buffer.from('second'));
      expect(await text(storage, 'conf/replace/a.bin')).toBe('second');
      expect((await storage.head('conf/replace/a.bin'))?.sizeBytes).toBe(6);
    });

    it('reads byte ranges', async () => {
      await storage.put('conf/range/digits.txt', Buffer.from('0123456789'));
      const chunks: Buffer[] = [];
      for await (const c of await storage.get('conf/range/digits.txt', { range: { start: 2, end: 5 } }))
        chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).toString()).toBe('2345');
      await expect(storage.get('conf/range/digits.txt', { range: { start: 5, end: 2 } })).rejects.toThrow(
        /0 <= start <= end/,
      );
    });

    it('lists under a prefix in key order, page by page', async () => {
      const keys = Array.from(
        { length: 23 },
        (_, i) => `conf/list/${String.fromCharCode(97 + (i % 5))}/item-${String(i).padStart(2, '0')}.txt`,
      );
      for (const key of keys) await storage.put(key, Buffer.from(key));
      await storage.put('conf/listing-not-this.txt', Buffer.from('x'));
      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await storage.listPage('conf/list/', { limit: 10, ...(cursor ? { cursor } : {}) });
        pages.push(page.items.map((i) => i.key));
        cursor = page.cursor;
      } while (cursor !== undefined);
      expect(pages.map((p) => p.length)).toEqual([10, 10, 3]);
      expect(pages.flat()).toEqual([...keys].sort());
      const all: string[] = [];
      for await (const item of storage.list('conf/list/c/')) all.push(item.key);
      expect(all).toEqual(keys.filter((k) => k.startsWith('conf/list/c/')).sort());
    });

    it('deletes and copies', async () => {
      await storage.put('conf/copy/src.txt', Buffer.from('copy me'), { metadata: { k: 'v' } });
      await storage.copy('conf/copy/src.txt', 'conf/copy/nested/dst.txt');
      expect(await text(storage, 'conf/copy/nested/dst.txt')).toBe('copy me');
      expect(await storage.delete('conf/copy/src.txt')).toBe(true);
      expect(await storage.delete('conf/copy/src.txt')).toBe(false);
      expect(await storage.head('conf/copy/src.txt')).toBeUndefined();
      await expectCode(storage.get('conf/copy/src.txt'), 'NOT_FOUND');
      await expectCode(storage.read('conf/copy/missing.txt'), 'NOT_FOUND');
    });

    it('refuses keys that could escape or mean something else', async () => {
      for (const key of [
        '../etc/passwd',
        '/abs/key',
        'a/../../b',
        'a\\b',
        'a//b',
        'a/./b',
        'trailing/',
        '',
        'nul\u0000key',
        'x'.repeat(1100),
        // Bidi override (reads as another name), C1 control, line separator.
        'masters/evil\u202Efxm.mp4',
        'a\u0085b',
        'a\u2028b',
        // Over-long segment, the reserved temporary suffix.
        `long/${'s'.repeat(256)}`,
        'conf/keys/x.partial',
        'conf/keys.partial/x',
      ]) {
        await expectCode(storage.put(key, Buffer.from('x')), 'INVALID_INPUT');
      }
    });

    it('normalises keys to NFC: a decomposed and a precomposed name are one object', async () => {
      await storage.put('conf/nfc/Cafe\u0301.mxf', Buffer.from('one'));
      await storage.put('conf/nfc/Caf\u00e9.mxf', Buffer.from('two'));
      const keys: string[] = [];
      for await (const item of storage.list('conf/nfc/')) keys.push(item.key);
      expect(keys).toEqual(['conf/nfc/Caf\u00e9.mxf']);
      expect(await text(storage, 'conf/nfc/Cafe\u0301.mxf')).toBe('two');
    });

    it('leaves the existing object untouched when a put fails its expected checksum', async () => {
      const good = Buffer.from('the good master');
      await storage.put('conf/keep/master.bin', good);
      await expectCode(
        storage.put('conf/keep/master.bin', Buffer.from('a bad re-render'), { expected: { sha256: '0'.repeat(64) } }),
        'INTEGRITY',
      );
      expect((await storage.read('conf/keep/master.bin')).equals(good)).toBe(true);
      const keys: string[] = [];
      for await (const item of storage.list('conf/keep/')) keys.push(item.key);
      expect(keys).toEqual(['conf/keep/master.bin']);
    });

    it('create-only puts never replace an object (CONFLICT, old bytes kept), or are refused as UNSUPPORTED', async () => {
      const caps = driver.capabilities;
      if (caps.createOnly !== true || caps.verifiedPut !== true) {
        await expectCode(storage.put('conf/create-only/x.bin', Buffer.from('x'), { createOnly: true }), 'UNSUPPORTED');
        expect(await storage.head('conf/create-only/x.bin')).toBeUndefined();
        return;
      }
      const first = await storage.put('conf/create-only/master.bin', Buffer.from('the first master'), {
        createOnly: true,
      });
      expect(first.sizeBytes).toBe(16);
      try {
        await storage.put('conf/create-only/master.bin', Buffer.from('a second one'), { createOnly: true });
        expect.unreachable('a create-only put over an object succeeded');
      } catch (error) {
        expect(isFramewiseError(error, 'CONFLICT'), String(error)).toBe(true);
        expect((error as { details?: Record<string, unknown> }).details?.reason).toBe('exists');
      }
      expect(await text(storage, 'conf/create-only/master.bin')).toBe('the first master');
      const keys: string[] = [];
      for await (const item of storage.list('conf/create-only/')) keys.push(item.key);
      expect(keys).toEqual(['conf/create-only/master.bin']);
      // without createOnly the same put replaces it, as always
      await storage.put('conf/create-only/master.bin', Buffer.from('a second one'));
      expect(await text(storage, 'conf/create-only/master.bin')).toBe('a second one');
    });

    it('fails a verified read with INTEGRITY before the consumer gets the last byte', async () => {
      const body = randomBytes(300_000);
      await storage.put('conf/verified/a.bin', body);
      const sha256 = createHash('sha256').update(body).digest('hex');
      const good: Buffer[] = [];
      for await (const c of await storage.get('conf/verified/a.bin', { expected: { sha256, sizeBytes: body.length } }))
        good.push(c as Buffer);
      expect(Buffer.concat(good).equals(body)).toBe(true);
      const received: Buffer[] = [];
      const read = async () => {
        for await (const c of await storage.get('conf/verified/a.bin', { expected: { sha256: '0'.repeat(64) } }))
          received.push(c as Buffer);
      };
      await expectCode(read(), 'INTEGRITY');
      expect(Buffer.concat(received).length).toBeLessThan(body.length);
      await expectCode(
        storage.get('conf/verified/a.bin', { expected: { sizeBytes: 1 }, range: { start: 0, end: 1 } }),
        'INVALID_INPUT',
      );
      // Media-sized: hashed in the worker thread, same guarantee.
      const large = randomBytes(9 * 1024 * 1024);
      await storage.put('conf/verified/large.bin', large);
      const largeSha = createHash('sha256').update(large).digest('hex');
      let n = 0;
      for await (const c of await storage.get('conf/verified/large.bin', {
        expected: { sha256: largeSha, sizeBytes: large.length },
      }))
        n += (c as Buffer).length;
      expect(n).toBe(large.length);
      let partial = 0;
      const readLarge = async () => {
        for await (const c of await storage.get('conf/verified/large.bin', {
          expected: { sha256: '1'.repeat(64), sizeBytes: large.length },
        }))
          partial += (c as Buffer).length;
      };
      await expectCode(readLarge(), 'INTEGRITY');
      expect(partial).toBeLessThan(large.length);
      await storage.delete('conf/verified/large.bin');
    });

    it('stores nothing when content does not match the expected checksum', async () => {
      await expectCode(
        storage.put('conf/integrity/bad.bin', Buffer.from('payload'), { expected: { sha256: '0'.repeat(64) } }),
        'INTEGRITY',
      );
      expect(await storage.head('conf/integrity/bad.bin')).toBeUndefined();
      const ok = await storage.put('conf/integrity/ok.bin', Buffer.from('payload'), {
        expected: { md5: createHash('md5').update('payload').digest('hex') },
      });
      expect(ok.sizeBytes).toBe(7);
    });

    it('streams a large object with bounded memory and the right digest', async () => {
      const total = options.largeBytes ?? 32 * 1024 * 1024;
      const block = randomBytes(1024 * 1024);
      const expected = createHash('sha256');
      let sent = 0;
      const source = new Readable({
        read() {
          if (sent >= total) return this.push(null);
          const chunk = block.subarray(0, Math.min(block.length, total - sent));
          expected.update(chunk);
          sent += chunk.length;
          this.push(chunk);
        },
      });
      const progress: number[] = [];
      const stored = await storage.put('conf/large/stream.bin', source, { onProgress: (b) => progress.push(b) });
      expect(stored.sizeBytes).toBe(total);
      expect(stored.sha256).toBe(expected.digest('hex'));
      expect(progress.at(-1)).toBe(total);
      expect((await storage.digest('conf/large/stream.bin')).sha256).toBe(stored.sha256);
    }, 120_000);

    it('never shows a partial object when an upload is aborted', async () => {
      const controller = new AbortController();
      let pushed = 0;
      const source = new Readable({
        read() {
          pushed++;
          if (pushed === 3) controller.abort();
          setTimeout(() => this.push(Buffer.alloc(64 * 1024, 1)), 5);
        },
      });
      await expect(storage.put('conf/abort/partial.bin', source, { signal: controller.signal })).rejects.toSatisfy(
        (e: unknown) => isFramewiseError(e),
      );
      expect(await storage.head('conf/abort/partial.bin')).toBeUndefined();
      const keys: string[] = [];
      for await (const item of storage.list('conf/abort/')) keys.push(item.key);
      expect(keys).toEqual([]);
    });
  });
}
