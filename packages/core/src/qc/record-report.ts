import { z } from 'zod';
import { type Annotation, IdSchema } from '../assets/index.js';
import { type Catalog, PrincipalSchema } from '../catalog/index.js';
import { FramewiseError } from '../errors/index.js';
import { hasMethods, parseInput } from '../support/index.js';
import type { QcReport } from './report.js';
import type { QcReportStore } from './report-store.js';
import { qcAnnotations } from './run.js';

/** Options of {@link recordQcReport}. */
export const RecordQcReportOptionsSchema = z.object({
  /** The catalog holding the version. */
  catalog: z.custom<Catalog>(hasMethods('getVersion', 'listAnnotations', 'addAnnotations', 'deleteAnnotations'), {
    message: 'must be a Catalog',
  }),
  /** Who records (needs write access to the version's project). */
  actor: PrincipalSchema,
  /** The version the report is about; default the report's own `versionId`. */
  versionId: IdSchema.optional(),
  /** Where the report itself is kept (for `requirePassingQc`), when given. */
  store: z.custom<QcReportStore>(hasMethods('put', 'latest'), { message: 'must be a QcReportStore' }).optional(),
});
/** Options of {@link recordQcReport}. */
export type RecordQcReportOptions = z.input<typeof RecordQcReportOptionsSchema>;

/** The part of a {@link QcReport} recording reads (a report that travelled as JSON works too). */
const ReportSchema = z.looseObject({
  id: z.string().min(1),
  file: z.string(),
  versionId: IdSchema.optional(),
  policy: z.object({ name: z.string().min(1), version: z.number() }),
  rate: z.object({ num: z.number(), den: z.number() }).loose(),
  findings: z.array(
    z.looseObject({
      rule: z.string().min(1),
      severity: z.string(),
      start: z.number().int().nonnegative(),
      duration: z.number().int().nonnegative(),
      message: z.string(),
    }),
  ),
});

/** What {@link recordQcReport} recorded. */
export interface RecordedQcReport {
  /** The report as stored: naming the version it was recorded on. */
  readonly report: QcReport;
  /** The `qc-finding` annotations added for its findings. */
  readonly annotations: readonly Annotation[];
  /** Ids of the annotations of an earlier report of the same policy, now removed. */
  readonly superseded: readonly string[];
}

/**
 * Record a QC report on a catalog version: keep the report in the store (when given), add its
 * findings as `qc-finding` annotations at the version's rate, and remove the findings an earlier
 * report of the same policy left on the version. The new findings are added before the old ones
 * are removed, so a failure midway never leaves the version without findings; recording again
 * converges on the same state.
 *
 * @throws `INVALID_INPUT` naming the bad option or report field, or when the report names no
 * version (and none is given) or another version than the one given; `NOT_FOUND` for an unknown
 * version; `FORBIDDEN` when the actor may not write it.
 */
export async function recordQcReport(report: QcReport, options: RecordQcReportOptions): Promise<RecordedQcReport> {
  const opts = parseInput(RecordQcReportOptionsSchema, options, 'Options of recordQcReport');
  const checked = parseInput(ReportSchema, report, 'QC report');
  const versionId = opts.versionId ?? checked.versionId;
  if (versionId === undefined)
    throw new FramewiseError(
      'INVALID_INPUT',
      `QC report "${checked.id}" of ${JSON.stringify(checked.file)} names no version: give recordQcReport a versionId`,
      { details: { reportId: checked.id } },
    );
  if (checked.versionId !== undefined && checked.versionId !== versionId)
    throw new FramewiseError(
      'INVALID_INPUT',
      `QC report "${checked.id}" is about version "${checked.versionId}", not "${versionId}"`,
      { details: { reportId: checked.id, versionId } },
    );
  const recorded: QcReport = report.versionId === versionId ? report : { ...report, versionId };
  const { catalog } = opts;
  const actor = options.actor;
  const version = await catalog.getVersion(actor, versionId);
  await opts.store?.put(recorded);
  const superseded = (await catalog.listAnnotations(actor, versionId))
    .filter((a) => a.type === 'qc-finding' && a.data.policy === recorded.policy.name)
    .map((a) => a.id);
  const inputs = qcAnnotations(recorded, version.rate);
  const annotations = inputs.length > 0 ? await catalog.addAnnotations(actor, versionId, inputs) : [];
  if (superseded.length > 0) await catalog.deleteAnnotations(actor, superseded);
  return { report: recorded, annotations, superseded };
}
