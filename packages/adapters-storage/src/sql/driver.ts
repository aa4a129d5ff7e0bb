import { FramewiseError } from '@framewise/core/errors';

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

/**
 * The driver, refusing work once closed: `CONFLICT` (the resource is closed) instead of whatever
 * an ended pool or closed database would throw. Closing twice closes once.
 */
export function closable(driver: SqlDriver, what: string): SqlDriver {
  let closed: Promise<void> | undefined;
  const check = () => {
    if (closed !== undefined) throw new FramewiseError('CONFLICT', `${what} is closed`, { details: { store: what } });
  };
  return {
    query: async (text, params) => {
      check();
      return driver.query(text, params);
    },
    transaction: async (fn) => {
      check();
      return driver.transaction(fn);
    },
    close: () => {
      closed ??= driver.close();
      return closed;
    },
  };
}
