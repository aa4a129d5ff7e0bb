export { TypedEvents } from './events.js';
export { newId } from './ids.js';
export { type Clock, type LogFields, type Logger, silentLogger, systemClock } from './logger.js';
export {
  type SpanAttributes,
  type SpanAttributeValue,
  type Tracer,
  type TraceSpan,
  withSpan,
} from './observability.js';
export { ClockSchema, hasMethods, LoggerSchema, TracerSchema } from './option-schemas.js';
export { installCommand, loadOptionalPeer, type OptionalPeer, optionalPeer } from './optional-peer.js';
export {
  type AcquireSlotsOptions,
  type ReleaseSlots,
  type ResourceNeed,
  ResourceSlots,
  type ResourceSlotsOptions,
} from './resource-slots.js';
export { formatPath, invalid, parseInput, parseOptions } from './validation.js';
