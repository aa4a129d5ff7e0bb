/**
 * One upload for `pnpm bench storage`, in its own process so its peak RSS is its own:
 * `framewise` (ObjectStorage over createS3Storage, parts checked by MD5), `framewise-sha256` (parts
 * checked by SHA-256, `partChecksum: 'sha256'`), `lib-storage` (@aws-sdk/lib-storage Upload) or
 * `lib-storage-hashed` (the same with SHA-256 and MD5 computed on the way),
 * a generated stream of `--mib` MiB, parts of `--part` MiB, `--concurrency` at once. Prints JSON.
 */
import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createS3Storage } from '@framewise/adapters-storage/s3';
import { createObjectStorage } from '@framewise/core/storage';

const args = new Map<string, string>();
for (let i = 3; i < process.argv.length; i += 2)
  args.set(String(process.argv[i]).replace(/^--/, ''), String(process.argv[i + 1]));
const mode = process.argv[2];
const MiB = 1024 * 1024;
const total = Number(args.get('mib')) * MiB;
const part = Number(args.get('part')) * MiB;
const concurrency = Number(args.get('concurrency'));
const endpoint = String(args.get('endpoint'));
const bucket = String(args.get('bucket'));
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

function generated(): Readable {
  const block = Buffer.alloc(MiB);
  for (let i = 0; i < block.length; i++) block[i] = (i * 2654435761) >>> 24;
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      block[0] = sent & 255;
      sent += MiB;
      this.push(Buffer.from(block));
    },
  });
}

const t0 = process.hrtime.bigint();
let uploadSeconds: number | undefined;
/** Seconds to read the object back whole: verified (framewise) or plain (lib-storage's GetObject). */
let readSeconds: number | undefined;
if (mode === 'framewise' || mode === 'framewise-sha256') {
  const partChecksum = mode === 'framewise' ? 'md5' : 'sha256';
  const storage = createObjectStorage(
    createS3Storage({
      bucket,
      endpoint,
      forcePathStyle: true,
      credentials,
      partSizeBytes: part,
      concurrency,
      partChecksum,
    }),
  );
  const stored = await storage.put(`bench/${mode}.bin`, generated());
  uploadSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  // A verified read back: hashed while streaming, INTEGRITY before the last byte on a mismatch.
  const r0 = process.hrtime.bigint();
  let n = 0;
  for await (const chunk of await storage.get(`bench/${mode}.bin`, {
    expected: { sha256: stored.sha256, sizeBytes: stored.sizeBytes },
  }))
    n += (chunk as Buffer).length;
  if (n !== total) throw new Error(`read ${n} bytes, expected ${total}`);
  readSeconds = Number(process.hrtime.bigint() - r0) / 1e9;
  await storage.close();
} else {
  // `lib-storage-hashed`: the same Upload fed through a SHA-256 + MD5 pass, the digests Framewise
  // computes on the way (and still without checking what the server stored).
  let body: Readable = generated();
  if (mode === 'lib-storage-hashed') {
    const sha = createHash('sha256');
    const md5 = createHash('md5');
    body = body.pipe(
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          sha.update(chunk);
          md5.update(chunk);
          done(null, chunk);
        },
      }),
    );
  }
  const client = new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  await new Upload({
    client,
    params: { Bucket: bucket, Key: `bench/${mode}.bin`, Body: body },
    partSize: part,
    queueSize: concurrency,
  }).done();
  uploadSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (mode === 'lib-storage') {
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    const r0 = process.hrtime.bigint();
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `bench/${mode}.bin` }));
    let n = 0;
    for await (const chunk of out.Body as Readable) n += (chunk as Buffer).length;
    if (n !== total) throw new Error(`read ${n} bytes, expected ${total}`);
    readSeconds = Number(process.hrtime.bigint() - r0) / 1e9;
  }
}
const seconds = uploadSeconds ?? Number(process.hrtime.bigint() - t0) / 1e9;
const usage = process.resourceUsage();
const cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
process.stdout.write(`${JSON.stringify({ mode, seconds, readSeconds, maxRssMb: usage.maxRSS / 1024, cpuSeconds })}\n`);
