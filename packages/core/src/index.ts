/**
 * `@framewise/core`: frame-accurate time, typed media models, the catalog, and the ports Framewise
 * adapters implement. Embed it in your MAM backend, delivery service or test harness.
 *
 * @packageDocumentation
 */
export * from './archive/index.js';
export * from './assets/index.js';
export * from './catalog/index.js';
export * from './delivery/index.js';
export * from './errors/index.js';
export * from './interchange/index.js';
export * from './qc/index.js';
export * from './rights/index.js';
export * from './scheduler/index.js';
export * from './storage/index.js';
export * from './support/index.js';
export * from './time/index.js';
export * from './transcode/index.js';
