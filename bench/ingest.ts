/**
 * `pnpm bench ingest [--seconds N] [--rounds N] [--files N] [--only derivatives|watch]`
 *
 * 1. Derivatives: proxy (540p H.264, burnt-in timecode and title) + poster candidates + sprite
 *    sheet of a generated 1080p25 ProRes 422 HQ camera file, from one decode (`makeDerivatives`,
 *    one ffmpeg run, the picture split to each output) against one ffmpeg run per output, same
 *    filters and encoders, in interleaved rounds. Wall time and CPU time (user + system of the
 *    ffmpeg children).
 * 2. Watch folder: `--files` (default 200) small distinct MP4 files ingested (memory catalog, fs
 *    storage) by dropping them into a watch folder (stable after one unchanged listing, 2 at once)
 *    against calling `ingest` directly on them (2 at once), interleaved. Files per second.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFsStorage } from '@framewise/adapters-storage/fs';
import { createCatalog, createMemoryCatalogStore } from '@framewise/core/catalog';
import { createWatchFolder, type DerivativesSpec, ingest, makeDerivatives } from '@framewise/core/ingest';
import { createObjectStorage } from '@framewise/core/storage';
import { probe } from '@framewise/core/transcode';
import { ffmpegGenerate } from '@framewise/test-support';
import { machine } from './harness.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(String(process.argv[i]).replace(/^--/, ''), String(process.argv[i + 1]));
const SECONDS = Number(args.get('seconds') ?? 10);
const ROUNDS = Number(args.get('rounds') ?? 3);
const FILES = Number(args.get('files') ?? 200);
const ONLY = args.get('only');

/** CPU seconds used by waited-for children (utime + stime of /proc/self/stat, fields 16-17). */
function childrenCpu(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[13]) + Number(fields[14])) / 100;
}
/** CPU seconds of this process (user + system). */
function selfCpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const dir = mkdtempSync(join(tmpdir(), 'fw-bench-ingest-'));
const out: Record<string, number | string> = { bench: 'ingest' };
console.log(`machine: ${machine()}`);
console.log(
  `load average at start: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
try {
  if (ONLY === undefined || ONLY === 'derivatives') {
    const source = await ffmpegGenerate(
      join(dir, 'camera.mov'),
      [
        `testsrc2=size=1920x1080:rate=25:duration=${SECONDS}`,
        `sine=frequency=440:sample_rate=48000:duration=${SECONDS}`,
      ],
      [
        '-c:v',
        'prores_ks',
        '-profile:v',
        '3',
        '-pix_fmt',
        'yuv422p10le',
        '-c:a',
        'pcm_s24le',
        '-timecode',
        '10:00:00:00',
      ],
    );
    const probed = await probe(source);
    const durationSeconds = (probed.durationUs ?? 0) / 1e6;
    const spec: DerivativesSpec = {
      proxy: { height: 540, preset: 'veryfast', text: 'Low Tide — v3' },
      posters: { count: 3 },
      sprite: { intervalSeconds: 1, columns: 10, rows: 10 },
    };
    const one: { wall: number; cpu: number }[] = [];
    const separate: { wall: number; cpu: number }[] = [];
    const round = async (mode: 'one-decode' | 'separate') => {
      const cpu0 = childrenCpu();
      const t0 = performance.now();
      await makeDerivatives(source, probed.technical, spec, join(dir, mode), { durationSeconds, mode });
      return { wall: (performance.now() - t0) / 1000, cpu: childrenCpu() - cpu0 };
    };
    await round('one-decode'); // warm-up (page cache, ffmpeg start)
    for (let r = 0; r < ROUNDS; r++) {
      // Interleaved, alternating which goes first.
      if (r % 2 === 0) {
        one.push(await round('one-decode'));
        separate.push(await round('separate'));
      } else {
        separate.push(await round('separate'));
        one.push(await round('one-decode'));
      }
    }
    const o = { wall: median(one.map((x) => x.wall)), cpu: median(one.map((x) => x.cpu)) };
    const s = { wall: median(separate.map((x) => x.wall)), cpu: median(separate.map((x) => x.cpu)) };
    console.log(
      `\nderivatives of a ${SECONDS} s 1080p25 ProRes 422 HQ file: 540p proxy + posters + sprite (median of ${ROUNDS})`,
    );
    console.log(`  one decode (one ffmpeg run, split)   wall ${o.wall.toFixed(2)} s   cpu ${o.cpu.toFixed(2)} s`);
    console.log(`  separate runs (three decodes)        wall ${s.wall.toFixed(2)} s   cpu ${s.cpu.toFixed(2)} s`);
    console.log(
      `  wall ratio ${(s.wall / o.wall).toFixed(2)}x less with one decode; cpu ratio ${(s.cpu / o.cpu).toFixed(2)}x`,
    );
    Object.assign(out, {
      one_decode_wall_s: +o.wall.toFixed(3),
      one_decode_cpu_s: +o.cpu.toFixed(3),
      separate_wall_s: +s.wall.toFixed(3),
      separate_cpu_s: +s.cpu.toFixed(3),
      derivatives_wall_ratio: +(s.wall / o.wall).toFixed(3),
      derivatives_cpu_ratio: +(s.cpu / o.cpu).toFixed(3),
    });
  }

  if (ONLY === undefined || ONLY === 'watch') {
    const base = await ffmpegGenerate(
      join(dir, 'small.mp4'),
      ['testsrc2=size=160x90:rate=25:duration=0.4'],
      ['-c:v', 'libx264', '-preset', 'ultrafast', '-timecode', '10:00:00:00'],
    );
    const bytes = readFileSync(base);
    /** FILES distinct files: the same MP4 with a top-level `free` box holding the file's number. */
    const makeFiles = (folder: string) => {
      mkdirSync(folder, { recursive: true });
      for (let i = 0; i < FILES; i++) {
        const payload = Buffer.from(`framewise-bench-${folder}-${i}`);
        const free = Buffer.alloc(8);
        free.writeUInt32BE(8 + payload.length, 0);
        free.write('free', 4, 'latin1');
        writeFileSync(join(folder, `clip-${String(i).padStart(4, '0')}.mp4`), Buffer.concat([bytes, free, payload]));
      }
    };
    const setup = (name: string) => {
      const catalog = createCatalog({ store: createMemoryCatalogStore() });
      const storage = createObjectStorage(createFsStorage({ root: join(dir, name, 'storage') }));
      return {
        ingestOne: (path: string) =>
          ingest(path, {
            catalog,
            actor: { id: 'bot', memberships: [{ project: 'p', role: 'editor' }] },
            storage,
            storageId: 'disk',
            asset: { id: 'show', project: 'p', kind: 'episode', titles: [{ language: 'en', value: 'Show' }] },
          }),
      };
    };
    const direct = async (r: number) => {
      const folder = join(dir, `direct-${r}`, 'in');
      makeFiles(folder);
      const { ingestOne } = setup(`direct-${r}`);
      const files = readdirSync(folder).map((n) => join(folder, n));
      const cpu0 = selfCpu() + childrenCpu();
      const t0 = performance.now();
      let next = 0;
      await Promise.all(
        [0, 1].map(async () => {
          while (next < files.length) await ingestOne(files[next++] as string);
        }),
      );
      return { wall: (performance.now() - t0) / 1000, cpu: selfCpu() + childrenCpu() - cpu0 };
    };
    const watched = async (r: number) => {
      const folder = join(dir, `watch-${r}`, 'drop');
      mkdirSync(folder, { recursive: true });
      const staging = join(dir, `watch-${r}`, 'staging');
      makeFiles(staging);
      const { ingestOne } = setup(`watch-${r}`);
      let processed = 0;
      const watch = createWatchFolder({
        root: folder,
        stableMs: 0,
        pollMs: 50,
        concurrency: 2,
        ingest: (p) => ingestOne(p),
      });
      const done = new Promise<void>((resolve) =>
        watch.on('processed', () => {
          if (++processed === FILES) resolve();
        }),
      );
      watch.on('failed', (e) => console.error(`failed ${e.name}: ${e.message}`));
      await watch.start();
      const cpu0 = selfCpu() + childrenCpu();
      const t0 = performance.now();
      for (const n of readdirSync(staging)) copyFileSync(join(staging, n), join(folder, n));
      await done;
      const wall = (performance.now() - t0) / 1000;
      await watch.stop();
      return { wall, cpu: selfCpu() + childrenCpu() - cpu0 };
    };
    const d: { wall: number; cpu: number }[] = [];
    const w: { wall: number; cpu: number }[] = [];
    const watchRounds = Number(args.get('watch-rounds') ?? 1);
    for (let r = 0; r < watchRounds; r++) {
      if (r % 2 === 0) {
        d.push(await direct(r));
        w.push(await watched(r));
      } else {
        w.push(await watched(r));
        d.push(await direct(r));
      }
    }
    const dm = { wall: median(d.map((x) => x.wall)), cpu: median(d.map((x) => x.cpu)) };
    const wm = { wall: median(w.map((x) => x.wall)), cpu: median(w.map((x) => x.cpu)) };
    console.log(`\n${FILES} small files (2 at once), median of ${watchRounds}`);
    console.log(
      `  direct ingest calls   ${(FILES / dm.wall).toFixed(1)} files/s   wall ${dm.wall.toFixed(2)} s   cpu ${dm.cpu.toFixed(2)} s`,
    );
    console.log(
      `  watch folder          ${(FILES / wm.wall).toFixed(1)} files/s   wall ${wm.wall.toFixed(2)} s   cpu ${wm.cpu.toFixed(2)} s`,
    );
    console.log(`  watch folder throughput ${(dm.wall / wm.wall).toFixed(2)}x of direct`);
    Object.assign(out, {
      files: FILES,
      direct_files_per_s: +(FILES / dm.wall).toFixed(2),
      watch_files_per_s: +(FILES / wm.wall).toFixed(2),
      direct_cpu_s: +dm.cpu.toFixed(2),
      watch_cpu_s: +wm.cpu.toFixed(2),
      watch_throughput_ratio: +(dm.wall / wm.wall).toFixed(3),
    });
  }
  out.loadavg_end = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  console.log(`load average at end: ${out.loadavg_end}`);
  console.log(JSON.stringify(out));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
