import { z } from 'zod';
import { IdSchema, jsonRecordSchema } from '../assets/index.js';
import { parseInput } from '../support/index.js';
import type { Principal } from './access.js';
import type { AuditEvent } from './audit.js';
import { type CatalogContext, loadAsset, write } from './context.js';

/** An action taken outside the catalog, about an asset, to record in the audit trail. */
export const RecordEventSchema = z.object({
  assetId: IdSchema,
  /** Namespaced action, e.g. `rights.takedown`, `distribution.delivered`. */
  action: z
    .string()
    .regex(/^[a-z][a-z0-9-]*(?:\.[a-z][a-z0-9-]*)+$/, 'must be namespaced like "rights.takedown"')
    .max(100),
  /** What happened, as JSON (endpoint, territory, window, remote ids — never credentials). */
  details: jsonRecordSchema().default({}),
});
/** An event as written. */
export type RecordEventInput = z.input<typeof RecordEventSchema>;

/**
 * Record an action taken outside the catalog — a takedown when a rights window closes, a delivery,
 * a fixity failure — in the same hash-chained audit trail as catalog mutations. Needs write access
 * to the asset's project.
 */
export async function recordEvent(
  ctx: CatalogContext,
  principal: Principal,
  input: RecordEventInput,
): Promise<AuditEvent> {
  const e = parseInput(RecordEventSchema, input, `Event ${JSON.stringify(input?.action ?? '')}`);
  return write(ctx, principal, async (tx, audit) => {
    const asset = await loadAsset(tx, principal, e.assetId, 'write');
    return audit(e.action, { type: 'asset', id: asset.id }, asset.project, undefined, undefined, [
      { path: 'details', before: null, after: e.details },
    ]);
  });
}
