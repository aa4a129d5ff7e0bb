/**
 * `@framewise/adapters-storage/postgres`: the catalog store and the distribution record store on
 * PostgreSQL (13 or later) through `pg`.
 *
 * @module
 */

import { LoggerSchema, parseOptions, silentLogger } from '@framewise/core/adapter-kit';
import type { CatalogStore } from '@framewise/core/catalog';
import type pg from 'pg';
import { z } from 'zod';
import { loadPg } from '../peers.js';
import { type SqlDriver, type SqlQueryable, schemaIdentifier } from '../sql/driver.js';
import { createSqlCatalogStore } from '../sql/sql-catalog-store.js';
import { type ClosableDistributionStore, createSqlDistributionStore } from '../sql/sql-distribution-store.js';

/**
 * Whether a value is a `pg.Pool` (or a pool of another copy of `pg`): checked by shape, since `pg`
 * is an optional peer that is not imported until the store is first used.
 */
function isPool(v: unknown): v is pg.Pool {
  const p = v as Partial<Record<'query' | 'connect' | 'end' | 'on', unknown>> | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof p.query === 'function' &&
    typeof p.connect === 'function' &&
    typeof p.end === 'function' &&
    typeof p.on === 'function'
  );
}

/** Options for {@link createPostgresCatalogStore}. */
export const PostgresCatalogStoreOptionsSchema = z
  .strictObject({
    /** An existing pool (the host keeps ownership: `close()` does not end it). */
    pool: z.custom<pg.Pool>(isPool, { message: 'must be a pg.Pool' }).optional(),
    /** Or a connection string; the store then owns its pool. */
    connectionString: z.string().min(1).optional(),
    /** Pool size when the store creates the pool; default 10. */
    maxConnections: z.number().int().min(1).max(1000).default(10),
    /** Schema holding Framewise's tables; default `framewise`. */
    schema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier')
      .default('framewise'),
    /** Apply pending migrations on first use; default true. */
    migrate: z.boolean().default(true),
    /** Where connection errors of idle pooled clients are reported (they never crash the process). */
    logger: LoggerSchema.optional(),
  })
  .refine((o) => (o.pool === undefined) !== (o.connectionString === undefined), {
    message: 'give exactly one of pool or connectionString',
  });
/** Options for {@link createPostgresCatalogStore}. */
export type PostgresCatalogStoreOptions = z.input<typeof PostgresCatalogStoreOptionsSchema>;

/** A driver over a pool made on first use (`pg` is imported then), or over an injected one. */
function poolDriver(open: () => Promise<pg.Pool>, owned: boolean): SqlDriver {
  let made: pg.Pool | undefined;
  let opening: Promise<pg.Pool> | undefined;
  // One pool however many first calls race; a failed open (pg missing) is tried again next time.
  const get = (): Promise<pg.Pool> => {
    opening ??= open().then(
      (pool) => {
        made = pool;
        return pool;
      },
      (error: unknown) => {
        opening = undefined;
        throw error;
      },
    );
    return opening;
  };
  return {
    query: async (text, params) => (await get()).query(text, params as unknown[]) as never,
    async transaction(fn) {
      const client = await (await get()).connect();
      try {
        await client.query('BEGIN');
        const queryable: SqlQueryable = {
          query: async (text, params) => client.query(text, params as unknown[]) as never,
        };
        const result = await fn(queryable);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      if (owned && made !== undefined) await made.end();
    },
  };
}

/**
 * A catalog store on PostgreSQL: versioned migrations applied on first use, one transaction per
 * mutation, writers serialised by a row lock on the audit head, GIN indexes for facets and words,
 * B-tree indexes for sorting and media-time queries. Several processes may share one database.
 *
 * @example
 * ```ts
 * const store = createPostgresCatalogStore({ connectionString: process.env.DATABASE_URL });
 * const catalog = createCatalog({ store });
 * ```
 */
export function createPostgresCatalogStore(options: PostgresCatalogStoreOptions): CatalogStore {
  const o = parseOptions(PostgresCatalogStoreOptionsSchema, options, 'PostgreSQL catalog store options');
  return createSqlCatalogStore({
    name: 'postgres',
    driver: driverFor(o),
    schema: schemaIdentifier(o.schema),
    capabilities: { durable: true, multiProcess: true },
    migrate: o.migrate,
  });
}

/** The injected pool, or one the store creates (and ends on `close()`). */
function driverFor(o: z.output<typeof PostgresCatalogStoreOptionsSchema>): SqlDriver {
  const injected = o.pool;
  if (injected !== undefined) return poolDriver(async () => injected, false);
  const logger = o.logger ?? silentLogger;
  return poolDriver(async () => {
    const { Pool } = await loadPg();
    const pool = new Pool({ connectionString: o.connectionString, max: o.maxConnections });
    // An idle client whose server goes away emits on the pool; unhandled, it would crash the host.
    pool.on('error', (error) => logger.warn({ message: error.message }, 'framewise postgres: idle connection failed'));
    return pool;
  }, true);
}

/** Options for {@link createPostgresDistributionStore}: the same as the catalog store's. */
export const PostgresDistributionStoreOptionsSchema = PostgresCatalogStoreOptionsSchema;
/** Options for {@link createPostgresDistributionStore}. */
export type PostgresDistributionStoreOptions = PostgresCatalogStoreOptions;

/**
 * Distribution records on PostgreSQL, beside the catalog (same schema, same pool if you pass one):
 * compare-and-set on the record's revision in one statement, so distributors in several processes
 * never both act on one record; lists by asset, endpoint and state use indexes.
 *
 * @example
 * ```ts
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const distributor = createDistributor({ store: createPostgresDistributionStore({ pool }), ... });
 * ```
 */
export function createPostgresDistributionStore(options: PostgresDistributionStoreOptions): ClosableDistributionStore {
  const o = parseOptions(PostgresDistributionStoreOptionsSchema, options, 'PostgreSQL distribution store options');
  return createSqlDistributionStore({
    name: 'postgres',
    driver: driverFor(o),
    schema: schemaIdentifier(o.schema),
    migrate: o.migrate,
  });
}

export type { SqlDriver, SqlQueryable } from '../sql/driver.js';
export { CATALOG_MIGRATIONS, type Migration, migrate } from '../sql/migrations.js';
export { type ClosableDistributionStore, DISTRIBUTION_MIGRATIONS } from '../sql/sql-distribution-store.js';
