/**
 * Adversarial fault-injection cases for issue 19 (storage), written from docs/storage.md only,
 * against the real filesystem and s3rver.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { isFramewiseError } from '@framewise/core';
import { createObjectStorage, isSameObject, type ObjectStorage } from '@framewise/core/storage';
import { type S3rverServer, startS3rver } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFsStorage } from '../src/fs/index.js';
import { createFileUploadStateStore, createS3Storage } from '../src/s3/index.js';

const bin = join(createRequire(import.meta.url).resolve('s3rver/package.json'), '..', 'bin', 's3rver.js');
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const here = dirname(fileURLToPath(import.meta.url));
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Consume a stream; resolve with the bytes received and the error it ended with (if any). */
async function drain(stream: Readable): Promise<{ received: number; error?: unknown; ended: boolean }> {
  let received = 0;
  let ended = false;
  try {
    for await (const chunk of stream) received += (chunk as Buffer).length;
    ended = true;
    return { received, ended };
  } catch (error) {
    return { received, error, ended };
  }
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (error) {
    return isFramewiseError(error) ? error.code : `untyped: ${String(error)}`;
  }
}

function allFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...allFiles(p));
    else out.push(p);
  }
  return out;
}

/** Cases every storage must pass. */
function sharedCases(name: string, make: () => ObjectStorage) {
  describe(`${name}: adversarial`, () => {
    it('a put with a wrong expected sha256 leaves the existing object intact (large, streamed)', async () => {
      const storage = make();
      const good = randomBytes(64 * 1024);
      await storage.put('adv/keep.bin', good);
      const bad = randomBytes(9 * 1024 * 1024);
      expect(await code(storage.put('adv/keep.bin', bad, { expected: { sha256: sha256(good) } }))).toBe('INTEGRITY');
      expect(sha256(await storage.read('adv/keep.bin'))).toBe(sha256(good));
      const keys: string[] = [];
      for await (const item of storage.list('adv/')) keys.push(item.key);
      expect(keys).toEqual(['adv/keep.bin']);
    });

    it('a put with a wrong expected size (right digest of nothing) leaves the existing object intact', async () => {
      const storage = make();
      const good = randomBytes(1000);
      await storage.put('adv/size.bin', good);
      const other = randomBytes(2000);
      expect(await code(storage.put('adv/size.bin', other, { expected: { sizeBytes: 1999 } }))).toBe('INTEGRITY');
      expect(sha256(await storage.read('adv/size.bin'))).toBe(sha256(good));
    });

    it('a verified get of a wrong digest fails before the consumer sees the last byte (small and worker-hashed)', async () => {
      const storage = make();
      for (const size of [100, 9 * 1024 * 1024 + 17]) {
        const body = randomBytes(size);
        await storage.put(`adv/get-${size}.bin`, body);
        const wrong = sha256(Buffer.concat([body, Buffer.from('x')]));
        const result = await drain(
          await storage.get(`adv/get-${size}.bin`, { expected: { sha256: wrong, sizeBytes: size } }),
        );
        expect(result.ended).toBe(false);
        expect(isFramewiseError(result.error, 'INTEGRITY')).toBe(true);
        expect(result.received).toBeLessThan(size);
        // md5 only
        const wrongMd5 = createHash('md5').update('nope').digest('hex');
        const md5only = await drain(await storage.get(`adv/get-${size}.bin`, { expected: { md5: wrongMd5 } }));
        expect(md5only.ended).toBe(false);
        expect(md5only.received).toBeLessThan(size);
      }
    });

    it('a verified get of an object shorter than expected sizeBytes fails', async () => {
      const storage = make();
      const body = randomBytes(5000);
      await storage.put('adv/short.bin', body);
      const result = await drain(await storage.get('adv/short.bin', { expected: { sizeBytes: 5001 } }));
      expect(result.ended).toBe(false);
      expect(isFramewiseError(result.error, 'INTEGRITY')).toBe(true);
      const longer = await drain(await storage.get('adv/short.bin', { expected: { sizeBytes: 4999 } }));
      expect(longer.ended).toBe(false);
      expect(longer.received).toBeLessThan(5000);
    });

    it('NFC and NFD spellings are one key', async () => {
      const storage = make();
      const nfc = 'adv/nf/Caf\u00e9.mov';
      const nfd = 'adv/nf/Cafe\u0301.mov';
      await storage.put(nfd, Buffer.from('one'));
      await storage.put(nfc, Buffer.from('two'));
      const keys: string[] = [];
      for await (const item of storage.list('adv/nf/')) keys.push(item.key);
      expect(keys).toEqual([nfc]);
      expect((await storage.read(nfd)).toString()).toBe('two');
      // a prefix typed in NFD finds the NFC key
      const viaNfd: string[] = [];
      for await (const item of storage.list('adv/nf/Cafe\u0301')) viaNfd.push(item.key);
      expect(viaNfd).toEqual([nfc]);
    });

    it('refuses bidi controls, over-long segments and .partial segments with INVALID_INPUT', async () => {
      const storage = make();
      for (const key of [
        'adv/evil\u202Evom.exe',
        'adv/\u2066x\u2069.mov',
        'adv/\u200Fx.mov',
        'adv/x\u2028y.mov',
        'adv/\u0085x.mov',
        `adv/${'é'.repeat(128)}.mov`, // 256 bytes + 4
        'adv/master.mov.partial',
        'adv/dir.partial/x.mov',
        'adv/\uD800x.mov',
      ]) {
        const c = await code(storage.put(key, Buffer.from('x')));
        expect(`${JSON.stringify(key)} ${c}`).toBe(`${JSON.stringify(key)} INVALID_INPUT`);
      }
      // another case of the reserved suffix: refused, or stored and visible (never stored and hidden)
      if ((await code(storage.put('adv/x.PARTIAL', Buffer.from('x')))) === 'ok') {
        const listed: string[] = [];
        for await (const item of storage.list('adv/x.')) listed.push(item.key);
        expect(listed).toEqual(['adv/x.PARTIAL']);
      }
      // exactly 255 bytes in a segment is fine (s3rver keeps objects as files with a suffix of its
      // own, so it cannot store a 255-byte name: checked on the filesystem only)
      if (name === 'fs') expect(await code(storage.put(`adv/${'a'.repeat(255)}`, Buffer.from('x')))).toBe('ok');
    });
  });
}

describe('filesystem', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fw-adv-fs-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  sharedCases('fs', () => createObjectStorage(createFsStorage({ root: join(dir, `root${n++}`) })));

  it('a failed put leaves no .partial file behind', async () => {
    const root = join(dir, 'nopartial');
    const storage = createObjectStorage(createFsStorage({ root }));
    await storage.put('a/b.bin', randomBytes(10));
    await code(storage.put('a/b.bin', randomBytes(3 * 1024 * 1024), { expected: { sha256: '0'.repeat(64) } }));
    await code(storage.put('a/new.bin', randomBytes(100), { expected: { sha256: '0'.repeat(64) } }));
    expect(
      allFiles(root)
        .filter((p) => !p.includes('.framewise'))
        .map((p) => p.slice(root.length)),
    ).toEqual(['/a/b.bin']);
  });

  it('a path through a symlinked directory creates nothing outside the root', async () => {
    const root = join(dir, 'symroot');
    const outside = join(dir, 'outside');
    mkdirSync(root, { recursive: true });
    mkdirSync(outside, { recursive: true });
    symlinkSync(outside, join(root, 'link'));
    const storage = createObjectStorage(createFsStorage({ root }));
    expect(await code(storage.put('link/deep/er/x.bin', Buffer.from('x')))).toBe('FORBIDDEN');
    expect(await code(storage.put('link/x.bin', Buffer.from('x')))).toBe('FORBIDDEN');
    expect(readdirSync(outside)).toEqual([]);
    // a symlink to a directory inside the root planted mid-path, whose target leads out
    mkdirSync(join(root, 'in'), { recursive: true });
    symlinkSync('../link', join(root, 'in', 'hop'));
    expect(await code(storage.put('in/hop/y/z.bin', Buffer.from('x')))).toBe('FORBIDDEN');
    expect(readdirSync(outside)).toEqual([]);
    // a file symlink at the key itself
    writeFileSync(join(outside, 'victim'), 'victim');
    symlinkSync(join(outside, 'victim'), join(root, 'planted'));
    expect(await code(storage.put('planted', Buffer.from('overwritten')))).toBe('FORBIDDEN');
    expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('victim');
    expect(await code(storage.read('planted'))).toBe('FORBIDDEN');
    expect(await code(storage.delete('planted'))).toBe('FORBIDDEN');
    expect(existsSync(join(outside, 'victim'))).toBe(true);
  });

  it('a key under an existing object, or an object where keys live, is CONFLICT and harms nothing', async () => {
    const storage = createObjectStorage(createFsStorage({ root: join(dir, 'conflict') }));
    await storage.put('a/file', Buffer.from('file'));
    expect(await code(storage.put('a/file/under', Buffer.from('x')))).toBe('CONFLICT');
    expect(await code(storage.put('a', Buffer.from('x')))).toBe('CONFLICT');
    expect((await storage.read('a/file')).toString()).toBe('file');
  });

  it('two fs storages whose roots nest are one store (isSameObject)', async () => {
    const outer = createObjectStorage(createFsStorage({ root: join(dir, 'nest') }));
    const inner = createObjectStorage(createFsStorage({ root: join(dir, 'nest', 'archive') }));
    await inner.put('m.mov', Buffer.from('only copy'));
    // the same file on disk, reached through two storages
    expect((await outer.read('archive/m.mov')).toString()).toBe('only copy');
    expect(isSameObject(outer, 'archive/m.mov', inner, 'm.mov')).toBe(true);
  });
});

describe('s3rver', () => {
  let server: S3rverServer;
  beforeAll(async () => {
    server = await startS3rver(bin);
  }, 30_000);
  afterAll(async () => {
    await server?.stop();
  });
  const s3 = (extra: Record<string, unknown> = {}) =>
    createObjectStorage(
      createS3Storage({
        bucket: server.bucket,
        endpoint: server.endpoint,
        forcePathStyle: true,
        credentials,
        partSizeBytes: 5 * 1024 * 1024,
        ...extra,
      }),
    );
  let n = 0;
  sharedCases('s3', () => s3({ prefix: `shared${n++}/` }));

  it('a failed put leaves no staging object behind and the old object intact', async () => {
    const storage = s3({ prefix: 'staging/' });
    const good = randomBytes(1000);
    await storage.put('k.bin', good);
    await code(storage.put('k.bin', randomBytes(6 * 1024 * 1024), { expected: { sha256: '0'.repeat(64) } }));
    await code(storage.put('fresh.bin', randomBytes(10), { expected: { md5: '0'.repeat(32) } }));
    const raw = s3();
    const keys: string[] = [];
    for await (const item of raw.list('staging/')) keys.push(item.key);
    expect(keys).toEqual(['staging/k.bin']);
    expect(sha256(await storage.read('k.bin'))).toBe(sha256(good));
  });

  it('two storages of one bucket whose prefixes nest are one store (isSameObject)', async () => {
    const whole = s3();
    const media = s3({ prefix: 'media/' });
    await media.put('m.mov', Buffer.from('only copy'));
    expect((await whole.read('media/m.mov')).toString()).toBe('only copy');
    expect(isSameObject(whole, 'media/m.mov', media, 'm.mov')).toBe(true);
  });

  it('two storage classes of one bucket are one store', async () => {
    const standard = s3({ storageClass: 'STANDARD' });
    const glacier = s3({ storageClass: 'GLACIER_IR' });
    expect(isSameObject(standard, 'x/m.mov', glacier, 'x/m.mov')).toBe(true);
    expect(standard.identity).toBe(glacier.identity);
  });
});

/** Run the put-killed fixture on a named pipe, feed it `feed` bytes of `body`, and kill -9 it once it reported `killAt`. */
async function putAndKill(args: string[], fifo: string, body: Buffer, feed: number, killAt: number): Promise<void> {
  execFileSync('mkfifo', [fifo]);
  const child = spawn(
    process.execPath,
    [
      '--conditions=@framewise/source',
      '--import',
      'tsx',
      join(here, 'fixtures/put-killed.ts'),
      args[0] as string,
      args[1] as string,
      fifo,
      ...args.slice(2),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const writer = createWriteStream(fifo);
  writer.on('error', () => undefined);
  for (let at = 0; at < feed; at += 1024 * 1024) writer.write(body.subarray(at, Math.min(feed, at + 1024 * 1024)));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = [...out.matchAll(/progress (\d+)/g)].at(-1);
      if (m && Number(m[1]) >= killAt) resolve();
    });
    child.on('exit', () => reject(new Error(`the put exited before it was killed: ${out.slice(-200)}`)));
  });
  // let the driver act on what it has (write a part, save its state)
  await new Promise((r) => setTimeout(r, 1500));
  child.kill('SIGKILL');
  await exited;
  writer.destroy();
}

describe('kill -9 mid-put', () => {
  let dir: string;
  let server: S3rverServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fw-adv-kill-'));
    server = await startS3rver(bin);
  }, 30_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fs: the killed put leaves the old object intact; sweepPartials removes the leftover', async () => {
    const root = join(dir, 'fsroot');
    const storage = createFsStorage({ root });
    const host = createObjectStorage(storage);
    const old = randomBytes(1000);
    await host.put('m/master.mov', old);
    const body = randomBytes(24 * 1024 * 1024);
    await putAndKill(
      ['fs', 'm/master.mov', JSON.stringify({ root })],
      join(dir, 'fifo-fs'),
      body,
      12 * 1024 * 1024,
      8 * 1024 * 1024,
    );
    expect(sha256(await host.read('m/master.mov'))).toBe(sha256(old));
    const leftovers = allFiles(root).filter((p) => p.endsWith('.partial'));
    expect(leftovers.length).toBe(1);
    const listed: string[] = [];
    for await (const item of host.list('')) listed.push(item.key);
    expect(listed).toEqual(['m/master.mov']);
    // a younger threshold keeps it (it could be a running put); zero removes it
    expect((await storage.sweepPartials({ olderThanMs: 3_600_000 })).removed).toEqual([]);
    expect((await storage.sweepPartials({ olderThanMs: 0 })).removed).toHaveLength(1);
    expect(allFiles(root).filter((p) => p.endsWith('.partial'))).toEqual([]);
  }, 60_000);

  it('fs: sweepPartials never goes through a symlinked directory', async () => {
    const root = join(dir, 'sweeproot');
    const outside = join(dir, 'sweep-outside');
    mkdirSync(root, { recursive: true });
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(outside, 'someone-elses.partial'), 'not ours');
    symlinkSync(outside, join(root, 'link'));
    const storage = createFsStorage({ root });
    await storage.sweepPartials({ olderThanMs: 0, now: new Date(Date.now() + 10 * 86_400_000) });
    expect(readFileSync(join(outside, 'someone-elses.partial'), 'utf8')).toBe('not ours');
  });

  it('s3: a put killed mid-multipart is resumed by the next put of the key, byte-identical', async () => {
    const options = {
      bucket: server.bucket,
      endpoint: server.endpoint,
      forcePathStyle: true,
      credentials,
      partSizeBytes: 5 * 1024 * 1024,
      concurrency: 1,
    };
    const stateDir = join(dir, 's3state');
    mkdirSync(stateDir, { recursive: true });
    const body = randomBytes(18 * 1024 * 1024);
    await putAndKill(
      ['s3', 'k9/master.mov', JSON.stringify(options), stateDir],
      join(dir, 'fifo-s3'),
      body,
      12 * 1024 * 1024,
      11 * 1024 * 1024,
    );
    const bodyFile = join(dir, 'body-s3');
    writeFileSync(bodyFile, body);
    const infos: unknown[] = [];
    const logger = {
      debug: () => undefined,
      info: (fields: unknown) => void infos.push(fields),
      warn: () => undefined,
      error: () => undefined,
    };
    const storage = createObjectStorage(
      createS3Storage({ ...options, uploadState: createFileUploadStateStore(stateDir), logger }),
    );
    const stored = await storage.put('k9/master.mov', { file: bodyFile });
    // it resumed the killed upload (parts already sent were not sent again)
    expect(infos.length).toBeGreaterThan(0);
    expect(stored.sha256).toBe(sha256(body));
    expect(sha256(await storage.read('k9/master.mov', 64 * 1024 * 1024))).toBe(sha256(body));
    const listed: string[] = [];
    for await (const item of storage.list('k9/')) listed.push(item.key);
    expect(listed).toEqual(['k9/master.mov']);
  }, 90_000);

  it('s3: a put killed mid-multipart, then a put of other bytes (same size) stores the new bytes', async () => {
    const options = {
      bucket: server.bucket,
      endpoint: server.endpoint,
      forcePathStyle: true,
      credentials,
      partSizeBytes: 5 * 1024 * 1024,
      concurrency: 1,
    };
    const stateDir = join(dir, 's3state2');
    mkdirSync(stateDir, { recursive: true });
    const old = randomBytes(18 * 1024 * 1024);
    await putAndKill(
      ['s3', 'k9/rerender.mov', JSON.stringify(options), stateDir],
      join(dir, 'fifo-s3b'),
      old,
      12 * 1024 * 1024,
      11 * 1024 * 1024,
    );
    const fresh = randomBytes(old.length);
    const freshFile = join(dir, 'fresh-s3');
    writeFileSync(freshFile, fresh);
    const storage = createObjectStorage(
      createS3Storage({ ...options, uploadState: createFileUploadStateStore(stateDir) }),
    );
    const stored = await storage.put('k9/rerender.mov', { file: freshFile });
    expect(stored.sha256).toBe(sha256(fresh));
    expect(sha256(await storage.read('k9/rerender.mov', 64 * 1024 * 1024))).toBe(sha256(fresh));
  }, 90_000);
});
