import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FileCopy } from '../file-copy.js';
import { parseTapeCopyKey, tapeCopyKey, tapeRestoreRequests } from './tape-copy.js';

describe('tape copy keys', () => {
  it('round-trip any valid location, paths with ":" included', () => {
    const segment = fc
      .string({ minLength: 1, maxLength: 12 })
      .filter((s) => !s.includes('/') && s !== '.' && s !== '..');
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Z0-9]{1,16}$/),
        fc.constantFrom('a', 'b'),
        fc.nat(),
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        (barcode, partition, startBlock, parts) => {
          const location = { barcode, partition, startBlock, path: parts.join('/') };
          expect(parseTapeCopyKey(tapeCopyKey(location))).toEqual(location);
        },
      ),
    );
    expect(parseTapeCopyKey('ltfs:TAPE01:b:7:Mix:Surround.wav')?.path).toBe('Mix:Surround.wav');
  });

  it('refuse what cannot be a tape location', () => {
    for (const bad of [
      { barcode: 'tape01', partition: 'b', startBlock: 1, path: 'a' },
      { barcode: 'TAPE01', partition: 'B', startBlock: 1, path: 'a' },
      { barcode: 'TAPE01', partition: 'b', startBlock: -1, path: 'a' },
      { barcode: 'TAPE01', partition: 'b', startBlock: 1, path: '../etc/passwd' },
      { barcode: 'TAPE01', partition: 'b', startBlock: 1, path: '/abs' },
    ])
      expect(() => tapeCopyKey(bad)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(parseTapeCopyKey('s3://bucket/key')).toBeUndefined();
    expect(parseTapeCopyKey('ltfs:TAPE01:b:1:a/../b')).toBeUndefined();
  });

  it('turn copies into restore requests, preferring a verified copy', () => {
    const sha256 = 'a'.repeat(64);
    const copy = (key: string, status: FileCopy['status']): FileCopy => ({
      fileKey: 'master',
      locationId: 'vault',
      key,
      sizeBytes: 10,
      sha256,
      status,
    });
    const requests = tapeRestoreRequests([
      copy('masters/x.mxf', 'verified'),
      copy('ltfs:TAPE01:b:100:x.mxf', 'unverified'),
      copy('ltfs:TAPE02:b:7:x.mxf', 'verified'),
      copy('ltfs:TAPE03:b:1:x.mxf', 'corrupt'),
    ]);
    expect(requests).toEqual([
      { fileKey: 'master', barcode: 'TAPE02', path: 'x.mxf', partition: 'b', startBlock: 7, sizeBytes: 10 },
    ]);
  });
});
