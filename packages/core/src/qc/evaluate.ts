import type { TechnicalMetadata } from '../assets/index.js';
import { newId } from '../support/index.js';
import { blackRuns, gamut, levels } from './evaluate-video.js';
import type { QcMeasurements, SecondsInterval } from './log-parser.js';
import { checkOrder, type OrderSpec } from './order-spec.js';
import type { LoudnessTarget, QcPolicy, Severity } from './policy.js';
import { Positions } from './positions.js';
import { type QcFinding, type QcReport, type QcTrackLoudness, verdictOf } from './report.js';

/** What {@link evaluateQc} judges. */
export interface EvaluateInput {
  readonly file: string;
  readonly technical: TechnicalMetadata;
  /** Container duration in seconds, when known (for truncation). */
  readonly durationSeconds?: number;
  readonly measurements: QcMeasurements;
  readonly policy: QcPolicy;
  readonly order?: OrderSpec;
  readonly versionId?: string;
  readonly renditionId?: string;
  readonly now?: Date;
}

const round1 = (n: number | undefined) => (n === undefined ? Number.NaN : Math.round(n * 10) / 10);

/** Close intervals still open at the end of the file. */
function closed(intervals: readonly SecondsInterval[], end: number): { start: number; end: number }[] {
  return intervals.map((i) => ({ start: i.start, end: i.end ?? end }));
}

function integrity(p: Positions, m: QcMeasurements, input: EvaluateInput, out: QcFinding[]): void {
  if (input.policy.integrity === false) return;
  const { severity, maxGapFrames } = input.policy.integrity;
  const frameSeconds = 1 / p.fps;
  const times = m.frameTimes;
  for (let i = 1; i < times.length; i++) {
    const delta = (times[i] as number) - (times[i - 1] as number);
    const at = p.frame(times[i - 1] as number);
    if (delta <= 0) {
      out.push(
        p.finding(
          'integrity.repeated-timestamp',
          severity,
          at,
          at + 1,
          `Frame at ${p.timecode(at)} repeats the previous timestamp`,
          {
            track: 'video',
          },
        ),
      );
    } else if (delta > maxGapFrames * frameSeconds) {
      const missing = Math.round(delta * p.fps) - 1;
      out.push(
        p.finding(
          'integrity.dropped-frames',
          severity,
          at + 1,
          at + 1 + missing,
          `${missing} frame(s) missing after ${p.timecode(at)} (timestamps jump ${(delta * 1000).toFixed(0)} ms)`,
          { track: 'video', measured: { missingFrames: missing, gapMs: Math.round(delta * 1000) } },
        ),
      );
    }
  }
  const decodedEnd = times.length > 0 ? (times.at(-1) as number) + frameSeconds : m.decodedSeconds;
  const declared = input.durationSeconds;
  const short = declared !== undefined && declared - decodedEnd > Math.max(0.5, 2 * frameSeconds);
  if (m.truncated || short) {
    const from = p.frame(decodedEnd);
    const to = declared === undefined ? from : p.frame(declared);
    out.push(
      p.finding(
        'integrity.truncated',
        severity,
        from,
        to,
        `The file is cut short: decoding ends at ${p.timecode(from)}${declared === undefined ? '' : ` of a declared ${p.timecode(to)}`}`,
        {
          measured: { decodedSeconds: round1(decodedEnd) },
          ...(declared === undefined ? {} : { expected: { seconds: round1(declared) } }),
        },
      ),
    );
  }
  if (m.errors.length > 0) {
    const shown = m.errors
      .slice(0, 3)
      .map((e) => `${e.source ? `${e.source}: ` : ''}${e.message}`)
      .join('; ');
    out.push(
      p.finding(
        'integrity.decode-errors',
        severity,
        0,
        p.durationFrames,
        `${m.errors.length} decode error(s): ${shown}`,
        {
          measured: { errors: m.errors.length },
        },
      ),
    );
  }
}

function loudness(p: Positions, target: LoudnessTarget, tracks: QcTrackLoudness[], out: QcFinding[]): void {
  for (const t of tracks) {
    const whole = (rule: string, message: string, measured: number | undefined, expected: string) =>
      out.push(
        p.finding(rule, target.severity, 0, p.durationFrames, message, {
          track: t.track,
          measured: { value: round1(measured) },
          expected: { value: expected },
        }),
      );
    if (t.integrated !== undefined && Math.abs(t.integrated - target.integrated) > target.tolerance)
      whole(
        'loudness.integrated',
        `Integrated loudness ${round1(t.integrated)} LUFS; ${target.name} asks ${target.integrated} ± ${target.tolerance} LU`,
        t.integrated,
        `${target.integrated} ± ${target.tolerance} LUFS`,
      );
    if (t.truePeak !== undefined && t.truePeak > target.truePeakMax)
      whole(
        'loudness.true-peak',
        `True peak ${round1(t.truePeak)} dBTP above the ${target.truePeakMax} dBTP ceiling of ${target.name}`,
        t.truePeak,
        `≤ ${target.truePeakMax} dBTP`,
      );
    if (target.rangeMax !== undefined && t.range !== undefined && t.range > target.rangeMax)
      whole(
        'loudness.range',
        `Loudness range ${round1(t.range)} LU above ${target.rangeMax} LU`,
        t.range,
        `≤ ${target.rangeMax} LU`,
      );
    if (target.loudSegmentAbove === false) continue;
    // A momentary value at t covers the 400 ms before it.
    const limit = target.integrated + target.loudSegmentAbove;
    let run: { start: number; end: number; peak: number } | undefined;
    const flush = () => {
      if (run !== undefined && run.end - run.start >= target.loudSegmentSeconds) {
        const from = p.frame(run.start);
        out.push(
          p.finding(
            'loudness.loud-segment',
            'warn',
            from,
            p.frame(run.end),
            `Momentary loudness up to ${round1(run.peak)} LUFS, over ${limit} LUFS (${target.loudSegmentAbove} LU above target) from ${p.timecode(from)}`,
            { track: t.track, measured: { maxMomentary: round1(run.peak) }, expected: { value: `≤ ${limit} LUFS` } },
          ),
        );
      }
      run = undefined;
    };
    for (const [time, value] of t.momentary) {
      if (value > limit) {
        if (run === undefined) run = { start: Math.max(0, time - 0.4), end: time, peak: value };
        run.end = time;
        run.peak = Math.max(run.peak, value);
      } else flush();
    }
    flush();
  }
}

function intervals(
  p: Positions,
  rule: string,
  severity: Severity,
  list: readonly { start: number; end: number }[],
  describe: (seconds: number) => string,
  track: string,
  out: QcFinding[],
): void {
  for (const i of list) {
    const from = p.frame(i.start);
    out.push(
      p.finding(rule, severity, from, p.frame(i.end), describe(i.end - i.start), {
        track,
        measured: { seconds: round1(i.end - i.start) },
      }),
    );
  }
}

/**
 * Judge one file's measurements against a QC policy (and optionally its order): every finding with
 * its rule, severity, frame range and timecodes, measured and expected values; a verdict per rule
 * and for the file.
 */
export function evaluateQc(input: EvaluateInput): QcReport {
  const { measurements: m, policy, technical } = input;
  const p = new Positions(technical);
  const end = Math.max(m.decodedSeconds, (m.frameTimes.at(-1) ?? 0) + 1 / p.fps);
  p.durationFrames =
    technical.durationFrames ?? p.frame(input.durationSeconds ?? (m.frameTimes.length > 0 ? end : m.decodedSeconds));
  const findings: QcFinding[] = [];
  const rules = new Map<string, Severity[]>();
  const checked = (rule: string) => {
    if (!rules.has(rule)) rules.set(rule, []);
  };
  const hasVideo = technical.video.length > 0;

  if (policy.integrity !== false) for (const r of ['integrity.decode-errors', 'integrity.truncated']) checked(r);
  if (policy.integrity !== false && hasVideo)
    for (const r of ['integrity.dropped-frames', 'integrity.repeated-timestamp']) checked(r);
  integrity(p, m, input, findings);

  if (input.order !== undefined) {
    checked('order');
    for (const mismatch of checkOrder(technical, input.order))
      findings.push(
        p.finding(
          mismatch.rule,
          input.order.severity,
          0,
          p.durationFrames,
          `${mismatch.rule.slice(6)}: ordered ${mismatch.expected}, delivered ${mismatch.actual ?? 'none'}`,
          {
            ...(mismatch.track ? { track: mismatch.track } : {}),
            measured: { value: mismatch.actual ?? 'none' },
            expected: { value: mismatch.expected },
          },
        ),
      );
  }

  const tracks: QcTrackLoudness[] = m.programmes.map(({ id, tracks, layout, loudness: a }) => ({
    track: id,
    tracks,
    layout,
    ...(a.integrated === undefined ? {} : { integrated: a.integrated }),
    ...(a.threshold === undefined ? {} : { threshold: a.threshold }),
    ...(a.range === undefined ? {} : { range: a.range }),
    ...(a.truePeak === undefined ? {} : { truePeak: a.truePeak }),
    momentary: a.momentary,
    shortTerm: a.shortTerm,
  }));
  if (policy.loudness !== false && tracks.length > 0) {
    for (const r of ['loudness.integrated', 'loudness.true-peak', 'loudness.loud-segment']) checked(r);
    if (policy.loudness.rangeMax !== undefined) checked('loudness.range');
    loudness(p, policy.loudness, tracks, findings);
  }

  if (hasVideo) {
    if (policy.levels !== false) checked('video.levels');
    levels(p, m, input, findings);
    if (policy.gamut !== false) checked('video.gamut');
    gamut(p, m, input, findings);
    const black = policy.black === false ? [] : blackRuns(m, p.fps, policy.black.minSeconds);
    if (policy.black !== false) {
      checked('video.black');
      intervals(p, 'video.black', policy.black.severity, black, (s) => `${s.toFixed(2)} s of black`, 'video', findings);
    }
    if (policy.freeze !== false) {
      checked('video.freeze');
      // Black is also frozen picture: a freeze that is mostly black is reported once, as black.
      const freezes = closed(m.freeze, end).filter((f) => {
        const covered = black.reduce(
          (sum, b) => sum + Math.max(0, Math.min(b.end, f.end) - Math.max(b.start, f.start)),
          0,
        );
        return covered < 0.9 * (f.end - f.start);
      });
      intervals(
        p,
        'video.freeze',
        policy.freeze.severity,
        freezes,
        (s) => `${s.toFixed(2)} s of frozen picture`,
        'video',
        findings,
      );
    }
  }
  if (policy.silence !== false && m.audio.length > 0) {
    checked('audio.silence');
    const silence = policy.silence;
    const audioEnd = Math.max(...m.programmes.map((pr) => pr.loudness.momentary.at(-1)?.[0] ?? 0), end);
    m.audio.forEach((a, i) => {
      intervals(
        p,
        'audio.silence',
        silence.severity,
        closed(a.silence, audioEnd),
        (s) => `${s.toFixed(2)} s of silence`,
        `audio:${i}`,
        findings,
      );
    });
  }

  findings.sort((a, b) => a.start - b.start || a.rule.localeCompare(b.rule));
  for (const f of findings) {
    const key = f.rule.startsWith('order.') ? 'order' : f.rule;
    checked(key);
    rules.get(key)?.push(f.severity);
  }
  return {
    id: newId(),
    file: input.file,
    ...(input.versionId ? { versionId: input.versionId } : {}),
    ...(input.renditionId ? { renditionId: input.renditionId } : {}),
    policy: { name: policy.name, version: policy.version },
    ...(input.order ? { order: input.order.name } : {}),
    checkedAt: (input.now ?? new Date()).toISOString(),
    verdict: verdictOf(findings.map((f) => f.severity)),
    rate: p.rate.toJSON(),
    startTimecode: p.timecode(0),
    durationFrames: p.durationFrames,
    rules: [...rules].map(([rule, severities]) => ({ rule, verdict: verdictOf(severities) })),
    findings,
    loudness: tracks,
    sceneCuts: m.scenes.map((s) => p.frame(s.seconds)),
  };
}
