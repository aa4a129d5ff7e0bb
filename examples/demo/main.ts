/**
 * `pnpm demo`: the Framewise supply chain end to end on embedded defaults. Each capability adds
 * its step here. Data goes to FRAMEWISE_DEMO_DIR (default: examples/.demo-data).
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runArchiveStep } from './steps/archive.js';
import { runCaptionsStep } from './steps/captions.js';
import { openDemoCatalog, reportAudit, runCatalogStep } from './steps/catalog.js';
import { runDistributionStep } from './steps/distribution.js';
import { runInterchangeStep } from './steps/interchange.js';
import { runMediaStep } from './steps/media.js';
import { runPackagingStep } from './steps/packaging.js';
import { runPlayoutStep } from './steps/playout.js';
import { runQcStep } from './steps/qc.js';
import { runRightsStep } from './steps/rights.js';
import { runTapeStep } from './steps/tape.js';
import { runTimeStep } from './steps/time.js';

const dataDir = resolve(
  process.env.FRAMEWISE_DEMO_DIR ?? join(dirname(fileURLToPath(import.meta.url)), '..', '.demo-data'),
);

console.log('Framewise demo: frame-accurate media supply chain');
runTimeStep();
const { catalog, close, dir } = openDemoCatalog(dataDir);
try {
  await runCatalogStep(catalog, dir);
  runRightsStep();
  runCaptionsStep('crossing-s01e01');
  const media = await runMediaStep(catalog, dataDir, 'crossing-s01e01');
  await runQcStep(catalog, media.storage, dataDir, media.source, media.versionId);
  await runArchiveStep(dataDir, 'crossing-s01e01', media.storage, media.stored, {
    catalog,
    versionId: media.versionId,
  });
  const master = media.stored.find((f) => f.fileKey === 'master');
  if (master !== undefined) await runInterchangeStep(catalog, dataDir, media.versionId, master);
  await runPlayoutStep(dataDir);
  await runDistributionStep(catalog, dataDir, 'crossing-s01e01', media.versionId, media.storage);
  await runTapeStep(dataDir, media.storage, media.stored);
  await runPackagingStep(dataDir);
  await reportAudit(catalog);
} finally {
  await close();
}
console.log('\nDemo complete.');
