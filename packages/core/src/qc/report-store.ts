import { FramewiseError } from '../errors/index.js';
import type { ObjectStorage } from '../storage/index.js';
import type { QcReport, QcVerdict } from './report.js';

/** Where QC reports are kept, by catalog version. */
export interface QcReportStore {
  /** Keep a report (it must name its version). */
  put(report: QcReport): Promise<void>;
  get(versionId: string, reportId: string): Promise<QcReport | undefined>;
  /** A version's reports, oldest first; optionally only those of one policy. */
  list(versionId: string, options?: { readonly policy?: string }): Promise<QcReport[]>;
  /** The newest report of a version (of one policy, when given). */
  latest(versionId: string, options?: { readonly policy?: string }): Promise<QcReport | undefined>;
}

function requireVersion(report: QcReport): string {
  if (report.versionId === undefined)
    throw new FramewiseError(
      'INVALID_INPUT',
      `QC report "${report.id}" of ${JSON.stringify(report.file)} names no version to store it under`,
      {
        details: { reportId: report.id },
      },
    );
  return report.versionId;
}

const byTime = (a: QcReport, b: QcReport) => a.checkedAt.localeCompare(b.checkedAt) || a.id.localeCompare(b.id);

/** QC reports in memory (tests, single-process tools). */
export function createMemoryQcReportStore(): QcReportStore {
  const reports = new Map<string, QcReport[]>();
  const list = async (versionId: string, options: { readonly policy?: string } = {}) =>
    (reports.get(versionId) ?? [])
      .filter((r) => options.policy === undefined || r.policy.name === options.policy)
      .sort(byTime);
  return {
    async put(report) {
      const versionId = requireVersion(report);
      reports.set(versionId, [...(reports.get(versionId) ?? []).filter((r) => r.id !== report.id), report]);
    },
    async get(versionId, reportId) {
      return reports.get(versionId)?.find((r) => r.id === reportId);
    },
    list,
    async latest(versionId, options) {
      return (await list(versionId, options)).at(-1);
    },
  };
}

/**
 * QC reports as JSON objects in object storage, one per report under
 * `<prefix>/<versionId>/<checkedAt>_<reportId>.json`, so a listing is in time order.
 */
export function createObjectStorageQcReportStore(storage: ObjectStorage, prefix = 'qc-reports'): QcReportStore {
  const folder = (versionId: string) => `${prefix}/${encodeURIComponent(versionId)}/`;
  const keyOf = (report: QcReport) =>
    `${folder(requireVersion(report))}${report.checkedAt.replace(/[:.]/g, '-')}_${encodeURIComponent(report.id)}.json`;
  const list = async (versionId: string, options: { readonly policy?: string } = {}) => {
    const out: QcReport[] = [];
    for await (const item of storage.list(folder(versionId))) {
      const report = JSON.parse((await storage.read(item.key)).toString('utf8')) as QcReport;
      if (options.policy === undefined || report.policy.name === options.policy) out.push(report);
    }
    return out.sort(byTime);
  };
  return {
    async put(report) {
      await storage.put(keyOf(report), Buffer.from(JSON.stringify(report)), { contentType: 'application/json' });
    },
    async get(versionId, reportId) {
      return (await list(versionId)).find((r) => r.id === reportId);
    },
    list,
    async latest(versionId, options) {
      return (await list(versionId, options)).at(-1);
    },
  };
}

/**
 * The newest report of a version under a policy, if it passes: what a delivery asks before it
 * sends. `allow: 'warn'` accepts warnings too.
 *
 * @throws `NOT_FOUND` when the version has no report of that policy; `CONFLICT` when the newest one
 * does not pass (the message lists its failing findings).
 */
export async function requirePassingQc(
  store: QcReportStore,
  versionId: string,
  policy: string,
  options: { readonly allow?: Exclude<QcVerdict, 'fail'> } = {},
): Promise<QcReport> {
  const report = await store.latest(versionId, { policy });
  if (report === undefined)
    throw new FramewiseError('NOT_FOUND', `Version "${versionId}" has no QC report under policy "${policy}"`, {
      details: { versionId, policy },
    });
  const accepted = options.allow === 'warn' ? ['pass', 'warn'] : ['pass'];
  if (!accepted.includes(report.verdict)) {
    const blocking = [
      ...report.findings.filter((f) => f.severity === 'fail'),
      ...(options.allow === 'warn' ? [] : report.findings.filter((f) => f.severity === 'warn')),
    ]
      .slice(0, 5)
      .map((f) => `${f.rule} at ${f.timecodeIn}`)
      .join(', ');
    throw new FramewiseError(
      'CONFLICT',
      `Version "${versionId}" did not pass QC policy "${policy}" (report ${report.id}, ${report.verdict}): ${blocking}`,
      { details: { versionId, policy, reportId: report.id, verdict: report.verdict } },
    );
  }
  return report;
}
