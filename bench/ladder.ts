/**
 * `pnpm bench ladder [--seconds N] [--preset P] [--rounds N]`
 *
 * A 4-rung 1080p H.264 ladder (1080p, 720p, 540p, 360p) from a generated 10 s 1080p25 mezzanine
 * (ProRes 422 HQ, 10-bit 4:2:2, as a broadcaster's masters are; `--source h264` for a high-bitrate
 * H.264 source instead):
 * Framewise's `runLadder` (one ffmpeg process, decode once, split into four encodes) against four
 * separate ffmpeg processes started together (what a naive wrapper user writes), with identical
 * encoder settings. Reports wall time and CPU time (user + system of the ffmpeg children).
 * `--source interlaced`: a 1080i25 ProRes master (deinterlaced with bwdif once, or per process);
 * `--source hdr10`: a 1080p25 HEVC HDR10 master on the SDR H.264 ladder (tone-mapped once, or per
 * process).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  APPLE_HLS_H264,
  conditioningFilters,
  type EncoderPreset,
  planLadder,
  probe,
  runLadder,
  TONE_MAP_FILTERS,
  videoEncoderArgs,
} from '@framewise/core/transcode';
import { ffmpegGenerate } from '@framewise/test-support';
import { machine } from './harness.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(String(process.argv[i]).replace(/^--/, ''), String(process.argv[i + 1]));
const SECONDS = Number(args.get('seconds') ?? 10);
const PRESET = (args.get('preset') ?? 'veryfast') as EncoderPreset;
const ROUNDS = Number(args.get('rounds') ?? 5);
const SOURCE = args.get('source') ?? 'prores';

/** CPU seconds used by waited-for children (utime + stime of /proc/self/stat, fields 16-17). */
function childrenCpu(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

function ffmpeg(argv: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', ...argv], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exit ${code}`))));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'framewise-bench-ladder-'));
try {
  const source =
    SOURCE === 'interlaced'
      ? await ffmpegGenerate(
          join(dir, 'source.mov'),
          [`testsrc2=size=1920x1080:rate=50:duration=${SECONDS}`],
          [
            '-vf',
            'tinterlace=mode=interleave_top,setfield=tff',
            '-c:v',
            'prores_ks',
            '-profile:v',
            '3',
            '-pix_fmt',
            'yuv422p10le',
            '-flags',
            '+ilme+ildct',
            '-field_order',
            'tt',
          ],
        )
      : SOURCE === 'hdr10'
        ? await ffmpegGenerate(
            join(dir, 'source.mp4'),
            [`testsrc2=size=1920x1080:rate=25:duration=${SECONDS}`],
            [
              '-c:v',
              'libx265',
              '-preset',
              'ultrafast',
              '-crf',
              '12',
              '-pix_fmt',
              'yuv420p10le',
              '-x265-params',
              'log-level=error:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1):max-cll=1000,400',
              '-color_primaries',
              'bt2020',
              '-color_trc',
              'smpte2084',
              '-colorspace',
              'bt2020nc',
            ],
          )
        : SOURCE === 'h264'
          ? await ffmpegGenerate(
              join(dir, 'source.mp4'),
              [`testsrc2=size=1920x1080:rate=25:duration=${SECONDS}`],
              ['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '12', '-pix_fmt', 'yuv420p'],
            )
          : await ffmpegGenerate(
              join(dir, 'source.mov'),
              [`testsrc2=size=1920x1080:rate=25:duration=${SECONDS}`],
              ['-c:v', 'prores_ks', '-profile:v', '3', '-pix_fmt', 'yuv422p10le'],
            );
  const probed = await probe(source);
  const { technical } = probed;
  const template = { ...APPLE_HLS_H264, audio: [] };
  const plan = planLadder(technical, {
    ...template,
    video: template.video.filter((r) =>
      ['h264-1080p-6000k', 'h264-720p-3000k', 'h264-540p-2000k', 'h264-360p-730k'].includes(r.name),
    ),
  });

  const measure = async (run: () => Promise<unknown>) => {
    const cpu0 = childrenCpu();
    const t0 = process.hrtime.bigint();
    await run();
    return { wall: Number(process.hrtime.bigint() - t0) / 1e9, cpu: childrenCpu() - cpu0 };
  };
  const ours: { wall: number; cpu: number }[] = [];
  const naive: { wall: number; cpu: number }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    ours.push(await measure(() => runLadder(source, plan, join(dir, `ours-${round}`), { preset: PRESET, probed })));
    naive.push(
      await measure(() =>
        Promise.all(
          plan.video.map(
            (r) =>
              ffmpeg([
                '-y',
                '-i',
                source,
                '-vf',
                // The same conditioning per process: deinterlace, tone-map, then scale.
                [
                  ...conditioningFilters(plan.conditioning),
                  ...(r.toneMap ? TONE_MAP_FILTERS : []),
                  `scale=${r.width}:${r.height}:flags=lanczos`,
                  'setsar=1',
                ].join(','),
                '-an',
                ...videoEncoderArgs(r, plan.segmentSeconds, PRESET),
                '-movflags',
                '+faststart',
                '-f',
                'mp4',
                join(dir, `naive-${round}-${r.name}.mp4`),
              ]),
            // The naive wrapper scales every output, even at source size, as a per-output recipe does.
          ),
        ),
      ),
    );
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const o = { wall: median(ours.map((x) => x.wall)), cpu: median(ours.map((x) => x.cpu)) };
  const n = { wall: median(naive.map((x) => x.wall)), cpu: median(naive.map((x) => x.cpu)) };
  console.log(`machine: ${machine()}`);
  console.log(
    `source: ${SECONDS} s 1080 ${{ h264: 'p25 H.264 (22 Mb/s)', interlaced: 'i25 ProRes 422 HQ TFF (bwdif)', hdr10: 'p25 HEVC HDR10 (tone-mapped)' }[SOURCE] ?? 'p25 ProRes 422 HQ 10-bit'}; ladder: ${plan.video.map((r) => `${r.height}p@${r.bitRate / 1e6}M`).join(', ')}; preset ${PRESET}; median of ${ROUNDS}`,
  );
  console.log(`  framewise (one process, decode once)   wall ${o.wall.toFixed(2)} s   cpu ${o.cpu.toFixed(2)} s`);
  console.log(`  four separate ffmpeg processes          wall ${n.wall.toFixed(2)} s   cpu ${n.cpu.toFixed(2)} s`);
  console.log(
    `  decode once: ${(n.wall / o.wall).toFixed(2)}× less wall time, ${(n.cpu / o.cpu).toFixed(2)}× less CPU time`,
  );
  console.log(
    JSON.stringify({
      bench: 'ladder',
      source: SOURCE,
      seconds: SECONDS,
      preset: PRESET,
      rounds: ROUNDS,
      ours_wall_s: Number(o.wall.toFixed(3)),
      ours_cpu_s: Number(o.cpu.toFixed(3)),
      naive_wall_s: Number(n.wall.toFixed(3)),
      naive_cpu_s: Number(n.cpu.toFixed(3)),
      wall_ratio: Number((n.wall / o.wall).toFixed(3)),
      cpu_ratio: Number((n.cpu / o.cpu).toFixed(3)),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
