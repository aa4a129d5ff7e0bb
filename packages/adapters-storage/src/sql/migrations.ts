import { FramewiseError } from '@framewise/core/errors';
import { type SqlDriver, type SqlQueryable, schemaIdentifier } from './driver.js';

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
  {
    version: 2,
    name: 'project audit chains and interval index',
    // The single global chain (version 1) is kept read-only as fw_audit_v1 / fw_audit_head_v1;
    // new events go to one chain per project. See docs/catalog.md, "Upgrading".
    sql: `
ALTER TABLE $schema.fw_audit RENAME TO fw_audit_v1;
ALTER INDEX $schema.fw_audit_pkey RENAME TO fw_audit_v1_pkey;
ALTER TABLE $schema.fw_audit_head RENAME TO fw_audit_head_v1;
CREATE TABLE $schema.fw_audit (
  project text COLLATE "C" NOT NULL,
  seq bigint NOT NULL,
  doc jsonb NOT NULL,
  PRIMARY KEY (project, seq)
);
CREATE TABLE $schema.fw_audit_heads (
  project text COLLATE "C" PRIMARY KEY,
  seq bigint NOT NULL,
  hash text NOT NULL
);
CREATE INDEX fw_annotations_span ON $schema.fw_annotations USING gist (
  box(point(start_frame, ('x' || substr(md5(version_id), 1, 8))::bit(32)::integer),
      point(end_frame, ('x' || substr(md5(version_id), 1, 8))::bit(32)::integer)));
`,
  },
  {
    version: 3,
    name: 'audit events by operation id',
    // At most one event per operation in a project's chain (a retried job records once), found by index.
    sql: `
CREATE UNIQUE INDEX fw_audit_operation ON $schema.fw_audit (project, (doc->>'operationId'))
  WHERE doc ? 'operationId';
`,
  },
  {
    version: 4,
    name: 'leaner annotation indexes',
    // Every annotation insert maintained seven indexes. The (version_id, start_frame) B-tree is
    // redundant since the interval index of migration 2: contains, overlaps and startsAt on a
    // version are answered by fw_annotations_span, listing a version by (version_id, start_us, id).
    sql: `
DROP INDEX $schema.fw_annotations_version;
`,
  },
];

/**
 * Bring a schema up to date, safely from several processes at once:
 *
 * 1. Without taking any lock or needing any privilege beyond reading: when every migration of this
 *    family (catalog 1-999, distribution 1001-1999) is recorded, return at once. A role that owns
 *    (or may only use) an already-migrated schema starts without `CREATE`.
 * 2. When the database records a migration of this family newer than this release knows, refuse
 *    with `INVALID_CONFIG`: a schema migrated by a newer release is not used by an older one.
 * 3. Otherwise create the schema and migrations table if needed and apply each pending migration
 *    in order, each in its own transaction, under one advisory lock whose key depends only on the
 *    schema's name (quoted or not, the store and this function take the same lock).
 *
 * `schema` may be given quoted (`"framewise"`) or not (`framewise`).
 */
export async function migrate(
  driver: SqlDriver,
  schema: string,
  migrations: readonly Migration[] = CATALOG_MIGRATIONS,
): Promise<number[]> {
  const name = schema.startsWith('"') && schema.endsWith('"') ? schema.slice(1, -1) : schema;
  const quoted = schemaIdentifier(name);
  const family = familyOf(migrations);
  const known = Math.max(...migrations.map((m) => m.version));
  const recorded = async (client: SqlQueryable): Promise<number[] | undefined> => {
    const { rows } = await client.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [
      `${quoted}.fw_migrations`,
    ]);
    if (rows[0]?.t === null || rows[0] === undefined) return undefined;
    const done = await client.query<{ version: number }>(
      `SELECT version FROM ${quoted}.fw_migrations WHERE version >= $1 AND version <= $2`,
      [family.from, family.to],
    );
    return done.rows.map((r) => Number(r.version));
  };
  const refuseNewer = (versions: readonly number[]) => {
    const newest = Math.max(0, ...versions);
    if (newest > known) {
      throw new FramewiseError(
        'INVALID_CONFIG',
        `Schema ${name} was migrated by a newer Framewise release (migration ${newest}; this release knows up to ${known}): upgrade this process, or point it at another schema`,
        { details: { schema: name, databaseVersion: newest, knownVersion: known } },
      );
    }
  };
  const before = await recorded(driver);
  if (before !== undefined) {
    refuseNewer(before);
    if (migrations.every((m) => before.includes(m.version))) return [];
  }
  const applied: number[] = [];
  const lockKey = hashKey(`framewise:${name}`);
  for (const migration of migrations) {
    const ran = await driver.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [lockKey]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoted}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${quoted}.fw_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const done = (await recorded(client)) ?? [];
      refuseNewer(done);
      if (done.includes(migration.version)) return false;
      try {
        for (const statement of splitStatements(migration.sql.replaceAll('$schema', quoted)))
          await client.query(statement);
      } catch (error) {
        throw new FramewiseError(
          'INTERNAL',
          `Migration ${migration.version} (${migration.name}) failed in schema ${name}: ${(error as Error).message}`,
          { cause: error },
        );
      }
      await client.query(`INSERT INTO ${quoted}.fw_migrations (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
      return true;
    });
    if (ran) applied.push(migration.version);
  }
  return applied;
}

/** The version range of a migration family: catalog 1-999, distribution 1001-1999, … */
function familyOf(migrations: readonly Migration[]): { from: number; to: number } {
  const first = Math.min(...migrations.map((m) => m.version));
  const from = Math.floor(first / 1000) * 1000;
  return { from, to: from + 999 };
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
