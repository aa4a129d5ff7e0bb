/**
 * `pnpm bench packaging [--seconds N] [--rounds N]`
 *
 * OTT packaging with Shaka Packager through Framewise's `packageCmaf`: the same ladder (640×360
 * and 320×180 H.264 plus AAC stereo, from a generated N-second 25 fps source) packaged clear and
 * encrypted (`cbcs`, Widevine + PlayReady PSSH, per-track-type keys; and `cenc`) into one CMAF set
 * for HLS and DASH, rounds interleaved (clear, cbcs, cenc, clear, …) in the same run. Reports wall
 * time and the packager's CPU time (user + system of waited-for children), the encrypted/clear
 * ratio (target ≤ 1.25×), and the encryption throughput against the physical limit: node:crypto's
 * raw AES-128-CTR (cenc) and AES-128-CBC (cbcs, every block) over the same bytes (the clear
 * package's media segments), on one core.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalKeyProvider, packageCmaf, planLadder, probe, runLadder } from '@framewise/core/transcode';
import { ffmpegGenerate } from '@framewise/test-support';
import { machine } from './harness.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(String(process.argv[i]).replace(/^--/, ''), String(process.argv[i + 1]));
const SECONDS = Number(args.get('seconds') ?? 30);
const ROUNDS = Number(args.get('rounds') ?? 5);

/** CPU seconds used by waited-for children (utime + stime of /proc/self/stat, fields 16-17). */
function childrenCpu(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const dir = mkdtempSync(join(tmpdir(), 'framewise-bench-packaging-'));
try {
  const loadBefore = loadavg();
  const source = await ffmpegGenerate(
    join(dir, 'source.mp4'),
    [`testsrc2=size=640x360:rate=25:duration=${SECONDS}`, `sine=frequency=440:sample_rate=48000:duration=${SECONDS}`],
    ['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '18', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-ac', '2'],
  );
  const probed = await probe(source);
  const plan = planLadder(probed.technical, {
    name: 'bench',
    video: [
      { name: 'h264-360p', codec: 'h264', height: 360, bitRate: 1_500_000 },
      { name: 'h264-180p', codec: 'h264', height: 180, bitRate: 400_000 },
    ],
    audio: [{ name: 'aac-stereo', codec: 'aac', bitRate: 128_000, channels: 2 }],
  });
  const { outputs } = await runLadder(source, plan, join(dir, 'ladder'), { preset: 'veryfast', probed });
  const keyProvider = createLocalKeyProvider();
  const policy = {
    systems: ['widevine', 'playready'] as ('widevine' | 'playready')[],
    licenseServerRef: 'bench',
    trackKeyBoundaries: { sdMaxHeight: 200 },
  };
  const kinds = ['clear', 'cbcs', 'cenc'] as const;
  const wall: Record<(typeof kinds)[number], number[]> = { clear: [], cbcs: [], cenc: [] };
  const cpu: Record<(typeof kinds)[number], number[]> = { clear: [], cbcs: [], cenc: [] };
  let mediaBytes = 0;
  let media: Buffer = Buffer.alloc(0);
  const once = async (kind: (typeof kinds)[number], round: number) => {
    const target = join(dir, `out-${kind}-${round}`);
    const cpu0 = childrenCpu();
    const t0 = performance.now();
    await packageCmaf(outputs, target, {
      contentId: 'bench-title',
      segmentSeconds: plan.segmentSeconds,
      policy,
      ...(kind === 'clear' ? {} : { encryption: { scheme: kind as 'cenc' | 'cbcs', keyProvider } }),
    });
    wall[kind].push((performance.now() - t0) / 1000);
    cpu[kind].push(childrenCpu() - cpu0);
    if (kind === 'clear' && mediaBytes === 0) {
      const segments = readdirSync(target).filter((f) => f.endsWith('.m4s'));
      mediaBytes = segments.reduce((n, f) => n + statSync(join(target, f)).size, 0);
      media = Buffer.concat(segments.map((f) => readFileSync(join(target, f))));
    }
    rmSync(target, { recursive: true, force: true });
  };
  // Warm-up (page cache, binary loaded), then interleaved rounds.
  for (const k of kinds) await once(k, -1);
  for (let r = 0; r < ROUNDS; r++) for (const k of kinds) await once(k, r);

  // The physical limit: raw AES over the same bytes (the clear package's media segments), in this process, on one core.
  const bytes = media;
  const aes = (algorithm: 'aes-128-ctr' | 'aes-128-cbc') => {
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) {
      const c = createCipheriv(algorithm, randomBytes(16), randomBytes(16));
      if (algorithm === 'aes-128-cbc') c.setAutoPadding(false);
      const t0 = performance.now();
      const length = bytes.length - (bytes.length % 16);
      for (let at = 0; at < length; at += 65536) c.update(bytes.subarray(at, Math.min(at + 65536, length)));
      samples.push((performance.now() - t0) / 1000);
    }
    return mediaBytes / 1e6 / median(samples);
  };
  const ctr = aes('aes-128-ctr');
  const cbc = aes('aes-128-cbc');
  const loadAfter = loadavg();

  const m = (k: (typeof kinds)[number]) => ({ wall: median(wall[k]), cpu: median(cpu[k]) });
  const clear = m('clear');
  const cbcs = m('cbcs');
  const cenc = m('cenc');
  /** Extra CPU seconds encryption costs, turned into MB/s of media encrypted per CPU second. */
  const perCore = (x: { cpu: number }) =>
    x.cpu > clear.cpu ? mediaBytes / 1e6 / (x.cpu - clear.cpu) : Number.POSITIVE_INFINITY;
  console.log(`packaging: ${machine()}`);
  console.log(
    `ladder: ${SECONDS} s, 360p + 180p H.264 + AAC, ${(mediaBytes / 1e6).toFixed(1)} MB of media segments, ${ROUNDS} rounds (median)`,
  );
  console.log(
    `load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`,
  );
  console.log('  case          wall s   packager CPU s   ratio (wall / CPU) vs clear');
  for (const [name, x] of [
    ['clear', clear],
    ['cbcs', cbcs],
    ['cenc', cenc],
  ] as const)
    console.log(
      `  ${name.padEnd(12)} ${x.wall.toFixed(3).padStart(7)}   ${x.cpu.toFixed(2).padStart(14)}   ${(x.wall / clear.wall).toFixed(2)}× / ${(x.cpu / Math.max(clear.cpu, 0.01)).toFixed(2)}×`,
    );
  console.log(
    `  encryption throughput per CPU second (extra CPU over clear): cbcs ${perCore(cbcs).toFixed(0)} MB/s, cenc ${perCore(cenc).toFixed(0)} MB/s`,
  );
  console.log(
    `  raw AES, node:crypto, one core, same bytes: AES-128-CTR ${ctr.toFixed(0)} MB/s, AES-128-CBC ${cbc.toFixed(0)} MB/s`,
  );
  console.log(
    JSON.stringify({
      bench: 'packaging',
      seconds: SECONDS,
      rounds: ROUNDS,
      media_mb: Number((mediaBytes / 1e6).toFixed(2)),
      clear_wall_s: clear.wall,
      cbcs_wall_s: cbcs.wall,
      cenc_wall_s: cenc.wall,
      clear_cpu_s: clear.cpu,
      cbcs_cpu_s: cbcs.cpu,
      cenc_cpu_s: cenc.cpu,
      cbcs_ratio_wall: Number((cbcs.wall / clear.wall).toFixed(3)),
      cenc_ratio_wall: Number((cenc.wall / clear.wall).toFixed(3)),
      raw_aes_ctr_mb_s: Math.round(ctr),
      raw_aes_cbc_mb_s: Math.round(cbc),
      load_before: loadBefore[0],
      load_after: loadAfter[0],
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
