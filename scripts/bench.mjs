#!/usr/bin/env node
// `pnpm bench <name>` runs bench/<name>.ts against the workspace sources.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benches = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.ts') && f !== 'harness.ts')
  .map((f) => f.slice(0, -3));
const name = process.argv[2];
if (name === undefined || !/^[a-z][a-z0-9-]*$/.test(name) || !existsSync(join(root, 'bench', `${name}.ts`))) {
  console.error(`usage: pnpm bench <name>; available: ${benches.join(', ')}`);
  process.exit(2);
}
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const result = spawnSync(
  process.execPath,
  [tsx, '--expose-gc', '--conditions=@framewise/source', join(root, 'bench', `${name}.ts`), ...process.argv.slice(3)],
  {
    stdio: 'inherit',
    cwd: join(root, 'bench'),
  },
);
process.exit(result.status ?? 1);
