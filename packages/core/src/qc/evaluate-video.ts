/** The video rules of QC judged from measurements: legal levels, RGB gamut, black runs. */
import type { TechnicalMetadata } from '../assets/index.js';
import type { FrameGamut, FrameLevels, QcMeasurements } from './log-parser.js';
import type { QcPolicy } from './policy.js';
import type { Positions } from './positions.js';
import type { QcFinding } from './report.js';

/** What the video rules read of the file being judged. */
interface VideoRulesInput {
  readonly policy: QcPolicy;
  readonly technical: TechnicalMetadata;
}

/** Runs of consecutive frames outside the legal levels. */
export function levels(p: Positions, m: QcMeasurements, input: VideoRulesInput, out: QcFinding[]): void {
  if (input.policy.levels === false) return;
  const { severity, maxPixelShare, minFrames } = input.policy.levels;
  const depth = input.technical.video[0]?.bitDepth ?? 8;
  const scale = 2 ** (depth - 8);
  const luma = `${16 * scale}–${235 * scale}`;
  const chroma = `${16 * scale}–${240 * scale}`;
  const bad = m.levels.filter((f) => Math.max(f.lumaShare, f.chromaShare) > maxPixelShare);
  let run: FrameLevels[] = [];
  const flush = () => {
    if (run.length >= minFrames) {
      const first = p.frame((run[0] as FrameLevels).seconds);
      const max = (k: 'lumaShare' | 'lumaBelowShare' | 'chromaShare') => Math.max(...run.map((f) => f[k]));
      const above = Math.max(...run.map((f) => f.lumaShare - f.lumaBelowShare));
      const below = max('lumaBelowShare');
      const pct = (share: number) => `${Math.round(share * 100)} %`;
      const what = [
        above > 0 ? `luma above ${235 * scale} in up to ${pct(above)} of pixels` : '',
        below > 0 ? `luma below ${16 * scale} in up to ${pct(below)}` : '',
        max('chromaShare') > 0 ? `chroma outside ${chroma} in up to ${pct(max('chromaShare'))}` : '',
      ]
        .filter(Boolean)
        .join(', ');
      out.push(
        p.finding(
          'video.levels',
          severity,
          first,
          first + run.length,
          `Video outside legal ${depth}-bit levels for ${run.length} frame(s): ${what}`,
          {
            track: 'video',
            measured: { lumaAboveShare: above, lumaBelowShare: below, chromaShare: max('chromaShare') },
            expected: { luma, chroma, maxPixelShare },
          },
        ),
      );
    }
    run = [];
  };
  for (const frame of bad) {
    const previous = run.at(-1);
    if (previous !== undefined && p.frame(frame.seconds) !== p.frame(previous.seconds) + 1) flush();
    run.push(frame);
  }
  flush();
}

/** Runs of consecutive frames with more than the allowed share of pixels out of the RGB gamut. */
export function gamut(p: Positions, m: QcMeasurements, input: VideoRulesInput, out: QcFinding[]): void {
  if (input.policy.gamut === false) return;
  const { severity, maxPixelShare, minFrames, lowPercent, highPercent } = input.policy.gamut;
  let run: FrameGamut[] = [];
  const flush = () => {
    if (run.length >= minFrames) {
      const first = p.frame((run[0] as FrameGamut).seconds);
      const max = Math.max(...run.map((f) => f.share));
      const mean = run.reduce((sum, f) => sum + f.share, 0) / run.length;
      out.push(
        p.finding(
          'video.gamut',
          severity,
          first,
          first + run.length,
          `R'G'B' out of gamut (below ${lowPercent} % or above ${highPercent} %) for ${run.length} frame(s): up to ${Math.round(max * 100)} % of pixels (mean ${Math.round(mean * 100)} %)`,
          {
            track: 'video',
            measured: { maxShare: max, meanShare: Math.round(mean * 1000) / 1000, frames: run.length },
            expected: { lowPercent, highPercent, maxPixelShare },
          },
        ),
      );
    }
    run = [];
  };
  for (const frame of m.gamut.filter((f) => f.share > maxPixelShare)) {
    const previous = run.at(-1);
    if (previous !== undefined && p.frame(frame.seconds) !== p.frame(previous.seconds) + 1) flush();
    run.push(frame);
  }
  flush();
}

/**
 * Black runs, exact to the frame: a run ends where the first frame after it starts; one still
 * open at the end of the file (blackdetect then ends it at its last frame's start, and no frame
 * marks its end) ends with the last frame. Runs shorter than the policy's minimum are dropped.
 */
export function blackRuns(m: QcMeasurements, fps: number, minSeconds: number): { start: number; end: number }[] {
  const lastFrame = m.frameTimes.at(-1);
  const frameSeconds = 1 / fps;
  const near = (a: number, b: number) => Math.abs(a - b) < 0.25 / fps;
  return m.black
    .map((b) => {
      const end = b.end ?? lastFrame ?? b.start;
      const toEnd =
        b.end === undefined ||
        (lastFrame !== undefined && near(end, lastFrame) && !m.blackEnds.some((t) => near(t, end)));
      return { start: b.start, end: toEnd && lastFrame !== undefined ? lastFrame + frameSeconds : end };
    })
    .filter((b) => b.end - b.start >= minSeconds - 0.5 / fps);
}
