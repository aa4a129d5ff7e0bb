import type { DistributionRecord, DistributionRecordQuery, DistributionRecordStore } from '@framewise/core/delivery';
import { FramewiseError } from '@framewise/core/errors';
import { closable, type SqlDriver } from './driver.js';
import { type Migration, migrate } from './migrations.js';
import { translateSqlError } from './sql-catalog-store.js';

/**
 * The distribution records table. Its versions start at 1001 so they never collide with the
 * catalog's in the schema's shared migrations table. The record is kept as JSON text (not jsonb:
 * jsonb refuses `\u0000`, which an endpoint's error message may carry); the columns beside it are
 * what lists filter on.
 */
export const DISTRIBUTION_MIGRATIONS: readonly Migration[] = [
  {
    version: 1001,
    name: 'distribution-records',
    sql: `
CREATE TABLE $schema.fw_distribution_records (
  id text COLLATE "C" PRIMARY KEY,
  asset_id text COLLATE "C" NOT NULL,
  endpoint_id text COLLATE "C" NOT NULL,
  state text NOT NULL,
  revision integer NOT NULL,
  doc text NOT NULL
);
CREATE INDEX fw_distribution_records_endpoint ON $schema.fw_distribution_records (endpoint_id, state, id);
CREATE INDEX fw_distribution_records_asset ON $schema.fw_distribution_records (asset_id, id);
CREATE INDEX fw_distribution_records_state ON $schema.fw_distribution_records (state, id)
`,
  },
];

/** What {@link createSqlDistributionStore} needs. */
export interface SqlDistributionStoreOptions {
  /** For messages: `postgres`, `pglite`. */
  readonly name: string;
  readonly driver: SqlDriver;
  /** The quoted schema. */
  readonly schema: string;
  readonly migrate: boolean;
}

/** A distribution record store with a close for the connection it owns. */
export interface ClosableDistributionStore extends DistributionRecordStore {
  /** Release the connection pool or database the store opened itself. */
  close(): Promise<void>;
}

/**
 * Distribution records in PostgreSQL (or PGlite): compare-and-set on `revision` in one statement
 * (`UPDATE … WHERE revision = $n` / `INSERT … ON CONFLICT DO NOTHING`), so distributors in several
 * processes never both act on one record.
 */
export function createSqlDistributionStore(options: SqlDistributionStoreOptions): ClosableDistributionStore {
  const o = { ...options, driver: closable(options.driver, `Distribution store "${options.name}"`) };
  const table = `${o.schema}.fw_distribution_records`;
  let ready: Promise<unknown> | undefined;
  const init = () => {
    ready ??= (o.migrate ? migrate(o.driver, o.schema, DISTRIBUTION_MIGRATIONS) : Promise.resolve()).catch(
      (error: unknown) => {
        ready = undefined;
        throw error;
      },
    );
    return ready;
  };
  const parse = (doc: string) => JSON.parse(doc) as DistributionRecord;
  /** Run a database step, its errors typed (unreachable: TRANSIENT; no table: INVALID_CONFIG). */
  const run = async <T>(step: () => Promise<T>): Promise<T> => {
    try {
      await init();
      return await step();
    } catch (error) {
      throw translateSqlError(error, o.name, 'Distribution store');
    }
  };
  const conflict = async (record: DistributionRecord, expected: number | undefined) => {
    const found = await o.driver.query<{ revision: number }>(`SELECT revision FROM ${table} WHERE id = $1`, [
      record.id,
    ]);
    const actual = found.rows[0]?.revision;
    return new FramewiseError(
      'CONFLICT',
      `Distribution record "${record.id}" is at revision ${actual ?? 'none'}, not ${expected ?? 'none'}`,
      { details: { id: record.id, expectedRevision: expected, actual } },
    );
  };
  return {
    get: (id) =>
      run(async () => {
        const result = await o.driver.query<{ doc: string }>(`SELECT doc FROM ${table} WHERE id = $1`, [id]);
        const row = result.rows[0];
        return row === undefined ? undefined : parse(row.doc);
      }),
    put: (record, expectedRevision) =>
      run(async () => {
        const doc = JSON.stringify(record);
        const values = [record.id, record.assetId, record.endpointId, record.state, record.revision, doc];
        const result =
          expectedRevision === undefined
            ? await o.driver.query(
                `INSERT INTO ${table} (id, asset_id, endpoint_id, state, revision, doc) VALUES ($1, $2, $3, $4, $5, $6)
               ON CONFLICT (id) DO NOTHING RETURNING id`,
                values,
              )
            : await o.driver.query(
                `UPDATE ${table} SET asset_id = $2, endpoint_id = $3, state = $4, revision = $5, doc = $6
               WHERE id = $1 AND revision = $7 RETURNING id`,
                [...values, expectedRevision],
              );
        if (result.rows.length === 0) throw await conflict(record, expectedRevision);
      }),
    list: (query: DistributionRecordQuery = {}) =>
      run(async () => {
        const where: string[] = [];
        const params: unknown[] = [];
        if (query.assetId !== undefined) {
          params.push(query.assetId);
          where.push(`asset_id = $${params.length}`);
        }
        if (query.endpointId !== undefined) {
          params.push(query.endpointId);
          where.push(`endpoint_id = $${params.length}`);
        }
        if (query.states !== undefined) {
          params.push([...query.states]);
          where.push(`state = ANY($${params.length}::text[])`);
        }
        const result = await o.driver.query<{ doc: string }>(
          `SELECT doc FROM ${table}${where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`} ORDER BY id`,
          params,
        );
        return result.rows.map((row) => parse(row.doc));
      }),
    close: () => o.driver.close(),
  };
}
