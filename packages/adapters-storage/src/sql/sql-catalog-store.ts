import { encodeCursor } from '@framewise/core/adapter-kit';
import type { Annotation, Asset } from '@framewise/core/assets';
import type {
  AnnotationIndex,
  AnnotationSearch,
  AssetIndex,
  AssetSearch,
  AuditEvent,
  AuditHead,
  CatalogReader,
  CatalogStore,
  CatalogStoreCapabilities,
  CatalogTx,
  EntityFilter,
  EntityKind,
  EntityMap,
  Lease,
  Page,
  RecommendationSearch,
} from '@framewise/core/catalog';
import { FramewiseError, isFramewiseError, isRetryable, messageOf } from '@framewise/core/errors';
import { closable, type SqlDriver, type SqlQueryable } from './driver.js';
import { migrate } from './migrations.js';
import { annotationParams, annotationRecordsJson, assetParams, entityParams, json } from './rows.js';
import { annotationQuery, assetQuery, recommendQuery } from './search-sql.js';

type Row = Record<string, unknown>;

/** The hash before a chain's first event. */
const GENESIS_HASH = '0'.repeat(64);

/** Annotation rows per INSERT statement: the largest `addAnnotations` batch, in one statement. */
const ANNOTATION_BATCH = 10_000;

/** The annotation table's columns, in the order of `annotationParams` and `annotationRecordsJson`. */
const ANNOTATION_COLUMNS =
  'id, asset_id, version_id, project, type, track, start_frame, end_frame, rate_num, rate_den, start_us, end_us, tokens, doc';
/** The column types of one record of `annotationRecordsJson`, for `json_to_recordset`. */
const ANNOTATION_RECORD =
  'id text, asset_id text, version_id text, project text, type text, track text, start_frame bigint, end_frame bigint, rate_num integer, rate_den integer, start_us bigint, end_us bigint, tokens text[], doc jsonb';
/**
 * Insert, or rewrite an annotation of the same version (an update, a reindex); a row whose id
 * belongs to another version is left alone and not counted, which the caller turns into `CONFLICT`.
 */
const ANNOTATION_UPSERT = `ON CONFLICT (id) DO UPDATE SET type = EXCLUDED.type, track = EXCLUDED.track,
  start_frame = EXCLUDED.start_frame, end_frame = EXCLUDED.end_frame, start_us = EXCLUDED.start_us,
  end_us = EXCLUDED.end_us, tokens = EXCLUDED.tokens, doc = EXCLUDED.doc
  WHERE fw_annotations.version_id = EXCLUDED.version_id`;

/** Reads shared by transactions and the store itself. */
class SqlReader implements CatalogReader {
  constructor(
    protected readonly db: SqlQueryable,
    protected readonly s: string,
  ) {}

  async getAsset(id: string): Promise<Asset | undefined> {
    const { rows } = await this.db.query<Row>(`SELECT doc FROM ${this.s}.fw_assets WHERE id = $1`, [id]);
    return rows[0] === undefined ? undefined : json<Asset>(rows[0].doc);
  }
  async getEntity<K extends EntityKind>(kind: K, id: string): Promise<EntityMap[K] | undefined> {
    const { rows } = await this.db.query<Row>(`SELECT doc FROM ${this.s}.fw_entities WHERE kind = $1 AND id = $2`, [
      kind,
      id,
    ]);
    return rows[0] === undefined ? undefined : json<EntityMap[K]>(rows[0].doc);
  }
  async listEntities<K extends EntityKind>(kind: K, filter: EntityFilter): Promise<EntityMap[K][]> {
    const where = ['kind = $1'];
    const params: unknown[] = [kind];
    const add = (column: string, value: string | undefined) => {
      if (value === undefined) return;
      params.push(value);
      where.push(`${column} = $${params.length}`);
    };
    add('asset_id', filter.assetId);
    add('version_id', filter.versionId);
    add('rel_from', filter.from);
    add('rel_to', filter.to);
    const { rows } = await this.db.query<Row>(
      `SELECT doc FROM ${this.s}.fw_entities WHERE ${where.join(' AND ')} ORDER BY id`,
      params,
    );
    return rows.map((r) => json<EntityMap[K]>(r.doc));
  }
  async getAnnotation(id: string): Promise<Annotation | undefined> {
    const { rows } = await this.db.query<Row>(`SELECT doc FROM ${this.s}.fw_annotations WHERE id = $1`, [id]);
    return rows[0] === undefined ? undefined : json<Annotation>(rows[0].doc);
  }
  async listAnnotations(versionId: string): Promise<Annotation[]> {
    const { rows } = await this.db.query<Row>(
      `SELECT doc FROM ${this.s}.fw_annotations WHERE version_id = $1 ORDER BY start_us, id`,
      [versionId],
    );
    return rows.map((r) => json<Annotation>(r.doc));
  }
  async getLease(assetId: string): Promise<Lease | undefined> {
    const { rows } = await this.db.query<Row>(`SELECT doc FROM ${this.s}.fw_leases WHERE asset_id = $1`, [assetId]);
    return rows[0] === undefined ? undefined : json<Lease>(rows[0].doc);
  }
}

class SqlTx extends SqlReader implements CatalogTx {
  /** The server's clock, so every process judges lease expiry by one clock. */
  async now(): Promise<number> {
    const { rows } = await this.db.query<Row>(`SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS ms`);
    return Math.floor(Number((rows[0] as Row).ms));
  }
  /** Inside a write transaction the asset row is locked until the end: writers of one asset take turns. */
  override async getAsset(id: string): Promise<Asset | undefined> {
    const { rows } = await this.db.query<Row>(`SELECT doc FROM ${this.s}.fw_assets WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] === undefined ? undefined : json<Asset>(rows[0].doc);
  }
  /** The asset's project, without the row lock `getAsset` takes here. */
  async projectOf(assetId: string): Promise<string | undefined> {
    const { rows } = await this.db.query<Row>(`SELECT project FROM ${this.s}.fw_assets WHERE id = $1`, [assetId]);
    return rows[0] === undefined ? undefined : String(rows[0].project);
  }
  /**
   * Heads this transaction has locked and read ahead of `lockAuditHead` (see `insertAsset`); each
   * is handed out once, and only until this transaction appends to that chain.
   */
  readonly #lockedHeads = new Map<string, AuditHead>();
  /** One statement: create the project's head at genesis if missing, lock it, return it. */
  async lockAuditHead(project: string): Promise<AuditHead> {
    const held = this.#lockedHeads.get(project);
    if (held !== undefined) {
      this.#lockedHeads.delete(project);
      return held;
    }
    const { rows } = await this.db.query<Row>(
      `INSERT INTO ${this.s}.fw_audit_heads (project, seq, hash) VALUES ($1, 0, $2)
       ON CONFLICT (project) DO UPDATE SET project = EXCLUDED.project RETURNING seq, hash`,
      [project, GENESIS_HASH],
    );
    const row = rows[0] as Row;
    return { seq: Number(row.seq), hash: String(row.hash) };
  }
  /**
   * `INSERT … ON CONFLICT DO NOTHING`: a taken id (even one a concurrent writer inserts first)
   * writes nothing. The same statement locks and reads the project's audit head first (the event
   * of the new asset goes there next), so `createAsset` is one round trip shorter; the head stays
   * locked until the transaction ends, as `lockAuditHead` would leave it.
   */
  async insertAsset(asset: Asset, index: AssetIndex): Promise<boolean> {
    const { rows } = await this.db.query<Row>(
      `WITH h AS (
         INSERT INTO ${this.s}.fw_audit_heads (project, seq, hash) VALUES ($2, 0, $18)
         ON CONFLICT (project) DO UPDATE SET project = EXCLUDED.project RETURNING seq, hash),
       a AS (
         INSERT INTO ${this.s}.fw_assets (id, project, kind, series_id, sort_title, created_at, updated_at, year, popularity,
           languages, tokens, genres, moods, people, rating_territories, rating_keys, doc)
         SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::integer, $9::float8,
           $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::jsonb FROM h
         ON CONFLICT (id) DO NOTHING RETURNING id)
       SELECT h.seq, h.hash, (SELECT count(*) FROM a)::integer AS inserted FROM h`,
      [...assetParams(asset, index), GENESIS_HASH],
    );
    const row = rows[0] as Row;
    if (Number(row.inserted) !== 1) return false;
    this.#lockedHeads.set(asset.project, { seq: Number(row.seq), hash: String(row.hash) });
    return true;
  }
  async putAsset(asset: Asset, index: AssetIndex): Promise<void> {
    await this.db.query(
      `INSERT INTO ${this.s}.fw_assets (id, project, kind, series_id, sort_title, created_at, updated_at, year, popularity,
         languages, tokens, genres, moods, people, rating_territories, rating_keys, doc)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17::jsonb)
       ON CONFLICT (id) DO UPDATE SET project = EXCLUDED.project, kind = EXCLUDED.kind, series_id = EXCLUDED.series_id,
         sort_title = EXCLUDED.sort_title, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at, year = EXCLUDED.year,
         popularity = EXCLUDED.popularity, languages = EXCLUDED.languages, tokens = EXCLUDED.tokens, genres = EXCLUDED.genres,
         moods = EXCLUDED.moods, people = EXCLUDED.people, rating_territories = EXCLUDED.rating_territories,
         rating_keys = EXCLUDED.rating_keys, doc = EXCLUDED.doc`,
      assetParams(asset, index),
    );
  }
  async deleteAsset(id: string): Promise<void> {
    await this.db.query(`DELETE FROM ${this.s}.fw_annotations WHERE asset_id = $1`, [id]);
    await this.db.query(
      `DELETE FROM ${this.s}.fw_entities WHERE asset_id = $1
         OR (kind = 'relation' AND rel_from IN (SELECT id FROM ${this.s}.fw_entities WHERE kind = 'version' AND asset_id = $1))`,
      [id],
    );
    await this.db.query(`DELETE FROM ${this.s}.fw_leases WHERE asset_id = $1`, [id]);
    await this.db.query(`DELETE FROM ${this.s}.fw_assets WHERE id = $1`, [id]);
  }
  async putEntity<K extends EntityKind>(kind: K, record: EntityMap[K]): Promise<void> {
    const params = entityParams(kind, record);
    if (kind === 'relation') {
      const from = await this.getEntity('version', (record as EntityMap['relation']).from);
      params[2] = from?.assetId ?? null;
    }
    await this.db.query(
      `INSERT INTO ${this.s}.fw_entities (kind, id, asset_id, version_id, rel_from, rel_to, doc) VALUES ($1,$2,$3,$4,$5,$6,$7::jsonb)
       ON CONFLICT (kind, id) DO UPDATE SET asset_id = EXCLUDED.asset_id, version_id = EXCLUDED.version_id,
         rel_from = EXCLUDED.rel_from, rel_to = EXCLUDED.rel_to, doc = EXCLUDED.doc`,
      params,
    );
  }
  async deleteEntity(kind: EntityKind, id: string): Promise<void> {
    await this.db.query(`DELETE FROM ${this.s}.fw_entities WHERE kind = $1 AND id = $2`, [kind, id]);
  }
  /**
   * One statement per batch of up to 10,000 rows (a whole `addAnnotations` call): the rows travel
   * as one JSON array of objects and `json_to_recordset` turns it into typed columns, so the text is
   * parsed once and the annotation document is stored as sent. A single row (an update) is a plain
   * `VALUES` insert. Either way an id already held by an annotation of another version is refused
   * with `CONFLICT` (the upsert rewrites only rows of the same version), never overwritten — also
   * when a concurrent transaction inserts it first.
   */
  async putAnnotations(records: readonly { annotation: Annotation; index: AnnotationIndex }[]): Promise<void> {
    if (records.length === 1) {
      const [{ annotation, index }] = records as [{ annotation: Annotation; index: AnnotationIndex }];
      const { rows } = await this.db.query<Row>(
        `WITH w AS (INSERT INTO ${this.s}.fw_annotations (${ANNOTATION_COLUMNS})
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14::jsonb) ${ANNOTATION_UPSERT} RETURNING 1)
         SELECT count(*)::integer AS n FROM w`,
        annotationParams(annotation, index),
      );
      await this.#checkWritten(records, 0, 1, Number((rows[0] as Row).n));
      return;
    }
    for (let i = 0; i < records.length; i += ANNOTATION_BATCH) {
      const end = Math.min(records.length, i + ANNOTATION_BATCH);
      const { rows } = await this.db.query<Row>(
        `WITH w AS (INSERT INTO ${this.s}.fw_annotations (${ANNOTATION_COLUMNS})
           SELECT ${ANNOTATION_COLUMNS} FROM json_to_recordset($1::json) AS r(${ANNOTATION_RECORD})
           ${ANNOTATION_UPSERT} RETURNING 1)
         SELECT count(*)::integer AS n FROM w`,
        [annotationRecordsJson(records, i, end)],
      );
      await this.#checkWritten(records, i, end, Number((rows[0] as Row).n));
    }
  }
  /** Fewer rows written than sent: some id belongs to an annotation of another version. */
  async #checkWritten(
    records: readonly { annotation: Annotation }[],
    from: number,
    to: number,
    written: number,
  ): Promise<void> {
    if (written === to - from) return;
    const ids = records.slice(from, to).map((r) => r.annotation.id);
    const { rows } = await this.db.query<Row>(
      `SELECT id, version_id FROM ${this.s}.fw_annotations WHERE id = ANY($1::text[])`,
      [ids],
    );
    const mine = new Map(records.slice(from, to).map((r) => [r.annotation.id, r.annotation.versionId]));
    const taken = rows.find((r) => mine.get(String(r.id)) !== String(r.version_id));
    const id = taken === undefined ? ids[0] : String(taken.id);
    // The same answer whichever project holds the id: it reveals only that the id is taken.
    throw new FramewiseError('CONFLICT', `Annotation id "${id}" is already taken`, { details: { annotationId: id } });
  }
  async existingAnnotationIds(ids: readonly string[]): Promise<string[]> {
    const { rows } = await this.db.query<Row>(`SELECT id FROM ${this.s}.fw_annotations WHERE id = ANY($1::text[])`, [
      ids,
    ]);
    const found = new Set(rows.map((r) => String(r.id)));
    return ids.filter((id) => found.has(id));
  }
  async deleteAnnotations(ids: readonly string[]): Promise<void> {
    await this.db.query(`DELETE FROM ${this.s}.fw_annotations WHERE id = ANY($1::text[])`, [ids]);
  }
  async putLease(lease: Lease): Promise<void> {
    await this.db.query(
      `INSERT INTO ${this.s}.fw_leases (asset_id, doc) VALUES ($1, $2::jsonb) ON CONFLICT (asset_id) DO UPDATE SET doc = EXCLUDED.doc`,
      [lease.assetId, JSON.stringify(lease)],
    );
  }
  async deleteLease(assetId: string): Promise<void> {
    await this.db.query(`DELETE FROM ${this.s}.fw_leases WHERE asset_id = $1`, [assetId]);
  }
  /** By the partial index on (project, operationId) of migration 3. */
  async findAuditByOperation(project: string, operationId: string): Promise<AuditEvent | undefined> {
    const { rows } = await this.db.query<Row>(
      `SELECT doc FROM ${this.s}.fw_audit WHERE project = $1 AND doc->>'operationId' = $2 LIMIT 1`,
      [project, operationId],
    );
    return rows[0] === undefined ? undefined : json<AuditEvent>(rows[0].doc);
  }
  /** One statement: the event and its chain's head move together. */
  async appendAudit(event: AuditEvent): Promise<void> {
    this.#lockedHeads.delete(event.project);
    await this.db.query(
      `WITH e AS (INSERT INTO ${this.s}.fw_audit (project, seq, doc) VALUES ($1, $2, $3::jsonb))
       UPDATE ${this.s}.fw_audit_heads SET seq = $2, hash = $4 WHERE project = $1`,
      [event.project, event.seq, JSON.stringify(event), event.hash],
    );
  }
}

/** SQLSTATEs worth a retry (serialization, deadlock, lock timeout, idle-in-transaction timeout, too
 * many connections, shutdown, connection); a
 * lost socket is judged by the one retry rule, `isRetryable`. */
const TRANSIENT_CODES = new Set([
  '40001',
  '40P01',
  '55P03',
  '25P03',
  '53300',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
]);
const CONFIG_CODES = new Set(['3D000', '3F000', '42P01', '42703']);
const AUTH_CODES = new Set(['28000', '28P01', '42501']);

/** A database error as a FramewiseError: retryable, configuration, credentials, conflict or internal. */
export function translateSqlError(error: unknown, store: string, what = 'Catalog store'): FramewiseError {
  if (isFramewiseError(error)) return error;
  const code = String((error as { code?: unknown })?.code ?? '');
  const message = `${what} "${store}": ${messageOf(error)}`;
  const options = { cause: error, details: { store, sqlState: code } };
  if (TRANSIENT_CODES.has(code) || isRetryable(error)) return new FramewiseError('TRANSIENT', message, options);
  if (CONFIG_CODES.has(code))
    return new FramewiseError('INVALID_CONFIG', `${message} (are migrations applied?)`, options);
  if (AUTH_CODES.has(code)) return new FramewiseError('AUTH', message, options);
  if (code === '23505') return new FramewiseError('CONFLICT', message, options);
  // Data exceptions (class 22: NUL in text, invalid UTF-8, out-of-range numbers) and a statement
  // too deep for the server (54001) are input the catalog should have refused: say so.
  if (code.startsWith('22') || code === '54001') return new FramewiseError('INVALID_INPUT', message, options);
  return new FramewiseError('INTERNAL', message, options);
}

/** Options for {@link createSqlCatalogStore}. */
export interface SqlCatalogStoreOptions {
  readonly name: string;
  readonly driver: SqlDriver;
  /** Quoted schema identifier. */
  readonly schema: string;
  readonly capabilities: CatalogStoreCapabilities;
  /** Apply migrations before first use; default true. */
  readonly migrate: boolean;
}

/** A catalog store over any {@link SqlDriver}: the shared core of the PostgreSQL and PGlite stores. */
export function createSqlCatalogStore(options: SqlCatalogStoreOptions): CatalogStore {
  const raw = closable(options.driver, `Catalog store "${options.name}"`);
  const s = options.schema;
  const wrap = <T>(run: () => Promise<T>): Promise<T> =>
    run().catch((error: unknown) => Promise.reject(translateSqlError(error, options.name)));
  const driver: SqlDriver = {
    query: (text, params) => wrap(() => raw.query(text, params)),
    transaction: (fn) => wrap(() => raw.transaction(fn)),
    close: () => raw.close(),
  };
  let ready: Promise<void> | undefined;
  const init = (): Promise<void> => {
    ready ??= options.migrate
      ? migrate(driver, s).then(
          () => undefined,
          (error: unknown) => {
            ready = undefined;
            throw error;
          },
        )
      : Promise.resolve();
    return ready;
  };
  const reader = new SqlReader(driver, s);
  const read =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await init();
      return fn(...args);
    };
  const page = <T>(rows: Row[], limit: number, item: (r: Row) => T, cursor: (r: Row) => unknown): Page<T> => {
    const items = rows.slice(0, limit).map(item);
    return rows.length > limit ? { items, next: encodeCursor(cursor(rows[limit - 1] as Row)) } : { items };
  };

  return {
    name: options.name,
    capabilities: options.capabilities,
    async transaction<T>(fn: (tx: CatalogTx) => Promise<T>): Promise<T> {
      await init();
      // A deadlock between two projects' chains (or a serialization failure) is retried: the
      // mutation is rerun from the start on a fresh transaction.
      for (let attempt = 1; ; attempt++) {
        try {
          return await driver.transaction((client) => fn(new SqlTx(client, s)));
        } catch (error) {
          const state = (error as { details?: { sqlState?: string } }).details?.sqlState;
          if (attempt >= 3 || (state !== '40P01' && state !== '40001')) throw error;
        }
      }
    },
    getAsset: read((id: string) => reader.getAsset(id)),
    getEntity: read(<K extends EntityKind>(kind: K, id: string) =>
      reader.getEntity(kind, id),
    ) as CatalogStore['getEntity'],
    listEntities: read(<K extends EntityKind>(kind: K, filter: EntityFilter) =>
      reader.listEntities(kind, filter),
    ) as CatalogStore['listEntities'],
    getAnnotation: read((id: string) => reader.getAnnotation(id)),
    listAnnotations: read((versionId: string) => reader.listAnnotations(versionId)),
    getLease: read((assetId: string) => reader.getLease(assetId)),

    async searchAssets(q: AssetSearch): Promise<Page<Asset>> {
      await init();
      const { text, params } = assetQuery(s, q);
      const { rows } = await driver.query<Row>(text, params);
      return page(
        rows,
        q.limit,
        (r) => json<Asset>(r.doc),
        (r) => ({ value: q.sortField === 'productionYear' ? Number(r.sv) : String(r.sv), id: String(r.id) }),
      );
    },
    async findAnnotations(q: AnnotationSearch): Promise<Page<Annotation>> {
      await init();
      const { text, params } = annotationQuery(s, q);
      const { rows } = await driver.query<Row>(text, params);
      return page(
        rows,
        q.limit,
        (r) => json<Annotation>(r.doc),
        (r) => ({ startUs: Number(r.start_us), id: String(r.id) }),
      );
    },
    async recommend(q: RecommendationSearch): Promise<string[]> {
      await init();
      const { text, params } = recommendQuery(s, q);
      const { rows } = await driver.query<Row>(text, params);
      return rows.map((r) => String(r.id));
    },
    async readAudit(project: string, fromSeq: number, limit: number): Promise<AuditEvent[]> {
      await init();
      const { rows } = await driver.query<Row>(
        `SELECT seq, doc FROM ${s}.fw_audit WHERE project = $1 AND seq >= $2 ORDER BY seq LIMIT $3`,
        [project, fromSeq, limit],
      );
      // The row's position is the event's place in the chain: an event moved to another row (its
      // document copied or swapped by direct SQL) is read at that place, so verification sees it there.
      return rows.map((r) => ({ ...json<AuditEvent>(r.doc), seq: Number(r.seq) }));
    },
    async auditHeads(): Promise<Record<string, AuditHead>> {
      await init();
      const { rows } = await driver.query<Row>(`SELECT project, seq, hash FROM ${s}.fw_audit_heads ORDER BY project`);
      const heads: Record<string, AuditHead> = {};
      for (const r of rows) heads[String(r.project)] = { seq: Number(r.seq), hash: String(r.hash) };
      return heads;
    },
    async auditProjects(): Promise<string[]> {
      await init();
      const { rows } = await driver.query<Row>(
        `SELECT project FROM ${s}.fw_audit_heads UNION SELECT DISTINCT project FROM ${s}.fw_audit ORDER BY 1`,
      );
      return rows.map((r) => String(r.project));
    },
    close: () => driver.close(),
  };
}
