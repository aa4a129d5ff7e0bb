/**
 * The XLSX libraries are optional peers of `/avails` (reading and writing CSV needs neither): the
 * list in `src/peers.ts` matches `package.json` (optional `peerDependencies`, devDependencies for
 * the tests, never `dependencies`).
 */
import { optionalPeerProblems } from '@framewise/test-support';
import { describe, expect, it } from 'vitest';
import { OPTIONAL_PEERS } from '../src/peers.js';

describe('optional peers', () => {
  it('are exactly read-excel-file and write-excel-file', () => {
    expect(OPTIONAL_PEERS.map((p) => p.name).sort()).toEqual(['read-excel-file', 'write-excel-file']);
  });

  it('are optional peers with the range the error names, never dependencies', () => {
    expect(optionalPeerProblems(new URL('../package.json', import.meta.url), OPTIONAL_PEERS)).toEqual([]);
  });
});
