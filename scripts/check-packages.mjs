#!/usr/bin/env node
// Packs every public package as it would be published and checks it with publint (strict) and
// Are The Types Wrong (ESM-only profile). Exits non-zero on any finding.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bin = (name) => join(root, 'node_modules', '.bin', name);
const packagesDir = join(root, 'packages');
const out = mkdtempSync(join(tmpdir(), 'framewise-check-'));
let failed = false;
try {
  for (const dir of readdirSync(packagesDir)) {
    const manifest = JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8'));
    if (manifest.private) continue;
    const dest = join(out, dir);
    execFileSync('pnpm', ['pack', '--pack-destination', dest], { cwd: join(packagesDir, dir), stdio: 'ignore' });
    const tarball = join(
      dest,
      readdirSync(dest).find((f) => f.endsWith('.tgz')),
    );
    console.log(`\n# ${manifest.name}`);
    for (const [tool, args] of [
      ['publint', ['run', tarball, '--strict']],
      ['attw', [tarball, '--profile', 'esm-only', '--no-emoji', '--no-color']],
    ]) {
      try {
        execFileSync(bin(tool), args, { stdio: 'inherit' });
      } catch {
        failed = true;
        console.error(`${tool} failed for ${manifest.name}`);
      }
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
