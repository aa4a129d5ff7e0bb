import { FramewiseError } from '../errors/index.js';
import { can, type Principal } from './access.js';
import {
  type AuditEvent,
  type AuditHead,
  type AuditVerification,
  type VerifyAuditOptions,
  verifyAuditTrail,
} from './audit.js';
import type { CatalogContext } from './context.js';

/** Read audit events from `fromSeq`; project admins see their projects' events, global admins and auditors all. */
export async function readAudit(
  ctx: CatalogContext,
  principal: Principal,
  fromSeq = 1,
  limit = 500,
): Promise<AuditEvent[]> {
  if (!Number.isSafeInteger(fromSeq) || fromSeq < 1 || !Number.isSafeInteger(limit) || limit < 1 || limit > 10_000) {
    throw new FramewiseError(
      'INVALID_INPUT',
      `Audit read from ${fromSeq} limit ${limit}: fromSeq must be >= 1 and limit 1-10000`,
      {
        details: { fromSeq, limit },
      },
    );
  }
  if (principal.global !== undefined) return ctx.store.readAudit(fromSeq, limit);
  // Filter by project in the store, before the limit: a project admin's page is full while
  // events of the project remain.
  const projects = [...new Set(principal.memberships.map((m) => m.project))].filter((p) => can(principal, 'audit', p));
  if (projects.length === 0) return [];
  return ctx.store.readAudit(fromSeq, limit, projects);
}

/** All events in sequence order, read page by page. */
async function* allEvents(ctx: CatalogContext): AsyncIterable<AuditEvent> {
  let from = 1;
  for (;;) {
    const page = await ctx.store.readAudit(from, 1000);
    yield* page;
    const last = page[page.length - 1];
    if (page.length < 1000 || last === undefined) return;
    from = last.seq + 1;
  }
}

/**
 * Verify the whole audit trail (global admins and auditors only): every event's hash, the chain
 * links and the sequence, and optionally a head recorded elsewhere.
 */
export async function verifyCatalogAudit(
  ctx: CatalogContext,
  principal: Principal,
  options: Pick<VerifyAuditOptions, 'expectedHead'> = {},
): Promise<AuditVerification> {
  if (principal.global === undefined) {
    throw new FramewiseError(
      'FORBIDDEN',
      `Principal "${principal.id}" may not verify the audit trail: it needs global admin or auditor`,
      {
        details: { principal: principal.id },
      },
    );
  }
  return verifyAuditTrail(allEvents(ctx), { ...options, ...(ctx.auditKey === undefined ? {} : { key: ctx.auditKey }) });
}

/** The current head of the audit chain, to record elsewhere as an anchor. */
export async function auditHead(ctx: CatalogContext, principal: Principal): Promise<AuditHead> {
  if (principal.global === undefined) {
    throw new FramewiseError(
      'FORBIDDEN',
      `Principal "${principal.id}" may not read the audit head: it needs global admin or auditor`,
      {
        details: { principal: principal.id },
      },
    );
  }
  return ctx.store.auditHead();
}
