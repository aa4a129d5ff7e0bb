/**
 * The heavy clients of this package are optional peers of the subpath that needs them: the list in
 * `src/peers.ts` matches `package.json` (optional `peerDependencies`, devDependencies for the
 * tests, never `dependencies`). `test/optional-peers.test.ts` at the repo root runs the built
 * package without them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPTIONAL_PEERS } from '../src/peers.js';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies?: Record<string, string>;
};

describe('optional peers', () => {
  it('are exactly @aws-sdk/client-s3, @aws-sdk/s3-request-presigner, @electric-sql/pglite, pg', () => {
    expect(OPTIONAL_PEERS.map((p) => p.name).sort()).toEqual([
      '@aws-sdk/client-s3',
      '@aws-sdk/s3-request-presigner',
      '@electric-sql/pglite',
      'pg',
    ]);
  });

  it.each(OPTIONAL_PEERS.map((p) => [p.name, p] as const))(
    '%s is an optional peer with the range the error names, never a dependency',
    (name, peer) => {
      expect(manifest.dependencies?.[name]).toBeUndefined();
      expect(manifest.peerDependencies?.[name]).toBe(peer.range);
      expect(manifest.peerDependenciesMeta?.[name]?.optional).toBe(true);
      expect(manifest.devDependencies?.[name]).toBe('catalog:');
      expect(peer.subpath.startsWith(`${manifest.name}/`)).toBe(true);
    },
  );
});
