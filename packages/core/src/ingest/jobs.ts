import { z } from 'zod';
import { AssetInputSchema, IdSchema, LabelSchema, VersionKindSchema } from '../assets/index.js';
import type { Catalog, PrincipalInput } from '../catalog/index.js';
import { QcPolicySchema, type QcReportStore } from '../qc/index.js';
import type { JobDefinition } from '../scheduler/index.js';
import type { ObjectStorage } from '../storage/index.js';
import { ingest } from './ingest.js';
import { IngestDerivativesSchema } from './options.js';
import type { IngestReport } from './report.js';

/** Input of an `ingest` job: plain data, so it can travel to BullMQ workers. */
export const IngestJobInputSchema = z.object({
  path: z.string().min(1).max(4096),
  asset: z.union([z.strictObject({ id: IdSchema }), AssetInputSchema]),
  name: z.string().min(1).max(255).optional(),
  version: z.object({ name: LabelSchema.optional(), kind: VersionKindSchema.optional() }).optional(),
  qc: z.object({ policy: QcPolicySchema, mode: z.enum(['gate', 'record']).default('gate') }).optional(),
  derivatives: IngestDerivativesSchema.optional(),
});
/** Input of an `ingest` job. */
export type IngestJobInput = z.input<typeof IngestJobInputSchema>;

/** What every `ingest` job of a worker shares: where to catalogue and store, and as whom. */
export interface IngestJobDeps {
  readonly catalog: Catalog;
  readonly actor: PrincipalInput;
  readonly storage: ObjectStorage;
  readonly storageId: string;
  readonly keyPrefix?: string;
  readonly qcStore?: QcReportStore;
}

/**
 * The `ingest` job kind for any queue backend: `ingest` one file, each step's progress reported as
 * the job's. The output is the ingest report. Ingest is idempotent by content, so a retried or
 * re-submitted job finds the version the first attempt made; submit with a `dedupeKey` (e.g. the
 * path) to keep one job per file in flight.
 */
export function ingestJobs(deps: IngestJobDeps): {
  readonly ingest: JobDefinition<z.output<typeof IngestJobInputSchema>, IngestReport, IngestJobInput>;
} {
  return {
    ingest: {
      input: IngestJobInputSchema,
      resources: (input) => ({ cpu: input.derivatives === undefined && input.qc === undefined ? 1 : 2 }),
      handler: async (input, { signal, progress }) =>
        ingest(input.path, {
          catalog: deps.catalog,
          actor: deps.actor,
          storage: deps.storage,
          storageId: deps.storageId,
          ...(deps.keyPrefix ? { keyPrefix: deps.keyPrefix } : {}),
          asset: input.asset,
          ...(input.name ? { name: input.name } : {}),
          ...(input.version ? { version: input.version } : {}),
          ...(input.qc ? { qc: { ...input.qc, ...(deps.qcStore ? { store: deps.qcStore } : {}) } } : {}),
          ...(input.derivatives ? { derivatives: input.derivatives } : {}),
          signal,
          onProgress: (p) => progress(p.percent),
        }),
    },
  };
}
