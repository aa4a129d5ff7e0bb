import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryPackage, DistributionAdapter, DistributionContext, DistributionOutcome } from '../index.js';

/** What the distribution adapter conformance suite needs from the test harness. */
export interface DistributionConformanceOptions {
  /** A working adapter against a fresh endpoint (a local server, a temp folder). */
  readonly create: () => Promise<DistributionAdapter> | DistributionAdapter;
  readonly destroy?: (adapter: DistributionAdapter) => Promise<void>;
  /** What is at the endpoint now (ids or names of delivered items, not counting removed ones). */
  readonly remoteItems: (adapter: DistributionAdapter) => Promise<readonly string[]>;
  /** SHA-256 of a delivered file as the endpoint holds it, when the harness can read it back. */
  readonly fetchFile?: (adapter: DistributionAdapter, remoteId: string, name: string) => Promise<string | undefined>;
  /** Take the endpoint down and bring it back (stop and restart the server), when the harness can. */
  readonly faults?: { readonly down: () => Promise<void>; readonly up: () => Promise<void> };
  /** Metadata fields the endpoint needs in every package. */
  readonly fields?: Readonly<Record<string, unknown>>;
  /** Polls to wait for asynchronous processing (default 20). */
  readonly maxPolls?: number;
}

/**
 * A {@link DistributionContext} that keeps what the adapter saves, as the distributor does: for
 * adapter tests outside the conformance suite.
 */
export function testDistributionContext(): DistributionContext & { saved: number } {
  const state = {
    remoteId: undefined as string | undefined,
    remoteFiles: {} as Record<string, string>,
    progress: undefined as unknown,
  };
  const ctx = {
    saved: 0,
    get remoteId() {
      return state.remoteId;
    },
    get remoteFiles() {
      return state.remoteFiles;
    },
    get progress() {
      return state.progress;
    },
    async save(update: { remoteId?: string; remoteFiles?: Readonly<Record<string, string>>; progress?: unknown }) {
      ctx.saved++;
      if (update.remoteId !== undefined) state.remoteId = update.remoteId;
      if (update.remoteFiles !== undefined) state.remoteFiles = { ...state.remoteFiles, ...update.remoteFiles };
      if ('progress' in update) state.progress = update.progress;
    },
  };
  return ctx;
}

function pkg(body: Buffer, revision: number, fields: Readonly<Record<string, unknown>>): DeliveryPackage {
  return {
    assetId: 'conformance-asset',
    versionId: 'conformance-version',
    endpointId: 'conformance-endpoint',
    revision,
    fields,
    files: [
      {
        role: 'media',
        name: 'media',
        sizeBytes: body.length,
        sha256: createHash('sha256').update(body).digest('hex'),
        contentType: 'video/mp4',
        open: async (start = 0) => Readable.from([body.subarray(start)]),
      },
    ],
  };
}

/**
 * The conformance suite of the {@link DistributionAdapter} port. Every Framewise distribution
 * adapter passes it; a platform team's adapter does the same to be one.
 */
export function distributionAdapterConformance(name: string, options: DistributionConformanceOptions): void {
  describe(`DistributionAdapter conformance: ${name}`, () => {
    let adapter: DistributionAdapter;
    const body = randomBytes(300 * 1024);
    const fields = { title: 'Conformance — “Episode 1”', description: 'Line one\nLine two & more', ...options.fields };
    const ctx = testDistributionContext();
    const settle = async (first: DistributionOutcome): Promise<DistributionOutcome> => {
      let outcome = first;
      for (
        let i = 0;
        i < (options.maxPolls ?? 20) && outcome.kind === 'success' && outcome.remoteState === 'processing';
        i++
      )
        outcome = await adapter.poll(ctx);
      return outcome;
    };
    beforeAll(async () => {
      adapter = await options.create();
    }, 60_000);
    afterAll(async () => {
      if (adapter !== undefined) await (options.destroy ?? ((a) => a.close()))(adapter);
    });

    it('declares its name and capabilities', () => {
      expect(adapter.name).toMatch(/^[a-z0-9-]+$/);
      for (const key of [
        'update',
        'remoteDelete',
        'unpublish',
        'asyncProcessing',
        'confirmsRemoval',
        'resumableUpload',
        'scheduledPublish',
      ])
        expect(typeof (adapter.capabilities as unknown as Record<string, unknown>)[key], key).toBe('boolean');
    });

    it('submits a package: the remote id is saved, the content goes live, the file arrives whole', async () => {
      const before = await options.remoteItems(adapter);
      const outcome = await settle(await adapter.submit(pkg(body, 1, fields), ctx));
      expect(outcome).toMatchObject({ kind: 'success' });
      expect(['live', 'scheduled']).toContain((outcome as { remoteState: string }).remoteState);
      const remoteId = (outcome as { remoteId?: string }).remoteId ?? ctx.remoteId;
      expect(remoteId).toBeDefined();
      if ((outcome as { remoteId?: string }).remoteId !== undefined && ctx.remoteId === undefined)
        await ctx.save({ remoteId: (outcome as { remoteId: string }).remoteId });
      expect((await options.remoteItems(adapter)).length).toBe(before.length + 1);
      if (options.fetchFile !== undefined)
        expect(await options.fetchFile(adapter, ctx.remoteId as string, 'media')).toBe(
          createHash('sha256').update(body).digest('hex'),
        );
    });

    it('delivers nothing twice: a repeated submission with the saved state does not add an item', async () => {
      const before = await options.remoteItems(adapter);
      const outcome = await settle(await adapter.submit(pkg(body, 2, fields), ctx));
      expect(outcome.kind).toBe('success');
      expect((await options.remoteItems(adapter)).length).toBe(before.length);
    });

    it('updates what changed, in place, when it can', async () => {
      if (!adapter.capabilities.update) return;
      const before = await options.remoteItems(adapter);
      const changed = { ...fields, title: 'Conformance — retitled' };
      const outcome = await adapter.update(
        pkg(body, 3, changed),
        { fields: ['title'], files: [], removedFiles: [] },
        ctx,
      );
      expect(outcome).toMatchObject({ kind: 'success' });
      expect((await options.remoteItems(adapter)).length).toBe(before.length);
    });

    it('answers with a value, not an exception, when the endpoint is down, and succeeds once it is back', async () => {
      if (options.faults === undefined) return;
      const other = testDistributionContext();
      await options.faults.down();
      let outcome: DistributionOutcome;
      try {
        outcome = await adapter.submit(pkg(body, 1, fields), other);
      } finally {
        await options.faults.up();
      }
      expect(['retry', 'parked']).toContain(outcome.kind);
      const again = await settle(await adapter.submit(pkg(body, 1, fields), other));
      expect(again.kind).toBe('success');
      const remoteId = (again as { remoteId?: string }).remoteId ?? other.remoteId;
      if (remoteId !== undefined && adapter.capabilities.remoteDelete)
        await adapter.remove('delete', {
          ...other,
          remoteId,
          remoteFiles: other.remoteFiles,
          progress: undefined,
          save: other.save,
        });
    });

    it('removes the content by the means it has (delete, else unpublish)', async () => {
      const mode = adapter.capabilities.remoteDelete
        ? 'delete'
        : adapter.capabilities.unpublish
          ? 'unpublish'
          : undefined;
      if (mode === undefined) return;
      const outcome = await adapter.remove(mode, ctx);
      expect(outcome).toMatchObject({ kind: 'success' });
      if (mode === 'delete') expect(await options.remoteItems(adapter)).not.toContain(ctx.remoteId);
      if (adapter.capabilities.confirmsRemoval) {
        const polled = await adapter.poll(ctx);
        expect(polled).toMatchObject({ kind: 'success' });
        expect(['removed', 'unpublished']).toContain((polled as { remoteState: string }).remoteState);
      }
    });
  });
}
