/**
 * `pnpm bench tape`: position-ordered tape restores and LTFS write throughput.
 *
 * 1. Modelled restore (LTO-9 figures, see packages/core/src/archive/tape/lto.ts): 1,000 files
 *    picked at random from 20 cartridges, restored with 2 drives. The plan (one mount per
 *    cartridge, files in (partition, start block) order, cartridges spread over the drives) against
 *    its lower bound under the same model (target ≤ 1.15×) and against first-come-first-served
 *    order (target ≥ 5× slower). Five seeds; the worst ratio is reported.
 * 2. Real LTFS write throughput on an emulated cartridge (LTFS reference implementation, `file`
 *    backend, FUSE): `LtfsMount.writeFile` (SHA-256 + MD5 in the same pass) against `cp` of the
 *    same source file to the same mount, interleaved rounds (target ≥ 0.8×). Wall and CPU time.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { configureEmulatedCartridge, createLtfsVolumeDriver } from '@framewise/adapters-tape/ltfs';
import { estimateArrivalOrderSeconds, planTapeRestore, type TapeRestoreRequest } from '@framewise/core/archive';
import { machine } from './harness.js';

/** A small deterministic PRNG (mulberry32), so every seed gives the same layout. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BLOCK = 524_288;

/** 20 LTO-9 cartridges, each filled to 60–95 % with files of 50 MB–20 GB (log-uniform), then 1,000 picked at random. */
function workload(seed: number): TapeRestoreRequest[] {
  const random = rng(seed);
  const all: TapeRestoreRequest[] = [];
  for (let c = 0; c < 20; c++) {
    const barcode = `V${String(c).padStart(5, '0')}`;
    const fill = 18e12 * (0.6 + 0.35 * random());
    let block = 10;
    let used = 0;
    let i = 0;
    while (used < fill) {
      const size = Math.round(50e6 * 400 ** random());
      all.push({
        fileKey: `${barcode}/${i}`,
        barcode,
        path: `proj/${i}.mxf`,
        partition: 'b',
        startBlock: block,
        sizeBytes: size,
      });
      block += Math.ceil(size / BLOCK);
      used += size;
      i++;
    }
  }
  // Fisher–Yates, then the first 1,000: the arrival order of the requests.
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j] as TapeRestoreRequest, all[i] as TapeRestoreRequest];
  }
  return all.slice(0, 1000);
}

function modelled(): Record<string, number> {
  const cartridges = Object.fromEntries(
    Array.from({ length: 20 }, (_, c) => [`V${String(c).padStart(5, '0')}`, 'LTO-9' as const]),
  );
  const drives = [
    { index: 0, generation: 'LTO-9' as const },
    { index: 1, generation: 'LTO-9' as const },
  ];
  console.log('\nModelled restore: 1,000 random files over 20 LTO-9 cartridges, 2 drives');
  console.log('  seed  plan (h)  lower bound (h)  plan/LB  FIFO (h)  FIFO/plan  mounts  plan CPU (ms)');
  let worstLb = 0;
  let worstFifo = Number.POSITIVE_INFINITY;
  let planMs = 0;
  for (const seed of [1, 2, 3, 4, 5]) {
    const requests = workload(seed);
    const cpu = process.cpuUsage();
    const plan = planTapeRestore({ requests, drives, cartridges });
    const used = process.cpuUsage(cpu);
    const ms = (used.user + used.system) / 1000;
    planMs = Math.max(planMs, ms);
    const fifo = estimateArrivalOrderSeconds({ requests, drives, cartridges });
    const lb = plan.estimatedSeconds / plan.lowerBoundSeconds;
    const ff = fifo / plan.estimatedSeconds;
    worstLb = Math.max(worstLb, lb);
    worstFifo = Math.min(worstFifo, ff);
    console.log(
      `  ${String(seed).padStart(4)}  ${(plan.estimatedSeconds / 3600).toFixed(2).padStart(8)}  ${(plan.lowerBoundSeconds / 3600).toFixed(2).padStart(15)}  ${lb.toFixed(3).padStart(7)}  ${(fifo / 3600).toFixed(1).padStart(8)}  ${ff.toFixed(1).padStart(9)}  ${String(plan.mounts).padStart(6)}  ${ms.toFixed(1).padStart(13)}`,
    );
  }
  return {
    plan_over_lower_bound_worst: Number(worstLb.toFixed(4)),
    fifo_over_plan_worst: Number(worstFifo.toFixed(2)),
    plan_cpu_ms_worst: Number(planMs.toFixed(1)),
  };
}

async function writeThroughput(): Promise<Record<string, number>> {
  const driver = createLtfsVolumeDriver({ backend: 'file' });
  driver.tools(); // fails naming a missing binary before any work
  const root = await mkdtemp(join(tmpdir(), 'framewise-bench-tape-'));
  const device = join(root, 'TAPE01');
  const point = join(root, 'drive0');
  await mkdir(device);
  await mkdir(point);
  const size = 256 * 1024 * 1024;
  const source = join(root, 'source.bin');
  await writeFile(source, randomBytes(size));
  await driver.format(device, { serial: 'BENCH1', volumeName: 'bench' });
  await configureEmulatedCartridge(device, { capacityMb: 8192 });
  const mount = await driver.mount(device, point);
  const rounds = 3;
  const ours: { wall: number; cpu: number }[] = [];
  const cp: { wall: number; cpu: number }[] = [];
  const time = existsSync('/usr/bin/time');
  try {
    for (let r = 0; r < rounds; r++) {
      // Ours: stream the file in, digests in the same pass (hashing worker).
      const cpu = process.cpuUsage();
      let start = process.hrtime.bigint();
      await mount.writeFile(`ours-${r}.bin`, createReadStream(source, { highWaterMark: 1024 * 1024 }));
      const used = process.cpuUsage(cpu);
      ours.push({ wall: Number(process.hrtime.bigint() - start) / 1e9, cpu: (used.user + used.system) / 1e6 });
      // cp (coreutils) of the same file to the same mount.
      start = process.hrtime.bigint();
      const target = join(point, `cp-${r}.bin`);
      const result = time
        ? spawnSync('/usr/bin/time', ['-f', '%U %S', 'cp', source, target], { encoding: 'utf8' })
        : spawnSync('cp', [source, target], { encoding: 'utf8' });
      const wall = Number(process.hrtime.bigint() - start) / 1e9;
      const [u, s] = (result.stderr.trim().split('\n').at(-1) ?? '0 0').split(' ').map(Number);
      cp.push({ wall, cpu: (u ?? 0) + (s ?? 0) });
    }
  } finally {
    await mount.unmount();
    await driver.close();
    await rm(root, { recursive: true, force: true });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const oursWall = median(ours.map((x) => x.wall));
  const cpWall = median(cp.map((x) => x.wall));
  const mb = size / 1e6;
  console.log(
    `\nLTFS write throughput, ${mb.toFixed(0)} MB file to one emulated cartridge (median of ${rounds} interleaved rounds)`,
  );
  console.log(
    `  ours (writeFile + SHA-256 + MD5)  ${(mb / oursWall).toFixed(0).padStart(5)} MB/s  wall ${oursWall.toFixed(2)} s  CPU ${median(ours.map((x) => x.cpu)).toFixed(2)} s (this process)`,
  );
  console.log(
    `  cp                                ${(mb / cpWall).toFixed(0).padStart(5)} MB/s  wall ${cpWall.toFixed(2)} s  CPU ${median(cp.map((x) => x.cpu)).toFixed(2)} s (cp)`,
  );
  console.log(
    `  rounds ours: ${ours.map((x) => x.wall.toFixed(2)).join(', ')} s; cp: ${cp.map((x) => x.wall.toFixed(2)).join(', ')} s`,
  );
  return {
    write_mb: Number(mb.toFixed(0)),
    ours_write_mbps: Number((mb / oursWall).toFixed(1)),
    cp_write_mbps: Number((mb / cpWall).toFixed(1)),
    write_ratio: Number((cpWall / oursWall).toFixed(3)),
    ours_write_cpu_s: Number(median(ours.map((x) => x.cpu)).toFixed(2)),
    cp_write_cpu_s: Number(median(cp.map((x) => x.cpu)).toFixed(2)),
  };
}

console.log(
  `Machine: ${machine()}; load ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
const figures = { ...modelled(), ...(await writeThroughput()) };
console.log(
  `load after: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
console.log(JSON.stringify({ bench: 'tape', ...figures }));
