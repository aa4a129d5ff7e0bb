/**
 * `pnpm demo`: the Framewise supply chain end to end on embedded defaults. Each capability adds
 * its step here. Data goes to FRAMEWISE_DEMO_DIR (default: examples/.demo-data).
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCatalogStep } from './steps/catalog.js';
import { runRightsStep } from './steps/rights.js';
import { runTimeStep } from './steps/time.js';

const dataDir = resolve(
  process.env.FRAMEWISE_DEMO_DIR ?? join(dirname(fileURLToPath(import.meta.url)), '..', '.demo-data'),
);

console.log('Framewise demo: frame-accurate media supply chain');
runTimeStep();
await runCatalogStep(dataDir);
runRightsStep();
console.log('\nDemo complete.');
