import { createHash, createHmac } from 'node:crypto';

/**
 * The head of one audit chain: the last sequence number and hash (genesis: 0 and 64 zeros). Each
 * project has its own chain, so writers in different projects never wait for each other.
 */
export interface AuditHead {
  readonly seq: number;
  readonly hash: string;
}

/**
 * A summary of every project's chain, to record elsewhere (publish it, store it in another system)
 * and pass back as `expectedHead`: `seq` is the number of events in all chains, `hash` the
 * SHA-256 (HMAC-SHA-256 with the catalog's audit key, i.e. signed) of the sorted chain heads.
 */
export interface AuditAnchor extends AuditHead {
  /** The head of each project's chain. */
  readonly projects: Readonly<Record<string, AuditHead>>;
}

/** The hash before the first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** One changed field of a mutation. */
export interface AuditChange {
  /** Top-level field name, or `''` for a whole record created or deleted. */
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** One entry of the audit trail. */
export interface AuditEvent {
  /** Position in its project's chain: 1, 2, 3, … with no gaps. */
  readonly seq: number;
  readonly id: string;
  /** ISO 8601 UTC instant. */
  readonly at: string;
  /** Principal id. */
  readonly actor: string;
  /** What was done, e.g. `asset.update`, `lease.checkout`. */
  readonly action: string;
  readonly target: { readonly type: string; readonly id: string };
  /** The project the target belongs to; also the chain the event is part of. */
  readonly project: string;
  readonly changes: readonly AuditChange[];
  /** Hash of the previous event of the same project's chain. */
  readonly prevHash: string;
  /**
   * The caller's id of the operation the event records (e.g. a job id): a project's chain holds at
   * most one event per operation id, so a retried job records once. Absent on other events.
   */
  readonly operationId?: string;
  /** Hash (or HMAC) of this event's canonical form, including `prevHash`. */
  readonly hash: string;
}

/** Nesting depth up to which {@link canonicalJson} recurses; deeper values take the explicit-stack walk. */
const RECURSION_DEPTH = 200;
const TOO_DEEP: unique symbol = Symbol('too deep');

/** The canonical form by recursion (fast), throwing TOO_DEEP past {@link RECURSION_DEPTH} levels. */
function canonicalRecursive(v: unknown, depth: number): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (depth >= RECURSION_DEPTH) throw TOO_DEEP;
  if (Array.isArray(v)) {
    let s = '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) s += ',';
      s += v[i] === undefined ? 'null' : canonicalRecursive(v[i], depth + 1);
    }
    return `${s}]`;
  }
  const record = v as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  let s = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    s += `${i > 0 ? ',' : ''}${JSON.stringify(key)}:${canonicalRecursive(record[key], depth + 1)}`;
  }
  return `${s}}`;
}

/**
 * Canonical JSON: object keys sorted, no whitespace, `undefined` fields dropped. Any nesting depth
 * gives an answer, never a stack overflow: values up to 200 levels deep are written by recursion
 * (fast), deeper ones by an explicit stack (the same text).
 */
export function canonicalJson(value: unknown): string {
  try {
    return canonicalRecursive(value, 0);
  } catch (error) {
    if (error !== TOO_DEEP) throw error;
    return canonicalJsonIterative(value);
  }
}

/** {@link canonicalJson} without recursion: an explicit stack. */
export function canonicalJsonIterative(value: unknown): string {
  const out: string[] = [];
  // Work items: a value to write, or literal text.
  const stack: ({ readonly v: unknown } | string)[] = [{ v: value }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (typeof item === 'string') {
      out.push(item);
      continue;
    }
    const v = item.v;
    if (v === null || typeof v !== 'object') {
      out.push(JSON.stringify(v) ?? 'null');
      continue;
    }
    if (Array.isArray(v)) {
      stack.push(']');
      for (let i = v.length - 1; i >= 0; i--) {
        stack.push({ v: v[i] === undefined ? null : v[i] });
        if (i > 0) stack.push(',');
      }
      stack.push('[');
      continue;
    }
    const record = v as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort();
    stack.push('}');
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string;
      stack.push({ v: record[key] });
      stack.push(`${i > 0 ? ',' : ''}${JSON.stringify(key)}:`);
    }
    stack.push('{');
  }
  return out.join('');
}

/**
 * The hash of an event: SHA-256 of its canonical form without `hash`, or HMAC-SHA-256 when a key
 * is configured (then someone with write access to the database alone cannot forge a chain).
 */
export function hashAuditEvent(event: Omit<AuditEvent, 'hash'>, key?: string | Uint8Array): string {
  const body = canonicalJson({
    seq: event.seq,
    id: event.id,
    at: event.at,
    actor: event.actor,
    action: event.action,
    target: event.target,
    project: event.project,
    changes: event.changes,
    prevHash: event.prevHash,
    // Dropped by the canonical form when absent: events without one hash as before.
    operationId: event.operationId,
  });
  return (key === undefined ? createHash('sha256') : createHmac('sha256', key)).update(body).digest('hex');
}

/** The changed top-level fields between two records (`undefined` before = created, after = deleted). */
export function diffRecords(before: object | undefined, after: object | undefined): AuditChange[] {
  if (before === undefined || after === undefined) return [{ path: '', before: before ?? null, after: after ?? null }];
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  const changes: AuditChange[] = [];
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (key === 'revision' || key === 'updatedAt') continue;
    if (canonicalJson(a[key]) !== canonicalJson(b[key])) {
      changes.push({ path: key, before: a[key] ?? null, after: b[key] ?? null });
    }
  }
  return changes;
}

/**
 * The anchor over a set of chain heads: SHA-256 (or HMAC-SHA-256 with `key`) of the canonical JSON
 * of `[project, seq, hash]` sorted by project; `seq` is the total number of events.
 */
export function auditAnchor(heads: Readonly<Record<string, AuditHead>>, key?: string | Uint8Array): AuditAnchor {
  const projects = Object.keys(heads).sort(compareText);
  const list = projects.map((p) => [p, (heads[p] as AuditHead).seq, (heads[p] as AuditHead).hash]);
  const hash = (key === undefined ? createHash('sha256') : createHmac('sha256', key))
    .update(canonicalJson(list))
    .digest('hex');
  const copy: Record<string, AuditHead> = {};
  for (const p of projects) copy[p] = { seq: (heads[p] as AuditHead).seq, hash: (heads[p] as AuditHead).hash };
  return { seq: list.reduce((n, [, seq]) => n + (seq as number), 0), hash, projects: copy };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
