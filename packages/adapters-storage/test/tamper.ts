import type { AuditTamperHooks } from '@framewise/core/testing';

/** Audit tampering through raw SQL on the `framewise` schema, for the conformance suite. */
export function sqlTamperHooks(query: (text: string, params: unknown[]) => Promise<unknown>): AuditTamperHooks {
  return {
    async alterActor(project, seq, actor) {
      await query(
        `UPDATE framewise.fw_audit SET doc = jsonb_set(doc, '{actor}', to_jsonb($3::text)) WHERE project = $1 AND seq = $2`,
        [project, seq, actor],
      );
    },
    async remove(project, seq) {
      await query('DELETE FROM framewise.fw_audit WHERE project = $1 AND seq = $2', [project, seq]);
    },
  };
}
