/**
 * Proves the published shape of @framewise/core: the tarball `pnpm pack` produces installs into a
 * plain project where a CommonJS program can `require()` the root and every subpath (Node >= 20.19
 * loads ES modules from require), an ES module program can import it, and a TypeScript program
 * importing the root and every subpath type-checks with `skipLibCheck: false` under
 * `moduleResolution` node16, nodenext and bundler (every type the `.d.ts` files name resolves from
 * the package's own dependencies), and a browser program using only `/time` and `/errors` does so
 * without `@types/node`.
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
/** Every specifier of the packed exports map: `@framewise/core`, `@framewise/core/time`, ... */
let subpaths: string[] = [];

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
    peerDependencies?: Record<string, string>;
    exports: Record<string, unknown>;
  };
  subpaths = Object.keys(manifest.exports)
    .filter((key) => key !== './package.json')
    .map((key) => `@framewise/core${key.slice(1)}`);
  // Peers (vitest for `/testing`) and @types/node are what a Node consumer brings itself.
  for (const dep of [
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
    '@types/node',
  ]) {
    const target = join(project, 'node_modules', dep);
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(realpathSync(join(packageDir, 'node_modules', dep)), target);
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
}, 600_000);

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

  it('can require() every subpath from CommonJS', () => {
    // `/testing` loads vitest, which only a test runner provides.
    const specs = subpaths.filter((spec) => !spec.endsWith('/testing'));
    writeFileSync(
      join(project, 'all.cjs'),
      [
        `const specs = ${JSON.stringify(specs)};`,
        'const out = {};',
        'for (const spec of specs) out[spec] = Object.keys(require(spec)).length;',
        'console.log(JSON.stringify(out));',
      ].join('\n'),
    );
    const out = JSON.parse(execFileSync(process.execPath, ['all.cjs'], { cwd: project, encoding: 'utf8' })) as Record<
      string,
      number
    >;
    expect(Object.keys(out)).toEqual(specs);
    for (const spec of specs) expect(out[spec], spec).toBeGreaterThan(0);
    expect(specs).toEqual(expect.arrayContaining(['@framewise/core/time', '@framewise/core/adapter-kit']));
  }, 60_000);

  it('ships .d.ts files without @internal members', () => {
    const dist = join(project, 'node_modules', '@framewise', 'core', 'dist');
    const declarations = readdirSync(dist).filter((f) => f.endsWith('.d.ts'));
    expect(declarations).toContain('time.d.ts');
    expect(declarations.filter((f) => readFileSync(join(dist, f), 'utf8').includes('@internal'))).toEqual([]);
  });

  it.each(['node16', 'nodenext', 'bundler'])(
    'type-checks a consumer of the root and every subpath with skipLibCheck false (%s)',
    (resolution) => {
      writeConsumer();
      const module = resolution === 'bundler' ? 'esnext' : resolution;
      const config = {
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2023'],
          module,
          moduleResolution: resolution,
          types: ['node'],
          strict: true,
          skipLibCheck: false,
          noEmit: true,
        },
        files: ['consumer.mts', 'checks.mts'],
      };
      expect(typeCheck(`tsconfig.${resolution}.json`, config)).toBe('');
    },
    300_000,
  );

  it('type-checks a browser consumer of /time and /errors without @types/node', () => {
    writeFileSync(
      join(project, 'browser.ts'),
      [
        "import { FramewiseError, isFramewiseError } from '@framewise/core/errors';",
        "import { EditList, FrameRate, Timecode } from '@framewise/core/time';",
        "const rate = FrameRate.parse('25');",
        "export const label: string = Timecode.parse('10:00:00:00', rate).toString();",
        'export const edl: EditList = EditList.of(rate, []);',
        "export const known: boolean = isFramewiseError(new FramewiseError('INVALID_INPUT', 'x'));",
      ].join('\n'),
    );
    const config = {
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2023', 'DOM'],
        module: 'esnext',
        moduleResolution: 'bundler',
        types: [],
        strict: true,
        skipLibCheck: false,
        noEmit: true,
      },
      files: ['browser.ts'],
    };
    expect(typeCheck('tsconfig.browser.json', config)).toBe('');
  }, 300_000);
});

/** The consumer program: every subpath imported, and the promises the `.d.ts` files make. */
function writeConsumer(): void {
  writeFileSync(
    join(project, 'consumer.mts'),
    [
      ...subpaths.map((spec, i) => `import * as m${i} from '${spec}';`),
      `export const modules = [${subpaths.map((_, i) => `m${i}`).join(', ')}];`,
    ].join('\n'),
  );
  writeFileSync(
    join(project, 'checks.mts'),
    [
      "import * as root from '@framewise/core';",
      "import { type AvailabilityInterval, RightsEngine, type Transition } from '@framewise/core/rights';",
      "import { parseOptions } from '@framewise/core/adapter-kit';",
      'type IsAny<T> = 0 extends 1 & T ? true : false;',
      '// luxon types resolve: an instant is a DateTime, not `any`.',
      'export const atTyped: IsAny<Transition["at"]> = false;',
      'export const startTyped: IsAny<AvailabilityInterval["start"]> = false;',
      'export const iso = (t: Transition): string | null => t.at.toISO();',
      'export const parse = parseOptions;',
      '// @ts-expect-error adapter helpers are not on the root entry',
      'export const notOnRoot = root.parseInput;',
      '// @ts-expect-error the constructor keeps its (hidden) signature: use createRightsEngine',
      'export const bare = new RightsEngine();',
      '// @ts-expect-error `@internal` members are stripped from the .d.ts',
      'export const internal = (engine: RightsEngine) => engine.zoneOf(0);',
    ].join('\n'),
  );
}

/** Runs the workspace's tsc on a config written into the consumer; returns its diagnostics. */
function typeCheck(name: string, config: object): string {
  writeFileSync(join(project, name), JSON.stringify(config, null, 2));
  const tsc = join(packageDir, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', name], { cwd: project, encoding: 'utf8', stdio: 'pipe' });
    return '';
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}` || String(error);
  }
}
