import { describe, expect, it } from 'vitest';
import { isFramewiseError } from '../errors/index.js';
import { createPlacementChecker, type FileCopyInput, planRestore, type StorageLocationInput } from './index.js';

const SHA = 'c'.repeat(64);
const file = { fileKey: 'master', sizeBytes: 100e9, sha256: SHA };
const locations: StorageLocationInput[] = [
  {
    id: 'glacier',
    tier: 'archive',
    media: 'object',
    site: 'aws',
    region: 'eu-west-1',
    cost: { storagePerGbMonth: 0.0036, egressPerGb: 0.09 },
    restoreOptions: [
      { name: 'Expedited', hours: 5 / 60, perGb: 0.03, perRequest: 0.01 },
      { name: 'Standard', hours: 5, perGb: 0.01 },
      { name: 'Bulk', hours: 12 },
    ],
  },
  {
    id: 'vault-tape',
    tier: 'deep-archive',
    media: 'tape',
    site: 'vault',
    region: 'eu-west-2',
    restoreOptions: [{ name: 'courier', hours: 30, perRequest: 5 }],
  },
  { id: 'studio-disk', tier: 'online', media: 'disk', site: 'studio', region: 'eu-west-2' },
];
const checker = createPlacementChecker({ primarySite: 'studio', rules: [{ name: 'any', minCopies: 1 }] }, locations);
const copy = (locationId: string, extra: Partial<FileCopyInput> = {}): FileCopyInput => ({
  fileKey: 'master',
  locationId,
  key: 'masters/low-tide.mov',
  sizeBytes: 100e9,
  sha256: SHA,
  status: 'verified',
  ...extra,
});
const now = new Date('2026-11-21T08:00:00Z');
const hoursFromNow = (h: number) => new Date(now.getTime() + h * 3_600_000);

describe('planRestore', () => {
  const copies = [copy('glacier'), copy('vault-tape')];

  it('chooses the cheapest option that meets the deadline', () => {
    const relaxed = planRestore(checker, { file, copies, deadline: hoursFromNow(72), now });
    expect(relaxed.choice).toMatchObject({ option: 'courier', hours: 30, cost: 5, meetsDeadline: true });
    expect(relaxed.readyBy).toBe('2026-11-22T14:00:00.000Z');
    const overnight = planRestore(checker, { file, copies, deadline: hoursFromNow(14), now });
    expect(overnight.choice.option).toBe('Bulk');
    expect(overnight.choice.cost).toBeCloseTo(9, 6); // 100 GB egress at 0.09
    const urgent = planRestore(checker, { file, copies, deadline: hoursFromNow(1), now });
    expect(urgent.choice).toMatchObject({ option: 'Expedited', meetsDeadline: true });
    expect(urgent.choice.cost).toBeCloseTo(12.01, 6);
    expect(urgent.candidates.map((c) => [c.option, c.meetsDeadline])).toEqual([
      ['Expedited', true],
      ['Standard', false],
      ['Bulk', false],
      ['courier', false],
    ]);
  });

  it('prefers an online copy: immediate and free', () => {
    const plan = planRestore(checker, {
      file,
      copies: [...copies, copy('studio-disk')],
      deadline: hoursFromNow(1),
      now,
    });
    expect(plan.choice).toMatchObject({ option: 'immediate', hours: 0, cost: 0 });
  });

  it('falls back to the fastest option when nothing meets the deadline', () => {
    const plan = planRestore(checker, { file, copies: [copy('vault-tape')], deadline: hoursFromNow(2), now });
    expect(plan.choice).toMatchObject({ option: 'courier', meetsDeadline: false });
  });

  it('never restores from a corrupt, unverified or mismatched copy', () => {
    const bad = [
      copy('studio-disk', { status: 'corrupt' }),
      copy('glacier', { status: 'unverified' }),
      copy('vault-tape', { sha256: 'd'.repeat(64) }),
    ];
    try {
      planRestore(checker, { file, copies: bad, deadline: hoursFromNow(1), now });
      expect.unreachable();
    } catch (e) {
      expect(isFramewiseError(e, 'NOT_FOUND')).toBe(true);
      expect((e as Error).message).toBe('No verified copy of "master" (sha256 cccccccccccc…) to restore from');
    }
  });

  it('refuses archive locations without restore options and invalid deadlines', () => {
    expect(() =>
      createPlacementChecker({ primarySite: 's', rules: [{ name: 'x' }] }, [
        { id: 'lto', tier: 'archive', media: 'tape', site: 'v', region: 'r' },
      ]),
    ).toThrow(/\[0\]\.restoreOptions: an archive or deep-archive location needs at least one restore option/);
    expect(() => planRestore(checker, { file, copies, deadline: new Date('nope') })).toThrow(
      /Restore deadline for "master" is not a valid date/,
    );
    const fromJson = { file, copies, deadline: '2026-11-22T06:00:00Z' as unknown as Date };
    expect(() => planRestore(checker, fromJson)).toThrow(/Restore deadline for "master" is not a valid date/);
  });
});
