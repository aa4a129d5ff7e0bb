/** `framewise ladder FILE --template …`: plan an ABR ladder and run it decoding once. */
import { FramewiseError } from '@framewise/core/errors';
import {
  APPLE_HLS_H264,
  APPLE_HLS_HEVC,
  AV1_DEFAULT,
  type EncoderPreset,
  type LadderTemplateInput,
  planLadder,
  probe,
  runLadder,
} from '@framewise/core/transcode';
import type { CommandRunner } from '../cli/command.js';
import { EXIT } from '../cli/exit-codes.js';
import { arg, intOpt, stringOpt } from '../cli/inputs.js';
import { mediaInput } from './media-input.js';

const PRESETS: readonly EncoderPreset[] = [
  'ultrafast',
  'superfast',
  'veryfast',
  'faster',
  'fast',
  'medium',
  'slow',
  'slower',
  'veryslow',
];

const TEMPLATES: Readonly<Record<string, LadderTemplateInput>> = {
  'apple-hls-h264': APPLE_HLS_H264,
  'apple-hls-hevc': APPLE_HLS_HEVC,
  'av1-default': AV1_DEFAULT,
};

/** Run `ladder`. */
export const runLadderCommand: CommandRunner = async ({ args, opts, out, signal }) => {
  const file = await mediaInput(arg(args, 0, 'file'));
  const name = stringOpt(opts, 'template') ?? 'apple-hls-h264';
  const template = Object.hasOwn(TEMPLATES, name) ? TEMPLATES[name] : undefined;
  if (template === undefined)
    throw new FramewiseError(
      'INVALID_INPUT',
      `Ladder template ${JSON.stringify(name)} is not one of ${Object.keys(TEMPLATES).join(', ')}`,
      {
        details: { template: name },
      },
    );
  const outDir = stringOpt(opts, 'out');
  const planOnly = opts.planOnly === true;
  if (!planOnly && outDir === undefined)
    throw new FramewiseError('INVALID_INPUT', 'ladder needs --out <dir> (or --plan-only)', { details: {} });
  const maxRungs = intOpt(opts, 'maxRungs');
  const preset = (stringOpt(opts, 'preset') ?? 'veryfast') as EncoderPreset;
  if (!PRESETS.includes(preset))
    throw new FramewiseError(
      'INVALID_INPUT',
      `--preset ${JSON.stringify(preset)} is not one of ${PRESETS.join(', ')}`,
      {
        details: { preset },
      },
    );
  const probed = await probe(file, { signal });
  const plan = planLadder(probed.technical, template, maxRungs === undefined ? {} : { maxRungs });
  out.line(
    `ladder "${plan.template}" for ${file}: GOP ${plan.video[0]?.gopFrames ?? '-'} frames, ${plan.segmentSeconds} s segments`,
  );
  out.table(
    ['rung', 'name', 'codec', 'size', 'bitrate'],
    [
      ...plan.video.map((r) => [
        String(r.rung),
        r.name,
        r.codec,
        `${r.width}x${r.height}`,
        `${Math.round(r.bitRate / 1000)}k`,
      ]),
      ...plan.audio.map((a) => ['audio', a.name, a.codec, `${a.channels} ch`, `${Math.round(a.bitRate / 1000)}k`]),
    ],
  );
  for (const s of plan.skipped) out.line(`skipped ${s.name}: ${s.reason}`);
  if (planOnly || outDir === undefined) {
    out.result({ ok: true, plan });
    return EXIT.OK;
  }
  const result = await runLadder(file, plan, outDir, {
    preset,
    probed,
    signal,
    onProgress: (p) => out.progress(`encoding ${p.outputs.length} outputs`, p.percent, p.done),
  });
  for (const o of result.outputs) out.line(`wrote ${o.path}`);
  out.result({ ok: true, plan, outputs: result.outputs });
  return EXIT.OK;
};
