/**
 * Proves the published shape of @framewise/core: the tarball `pnpm pack` produces installs into a
 * plain project where a CommonJS program can `require()` it (Node >= 20.19 loads ES modules from
 * require) and an ES module program can import it.
 */
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
let project = '';

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'framewise-pack-'));
  const packDir = join(project, 'pack');
  mkdirSync(packDir);
  execFileSync('pnpm', ['pack', '--pack-destination', packDir], { cwd: packageDir, stdio: 'pipe' });
  const tarball = readdirSync(packDir).find((f) => f.endsWith('.tgz'));
  if (tarball === undefined) throw new Error(`pnpm pack wrote no tarball in ${packDir}`);
  const installed = join(project, 'node_modules', '@framewise', 'core');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', join(packDir, tarball), '-C', installed, '--strip-components=1']);
  // Dependencies come from the workspace install, as a package manager would link them.
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  for (const dep of Object.keys(manifest.dependencies ?? {})) {
    const target = join(project, 'node_modules', dep);
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(realpathSync(join(packageDir, 'node_modules', dep)), target);
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
}, 120_000);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('the packed @framewise/core', () => {
  it('has a publishable manifest: no workspace or catalog ranges, no tests shipped', () => {
    const installed = join(project, 'node_modules', '@framewise', 'core');
    const manifest = readFileSync(join(installed, 'package.json'), 'utf8');
    expect(manifest).not.toMatch(/"(workspace|catalog):/);
    const json = JSON.parse(manifest) as { type: string; sideEffects: boolean; engines: { node: string } };
    expect(json.type).toBe('module');
    expect(json.sideEffects).toBe(false);
    expect(json.engines.node).toBe('>=20.19');
    const files = execFileSync('find', [installed, '-name', '*.test.ts'], { encoding: 'utf8' });
    expect(files.trim()).toBe('');
  });

  it('can be required from CommonJS', () => {
    writeFileSync(
      join(project, 'main.cjs'),
      [
        "const { FrameRate, Timecode, isFramewiseError } = require('@framewise/core');",
        "const tc = Timecode.parse('01:00:00;00', FrameRate.FPS_29_97_DF);",
        'let refused = false;',
        "try { Timecode.parse('00:01:00;00', FrameRate.FPS_29_97_DF); } catch (e) { refused = isFramewiseError(e, 'INVALID_INPUT'); }",
        'console.log(JSON.stringify({ frames: tc.frames, refused }));',
      ].join('\n'),
    );
    const out = execFileSync(process.execPath, ['main.cjs'], { cwd: project, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ frames: 107_892, refused: true });
  });

  it('can be imported from an ES module', () => {
    writeFileSync(
      join(project, 'main.mjs'),
      "import { Timecode } from '@framewise/core';\nconsole.log(Timecode.fromFrames(17982, '29.97df').toString());\n",
    );
    const out = execFileSync(process.execPath, ['main.mjs'], { cwd: project, encoding: 'utf8' });
    expect(out.trim()).toBe('00:10:00;00');
  });
});
