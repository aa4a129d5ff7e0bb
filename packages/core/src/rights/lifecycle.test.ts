import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FramewiseError } from '../errors/index.js';
import { ReferenceRights } from '../testing/rights-reference.js';
import type { DealConflict } from './conflicts.js';
import { createRightsEngine, type DealChange, type RightsEngine, type TransitionTarget } from './engine.js';
import { LayeredMap } from './layered-map.js';
import type { DealInput, RightsDocumentInput } from './model.js';
import { diffTransitions } from './planning.js';
import { ASSETS, DAY, deal, documents, EPOCH, edges, MEDIA, QUERY_TERRITORIES } from './random-documents.fixture.js';

// Amendments are incremental (only the titles the changed deal, and deals relative to its grants,
// cover are recompiled and re-checked); these properties hold them to a full rebuild of the changed
// document: the same decisions, the same conflicts, the same transition diff.

type Op = { readonly op: 'amend' | 'add' | 'remove'; readonly target: number; readonly deal: DealInput };

const ops = (count: number): fc.Arbitrary<Op[]> =>
  fc
    .array(fc.record({ op: fc.constantFrom('amend', 'add', 'remove') as fc.Arbitrary<Op['op']>, target: fc.nat() }), {
      minLength: 1,
      maxLength: count,
    })
    .chain((list) =>
      fc.tuple(
        ...list.map(({ op, target }, step) =>
          // An amended deal keeps its id and grant-id scheme (`g<d>-<k>`); an added one is new.
          deal(op === 'add' ? 10 + step : target % 4).map((d) => ({ op, target, deal: d as DealInput })),
        ),
      ),
    );

const key = (c: DealConflict) => JSON.stringify(c);
const sorted = (list: readonly DealConflict[]) => list.map(key).sort();

const TARGETS: TransitionTarget[] = QUERY_TERRITORIES.flatMap((territory) =>
  MEDIA.map((channel) => ({ id: `${channel}-${territory}`, territories: [territory], channel })),
);
const PLAN = { now: EPOCH - 30 * DAY, horizonMs: 700 * DAY, targets: TARGETS };

function build(doc: RightsDocumentInput): RightsEngine | FramewiseError {
  try {
    return createRightsEngine(doc, { allowConflicts: true });
  } catch (error) {
    if (error instanceof FramewiseError) return error;
    throw error;
  }
}

function apply(engine: RightsEngine, op: Op): DealChange | FramewiseError {
  const deals = engine.export().deals;
  try {
    if (op.op === 'remove') {
      const id = deals[op.target % deals.length]?.id as string;
      return engine.removeDeal(id, { allowConflicts: true, plan: PLAN });
    }
    if (op.op === 'amend' && deals.some((d) => d.id === op.deal.id))
      return engine.amendDeal(op.deal, { allowConflicts: true, plan: PLAN });
    return engine.addDeal(op.deal, { allowConflicts: true, plan: PLAN });
  } catch (error) {
    if (error instanceof FramewiseError) return error;
    throw error;
  }
}

describe('property: incremental amendments equal a full re-check', () => {
  it('gives the decisions, conflicts and transition diff of an engine rebuilt from the changed document', () => {
    const seen = { changes: 0, refused: 0, conflicts: 0, transitions: 0 };
    fc.assert(
      fc.property(documents, ops(3), fc.array(fc.nat(), { minLength: 40, maxLength: 40 }), (doc, steps, picks) => {
        let engine = build(doc);
        if (engine instanceof FramewiseError) return;
        for (const step of steps) {
          const before = engine;
          if (step.op === 'remove' && before.export().deals.length === 0) continue;
          const change = apply(before, step);
          if (change instanceof FramewiseError) {
            // Refused only when the changed document itself is refused.
            seen.refused++;
            const deals = before.export().deals;
            const id = step.op === 'remove' ? deals[step.target % deals.length]?.id : step.deal.id;
            const changedDeals =
              step.op === 'remove'
                ? deals.filter((d) => d.id !== id)
                : deals.some((d) => d.id === id)
                  ? step.op === 'amend'
                    ? deals.map((d) => (d.id === id ? step.deal : d))
                    : undefined
                  : [...deals, step.deal];
            if (changedDeals !== undefined)
              expect(build({ ...before.export(), deals: changedDeals } as RightsDocumentInput)).toBeInstanceOf(
                FramewiseError,
              );
            continue;
          }
          seen.changes++;
          const next = change.engine;
          const full = build(next.export());
          expect(full, String(full)).not.toBeInstanceOf(FramewiseError);
          if (full instanceof FramewiseError) return;

          // Decisions: at every window edge (and a millisecond before) and at random instants.
          const reference = new ReferenceRights(next.export());
          for (const territory of QUERY_TERRITORIES) {
            const instants = [...edges(reference, next.export(), territory), EPOCH + (picks[0] ?? 0) * 3_600_000];
            for (const [i, at] of instants.entries()) {
              const query = {
                assetId: ASSETS[(picks[i % picks.length] ?? 0) % ASSETS.length] as string,
                territory,
                channel: MEDIA[i % MEDIA.length] as (typeof MEDIA)[number],
                at,
              };
              const a = next.evaluate(query);
              const b = full.evaluate(query);
              expect([a.allowed, a.status], JSON.stringify(query)).toEqual([b.allowed, b.status]);
            }
          }

          // Conflicts: the incremental engine's and the rebuilt engine's are the same; the change
          // reports every conflict of a sold deal on the titles it affected, and the new errors are
          // exactly the errors a full re-check finds there that were not there before.
          const after = full.conflicts();
          expect(sorted(next.conflicts())).toEqual(sorted(after));
          const affected = new Set(change.affectedAssets);
          const changedId = step.op === 'remove' ? undefined : step.deal.id;
          const here = (list: readonly DealConflict[]) =>
            list.filter((c) => affected.has(c.assetId) || c.dealId === changedId);
          const reported = change.conflicts.filter(
            (c) => c.dealId !== changedId || next.export().deals.find((d) => d.id === c.dealId)?.status !== 'draft',
          );
          expect(sorted(reported)).toEqual(sorted(here(after)));
          // The same conflict: same kind, deals, grants, title, media and territories (its dates may move).
          const same = (c: DealConflict) =>
            [c.kind, c.dealId, c.assetId, c.grantId, c.media, c.otherDealId, c.otherGrantId, c.territories].join('|');
          const was = new Set(before.conflicts().map(same));
          const fresh = here(after).filter((c) => c.severity === 'error' && !was.has(same(c)));
          expect(sorted(change.newErrors.filter((c) => reported.includes(c)))).toEqual(sorted(fresh));
          // Outside the affected titles nothing changed.
          const outside = (list: readonly DealConflict[]) =>
            list.filter((c) => !affected.has(c.assetId) && c.dealId !== changedId && c.otherDealId !== changedId);
          expect(sorted(outside(after))).toEqual(sorted(outside(before.conflicts())));
          seen.conflicts += after.length;

          // Transitions: the diff equals the diff of full plans over every title.
          const whole = diffTransitions(
            before.planTransitions(PLAN.now, PLAN.horizonMs, TARGETS),
            full.planTransitions(PLAN.now, PLAN.horizonMs, TARGETS),
          );
          const show = (t: { at: { toMillis(): number }; assetId: string; targetId: string; change: string }) =>
            `${t.at.toMillis()} ${t.assetId} ${t.targetId} ${t.change}`;
          expect(change.transitions?.added.map(show).sort()).toEqual(whole.added.map(show).sort());
          expect(change.transitions?.removed.map(show).sort()).toEqual(whole.removed.map(show).sort());
          seen.transitions += whole.added.length + whole.removed.length;
          engine = next;
        }
      }),
      { numRuns: 80 },
    );
    // Not vacuous: changes apply, some are refused, conflicts and transitions come up.
    expect(seen.changes).toBeGreaterThan(80);
    expect(seen.conflicts).toBeGreaterThan(20);
    expect(seen.transitions).toBeGreaterThan(20);
  }, 600_000);
});

describe('amending a deal that already has a conflict', () => {
  it('does not count the conflict it already had as one the change brought', () => {
    const sold: DealInput = {
      id: 'sold',
      direction: 'out',
      licensor: 'us',
      licensee: 'streamer',
      assets: ['movie'],
      grants: [{ id: 'o', media: ['svod'], territories: 'GB, FR', window: { start: '2027-01-01', end: '2028-01-01' } }],
    };
    const engine = createRightsEngine(
      {
        deals: [
          {
            id: 'in',
            direction: 'in',
            licensor: 'studio',
            licensee: 'us',
            assets: ['movie'],
            grants: [{ id: 'i', media: ['svod'], territories: 'GB' }],
          },
          sold,
        ],
      },
      { allowConflicts: true },
    );
    expect(engine.conflicts().map((c) => [c.kind, c.territories])).toEqual([['not-held', ['FR']]]);
    // A new contract reference: the FR conflict was there before, so the amendment is not refused.
    const renamed = engine.amendDeal({ ...sold, contractId: 'C-2' });
    expect(renamed.newErrors).toEqual([]);
    expect(renamed.conflicts.map((c) => c.kind)).toEqual(['not-held']);
    // Selling DE as well brings a new error: refused.
    expect(() =>
      engine.amendDeal({ ...sold, grants: [{ ...sold.grants?.[0], territories: 'GB, FR, DE' }] as never }),
    ).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
  });
});

describe('removing a deal others are relative to', () => {
  it('is refused naming the deal whose holdback window is relative to its grant', () => {
    const engine = createRightsEngine({
      deals: [
        {
          id: 'svod',
          direction: 'in',
          licensor: 'studio',
          licensee: 'us',
          assets: ['movie'],
          grants: [{ id: 'svod-gb', media: ['svod'], territories: 'GB', window: { start: '2027-01-01' } }],
        },
        {
          id: 'fast',
          direction: 'in',
          licensor: 'studio',
          licensee: 'us',
          assets: ['movie'],
          grants: [{ id: 'fast-gb', media: ['fast'], territories: 'GB' }],
          holdbacks: [{ id: 'no-fast', media: ['fast'], window: { end: { after: 'svod-gb', lag: 'P2Y' } } }],
        },
      ],
    });
    expect(() => engine.removeDeal('svod')).toThrow(
      expect.objectContaining({ code: 'CONFLICT', message: expect.stringContaining('deal "fast"') }),
    );
    expect(
      engine
        .removeDeal('fast')
        .engine.export()
        .deals.map((d) => d.id),
    ).toEqual(['svod']);
  });
});

describe('LayeredMap', () => {
  it('reads like a plain map through any sequence of changes, folding its top as it grows', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.option(fc.nat())), { maxLength: 900 }), {
          maxLength: 8,
        }),
        (batches) => {
          const plain = new Map<number, number>(Array.from({ length: 1500 }, (_, i) => [i * 2, i]));
          let layered: ReadonlyMap<number, number> = new Map(plain);
          for (const batch of batches) {
            const old = layered;
            const snapshot = new Map(old);
            layered = LayeredMap.with(
              old,
              batch.map(([k, v]) => [k, v ?? undefined] as const),
            );
            for (const [k, v] of batch) {
              if (v === null) plain.delete(k);
              else plain.set(k, v);
            }
            expect(layered.size).toBe(plain.size);
            expect(new Map(layered)).toEqual(plain);
            expect([...layered.keys()].sort()).toEqual([...plain.keys()].sort());
            for (const [k] of batch) {
              expect(layered.get(k)).toBe(plain.get(k));
              expect(layered.has(k)).toBe(plain.has(k));
            }
            // The map it was derived from is unchanged.
            expect(new Map(old)).toEqual(snapshot);
            expect(old.size).toBe(snapshot.size);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
