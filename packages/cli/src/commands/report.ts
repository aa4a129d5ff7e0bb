/** `framewise report`: the self-contained HTML report of a catalog version. */
import { stat } from 'node:fs/promises';
import type { StorageLocationInput } from '@framewise/core/archive';
import type { DistributionRecordStore } from '@framewise/core/delivery';
import { FramewiseError } from '@framewise/core/errors';
import type { QcReport, QcReportStore } from '@framewise/core/qc';
import type { LicenseType } from '@framewise/core/rights';
import { CLI_READER, withCatalog } from '../cli/catalog.js';
import type { CommandRunner } from '../cli/command.js';
import { EXIT } from '../cli/exit-codes.js';
import { readJsonFile, stringOpt } from '../cli/inputs.js';
import { assertWritableTarget } from '../cli/write-file.js';
import { collectReportData } from '../report/collect.js';
import { writeReport } from '../report/write.js';
import { instantOf, loadRightsEngine } from './rights-document.js';

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** QC reports kept by `recordQcReport` on a filesystem storage directory. */
async function qcStoreAt(dir: string): Promise<QcReportStore> {
  const ok = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!ok)
    throw new FramewiseError('NOT_FOUND', `QC report storage ${JSON.stringify(dir)} is not a directory`, {
      details: { dir },
    });
  const [{ createFsStorage }, { createObjectStorage }, { createObjectStorageQcReportStore }] = await Promise.all([
    import('@framewise/adapters-storage/fs'),
    import('@framewise/core/storage'),
    import('@framewise/core/qc'),
  ]);
  return createObjectStorageQcReportStore(createObjectStorage(createFsStorage({ root: dir, fsync: false })));
}

/** Distribution records in a PGlite directory or PostgreSQL. */
async function distributionStoreAt(spec: string): Promise<DistributionRecordStore & { close(): Promise<void> }> {
  if (/^postgres(ql)?:\/\//i.test(spec)) {
    const { createPostgresDistributionStore } = await import('@framewise/adapters-storage/postgres');
    return createPostgresDistributionStore({ connectionString: spec, migrate: false, maxConnections: 2 });
  }
  const ok = await stat(spec).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!ok)
    throw new FramewiseError('NOT_FOUND', `Distribution store ${JSON.stringify(spec)} is not a PGlite directory`, {
      details: { spec },
    });
  const { createPGliteDistributionStore } = await import('@framewise/adapters-storage/pglite');
  return createPGliteDistributionStore({ dataDir: spec, migrate: false });
}

/** Run `report`. */
export const runReport: CommandRunner = async ({ opts, out }) => {
  const path = stringOpt(opts, 'out') ?? '';
  const force = opts.force === true;
  await assertWritableTarget(path, force, 'Report file');
  const now = instantOf(stringOpt(opts, 'at'));
  const qcFiles = Array.isArray(opts.qc) ? (opts.qc as string[]) : [];
  const reports: QcReport[] = [];
  for (const file of qcFiles) reports.push((await readJsonFile(file, 'QC report file')) as QcReport);
  const qcStoreDir = stringOpt(opts, 'qcStore');
  const store = qcStoreDir === undefined ? undefined : await qcStoreAt(qcStoreDir);
  const dealsPath = stringOpt(opts, 'deals');
  const engine = dealsPath === undefined ? undefined : await loadRightsEngine(dealsPath);
  const locationsPath = stringOpt(opts, 'locations');
  const locations =
    locationsPath === undefined
      ? undefined
      : ((await readJsonFile(locationsPath, 'Locations file')) as StorageLocationInput[]);
  if (locations !== undefined && !Array.isArray(locations))
    throw new FramewiseError(
      'INVALID_INPUT',
      `Locations file ${JSON.stringify(locationsPath)} must hold a JSON array`,
      {
        details: { path: locationsPath },
      },
    );
  const title = stringOpt(opts, 'title');
  const distributionSpec = stringOpt(opts, 'distribution');
  const distribution = distributionSpec === undefined ? undefined : await distributionStoreAt(distributionSpec);
  try {
    const data = await withCatalog(stringOpt(opts, 'catalog'), async (catalog) => {
      const versionId = stringOpt(opts, 'versionId') ?? '';
      const fromStore = store === undefined ? [] : await store.list(versionId);
      return collectReportData({
        catalog,
        actor: CLI_READER,
        versionId,
        qc: [...fromStore, ...reports.filter((r) => r.versionId === undefined || r.versionId === versionId)],
        now,
        ...(distribution === undefined ? {} : { distribution }),
        ...(locations === undefined ? {} : { locations }),
        ...(engine === undefined
          ? {}
          : {
              rights: {
                engine,
                ...(title === undefined ? {} : { assetId: title }),
                territories: list(stringOpt(opts, 'territories')).map((t) => t.toUpperCase()),
                channels: list(stringOpt(opts, 'channels')) as LicenseType[],
              },
            }),
      });
    });
    await writeReport(path, data, { force });
    out.line(path);
    out.result({
      ok: true,
      path,
      assetId: data.assetId,
      versionId: data.versionId,
      qcReports: data.qc?.length ?? 0,
      rightsRows: data.rights?.rows.length ?? 0,
      distributionRecords: data.distribution?.length ?? 0,
      copies: data.archive?.copies.length ?? 0,
    });
    return EXIT.OK;
  } finally {
    await distribution?.close();
  }
};
