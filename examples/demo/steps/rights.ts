/**
 * Demo step 3, rights: load a rights document (JSON), check one title in two territories — one
 * allowed, one refused with its explanation — show an element conflict, and print the upcoming
 * window transitions for three endpoints.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRightsEngine } from '@framewise/core/rights';
import { heading, note, table } from '../print.js';

/** Run the rights step. */
export function runRightsStep(): void {
  heading('Rights: may "Night Signal" go out, where, and when do windows open and close?');
  const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'night-signal-rights.json');
  const engine = createRightsEngine(JSON.parse(readFileSync(file, 'utf8')));
  const at = '2027-08-01T19:00:00Z';
  for (const territory of ['US', 'FR']) {
    const decision = engine.evaluate({ assetId: 'harbour-feature', territory, channel: 'svod', at });
    note(`${territory}: ${decision.reasons.join('\n      ')}`);
  }
  const gb = engine.evaluate({
    assetId: 'harbour-feature',
    versionId: 'night-signal-imf',
    territory: 'ES',
    channel: 'svod',
    at,
  });
  note(`ES (the IMF master): ${gb.reasons.join('\n      ')}`);
  const fast = engine.evaluate({
    assetId: 'harbour-feature',
    territory: 'CA',
    channel: 'fast',
    at: '2029-03-01T12:00:00Z',
  });
  note(`CA, FAST in March 2029: ${fast.reasons.join('\n      ')}`);
  const plan = engine.planTransitions('2027-06-15T00:00:00Z', 60 * 86_400_000, [
    { id: 'streamer-us', territories: ['US'], channel: 'svod' },
    { id: 'streamer-gb', territories: ['GB'], channel: 'svod' },
    { id: 'store-na', territories: ['US', 'CA'], channel: 'pvod' },
  ]);
  note('window transitions from 15 June 2027, next 60 days:');
  table(
    ['when (UTC)', 'endpoint', 'change'],
    plan.map((t) => [t.at.toISO() ?? '', t.targetId, t.change === 'open' ? 'make available' : 'take down']),
  );
}
