import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReferenceRights } from '../testing/rights-reference.js';
import { createRightsEngine, type TransitionTarget } from './engine.js';
import { ASSETS, documents, EPOCH, edges, MEDIA, QUERY_TERRITORIES, scope } from './random-documents.fixture.js';

// The engine against the naive evaluator written from docs/rights.md, on random documents
// (random-documents.fixture.ts) and queries on window edges.

describe('property: the engine agrees with a naive evaluator written from the docs', () => {
  it('on random documents and queries, window edges included', () => {
    const seen = { allowed: 0, denied: 0 };
    fc.assert(
      fc.property(
        documents,
        fc.array(
          fc.tuple(
            fc.constantFrom(...QUERY_TERRITORIES),
            fc.constantFrom(...MEDIA),
            fc.integer({ min: -5, max: 520 * 24 }),
            scope,
            fc.constantFrom(...ASSETS),
            fc.nat(),
          ),
          { minLength: 25, maxLength: 25 },
        ),
        (doc, queries) => {
          const engine = createRightsEngine(doc, { allowConflicts: true });
          const reference = new ReferenceRights(doc);
          for (const [territory, channel, hour, s, assetId, pick] of queries) {
            const onEdge = edges(reference, doc, territory);
            const at =
              pick % 2 === 0 && onEdge.length > 0 ? (onEdge[pick % onEdge.length] as number) : EPOCH + hour * 3_600_000;
            const got = engine.evaluate({ assetId, territory, channel, at, ...s } as never).allowed;
            const want = reference.allowed(assetId, territory, channel, at, s);
            seen[got ? 'allowed' : 'denied']++;
            if (got !== want)
              throw new Error(
                `${assetId} ${territory} ${channel} ${new Date(at).toISOString()} ${JSON.stringify(s)}: engine ${got}, reference ${want}`,
              );
          }
        },
      ),
      { numRuns: 100 },
    );
    // Not vacuous: both answers occur often.
    expect(seen.allowed).toBeGreaterThan(60);
    expect(seen.denied).toBeGreaterThan(100);
  }, 180_000);

  it('plans the transitions the naive planner finds, half-open, and back-to-back horizons equal one long one', () => {
    const targets: TransitionTarget[] = [
      { id: 'us-svod', territories: ['US'], channel: 'svod' },
      { id: 'gb-fr-fast', territories: ['GB', 'FR'], channel: 'fast' },
      { id: 'au-svod-netflix', territories: ['AU'], channel: 'svod', platform: 'netflix', format: 'HD' },
      { id: 'ws-free-fr', territories: ['WS', 'AS'], channel: 'free-tv', language: 'fr' },
    ];
    fc.assert(
      fc.property(
        documents,
        fc.integer({ min: 0, max: 400 * 24 }),
        fc.array(fc.integer({ min: 1, max: 2000 }), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        (doc, startHour, pieces, pick) => {
          const engine = createRightsEngine(doc, { allowConflicts: true });
          const reference = new ReferenceRights(doc);
          // Start on a window edge half the time: a transition exactly at `now` must be planned.
          const onEdge = edges(reference, doc, 'US').filter((t) => t % 2 === 0);
          const from =
            pick % 2 === 0 && onEdge.length > 0
              ? (onEdge[pick % onEdge.length] as number)
              : EPOCH + startHour * 3_600_000;
          const cuts = [from];
          for (const p of pieces) cuts.push((cuts[cuts.length - 1] as number) + p * 3_600_000);
          const to = cuts[cuts.length - 1] as number;
          const show = (ts: { at: { toMillis(): number }; assetId: string; targetId: string; change: string }[]) =>
            ts.map((t) => `${t.at.toMillis()} ${t.assetId} ${t.targetId} ${t.change}`);
          const long = show(engine.planTransitions(from, to - from, targets));
          const stitched = cuts
            .slice(1)
            .flatMap((end, i) => show(engine.planTransitions(cuts[i] as number, end - (cuts[i] as number), targets)));
          expect(stitched).toEqual(long);
          const naive: string[] = [];
          for (const assetId of ASSETS)
            for (const t of targets)
              for (const x of reference.transitions(assetId, t.territories, t.channel, from, to, t))
                naive.push(`${x.at} ${assetId} ${t.id} ${x.change}`);
          expect([...long].sort()).toEqual(naive.sort());
        },
      ),
      { numRuns: 60 },
    );
  }, 180_000);
});
