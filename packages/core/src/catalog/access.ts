import { z } from 'zod';
import { IdSchema } from '../assets/index.js';
import { FramewiseError } from '../errors/index.js';

/** Roles a principal can hold in a project (a production). */
export const RoleSchema = z.enum(['viewer', 'editor', 'manager', 'admin']);
/** A role in a project. */
export type Role = z.output<typeof RoleSchema>;

/** What an operation needs. */
export type Permission = 'read' | 'write' | 'checkout' | 'delete' | 'break-lease' | 'audit';

const GRANTS: Record<Role, ReadonlySet<Permission>> = {
  viewer: new Set(['read']),
  editor: new Set(['read', 'write', 'checkout']),
  manager: new Set(['read', 'write', 'checkout', 'delete', 'break-lease']),
  admin: new Set(['read', 'write', 'checkout', 'delete', 'break-lease', 'audit']),
};

/**
 * Who is acting: a person or a service, with a role per project. Access is denied unless a
 * membership grants it. `global: 'admin'` may do everything everywhere; `global: 'auditor'` may
 * read everything and verify the audit trail.
 */
export const PrincipalSchema = z.object({
  id: IdSchema,
  kind: z.enum(['user', 'service']).default('user'),
  memberships: z
    .array(z.object({ project: IdSchema, role: RoleSchema }))
    .max(1000)
    .default([]),
  global: z.enum(['admin', 'auditor']).optional(),
});
/** Who is acting. */
export type Principal = z.output<typeof PrincipalSchema>;
/** A principal as given by the host. */
export type PrincipalInput = z.input<typeof PrincipalSchema>;

/** True when the principal holds `permission` in `project`. */
export function can(principal: Principal, permission: Permission, project: string): boolean {
  if (principal.global === 'admin') return true;
  if (principal.global === 'auditor' && (permission === 'read' || permission === 'audit')) return true;
  return principal.memberships.some((m) => m.project === project && GRANTS[m.role].has(permission));
}

/** The projects a principal may read, or `undefined` for all of them. */
export function readableProjects(principal: Principal): string[] | undefined {
  if (principal.global !== undefined) return undefined;
  return [...new Set(principal.memberships.map((m) => m.project))];
}

/**
 * The error for an asset the principal may not reach. It reads the same whether the asset exists
 * or not, so a denial reveals nothing.
 */
export function denied(
  principal: Principal,
  permission: Permission,
  targetType: string,
  targetId: string,
): FramewiseError {
  return new FramewiseError(
    'FORBIDDEN',
    `Principal "${principal.id}" may not ${permission} ${targetType} "${targetId}" (it does not exist or belongs to a production you lack that role in)`,
    { details: { principal: principal.id, permission, target: { type: targetType, id: targetId } } },
  );
}
