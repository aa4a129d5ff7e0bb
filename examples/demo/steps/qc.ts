/**
 * Demo step 5, QC and compliance: check the mezzanine against the broadcast policy (EBU R128) and
 * its order in one decode, record the findings as timecoded annotations on the version, correct
 * the loud stretch, and check the corrected file again.
 */
import { join } from 'node:path';
import type { Catalog } from '@framewise/core/catalog';
import {
  BROADCAST_EBU_R128,
  correctLoudness,
  createObjectStorageQcReportStore,
  EBU_R128,
  type OrderSpecInput,
  planLoudnessCorrection,
  type QcReport,
  recordQcReport,
  requirePassingQc,
  runQc,
} from '@framewise/core/qc';
import type { ObjectStorage } from '@framewise/core/storage';
import { heading, note, table } from '../print.js';
import { demoEditor } from './catalog.js';

/** The delivery spec the mezzanine was ordered to. */
const ORDER: OrderSpecInput = {
  name: 'Crossing HD mezzanine',
  containers: ['mov'],
  video: { codec: 'prores', width: 1920, height: 1080, frameRate: '25', bitDepth: 10, chromaSubsampling: '4:2:2' },
  audio: { tracks: 1, sampleRate: 48_000 },
};

function findings(report: QcReport): void {
  table(
    ['rule', 'severity', 'in', 'out', 'track', 'finding'],
    report.findings.map((f) => [f.rule, f.severity, f.timecodeIn, f.timecodeOut, f.track ?? '', f.message]),
  );
}

export async function runQcStep(
  catalog: Catalog,
  storage: ObjectStorage,
  dataDir: string,
  source: string,
  versionId: string,
): Promise<void> {
  heading('QC and compliance: one decode, timecoded findings, loudness corrected and re-checked');
  const store = createObjectStorageQcReportStore(storage);
  // runQc only judges the file; recordQcReport records the findings on the version and keeps the report.
  const report = await runQc(source, { policy: BROADCAST_EBU_R128, order: ORDER, versionId });
  await recordQcReport(report, { catalog, actor: demoEditor, store });
  const loudness = report.loudness[0];
  note(
    `QC of ${source.split('/').pop()} under "${report.policy.name}" v${report.policy.version} and order "${report.order}": ${report.verdict.toUpperCase()} (${report.rules.length} rules; integrated ${loudness?.integrated} LUFS, range ${loudness?.range} LU, true peak ${loudness?.truePeak} dBTP)`,
  );
  findings(report);
  const annotations = (await catalog.listAnnotations(demoEditor, versionId)).filter((a) => a.type === 'qc-finding');
  note(`recorded ${annotations.length} qc-finding annotation(s) on the version; report ${report.id} stored`);
  try {
    await requirePassingQc(store, versionId, report.policy.name);
  } catch (error) {
    note(`delivery gate: ${(error as Error).message}`);
  }

  const plan = planLoudnessCorrection(report.loudness, EBU_R128);
  for (const step of plan.tracks)
    note(
      `loudness plan, ${step.programme}: ${step.kind === 'gain' ? `linear gain ${step.gainDb} dB (true peak after: ${step.predictedTruePeak} dBTP)` : step.kind === 'loudnorm' ? `two-pass loudnorm (${step.reason})` : step.kind === 'limit' ? `gain ${step.gainDb} dB and a true-peak limiter at ${step.ceilingDb} dBTP (${step.reason})` : `none (${step.reason})`}`,
    );
  const corrected = await correctLoudness(source, join(dataDir, 'media', 'low-tide-mezzanine-r128.mov'), plan);
  const after = corrected.after.loudness[0];
  note(
    `corrected: integrated ${after?.integrated} LUFS, true peak ${after?.truePeak} dBTP: loudness ${corrected.after.verdict.toUpperCase()}`,
  );
  const recheck = await runQc(corrected.output, { policy: BROADCAST_EBU_R128, order: ORDER, versionId });
  await recordQcReport(recheck, { catalog, actor: demoEditor, store });
  note(
    `re-checked the corrected file under "${recheck.policy.name}": ${recheck.verdict.toUpperCase()}${recheck.findings.length === 0 ? '' : ':'}`,
  );
  if (recheck.findings.length > 0) findings(recheck);
  const passing = await requirePassingQc(store, versionId, recheck.policy.name, { allow: 'warn' });
  note(
    `delivery gate: report ${passing.id} passes (${(await store.list(versionId)).length} reports kept for the version)`,
  );
}
