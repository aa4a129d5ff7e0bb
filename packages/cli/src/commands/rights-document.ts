import { FramewiseError } from '@framewise/core/errors';
import { createRightsEngine, type RightsDocumentInput, type RightsEngine } from '@framewise/core/rights';
import { readJsonFile } from '../cli/inputs.js';

/** Load a rights document (framewise.rights JSON) named by `--deals` into an engine. */
export async function loadRightsEngine(path: string): Promise<RightsEngine> {
  const document = await readJsonFile(path, 'Rights document');
  return createRightsEngine(document as RightsDocumentInput);
}

/** The instant of `--at` (default now), as an ISO string with an offset. */
export function instantOf(value: string | undefined, what = '--at'): string {
  if (value === undefined) return new Date().toISOString();
  if (!/(?:Z|[+-]\d{2}:?\d{2})$/i.test(value) || Number.isNaN(Date.parse(value)))
    throw new FramewiseError(
      'INVALID_INPUT',
      `${what} ${JSON.stringify(value.slice(0, 80))} is not an ISO 8601 instant with a zone (e.g. 2027-08-01T19:00:00Z)`,
      { details: { value: value.slice(0, 200) } },
    );
  return new Date(Date.parse(value)).toISOString();
}

/** Refuse a title the document does not have, rather than answering "denied" for a typo. */
export function assertTitle(engine: RightsEngine, title: string): void {
  for (const id of engine.assetIds()) if (id === title) return;
  throw new FramewiseError('NOT_FOUND', `Title ${JSON.stringify(title)} is not in the rights document`, {
    details: { title },
  });
}
