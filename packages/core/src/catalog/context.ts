import type { Asset, Version } from '../assets/index.js';
import { describeInput, FramewiseError } from '../errors/index.js';
import { type Clock, type Logger, newId, type Tracer } from '../support/index.js';
import { can, denied, type Permission, type Principal } from './access.js';
import { type AuditChange, type AuditEvent, type AuditHead, diffRecords, hashAuditEvent } from './audit.js';
import { checkId } from './limits.js';
import type { CatalogReader, CatalogStore, CatalogTx, Lease } from './port.js';

/** Everything the catalog's operations share. */
export interface CatalogContext {
  readonly store: CatalogStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly tracer: Tracer | undefined;
  readonly auditKey: string | Uint8Array | undefined;
  readonly defaultLeaseMs: number;
}

/** Appends one audit event in the current transaction. */
export type AuditFn = (
  action: string,
  target: { readonly type: string; readonly id: string },
  project: string,
  before: object | undefined,
  after: object | undefined,
  changes?: readonly AuditChange[],
  operationId?: string,
) => Promise<AuditEvent>;

/**
 * The current instant in ms by the store's clock (the database's, so every process judges leases
 * by one clock), or the catalog's clock for stores without one.
 */
export async function storeNow(ctx: CatalogContext, tx: CatalogTx): Promise<number> {
  return tx.now === undefined ? ctx.clock.now() : tx.now();
}

/** The current instant as an ISO string. */
export function nowIso(ctx: CatalogContext): string {
  return new Date(ctx.clock.now()).toISOString();
}

/**
 * Run a mutation in one store transaction: let `fn` read and write, and chain every audit event it
 * records onto its project's chain, whose head is locked at the first event of that project (so
 * writers in other projects are not held up).
 */
export function write<T>(
  ctx: CatalogContext,
  actor: Principal,
  fn: (tx: CatalogTx, audit: AuditFn) => Promise<T>,
): Promise<T> {
  return ctx.store.transaction(async (tx) => {
    const heads = new Map<string, AuditHead>();
    const at = nowIso(ctx);
    const audit: AuditFn = async (action, target, project, before, after, changes, operationId) => {
      const head = heads.get(project) ?? (await tx.lockAuditHead(project));
      const body = {
        seq: head.seq + 1,
        id: newId(ctx.clock.now()),
        at,
        actor: actor.id,
        action,
        target: { type: target.type, id: target.id },
        project,
        changes: JSON.parse(JSON.stringify(changes ?? diffRecords(before, after))) as AuditChange[],
        prevHash: head.hash,
        ...(operationId === undefined ? {} : { operationId }),
      };
      const hash = hashAuditEvent(body, ctx.auditKey);
      const event: AuditEvent = { ...body, hash };
      await tx.appendAudit(event);
      heads.set(project, { seq: body.seq, hash });
      return event;
    };
    return fn(tx, audit);
  });
}

/**
 * Load an asset the principal may act on, or fail with the same `FORBIDDEN` whether or not it
 * exists (global admins get `NOT_FOUND` for missing assets).
 */
export async function loadAsset(
  reader: CatalogReader,
  principal: Principal,
  id: string,
  permission: Permission,
): Promise<Asset> {
  checkId(id, 'Asset id');
  const asset = await reader.getAsset(id);
  if (asset !== undefined && can(principal, permission, asset.project)) return asset;
  if (asset === undefined && principal.global === 'admin') {
    throw new FramewiseError('NOT_FOUND', `Asset "${id}" does not exist`, { details: { assetId: id } });
  }
  throw denied(principal, permission, 'asset', id);
}

/** Load a version and its asset with the same access rule as {@link loadAsset}. */
export async function loadVersion(
  reader: CatalogReader,
  principal: Principal,
  id: string,
  permission: Permission,
): Promise<{ version: Version; asset: Asset }> {
  checkId(id, 'Version id');
  let version = await reader.getEntity('version', id);
  const asset = version === undefined ? undefined : await reader.getAsset(version.assetId);
  // In a write transaction, reading the asset locked it: read the version again, as it is now.
  if (asset !== undefined && 'appendAudit' in reader) version = await reader.getEntity('version', id);
  if (version !== undefined && asset !== undefined && can(principal, permission, asset.project))
    return { version, asset };
  if (version === undefined && principal.global === 'admin') {
    throw new FramewiseError('NOT_FOUND', `Version "${id}" does not exist`, { details: { versionId: id } });
  }
  throw denied(principal, permission, 'version', id);
}

/** Options every asset-scoped write accepts. */
export interface WriteOptions {
  /** The fencing token of your check-out; required to write while someone else holds one. */
  readonly fence?: number;
}

/**
 * Refuse a write that a check-out forbids: a stale fencing token, or no token while another
 * principal holds an active lease.
 */
export async function assertWritable(
  ctx: CatalogContext,
  tx: CatalogTx,
  principal: Principal,
  asset: Asset,
  options: WriteOptions,
): Promise<void> {
  if (options.fence !== undefined && (!Number.isSafeInteger(options.fence) || options.fence < 0)) {
    throw new FramewiseError('INVALID_INPUT', `Fencing token ${describeInput(options.fence)} is not a lease token`, {
      details: { assetId: asset.id },
    });
  }
  const lease = await tx.getLease(asset.id);
  const now = await storeNow(ctx, tx);
  const active: Lease | undefined = lease !== undefined && Date.parse(lease.expiresAt) > now ? lease : undefined;
  if (options.fence !== undefined) {
    // A token writes only while its own lease is active: once it expired (even if nobody took
    // over yet) or was released, the token is void.
    if (active === undefined || active.token !== options.fence || options.fence < asset.fence) {
      throw new FramewiseError(
        'CONFLICT',
        `Fencing token ${options.fence} for asset "${asset.id}" is stale: ${active ? `the current check-out is token ${active.token} held by "${active.holder}"` : 'its lease has expired or was released'}`,
        { details: { assetId: asset.id, fence: options.fence, current: asset.fence, holder: active?.holder } },
      );
    }
    return;
  }
  if (active !== undefined && active.holder !== principal.id) {
    throw new FramewiseError(
      'CONFLICT',
      `Asset "${asset.id}" is checked out by "${active.holder}" until ${active.expiresAt}; pass its fencing token to write`,
      { details: { assetId: asset.id, holder: active.holder, expiresAt: active.expiresAt } },
    );
  }
}
