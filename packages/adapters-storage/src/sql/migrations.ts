import { FramewiseError } from '@framewise/core/errors';
import type { SqlDriver } from './driver.js';

/** One versioned schema change. Applied in order, once, inside a transaction. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** SQL with `$schema` standing for the quoted schema name. */
  readonly sql: string;
}

/** The catalog schema. Text that is sorted or compared uses the C collation (code point order). */
export const CATALOG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'catalog',
    sql: `
CREATE TABLE $schema.fw_assets (
  id text COLLATE "C" PRIMARY KEY,
  project text NOT NULL,
  kind text NOT NULL,
  series_id text,
  sort_title text COLLATE "C" NOT NULL,
  created_at text COLLATE "C" NOT NULL,
  updated_at text COLLATE "C" NOT NULL,
  year integer NOT NULL,
  popularity double precision NOT NULL,
  languages text[] NOT NULL,
  tokens text[] NOT NULL,
  genres text[] NOT NULL,
  moods text[] NOT NULL,
  people text[] NOT NULL,
  rating_territories text[] NOT NULL,
  rating_keys text[] NOT NULL,
  doc jsonb NOT NULL
);
CREATE INDEX fw_assets_project ON $schema.fw_assets (project);
CREATE INDEX fw_assets_title ON $schema.fw_assets (sort_title, id);
CREATE INDEX fw_assets_created ON $schema.fw_assets (created_at, id);
CREATE INDEX fw_assets_updated ON $schema.fw_assets (updated_at, id);
CREATE INDEX fw_assets_year ON $schema.fw_assets (year, id);
CREATE INDEX fw_assets_tokens ON $schema.fw_assets USING gin (tokens);
CREATE INDEX fw_assets_genres ON $schema.fw_assets USING gin (genres);
CREATE INDEX fw_assets_moods ON $schema.fw_assets USING gin (moods);
CREATE INDEX fw_assets_people ON $schema.fw_assets USING gin (people);
CREATE INDEX fw_assets_languages ON $schema.fw_assets USING gin (languages);
CREATE INDEX fw_assets_ratings ON $schema.fw_assets USING gin (rating_keys);

CREATE TABLE $schema.fw_entities (
  kind text NOT NULL,
  id text COLLATE "C" NOT NULL,
  asset_id text NOT NULL,
  version_id text,
  rel_from text,
  rel_to text,
  doc jsonb NOT NULL,
  PRIMARY KEY (kind, id)
);
CREATE INDEX fw_entities_asset ON $schema.fw_entities (asset_id, kind);
CREATE INDEX fw_entities_version ON $schema.fw_entities (kind, version_id);
CREATE INDEX fw_entities_from ON $schema.fw_entities (kind, rel_from);
CREATE INDEX fw_entities_to ON $schema.fw_entities (kind, rel_to);

CREATE TABLE $schema.fw_annotations (
  id text COLLATE "C" PRIMARY KEY,
  asset_id text NOT NULL,
  version_id text NOT NULL,
  project text NOT NULL,
  type text NOT NULL,
  track text,
  start_frame bigint NOT NULL,
  end_frame bigint NOT NULL,
  rate_num integer NOT NULL,
  rate_den integer NOT NULL,
  start_us bigint NOT NULL,
  end_us bigint NOT NULL,
  tokens text[] NOT NULL,
  doc jsonb NOT NULL
);
CREATE INDEX fw_annotations_version ON $schema.fw_annotations (version_id, start_frame);
CREATE INDEX fw_annotations_version_time ON $schema.fw_annotations (version_id, start_us, id);
CREATE INDEX fw_annotations_time ON $schema.fw_annotations (start_us, id);
CREATE INDEX fw_annotations_asset ON $schema.fw_annotations (asset_id);
CREATE INDEX fw_annotations_tokens ON $schema.fw_annotations USING gin (tokens);

CREATE TABLE $schema.fw_leases (
  asset_id text PRIMARY KEY,
  doc jsonb NOT NULL
);

CREATE TABLE $schema.fw_audit (
  seq bigint PRIMARY KEY,
  doc jsonb NOT NULL
);
CREATE TABLE $schema.fw_audit_head (
  id integer PRIMARY KEY CHECK (id = 1),
  seq bigint NOT NULL,
  hash text NOT NULL
);
INSERT INTO $schema.fw_audit_head (id, seq, hash) VALUES (1, 0, '${'0'.repeat(64)}');
`,
  },
];

/**
 * Bring a schema up to date: create it and the migrations table if needed, then apply each
 * migration not yet recorded, in order, each in its own transaction under an advisory lock so
 * concurrent processes do not race.
 */
export async function migrate(
  driver: SqlDriver,
  schema: string,
  migrations: readonly Migration[] = CATALOG_MIGRATIONS,
): Promise<number[]> {
  const applied: number[] = [];
  const lockKey = hashKey(`framewise:${schema}`);
  for (const migration of migrations) {
    const ran = await driver.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [lockKey]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${schema}.fw_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const done = await client.query<{ version: number }>(
        `SELECT version FROM ${schema}.fw_migrations WHERE version = $1`,
        [migration.version],
      );
      if (done.rows.length > 0) return false;
      try {
        for (const statement of splitStatements(migration.sql.replaceAll('$schema', schema)))
          await client.query(statement);
      } catch (error) {
        throw new FramewiseError(
          'INTERNAL',
          `Migration ${migration.version} (${migration.name}) failed in schema ${schema}: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
      await client.query(`INSERT INTO ${schema}.fw_migrations (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
      return true;
    });
    if (ran) applied.push(migration.version);
  }
  return applied;
}

function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function hashKey(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return h;
}
