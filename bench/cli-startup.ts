/**
 * Start-up of the `framewise` command: `framewise tc convert` from the built package (dist/) against
 * a bare `node -e 0` (the floor) and an eager start that imports what a CLI loading every command
 * up front would (core's root, the PGlite and Postgres stores, the EBUCore and BXF adapters).
 * Rounds are interleaved; wall and CPU time (user + sys, from bash's `time`) per start, medians.
 * Needs `pnpm build` first (the bench refuses to run without packages/cli/dist/bin.js).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine } from './harness.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'packages', 'cli');
const bin = join(cli, 'dist', 'bin.js');
if (!existsSync(bin)) {
  console.error('packages/cli/dist/bin.js is missing: run `pnpm build` first');
  process.exit(2);
}
const eager = [
  '@framewise/core',
  '@framewise/adapters-storage/pglite',
  '@framewise/adapters-storage/postgres',
  '@framewise/adapters-metadata/ebucore',
  '@framewise/adapters-metadata/bxf',
]
  .map((m) => `await import('${m}');`)
  .join(' ');
const cases: Record<string, string> = {
  'framewise tc convert': `node ${bin} tc convert 10:00:00:00 --from 25 --to 29.97df`,
  'node -e 0 (floor)': 'node -e 0',
  'eager imports (every command loaded)': `node --input-type=module -e "${eager}"`,
};

function once(command: string): { wall: number; cpu: number } {
  const r = spawnSync('bash', ['-c', `TIMEFORMAT='%R %U %S'; time (${command} >/dev/null)`], {
    cwd: cli,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`${command} failed: ${r.stderr}`);
  const [wall, user, sys] = (r.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number) as [
    number,
    number,
    number,
  ];
  return { wall: wall * 1000, cpu: (user + sys) * 1000 };
}

const rounds = Number(process.argv[2] ?? 15);
const samples = new Map<string, { wall: number[]; cpu: number[] }>();
for (const name of Object.keys(cases)) samples.set(name, { wall: [], cpu: [] });
for (const command of Object.values(cases)) once(command); // warm the file cache
for (let i = 0; i < rounds; i++) {
  for (const [name, command] of Object.entries(cases)) {
    const s = once(command);
    samples.get(name)?.wall.push(s.wall);
    samples.get(name)?.cpu.push(s.cpu);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
console.log(machine());
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; ${rounds} interleaved rounds`,
);
console.log('case                                   wall ms (median)   cpu ms (median)');
const result: Record<string, number> = {};
for (const [name, s] of samples) {
  console.log(`${name.padEnd(38)} ${median(s.wall).toFixed(0).padStart(15)} ${median(s.cpu).toFixed(0).padStart(17)}`);
}
const ours = samples.get('framewise tc convert') as { wall: number[]; cpu: number[] };
const eagerS = samples.get('eager imports (every command loaded)') as { wall: number[]; cpu: number[] };
const floor = samples.get('node -e 0 (floor)') as { wall: number[]; cpu: number[] };
result.ours_wall_ms = Math.round(median(ours.wall));
result.ours_cpu_ms = Math.round(median(ours.cpu));
result.floor_wall_ms = Math.round(median(floor.wall));
result.eager_wall_ms = Math.round(median(eagerS.wall));
result.eager_cpu_ms = Math.round(median(eagerS.cpu));
console.log(JSON.stringify({ bench: 'cli-startup', ...result, load: loadavg()[0] }));
