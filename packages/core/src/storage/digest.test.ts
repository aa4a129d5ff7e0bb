import { createHash, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { DigestStream, HashWorker, loadXxh64 } from './digest.js';

async function hashThrough(chunks: Buffer[], worker?: HashWorker, xxh64 = false) {
  const digest = new DigestStream(
    worker,
    undefined,
    xxh64 ? (worker === undefined ? await loadXxh64() : true) : undefined,
  );
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(chunks),
    digest,
    new Writable({
      write(chunk: Buffer, _e, done) {
        out.push(chunk);
        done();
      },
    }),
  );
  return { digests: digest.digests, passed: Buffer.concat(out) };
}

describe('DigestStream', () => {
  const chunks = Array.from({ length: 40 }, () => randomBytes(1024 * 1024));
  const whole = Buffer.concat(chunks);
  const expected = {
    sha256: createHash('sha256').update(whole).digest('hex'),
    md5: createHash('md5').update(whole).digest('hex'),
    sizeBytes: whole.length,
  };

  it('hashes inline and in a worker thread to the same digests, passing every byte through', async () => {
    const inline = await hashThrough(chunks);
    expect(inline.digests).toEqual(expected);
    const worker = new HashWorker();
    const [a, b] = await Promise.all([hashThrough(chunks, worker), hashThrough(chunks.slice(0, 3), worker)]);
    expect(a.digests).toEqual(expected);
    expect(a.passed.equals(whole)).toBe(true);
    expect(b.digests.sha256).toBe(
      createHash('sha256')
        .update(Buffer.concat(chunks.slice(0, 3)))
        .digest('hex'),
    );
    await worker.close();
  });

  it('hashes chunks that straddle the ring’s end or are larger than the whole ring', async () => {
    // Odd sizes so copies wrap mid-chunk while the worker is part-way through; a 9 MiB chunk needs
    // the worker to free the 4 MiB ring twice.
    const sizes = [1, 3 * 1024 * 1024 + 7, 9 * 1024 * 1024 + 13, 65_537, 0, 2 * 1024 * 1024 - 3];
    for (let i = 1; i <= 40; i++) sizes.push((i * 747_319) % (2 * 1024 * 1024));
    const odd = sizes.map((n) => randomBytes(n));
    const all = Buffer.concat(odd);
    const worker = new HashWorker();
    const [one, two] = await Promise.all([hashThrough(odd, worker, true), hashThrough([...odd].reverse(), worker)]);
    expect(one.passed.equals(all)).toBe(true);
    expect(one.digests).toEqual((await hashThrough(odd, undefined, true)).digests);
    expect(two.digests.sha256).toBe(
      createHash('sha256')
        .update(Buffer.concat([...odd].reverse()))
        .digest('hex'),
    );
    await worker.close();
  }, 30_000);

  it('copies a write that crosses the ring’s end in two spans', async () => {
    const worker = new HashWorker();
    let acked: () => void = () => undefined;
    let done!: (d: { sha256: string }) => void;
    let failed!: (e: Error) => void;
    const digests = new Promise<{ sha256: string }>((resolve, reject) => {
      done = resolve;
      failed = reject;
    });
    const session = worker.open({ onAck: () => acked(), onDone: (d) => done(d), onError: (e) => failed(e) });
    const first = randomBytes(session.capacity - 100);
    const second = randomBytes(300);
    const hashedFirst = new Promise<void>((resolve) => {
      acked = resolve;
    });
    expect(session.write(first)).toBe(first.length);
    await hashedFirst;
    // The ring is empty again, its write position 100 bytes before the end.
    expect(session.write(second)).toBe(second.length);
    session.end();
    expect((await digests).sha256).toBe(
      createHash('sha256')
        .update(Buffer.concat([first, second]))
        .digest('hex'),
    );
    await worker.close();
  });

  it('computes XXH64 when asked, inline and in the worker, matching the reference vectors', async () => {
    const worker = new HashWorker();
    // Reference values of XXH64 with seed 0 (xxHash's own and python-xxhash's documented examples).
    const vectors: [string, string][] = [
      ['', 'ef46db3751d8e999'],
      ['abc', '44bc2cf5ad770999'],
      ['Nobody inspects the spammish repetition', 'fbcea83c8a378bf1'],
    ];
    for (const [text, hex] of vectors) {
      // Split in two to exercise the streaming state.
      const bytes = Buffer.from(text);
      const parts = [bytes.subarray(0, 5), bytes.subarray(5)];
      expect((await hashThrough(parts, undefined, true)).digests.xxh64).toBe(hex);
      expect((await hashThrough(parts, worker, true)).digests.xxh64).toBe(hex);
    }
    const inline = await hashThrough(chunks.slice(0, 5), undefined, true);
    const threaded = await hashThrough(chunks.slice(0, 5), worker, true);
    expect(threaded.digests).toEqual(inline.digests);
    expect(inline.digests.xxh64).toMatch(/^[0-9a-f]{16}$/);
    // Without asking, no XXH64 (and the same worker serves both kinds of session).
    expect((await hashThrough(chunks.slice(0, 2), worker)).digests.xxh64).toBeUndefined();
    await worker.close();
  });

  it('hashes an empty stream', async () => {
    const worker = new HashWorker();
    const { digests } = await hashThrough([], worker);
    expect(digests).toEqual({
      sha256: createHash('sha256').digest('hex'),
      md5: createHash('md5').digest('hex'),
      sizeBytes: 0,
    });
    await worker.close();
  });

  it('fails a transfer still hashing when its worker is closed, instead of waiting forever', async () => {
    const worker = new HashWorker();
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const source = Readable.from(
      (async function* () {
        yield randomBytes(1024);
        await held;
        yield randomBytes(1024);
      })(),
    );
    const digest = new DigestStream(worker);
    const done = pipeline(source, digest, new Writable({ write: (_c, _e, cb) => cb() })).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    await worker.close();
    release();
    expect(await done).toMatchObject({ code: 'CANCELLED' });
    expect(() => digest.digests).toThrow(/before the stream ended/);
  });
});
