import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AuditEvent,
  canonicalJson,
  canonicalJsonIterative,
  diffRecords,
  GENESIS_HASH,
  hashAuditEvent,
} from './audit.js';
import { verifyAuditTrail } from './audit-verify.js';

function chain(n: number, key?: string): AuditEvent[] {
  const events: AuditEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const body = {
      seq,
      id: `e${seq}`,
      at: `2026-11-21T09:00:0${seq % 10}.000Z`,
      actor: 'ana',
      action: 'asset.update',
      target: { type: 'asset', id: 'a1' },
      project: 'drama',
      changes: [{ path: 'genres', before: [], after: [`g${seq}`] }],
      prevHash,
    };
    const hash = hashAuditEvent(body, key);
    events.push({ ...body, hash });
    prevHash = hash;
  }
  return events;
}

const kinds = async (events: AuditEvent[], options = {}) =>
  (await verifyAuditTrail(events, options)).problems.map((p) => [p.kind, p.seq]);

describe('verifyAuditTrail', () => {
  it('accepts an intact chain and reports its head', async () => {
    const events = chain(6);
    const result = await verifyAuditTrail(events);
    expect(result).toMatchObject({
      ok: true,
      checked: 6,
      head: { seq: 6, projects: { drama: { seq: 6, hash: events[5]?.hash } } },
    });
  });

  it('finds an altered event', async () => {
    const events = chain(6);
    events[2] = { ...(events[2] as AuditEvent), actor: 'mallory' };
    expect(await kinds(events)).toEqual([['altered', 3]]);
  });

  it('finds a removed event', async () => {
    const events = chain(6);
    events.splice(3, 1);
    expect(await kinds(events)).toEqual([['removed', 4]]);
  });

  it('finds an inserted event', async () => {
    const events = chain(6);
    const forged = { ...(events[1] as AuditEvent), id: 'forged', actor: 'mallory' };
    events.splice(2, 0, { ...forged, hash: hashAuditEvent(forged) });
    expect(await kinds(events)).toEqual([['inserted', 2]]);
  });

  it('finds reordered events', async () => {
    const events = chain(6);
    const a = events[2] as AuditEvent;
    const b = events[3] as AuditEvent;
    events[2] = { ...b, seq: 3 };
    events[3] = { ...a, seq: 4 };
    const problems = await kinds(events);
    expect(problems).toContainEqual(['reordered', 3]);
  });

  it('finds truncation and a rewritten chain against a recorded head', async () => {
    const events = chain(6);
    const head = (await verifyAuditTrail(events)).head;
    expect(await kinds(events.slice(0, 4), { expectedHead: head })).toEqual([['head-mismatch', 6]]);
    // A bare { seq, hash } anchor is compared as a whole.
    expect(await kinds(events.slice(0, 4), { expectedHead: { seq: head.seq, hash: head.hash } })).toEqual([
      ['head-mismatch', 6],
    ]);
    // The store's own head rows: events gone from the end of a chain are found without an anchor.
    expect(await kinds(events.slice(0, 4), { storedHeads: head.projects })).toEqual([['head-mismatch', 6]]);
    const rewritten = chain(6);
    rewritten[5] = { ...(rewritten[5] as AuditEvent), actor: 'mallory' };
    const { hash: _h, ...body } = rewritten[5] as AuditEvent;
    rewritten[5] = { ...body, hash: hashAuditEvent(body) };
    expect(await kinds(rewritten)).toEqual([]);
    expect(await kinds(rewritten, { expectedHead: head })).toEqual([['head-mismatch', 6]]);
  });

  it('with an HMAC key, a chain recomputed without the key fails', async () => {
    const keyed = chain(3, 'a-secret-key-of-length');
    expect(await kinds(keyed, { key: 'a-secret-key-of-length' })).toEqual([]);
    expect((await kinds(chain(3), { key: 'a-secret-key-of-length' })).map(([k]) => k)).toEqual([
      'altered',
      'altered',
      'altered',
    ]);
  });
});

describe('per-project chains', () => {
  it('verifies each project chain on its own, in any interleaving, and signs the anchor with the key', async () => {
    const drama = chain(3, 'k-0123456789');
    const news = chain(2, 'k-0123456789').map((e) => {
      const { hash: _h, ...body } = { ...e, project: 'news' };
      return body;
    });
    let prev = GENESIS_HASH;
    const newsChain = news.map((body) => {
      const event = { ...body, prevHash: prev };
      const hash = hashAuditEvent(event, 'k-0123456789');
      prev = hash;
      return { ...event, hash };
    });
    const mixed = [drama[0], newsChain[0], drama[1], newsChain[1], drama[2]] as AuditEvent[];
    const result = await verifyAuditTrail(mixed, { key: 'k-0123456789' });
    expect(result.problems).toEqual([]);
    expect(result.head.seq).toBe(5);
    expect(Object.keys(result.head.projects)).toEqual(['drama', 'news']);
    const unsigned = await verifyAuditTrail(
      mixed.map((e) => e),
      {},
    );
    expect(unsigned.head.hash).not.toBe(result.head.hash);
    mixed.splice(3, 1);
    expect(await kinds(mixed, { key: 'k-0123456789', expectedHead: result.head })).toEqual([['head-mismatch', 2]]);
  });
});

describe('audit helpers', () => {
  it('writes canonical JSON with sorted keys', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }, null] })).toBe('{"a":[{"d":2},null],"b":1}');
  });

  it('matches a naive recursive canonical form on random JSON', () => {
    const naive = (v: unknown): string => {
      if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
      if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : naive(x))).join(',')}]`;
      const r = v as Record<string, unknown>;
      const keys = Object.keys(r)
        .filter((k) => r[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${naive(r[k])}`).join(',')}}`;
    };
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(naive(value));
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 300 },
    );
  });

  it('writes JSON nested 100 000 deep without a stack overflow', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = i % 2 === 0 ? [deep] : { k: deep };
    const text = canonicalJson(deep);
    expect(text.length).toBe(1 + 100_000 * 2 + 50_000 * 4);
    expect(text.startsWith('{"k":[{"k":[')).toBe(true);
  });

  it('writes the same text by recursion and by the explicit stack, on either side of the recursion depth', () => {
    for (const depth of [0, 1, 198, 199, 200, 201, 202, 450]) {
      let value: unknown = { z: 'end', a: [1, undefined, null], u: undefined };
      for (let i = 0; i < depth; i++) value = i % 3 === 0 ? [value, i] : { b: value, a: `${i}` };
      expect(canonicalJson(value)).toBe(canonicalJsonIterative(value));
    }
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        expect(canonicalJson(value)).toBe(canonicalJsonIterative(value));
      }),
      { numRuns: 300 },
    );
  });

  it('diffs top-level fields, ignoring revision bookkeeping', () => {
    expect(diffRecords({ a: 1, b: [1], revision: 1 }, { a: 1, b: [2], revision: 2, c: 'x' })).toEqual([
      { path: 'b', before: [1], after: [2] },
      { path: 'c', before: null, after: 'x' },
    ]);
    expect(diffRecords(undefined, { a: 1 })).toEqual([{ path: '', before: null, after: { a: 1 } }]);
  });
});
