import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Catalog, createCatalog } from '@framewise/core/catalog';
import { FramewiseError } from '@framewise/core/errors';

/** Who the command line reads the catalog as: a global auditor (read, never write). */
export const CLI_READER = { id: 'framewise-cli', global: 'auditor' as const };

/** An open catalog and how to close it. */
export interface OpenCatalog {
  readonly catalog: Catalog;
  readonly describe: string;
  close(): Promise<void>;
}

/**
 * Open the catalog a command names with `--catalog` (or `$FRAMEWISE_CATALOG`): a `postgres://` or
 * `postgresql://` URL, or an existing embedded PGlite directory. The store modules are imported
 * here, on first use, so commands that need no catalog never load them.
 */
export async function openCatalog(spec: string | undefined): Promise<OpenCatalog> {
  const value = spec ?? process.env.FRAMEWISE_CATALOG;
  if (value === undefined || value === '')
    throw new FramewiseError('INVALID_INPUT', 'This command needs a catalog: pass --catalog <dir|postgres-url>', {
      details: { fix: 'pass --catalog with a PGlite directory or a postgres:// URL, or set FRAMEWISE_CATALOG' },
    });
  if (/^postgres(ql)?:\/\//i.test(value)) {
    const { createPostgresCatalogStore } = await import('@framewise/adapters-storage/postgres');
    const store = createPostgresCatalogStore({ connectionString: value, migrate: false, maxConnections: 2 });
    return { catalog: createCatalog({ store }), describe: 'PostgreSQL', close: () => store.close() };
  }
  // A PGlite directory that does not exist would be created empty: refuse it instead.
  const isDir = await stat(value).then(
    (s) => s.isDirectory(),
    () => false,
  );
  const hasDb =
    isDir &&
    (await stat(join(value, 'PG_VERSION')).then(
      () => true,
      () => false,
    ));
  if (!hasDb)
    throw new FramewiseError('NOT_FOUND', `Catalog directory ${JSON.stringify(value)} is not a PGlite database`, {
      details: { catalog: value, fix: 'pass the directory a Framewise catalog on PGlite was created in' },
    });
  const { createPGliteCatalogStore } = await import('@framewise/adapters-storage/pglite');
  const store = createPGliteCatalogStore({ dataDir: value, migrate: false });
  return { catalog: createCatalog({ store }), describe: `PGlite ${value}`, close: () => store.close() };
}

/** Open a catalog, run `work`, and close it whatever happens. */
export async function withCatalog<T>(spec: string | undefined, work: (catalog: Catalog) => Promise<T>): Promise<T> {
  const open = await openCatalog(spec);
  try {
    return await work(open.catalog);
  } finally {
    await open.close();
  }
}
