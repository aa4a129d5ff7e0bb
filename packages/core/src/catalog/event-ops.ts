import { z } from 'zod';
import { IdSchema, jsonRecordSchema } from '../assets/index.js';
import { parseInput } from '../support/index.js';
import type { Principal } from './access.js';
import type { AuditEvent } from './audit.js';
import { type CatalogContext, loadAsset, write } from './context.js';
import type { CatalogTx } from './port.js';

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
  /**
   * The id of the operation recorded (a job id, `archive-job:<id>`): recording it again — a job
   * retried after its effect, a worker killed before it acknowledged — returns the event already
   * in the project's chain instead of adding a second one.
   */
  operationId: z.string().min(1).max(200).optional(),
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
    if (e.operationId !== undefined) {
      // With the chain's head locked, no other writer can add the same operation meanwhile.
      await tx.lockAuditHead(asset.project);
      const recorded = await findByOperation(ctx, tx, asset.project, e.operationId);
      if (recorded !== undefined) return recorded;
    }
    return audit(
      e.action,
      { type: 'asset', id: asset.id },
      asset.project,
      undefined,
      undefined,
      [{ path: 'details', before: null, after: e.details }],
      e.operationId,
    );
  });
}

/** The event of a project's chain with this operation id: the store's lookup, else a read of the chain. */
async function findByOperation(
  ctx: CatalogContext,
  tx: CatalogTx,
  project: string,
  operationId: string,
): Promise<AuditEvent | undefined> {
  if (tx.findAuditByOperation !== undefined) return tx.findAuditByOperation(project, operationId);
  const PAGE = 1_000;
  for (let from = 1; ; from += PAGE) {
    const page = await ctx.store.readAudit(project, from, PAGE);
    const found = page.find((event) => event.operationId === operationId);
    if (found !== undefined || page.length < PAGE) return found;
  }
}
