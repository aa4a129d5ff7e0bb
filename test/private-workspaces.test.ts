/**
 * Private workspaces are never published and never packed with their data: `examples`, `bench`
 * and `test` carry no version, so `pnpm -r pack` skips them (it packs only packages with a name and
 * a version) and `pnpm pack` inside them refuses; `test-support` keeps one because the public
 * packages' devDependencies on it are rewritten to its version when they are packed, and a `files`
 * list keeps its tarball to its sources. All are `private`, which `pnpm publish -r` skips.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PRIVATE = ['examples', 'bench', 'test', 'test-support'] as const;
const manifest = (dir: string) =>
  JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as {
    private?: boolean;
    version?: string;
    files?: string[];
  };

describe('private workspaces', () => {
  it.each(PRIVATE)('%s is private with a files list', (dir) => {
    const m = manifest(dir);
    expect(m.private).toBe(true);
    expect(m.files?.length).toBeGreaterThan(0);
  });

  it('leave pnpm -r pack nothing of examples, bench or test, and only the sources of test-support, even with demo data present', () => {
    const demoData = join(root, 'examples', '.demo-data');
    const made = !existsSync(demoData);
    const data = join(demoData, 'private-workspaces-test');
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'probe.bin'), 'x');
    try {
      const out = execFileSync(
        'pnpm',
        [
          '-r',
          ...PRIVATE.flatMap((dir) => ['--filter', `./${dir}`]),
          'pack',
          '--dry-run',
          '--json',
          '--pack-destination',
          join(root, '.tmp'),
        ],
        { cwd: root, encoding: 'utf8' },
      );
      const parsed = JSON.parse(out) as
        | { name: string; files: { path: string }[] }
        | { name: string; files: { path: string }[] }[];
      const packed = Array.isArray(parsed) ? parsed : [parsed];
      expect(packed.map((p) => p.name)).toEqual(['@framewise/test-support']);
      const files = packed.flatMap((p) => p.files.map((f) => f.path));
      expect(files.every((f) => f === 'package.json' || f.startsWith('src/') || f === 'tsconfig.json')).toBe(true);
      expect(files.some((f) => f.includes('.demo-data') || f.includes('node_modules'))).toBe(false);
    } finally {
      rmSync(made ? demoData : data, { recursive: true, force: true });
    }
  }, 120_000);
});
