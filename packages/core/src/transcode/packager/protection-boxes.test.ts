import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFramewiseError } from '../../errors/index.js';
import { DRM_SYSTEM_IDS, readProtectionBoxes } from './protection-boxes.js';

function box(type: string, ...payload: Uint8Array[]): Uint8Array {
  const size = 8 + payload.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, size);
  out.set(Buffer.from(type, 'latin1'), 4);
  let at = 8;
  for (const p of payload) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
const u32 = (n: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
};
const hex = (h: string) => new Uint8Array(Buffer.from(h.replace(/-/g, ''), 'hex'));

/** A pssh box written from the spec (ISO/IEC 23001-7 8.1), independently of the reader. */
function pssh(systemId: string, kids: string[], data: Uint8Array): Uint8Array {
  return box(
    'pssh',
    new Uint8Array([1, 0, 0, 0]),
    hex(systemId),
    u32(kids.length),
    ...kids.map(hex),
    u32(data.length),
    data,
  );
}

describe('readProtectionBoxes', () => {
  it('reads pssh (v1, KIDs, data) and an encv sample entry (frma, schm, tenc v1 pattern, constant IV)', () => {
    const kid = '0123456789abcdef0123456789abcdef';
    const tenc = box(
      'tenc',
      new Uint8Array([1, 0, 0, 0, 0, 0x19, 1, 0]),
      hex(kid),
      new Uint8Array([16]),
      hex('00'.repeat(16)),
    );
    const sinf = box(
      'sinf',
      box('frma', Buffer.from('avc1')),
      box('schm', new Uint8Array(4), Buffer.from('cbcs'), u32(0x10000)),
      box('schi', tenc),
    );
    const encv = box('encv', new Uint8Array(78), sinf);
    const stsd = box('stsd', new Uint8Array(4), u32(1), encv);
    const moov = box(
      'moov',
      box('trak', box('mdia', box('minf', box('stbl', stsd)))),
      pssh(DRM_SYSTEM_IDS.widevine, [kid], new Uint8Array([1, 2, 3])),
    );
    const found = readProtectionBoxes(
      new Uint8Array([...box('ftyp', Buffer.from('iso6')), ...moov, ...box('mdat', new Uint8Array(9))]),
    );
    expect(found.pssh).toHaveLength(1);
    expect(found.pssh[0]).toMatchObject({ version: 1, systemId: DRM_SYSTEM_IDS.widevine, kids: [kid] });
    expect([...(found.pssh[0]?.data ?? [])]).toEqual([1, 2, 3]);
    expect(found.sampleEntries).toEqual([
      {
        entry: 'encv',
        originalFormat: 'avc1',
        scheme: 'cbcs',
        defaultKid: kid,
        isProtected: true,
        perSampleIvSize: 0,
        cryptByteBlock: 1,
        skipByteBlock: 9,
        constantIv: '00'.repeat(16),
      },
    ]);
  });

  it('refuses a box larger than its parent and a pssh whose KID count runs past the box', () => {
    const tooBig = box('moov', new Uint8Array(8));
    new DataView(tooBig.buffer).setUint32(0, 1000);
    expect(() => readProtectionBoxes(tooBig)).toThrow(/malformed/);
    const lying = pssh(DRM_SYSTEM_IDS.playready, [], new Uint8Array());
    new DataView(lying.buffer).setUint32(8 + 4 + 16, 0xffffffff);
    expect(() => readProtectionBoxes(lying)).toThrow(/KID count/);
  });

  it('fuzz: random bytes and mutated boxes give a result or a typed error, never a crash', () => {
    const seed = pssh(DRM_SYSTEM_IDS.widevine, ['00'.repeat(16)], new Uint8Array(4));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc
            .tuple(fc.nat(seed.length - 1), fc.integer({ min: 0, max: 255 }))
            .map(([i, v]) => Uint8Array.from(seed, (b, j) => (j === i ? v : b))),
        ),
        (bytes) => {
          try {
            readProtectionBoxes(box('moov', bytes));
          } catch (error) {
            expect(isFramewiseError(error, 'INVALID_INPUT')).toBe(true);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
