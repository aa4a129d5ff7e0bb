import { describe, expect, it } from 'vitest';
import { isFramewiseError } from '../errors/index.js';
import { createPlacementChecker, type FileCopyInput, type StorageLocationInput, threeTwoOne } from './index.js';

const SHA = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);
const locations: StorageLocationInput[] = [
  { id: 'studio-disk', tier: 'online', media: 'disk', site: 'studio', region: 'eu-west-2' },
  { id: 'studio-s3', tier: 'nearline', media: 'object', site: 'studio', region: 'eu-west-2' },
  {
    id: 'vault-tape',
    tier: 'archive',
    media: 'tape',
    site: 'vault',
    region: 'eu-west-1',
    restoreOptions: [{ name: 'courier', hours: 24, perRequest: 150 }],
  },
  {
    id: 'us-glacier',
    tier: 'deep-archive',
    media: 'object',
    site: 'aws',
    region: 'us-east-1',
    restoreOptions: [
      { name: 'Standard', hours: 12 },
      { name: 'Bulk', hours: 48 },
    ],
  },
];
const asset = { id: 'asset-1', project: 'drama', kind: 'episode' as const, genres: ['Drama'] };
const files = [{ fileKey: 'master', sizeBytes: 1000, sha256: SHA }];
const copy = (locationId: string, extra: Partial<FileCopyInput> = {}): FileCopyInput => ({
  fileKey: 'master',
  locationId,
  key: `masters/${locationId}.mov`,
  sizeBytes: 1000,
  sha256: SHA,
  status: 'verified',
  verifiedAt: '2026-11-01T00:00:00Z',
  ...extra,
});
const now = new Date('2026-11-21T00:00:00Z');
const checker = createPlacementChecker({ primarySite: 'studio', rules: [threeTwoOne()] }, locations);

describe('checkPlacement', () => {
  it('proves 3-2-1 when three verified copies span two media and one is offsite', () => {
    const report = checker.check(
      { asset, files, copies: [copy('studio-disk'), copy('studio-s3'), copy('vault-tape')] },
      now,
    );
    expect(report.violations).toEqual([]);
    expect(report.compliant).toBe(true);
    expect(report.files[0]).toMatchObject({
      fileKey: 'master',
      counted: 3,
      media: ['disk', 'object', 'tape'],
      sites: ['studio', 'vault'],
      tiers: ['archive', 'nearline', 'online'],
      rules: ['3-2-1'],
    });
  });

  it('lists each violation of a single onsite copy', () => {
    const report = checker.check({ asset, files, copies: [copy('studio-disk')] }, now);
    expect(report.compliant).toBe(false);
    expect(report.violations.map((v) => [v.kind, v.required, v.actual])).toEqual([
      ['copies', 3, 1],
      ['media', 2, 1],
      ['offsite', 1, 0],
    ]);
    expect(report.violations[0]?.message).toBe('master: 1 verified copy, rule "3-2-1" requires 3');
  });

  it('does not count unverified, corrupt or mismatched copies, and flags the latter two as integrity findings', () => {
    const report = checker.check(
      {
        asset,
        files,
        copies: [
          copy('studio-disk'),
          copy('studio-s3', { status: 'unverified' }),
          copy('vault-tape', { status: 'corrupt' }),
          copy('us-glacier', { sha256: OTHER }),
        ],
      },
      now,
    );
    const kinds = report.violations.map((v) => v.kind);
    expect(kinds).toEqual(['integrity', 'integrity', 'copies', 'media', 'offsite']);
    expect(report.violations[0]?.locationId).toBe('vault-tape');
    expect(report.violations[1]?.message).toContain('expected aaaaaaaaaaaa');
    expect(report.violations[2]?.message).toContain('not counted: studio-s3:masters/studio-s3.mov (unverified)');
    expect(report.files[0]?.copies.map((c) => c.reason)).toEqual([
      undefined,
      'unverified',
      'corrupt',
      'digest mismatch',
    ]);
  });

  it('takes one options object with a clock that dates checks given no instant', () => {
    let ms = Date.parse('2026-09-15T00:00:00Z');
    const timed = createPlacementChecker({
      policy: { primarySite: 'studio', rules: [threeTwoOne({ maxVerificationAgeDays: 30 })] },
      locations,
      clock: { now: () => ms },
    });
    const copies = [copy('studio-disk'), copy('studio-s3'), copy('vault-tape', { verifiedAt: '2026-09-01T00:00:00Z' })];
    expect(timed.check({ asset, files, copies })).toMatchObject({
      compliant: true,
      checkedAt: '2026-09-15T00:00:00.000Z',
    });
    ms = now.getTime();
    expect(timed.check({ asset, files, copies }).violations.map((v) => v.kind)).toEqual(['copies', 'offsite']);
    expect(() =>
      createPlacementChecker({ policy: { primarySite: 's', rules: [] }, locations, clok: {} } as never),
    ).toThrow(/Unrecognized key: "clok"/);
  });

  it('applies the fixity coverage target: stale verifications do not count', () => {
    const strict = createPlacementChecker(
      { primarySite: 'studio', rules: [threeTwoOne({ maxVerificationAgeDays: 30 })] },
      locations,
    );
    const copies = [copy('studio-disk'), copy('studio-s3'), copy('vault-tape', { verifiedAt: '2026-09-01T00:00:00Z' })];
    const report = strict.check({ asset, files, copies }, now);
    expect(report.violations.map((v) => v.kind)).toEqual(['copies', 'offsite']);
    expect(report.files[0]?.copies[2]?.reason).toBe('verification stale');
    expect(strict.check({ asset, files, copies }, new Date('2026-09-15T00:00:00Z')).violations).toEqual([]);
  });

  it('requires tiers and refuses copies on excluded locations, media and regions', () => {
    const policy = createPlacementChecker(
      {
        primarySite: 'studio',
        rules: [{ name: 'sovereign', minCopies: 2, requiredTiers: ['archive'], excludedRegions: ['us-east-1'] }],
      },
      locations,
    );
    const report = policy.check({ asset, files, copies: [copy('studio-disk'), copy('us-glacier')] }, now);
    expect(report.violations.map((v) => v.kind)).toEqual(['excluded', 'copies', 'tier']);
    expect(report.violations[0]?.message).toBe(
      'master: copy us-glacier:masters/us-glacier.mov is on excluded region us-east-1 (rule "sovereign")',
    );
  });

  it('scopes rules by asset and by file pattern', () => {
    const policy = createPlacementChecker(
      {
        primarySite: 'studio',
        rules: [
          threeTwoOne({ scope: { kinds: ['feature'] } }),
          { name: 'drama masters', scope: { genres: ['drama'] }, files: ['master'], minCopies: 2 },
          { name: 'proxies', files: ['rendition:*'], minCopies: 1 },
        ],
      },
      locations,
    );
    const report = policy.check(
      {
        asset,
        files: [...files, { fileKey: 'rendition:720p', sizeBytes: 10, sha256: OTHER }],
        copies: [copy('studio-disk')],
      },
      now,
    );
    expect(report.files.map((f) => f.rules)).toEqual([['drama masters'], ['proxies']]);
    expect(report.violations.map((v) => `${v.fileKey}/${v.rule}/${v.kind}`)).toEqual([
      'master/drama masters/copies',
      'rendition:720p/proxies/copies',
    ]);
  });

  it('reports copies at undeclared locations', () => {
    const report = checker.check(
      { asset, files, copies: [copy('studio-disk'), copy('studio-s3'), copy('vault-tape'), copy('somewhere')] },
      now,
    );
    expect(report.violations).toHaveLength(1);
    expect(report.violations[0]).toMatchObject({ kind: 'unknown-location', locationId: 'somewhere' });
  });

  it('refuses bad policies and inputs with typed errors naming them', () => {
    const configError = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(isFramewiseError(e, 'INVALID_CONFIG')).toBe(true);
        return (e as Error).message;
      }
      throw new Error('expected a throw');
    };
    expect(
      configError(() =>
        createPlacementChecker({ primarySite: 's', rules: [{ name: 'x', excludedLocations: ['nope'] }] }, locations),
      ),
    ).toBe('Placement rule "x" excludes location "nope", which is not declared');
    expect(
      configError(() =>
        createPlacementChecker({ primarySite: 's', rules: [threeTwoOne()] }, [
          ...locations,
          locations[0] as StorageLocationInput,
        ]),
      ),
    ).toBe('Storage location "studio-disk" is declared twice');
    expect(
      configError(() =>
        createPlacementChecker({ primarySite: 's', rules: [{ name: 'x', files: ['a*b'] }] }, locations),
      ),
    ).toContain('rules[0].files[0]');
    expect(() => checker.check({ asset, files: [...files, ...files], copies: [] })).toThrow(
      /^Placement files list "master" twice$/,
    );
    expect(() => checker.check({ asset, files, copies: [copy('studio-disk', { fileKey: 'proxy' })] })).toThrow(
      /is of file "proxy", which is not among the asset's files/,
    );
    expect(() => checker.check({ asset, files, copies: [copy('studio-disk', { sha256: 'XYZ' })] })).toThrow(
      /Placement copies is invalid: \[0\]\.sha256/,
    );
  });
});
