/**
 * `pnpm bench storage [--mib N] [--rounds N]`
 *
 * Hashing throughput: SHA-256 and MD5 of one file in a single streaming pass (Framewise's
 * `hashFile`, the same digest `ObjectStorage.put` computes while uploading) against `sha256sum`
 * and `md5sum` run one after the other, on the same file (warm page cache for both).
 *
 * The multipart-upload half of this benchmark (against `@aws-sdk/lib-storage`) arrives with the
 * S3 adapter.
 */
import { execFile } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { hashFile } from '@framewise/core';
import { machine } from './harness.js';

const run = promisify(execFile);
const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(String(process.argv[i]).replace(/^--/, ''), String(process.argv[i + 1]));
const MIB = Number(args.get('mib') ?? 1024);
const ROUNDS = Number(args.get('rounds') ?? 3);

const dir = mkdtempSync(join(tmpdir(), 'framewise-bench-storage-'));
try {
  const file = join(dir, 'media.bin');
  const block = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < block.length; i++) block[i] = (i * 2654435761) >>> 24;
  await new Promise<void>((resolve, reject) => {
    const out = createWriteStream(file);
    out.on('error', reject);
    let written = 0;
    const write = () => {
      while (written < MIB) {
        block[written % block.length] = written & 255;
        written++;
        if (!out.write(block)) return out.once('drain', write);
      }
      out.end(resolve);
    };
    write();
  });
  const time = async (f: () => Promise<unknown>) => {
    const t = process.hrtime.bigint();
    const value = await f();
    return { seconds: Number(process.hrtime.bigint() - t) / 1e9, value };
  };
  await hashFile(file); // warm the page cache
  const ours: number[] = [];
  const tools: number[] = [];
  let agree = true;
  for (let r = 0; r < ROUNDS; r++) {
    const a = await time(() => hashFile(file));
    const b = await time(async () => {
      const sha = (await run('sha256sum', [file])).stdout.split(' ')[0];
      const md5 = (await run('md5sum', [file])).stdout.split(' ')[0];
      return { sha, md5 };
    });
    const mine = a.value as { sha256: string; md5: string };
    const theirs = b.value as { sha: string; md5: string };
    agree &&= mine.sha256 === theirs.sha && mine.md5 === theirs.md5;
    ours.push(a.seconds);
    tools.push(b.seconds);
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
  const o = median(ours);
  const t = median(tools);
  console.log(`machine: ${machine()}`);
  console.log(`file: ${MIB} MiB (page cache warm); median of ${ROUNDS}; digests identical: ${agree}`);
  console.log(`  framewise hashFile (SHA-256 + MD5, one pass)   ${o.toFixed(2)} s   ${(MIB / o).toFixed(0)} MiB/s`);
  console.log(`  sha256sum, then md5sum                          ${t.toFixed(2)} s   ${(MIB / t).toFixed(0)} MiB/s`);
  console.log(`  ${(t / o).toFixed(2)}× less wall time for both digests`);
  console.log(
    JSON.stringify({
      bench: 'storage',
      part: 'hashing',
      mib: MIB,
      rounds: ROUNDS,
      ours_s: Number(o.toFixed(3)),
      tools_s: Number(t.toFixed(3)),
      ratio: Number((t / o).toFixed(3)),
      digests_identical: agree,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
