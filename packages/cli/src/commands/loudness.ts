/** `framewise loudness fix FILE --out FILE`: measure, plan, correct, re-measure. */
import { resolve } from 'node:path';
import { FramewiseError } from '@framewise/core/errors';
import { correctLoudness, loudnessOnlyPolicy, planLoudnessCorrection, runQc } from '@framewise/core/qc';
import { safeMediaPath } from '@framewise/core/transcode';
import type { CommandRunner } from '../cli/command.js';
import { EXIT } from '../cli/exit-codes.js';
import { arg, stringOpt } from '../cli/inputs.js';
import { assertWritableTarget } from '../cli/write-file.js';
import { mediaInput } from './media-input.js';
import { targetNamed } from './policies.js';

/** Run `loudness fix`. */
export const runLoudnessFix: CommandRunner = async ({ args, opts, out, signal }) => {
  const file = await mediaInput(arg(args, 0, 'file'));
  const output = safeMediaPath(stringOpt(opts, 'out') ?? '');
  if (resolve(output) === resolve(file))
    throw new FramewiseError(
      'INVALID_INPUT',
      `--out ${JSON.stringify(output)} is the input: write the corrected copy elsewhere`,
      {
        details: { input: file, output },
      },
    );
  await assertWritableTarget(output, opts.force === true, 'Corrected file');
  const target = targetNamed(stringOpt(opts, 'target') ?? 'r128');
  const before = await runQc(file, {
    policy: loudnessOnlyPolicy(target),
    signal,
    onProgress: (p) => out.progress('measuring', p.percent, p.done),
  });
  const plan = planLoudnessCorrection(before.loudness, target);
  const steps = plan.tracks.map((s) => ({
    programme: s.programme,
    kind: s.kind,
    ...('gainDb' in s ? { gainDb: s.gainDb } : {}),
    ...('reason' in s ? { reason: s.reason } : {}),
  }));
  for (const l of before.loudness)
    out.line(`before ${l.track}: integrated ${l.integrated ?? '-'} LUFS, true peak ${l.truePeak ?? '-'} dBTP`);
  for (const s of steps)
    out.line(
      `plan   ${s.programme}: ${s.kind}${s.gainDb === undefined ? '' : ` ${s.gainDb} dB`}${s.reason ? ` (${s.reason})` : ''}`,
    );
  if (!plan.needed) {
    out.line(`no correction needed for ${target.name}: nothing written`);
    out.result({ ok: true, corrected: false, target: target.name, plan: steps, before: before.loudness.map(summary) });
    return EXIT.OK;
  }
  await assertWritableTarget(output, opts.force === true, 'Corrected file');
  const result = await correctLoudness(file, output, plan, { signal });
  for (const l of result.after.loudness)
    out.line(`after  ${l.track}: integrated ${l.integrated ?? '-'} LUFS, true peak ${l.truePeak ?? '-'} dBTP`);
  out.line(`${result.after.verdict.toUpperCase()}  wrote ${result.output}`);
  out.result({
    ok: result.after.verdict !== 'fail',
    corrected: true,
    output: result.output,
    target: target.name,
    plan: steps,
    before: before.loudness.map(summary),
    after: result.after.loudness.map(summary),
    verdict: result.after.verdict,
  });
  return result.after.verdict === 'fail' ? EXIT.CHECK_FAILED : EXIT.OK;
};

const summary = (l: { track: string; integrated?: number; truePeak?: number; range?: number }) => ({
  track: l.track,
  integrated: l.integrated,
  truePeak: l.truePeak,
  range: l.range,
});
