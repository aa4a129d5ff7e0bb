/**
 * `pnpm bench storage [--mib N] [--rounds N] [--part hashing]`
 *
 * Hashing throughput: SHA-256 and MD5 of one file in a single streaming pass (Framewise's
 * `hashFile`, the same digest `ObjectStorage.put` computes while uploading) against `sha256sum`
 * and `md5sum` run one after the other, on the same file (warm page cache for both).
 *
 * Then multipart upload to a local S3-compatible server (s3rver, started here, its store in
 * /dev/shm when there is one so the disk's writeback does not set the pace): a generated stream of
 * `--upload-mib` MiB (default 2048) through Framewise's S3 storage — which also computes SHA-256 and
 * MD5 of the whole object on the way and checks every part, by SHA-256 (`partChecksum: 'sha256'`,
 * the default on AWS S3) and by MD5 (the default with other endpoints) — against
 * `@aws-sdk/lib-storage`'s `Upload`, all with 16 MiB parts, 4 at a time, each upload in its own
 * process, interleaved over `--upload-rounds` rounds (default 4, each starting with another uploader; medians): throughput, peak RSS and
 * the uploader's CPU time; and the same Upload fed through a SHA-256 + MD5 pass, for equal digest
 * work.
 */
import { execFile } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { hashFile } from '@framewise/core/adapter-kit';
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
  const rounds = Number(args.get('upload-rounds') ?? 4);
  const s3rver = join(createRequire(import.meta.url).resolve('s3rver/package.json'), '..', 'bin', 's3rver.js');
  const server = await startS3rver(s3rver, 'bench', undefined, existsSync('/dev/shm') ? '/dev/shm' : undefined);
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
      return JSON.parse(stdout.trim().split('\n').at(-1) as string) as {
        seconds: number;
        readSeconds?: number;
        maxRssMb: number;
        cpuSeconds: number;
      };
    };
    await once('lib-storage'); // warm the server and both code paths
    const modes = [
      ['framewise-sha256', 'framewise S3 storage, parts checked by SHA-256'],
      ['framewise', 'framewise S3 storage, parts checked by MD5    '],
      ['lib-storage', '@aws-sdk/lib-storage Upload                  '],
      ['lib-storage-hashed', 'lib-storage Upload + SHA-256, MD5 on the way '],
    ] as const;
    const runs = new Map<string, { seconds: number; readSeconds?: number; maxRssMb: number; cpuSeconds: number }[]>();
    // Each round starts with a different uploader, so none always runs first after another's cleanup.
    for (let r = 0; r < rounds; r++)
      for (let i = 0; i < modes.length; i++) {
        const [mode] = modes[(r + i) % modes.length] as (typeof modes)[number];
        runs.set(mode, [...(runs.get(mode) ?? []), await once(mode)]);
      }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
    const summary = Object.fromEntries(
      modes.map(([mode]) => {
        const all = runs.get(mode) ?? [];
        return [
          mode,
          {
            mibPerSecond: Number((uploadMib / median(all.map((x) => x.seconds))).toFixed(1)),
            each: all.map((x) => Number((uploadMib / x.seconds).toFixed(1))),
            peakRssMb: Math.round(Math.max(...all.map((x) => x.maxRssMb))),
            cpuSecondsPerGib: Number((median(all.map((x) => x.cpuSeconds)) / (uploadMib / 1024)).toFixed(2)),
            ...(all.some((x) => x.readSeconds !== undefined)
              ? {
                  readMibPerSecond: Number(
                    (
                      uploadMib / median(all.flatMap((x) => (x.readSeconds === undefined ? [] : [x.readSeconds])))
                    ).toFixed(1),
                  ),
                }
              : {}),
          },
        ];
      }),
    );
    const bound = 16 * 4 + 64;
    console.log(
      `multipart upload of ${uploadMib} MiB to s3rver on loopback, 16 MiB parts, 4 at a time; median of ${rounds}`,
    );
    for (const [mode, label] of modes) {
      const m = summary[mode] as { mibPerSecond: number; each: number[]; peakRssMb: number; cpuSecondsPerGib: number };
      console.log(
        `  ${label}  ${String(m.mibPerSecond).padStart(6)} MiB/s (${m.each.join(', ')})   peak RSS ${m.peakRssMb} MB   CPU ${m.cpuSecondsPerGib} s/GiB`,
      );
    }
    console.log(`  memory target: part × concurrency + 64 MB = ${bound} MB above the process baseline`);
    // Reading back: framewise's verified get (SHA-256 while streaming) against a plain GetObject.
    const readOf = (mode: string) => (summary[mode] as { readMibPerSecond?: number }).readMibPerSecond ?? Number.NaN;
    const verifiedReadRatio = Number((readOf('framewise') / readOf('lib-storage')).toFixed(2));
    console.log(
      `  read back: framewise verified get ${readOf('framewise')} MiB/s, plain GetObject ${readOf('lib-storage')} MiB/s (ratio ${verifiedReadRatio})`,
    );
    console.log(
      JSON.stringify({ bench: 'storage', part: 'upload', mib: uploadMib, rounds, ...summary, verifiedReadRatio }),
    );
  } finally {
    await server.stop();
  }
}
