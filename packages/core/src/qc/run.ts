import { z } from 'zod';
import { type AnnotationInput, IdSchema } from '../assets/index.js';
import { type AudioProgrammeInput, detectProgrammes } from '../assets/programmes.js';
import { FramewiseError, isFramewiseError } from '../errors/index.js';
import { type Clock, parseInput } from '../support/index.js';
import { type FrameRateInput, TimeRange } from '../time/index.js';
import { assertRegularMediaFile, safeMediaPath } from '../transcode/ffmpeg/media-path.js';
import { type ProbeResult, probe } from '../transcode/ffmpeg/probe.js';
import { evaluateQc } from './evaluate.js';
import { emptyMeasurements, type QcMeasurements } from './log-parser.js';
import { type MeasureOptions, measureMedia } from './measure.js';
import { type OrderSpecInput, OrderSpecSchema } from './order-spec.js';
import { BROADCAST_EBU_R128, type QcPolicyInput, QcPolicySchema } from './policy.js';
import type { QcReport } from './report.js';

const SubjectSchema = z.object({ versionId: IdSchema.optional(), renditionId: IdSchema.optional() });

/** Options for {@link runQc}. */
export interface RunQcOptions extends MeasureOptions {
  /** Default {@link BROADCAST_EBU_R128}. */
  readonly policy?: QcPolicyInput;
  /** What was ordered: checked field by field when given. */
  readonly order?: OrderSpecInput;
  /** The file's probe, when the pipeline has it. */
  readonly probed?: ProbeResult;
  /**
   * Which audio tracks carry which programme, when the order does not say (the order's
   * `audio.programmes` wins); default the grouping of `detectProgrammes` (a run of 6 mono tracks is
   * 5.1, mono tracks otherwise pair as stereo).
   */
  readonly programmes?: readonly AudioProgrammeInput[];
  /**
   * The catalog version the file is, named in the report (so it can be stored and recorded with
   * `recordQcReport`). Nothing is written anywhere by `runQc`.
   */
  readonly versionId?: string;
  /** The catalog rendition the file is, named in the report. */
  readonly renditionId?: string;
  /** When the report says it was checked (default the system clock). */
  readonly clock?: Clock;
}

/**
 * QC one file: probe it, decode it once measuring everything the policy checks, judge the
 * measurements (and the order, when given), and return the report. It records nothing: the caller
 * records the findings on the catalog version and keeps the report with `recordQcReport`. A file
 * ffmpeg cannot read at all gives a failing report, not an error.
 *
 * A failure of the tool is never recorded as a defect of the file: ffmpeg killed by a signal throws
 * `TRANSIENT` (retry), a filter this ffmpeg lacks throws `UNSUPPORTED`, a run past `timeoutMs`
 * throws `TIMEOUT`.
 *
 * @throws `INVALID_INPUT` for a bad policy or order (naming the field), a path that could be read
 * as an ffmpeg option or protocol, or one that is not a regular file (a FIFO, a device); `NOT_FOUND`
 * when the file does not exist; `INVALID_CONFIG` when ffmpeg is missing; `CANCELLED` when aborted;
 * `TRANSIENT`, `UNSUPPORTED`, `TIMEOUT` for tool failures as above.
 */
export async function runQc(path: string, options: RunQcOptions = {}): Promise<QcReport> {
  const policy = parseInput(QcPolicySchema, options.policy ?? BROADCAST_EBU_R128, 'QC policy');
  const order = options.order === undefined ? undefined : parseInput(OrderSpecSchema, options.order, 'Order spec');
  parseInput(SubjectSchema, { versionId: options.versionId, renditionId: options.renditionId }, 'QC subject');
  const common = {
    file: path,
    policy,
    ...(order ? { order } : {}),
    ...(options.versionId === undefined ? {} : { versionId: options.versionId }),
    ...(options.renditionId === undefined ? {} : { renditionId: options.renditionId }),
    ...(options.clock ? { now: new Date(options.clock.now()) } : {}),
  };
  const tools = {
    ...(options.ffmpegPath ? { ffmpegPath: options.ffmpegPath } : {}),
    ...(options.ffprobePath ? { ffprobePath: options.ffprobePath } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  };
  try {
    await assertRegularMediaFile(safeMediaPath(path));
  } catch (error) {
    if (!isFramewiseError(error, 'NOT_FOUND')) throw error;
    throw new FramewiseError('NOT_FOUND', `QC input ${JSON.stringify(path)} does not exist or cannot be read`, {
      cause: error,
      details: { path },
    });
  }
  let probed: ProbeResult;
  try {
    probed = options.probed ?? (await probe(path, tools));
  } catch (error) {
    if (!isFramewiseError(error, 'INVALID_INPUT') || !/not readable media/.test(error.message)) throw error;
    return unreadable(common, error.message);
  }
  const technical = probed.technical;
  const programmes = detectProgrammes(technical.audio, order?.audio?.programmes ?? options.programmes);
  let measurements: QcMeasurements;
  try {
    measurements = await measureMedia(
      path,
      {
        hasVideo: technical.video.length > 0,
        audioTracks: technical.audio.length,
        ...(technical.video[0]?.bitDepth ? { bitDepth: technical.video[0].bitDepth } : {}),
        ...(technical.video[0]?.colourRange ? { colourRange: technical.video[0].colourRange } : {}),
        ...(technical.video[0]?.matrix ? { matrix: technical.video[0].matrix } : {}),
        ...(technical.video[0]?.height ? { height: technical.video[0].height } : {}),
        programmes,
      },
      policy,
      {
        ...tools,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(probed.durationUs === undefined ? {} : { durationUs: probed.durationUs }),
      },
    );
  } catch (error) {
    if (!isFramewiseError(error, 'INVALID_INPUT') || !/ffmpeg failed/.test(error.message)) throw error;
    return unreadable(common, error.message, technical);
  }
  return evaluateQc({
    ...common,
    technical,
    ...(probed.durationUs === undefined ? {} : { durationSeconds: probed.durationUs / 1e6 }),
    measurements,
  });
}

/** The report of a file that could not be read at all. */
function unreadable(
  common: Omit<Parameters<typeof evaluateQc>[0], 'technical' | 'measurements'>,
  why: string,
  technical: Parameters<typeof evaluateQc>[0]['technical'] = { container: 'unknown', video: [], audio: [] },
): QcReport {
  const base = evaluateQc({ ...common, technical, measurements: emptyMeasurements() });
  const finding = {
    rule: 'integrity.unreadable',
    severity: 'fail' as const,
    start: 0,
    duration: 0,
    timecodeIn: base.startTimecode,
    timecodeOut: base.startTimecode,
    message: `The file cannot be read: ${why}`,
  };
  return {
    ...base,
    verdict: 'fail',
    rules: [{ rule: 'integrity.unreadable', verdict: 'fail' }],
    findings: [finding],
  };
}

/** QC findings as catalog annotations on the version, at the version's rate. */
export function qcAnnotations(report: QcReport, versionRate?: FrameRateInput): AnnotationInput[] {
  return report.findings.map((f) => {
    let start = f.start;
    let duration = f.duration;
    if (versionRate !== undefined) {
      const range = TimeRange.of(f.start, f.duration, report.rate).toRate(versionRate);
      start = range.start;
      duration = range.duration;
    }
    return {
      type: 'qc-finding',
      start,
      duration,
      ...(f.track ? { track: f.track } : {}),
      text: f.message.slice(0, 20_000),
      data: {
        rule: f.rule,
        severity: f.severity,
        reportId: report.id,
        policy: report.policy.name,
        ...(f.measured ? { measured: f.measured } : {}),
        ...(f.expected ? { expected: f.expected } : {}),
      },
      provenance: { kind: 'qc-rule', id: f.rule, version: `${report.policy.name}@${report.policy.version}` },
      flags: [f.severity],
    };
  });
}
