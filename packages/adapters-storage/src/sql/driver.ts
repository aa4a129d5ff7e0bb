/** The few SQL operations the catalog store needs, implemented over `pg` and PGlite alike. */
export interface SqlQueryable {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<{ rows: R[] }>;
}

/** A SQL connection source with transactions. */
export interface SqlDriver extends SqlQueryable {
  /** Run `fn` in one transaction on one connection; commit on success, roll back on error. */
  transaction<T>(fn: (client: SqlQueryable) => Promise<T>): Promise<T>;
  /** Release what the driver opened itself (not an injected pool or database). */
  close(): Promise<void>;
}

/** Quote a schema name after checking it is a plain lower-case identifier. */
export function schemaIdentifier(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`schema ${JSON.stringify(schema)} must be a lower-case SQL identifier`);
  }
  return `"${schema}"`;
}
