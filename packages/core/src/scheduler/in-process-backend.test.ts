import { queueBackendConformance } from '../testing/queue.js';
import { createInProcessBackend } from './in-process-backend.js';

queueBackendConformance('in-process', {
  create: async (definitions) => createInProcessBackend({ definitions, resources: { cpu: 1 } }),
});
