import { z } from 'zod';
import type { Catalog, PrincipalInput } from '../catalog/index.js';
import type { JobDefinition } from '../scheduler/index.js';
import { OrderSpecSchema } from './order-spec.js';
import { QcPolicySchema } from './policy.js';
import { recordQcReport } from './record-report.js';
import type { QcReport } from './report.js';
import type { QcReportStore } from './report-store.js';
import { runQc } from './run.js';

/** Input of a `qc` job: plain data, so it can travel to BullMQ workers. */
export const QcJobInputSchema = z.object({
  path: z.string().min(1).max(4096),
  policy: QcPolicySchema.optional(),
  order: OrderSpecSchema.optional(),
  /** Record findings on this version (needs `catalog` and `actor` in {@link qcJobs}). */
  versionId: z.string().min(1).max(128).optional(),
  renditionId: z.string().min(1).max(128).optional(),
});
/** Input of a `qc` job. */
export type QcJobInput = z.input<typeof QcJobInputSchema>;

/**
 * The `qc` job kind for any queue backend: QC one file, recording findings and the report when
 * the job names a version. The job's output is the report (JSON); its progress is the decode's.
 */
export function qcJobs(
  deps: { readonly catalog?: Catalog; readonly actor?: PrincipalInput; readonly store?: QcReportStore } = {},
): { readonly qc: JobDefinition<z.output<typeof QcJobInputSchema>, QcReport, QcJobInput> } {
  return {
    qc: {
      input: QcJobInputSchema,
      resources: { cpu: 1 },
      handler: async (input: z.output<typeof QcJobInputSchema>, { signal, progress }) => {
        const report = await runQc(input.path, {
          signal,
          onProgress: (p) => progress(p.percent ?? 0),
          ...(input.policy ? { policy: input.policy } : {}),
          ...(input.order ? { order: input.order } : {}),
          ...(input.versionId ? { versionId: input.versionId } : {}),
          ...(input.renditionId ? { renditionId: input.renditionId } : {}),
        });
        if (input.versionId === undefined || deps.catalog === undefined || deps.actor === undefined) return report;
        const { catalog, actor, store } = deps;
        return (await recordQcReport(report, { catalog, actor, ...(store ? { store } : {}) })).report;
      },
    },
  };
}
