/** `framewise qc FILE --policy …`: one decode, timecoded findings, optional JSON report for `framewise report`. */
import type { OrderSpecInput, QcReport } from '@framewise/core/qc';
import { runQc } from '@framewise/core/qc';
import type { CommandRunner } from '../cli/command.js';
import { EXIT } from '../cli/exit-codes.js';
import { arg, readJsonFile, stringOpt } from '../cli/inputs.js';
import type { Output } from '../cli/output.js';
import { assertWritableTarget, writeOutputFile } from '../cli/write-file.js';
import { mediaInput } from './media-input.js';
import { policyNamed } from './policies.js';

/** Print a QC report's findings as a table. */
export function printFindings(out: Output, report: QcReport): void {
  if (report.findings.length === 0) return;
  out.table(
    ['rule', 'severity', 'in', 'out', 'track', 'finding'],
    report.findings.map((f) => [f.rule, f.severity, f.timecodeIn, f.timecodeOut, f.track ?? '', f.message]),
  );
}

/** Run `qc`. */
export const runQcCommand: CommandRunner = async ({ args, opts, out, signal }) => {
  const file = await mediaInput(arg(args, 0, 'file'));
  const policy = await policyNamed(stringOpt(opts, 'policy') ?? 'r128');
  const orderPath = stringOpt(opts, 'order');
  const order =
    orderPath === undefined ? undefined : ((await readJsonFile(orderPath, 'Order spec file')) as OrderSpecInput);
  const save = stringOpt(opts, 'save');
  if (save !== undefined) await assertWritableTarget(save, true, 'QC report file');
  const report = await runQc(file, {
    policy,
    ...(order === undefined ? {} : { order }),
    signal,
    onProgress: (p) => out.progress('decoding', p.percent, p.done),
  });
  if (save !== undefined)
    await writeOutputFile(save, `${JSON.stringify(report)}\n`, { force: true, what: 'QC report file' });
  out.line(
    `${report.verdict.toUpperCase()}  ${file} under "${report.policy.name}" v${report.policy.version}${report.order ? ` and order "${report.order}"` : ''}: ${report.rules.length} rules, ${report.findings.length} findings`,
  );
  for (const l of report.loudness)
    out.line(
      `loudness ${l.track}${l.layout ? ` (${l.layout})` : ''}: integrated ${l.integrated ?? '-'} LUFS, range ${l.range ?? '-'} LU, true peak ${l.truePeak ?? '-'} dBTP`,
    );
  printFindings(out, report);
  if (save !== undefined) out.line(`report saved to ${save}`);
  // The JSON result leaves the loudness series out (they are in the saved report).
  out.result({
    ok: true,
    verdict: report.verdict,
    report: { ...report, loudness: report.loudness.map(({ momentary, shortTerm, ...rest }) => rest) },
    ...(save === undefined ? {} : { saved: save }),
  });
  const failOn = stringOpt(opts, 'failOn') ?? 'fail';
  const failed = report.verdict === 'fail' || (failOn === 'warn' && report.verdict === 'warn');
  return failed ? EXIT.CHECK_FAILED : EXIT.OK;
};
