import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { identifyBytes, signatureAgrees } from './identify.js';

const bytes = (...parts: (number[] | string)[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

describe('identifyBytes', () => {
  it('names containers by their signatures', () => {
    expect(identifyBytes(bytes([0, 0, 0, 0x14], 'ftypqt  ', [0, 0, 0, 0])).family).toBe('quicktime');
    expect(identifyBytes(bytes([0, 0, 0, 0x14], 'ftypisom', [0, 0, 0, 0])).family).toBe('mp4');
    expect(identifyBytes(bytes([0, 0, 0, 8], 'wide', [0, 0, 0, 8], 'mdat')).family).toBe('quicktime');
    const mxf = [0x06, 0x0e, 0x2b, 0x34, 0x02, 0x05, 0x01, 0x01, 0x0d, 0x01, 0x02, 0x01, 0x01, 0x02, 0x04, 0x00];
    expect(identifyBytes(bytes(mxf)).family).toBe('mxf');
    expect(identifyBytes(bytes(new Array(300).fill(0), mxf)).evidence).toMatch(/byte 300/);
    expect(identifyBytes(bytes([0x1a, 0x45, 0xdf, 0xa3, 0x01])).family).toBe('matroska');
    const ts = new Array(188 * 3).fill(0xff);
    ts[0] = ts[188] = ts[376] = 0x47;
    expect(identifyBytes(new Uint8Array(ts)).family).toBe('mpeg-ts');
    expect(identifyBytes(bytes([0, 0, 1, 0xba, 0x44])).family).toBe('mpeg-ps');
    expect(identifyBytes(bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt ')).family).toBe('wav');
    expect(identifyBytes(bytes('RF64', [0, 0, 0, 0], 'WAVEds64')).family).toBe('wav');
    expect(identifyBytes(bytes('RIFF', [0, 0, 0, 0], 'AVI LIST')).family).toBe('avi');
    expect(identifyBytes(bytes('hello world, not media')).family).toBe('unknown');
    expect(identifyBytes(new Uint8Array()).family).toBe('unknown');
  });

  it('never throws on arbitrary bytes (fuzz)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (b) => {
        const r = identifyBytes(b);
        expect(typeof r.family).toBe('string');
        expect(r.mimeType).toMatch(/^[a-z]+\/[a-z0-9.+-]+$/);
      }),
      { numRuns: 300 },
    );
  });

  it('says whether ffprobe agrees', () => {
    expect(signatureAgrees(identifyBytes(bytes([0, 0, 0, 0x14], 'ftypqt  ')), 'mov')).toBe(true);
    expect(signatureAgrees(identifyBytes(bytes([0x1a, 0x45, 0xdf, 0xa3])), 'mxf')).toBe(false);
    expect(signatureAgrees(identifyBytes(bytes('xx')), 'mov')).toBeUndefined();
  });
});
