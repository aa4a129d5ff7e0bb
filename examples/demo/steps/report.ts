/**
 * Demo step: the HTML report of the episode's mezzanine — its QC reports (before and after the
 * loudness correction) with loudness over time, and the archive copies the archive step recorded
 * with their fixity age — written as one self-contained page; the step prints its path.
 */
import { join } from 'node:path';
import { collectReportData, writeReport } from '@framewise/cli';
import type { Catalog } from '@framewise/core/catalog';
import { createObjectStorageQcReportStore } from '@framewise/core/qc';
import type { ObjectStorage } from '@framewise/core/storage';
import { heading, note } from '../print.js';
import { LOCATIONS } from './archive.js';
import { demoEditor } from './catalog.js';

/** Write the report of `versionId` under `dataDir` and return its path. */
export async function runReportStep(
  catalog: Catalog,
  dataDir: string,
  versionId: string,
  storage: ObjectStorage,
): Promise<string> {
  heading('Report: one self-contained HTML page for the episode');
  const data = await collectReportData({
    catalog,
    actor: demoEditor,
    versionId,
    qc: createObjectStorageQcReportStore(storage),
    locations: LOCATIONS,
  });
  const path = await writeReport(join(dataDir, `report-${versionId.replace(/[^\w.-]/g, '_')}.html`), data, {
    force: true,
  });
  note(
    `${data.qc?.length ?? 0} QC reports, ${data.archive?.copies.length ?? 0} archive copies; open it in a browser (works offline):`,
  );
  note(path);
  return path;
}
