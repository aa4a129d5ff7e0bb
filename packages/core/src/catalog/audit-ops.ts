import { FramewiseError } from '../errors/index.js';
import { can, type Principal } from './access.js';
import { type AuditAnchor, type AuditEvent, auditAnchor } from './audit.js';
import { type AuditVerification, type VerifyAuditOptions, verifyAuditTrail } from './audit-verify.js';
import type { CatalogContext } from './context.js';

/** What {@link Catalog.readAudit} reads. */
export interface ReadAuditQuery {
  /**
   * The project whose chain to read, from `fromSeq`. Without it: the events of every project the
   * principal may audit, each chain from `fromSeq`, merged by time (`at`, then project and seq).
   */
  readonly project?: string;
  /** First sequence number (in the project's chain); default 1. */
  readonly fromSeq?: number;
  /** At most this many events (1-10000); default 500. */
  readonly limit?: number;
}

/**
 * Read audit events; project admins see their projects' chains, global admins and auditors all.
 * The limit applies to what the principal may see, so a page is never emptied by filtering.
 */
export async function readAudit(
  ctx: CatalogContext,
  principal: Principal,
  query: ReadAuditQuery = {},
): Promise<AuditEvent[]> {
  const fromSeq = query.fromSeq ?? 1;
  const limit = query.limit ?? 500;
  if (!Number.isSafeInteger(fromSeq) || fromSeq < 1 || !Number.isSafeInteger(limit) || limit < 1 || limit > 10_000) {
    throw new FramewiseError(
      'INVALID_INPUT',
      `Audit read from ${String(fromSeq)} limit ${String(limit)}: fromSeq must be >= 1 and limit 1-10000`,
      { details: { fromSeq, limit } },
    );
  }
  if (query.project !== undefined) {
    if (typeof query.project !== 'string' || !can(principal, 'audit', query.project)) return [];
    return ctx.store.readAudit(query.project, fromSeq, limit);
  }
  // Only the chains the principal may audit are read, so the limit applies after the filter: a
  // project admin's page is full while events of the project remain.
  const projects =
    principal.global !== undefined
      ? await ctx.store.auditProjects()
      : [...new Set(principal.memberships.map((m) => m.project))].filter((p) => can(principal, 'audit', p));
  const events: AuditEvent[] = [];
  for (const project of projects) events.push(...(await ctx.store.readAudit(project, fromSeq, limit)));
  events.sort(
    (a, b) =>
      (a.at < b.at ? -1 : a.at > b.at ? 1 : 0) ||
      (a.project < b.project ? -1 : a.project > b.project ? 1 : 0) ||
      a.seq - b.seq,
  );
  return events.slice(0, limit);
}

/** A project's events in sequence order, read page by page. */
async function* chainEvents(ctx: CatalogContext, project: string): AsyncIterable<AuditEvent> {
  let from = 1;
  for (;;) {
    const page = await ctx.store.readAudit(project, from, 1000);
    yield* page;
    const last = page[page.length - 1];
    if (page.length < 1000 || last === undefined) return;
    from = last.seq + 1;
  }
}

async function* allEvents(ctx: CatalogContext, projects: readonly string[]): AsyncIterable<AuditEvent> {
  for (const project of projects) yield* chainEvents(ctx, project);
}

function requireGlobal(principal: Principal, what: string): void {
  if (principal.global === undefined) {
    throw new FramewiseError(
      'FORBIDDEN',
      `Principal "${principal.id}" may not ${what}: it needs global admin or auditor`,
      { details: { principal: principal.id } },
    );
  }
}

/**
 * Verify the whole audit trail (global admins and auditors only): every event's hash, each
 * project chain's links and sequence, that each chain ends at its stored head, and optionally an
 * anchor recorded elsewhere.
 */
export async function verifyCatalogAudit(
  ctx: CatalogContext,
  principal: Principal,
  options: Pick<VerifyAuditOptions, 'expectedHead'> = {},
): Promise<AuditVerification> {
  requireGlobal(principal, 'verify the audit trail');
  const storedHeads = await ctx.store.auditHeads();
  const projects = await ctx.store.auditProjects();
  return verifyAuditTrail(allEvents(ctx, projects), {
    ...options,
    storedHeads,
    ...(ctx.auditKey === undefined ? {} : { key: ctx.auditKey }),
  });
}

/**
 * The anchor over every project chain's stored head (signed with the audit key when there is one),
 * to record elsewhere and pass back to {@link verifyCatalogAudit} as `expectedHead`.
 */
export async function auditHead(ctx: CatalogContext, principal: Principal): Promise<AuditAnchor> {
  requireGlobal(principal, 'read the audit head');
  return auditAnchor(await ctx.store.auditHeads(), ctx.auditKey);
}
