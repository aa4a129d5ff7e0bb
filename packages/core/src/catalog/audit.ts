import { createHash, createHmac } from 'node:crypto';

/** The head of the audit chain: the last sequence number and hash (genesis: 0 and 64 zeros). */
export interface AuditHead {
  readonly seq: number;
  readonly hash: string;
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
  /** 1, 2, 3, … with no gaps. */
  readonly seq: number;
  readonly id: string;
  /** ISO 8601 UTC instant. */
  readonly at: string;
  /** Principal id. */
  readonly actor: string;
  /** What was done, e.g. `asset.update`, `lease.checkout`. */
  readonly action: string;
  readonly target: { readonly type: string; readonly id: string };
  /** The project the target belongs to. */
  readonly project: string;
  readonly changes: readonly AuditChange[];
  /** Hash of the previous event. */
  readonly prevHash: string;
  /** Hash (or HMAC) of this event's canonical form, including `prevHash`. */
  readonly hash: string;
}

/**
 * Canonical JSON: object keys sorted, no whitespace, `undefined` fields dropped. Iterative (an
 * explicit stack, no recursion), so any nesting depth gives an answer, never a stack overflow.
 */
export function canonicalJson(value: unknown): string {
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

/** One problem found by {@link verifyAuditTrail}. */
export interface AuditProblem {
  /** The sequence number where it was found. */
  readonly seq: number;
  readonly kind: 'altered' | 'removed' | 'inserted' | 'reordered' | 'broken-link' | 'head-mismatch';
  readonly message: string;
}

/** The result of {@link verifyAuditTrail}. */
export interface AuditVerification {
  readonly ok: boolean;
  /** Events read. */
  readonly checked: number;
  /** The head as recomputed from the events read. */
  readonly head: AuditHead;
  readonly problems: readonly AuditProblem[];
}

/** Options for {@link verifyAuditTrail}. */
export interface VerifyAuditOptions {
  /** The HMAC key the chain was written with, if any. */
  readonly key?: string | Uint8Array;
  /**
   * A head recorded elsewhere (published, anchored in another system). With it, truncation and a
   * rewritten chain are found too.
   */
  readonly expectedHead?: AuditHead;
}

/**
 * Check an audit trail, read in sequence order, and say where it was tampered with: an altered
 * event (content no longer matches its hash), a removed one (a gap in sequence numbers), an
 * inserted one (a duplicate sequence number or an event whose link does not fit), a reordered one
 * (intact content at another position), or a head that does not match the recorded one.
 */
export async function verifyAuditTrail(
  events: Iterable<AuditEvent> | AsyncIterable<AuditEvent>,
  options: VerifyAuditOptions = {},
): Promise<AuditVerification> {
  const problems: (AuditProblem & { event?: AuditEvent })[] = [];
  /** Hash → the sequence number the event was written with (known for intact or moved events). */
  const writtenSeq = new Map<string, number>([[GENESIS_HASH, 0]]);
  /** Sequence number as written → hash, to check links. */
  const hashAt = new Map<number, string>([[0, GENESIS_HASH]]);
  const recompute = (body: Omit<AuditEvent, 'hash'>, seq: number) => hashAuditEvent({ ...body, seq }, options.key);
  const movedFrom = (event: AuditEvent): number | undefined => {
    const predecessor = writtenSeq.get(event.prevHash);
    if (predecessor === undefined || predecessor + 1 === event.seq) return undefined;
    const { hash, ...body } = event;
    return recompute(body, predecessor + 1) === hash ? predecessor + 1 : undefined;
  };
  let last: AuditHead = { seq: 0, hash: GENESIS_HASH };
  let checked = 0;
  for await (const event of events) {
    checked++;
    const { hash, ...body } = event;
    let reported = false;
    let written: number | undefined = event.seq;
    if (recompute(body, event.seq) !== hash) {
      written = movedFrom(event);
      problems.push(
        written === undefined
          ? { seq: event.seq, kind: 'altered', message: alteredMessage(event), event }
          : {
              seq: event.seq,
              kind: 'reordered',
              message: `event ${event.seq} is intact but was written as event ${written}`,
            },
      );
      reported = true;
    }
    if (event.seq <= last.seq) {
      problems.push({
        seq: event.seq,
        kind: 'inserted',
        message: `event ${event.seq} appears again after event ${last.seq}: an event was inserted`,
      });
      continue;
    }
    if (event.seq > last.seq + 1) {
      const range = event.seq - 1 > last.seq + 1 ? `${last.seq + 1}-${event.seq - 1}` : `${last.seq + 1}`;
      problems.push({
        seq: last.seq + 1,
        kind: 'removed',
        message: `event${range.includes('-') ? 's' : ''} ${range} ${range.includes('-') ? 'are' : 'is'} missing`,
      });
      reported = true;
    }
    if (written !== undefined) {
      writtenSeq.set(hash, written);
      hashAt.set(written, hash);
    }
    const expectedPrev = hashAt.get((written ?? event.seq) - 1);
    if (!reported && expectedPrev !== undefined && event.prevHash !== expectedPrev) {
      problems.push({
        seq: event.seq,
        kind: 'broken-link',
        message: `event ${event.seq} does not link to event ${event.seq - 1}: an event was inserted or replaced before it`,
      });
    }
    last = { seq: event.seq, hash };
  }
  // Events read before the ones they were moved behind: resolve them now that every hash is known.
  for (let changed = true; changed; ) {
    changed = false;
    for (const problem of problems) {
      const event = problem.event;
      if (problem.kind !== 'altered' || event === undefined) continue;
      const written = movedFrom(event);
      if (written === undefined) continue;
      Object.assign(problem, {
        kind: 'reordered',
        message: `event ${problem.seq} is intact but was written as event ${written}`,
        event: undefined,
      });
      writtenSeq.set(event.hash, written);
      changed = true;
    }
  }
  const expected = options.expectedHead;
  if (expected !== undefined && (expected.seq !== last.seq || expected.hash !== last.hash)) {
    problems.push({
      seq: expected.seq,
      kind: 'head-mismatch',
      message:
        expected.seq > last.seq
          ? `the trail ends at event ${last.seq} but the recorded head is event ${expected.seq}: events were removed from the end`
          : `the trail's head (event ${last.seq}) does not match the recorded head (event ${expected.seq}): the chain was rewritten`,
    });
  }
  const clean = problems.map(({ event: _e, ...p }) => p).sort((a, b) => a.seq - b.seq);
  return { ok: clean.length === 0, checked, head: last, problems: clean };
}

function alteredMessage(event: AuditEvent): string {
  return `event ${event.seq} (${event.action} on ${event.target.type} ${event.target.id}) does not match its hash: its content was changed`;
}
