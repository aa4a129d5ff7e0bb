/** `framewise tc convert|add|diff`: SMPTE timecode at exact rates (drop-frame included). */
import { FramewiseError } from '@framewise/core/errors';
import { FrameRate, type Rounding, Timecode } from '@framewise/core/time';
import type { CommandRunner } from '../cli/command.js';
import { EXIT } from '../cli/exit-codes.js';
import { arg, stringOpt } from '../cli/inputs.js';

function rateOf(opts: Readonly<Record<string, unknown>>, name: string): FrameRate {
  const value = stringOpt(opts, name) ?? '';
  return FrameRate.parse(value);
}

/** A label, or a whole frame count (digits only). */
function timecodeOf(text: string, rate: FrameRate): Timecode {
  return /^\d{1,9}$/.test(text) ? Timecode.fromFrames(Number(text), rate) : Timecode.parse(text, rate);
}

/** A signed duration in frames: a frame count or a label, optionally with a leading `-` or `+`. */
function durationOf(text: string, rate: FrameRate): number {
  const sign = text.startsWith('-') ? -1 : 1;
  const body = /^[-+]/.test(text) ? text.slice(1) : text;
  if (body === '')
    throw new FramewiseError('INVALID_INPUT', `Duration ${JSON.stringify(text)} is empty`, { details: { text } });
  return sign * (/^\d{1,9}$/.test(body) ? Number(body) : Timecode.parse(body, rate).frames);
}

const seconds = (tc: Timecode) => Math.round(tc.toSecondsNumber() * 1e6) / 1e6;

/** `tc convert`: the same instant (from 00:00:00:00) at another rate. */
export const runTcConvert: CommandRunner = async ({ args, opts, out }) => {
  const from = rateOf(opts, 'from');
  const to = rateOf(opts, 'to');
  const input = timecodeOf(arg(args, 0, 'timecode'), from);
  const rounding = (stringOpt(opts, 'rounding') ?? 'nearest') as Rounding;
  const output = input.toRate(to, rounding);
  out.line(output.toString());
  out.result({
    ok: true,
    input: { timecode: input.toString(), frames: input.frames, rate: from.toString(), seconds: seconds(input) },
    output: { timecode: output.toString(), frames: output.frames, rate: to.toString(), seconds: seconds(output) },
    rounding,
  });
  return EXIT.OK;
};

/** `tc add`: a timecode plus a signed duration. */
export const runTcAdd: CommandRunner = async ({ args, opts, out }) => {
  const rate = rateOf(opts, 'rate');
  const start = timecodeOf(arg(args, 0, 'timecode'), rate);
  const delta = durationOf(arg(args, 1, 'duration'), rate);
  const result = start.add(delta, { overflow: opts.wrap === true ? 'wrap' : 'error' });
  out.line(result.toString());
  out.result({
    ok: true,
    rate: rate.toString(),
    start: start.toString(),
    deltaFrames: delta,
    timecode: result.toString(),
    frames: result.frames,
  });
  return EXIT.OK;
};

/** `tc diff`: frames from the first label to the second (negative when the second is earlier). */
export const runTcDiff: CommandRunner = async ({ args, opts, out }) => {
  const rate = rateOf(opts, 'rate');
  const a = timecodeOf(arg(args, 0, 'from'), rate);
  const b = timecodeOf(arg(args, 1, 'to'), rate);
  const frames = b.framesSince(a);
  const duration = Timecode.fromFrames(Math.abs(frames), rate, { overflow: 'wrap' });
  const secs = Math.round(((Math.abs(frames) * rate.den) / rate.num) * 1e6) / 1e6;
  out.line(`${frames < 0 ? '-' : ''}${duration.toString()}  (${frames} frames, ${frames < 0 ? '-' : ''}${secs} s)`);
  out.result({
    ok: true,
    rate: rate.toString(),
    from: a.toString(),
    to: b.toString(),
    frames,
    duration: `${frames < 0 ? '-' : ''}${duration.toString()}`,
    seconds: frames < 0 ? -secs : secs,
  });
  return EXIT.OK;
};
