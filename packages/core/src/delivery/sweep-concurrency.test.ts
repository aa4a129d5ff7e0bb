import { describe, expect, it } from 'vitest';
import { filelessDeliverySubject, filelessEndpoint } from '../testing/memory-endpoint.js';
import type { DistributionAdapter, DistributionOutcome } from './index.js';
import { createDistributor, createMemoryDistributionStore } from './index.js';

/** An adapter that takes a while per call and remembers how many calls overlapped. */
function slowAdapter() {
  let inFlight = 0;
  const seen = { max: 0, calls: 0 };
  const wait = async (): Promise<DistributionOutcome> => {
    inFlight++;
    seen.calls++;
    seen.max = Math.max(seen.max, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 15));
    inFlight--;
    return { kind: 'success', remoteId: `r${seen.calls}`, remoteState: 'live' };
  };
  const adapter: DistributionAdapter = {
    name: 'slow',
    capabilities: {
      update: true,
      remoteDelete: true,
      unpublish: false,
      asyncProcessing: false,
      confirmsRemoval: false,
      resumableUpload: false,
      scheduledPublish: false,
    },
    submit: wait,
    update: wait,
    remove: wait,
    poll: wait,
    close: async () => {},
  };
  return { adapter, seen };
}

const subject = filelessDeliverySubject;
const endpoint = filelessEndpoint;

describe('distributor sweep concurrency', () => {
  it('handles records in parallel, holding each endpoint to its maxConcurrent remote calls', async () => {
    const wide = slowAdapter();
    const narrow = slowAdapter();
    const distributor = createDistributor({
      store: createMemoryDistributionStore(),
      source: { load: async (assetId) => subject(assetId) },
      endpoints: [endpoint('wide', wide.adapter, 3), endpoint('narrow', narrow.adapter)],
      concurrency: 8,
    });
    const ids = Array.from({ length: 12 }, (_, i) => `asset-${String(i).padStart(2, '0')}`);
    for (const id of ids) await distributor.ready(id, `${id}-v`);
    const report = await distributor.sweep();
    expect(report.actions.filter((a) => a.action === 'submit')).toHaveLength(24);
    expect(report.actions.map((a) => a.recordId)).toEqual([...report.actions.map((a) => a.recordId)].sort());
    expect(wide.seen.max).toBe(3);
    expect(narrow.seen.max).toBe(1);
    expect((await distributor.liveOn('wide')).length + (await distributor.liveOn('narrow')).length).toBe(24);
  });

  it('refuses a concurrency that would stall it', () => {
    const { adapter } = slowAdapter();
    const base = { store: createMemoryDistributionStore(), source: { load: async (id: string) => subject(id) } };
    expect(() => createDistributor({ ...base, endpoints: [endpoint('e', adapter, 0)] })).toThrow(
      /maxConcurrent of endpoint "e"/,
    );
    expect(() => createDistributor({ ...base, endpoints: [], concurrency: 0 })).toThrow(/concurrency/);
  });
});
