/**
 * Demo step: declare storage locations and a 3-2-1 placement policy, show the placement report for
 * the master and renditions, make the missing copies (verified by reading them back), and prove
 * the policy again.
 *
 * The demo's locations are directories on this machine; their declared tier, media and site are
 * what a deployment would declare for its disk array, object store and tape vault.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFsStorage } from '@framewise/adapters-storage/fs';
import {
  archiveJobs,
  copiesOnVersion,
  createPlacementChecker,
  type FileCopyInput,
  type FileIdentity,
  type FixityResult,
  type PlacementChecker,
  type PlacementReport,
  type PlacementSubject,
  planReconcile,
  planRestore,
  recordCopies,
  repairCopy,
  runFixityAudit,
  type StorageLocationInput,
  threeTwoOne,
} from '@framewise/core/archive';
import type { Catalog } from '@framewise/core/catalog';
import { createInProcessBackend } from '@framewise/core/scheduler';
import { createObjectStorage, type ObjectStorage } from '@framewise/core/storage';
import { heading, note, table } from '../print.js';
import { demoEditor } from './catalog.js';
import type { StoredFile } from './media.js';

const LOCATIONS: StorageLocationInput[] = [
  {
    id: 'studio-disk',
    name: 'Studio SAN',
    tier: 'online',
    media: 'disk',
    site: 'studio',
    region: 'eu-west-2',
    cost: { storagePerGbMonth: 0.1 },
  },
  {
    id: 'studio-object',
    name: 'Studio object store',
    tier: 'nearline',
    media: 'object',
    site: 'studio',
    region: 'eu-west-2',
    cost: { storagePerGbMonth: 0.02, retrievalPerGb: 0.01 },
  },
  {
    id: 'vault-tape',
    name: 'Offsite LTO vault',
    tier: 'archive',
    media: 'tape',
    site: 'vault',
    region: 'eu-west-1',
    cost: { storagePerGbMonth: 0.004, retrievalPerGb: 0.02 },
    restoreOptions: [
      { name: 'next-courier', hours: 20, perRequest: 40 },
      { name: 'emergency-courier', hours: 4, perRequest: 400 },
    ],
  },
];

function printReport(report: PlacementReport): void {
  table(
    ['file', 'counted', 'media', 'sites', 'rules'],
    report.files.map((f) => [
      f.fileKey.length > 34 ? `${f.fileKey.slice(0, 33)}…` : f.fileKey,
      String(f.counted),
      f.media.join('+') || '-',
      f.sites.join('+') || '-',
      f.rules.join(', '),
    ]),
  );
  const shown = report.violations.slice(0, 4);
  for (const v of shown) note(`violation: ${v.message}`);
  if (report.violations.length > shown.length) note(`… and ${report.violations.length - shown.length} more violations`);
  note(report.compliant ? 'placement proven: every rule met' : `${report.violations.length} violations`);
}

export async function runArchiveStep(
  dataDir: string,
  assetId: string,
  primary: ObjectStorage,
  stored: readonly StoredFile[],
  record: { readonly catalog: Catalog; readonly versionId: string },
): Promise<void> {
  heading('Archive: placement rules prove 3-2-1 (or list each violation)');
  const checker = createPlacementChecker({
    policy: {
      primarySite: 'studio',
      rules: [
        threeTwoOne({ files: ['master'], maxVerificationAgeDays: 90 }),
        { name: 'renditions', files: ['rendition:*'], minCopies: 2 },
      ],
    },
    locations: LOCATIONS,
  });
  const asset = { id: assetId, project: 'drama', kind: 'episode' as const, genres: ['drama'] };
  const files = stored.map(({ fileKey, sizeBytes, sha256 }) => ({ fileKey, sizeBytes, sha256 }));
  const copies: FileCopyInput[] = stored.map((f) => ({
    fileKey: f.fileKey,
    locationId: 'studio-disk',
    key: f.key,
    sizeBytes: f.sizeBytes,
    sha256: f.sha256,
    status: 'verified',
    verifiedAt: new Date().toISOString(),
  }));
  note('after ingest: one copy of everything on the studio SAN');
  printReport(checker.check({ asset, files, copies }));

  // The reconciler plans the missing copies (a dry run), then they run as `archive` jobs through the
  // QueueBackend port: each streamed, hashed on the way in, and read back before it counts.
  const targets = new Map<string, ObjectStorage>([
    ['studio-object', createObjectStorage(createFsStorage({ root: join(dataDir, 'storage-object') }))],
    ['vault-tape', createObjectStorage(createFsStorage({ root: join(dataDir, 'storage-vault') }))],
  ]);
  const storages = (id: string) => (id === 'studio-disk' ? primary : targets.get(id));
  const plan = planReconcile(checker, { asset, files, copies });
  note(
    `reconcile plan (dry run): ${plan.actions.length} actions, ${(plan.bytesToCopy / 1e6).toFixed(1)} MB to copy, storage bill ${plan.monthlyCostChange >= 0 ? '+' : ''}${plan.monthlyCostChange.toFixed(4)} per month; placement after: ${plan.after.compliant ? 'proven' : `${plan.after.violations.length} violations`}`,
  );
  table(
    ['action', 'file', 'from', 'to'],
    plan.actions.map((a) => [
      a.kind,
      a.fileKey,
      'from' in a ? a.from.locationId : '',
      'to' in a ? a.to.locationId : a.at.locationId,
    ]),
  );
  const queue = createInProcessBackend({ definitions: archiveJobs(storages), resources: { io: 2 } });
  const submitted = await Promise.all(plan.actions.map((action) => queue.submit('archive', action)));
  const made = await Promise.all(submitted.map(({ id }) => queue.result(id)));
  await queue.close({ drain: true });
  for (const copy of made) if (copy) copies.push(copy);
  note(`${made.length} archive jobs done: copies read back and verified on the object store and the offsite vault`);
  printReport(checker.check({ asset, files, copies }));

  // Disaster recovery: with the studio lost, bring the master back from the vault in time.
  const master = files.find((f) => f.fileKey === 'master');
  if (master !== undefined) {
    const offsite = copies.filter((c) => c.locationId === 'vault-tape');
    const now = new Date();
    for (const hours of [48, 8]) {
      const plan = planRestore(checker, {
        file: master,
        copies: offsite,
        deadline: new Date(now.getTime() + hours * 3_600_000),
        now,
      });
      note(
        `studio lost, master needed within ${hours} h: restore from ${plan.choice.copy.locationId} by ${plan.choice.option} (${plan.choice.hours} h, cost ${plan.choice.cost.toFixed(2)})`,
      );
    }
  }
  await runFixityStep(dataDir, assetId, checker, asset, files, copies, (id) =>
    id === 'studio-disk' ? primary : targets.get(id),
  );
  for (const target of targets.values()) await target.close();
  // The master's copies, with their states and verification times, live on its version in the catalog
  // (the copy set is replaced, so as a compare-and-set on the revision it was read at).
  const before = await record.catalog.getVersion(demoEditor, record.versionId);
  const version = await recordCopies(
    record.catalog,
    demoEditor,
    record.versionId,
    copies.filter((c) => c.fileKey === 'master'),
    { expectedRevision: before.revision },
  );
  const recorded = copiesOnVersion(version);
  note(
    `recorded the master's ${recorded.length} copies on its version in the catalog: ${recorded.map((c) => `${c.locationId} ${c.status}`).join(', ')} (one audited relocate)`,
  );
}

/**
 * Fixity: audit every copy (oldest check first), then a byte flipped on the vault's disk behind the
 * storage's back: the next audit finds it, placement loses its offsite copy, and an explicit repair
 * from a verified copy restores it.
 */
async function runFixityStep(
  dataDir: string,
  assetId: string,
  checker: PlacementChecker,
  asset: PlacementSubject['asset'],
  files: FileIdentity[],
  copies: FileCopyInput[],
  storages: (locationId: string) => ObjectStorage | undefined,
): Promise<void> {
  const identity = (fileKey: string) => files.find((f) => f.fileKey === fileKey) as FileIdentity;
  const targets = () => copies.map((copy) => ({ copy, identity: identity(copy.fileKey), assetId }));
  const update = (r: FixityResult) => {
    const at = copies.findIndex((c) => c.fileKey === r.copy.fileKey && c.locationId === r.copy.locationId);
    copies[at] = r.copy;
  };
  const first = await runFixityAudit(targets(), storages, { coverageDays: 90, onChecked: update });
  note(
    `fixity audit: ${first.checked.length} copies read, ${first.checked.filter((r) => r.outcome === 'verified').length} verified; coverage ${(first.coverage.share * 100).toFixed(0)} % within 90 days`,
  );
  const vault = copies.find((c) => c.fileKey === 'master' && c.locationId === 'vault-tape') as FileCopyInput;
  const path = join(dataDir, 'storage-vault', vault.key);
  const bytes = readFileSync(path);
  bytes[Math.floor(bytes.length / 2)] = (bytes[Math.floor(bytes.length / 2)] as number) ^ 0x01;
  writeFileSync(path, bytes);
  note(`(one bit flipped in the vault's copy of the master, on disk, behind the storage's back)`);
  const second = await runFixityAudit(targets(), storages, { coverageDays: 90, onChecked: update });
  for (const f of second.findings)
    note(
      `fixity finding: ${f.copy.fileKey} at ${f.copy.locationId} is ${f.outcome} (sha256 ${f.actual?.sha256.slice(0, 12)}…, expected ${f.expected.sha256.slice(0, 12)}…)`,
    );
  const broken = checker.check({ asset, files, copies });
  note(`placement now: ${broken.violations.length} violation(s): ${broken.violations[0]?.message ?? '-'}`);
  const source = copies.find(
    (c) => c.fileKey === 'master' && c.locationId === 'studio-object' && c.status === 'verified',
  );
  if (source === undefined) return;
  const repaired = await repairCopy(vault, source, identity('master'), storages);
  update({ copy: repaired, outcome: 'verified', expected: identity('master') });
  note(
    `repaired the vault copy from ${source.locationId} (explicit action, source verified first): ${repaired.status}`,
  );
  note(
    checker.check({ asset, files, copies }).compliant
      ? 'placement proven again: every rule met'
      : 'placement still violated',
  );
}
