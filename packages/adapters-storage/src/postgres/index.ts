/**
 * `@framewise/adapters-storage/postgres`: the catalog store and the distribution record store on
 * PostgreSQL (13 or later) through `pg`.
 *
 * @module
 */

import { createHash } from 'node:crypto';
import { LoggerSchema, parseOptions, silentLogger } from '@framewise/core/adapter-kit';
import type { CatalogStore } from '@framewise/core/catalog';
import type pg from 'pg';
import { z } from 'zod';
import { loadPg } from '../peers.js';
import { type SqlDriver, type SqlQueryable, schemaIdentifier } from '../sql/driver.js';
import { createSqlCatalogStore } from '../sql/sql-catalog-store.js';
import { type ClosableDistributionStore, createSqlDistributionStore } from '../sql/sql-distribution-store.js';

/**
 * The part of a `pg.Pool` the stores use: `query`, and `connect` for a client with `query` and
 * `release`. Any object of this shape is accepted (a pool of the host's own copy of `pg`, a
 * wrapper), never checked with `instanceof`.
 */
export interface PoolLike {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  connect(): Promise<{ query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>; release(): void }>;
}

/** Whether a value has the {@link PoolLike} shape (checked by shape: `pg` is an optional peer). */
function isPool(v: unknown): v is PoolLike {
  const p = v as Partial<Record<'query' | 'connect', unknown>> | null;
  return typeof p === 'object' && p !== null && typeof p.query === 'function' && typeof p.connect === 'function';
}

/** Options for {@link createPostgresCatalogStore}. */
export const PostgresCatalogStoreOptionsSchema = z
  .strictObject({
    /**
     * An existing pool, or any object with its `query`/`connect` shape (the host keeps ownership:
     * `close()` does not end it).
     */
    pool: z.custom<PoolLike>(isPool, { message: 'must be a pg.Pool (an object with query and connect)' }).optional(),
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
    /**
     * How long a write waits for a row lock before failing with `TRANSIENT` (`lock_timeout`);
     * default 5 s. A writer frozen mid-transaction then holds up only writers of the same asset or
     * project, and only this long.
     */
    lockTimeoutMs: z.number().int().min(1).max(3_600_000).default(5_000),
    /**
     * How long a transaction may sit idle before the server ends it and releases its locks
     * (`idle_in_transaction_session_timeout`); default 60 s.
     */
    idleInTransactionTimeoutMs: z.number().int().min(1).max(86_400_000).default(60_000),
    /** Where connection errors of idle pooled clients are reported (they never crash the process). */
    logger: LoggerSchema.optional(),
  })
  .refine((o) => (o.pool === undefined) !== (o.connectionString === undefined), {
    message: 'give exactly one of pool or connectionString',
  });
/** Options for {@link createPostgresCatalogStore}. */
export type PostgresCatalogStoreOptions = z.input<typeof PostgresCatalogStoreOptionsSchema>;

/**
 * The name of a prepared statement for `text`: the same text gets the same name, so `pg` parses
 * it once per connection and the server plans it without parsing again.
 */
const statementNames = new Map<string, string>();
function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  // Bounded: the store's write statements are fixed texts (a few dozen per schema); past 500
  // distinct texts, new ones run unnamed.
  if (name === undefined && statementNames.size < 500) {
    name = `fw_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * A driver over a pool made on first use (`pg` is imported then), or over an injected one. With
 * the store's own pool (real `pg`), statements inside write transactions are prepared once per
 * connection (named); an injected pool-shaped object gets plain `query(text, params)` calls.
 */
function poolDriver(
  open: () => Promise<PoolLike>,
  owned: boolean,
  limits: { readonly lockTimeoutMs: number; readonly idleInTransactionTimeoutMs: number },
): SqlDriver {
  let made: PoolLike | undefined;
  let opening: Promise<PoolLike> | undefined;
  // Integers checked by the options schema; one round trip with BEGIN.
  const begin = `BEGIN; SET LOCAL lock_timeout = ${limits.lockTimeoutMs}; SET LOCAL idle_in_transaction_session_timeout = ${limits.idleInTransactionTimeoutMs}`;
  // One pool however many first calls race; a failed open (pg missing) is tried again next time.
  const get = (): Promise<PoolLike> => {
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
        await client.query(begin);
        const queryable: SqlQueryable = {
          query: async (text, params) => {
            // Only statements with parameters (never the migrations' DDL).
            const name = owned && params !== undefined && params.length > 0 ? statementName(text) : undefined;
            if (name === undefined) return client.query(text, params as unknown[]) as never;
            return (client as unknown as pg.PoolClient).query({ name, text, values: params as unknown[] }) as never;
          },
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
      if (owned && made !== undefined) await (made as pg.Pool).end();
    },
  };
}

/**
 * A catalog store on PostgreSQL: versioned migrations applied on first use, one transaction per
 * mutation, writers serialised per asset (row lock) and per project audit chain (head row lock)
 * with a lock timeout, GIN indexes for facets and words,
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
  const limits = { lockTimeoutMs: o.lockTimeoutMs, idleInTransactionTimeoutMs: o.idleInTransactionTimeoutMs };
  if (injected !== undefined) return poolDriver(async () => injected, false, limits);
  const logger = o.logger ?? silentLogger;
  return poolDriver(
    async () => {
      const { Pool } = await loadPg();
      const pool = new Pool({ connectionString: o.connectionString, max: o.maxConnections });
      // An idle client whose server goes away emits on the pool; unhandled, it would crash the host.
      pool.on('error', (error) =>
        logger.warn({ message: error.message }, 'framewise postgres: idle connection failed'),
      );
      return pool;
    },
    true,
    limits,
  );
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
