import type { z } from 'zod';
import { describeInput, FramewiseError } from '../errors/index.js';

/** Format a zod issue path the way people read it: `titles[0].language`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

/**
 * Parse `value` with a zod schema at a public boundary. On failure, throws `INVALID_INPUT` whose
 * message names what was being parsed, each offending field by path, and the problem.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 5).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  const more = result.error.issues.length > 5 ? ` (and ${result.error.issues.length - 5} more)` : '';
  throw new FramewiseError('INVALID_INPUT', `${what} is invalid: ${issues.join('; ')}${more}`, {
    details: { issues: result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })) },
  });
}

/** Parse factory options; same as {@link parseInput} but with code `INVALID_CONFIG`. */
export function parseOptions<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  try {
    return parseInput(schema, value, what);
  } catch (error) {
    const e = error as FramewiseError;
    throw new FramewiseError('INVALID_CONFIG', e.message, { details: e.details, cause: e.cause });
  }
}

/** Throw `INVALID_INPUT` for a value that fails a check outside a schema. */
export function invalid(what: string, value: unknown, why: string): never {
  throw new FramewiseError('INVALID_INPUT', `${what} ${describeInput(value)} ${why}`, { details: { value } });
}
