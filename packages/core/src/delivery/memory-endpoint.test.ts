import { distributionAdapterConformance, MemoryEndpoint } from '../testing/index.js';

const visible = (e: MemoryEndpoint) => [...e.items.values()].filter((i) => i.state !== 'unpublished').map((i) => i.id);

const reference = new MemoryEndpoint();
distributionAdapterConformance('memory endpoint (reference)', {
  create: () => reference,
  remoteItems: async () => visible(reference),
  fetchFile: async (_a, id, name) => reference.items.get(id)?.files[name]?.sha256,
  faults: {
    down: async () => {
      reference.fault = 'unavailable';
    },
    up: async () => {
      reference.fault = undefined;
    },
  },
});

const slow = new MemoryEndpoint({ asyncProcessing: true, remoteDelete: false, confirmsRemoval: true });
slow.processingPolls = 3;
distributionAdapterConformance('memory endpoint, processing asynchronously, unpublish only', {
  create: () => slow,
  remoteItems: async () => visible(slow),
});
