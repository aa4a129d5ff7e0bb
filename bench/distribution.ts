/**
 * `pnpm bench distribution [--records N] [--mib N]`
 *
 * 1. Orchestration overhead: the distributor's sweep over N records (default 10 000) — the first
 *    sweep, which submits every record (through an adapter that does nothing, so only Framewise's
 *    work is timed: the rights gate, validation, the package, compare-and-set writes and history),
 *    and a steady-state sweep where every record is live and nothing is due (the rights gate still
 *    runs for each). Target: under 1 s per sweep. Then the same with the records in PostgreSQL.
 * 2. Drop-folder delivery of an N MiB file (default 1024) to a local folder: Framewise's drop
 *    folder (temporary name, size check, rename, sidecar, marker, fsync) against a plain stream
 *    copy (`pipeline(createReadStream, createWriteStream)`) in the same run. Target: within 10 %.
 * 3. The same package over SFTP (OpenSSH sshd on loopback) and FTPS (pure-ftpd, explicit TLS on
 *    loopback): Framewise's endpoints (temporary name, resume bookkeeping, size check, rename,
 *    sidecar, marker) against the plain client calls a naive integration makes — ssh2's
 *    `createWriteStream` piped (what `ssh2-sftp-client.put(stream)` does) and `fastPut`, and
 *    basic-ftp's `uploadFrom`. Servers and files on tmpfs; 5 rounds, alternating, median; every endpoint and client connected before the clock starts.
 *
 * Every case also reports CPU time: user + system of this process (`process.cpuUsage`, its worker
 * threads included; the SFTP and FTP servers' own CPU is not), median of the rounds, and the load
 * average at the start and end (the machine may be shared).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createFolderEndpoint } from '@framewise/adapters-distribution/folder';
import { createFtpEndpoint } from '@framewise/adapters-distribution/ftp';
import { createSftpEndpoint } from '@framewise/adapters-distribution/sftp';
import { createPostgresDistributionStore } from '@framewise/adapters-storage/postgres';
import {
  createDistributor,
  createMemoryDistributionStore,
  type DistributionAdapter,
  type DistributionRecordStore,
} from '@framewise/core/delivery';
import { createRightsEngine } from '@framewise/core/rights';
import { filelessDeliverySubject } from '@framewise/core/testing';
import { startPostgres, startPureFtpd, startSshd } from '@framewise/test-support';
import { Client as FtpClient } from 'basic-ftp';
import { type SFTPWrapper, Client as SshClient } from 'ssh2';
import { machine } from './harness.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(String(process.argv[i]).replace(/^--/, ''), String(process.argv[i + 1]));
const RECORDS = Number(args.get('records') ?? 10_000);
const MIB = Number(args.get('mib') ?? 1024);
/** How much of the file the naive SFTP pipe sends (its rate is steady, and a whole GiB takes minutes). */
/** Rounds over SFTP and FTPS (alternating order; the median is kept). */
const ROUNDS = 5;
const STREAM_MIB = 32;

console.log(`distribution — ${machine()}`);
const loadStart = loadavg()
  .map((x) => x.toFixed(1))
  .join(' / ');
console.log(`load average at start: ${loadStart}`);

/** Wall time and CPU time (user + system of this process, worker threads included) of one run, seconds. */
async function timed(run: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const cpu = process.cpuUsage();
  const t = process.hrtime.bigint();
  await run();
  const used = process.cpuUsage(cpu);
  return { wall: Number(process.hrtime.bigint() - t) / 1e9, cpu: (used.user + used.system) / 1e6 };
}
const ms = (seconds: number) => Math.round(seconds * 1000);

// 1. Orchestration.
const noop: DistributionAdapter = {
  name: 'noop',
  capabilities: {
    update: true,
    remoteDelete: true,
    unpublish: false,
    asyncProcessing: false,
    confirmsRemoval: false,
    resumableUpload: false,
    scheduledPublish: false,
  },
  submit: async (pkg) => ({ kind: 'success', remoteId: pkg.assetId, remoteState: 'live' }),
  update: async () => ({ kind: 'success', remoteState: 'live' }),
  remove: async () => ({ kind: 'success', remoteState: 'removed' }),
  poll: async () => ({ kind: 'success', remoteState: 'live' }),
  close: async () => {},
};
const ids = Array.from({ length: RECORDS }, (_, i) => `asset-${String(i).padStart(6, '0')}`);
const rights = createRightsEngine({
  deals: [
    {
      id: 'catalogue',
      direction: 'in',
      licensor: 'Studio',
      licensee: 'Us',
      assets: ids,
      grants: [
        {
          id: 'svod',
          media: ['svod'],
          territories: 'GB,IE',
          window: { start: '2026-01-01T00:00:00Z', end: '2028-01-01T00:00:00Z' },
        },
      ],
    },
  ],
});
let now = Date.parse('2026-06-01T00:00:00Z');
/** An asset with no files: only Framewise's work is timed. */
const subject = filelessDeliverySubject;
/** Both sweeps over RECORDS records kept in `store`. */
async function orchestrate(store: DistributionRecordStore) {
  now = Date.parse('2026-06-01T00:00:00Z');
  const distributor = createDistributor({
    store,
    clock: { now: () => now },
    rights,
    concurrency: 16,
    source: { load: async (assetId) => subject(assetId) },
    endpoints: [
      {
        id: 'ott',
        profile: {
          id: 'ott',
          name: 'OTT',
          metadata: [{ field: 'title', maxLength: 100 }],
          rights: { channel: 'svod', territories: ['GB', 'IE'] },
          automation: { submit: 'automatic' },
        },
        adapter: noop,
        fields: (s) => ({ title: s.asset.titles[0]?.value }),
        files: () => [],
        // The no-op adapter takes parallel calls; a real endpoint states what it can take.
        maxConcurrent: 16,
      },
    ],
  });
  for (const id of ids) await distributor.ready(id, `${id}-v`);
  const time = async () => {
    let actions = 0;
    const { wall, cpu } = await timed(async () => {
      actions = (await distributor.sweep(now)).actions.length;
    });
    return { seconds: wall, cpu, actions };
  };
  const first = await time();
  now += 60_000;
  const steady = await time();
  const live = (await distributor.liveOn('ott')).length;
  return { first, steady, live };
}

const { first, steady, live } = await orchestrate(createMemoryDistributionStore());
console.log(`orchestration, ${RECORDS} records (rights gate for 2 territories each)`);
console.log(
  `  first sweep (submits every record)     ${ms(first.seconds)} ms (CPU ${ms(first.cpu)} ms), ${first.actions} submissions, ${live} live`,
);
console.log(`  steady sweep (all live, nothing due)   ${ms(steady.seconds)} ms (CPU ${ms(steady.cpu)} ms)`);
// The same with the records in PostgreSQL (a server on loopback): every write is a round trip.
const postgres = await startPostgres();
const pgStore = createPostgresDistributionStore({ connectionString: postgres.createDatabase('bench') });
const onPostgres = await orchestrate(pgStore);
await pgStore.close();
await postgres.stop();
console.log(
  `  on PostgreSQL: first sweep ${ms(onPostgres.first.seconds)} ms (CPU ${ms(onPostgres.first.cpu)} ms, ${onPostgres.live} live), steady sweep ${ms(onPostgres.steady.seconds)} ms (CPU ${ms(onPostgres.steady.cpu)} ms)`,
);

// 2. Drop folder vs a plain copy.
// On tmpfs when there is one: this disk's fsync throughput swings by 2× from run to run, which
// would drown the bookkeeping being measured (both sides write the same bytes the same way).
const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'fw-bench-drop-'));
try {
  const source = join(dir, 'source.bin');
  const chunk = Buffer.alloc(1024 * 1024);
  const handle = await open(source, 'w');
  for (let i = 0; i < MIB; i++) {
    chunk.writeUInt32LE(i, 0);
    await handle.write(chunk);
  }
  await handle.close();
  const size = statSync(source).size;
  // The package carries the file's SHA-256, so the drop folder proves it at the receiver (the
  // folder's checksum: the file read back from disk) before the rename: in the measured path.
  const hash = createHash('sha256');
  for await (const c of createReadStream(source)) hash.update(c as Buffer);
  const sourceSha256 = hash.digest('hex');
  const plain = (round: number) => {
    const target = join(dir, `plain-${round}.bin`);
    return timed(async () => {
      await pipeline(createReadStream(source), createWriteStream(target));
      const h = await open(target, 'r+');
      await h.sync();
      await h.close();
    });
  };
  const ours = (round: number) => {
    const adapter = createFolderEndpoint({ root: join(dir, `drop-${round}`) });
    return timed(async () => {
      const outcome = await adapter.submit(
        {
          assetId: 'bench',
          versionId: 'bench-v',
          endpointId: 'drop',
          revision: 1,
          fields: { title: 'Bench' },
          files: [
            {
              role: 'media',
              name: 'main',
              sizeBytes: size,
              sha256: sourceSha256,
              contentType: 'video/mp4',
              open: async (start = 0) => createReadStream(source, { start }),
            },
          ],
        },
        { remoteId: undefined, remoteFiles: {}, progress: undefined, save: async () => {} },
      );
      if (outcome.kind !== 'success') throw new Error(JSON.stringify(outcome));
    });
  };
  // Each copy goes to a fresh file, is removed afterwards and the disk synced, and the order
  // alternates (ABBA), so neither side pays for the other's writeback.
  const settle = (path: string) => {
    rmSync(path, { recursive: true, force: true });
    execFileSync('sync');
  };
  await plain(-1); // warm the source into the page cache
  settle(join(dir, 'plain--1.bin'));
  const rounds: { plain: number; ours: number; plainCpu: number; oursCpu: number }[] = [];
  for (let r = 0; r < 10; r++) {
    const first = r % 2 === 0 ? 'plain' : 'ours';
    const result = { plain: 0, ours: 0, plainCpu: 0, oursCpu: 0 };
    for (const side of first === 'plain' ? (['plain', 'ours'] as const) : (['ours', 'plain'] as const)) {
      const took = side === 'plain' ? await plain(r) : await ours(r);
      result[side] = took.wall;
      result[side === 'plain' ? 'plainCpu' : 'oursCpu'] = took.cpu;
      settle(side === 'plain' ? join(dir, `plain-${r}.bin`) : join(dir, `drop-${r}`));
    }
    rounds.push(result);
  }
  if (args.has('verbose'))
    console.log(rounds.map((r) => `${(MIB / r.ours).toFixed(0)}/${(MIB / r.plain).toFixed(0)}`).join(' '));
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const p = median(rounds.map((r) => r.plain));
  const o = median(rounds.map((r) => r.ours));
  const pCpu = median(rounds.map((r) => r.plainCpu));
  const oCpu = median(rounds.map((r) => r.oursCpu));
  console.log(
    `drop folder, ${MIB} MiB file to a local folder (median of 10, alternating order, ${dir.startsWith('/dev/shm') ? 'tmpfs' : 'disk'})`,
  );
  console.log(
    `  framewise drop folder (exclusive temp name, size + SHA-256 read back, rename, sidecar, marker, fsync)  ${(MIB / o).toFixed(0)} MiB/s, CPU ${oCpu.toFixed(2)} s`,
  );
  console.log(
    `  plain stream copy + fsync                                                   ${(MIB / p).toFixed(0)} MiB/s, CPU ${pCpu.toFixed(2)} s`,
  );
  const protocols = await overProtocols(source, size, sourceSha256);
  console.log(
    JSON.stringify({
      bench: 'distribution',
      records: RECORDS,
      first_sweep_ms: ms(first.seconds),
      first_sweep_cpu_ms: ms(first.cpu),
      steady_sweep_ms: ms(steady.seconds),
      steady_sweep_cpu_ms: ms(steady.cpu),
      pg_first_sweep_ms: ms(onPostgres.first.seconds),
      pg_first_sweep_cpu_ms: ms(onPostgres.first.cpu),
      pg_steady_sweep_ms: ms(onPostgres.steady.seconds),
      pg_steady_sweep_cpu_ms: ms(onPostgres.steady.cpu),
      live,
      mib: MIB,
      drop_mib_s: Number((MIB / o).toFixed(1)),
      drop_cpu_s: Number(oCpu.toFixed(3)),
      plain_mib_s: Number((MIB / p).toFixed(1)),
      plain_cpu_s: Number(pCpu.toFixed(3)),
      ratio: Number((p / o).toFixed(3)),
      cpu_ratio: Number((oCpu / pCpu).toFixed(3)),
      ...protocols,
      load_start: loadStart,
      load_end: loadavg()
        .map((x) => x.toFixed(1))
        .join(' / '),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** Part 3: SFTP and FTPS, ours against the plain client calls, on loopback servers. */
async function overProtocols(source: string, size: number, sha256: string): Promise<Record<string, number>> {
  process.env.TMPDIR = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const sshd = await startSshd();
  const ftpd = await startPureFtpd();
  const pkg = (round: number) => ({
    assetId: `bench-${round}`,
    versionId: 'v',
    endpointId: 'e',
    revision: 1,
    fields: { title: 'Bench' },
    files: [
      {
        role: 'media' as const,
        name: 'main',
        sizeBytes: size,
        sha256,
        contentType: 'video/mp4',
        open: async (start = 0) => createReadStream(source, { start }),
      },
    ],
  });
  const ctx = () => ({ remoteId: undefined, remoteFiles: {}, progress: undefined, save: async () => {} });
  /** Wall seconds of a run; its CPU seconds are left in `lastCpu` for the case being run. */
  let lastCpu = 0;
  const seconds = async (run: () => Promise<unknown>) => {
    const took = await timed(run);
    lastCpu = took.cpu;
    return took.wall;
  };
  try {
    const sftpOptions = {
      host: sshd.host,
      port: sshd.port,
      username: sshd.username,
      privateKey: sshd.privateKey,
      hostKeySha256: sshd.hostKeySha256,
      root: sshd.root,
    };
    const ssh = await new Promise<{ client: SshClient; sftp: SFTPWrapper }>((resolve, reject) => {
      const client = new SshClient();
      client.on('ready', () => client.sftp((e, sftp) => (e ? reject(e) : resolve({ client, sftp }))));
      client.on('error', reject);
      client.connect({ host: sshd.host, port: sshd.port, username: sshd.username, privateKey: sshd.privateKey });
    });
    const ftp = new FtpClient(60_000);
    await ftp.access({
      host: ftpd.host,
      port: ftpd.port,
      user: ftpd.user,
      password: ftpd.password,
      secure: true,
      secureOptions: { ca: ftpd.certificate },
    });
    // Both sides connected before the clock starts, as a delivery service keeps its adapters: the
    // baselines' clients are, and each endpoint is warmed up with a small delivery.
    const sftpAdapter = createSftpEndpoint(sftpOptions);
    const ftpAdapter = createFtpEndpoint({
      host: ftpd.host,
      port: ftpd.port,
      user: ftpd.user,
      password: ftpd.password,
      ca: ftpd.certificate,
    });
    // The same endpoints proving every file at the receiver by reading it back (neither OpenSSH nor
    // pure-ftpd offers a server-side checksum): what `verify: 'read-back'` costs.
    const sftpProof = createSftpEndpoint({ ...sftpOptions, verify: 'read-back' });
    const ftpProof = createFtpEndpoint({
      host: ftpd.host,
      port: ftpd.port,
      user: ftpd.user,
      password: ftpd.password,
      ca: ftpd.certificate,
      verify: 'read-back',
    });
    for (const adapter of [sftpAdapter, ftpAdapter, sftpProof, ftpProof]) {
      const warm = await adapter.submit({ ...pkg(-1), files: [] }, ctx());
      if (warm.kind !== 'success') throw new Error(JSON.stringify(warm));
    }
    const cases: Record<string, (round: number) => Promise<number>> = {
      sftp_ours: (r) =>
        seconds(async () => {
          const outcome = await sftpAdapter.submit(pkg(r), ctx());
          if (outcome.kind !== 'success') throw new Error(JSON.stringify(outcome));
        }),
      sftp_ours_read_back: (r) =>
        seconds(async () => {
          const outcome = await sftpProof.submit(pkg(r), ctx());
          if (outcome.kind !== 'success') throw new Error(JSON.stringify(outcome));
        }),
      // The naive pipe runs at a few MiB/s: it sends the first STREAM_MIB only, and its rate is scaled.
      sftp_stream: async (r) =>
        (await seconds(() =>
          pipeline(
            createReadStream(source, { end: STREAM_MIB * 1048576 - 1 }),
            ssh.sftp.createWriteStream(`${sshd.root}/stream-${r}.bin`),
          ),
        )) *
        (size / (STREAM_MIB * 1048576)),
      sftp_fastput: (r) =>
        seconds(
          () =>
            new Promise<void>((resolve, reject) =>
              ssh.sftp.fastPut(source, `${sshd.root}/fast-${r}.bin`, (e) => (e ? reject(e) : resolve())),
            ),
        ),
      ftp_ours: async (r) => {
        const s = await seconds(async () => {
          const outcome = await ftpAdapter.submit(pkg(r), ctx());
          if (outcome.kind !== 'success') throw new Error(JSON.stringify(outcome));
        });
        return s;
      },
      ftp_ours_read_back: (r) =>
        seconds(async () => {
          const outcome = await ftpProof.submit(pkg(r), ctx());
          if (outcome.kind !== 'success') throw new Error(JSON.stringify(outcome));
        }),
      ftp_upload_from: (r) => seconds(() => ftp.uploadFrom(createReadStream(source), `/upload-${r}.bin`)),
    };
    const results: Record<string, number[]> = {};
    const cpuResults: Record<string, number[]> = {};
    for (let r = 0; r < ROUNDS; r++) {
      const names = Object.keys(cases);
      for (const name of r % 2 === 0 ? names : [...names].reverse()) {
        const took = await (cases[name] as (round: number) => Promise<number>)(r);
        results[name] = [...(results[name] ?? []), took];
        // The naive SFTP pipe's CPU is scaled like its time (it sends the first STREAM_MIB only).
        const cpu = name === 'sftp_stream' ? lastCpu * (size / (STREAM_MIB * 1048576)) : lastCpu;
        cpuResults[name] = [...(cpuResults[name] ?? []), cpu];
        // Empty the servers' folders (not the folders themselves: an FTP session is chrooted in its home).
        for (const root of [sshd.root, ftpd.home])
          for (const entry of readdirSync(root)) rmSync(join(root, entry), { recursive: true, force: true });
      }
    }
    for (const adapter of [sftpAdapter, ftpAdapter, sftpProof, ftpProof]) await adapter.close();
    ssh.client.end();
    ftp.close();
    if (args.has('verbose'))
      for (const [name, xs] of Object.entries(results))
        console.log(`  ${name}: ${xs.map((x) => (size / 1048576 / x).toFixed(0)).join(' ')} MiB/s`);
    const mibs = (name: string) => {
      const xs = [...(results[name] ?? [])].sort((a, b) => a - b);
      return Number((size / 1048576 / (xs[Math.floor(xs.length / 2)] as number)).toFixed(1));
    };
    const cpuS = (name: string) => {
      const xs = [...(cpuResults[name] ?? [])].sort((a, b) => a - b);
      return Number((xs[Math.floor(xs.length / 2)] as number).toFixed(3));
    };
    const out = {
      sftp_ours_mib_s: mibs('sftp_ours'),
      sftp_ours_cpu_s: cpuS('sftp_ours'),
      sftp_stream_mib_s: mibs('sftp_stream'),
      sftp_stream_cpu_s: cpuS('sftp_stream'),
      sftp_fastput_mib_s: mibs('sftp_fastput'),
      sftp_fastput_cpu_s: cpuS('sftp_fastput'),
      sftp_read_back_mib_s: mibs('sftp_ours_read_back'),
      sftp_read_back_cpu_s: cpuS('sftp_ours_read_back'),
      ftps_ours_mib_s: mibs('ftp_ours'),
      ftps_ours_cpu_s: cpuS('ftp_ours'),
      ftps_read_back_mib_s: mibs('ftp_ours_read_back'),
      ftps_read_back_cpu_s: cpuS('ftp_ours_read_back'),
      ftps_upload_from_mib_s: mibs('ftp_upload_from'),
      ftps_upload_from_cpu_s: cpuS('ftp_upload_from'),
    };
    console.log(
      `over the wire, ${Math.round(size / 1048576)} MiB to loopback servers on tmpfs (median of ${ROUNDS}, alternating)`,
    );
    console.log(`  (CPU: user + sys of this process per transfer, median; the servers' CPU is not included)`);
    console.log(
      `  SFTP  framewise endpoint                      ${out.sftp_ours_mib_s} MiB/s, CPU ${out.sftp_ours_cpu_s} s`,
    );
    console.log(
      `        ssh2 createWriteStream (put of a stream) ${out.sftp_stream_mib_s} MiB/s, CPU ${out.sftp_stream_cpu_s} s (first ${STREAM_MIB} MiB, scaled)`,
    );
    console.log(
      `        ssh2 fastPut                             ${out.sftp_fastput_mib_s} MiB/s, CPU ${out.sftp_fastput_cpu_s} s`,
    );
    console.log(
      `        framewise, verify: 'read-back'           ${out.sftp_read_back_mib_s} MiB/s, CPU ${out.sftp_read_back_cpu_s} s`,
    );
    console.log(
      `  FTPS  framewise endpoint                      ${out.ftps_ours_mib_s} MiB/s, CPU ${out.ftps_ours_cpu_s} s`,
    );
    console.log(
      `        basic-ftp uploadFrom                     ${out.ftps_upload_from_mib_s} MiB/s, CPU ${out.ftps_upload_from_cpu_s} s`,
    );
    console.log(
      `        framewise, verify: 'read-back'           ${out.ftps_read_back_mib_s} MiB/s, CPU ${out.ftps_read_back_cpu_s} s`,
    );
    return out;
  } finally {
    await sshd.destroy();
    await ftpd.destroy();
  }
}
