/**
 * `pnpm bench distribution [--records N] [--mib N]`
 *
 * 1. Orchestration overhead: the distributor's sweep over N records (default 10 000) — the first
 *    sweep, which submits every record (through an adapter that does nothing, so only Framewise's
 *    work is timed: the rights gate, validation, the package, compare-and-set writes and history),
 *    and a steady-state sweep where every record is live and nothing is due (the rights gate still
 *    runs for each). Target: under 1 s per sweep.
 * 2. Drop-folder delivery of an N MiB file (default 1024) to a local folder: Framewise's drop
 *    folder (temporary name, size check, rename, sidecar, marker, fsync) against a plain stream
 *    copy (`pipeline(createReadStream, createWriteStream)`) in the same run. Target: within 10 %.
 *    (FTP and SFTP come with those adapters.)
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createFolderEndpoint } from '@framewise/adapters-distribution/folder';
import {
  createDistributor,
  createMemoryDistributionStore,
  createRightsEngine,
  type DeliverySubject,
  type DistributionAdapter,
} from '@framewise/core';
import { machine } from './harness.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(String(process.argv[i]).replace(/^--/, ''), String(process.argv[i + 1]));
const RECORDS = Number(args.get('records') ?? 10_000);
const MIB = Number(args.get('mib') ?? 1024);

console.log(`distribution — ${machine()}`);

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
const subject = (assetId: string) =>
  ({
    asset: {
      id: assetId,
      titles: [{ language: 'en', value: `Title ${assetId}`, kind: 'main' }],
      synopses: [],
      custom: {},
    },
    version: { id: `${assetId}-v`, name: 'master' },
    renditions: [],
    related: [],
    captions: [],
    open: async () => {
      throw new Error('no files');
    },
  }) as unknown as DeliverySubject;
const distributor = createDistributor({
  store: createMemoryDistributionStore(),
  clock: { now: () => now },
  rights,
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
    },
  ],
});
for (const id of ids) await distributor.ready(id, `${id}-v`);
const time = async () => {
  const t = process.hrtime.bigint();
  const report = await distributor.sweep(now);
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9, actions: report.actions.length };
};
const first = await time();
now += 60_000;
const steady = await time();
const live = (await distributor.liveOn('ott')).length;
console.log(`orchestration, ${RECORDS} records (rights gate for 2 territories each)`);
console.log(
  `  first sweep (submits every record)     ${(first.seconds * 1000).toFixed(0)} ms, ${first.actions} submissions, ${live} live`,
);
console.log(`  steady sweep (all live, nothing due)   ${(steady.seconds * 1000).toFixed(0)} ms`);

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
  const plain = async (round: number) => {
    const target = join(dir, `plain-${round}.bin`);
    const t = process.hrtime.bigint();
    await pipeline(createReadStream(source), createWriteStream(target));
    const h = await open(target, 'r+');
    await h.sync();
    await h.close();
    return Number(process.hrtime.bigint() - t) / 1e9;
  };
  const ours = async (round: number) => {
    const adapter = createFolderEndpoint({ root: join(dir, `drop-${round}`) });
    const t = process.hrtime.bigint();
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
            contentType: 'video/mp4',
            open: async (start = 0) => createReadStream(source, { start }),
          },
        ],
      },
      { remoteId: undefined, remoteFiles: {}, progress: undefined, save: async () => {} },
    );
    if (outcome.kind !== 'success') throw new Error(JSON.stringify(outcome));
    return Number(process.hrtime.bigint() - t) / 1e9;
  };
  // Each copy goes to a fresh file, is removed afterwards and the disk synced, and the order
  // alternates (ABBA), so neither side pays for the other's writeback.
  const settle = (path: string) => {
    rmSync(path, { recursive: true, force: true });
    execFileSync('sync');
  };
  await plain(-1); // warm the source into the page cache
  settle(join(dir, 'plain--1.bin'));
  const rounds: { plain: number; ours: number }[] = [];
  for (let r = 0; r < 10; r++) {
    const first = r % 2 === 0 ? 'plain' : 'ours';
    const result = { plain: 0, ours: 0 };
    for (const side of first === 'plain' ? (['plain', 'ours'] as const) : (['ours', 'plain'] as const)) {
      result[side] = side === 'plain' ? await plain(r) : await ours(r);
      settle(side === 'plain' ? join(dir, `plain-${r}.bin`) : join(dir, `drop-${r}`));
    }
    rounds.push(result);
  }
  if (args.has('verbose'))
    console.log(rounds.map((r) => `${(MIB / r.ours).toFixed(0)}/${(MIB / r.plain).toFixed(0)}`).join(' '));
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const p = median(rounds.map((r) => r.plain));
  const o = median(rounds.map((r) => r.ours));
  console.log(
    `drop folder, ${MIB} MiB file to a local folder (median of 10, alternating order, ${dir.startsWith('/dev/shm') ? 'tmpfs' : 'disk'})`,
  );
  console.log(
    `  framewise drop folder (temp name, size check, rename, sidecar, marker, fsync)  ${(MIB / o).toFixed(0)} MiB/s`,
  );
  console.log(
    `  plain stream copy + fsync                                                   ${(MIB / p).toFixed(0)} MiB/s`,
  );
  console.log(
    JSON.stringify({
      bench: 'distribution',
      records: RECORDS,
      first_sweep_ms: Math.round(first.seconds * 1000),
      steady_sweep_ms: Math.round(steady.seconds * 1000),
      live,
      mib: MIB,
      drop_mib_s: Number((MIB / o).toFixed(1)),
      plain_mib_s: Number((MIB / p).toFixed(1)),
      ratio: Number((p / o).toFixed(3)),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
