import { createMemoryCatalogStore } from '@framewise/core';
import { type PostgresServer, startPostgres } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPGliteCatalogStore } from '../src/pglite/index.js';
import { createPostgresCatalogStore } from '../src/postgres/index.js';
import { adversarialSuite, refusals } from './catalog-adversarial-suite.js';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

adversarialSuite('memory', () => createMemoryCatalogStore());
adversarialSuite('pglite', () => createPGliteCatalogStore());
adversarialSuite('postgres', () =>
  createPostgresCatalogStore({ connectionString: server.createDatabase('adversarial') }),
);

describe('the same refusal in every store', () => {
  it('INVALID_INPUT messages are identical in memory, PGlite and PostgreSQL', () => {
    const memory = refusals.get('memory');
    const differences: string[] = [];
    for (const store of ['pglite', 'postgres']) {
      const other = refusals.get(store);
      for (const [key, message] of memory ?? []) {
        const theirs = other?.get(key);
        // Messages may name the project (it differs per store run): compare with it masked.
        const mask = (m: string | undefined, name: string) =>
          m
            ?.replaceAll(`-${name}`, '-<store>')
            .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>');
        if (mask(theirs, store) !== mask(message, 'memory'))
          differences.push(`${key}: ${message} | ${store}: ${theirs}`);
      }
    }
    expect(memory?.size).toBeGreaterThan(40);
    expect(differences).toEqual([]);
  });
});
