/**
 * `@framewise/adapters-storage/pglite`: the catalog store on embedded PGlite (PostgreSQL compiled
 * to WebAssembly), durable in a directory, with the same SQL and migrations as the PostgreSQL
 * store. No server to run: the demo's default.
 *
 * @module
 */

import { mkdir } from 'node:fs/promises';
import type { PGlite } from '@electric-sql/pglite';
import { parseOptions } from '@framewise/core/adapter-kit';
import type { CatalogStore } from '@framewise/core/catalog';
import { FramewiseError, isFramewiseError } from '@framewise/core/errors';
import { z } from 'zod';
import { loadPGlite } from '../peers.js';
import { type SqlDriver, schemaIdentifier } from '../sql/driver.js';
import { createSqlCatalogStore } from '../sql/sql-catalog-store.js';
import { type ClosableDistributionStore, createSqlDistributionStore } from '../sql/sql-distribution-store.js';
import { lockDataDir } from './dir-lock.js';

/**
 * Whether a value is an open PGlite database: checked by shape, since `@electric-sql/pglite` is an
 * optional peer that is not imported until the store is first used.
 */
function isPGlite(v: unknown): v is PGlite {
  const db = v as Partial<Record<'query' | 'exec' | 'transaction' | 'close', unknown>> | null;
  return (
    typeof db === 'object' &&
    db !== null &&
    typeof db.query === 'function' &&
    typeof db.exec === 'function' &&
    typeof db.transaction === 'function' &&
    typeof db.close === 'function'
  );
}

/** Options for {@link createPGliteCatalogStore}. */
export const PGliteCatalogStoreOptionsSchema = z
  .strictObject({
    /** Directory that holds the database; created if missing. Omit for a database in memory. */
    dataDir: z.string().min(1).optional(),
    /** Or an open PGlite instance (the host keeps ownership: `close()` does not close it). */
    db: z.custom<PGlite>(isPGlite, { message: 'must be a PGlite instance' }).optional(),
    /** Schema holding Framewise's tables; default `framewise`. */
    schema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier')
      .default('framewise'),
    /** Apply pending migrations on first use; default true. */
    migrate: z.boolean().default(true),
  })
  .refine((o) => !(o.dataDir !== undefined && o.db !== undefined), { message: 'give dataDir or db, not both' });
/** Options for {@link createPGliteCatalogStore}. */
export type PGliteCatalogStoreOptions = z.input<typeof PGliteCatalogStoreOptionsSchema>;

function pgliteDriver(open: () => Promise<PGlite>, owned: boolean, release?: () => Promise<void>): SqlDriver {
  let db: Promise<PGlite> | undefined;
  const get = () => {
    db ??= open();
    return db;
  };
  return {
    query: async (text, params) => (await get()).query(text, params as unknown[]) as never,
    async transaction(fn) {
      return (await get()).transaction((tx) =>
        fn({ query: async (text, params) => tx.query(text, params as unknown[]) as never }),
      );
    },
    async close() {
      // A database that never opened (a bad directory, PGlite not installed) has nothing to close.
      const open = owned ? await db?.catch(() => undefined) : undefined;
      await open?.close();
      await release?.();
    },
  };
}

/**
 * A catalog store on embedded PGlite: the PostgreSQL store's SQL and migrations, in-process,
 * durable in `dataDir`. One process at a time may open a directory: a lock file
 * (`framewise.lock`, with the holder's pid and host) refuses a second with `CONFLICT` naming the
 * holder; a lock left by a process that died is taken over.
 *
 * @example
 * ```ts
 * const store = createPGliteCatalogStore({ dataDir: './framewise-data/catalog' });
 * ```
 */
export function createPGliteCatalogStore(options: PGliteCatalogStoreOptions = {}): CatalogStore {
  const o = parseOptions(PGliteCatalogStoreOptionsSchema, options, 'PGlite catalog store options');
  return createSqlCatalogStore({
    name: 'pglite',
    driver: driverFor(o),
    schema: schemaIdentifier(o.schema),
    capabilities: { durable: o.dataDir !== undefined, multiProcess: false },
    migrate: o.migrate,
  });
}

/** The injected database, or one opened on first use in `dataDir` (closed by `close()`). */
function driverFor(o: z.output<typeof PGliteCatalogStoreOptionsSchema>): SqlDriver {
  const injected = o.db;
  const dataDir = o.dataDir;
  let release: (() => Promise<void>) | undefined;
  const open =
    injected !== undefined
      ? async () => injected
      : async () => {
          const { PGlite } = await loadPGlite();
          try {
            if (dataDir !== undefined) {
              await mkdir(dataDir, { recursive: true });
              release = await lockDataDir(dataDir);
            }
            return await PGlite.create(dataDir);
          } catch (error) {
            if (isFramewiseError(error)) throw error;
            await release?.();
            throw new FramewiseError(
              'INVALID_CONFIG',
              `PGlite data directory ${JSON.stringify(dataDir ?? 'memory')} cannot be opened: ${(error as Error).message}`,
              { cause: error, details: { dataDir } },
            );
          }
        };
  return pgliteDriver(open, injected === undefined, () => release?.() ?? Promise.resolve());
}

/** Options for {@link createPGliteDistributionStore}: the same as the catalog store's. */
export const PGliteDistributionStoreOptionsSchema = PGliteCatalogStoreOptionsSchema;
/** Options for {@link createPGliteDistributionStore}. */
export type PGliteDistributionStoreOptions = PGliteCatalogStoreOptions;

/**
 * Distribution records on embedded PGlite, durable in `dataDir`. To keep them beside the catalog,
 * open one PGlite and pass it as `db` to both stores (one process at a time may open a directory).
 *
 * @example
 * ```ts
 * const db = await PGlite.create('./framewise-data/db');
 * const catalogStore = createPGliteCatalogStore({ db });
 * const records = createPGliteDistributionStore({ db });
 * ```
 */
export function createPGliteDistributionStore(options: PGliteDistributionStoreOptions = {}): ClosableDistributionStore {
  const o = parseOptions(PGliteDistributionStoreOptionsSchema, options, 'PGlite distribution store options');
  return createSqlDistributionStore({
    name: 'pglite',
    driver: driverFor(o),
    schema: schemaIdentifier(o.schema),
    migrate: o.migrate,
  });
}

export type { ClosableDistributionStore } from '../sql/sql-distribution-store.js';
