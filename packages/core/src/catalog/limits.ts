import { IdSchema, JSON_FIELD_LIMITS, jsonValueProblem } from '../assets/index.js';
import { describeInput, FramewiseError } from '../errors/index.js';

/**
 * The catalog's documented input limits. Every operation checks its arguments against them before
 * touching the store, so every store answers the same `INVALID_INPUT`.
 */
export const CATALOG_LIMITS = Object.freeze({
  /** Free text (titles, synopses, annotation text): characters per field. */
  maxTextChars: 20_000,
  /** Free-form JSON fields (`custom`, annotation `data`, event `details`): nesting depth. */
  maxJsonDepth: JSON_FIELD_LIMITS.maxDepth,
  /** Free-form JSON fields: characters of JSON text per field. */
  maxJsonChars: JSON_FIELD_LIMITS.maxChars,
  /** Nesting depth of an operation's arguments as a whole. */
  maxArgumentDepth: 40,
  /** Annotations per `addAnnotations`, ids per `deleteAnnotations`. */
  maxBatch: 10_000,
});

/**
 * Refuse arguments no store can keep, whatever the operation: BigInt, functions, symbols,
 * non-finite numbers, class instances, strings with NUL or unpaired surrogates, nesting deeper than
 * {@link CATALOG_LIMITS.maxArgumentDepth} (this also stops cycles). Walks without recursion, so
 * a value nested 100 000 deep is refused, not a stack overflow.
 */
export function checkArguments(operation: string, args: readonly unknown[]): void {
  for (let i = 0; i < args.length; i++) {
    const problem = jsonValueProblem(args[i], CATALOG_LIMITS.maxArgumentDepth, `argument ${i + 1}`);
    if (problem !== undefined) {
      throw new FramewiseError('INVALID_INPUT', `${operation}: ${problem.path}: ${problem.message}`, {
        details: { operation, path: problem.path },
      });
    }
  }
}

/** Refuse an id argument that is not an id (a number, an empty string, a path). */
export function checkId(value: unknown, what: string): string {
  if (typeof value === 'string' && IdSchema.safeParse(value).success) return value;
  throw new FramewiseError('INVALID_INPUT', `${what} ${describeInput(value)} is not an id`, {
    details: { what },
  });
}

/** Refuse a batch that is not an array, is larger than the limit, or repeats an id. */
export function checkBatch<T>(value: unknown, what: string, idOf: (item: T) => unknown): readonly T[] {
  if (!Array.isArray(value)) {
    throw new FramewiseError('INVALID_INPUT', `${what} must be an array`, { details: { what } });
  }
  if (value.length > CATALOG_LIMITS.maxBatch) {
    throw new FramewiseError(
      'INVALID_INPUT',
      `${what} has ${value.length} items, more than ${CATALOG_LIMITS.maxBatch}: split it into batches`,
      { details: { what, count: value.length, limit: CATALOG_LIMITS.maxBatch } },
    );
  }
  const seen = new Set<unknown>();
  value.forEach((item: T, index) => {
    const id = idOf(item);
    if (id === undefined) return;
    if (seen.has(id)) {
      throw new FramewiseError('INVALID_INPUT', `${what}[${index}] repeats id ${describeInput(id)}`, {
        details: { what, index, id: String(id) },
      });
    }
    seen.add(id);
  });
  return value as T[];
}
