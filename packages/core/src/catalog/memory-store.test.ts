import { catalogStoreConformance } from '../testing/index.js';
import { createMemoryCatalogStore } from './memory-store.js';

catalogStoreConformance('memory', { create: () => createMemoryCatalogStore() });
