/**
 * `@framewise/core`: frame-accurate time, typed media models, the catalog, and the ports Framewise
 * adapters implement. Embed it in your MAM backend, delivery service or test harness.
 *
 * The root entry re-exports the public API of every domain. Each domain is also its own subpath
 * (`@framewise/core/time`, `/assets`, `/catalog`, `/rights`, `/scheduler`, `/transcode`, `/qc`, `/captions`,
 * `/storage`, `/archive`, `/delivery`, `/interchange`, `/ingest`, `/errors`); helpers for adapter authors are
 * in `@framewise/core/adapter-kit`, conformance suites in `@framewise/core/testing`.
 *
 * @packageDocumentation
 */
export * from './archive/index.js';
export * from './assets/index.js';
export * from './captions/index.js';
export * from './catalog/index.js';
export * from './delivery/index.js';
export * from './errors/index.js';
export * from './ingest/index.js';
export * from './interchange/index.js';
export * from './qc/index.js';
export * from './rights/index.js';
export * from './scheduler/index.js';
export * from './storage/index.js';
export type { Clock, LogFields, Logger } from './support/logger.js';
export { silentLogger, systemClock } from './support/logger.js';
export type { SpanAttributes, SpanAttributeValue, Tracer, TraceSpan } from './support/observability.js';
export * from './time/index.js';
export * from './time/schemas.js';
export * from './transcode/index.js';
