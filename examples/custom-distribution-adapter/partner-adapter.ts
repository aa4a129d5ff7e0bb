/**
 * A distribution adapter a platform team might write for a partner's HTTP ingest API:
 *
 *   PUT    /packages/{id}               metadata (JSON); creates or replaces, so a retry never duplicates
 *   PUT    /packages/{id}/files/{name}  a file's bytes
 *   PATCH  /packages/{id}               changed metadata fields
 *   DELETE /packages/{id}               take it down
 *   GET    /packages/{id}               200 while it is there, 404 once it is gone
 *
 * It implements the `DistributionAdapter` port from `@framewise/core` and passes
 * `distributionAdapterConformance` (see ../test/custom-distribution-adapter.test.ts). Outcomes are
 * values, sorted by the core's one rule: `outcomeOfHttp` for statuses (429 and 5xx retryable,
 * honouring Retry-After; 401 needs credentials; other 4xx fail typed) and `outcomeOf` for thrown
 * errors (a connection refused or reset is retryable).
 */
import {
  type DeliveryChanges,
  type DeliveryPackage,
  type DistributionAdapter,
  type DistributionContext,
  type DistributionOutcome,
  outcomeOf,
  outcomeOfHttp,
} from '@framewise/core/delivery';

/** Where the partner's API is, and the token it wants. */
export interface PartnerOptions {
  readonly baseUrl: string;
  readonly token: string;
}

/** The partner adapter. */
export function createPartnerAdapter(options: PartnerOptions): DistributionAdapter {
  const url = (path: string) => new URL(path, options.baseUrl).toString();
  const headers = { authorization: `Bearer ${options.token}` };

  const call = async (method: string, path: string, body?: string | Blob, type?: string) => {
    try {
      const response = await fetch(url(path), {
        method,
        headers: { ...headers, ...(type === undefined ? {} : { 'content-type': type }) },
        ...(body === undefined ? {} : { body, duplex: 'half' }),
      } as RequestInit);
      await response.arrayBuffer();
      return {
        outcome: outcomeOfHttp(
          response.status,
          response.headers.get('retry-after'),
          `${method} ${path}: HTTP ${response.status}`,
        ),
        status: response.status,
      };
    } catch (error) {
      // A connection refused or reset is retryable; anything else is a bug to look at.
      return { outcome: outcomeOf(error, `${method} ${path}`), status: 0 };
    }
  };
  const sendFiles = async (pkg: DeliveryPackage, names: readonly string[], id: string) => {
    for (const file of pkg.files.filter((f) => names.includes(f.name))) {
      const body = new Blob([await new Response((await file.open()) as unknown as ReadableStream).arrayBuffer()]);
      const { outcome } = await call(
        'PUT',
        `/packages/${encodeURIComponent(id)}/files/${encodeURIComponent(file.name)}`,
        body,
        file.contentType ?? 'application/octet-stream',
      );
      if (outcome !== undefined) return outcome;
    }
    return undefined;
  };

  return {
    name: 'partner-http',
    capabilities: {
      update: true,
      remoteDelete: true,
      unpublish: false,
      asyncProcessing: false,
      confirmsRemoval: true,
      resumableUpload: false,
      scheduledPublish: false,
    },
    async submit(pkg: DeliveryPackage, ctx: DistributionContext): Promise<DistributionOutcome> {
      // The package id is ours (the asset id), so a retried submission replaces, never duplicates.
      const id = ctx.remoteId ?? pkg.assetId;
      const meta = await call(
        'PUT',
        `/packages/${encodeURIComponent(id)}`,
        JSON.stringify({ revision: pkg.revision, fields: pkg.fields }),
        'application/json',
      );
      if (meta.outcome !== undefined) return meta.outcome;
      await ctx.save({ remoteId: id });
      const files = await sendFiles(
        pkg,
        pkg.files.map((f) => f.name),
        id,
      );
      return files ?? { kind: 'success', remoteId: id, remoteState: 'live', response: { id } };
    },
    async update(
      pkg: DeliveryPackage,
      changes: DeliveryChanges,
      ctx: DistributionContext,
    ): Promise<DistributionOutcome> {
      const id = ctx.remoteId ?? pkg.assetId;
      if (changes.fields.length > 0) {
        const patch = Object.fromEntries(changes.fields.map((f) => [f, pkg.fields[f] ?? null]));
        const { outcome } = await call(
          'PATCH',
          `/packages/${encodeURIComponent(id)}`,
          JSON.stringify({ fields: patch }),
          'application/json',
        );
        if (outcome !== undefined) return outcome;
      }
      return (await sendFiles(pkg, changes.files, id)) ?? { kind: 'success', remoteState: 'live' };
    },
    async remove(_mode, ctx: DistributionContext): Promise<DistributionOutcome> {
      if (ctx.remoteId === undefined) return { kind: 'success', remoteState: 'removed' };
      const { outcome, status } = await call('DELETE', `/packages/${encodeURIComponent(ctx.remoteId)}`);
      return status === 404 || outcome === undefined ? { kind: 'success', remoteState: 'removed' } : outcome;
    },
    async poll(ctx: DistributionContext): Promise<DistributionOutcome> {
      if (ctx.remoteId === undefined) return { kind: 'success', remoteState: 'removed' };
      const { outcome, status } = await call('GET', `/packages/${encodeURIComponent(ctx.remoteId)}`);
      if (status === 404) return { kind: 'success', remoteState: 'removed' };
      return outcome ?? { kind: 'success', remoteState: 'live' };
    },
    async close() {},
  };
}
