/**
 * The heavy clients of this package are optional peers of the subpath that needs them: the list in
 * `src/peers.ts` matches `package.json` (optional `peerDependencies`, devDependencies for the
 * tests, never `dependencies`). `test/optional-peers.test.ts` at the repo root runs the built
 * package without them.
 */
import { optionalPeerProblems } from '@framewise/test-support';
import { describe, expect, it } from 'vitest';
import { OPTIONAL_PEERS } from '../src/peers.js';

describe('optional peers', () => {
  it('are exactly basic-ftp, ssh2', () => {
    expect(OPTIONAL_PEERS.map((p) => p.name).sort()).toEqual(['basic-ftp', 'ssh2']);
  });

  it('are optional peers with the range the error names, never dependencies', () => {
    expect(optionalPeerProblems(new URL('../package.json', import.meta.url), OPTIONAL_PEERS)).toEqual([]);
  });
});
