import { z } from 'zod';

/** Limits on free-form JSON fields (`custom`, annotation `data`, event `details`). */
export const JSON_FIELD_LIMITS = Object.freeze({
  /** Nesting depth of objects and arrays. */
  maxDepth: 32,
  /** Length of the field's JSON text, in UTF-16 code units. */
  maxChars: 65_536,
});

/**
 * Why a string cannot be stored as text, or `undefined` when it can: a NUL character (PostgreSQL
 * text and jsonb refuse it) or an unpaired UTF-16 surrogate (it has no UTF-8 form).
 */
export function unstorableText(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return 'contains a NUL character';
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return 'contains an unpaired UTF-16 surrogate';
    }
    if (c >= 0xdc00 && c <= 0xdfff) return 'contains an unpaired UTF-16 surrogate';
  }
  return undefined;
}

/** A problem found by {@link jsonValueProblem}: where and what. */
export interface JsonValueProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * Check, without recursion, that a value is plain JSON data every store can keep: objects with
 * string keys, arrays, finite numbers, booleans, null and storable strings (see
 * {@link unstorableText}), at most `maxDepth` levels deep. Returns the first problem, or
 * `undefined`. `undefined` values are allowed (JSON drops them).
 */
export function jsonValueProblem(value: unknown, maxDepth: number, root = ''): JsonValueProblem | undefined {
  // Paths are built only for the problem found: each item links to its parent.
  interface Item {
    readonly v: unknown;
    readonly depth: number;
    readonly parent: Item | undefined;
    readonly key: string | number | undefined;
  }
  const pathOf = (item: Item): string => {
    const parts: string[] = [];
    for (let at: Item | undefined = item; at?.key !== undefined; at = at.parent) {
      parts.push(
        typeof at.key === 'number'
          ? `[${at.key}]`
          : `${at.parent?.key === undefined && root === '' ? '' : '.'}${at.key}`,
      );
    }
    return root + parts.reverse().join('');
  };
  const stack: Item[] = [{ v: value, depth: 0, parent: undefined, key: undefined }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { v, depth } = item;
    switch (typeof v) {
      case 'string': {
        const why = unstorableText(v);
        if (why !== undefined) return { path: pathOf(item), message: `text ${why}` };
        continue;
      }
      case 'number':
        if (!Number.isFinite(v)) return { path: pathOf(item), message: `${v} is not a finite number` };
        continue;
      case 'boolean':
      case 'undefined':
        continue;
      case 'bigint':
        return { path: pathOf(item), message: 'a BigInt is not JSON (pass a number or a string)' };
      case 'object': {
        if (v === null) continue;
        if (depth >= maxDepth) return { path: pathOf(item), message: `nests deeper than ${maxDepth} levels` };
        if (Array.isArray(v)) {
          for (let i = v.length - 1; i >= 0; i--) {
            const child: Item = { v: v[i], depth: depth + 1, parent: item, key: i };
            // JSON turns a hole or an undefined item into null: a store would give back another value.
            if (v[i] === undefined) return { path: pathOf(child), message: 'an undefined array item is not JSON' };
            stack.push(child);
          }
          continue;
        }
        const proto = Object.getPrototypeOf(v) as unknown;
        if (proto !== Object.prototype && proto !== null) {
          return { path: pathOf(item), message: `${Object.prototype.toString.call(v)} is not a plain JSON object` };
        }
        const keys = Object.keys(v);
        for (let i = keys.length - 1; i >= 0; i--) {
          const key = keys[i] as string;
          const child: Item = { v: (v as Record<string, unknown>)[key], depth: depth + 1, parent: item, key };
          const why = unstorableText(key);
          if (why !== undefined) return { path: pathOf(child), message: `key ${why}` };
          // Copying it (a parsed record, a spread) sets a prototype instead: the key would be lost.
          if (key === '__proto__') return { path: pathOf(child), message: 'key "__proto__" is not allowed' };
          stack.push(child);
        }
        continue;
      }
      default:
        return { path: pathOf(item), message: `a ${typeof v} is not JSON` };
    }
  }
  return undefined;
}

/**
 * A free-form JSON object field (`custom`, `data`, `details`): string keys up to 100 characters,
 * plain JSON values, at most {@link JSON_FIELD_LIMITS} deep and long.
 */
export function jsonRecordSchema() {
  return z.record(z.string().max(100), z.unknown()).superRefine((value, ctx) => {
    const problem = jsonValueProblem(value, JSON_FIELD_LIMITS.maxDepth);
    if (problem !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: problem.path === '' ? [] : problem.path.split('.'),
        message: problem.message,
      });
      return;
    }
    const chars = JSON.stringify(value).length;
    if (chars > JSON_FIELD_LIMITS.maxChars) {
      ctx.addIssue({
        code: 'custom',
        message: `is ${chars} characters of JSON, more than ${JSON_FIELD_LIMITS.maxChars}`,
      });
    }
  });
}
