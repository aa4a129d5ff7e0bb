import type { AuditTamperHooks } from '@framewise/core/testing';

/** Audit tampering through raw SQL on the `framewise` schema, for the conformance suite. */
export function sqlTamperHooks(query: (text: string, params: unknown[]) => Promise<unknown>): AuditTamperHooks {
  return {
    async alterActor(seq, actor) {
      await query(`UPDATE framewise.fw_audit SET doc = jsonb_set(doc, '{actor}', to_jsonb($2::text)) WHERE seq = $1`, [
        seq,
        actor,
      ]);
    },
    async remove(seq) {
      await query('DELETE FROM framewise.fw_audit WHERE seq = $1', [seq]);
    },
  };
}
