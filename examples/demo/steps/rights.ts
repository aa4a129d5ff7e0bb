/**
 * Demo step 3, rights: load a rights document (JSON), check one title in two territories — one
 * allowed, one refused with its explanation — show an element conflict, and print the upcoming
 * window transitions for three endpoints; then write the acquired rights as EMA Avails XML 2.5 and
 * read them back.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readAvailsXml, rightsToAvails, writeAvailsXml } from '@framewise/adapters-metadata/avails';
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
  // What was acquired, as EMA Avails XML 2.5 for a partner, and read back as a partner's system would.
  const avails = rightsToAvails(engine.export(), { direction: 'in' });
  const xml = writeAvailsXml(avails.avails);
  const back = readAvailsXml(xml, { source: 'night-signal-avails.xml' });
  note(
    `EMA Avails XML 2.5: ${avails.avails.length} avails written (${xml.length.toLocaleString('en-US')} characters, ` +
      `${avails.issues.length} export issues: what Avails cannot express is left out, never widened), ` +
      `${back.avails.length} transactions read back, ${back.issues.length} issues`,
  );
  table(
    ['license', 'territories', 'format', 'start', 'end (last day)'],
    back.avails
      .slice(0, 4)
      .map((a) => [
        a.licenseType,
        a.territories.join(' '),
        a.formatProfile ?? '',
        'date' in a.start ? a.start.date : 'instant' in a.start ? a.start.instant : a.start.condition,
        'date' in a.end ? a.end.date : 'instant' in a.end ? a.end.instant : a.end.condition,
      ]),
  );
}
