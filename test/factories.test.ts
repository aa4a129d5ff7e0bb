/**
 * One factory convention: every exported `createX` factory of every package has an exported zod
 * `XOptionsSchema`, parses its options through it once, and refuses an unknown or ill-typed option
 * with `INVALID_CONFIG` naming the option. A new factory that skips the convention fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Factories that take no options object at all, and why. */
const NO_OPTIONS: Readonly<Record<string, string>> = {
  createMemoryQcReportStore: 'takes no arguments',
  createMemoryDistributionStore: 'takes no arguments',
  createMemoryUploadStateStore: 'takes no arguments',
  createFileUploadStateStore: 'takes one directory path',
  createObjectStorageQcReportStore: 'takes a storage and a key prefix',
  createCompiler: 'takes a rights document’s groups and deals (data, not options)',
};

/** How to call a factory whose options are not its first argument. */
const CALL: Readonly<Record<string, (factory: (...args: unknown[]) => unknown, options: unknown) => unknown>> = {
  createObjectStorage: (f, o) => f({ capabilities: {} }, o),
  createRightsEngine: (f, o) => f({ groups: [] }, o),
  createDropFolderAdapter: (f, o) => f({}, o),
  createEbuCoreImporter: (f, o) => f(o),
  createPlacementChecker: (f, o) => f(o),
};

type Entry = { pkg: string; subpath: string; file: string };

const entries: Entry[] = readdirSync(join(root, 'packages')).flatMap((pkg) => {
  const manifest = JSON.parse(readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8')) as {
    exports: Record<string, string | Record<string, string>>;
  };
  return Object.entries(manifest.exports).flatMap(([subpath, entry]) => {
    const source = typeof entry === 'string' ? undefined : entry['@framewise/source'];
    if (source === undefined || subpath === './testing') return [];
    return [{ pkg, subpath, file: join(root, 'packages', pkg, source) }];
  });
});

const UNKNOWN = 'definitelyNotAnOption';

/** What calling a factory threw (or, for an async factory, rejected with); undefined if it did not fail. */
async function caught(
  fn: () => unknown,
): Promise<{ code?: unknown; message?: unknown; details?: unknown } | undefined> {
  try {
    // An async factory rejects instead of throwing; it must still do so before any I/O.
    await fn();
    return undefined;
  } catch (error) {
    return error as { code?: unknown };
  }
}

/** Every entry's exported `create*` factories, loaded once. */
const loaded = await Promise.all(
  entries.map(async (entry) => {
    const mod = (await import(entry.file)) as Record<string, unknown>;
    const factories = Object.keys(mod).filter(
      (name) => /^create[A-Z]/.test(name) && typeof mod[name] === 'function' && NO_OPTIONS[name] === undefined,
    );
    return { ...entry, mod, factories };
  }),
);

describe('factories', () => {
  it('are found', () => {
    expect(entries.length).toBeGreaterThan(5);
  });

  for (const { pkg, subpath, mod, factories } of loaded.filter((entry) => entry.factories.length > 0)) {
    describe(`${pkg} ${subpath}`, () => {
      for (const name of factories) {
        const factory = mod[name] as (...args: unknown[]) => unknown;
        const schemaName = `${name.slice('create'.length)}OptionsSchema`;
        const call = (options: unknown) => (CALL[name] ?? ((f, o) => f(o)))(factory, options);

        it(`${name} has an exported ${schemaName}`, () => {
          const schema = mod[schemaName] as { safeParse?: unknown } | undefined;
          expect(typeof schema?.safeParse, `${subpath} exports no ${schemaName}`).toBe('function');
        });

        it(`${name} refuses an unknown option with INVALID_CONFIG naming it`, async () => {
          const error = await caught(() => call({ [UNKNOWN]: true }));
          expect(error?.code, `${name} accepted an unknown option`).toBe('INVALID_CONFIG');
          expect(JSON.stringify([error?.message, error?.details])).toContain(UNKNOWN);
        });

        it(`${name} refuses ill-typed options with INVALID_CONFIG`, async () => {
          expect((await caught(() => call(42)))?.code).toBe('INVALID_CONFIG');
          expect((await caught(() => call({ logger: 'loud' })))?.code).toBe('INVALID_CONFIG');
        });
      }
    });
  }
});
