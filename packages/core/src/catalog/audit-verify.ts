import {
  type AuditAnchor,
  type AuditEvent,
  type AuditHead,
  auditAnchor,
  GENESIS_HASH,
  hashAuditEvent,
} from './audit.js';

/** One problem found by {@link verifyAuditTrail}. */
export interface AuditProblem {
  /** The project whose chain it is in. */
  readonly project: string;
  /** The sequence number (in that project's chain) where it was found. */
  readonly seq: number;
  readonly kind: 'altered' | 'removed' | 'inserted' | 'reordered' | 'broken-link' | 'head-mismatch';
  readonly message: string;
}

/** The result of {@link verifyAuditTrail}. */
export interface AuditVerification {
  readonly ok: boolean;
  /** Events read. */
  readonly checked: number;
  /** The anchor as recomputed from the events read. */
  readonly head: AuditAnchor;
  readonly problems: readonly AuditProblem[];
}

/** Options for {@link verifyAuditTrail}. */
export interface VerifyAuditOptions {
  /** The HMAC key the chains were written with, if any. */
  readonly key?: string | Uint8Array;
  /**
   * An anchor recorded elsewhere (published, stored in another system). With it, truncation and a
   * rewritten chain are found too, and located by project when it lists the project heads; a bare
   * `{ seq, hash }` is compared with the recomputed anchor as a whole.
   */
  readonly expectedHead?: AuditHead | AuditAnchor;
  /**
   * The heads the store keeps beside the events (its head rows). Each chain must end exactly there:
   * events deleted from the end of a chain without touching its head are found.
   */
  readonly storedHeads?: Readonly<Record<string, AuditHead>>;
}

type Problem = AuditProblem & { event?: AuditEvent };

/** Checks one project's chain, events fed in sequence order. */
class ChainCheck {
  readonly problems: Problem[] = [];
  /** Hash → the sequence number the event was written with (known for intact or moved events). */
  private readonly writtenSeq = new Map<string, number>([[GENESIS_HASH, 0]]);
  /** Sequence number as written → hash, to check links. */
  private readonly hashAt = new Map<number, string>([[0, GENESIS_HASH]]);
  last: AuditHead = { seq: 0, hash: GENESIS_HASH };

  constructor(
    private readonly project: string,
    private readonly key: string | Uint8Array | undefined,
  ) {}

  private recompute(body: Omit<AuditEvent, 'hash'>, seq: number): string {
    return hashAuditEvent({ ...body, seq }, this.key);
  }

  private movedFrom(event: AuditEvent): number | undefined {
    const predecessor = this.writtenSeq.get(event.prevHash);
    if (predecessor === undefined || predecessor + 1 === event.seq) return undefined;
    const { hash, ...body } = event;
    return this.recompute(body, predecessor + 1) === hash ? predecessor + 1 : undefined;
  }

  private add(seq: number, kind: AuditProblem['kind'], message: string, event?: AuditEvent): void {
    this.problems.push({ project: this.project, seq, kind, message, ...(event === undefined ? {} : { event }) });
  }

  push(event: AuditEvent): void {
    const { hash, ...body } = event;
    let reported = false;
    let written: number | undefined = event.seq;
    if (this.recompute(body, event.seq) !== hash) {
      written = this.movedFrom(event);
      if (written === undefined) this.add(event.seq, 'altered', alteredMessage(event), event);
      else if (this.writtenSeq.has(hash))
        this.add(event.seq, 'inserted', `event ${event.seq} repeats event ${written}: an event was inserted`);
      else this.add(event.seq, 'reordered', `event ${event.seq} is intact but was written as event ${written}`);
      reported = true;
    }
    const last = this.last;
    if (event.seq <= last.seq) {
      this.add(
        event.seq,
        'inserted',
        `event ${event.seq} appears again after event ${last.seq}: an event was inserted`,
      );
      return;
    }
    if (event.seq > last.seq + 1) {
      const many = event.seq - 1 > last.seq + 1;
      const range = many ? `${last.seq + 1}-${event.seq - 1}` : `${last.seq + 1}`;
      this.add(last.seq + 1, 'removed', `event${many ? 's' : ''} ${range} ${many ? 'are' : 'is'} missing`);
      reported = true;
    }
    if (written !== undefined) {
      this.writtenSeq.set(hash, written);
      this.hashAt.set(written, hash);
    }
    const expectedPrev = this.hashAt.get((written ?? event.seq) - 1);
    if (!reported && expectedPrev !== undefined && event.prevHash !== expectedPrev) {
      this.add(
        event.seq,
        'broken-link',
        `event ${event.seq} does not link to event ${event.seq - 1}: an event was inserted or replaced before it`,
      );
    }
    this.last = { seq: event.seq, hash };
  }

  /** Resolve events read before the ones they were moved behind, now that every hash is known. */
  finish(): void {
    for (let changed = true; changed; ) {
      changed = false;
      for (const problem of this.problems) {
        const event = problem.event;
        if (problem.kind !== 'altered' || event === undefined) continue;
        const written = this.movedFrom(event);
        if (written === undefined) continue;
        Object.assign(problem, {
          kind: 'reordered',
          message: `event ${problem.seq} is intact but was written as event ${written}`,
          event: undefined,
        });
        this.writtenSeq.set(event.hash, written);
        changed = true;
      }
    }
  }
}

/** A head that does not match the chain it should end: truncated (events gone from the end) or rewritten. */
function headProblem(project: string, last: AuditHead, expected: AuditHead, what: string): AuditProblem | undefined {
  if (expected.seq === last.seq && expected.hash === last.hash) return undefined;
  const where = `project "${project}"`;
  return {
    project,
    seq: expected.seq,
    kind: 'head-mismatch',
    message:
      expected.seq > last.seq
        ? `${where}: the chain ends at event ${last.seq} but the ${what} is event ${expected.seq}: events were removed from the end`
        : `${where}: the chain's head (event ${last.seq}) does not match the ${what} (event ${expected.seq}): the chain was rewritten`,
  };
}

/**
 * Check an audit trail and say where it was tampered with. Events may come in any order across
 * projects but in sequence order within each project's chain. Found, per chain: an altered event
 * (content no longer matches its hash), a removed one (a gap in sequence numbers), an inserted one
 * (a duplicate sequence number or an event whose link does not fit), a reordered one (intact
 * content at another position), and a chain that does not end at the stored head or at the
 * recorded anchor (truncation, rewriting).
 */
export async function verifyAuditTrail(
  events: Iterable<AuditEvent> | AsyncIterable<AuditEvent>,
  options: VerifyAuditOptions = {},
): Promise<AuditVerification> {
  const chains = new Map<string, ChainCheck>();
  const chain = (project: string): ChainCheck => {
    let c = chains.get(project);
    if (c === undefined) {
      c = new ChainCheck(project, options.key);
      chains.set(project, c);
    }
    return c;
  };
  let checked = 0;
  for await (const event of events) {
    checked++;
    chain(event.project).push(event);
  }
  const problems: AuditProblem[] = [];
  const heads: Record<string, AuditHead> = {};
  for (const [project, c] of chains) {
    c.finish();
    heads[project] = c.last;
    for (const { event: _e, ...p } of c.problems) problems.push(p);
  }
  const check = (recorded: Readonly<Record<string, AuditHead>>, what: string) => {
    for (const project of Object.keys(recorded)) {
      const found = headProblem(project, heads[project] ?? GENESIS, recorded[project] as AuditHead, what);
      if (found !== undefined) problems.push(found);
    }
    for (const project of Object.keys(heads)) {
      if (recorded[project] !== undefined) continue;
      problems.push({
        project,
        seq: (heads[project] as AuditHead).seq,
        kind: 'head-mismatch',
        message: `project "${project}": the chain has ${(heads[project] as AuditHead).seq} events but the ${what} has none: the chain was added or its head removed`,
      });
    }
  };
  if (options.storedHeads !== undefined) check(options.storedHeads, 'stored head');
  const anchor = auditAnchor(heads, options.key);
  const expected = options.expectedHead;
  if (expected !== undefined) {
    if ('projects' in expected && expected.projects !== undefined) check(expected.projects, 'recorded head');
    else if (expected.seq !== anchor.seq || expected.hash !== anchor.hash) {
      problems.push({
        project: '',
        seq: expected.seq,
        kind: 'head-mismatch',
        message:
          expected.seq > anchor.seq
            ? `the trail has ${anchor.seq} events but the recorded anchor counts ${expected.seq}: events were removed`
            : `the trail's anchor does not match the recorded one: a chain was rewritten`,
      });
    }
  }
  problems.sort((a, b) => (a.project < b.project ? -1 : a.project > b.project ? 1 : a.seq - b.seq));
  return { ok: problems.length === 0, checked, head: anchor, problems };
}

const GENESIS: AuditHead = { seq: 0, hash: GENESIS_HASH };

function alteredMessage(event: AuditEvent): string {
  return `event ${event.seq} of project "${event.project}" (${event.action} on ${event.target.type} ${event.target.id}) does not match its hash: its content was changed`;
}
