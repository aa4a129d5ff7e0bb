import { describe, expect, it } from 'vitest';
import { createCatalog, createMemoryCatalogStore } from '../catalog/index.js';
import { copiesOnVersion, type FileCopyInput, recordCopies } from './index.js';

const admin = { id: 'ops', global: 'admin' as const };
const sha = 'a'.repeat(64);
const md5 = 'b'.repeat(32);

async function seeded() {
  const catalog = createCatalog({ store: createMemoryCatalogStore() });
  await catalog.createAsset(admin, {
    id: 'lt-101',
    project: 'drama',
    kind: 'episode',
    titles: [{ language: 'en', value: 'Low Tide' }],
  });
  const version = await catalog.addVersion(admin, 'lt-101', {
    name: 'master',
    kind: 'master',
    rate: { num: 25, den: 1, dropFrame: false },
    durationFrames: 250,
    locations: [
      { storage: 'disk', key: 'masters/lt-101.mxf', sizeBytes: 1000, checksums: { sha256: sha, md5 } },
      { storage: 'scratch', key: 'tmp/lt-101.mxf' },
    ],
  });
  return { catalog, version };
}

describe('file copies in the catalog', () => {
  it('reads the copies a version records (locations with size and SHA-256), unverified when never checked', async () => {
    const { version } = await seeded();
    expect(copiesOnVersion(version)).toEqual([
      {
        fileKey: 'master',
        locationId: 'disk',
        key: 'masters/lt-101.mxf',
        sizeBytes: 1000,
        sha256: sha,
        status: 'unverified',
      },
    ]);
  });

  it('records copies with their state and times, keeps known MD5s, and audits the change', async () => {
    const { catalog, version } = await seeded();
    const copies: FileCopyInput[] = [
      {
        fileKey: 'master',
        locationId: 'disk',
        key: 'masters/lt-101.mxf',
        sizeBytes: 1000,
        sha256: sha,
        status: 'verified',
        verifiedAt: '2026-11-21T08:00:00.000Z',
        checkedAt: '2026-11-21T08:00:00.000Z',
      },
      {
        fileKey: 'master',
        locationId: 'vault',
        key: 'masters/lt-101.mxf',
        sizeBytes: 1000,
        sha256: sha,
        status: 'corrupt',
        checkedAt: '2026-11-21T09:00:00.000Z',
      },
    ];
    const updated = await recordCopies(catalog, admin, version.id, copies, { expectedRevision: version.revision });
    expect(updated.locations[0]?.checksums).toEqual({ sha256: sha, md5 });
    const reread = await catalog.getVersion(admin, version.id);
    expect(copiesOnVersion(reread)).toEqual(copies);
    const audit = await catalog.readAudit(admin);
    expect(audit.at(-1)).toMatchObject({ action: 'version.relocate' });
  });

  it('refuses copies of several files and malformed copies, naming them', async () => {
    const { catalog, version } = await seeded();
    const copy = {
      fileKey: 'master',
      locationId: 'disk',
      key: 'k',
      sizeBytes: 1,
      sha256: sha,
      status: 'verified' as const,
    };
    await expect(recordCopies(catalog, admin, version.id, [copy, { ...copy, fileKey: 'proxy' }])).rejects.toThrow(
      /must be of one file; got "master", "proxy"/,
    );
    await expect(recordCopies(catalog, admin, version.id, [{ ...copy, sha256: 'x' }])).rejects.toThrow(
      /Copy 0 of version/,
    );
  });
});
