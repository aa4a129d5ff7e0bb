import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFramewiseError } from '../errors/index.js';
import { CATALOG_LIMITS, checkArguments, checkBatch } from './limits.js';

/** A naive recursive oracle of "plain JSON data every store can keep". */
function storable(value: unknown, depth: number): boolean {
  if (value === null || value === undefined || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  // Unpaired surrogates do not survive a UTF-8 round trip (they become U+FFFD).
  if (typeof value === 'string')
    return !value.includes('\u0000') && Buffer.from(value, 'utf8').toString('utf8') === value;
  if (typeof value !== 'object') return false;
  if (depth >= CATALOG_LIMITS.maxArgumentDepth) return false;
  // JSON would turn a hole or an undefined item into null: refused rather than changed.
  if (Array.isArray(value)) return Array.from(value).every((v) => v !== undefined && storable(v, depth + 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.entries(value).every(([k, v]) => k !== '__proto__' && storable(k, 0) && storable(v, depth + 1));
}

describe('checkArguments', () => {
  it('agrees with a naive oracle on arbitrary values', () => {
    const text = fc.string({ unit: 'binary' });
    const value = fc.anything({
      key: text,
      values: [text, fc.double(), fc.bigInt(), fc.boolean(), fc.constant(null), fc.constant(undefined)],
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withBigInt: true,
      withSparseArray: true,
      maxDepth: 4,
    });
    fc.assert(
      fc.property(value, (v) => {
        let refused = false;
        try {
          checkArguments('test', [v]);
        } catch (error) {
          expect(isFramewiseError(error, 'INVALID_INPUT')).toBe(true);
          refused = true;
        }
        expect(refused).toBe(!storable(v, 0));
      }),
      { numRuns: 400 },
    );
  }, 60_000);

  it('refuses cycles and very deep values without overflowing the stack', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => checkArguments('test', [cyclic])).toThrow(/deeper than 40/);
    let deep: unknown = 0;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(() => checkArguments('test', [deep])).toThrow(/deeper than 40/);
  });

  it('checks a full batch of annotations in linear time', () => {
    const batch = Array.from({ length: CATALOG_LIMITS.maxBatch }, (_, i) => ({
      id: `a${i}`,
      type: 'note',
      start: i,
      duration: 1,
      text: 'Some transcript line of moderate length',
      data: { a: [1, 2, 3], b: { c: 'd' } },
      provenance: { kind: 'person', id: 'ana' },
      flags: ['x'],
    }));
    // About 15 ms once warm; super-linear checking would run into the test's timeout (no timing assertion).
    expect(() => checkArguments('addAnnotations', [{ id: 'ana' }, 'v1', batch, {}])).not.toThrow();
    expect(() => checkBatch<{ id: string }>(batch, 'Annotations', (a) => a.id)).not.toThrow();
  }, 30_000);
});
