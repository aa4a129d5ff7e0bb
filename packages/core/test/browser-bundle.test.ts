/**
 * `@framewise/core/time` and `@framewise/core/errors` are what a browser (a review UI doing
 * timecode maths) loads: bundled for the browser with esbuild they pull in no `node:` module and
 * no zod, and stay small. Bundles the package's own subpaths by name (the exports map, with the
 * source condition), as a consumer's bundler would.
 */
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const builtins = new Set(builtinModules);

interface Bundle {
  readonly bytes: number;
  /** `node:` (or bare built-in) imports, as `importer -> specifier`. */
  readonly nodeImports: readonly string[];
  /** Every bundled input, relative to the package (dependencies under `node_modules/`). */
  readonly inputs: readonly string[];
}

async function bundle(contents: string): Promise<Bundle> {
  const nodeImports: string[] = [];
  // Built-ins are recorded and left external so the test names every offender instead of failing
  // on the first unresolvable import.
  const recordNode: Plugin = {
    name: 'record-node-imports',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        const bare = args.path.startsWith('node:') ? args.path.slice(5) : args.path;
        if (!args.path.startsWith('node:') && !builtins.has(bare.split('/')[0] ?? '')) return undefined;
        nodeImports.push(`${args.importer} -> ${args.path}`);
        return { path: args.path, external: true };
      });
    },
  };
  const result = await build({
    stdin: { contents, resolveDir: packageDir, loader: 'ts', sourcefile: 'consumer.ts' },
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    minify: true,
    target: 'es2022',
    conditions: ['@framewise/source'],
    metafile: true,
    logLevel: 'silent',
    plugins: [recordNode],
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error('esbuild wrote no output');
  return { bytes: output.contents.byteLength, nodeImports, inputs: Object.keys(result.metafile.inputs) };
}

describe('browser bundles of the light subpaths', () => {
  it('@framewise/core/time: no node: import, no zod, under 30 KiB minified', async () => {
    const out = await bundle(
      [
        "import { EditList, FrameRate, Timecode } from '@framewise/core/time';",
        "const rate = FrameRate.parse('29.97df');",
        "const tc = Timecode.parse('01:00:00;00', rate);",
        'const edl = EditList.of(rate, []);',
        'export const result = [tc.toString(), edl.duration];',
      ].join('\n'),
    );
    expect(out.nodeImports).toEqual([]);
    expect(out.inputs.filter((input) => input.includes('node_modules'))).toEqual([]);
    expect(out.bytes).toBeLessThan(30 * 1024);
  });

  it('@framewise/core/errors: no node: import, no dependency, a few KiB', async () => {
    const out = await bundle(
      "export { FramewiseError, isFramewiseError, asFramewiseError, FRAMEWISE_ERROR_CODES } from '@framewise/core/errors';",
    );
    expect(out.nodeImports).toEqual([]);
    expect(out.inputs.filter((input) => input.includes('node_modules'))).toEqual([]);
    expect(out.bytes).toBeLessThan(8 * 1024);
  });

  it('names the offender when a subpath reaches Node or zod (the root entry does both)', async () => {
    const out = await bundle("export { Timecode, createObjectStorage } from '@framewise/core';");
    expect(out.nodeImports.some((line) => line.endsWith('-> node:crypto'))).toBe(true);
    expect(out.inputs.some((input) => input.includes('node_modules/zod'))).toBe(true);
  });
});
