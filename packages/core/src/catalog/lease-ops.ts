import { type Asset, hasControlCharacter } from '../assets/index.js';
import { describeInput, FramewiseError } from '../errors/index.js';
import type { Principal } from './access.js';
import { type CatalogContext, loadAsset, storeNow, write } from './context.js';
import type { CatalogTx, Lease } from './port.js';
import { indexAsset } from './search-model.js';

/** Options for {@link Catalog.checkOut} and {@link Catalog.renewLease}. */
export interface LeaseOptions {
  /** How long the lease lasts; default from the catalog options (15 minutes). */
  readonly ttlMs?: number;
  /** Why it is checked out (shown to others who are refused). */
  readonly note?: string;
}

function ttlOf(ctx: CatalogContext, options: LeaseOptions): number {
  const ttl = options.ttlMs ?? ctx.defaultLeaseMs;
  if (!Number.isSafeInteger(ttl) || ttl < 1_000 || ttl > 7 * 86_400_000) {
    throw new FramewiseError('INVALID_INPUT', `Lease ttlMs ${ttl} must be between 1 s and 7 days`, {
      details: { ttlMs: ttl },
    });
  }
  if (options.note !== undefined && (typeof options.note !== 'string' || hasControlCharacter(options.note))) {
    throw new FramewiseError(
      'INVALID_INPUT',
      `Lease note ${describeInput(options.note)} must be text without control characters`,
      { details: { field: 'note' } },
    );
  }
  return ttl;
}

const isActive = (now: number, lease: Lease | undefined): lease is Lease =>
  lease !== undefined && Date.parse(lease.expiresAt) > now;

/**
 * Check an asset out exclusively. Refused with `CONFLICT` naming the holder while another lease is
 * active; an expired lease is taken over. Each check-out gets a higher fencing token.
 */
export async function checkOut(
  ctx: CatalogContext,
  principal: Principal,
  assetId: string,
  options: LeaseOptions = {},
): Promise<Lease> {
  const ttl = ttlOf(ctx, options);
  return write(ctx, principal, async (tx, audit) => {
    const asset = await loadAsset(tx, principal, assetId, 'checkout');
    const current = await tx.getLease(assetId);
    const now = await storeNow(ctx, tx);
    if (isActive(now, current)) {
      throw new FramewiseError(
        'CONFLICT',
        `Asset "${assetId}" is already checked out by "${current.holder}" until ${current.expiresAt}${current.note ? ` (${current.note})` : ''}`,
        { details: { assetId, holder: current.holder, expiresAt: current.expiresAt } },
      );
    }
    const lease: Lease = {
      assetId,
      holder: principal.id,
      token: asset.fence + 1,
      acquiredAt: new Date(now).toISOString(),
      expiresAt: new Date(now + ttl).toISOString(),
      ...(options.note === undefined ? {} : { note: options.note.slice(0, 200) }),
    };
    const fenced = { ...asset, fence: lease.token };
    await tx.putAsset(fenced, indexAsset(fenced));
    await tx.putLease(lease);
    await audit(
      current === undefined ? 'lease.checkout' : 'lease.takeover',
      { type: 'asset', id: assetId },
      asset.project,
      current ?? undefined,
      lease,
    );
    return lease;
  });
}

function requireOwnLease(
  now: number,
  lease: Lease | undefined,
  principal: Principal,
  assetId: string,
  token: number,
): Lease {
  if (lease === undefined || lease.token !== token || lease.holder !== principal.id || !isActive(now, lease)) {
    throw new FramewiseError(
      'CONFLICT',
      `Fencing token ${token} for asset "${assetId}" is stale${lease && isActive(now, lease) ? `: the asset is checked out by "${lease.holder}" with token ${lease.token}` : ': the lease has expired or was released'}`,
      { details: { assetId, token, holder: lease?.holder, current: lease?.token } },
    );
  }
  return lease;
}

/** Raise the asset's fence past a finished lease, so its token can no longer write. */
async function retireToken(tx: CatalogTx, asset: Asset, lease: Lease): Promise<void> {
  const fenced = { ...asset, fence: Math.max(asset.fence, lease.token) + 1 };
  await tx.putAsset(fenced, indexAsset(fenced));
}

/** Extend your own active lease. */
export async function renewLease(
  ctx: CatalogContext,
  principal: Principal,
  assetId: string,
  token: number,
  options: LeaseOptions = {},
): Promise<Lease> {
  const ttl = ttlOf(ctx, options);
  return write(ctx, principal, async (tx, audit) => {
    const asset = await loadAsset(tx, principal, assetId, 'checkout');
    const now = await storeNow(ctx, tx);
    const lease = requireOwnLease(now, await tx.getLease(assetId), principal, assetId, token);
    const renewed: Lease = { ...lease, expiresAt: new Date(now + ttl).toISOString() };
    await tx.putLease(renewed);
    await audit('lease.renew', { type: 'asset', id: assetId }, asset.project, lease, renewed);
    return renewed;
  });
}

/** Check an asset back in with the token you checked it out with. A stale token is refused; after check-in the token is stale. */
export async function checkIn(
  ctx: CatalogContext,
  principal: Principal,
  assetId: string,
  token: number,
): Promise<void> {
  await write(ctx, principal, async (tx, audit) => {
    const asset = await loadAsset(tx, principal, assetId, 'checkout');
    const lease = requireOwnLease(await storeNow(ctx, tx), await tx.getLease(assetId), principal, assetId, token);
    await tx.deleteLease(assetId);
    await retireToken(tx, asset, lease);
    await audit('lease.checkin', { type: 'asset', id: assetId }, asset.project, lease, undefined);
  });
}

/** End someone else's lease (managers and admins). The holder's token becomes stale. */
export async function breakLease(ctx: CatalogContext, principal: Principal, assetId: string): Promise<void> {
  await write(ctx, principal, async (tx, audit) => {
    const asset = await loadAsset(tx, principal, assetId, 'break-lease');
    const lease = await tx.getLease(assetId);
    if (lease === undefined) return;
    await tx.deleteLease(assetId);
    await retireToken(tx, asset, lease);
    await audit('lease.break', { type: 'asset', id: assetId }, asset.project, lease, undefined);
  });
}

/** The asset's current lease, if any (expired leases included, with their expiry). */
export async function getLease(ctx: CatalogContext, principal: Principal, assetId: string): Promise<Lease | undefined> {
  await loadAsset(ctx.store, principal, assetId, 'read');
  return ctx.store.getLease(assetId);
}
