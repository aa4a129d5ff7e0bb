/**
 * `@framewise/core`: frame-accurate time, typed media models and the ports Framewise adapters
 * implement. Embed it in your MAM backend, delivery service or test harness.
 *
 * @packageDocumentation
 */
export * from './errors/index.js';
export * from './time/index.js';
