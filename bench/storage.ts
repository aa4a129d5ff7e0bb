/**
 * `pnpm bench storage [--mib N] [--rounds N] [--part hashing]`
 *
 * Hashing throughput: SHA-256 and MD5 of one file in a single streaming pass (Framewise's
 * `hashFile`, the same digest `ObjectStorage.put` computes while uploading) against `sha256sum`
 * and `md5sum` run one after the other, on the same file (warm page cache for both).
 *
 * Then multipart upload to a local S3-compatible server (s3rver, started here): a generated stream
 * of `--upload-mib` MiB (default 2048) through Framewise's S3 storage (which also computes SHA-256
 * and MD5 on the way and checks every part's ETag) against `@aws-sdk/lib-storage`'s `Upload`, both
 * with 16 MiB parts, 4 at a time, each in its own process: throughput and peak RSS; and the same
 * Upload fed through a SHA-256 + MD5 pass, for equal digest work.
 */
import { execFile } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { hashFile } from '@framewise/core';
import { startS3rver } from '@framewise/test-support';
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
  const withXxh64: number[] = [];
  const tools: number[] = [];
  let agree = true;
  for (let r = 0; r < ROUNDS; r++) {
    const a = await time(() => hashFile(file));
    withXxh64.push((await time(() => hashFile(file, undefined, { xxh64: true }))).seconds);
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
  const x = median(withXxh64);
  console.log(`machine: ${machine()}`);
  console.log(`file: ${MIB} MiB (page cache warm); median of ${ROUNDS}; digests identical: ${agree}`);
  console.log(`  framewise hashFile (SHA-256 + MD5, one pass)   ${o.toFixed(2)} s   ${(MIB / o).toFixed(0)} MiB/s`);
  console.log(`  framewise hashFile + XXH64 (three digests)     ${x.toFixed(2)} s   ${(MIB / x).toFixed(0)} MiB/s`);
  console.log(`  sha256sum, then md5sum                          ${t.toFixed(2)} s   ${(MIB / t).toFixed(0)} MiB/s`);
  console.log(`  ${(t / o).toFixed(2)}× less wall time for both digests`);
  console.log(
    JSON.stringify({
      bench: 'storage',
      part: 'hashing',
      mib: MIB,
      rounds: ROUNDS,
      ours_s: Number(o.toFixed(3)),
      with_xxh64_s: Number(x.toFixed(3)),
      tools_s: Number(t.toFixed(3)),
      ratio: Number((t / o).toFixed(3)),
      digests_identical: agree,
    }),
  );
  if (args.get('part') !== 'hashing') await upload();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** The multipart half: each uploader in its own process, against one s3rver. */
async function upload(): Promise<void> {
  const uploadMib = Number(args.get('upload-mib') ?? 2048);
  const s3rver = join(createRequire(import.meta.url).resolve('s3rver/package.json'), '..', 'bin', 's3rver.js');
  const server = await startS3rver(s3rver, 'bench');
  try {
    const worker = fileURLToPath(new URL('./upload-worker.ts', import.meta.url));
    const once = async (mode: string) => {
      const { stdout } = await run(
        process.execPath,
        [
          '--conditions=@framewise/source',
          '--import',
          'tsx',
          worker,
          mode,
          '--mib',
          String(uploadMib),
          '--part',
          '16',
          '--concurrency',
          '4',
          '--endpoint',
          server.endpoint,
          '--bucket',
          server.bucket,
        ],
        { maxBuffer: 1024 * 1024 },
      );
      return JSON.parse(stdout.trim().split('\n').at(-1) as string) as { seconds: number; maxRssMb: number };
    };
    await once('lib-storage'); // warm the server's disk and both code paths
    const ours = await once('framewise');
    const theirs = await once('lib-storage');
    const hashed = await once('lib-storage-hashed');
    const bound = 16 * 4 + 64;
    console.log(`multipart upload of ${uploadMib} MiB to s3rver on loopback, 16 MiB parts, 4 at a time`);
    console.log(
      `  framewise S3 storage (+ SHA-256, MD5, ETag checks)  ${(uploadMib / ours.seconds).toFixed(0)} MiB/s   peak RSS ${ours.maxRssMb.toFixed(0)} MB`,
    );
    console.log(
      `  @aws-sdk/lib-storage Upload                         ${(uploadMib / theirs.seconds).toFixed(0)} MiB/s   peak RSS ${theirs.maxRssMb.toFixed(0)} MB`,
    );
    console.log(
      `  lib-storage Upload + SHA-256 and MD5 on the way      ${(uploadMib / hashed.seconds).toFixed(0)} MiB/s   peak RSS ${hashed.maxRssMb.toFixed(0)} MB`,
    );
    console.log(`  memory target: part × concurrency + 64 MB = ${bound} MB above the process baseline`);
    console.log(
      JSON.stringify({
        bench: 'storage',
        part: 'upload',
        mib: uploadMib,
        ours_mib_s: Number((uploadMib / ours.seconds).toFixed(1)),
        ours_peak_rss_mb: Math.round(ours.maxRssMb),
        lib_storage_mib_s: Number((uploadMib / theirs.seconds).toFixed(1)),
        lib_storage_peak_rss_mb: Math.round(theirs.maxRssMb),
        lib_storage_hashed_mib_s: Number((uploadMib / hashed.seconds).toFixed(1)),
        lib_storage_hashed_peak_rss_mb: Math.round(hashed.maxRssMb),
      }),
    );
  } finally {
    await server.stop();
  }
}
