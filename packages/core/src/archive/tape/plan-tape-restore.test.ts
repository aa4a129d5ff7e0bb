import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LTO_SPECS, TapeTimeModel } from './lto.js';
import { estimateArrivalOrderSeconds, planTapeRestore, type TapeRestoreRequest } from './plan-tape-restore.js';

const req = (
  fileKey: string,
  barcode: string,
  startBlock: number,
  sizeBytes = 1e9,
  partition = 'b',
): TapeRestoreRequest => ({
  fileKey,
  barcode,
  path: `${fileKey}.mxf`,
  partition,
  startBlock,
  sizeBytes,
});

describe('TapeTimeModel', () => {
  it('takes the specification figures: a locate over half the tape is the average locate', () => {
    const m = new TapeTimeModel('LTO-8');
    const blocks = LTO_SPECS['LTO-8'].capacityBytes / m.blockSize;
    expect(m.locateSeconds(0, blocks / 2)).toBeCloseTo(59, 6);
    expect(m.rewindSeconds(blocks / 2)).toBeCloseTo(59, 6);
    expect(m.transferSeconds(360e6)).toBeCloseTo(1, 9);
    expect(m.mountSeconds()).toBe(10 + 15);
  });
});

describe('planTapeRestore', () => {
  it('groups by cartridge, orders by (partition, start block), one mount per cartridge', () => {
    const plan = planTapeRestore({
      requests: [
        req('f1', 'AAA001', 900),
        req('f2', 'BBB001', 5),
        req('f3', 'AAA001', 10),
        req('f4', 'AAA001', 3, 100, 'a'),
      ],
      drives: [{ index: 0, generation: 'LTO-9' }],
      cartridges: { AAA001: 'LTO-9', BBB001: 'LTO-9' },
    });
    expect(plan.mounts).toBe(2);
    const a = plan.batches.find((b) => b.barcode === 'AAA001');
    expect(a?.files.map((f) => f.fileKey)).toEqual(['f4', 'f3', 'f1']);
    expect(plan.estimatedSeconds).toBeGreaterThanOrEqual(plan.lowerBoundSeconds - 1e-9);
  });

  it('leaves the cartridge with the costliest dismount last on its drive (it is never dismounted)', () => {
    // Found by the arrival-order property: one drive, the far-reaching cartridge must go last.
    const plan = planTapeRestore({
      requests: [req('near', 'AAA001', 0, 1), req('far', 'DDD001', 9_000_000, 524_289)],
      drives: [{ index: 0, generation: 'LTO-9' }],
      cartridges: { AAA001: 'LTO-9', DDD001: 'LTO-9' },
    });
    expect(plan.batches.map((b) => b.barcode)).toEqual(['AAA001', 'DDD001']);
  });

  it('keeps a loaded cartridge on its drive without a mount', () => {
    const plan = planTapeRestore({
      requests: [req('f1', 'AAA001', 100), req('f2', 'BBB001', 100)],
      drives: [
        { index: 0, generation: 'LTO-9' },
        { index: 1, generation: 'LTO-9', loaded: 'BBB001' },
      ],
      cartridges: { AAA001: 'LTO-9', BBB001: 'LTO-9' },
    });
    expect(plan.batches.find((b) => b.barcode === 'BBB001')).toMatchObject({ drive: 1, mount: false });
    expect(plan.mounts).toBe(1);
  });

  it('sends a cartridge only to a drive that can read its generation', () => {
    const plan = planTapeRestore({
      requests: [req('f1', 'OLD001', 1), req('f2', 'NEW001', 1)],
      drives: [
        { index: 0, generation: 'LTO-9' },
        { index: 1, generation: 'LTO-8' },
      ],
      cartridges: { OLD001: 'LTO-7', NEW001: 'LTO-9' },
    });
    expect(plan.batches.find((b) => b.barcode === 'OLD001')?.drive).toBe(1);
    expect(plan.batches.find((b) => b.barcode === 'NEW001')?.drive).toBe(0);
    expect(() =>
      planTapeRestore({
        requests: [req('f1', 'OLD001', 1)],
        drives: [{ index: 0, generation: 'LTO-9' }],
        cartridges: { OLD001: 'LTO-7' },
      }),
    ).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
  });

  it('refuses a file asked twice, an unknown cartridge and a malformed request', () => {
    const base = { drives: [{ index: 0, generation: 'LTO-9' as const }], cartridges: { AAA001: 'LTO-9' as const } };
    expect(() => planTapeRestore({ ...base, requests: [req('f', 'AAA001', 1), req('f', 'AAA001', 2)] })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    expect(() => planTapeRestore({ ...base, requests: [req('f', 'ZZZ001', 1)] })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    expect(() => planTapeRestore({ ...base, requests: [{ ...req('f', 'AAA001', 1), startBlock: -1 }] })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });

  it('its estimate equals a naive replay of its batches, never beats the lower bound, and beats arrival order', () => {
    const cartridge = fc.constantFrom('AAA001', 'BBB001', 'CCC001', 'DDD001');
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ barcode: cartridge, block: fc.nat(30_000_000), size: fc.integer({ min: 1, max: 50e9 }) }),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        fc.integer({ min: 1, max: 3 }),
        (files, driveCount) => {
          const requests = files.map((f, i) => req(`f${i}`, f.barcode, f.block, f.size));
          const input = {
            requests,
            drives: Array.from({ length: driveCount }, (_, index) => ({ index, generation: 'LTO-9' as const })),
            cartridges: {
              AAA001: 'LTO-9' as const,
              BBB001: 'LTO-9' as const,
              CCC001: 'LTO-9' as const,
              DDD001: 'LTO-9' as const,
            },
          };
          const plan = planTapeRestore(input);
          expect(plan.estimatedSeconds).toBeGreaterThanOrEqual(plan.lowerBoundSeconds - 1e-6);
          expect(new Set(plan.batches.map((b) => b.barcode)).size).toBe(plan.batches.length);
          for (const b of plan.batches)
            for (let i = 1; i < b.files.length; i++)
              expect((b.files[i - 1] as TapeRestoreRequest).startBlock).toBeLessThanOrEqual(
                (b.files[i] as TapeRestoreRequest).startBlock,
              );
          // Naive replay (written from the model's definition, not the planner's code).
          const m = new TapeTimeModel('LTO-9');
          const ends = new Map<number, number>();
          for (const d of input.drives) {
            let t = 0;
            let first = true;
            let pos = 0;
            for (const b of plan.batches.filter((x) => x.drive === d.index)) {
              if (!first) t += m.rewindSeconds(pos) + m.spec.unloadSeconds + m.robotMoveSeconds;
              first = false;
              t += m.robotMoveSeconds + m.spec.loadSeconds;
              pos = 0;
              for (const f of b.files) {
                t += Math.abs(f.startBlock - pos) === 0 ? 0 : m.locateSeconds(pos, f.startBlock);
                t += f.sizeBytes / m.spec.bytesPerSecond;
                pos = f.startBlock + Math.ceil(f.sizeBytes / m.blockSize);
              }
            }
            ends.set(d.index, t);
          }
          expect(plan.estimatedSeconds).toBeCloseTo(Math.max(...ends.values()), 3);
          // With one drive no schedule can make arrival order cheaper than one sweep per cartridge.
          if (driveCount === 1)
            expect(plan.estimatedSeconds).toBeLessThanOrEqual(estimateArrivalOrderSeconds(input) + 1e-6);
        },
      ),
      { numRuns: 200 },
    );
  });
});
