import { messageOf } from '../errors/index.js';

/**
 * The tracing port: an optional OpenTelemetry-compatible tracer. Framewise never imports
 * `@opentelemetry/api`; a host passes `trace.getTracer('my-service')` (or anything with the same
 * `startActiveSpan` shape) and Framewise opens spans around jobs, transfers, ffmpeg runs and
 * catalog transactions. Without a tracer nothing is recorded and nothing is allocated.
 */

/** Values a span attribute may hold (OpenTelemetry's primitive attribute values). */
export type SpanAttributeValue = string | number | boolean;

/** Attributes of a span: ids, sizes, kinds. Never credentials. */
export type SpanAttributes = Record<string, SpanAttributeValue | undefined>;

/** The part of an OpenTelemetry `Span` Framewise uses. */
export interface TraceSpan {
  /** Set one attribute. */
  setAttribute(key: string, value: SpanAttributeValue): unknown;
  /** Record a thrown value as an exception event. */
  recordException(exception: Error | string): unknown;
  /** Set the status: code 1 is OK, code 2 is ERROR (OpenTelemetry's `SpanStatusCode`). */
  setStatus(status: { code: number; message?: string }): unknown;
  /** End the span. */
  end(): void;
}

/**
 * The part of an OpenTelemetry `Tracer` Framewise uses: `startActiveSpan(name, options, fn)`, which
 * makes the span current while `fn` runs so nested work becomes its children.
 */
export interface Tracer {
  /** Start a span, make it active for `fn`, and return what `fn` returns. */
  startActiveSpan<F extends (span: TraceSpan) => unknown>(
    name: string,
    options: { attributes?: Record<string, SpanAttributeValue> },
    fn: F,
  ): ReturnType<F>;
}

const OK = 1;
const ERROR = 2;

/**
 * Run `fn` inside a span named `name` when a tracer is given (status ERROR and the exception
 * recorded when it throws), or just run it when not.
 *
 * @example
 * ```ts
 * await withSpan(options.tracer, 'framewise.storage.put', { key }, () => driver.put(key, body));
 * ```
 */
export function withSpan<T>(
  tracer: Tracer | undefined,
  name: string,
  attributes: SpanAttributes,
  fn: (span: TraceSpan | undefined) => Promise<T>,
): Promise<T> {
  if (tracer === undefined) return fn(undefined);
  const clean: Record<string, SpanAttributeValue> = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) clean[key] = value;
  return tracer.startActiveSpan(name, { attributes: clean }, async (span: TraceSpan) => {
    try {
      const result = await fn(span);
      span.setStatus({ code: OK });
      return result;
    } catch (error) {
      span.recordException(error instanceof Error ? error : messageOf(error));
      span.setStatus({ code: ERROR, message: messageOf(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}
