/**
 * `pnpm bench qc [--seconds N] [--rounds N]`
 *
 * Every QC check on a generated 60 s 1080p25 file (H.264 High 4:2:0 8-bit with a stereo PCM track):
 * Framewise's `measureMedia` (one ffmpeg process, one decode, every analysis chained on it) against
 * one ffmpeg pass per check — blackdetect, freezedetect, scdet, signalstats, ebur128 with true
 * peak, silencedetect, the RGB gamut counter — each decoding the file again, run one after another (what a wrapper that
 * runs a command per check does) and all at once, and the sequential passes again with
 * Framewise's legal-level counters in place of signalstats (isolating the saving of one decode).
 * Reports wall and CPU time (ffmpeg children).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BROADCAST_EBU_R128, measureMedia, QcPolicySchema, qcGraphArgs } from '@framewise/core/qc';
import { ffmpegGenerate } from '@framewise/test-support';
import { machine } from './harness.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(String(process.argv[i]).replace(/^--/, ''), String(process.argv[i + 1]));
const SECONDS = Number(args.get('seconds') ?? 60);
const ROUNDS = Number(args.get('rounds') ?? 3);

/** CPU seconds used by waited-for children (utime + stime of /proc/self/stat, fields 16-17). */
function childrenCpu(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

function ffmpeg(argv: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info', ...argv], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.resume();
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exit ${code}`))));
  });
}

async function timed(run: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const cpu0 = childrenCpu();
  const t0 = process.hrtime.bigint();
  await run();
  return { wall: Number(process.hrtime.bigint() - t0) / 1e9, cpu: childrenCpu() - cpu0 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const dir = mkdtempSync(join(tmpdir(), 'framewise-bench-qc-'));
try {
  const file = await ffmpegGenerate(
    join(dir, 'programme.mov'),
    [`testsrc2=size=1920x1080:rate=25:duration=${SECONDS}`, `sine=frequency=997:sample_rate=48000:duration=${SECONDS}`],
    ['-ac', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '18', '-pix_fmt', 'yuv420p', '-c:a', 'pcm_s24le'],
  );
  const policy = QcPolicySchema.parse(BROADCAST_EBU_R128);
  const ours = () => measureMedia(file, { hasVideo: true, audioTracks: 1 }, policy);
  // The same graph without the RGB gamut counter: what the gamut check costs on its own.
  const noGamut = () => measureMedia(file, { hasVideo: true, audioTracks: 1 }, { ...policy, gamut: false });
  const passes = [
    ['-vf', 'blackdetect=d=1:pic_th=0.98:pix_th=0.1'],
    ['-vf', 'freezedetect=n=0.003162:d=2'],
    ['-vf', 'scdet=threshold=10'],
    ['-vf', 'signalstats=stat=brng,metadata=mode=print'],
    ['-af', 'ebur128=peak=true:framelog=info'],
    ['-af', 'silencedetect=n=-60dB:d=1'],
  ].map(
    (filter) => () => ffmpeg(['-i', file, ...(filter[0] === '-af' ? ['-vn'] : ['-an']), ...filter, '-f', 'null', '-']),
  );
  // The RGB gamut check has no stock ffmpeg filter: its naive pass is Framewise's own gamut
  // counter alone, decoding the file again.
  const gamutOnly = qcGraphArgs(
    file,
    { hasVideo: true, audioTracks: 0 },
    { ...policy, black: false, freeze: false, scenes: false, levels: false },
  );
  passes.push(() => ffmpeg(gamutOnly));
  const sequential = async () => {
    for (const pass of passes) await pass();
  };
  // The same passes with Framewise's legal-level counters in place of signalstats: what is left
  // is the saving of decoding once.
  const counters = qcGraphArgs(
    file,
    { hasVideo: true, audioTracks: 0 },
    { ...policy, black: false, freeze: false, scenes: false, gamut: false },
  );
  const sameFilters = async () => {
    for (const pass of [...passes.slice(0, 3), () => ffmpeg(counters), ...passes.slice(4)]) await pass();
  };
  const parallel = () => Promise.all(passes.map((pass) => pass()));
  await ours(); // warm the page cache
  type Timing = { wall: number; cpu: number };
  const results: Record<'ours' | 'noGamut' | 'sequential' | 'parallel' | 'sameFilters', Timing[]> = {
    ours: [],
    noGamut: [],
    sequential: [],
    parallel: [],
    sameFilters: [],
  };
  for (let round = 0; round < ROUNDS; round++) {
    results.ours.push(await timed(ours));
    results.noGamut.push(await timed(noGamut));
    results.sequential.push(await timed(sequential));
    results.parallel.push(await timed(parallel));
    results.sameFilters.push(await timed(sameFilters));
  }
  const wall = (k: keyof typeof results) => median(results[k].map((r) => r.wall));
  const cpu = (k: keyof typeof results) => median(results[k].map((r) => r.cpu));
  console.log(`machine: ${machine()}`);
  console.log(`every QC check on ${SECONDS} s of 1080p25 H.264 + PCM stereo, median of ${ROUNDS} rounds`);
  console.log(`  framewise, one decode          wall ${wall('ours').toFixed(2)} s   cpu ${cpu('ours').toFixed(2)} s`);
  console.log(
    `  framewise, gamut: false        wall ${wall('noGamut').toFixed(2)} s   cpu ${cpu('noGamut').toFixed(2)} s   (gamut check costs ${(cpu('ours') / cpu('noGamut')).toFixed(2)}× the CPU)`,
  );
  console.log(
    `  7 passes, one after another    wall ${wall('sequential').toFixed(2)} s   cpu ${cpu('sequential').toFixed(2)} s   (${(wall('sequential') / wall('ours')).toFixed(2)}× our wall time)`,
  );
  console.log(
    `  7 passes, all at once          wall ${wall('parallel').toFixed(2)} s   cpu ${cpu('parallel').toFixed(2)} s   (${(wall('parallel') / wall('ours')).toFixed(2)}× our wall time)`,
  );
  console.log(
    `  7 passes, same level counters  wall ${wall('sameFilters').toFixed(2)} s   cpu ${cpu('sameFilters').toFixed(2)} s   (${(wall('sameFilters') / wall('ours')).toFixed(2)}× our wall time)`,
  );
  console.log(
    JSON.stringify({
      bench: 'qc',
      seconds: SECONDS,
      ours_wall_s: Number(wall('ours').toFixed(2)),
      ours_cpu_s: Number(cpu('ours').toFixed(2)),
      no_gamut_wall_s: Number(wall('noGamut').toFixed(2)),
      no_gamut_cpu_s: Number(cpu('noGamut').toFixed(2)),
      sequential_wall_s: Number(wall('sequential').toFixed(2)),
      sequential_cpu_s: Number(cpu('sequential').toFixed(2)),
      parallel_wall_s: Number(wall('parallel').toFixed(2)),
      parallel_cpu_s: Number(cpu('parallel').toFixed(2)),
      same_filters_wall_s: Number(wall('sameFilters').toFixed(2)),
      same_filters_cpu_s: Number(cpu('sameFilters').toFixed(2)),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
