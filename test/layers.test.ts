/**
 * The layers of `@framewise/core` hold (see docs/architecture.md): every import of a non-test file in
 * packages/core/src goes down the layers (or to an allowed sibling), no file-level import cycle
 * exists, vitest stays behind `/testing`, and `/time` loads no `node:` module and no third-party
 * package. Type-only imports count: a layer that needs another's types depends on it. Adapter
 * packages reach core only through the entries of its exports map, never its source files.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CORE = join(root, 'packages', 'core', 'src');

/**
 * The domain layers, lowest first. A folder may import its own files and any folder of a lower
 * layer; a folder of the same layer only through {@link SIBLING_EDGES}.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['errors'],
  ['support'],
  ['time'],
  ['assets'],
  ['catalog', 'rights', 'scheduler', 'storage'],
  ['transcode', 'qc', 'captions', 'archive', 'delivery', 'interchange'],
  // Ingest is a workflow over the layers below: it probes and derives (transcode), runs QC, stores
  // (storage) and catalogues (catalog). Nothing below may import it.
  ['ingest'],
];

/**
 * Entry surfaces: they re-export (or, for `testing`, exercise) the domains, so they may import any
 * folder; no domain file may import them (the root `index.ts` would close a cycle, `testing` loads
 * vitest). `adapter-kit` re-exports what adapter authors need from the layers where it lives.
 */
const SURFACES: readonly string[] = ['index.ts', 'testing', 'adapter-kit'];

/**
 * The only imports allowed between two folders of the same layer. `to` is a path prefix inside
 * core/src, so an edge can be narrower than a whole folder. These edges must stay acyclic (tested).
 */
const SIBLING_EDGES: readonly { from: string; to: string; why: string }[] = [
  // QC measures (loudness, black/freeze, probe) with transcode's ffmpeg layer: the runner, probe,
  // progress parser and safe media paths. It never plans or runs ladders.
  { from: 'qc', to: 'transcode/ffmpeg/', why: 'QC runs its measurements through the ffmpeg layer' },
  // Delivery validation gates a package on its QC report (the report model and the report store).
  { from: 'delivery', to: 'qc/', why: 'delivery validation reads QC reports' },
];

/** Non-test TypeScript files under a folder. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    // Test code (`*.test.ts`, shared `*.fixture.ts` generators) may use the `testing` surface.
    const test = name.endsWith('.test.ts') || name.endsWith('.fixture.ts');
    return name.endsWith('.ts') && !test && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** A file's path inside core/src, with `/` separators. */
const rel = (file: string): string => relative(CORE, file).split(sep).join('/');

interface Imports {
  /** Resolved core files this file imports (relative specifiers). */
  readonly local: readonly string[];
  /** Bare specifiers (packages, `node:` modules). */
  readonly bare: readonly string[];
}

/** Every import, re-export, dynamic import and `import()` type of a file (comments and strings ignored). */
function importsOf(file: string): Imports {
  const local: string[] = [];
  const bare: string[] = [];
  for (const { fileName } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
    if (!fileName.startsWith('.')) {
      bare.push(fileName);
      continue;
    }
    const base = resolve(dirname(file), fileName);
    const target = [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')].find((f) => existsSync(f));
    if (target === undefined) throw new Error(`${rel(file)}: cannot resolve import '${fileName}'`);
    local.push(rel(target));
  }
  return { local, bare };
}

/** The import graph of core's non-test files, keyed by path inside core/src. */
function importGraph(): Map<string, Imports> {
  return new Map(sources(CORE).map((f) => [rel(f), importsOf(f)]));
}

/** The top-level folder (or root file) a core path belongs to. */
const unit = (path: string): string => (path.includes('/') ? (path.split('/')[0] as string) : path);

const layerOf = new Map(LAYERS.flatMap((folders, i) => folders.map((f) => [f, i] as const)));

/** Why an import from `from` to `to` breaks the layering, or undefined when it is allowed. */
function layerViolation(from: string, to: string): string | undefined {
  const a = unit(from);
  const b = unit(to);
  if (a === b || SURFACES.includes(a)) return undefined;
  if (SURFACES.includes(b)) return `a domain file imports the entry surface '${b}'`;
  const la = layerOf.get(a);
  const lb = layerOf.get(b);
  if (la === undefined || lb === undefined) return `'${la === undefined ? a : b}' is in no layer`;
  if (lb < la) return undefined;
  if (lb === la && SIBLING_EDGES.some((e) => e.from === a && to.startsWith(e.to))) return undefined;
  return lb === la
    ? `'${a}' and '${b}' are both in layer ${la} and no sibling edge allows it`
    : `'${a}' (layer ${la}) imports '${b}' from the higher layer ${lb}`;
}

/**
 * Every import cycle, one per strongly connected component, as a concrete chain `a → b → … → a`,
 * with the component's files sorted.
 */
function importCycles(graph: ReadonlyMap<string, Imports>): { files: string[]; chain: string[] }[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.local ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      const selfLoop = graph.get(v)?.local.includes(v) === true;
      if (component.length > 1 || selfLoop) components.push(component);
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return components.map((component) => {
    const files = [...component].sort();
    const start = files[0] as string;
    // Shortest way back to the start inside the component (breadth-first), for a readable chain.
    const inside = new Set(files);
    const previous = new Map<string, string>();
    const queue = [start];
    let end: string | undefined;
    while (queue.length > 0 && end === undefined) {
      const v = queue.shift() as string;
      for (const w of graph.get(v)?.local ?? []) {
        if (w === start) {
          end = v;
          break;
        }
        if (inside.has(w) && !previous.has(w)) {
          previous.set(w, v);
          queue.push(w);
        }
      }
    }
    const chain = [start];
    for (let v = end; v !== undefined && v !== start; v = previous.get(v)) chain.splice(1, 0, v);
    chain.push(start);
    return { files, chain };
  });
}

/** Files reachable from an entry through relative imports, with the bare specifiers each loads. */
function closure(graph: ReadonlyMap<string, Imports>, entry: string): Map<string, readonly string[]> {
  const seen = new Map<string, readonly string[]>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop() as string;
    if (seen.has(file)) continue;
    const imports = graph.get(file);
    if (imports === undefined) throw new Error(`${file} is not a core source`);
    seen.set(file, imports.bare);
    todo.push(...imports.local);
  }
  return seen;
}

const graph = importGraph();

describe('core layers', () => {
  it('reads the whole source tree', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.has('scheduler/scheduler.ts')).toBe(true);
  });

  it('places every top-level folder of core/src in a layer or among the entry surfaces', () => {
    const unplaced = readdirSync(CORE)
      .filter((name) => !name.endsWith('.test.ts'))
      .filter((name) => !layerOf.has(name) && !SURFACES.includes(name));
    expect(unplaced, 'add the folder to LAYERS (and docs/architecture.md)').toEqual([]);
  });

  it('imports only down the layers, or along an allowed sibling edge', () => {
    const violations = [...graph].flatMap(([from, { local }]) =>
      local.flatMap((to) => {
        const why = layerViolation(from, to);
        return why === undefined ? [] : [`${from} → ${to}: ${why}`];
      }),
    );
    expect(violations).toEqual([]);
  });

  it('keeps the allowed sibling edges acyclic', () => {
    const folders = SIBLING_EDGES.map((e) => ({ from: e.from, to: unit(e.to) }));
    for (const start of new Set(folders.map((e) => e.from))) {
      const reached = new Set<string>();
      const todo = [start];
      while (todo.length > 0) {
        const v = todo.pop() as string;
        for (const e of folders.filter((f) => f.from === v)) {
          expect(e.to, `sibling edges lead from '${start}' back to itself`).not.toBe(start);
          if (!reached.has(e.to)) {
            reached.add(e.to);
            todo.push(e.to);
          }
        }
      }
    }
  });

  it('has no file-level import cycle', () => {
    expect(importCycles(graph).map(({ chain }) => chain.join(' → '))).toEqual([]);
  });

  it('never imports @framewise/core by its package name (that would bypass the layers)', () => {
    const offenders = [...graph].flatMap(([file, { bare }]) =>
      bare
        .filter((s) => s === '@framewise/core' || s.startsWith('@framewise/core/'))
        .map((s) => `${file} imports ${s}`),
    );
    expect(offenders).toEqual([]);
  });

  it('loads vitest only from testing/', () => {
    const offenders = [...graph]
      .filter(
        ([file, { bare }]) => unit(file) !== 'testing' && bare.some((s) => s === 'vitest' || s.startsWith('vitest/')),
      )
      .map(([file]) => file);
    expect(offenders).toEqual([]);
  });

  it('keeps /time free of node: modules and third-party packages', () => {
    const loads = [...closure(graph, 'time/index.ts')].flatMap(([file, bare]) =>
      bare.map((s) => `${file} imports ${s}`),
    );
    expect(loads).toEqual([]);
  });
});

describe('the layering check itself', () => {
  it('rejects an upward import, a same-layer import without an edge, and a domain importing a surface', () => {
    expect(layerViolation('time/timecode.ts', 'assets/common.ts')).toMatch(/higher layer/);
    expect(layerViolation('catalog/catalog.ts', 'storage/index.ts')).toMatch(/both in layer 4/);
    expect(layerViolation('transcode/ladder/plan.ts', 'qc/run.ts')).toMatch(/both in layer 5/);
    expect(layerViolation('qc/run.ts', 'transcode/ladder/plan.ts')).toMatch(/both in layer 5/);
    expect(layerViolation('support/ids.ts', 'index.ts')).toMatch(/entry surface/);
    expect(layerViolation('catalog/catalog.ts', 'testing/index.ts')).toMatch(/entry surface/);
    expect(layerViolation('qc/run.ts', 'ingest/ingest.ts')).toMatch(/higher layer 6/);
    expect(layerViolation('transcode/ffmpeg/probe.ts', 'ingest/ingest.ts')).toMatch(/higher layer 6/);
  });

  it('accepts a downward import, an own-folder import, an allowed sibling edge and any surface import', () => {
    expect(layerViolation('qc/run.ts', 'transcode/ffmpeg/probe.ts')).toBeUndefined();
    expect(layerViolation('catalog/catalog.ts', 'catalog/port.ts')).toBeUndefined();
    expect(layerViolation('storage/object-storage.ts', 'support/index.ts')).toBeUndefined();
    expect(layerViolation('testing/storage.ts', 'delivery/index.ts')).toBeUndefined();
    expect(layerViolation('ingest/ingest.ts', 'qc/run.ts')).toBeUndefined();
    expect(layerViolation('ingest/ingest.ts', 'transcode/ffmpeg/probe.ts')).toBeUndefined();
  });

  it('reports a cycle as a chain of files', () => {
    const g = new Map<string, Imports>([
      ['a.ts', { local: ['b.ts'], bare: [] }],
      ['b.ts', { local: ['c.ts'], bare: [] }],
      ['c.ts', { local: ['a.ts', 'd.ts'], bare: [] }],
      ['d.ts', { local: [], bare: [] }],
      ['e.ts', { local: ['e.ts'], bare: [] }],
    ]);
    expect(importCycles(g)).toEqual([
      { files: ['a.ts', 'b.ts', 'c.ts'], chain: ['a.ts', 'b.ts', 'c.ts', 'a.ts'] },
      { files: ['e.ts'], chain: ['e.ts', 'e.ts'] },
    ]);
  });
});

describe('adapter packages', () => {
  const core = JSON.parse(readFileSync(join(root, 'packages', 'core', 'package.json'), 'utf8')) as {
    exports: Record<string, unknown>;
  };
  const entries = new Set(Object.keys(core.exports).map((key) => `@framewise/core${key.slice(1)}`));
  const packages = readdirSync(join(root, 'packages')).filter((name) => name.startsWith('adapters-'));

  it.each(packages)('%s imports core only through its public entries, and no other package by path', (pkg) => {
    const dir = join(root, 'packages', pkg);
    const offenders = sources(join(dir, 'src')).flatMap((file) =>
      ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.flatMap(({ fileName }) => {
        const where = relative(root, file).split(sep).join('/');
        if (fileName.startsWith('.')) {
          const outside = relative(dir, resolve(dirname(file), fileName)).startsWith('..');
          return outside ? [`${where} imports ${fileName}, outside its package`] : [];
        }
        if (fileName.startsWith('@framewise/core') && !entries.has(fileName)) {
          return [`${where} imports ${fileName}, not an entry of @framewise/core's exports`];
        }
        return [];
      }),
    );
    expect(offenders).toEqual([]);
  });
});
