import { distributionRecordStoreConformance } from '../testing/distribution-store.js';
import { createMemoryDistributionStore } from './record-store.js';

distributionRecordStoreConformance('memory', { create: () => createMemoryDistributionStore() });
