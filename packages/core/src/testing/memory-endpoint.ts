import { createHash } from 'node:crypto';
import type {
  DeliveryChanges,
  DeliveryPackage,
  DeliverySubject,
  DistributionAdapter,
  DistributionCapabilities,
  DistributionContext,
  DistributionEndpoint,
  DistributionOutcome,
} from '../index.js';

/** One item held by a {@link MemoryEndpoint}. */
export interface MemoryEndpointItem {
  readonly id: string;
  fields: Record<string, unknown>;
  files: Record<string, { readonly sha256: string; readonly sizeBytes: number }>;
  state: 'processing' | 'live' | 'unpublished';
  publishAt?: string;
  revision: number;
}

/**
 * A distribution endpoint in memory, for tests and as a reference adapter: it stores packages
 * (hashing every file it is given), processes them asynchronously when asked to, and injects
 * faults (unavailable, quota exceeded, credentials revoked) so retry, parking and authentication
 * paths can be exercised.
 */
export class MemoryEndpoint implements DistributionAdapter {
  readonly name = 'memory';
  readonly capabilities: DistributionCapabilities;
  readonly items = new Map<string, MemoryEndpointItem>();
  /** Every call, in order: `submit`, `update`, `remove:delete`, `poll`, … */
  readonly calls: string[] = [];
  /** Faults to inject on the next calls. */
  fault: 'unavailable' | 'quota' | 'auth' | undefined;
  /** When a `quota` fault says the quota resets (default: an hour from the system clock). */
  quotaResetsAt: string | undefined;
  /** Polls left before a processing item goes live. */
  processingPolls = 0;
  #next = 1;

  constructor(capabilities: Partial<DistributionCapabilities> = {}) {
    this.capabilities = {
      update: true,
      remoteDelete: true,
      unpublish: true,
      asyncProcessing: false,
      confirmsRemoval: false,
      resumableUpload: false,
      scheduledPublish: false,
      ...capabilities,
    };
  }

  #faulted(): DistributionOutcome | undefined {
    switch (this.fault) {
      case 'unavailable':
        return { kind: 'retry', afterMs: 1000, reason: 'endpoint unavailable (503)' };
      case 'quota':
        return {
          kind: 'parked',
          until: this.quotaResetsAt ?? new Date(Date.now() + 3_600_000).toISOString(),
          reason: 'quota exceeded',
        };
      case 'auth':
        return { kind: 'auth-required', reason: 'refresh token revoked' };
      default:
        return undefined;
    }
  }

  async #files(pkg: DeliveryPackage): Promise<MemoryEndpointItem['files']> {
    const files: MemoryEndpointItem['files'] = {};
    for (const f of pkg.files) {
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of await f.open()) {
        hash.update(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
      files[f.name] = { sha256: hash.digest('hex'), sizeBytes: size };
    }
    return files;
  }

  async submit(pkg: DeliveryPackage, ctx: DistributionContext): Promise<DistributionOutcome> {
    this.calls.push('submit');
    const fault = this.#faulted();
    if (fault) return fault;
    // A retried submission of content the endpoint already has updates it: never a second item.
    const existing = ctx.remoteId === undefined ? undefined : this.items.get(ctx.remoteId);
    const id = existing?.id ?? `item-${this.#next++}`;
    if (existing === undefined) await ctx.save({ remoteId: id });
    const state = this.capabilities.asyncProcessing && this.processingPolls > 0 ? 'processing' : 'live';
    this.items.set(id, {
      id,
      fields: { ...pkg.fields },
      files: await this.#files(pkg),
      state,
      ...(pkg.publishAt === undefined ? {} : { publishAt: pkg.publishAt }),
      revision: pkg.revision,
    });
    return { kind: 'success', remoteId: id, remoteState: state, response: { id, state } };
  }

  async update(pkg: DeliveryPackage, changes: DeliveryChanges, ctx: DistributionContext): Promise<DistributionOutcome> {
    this.calls.push('update');
    const fault = this.#faulted();
    if (fault) return fault;
    const item = ctx.remoteId === undefined ? undefined : this.items.get(ctx.remoteId);
    if (item === undefined) return { kind: 'failed', code: 'NOT_FOUND', message: `No item ${ctx.remoteId}` };
    for (const f of changes.fields) item.fields[f] = pkg.fields[f];
    const files = await this.#files({ ...pkg, files: pkg.files.filter((f) => changes.files.includes(f.name)) });
    Object.assign(item.files, files);
    for (const f of changes.removedFiles) delete item.files[f];
    item.revision = pkg.revision;
    return { kind: 'success', remoteState: 'live' };
  }

  async remove(mode: 'delete' | 'unpublish', ctx: DistributionContext): Promise<DistributionOutcome> {
    this.calls.push(`remove:${mode}`);
    const fault = this.#faulted();
    if (fault) return fault;
    if (ctx.remoteId === undefined) return { kind: 'success', remoteState: 'removed' };
    if (mode === 'delete') this.items.delete(ctx.remoteId);
    else {
      const item = this.items.get(ctx.remoteId);
      if (item !== undefined) item.state = 'unpublished';
    }
    return { kind: 'success', remoteState: mode === 'delete' ? 'removed' : 'unpublished' };
  }

  async poll(ctx: DistributionContext): Promise<DistributionOutcome> {
    this.calls.push('poll');
    const fault = this.#faulted();
    if (fault) return fault;
    const item = ctx.remoteId === undefined ? undefined : this.items.get(ctx.remoteId);
    if (item === undefined) return { kind: 'success', remoteState: 'removed' };
    if (item.state === 'processing' && --this.processingPolls <= 0) item.state = 'live';
    return { kind: 'success', remoteState: item.state };
  }

  async close(): Promise<void> {}
}

/**
 * A {@link DeliverySubject} of an asset with no files (title = its id): for distributor tests whose
 * endpoints take metadata only.
 */
export function filelessDeliverySubject(assetId: string): DeliverySubject {
  return {
    asset: { id: assetId, titles: [{ language: 'en', value: assetId, kind: 'main' }], synopses: [], custom: {} },
    version: { id: `${assetId}-v`, name: 'master' },
    renditions: [],
    related: [],
    captions: [],
    open: async () => {
      throw new Error('no files');
    },
  } as unknown as DeliverySubject;
}

/**
 * An endpoint that submits automatically to `adapter` (GB, SVOD), sending the title only and no
 * files: for distributor tests.
 */
export function filelessEndpoint(
  id: string,
  adapter: DistributionAdapter,
  maxConcurrent?: number,
): DistributionEndpoint {
  return {
    id,
    profile: { id, name: id, rights: { channel: 'svod', territories: ['GB'] }, automation: { submit: 'automatic' } },
    adapter,
    fields: (s: DeliverySubject) => ({ title: s.asset.id }),
    files: () => [],
    ...(maxConcurrent === undefined ? {} : { maxConcurrent }),
  };
}
