import { type AudioProgramme, programmeSource } from '../assets/programmes.js';
import { FramewiseError } from '../errors/index.js';
import { safeMediaPath } from '../transcode/ffmpeg/media-path.js';
import type { FfmpegProgress } from '../transcode/ffmpeg/progress.js';
import { type FfmpegTools, runFfmpeg } from '../transcode/ffmpeg/runner.js';
import { INSTANCE, QcLogParser, type QcMeasurements } from './log-parser.js';
import type { QcPolicy } from './policy.js';

/** Options for {@link measureMedia}. */
export interface MeasureOptions extends FfmpegTools {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: FfmpegProgress) => void;
  /** The file's duration in microseconds, for progress percentages. */
  readonly durationUs?: number;
}

/** What the file holds, as the graph needs it. */
export interface MeasureTarget {
  readonly hasVideo: boolean;
  readonly audioTracks: number;
  /** Bits per sample of the video (legal ranges scale with it; default 8). */
  readonly bitDepth?: number;
  /**
   * Whether the video uses limited (16–235/240 at 8 bits) or full (0–255) code values (default
   * limited). Full-range video has no illegal code values, so the legal-level counters are not run
   * on it; the RGB gamut check converts from the right range either way.
   */
  readonly colourRange?: 'limited' | 'full';
  /** The Y'CbCr matrix, for the RGB gamut check (default BT.709, or BT.601 below 720 lines). */
  readonly matrix?: string;
  /** Picture height, to pick the default matrix. */
  readonly height?: number;
  /**
   * The audio programmes loudness is measured over (from {@link detectProgrammes}); default each
   * track on its own. Silence is measured per track either way.
   */
  readonly programmes?: readonly AudioProgramme[];
}

/** The programmes to measure: as given, or each track on its own. */
function programmesOf(target: MeasureTarget): readonly AudioProgramme[] {
  return (
    target.programmes ??
    [...Array(target.audioTracks).keys()].map((i) => ({ id: `audio:${i}`, layout: 'other' as const, tracks: [i] }))
  );
}

/** swscale's name for a probed matrix. */
function swsMatrix(target: MeasureTarget): string {
  switch (target.matrix) {
    case 'bt2020nc':
    case 'bt2020c':
      return 'bt2020';
    case 'smpte170m':
    case 'bt470bg':
      return 'bt601';
    case 'bt709':
      return 'bt709';
    default:
      return (target.height ?? 1080) < 720 ? 'bt601' : 'bt709';
  }
}

/**
 * The RGB gamut counter: each Y'CbCr sample is first pulled halfway towards the middle of the
 * range (Y' to a quarter above black, Cb/Cr towards 0), so that after the conversion to R'G'B' a
 * component x of the real picture lands at 0.25 + 0.5·x of the range: everything from −50 % to
 * 150 % is kept, nothing legal is clipped. A LUT then marks each component in or out of
 * [low, high], the darker of R, G and B says whether any is out, and blackframe counts the share
 * of such pixels per frame.
 */
function gamutChain(
  target: MeasureTarget,
  gamut: { lowPercent: number; highPercent: number; maxPixelShare: number },
): string[] {
  // The chain starts by converting to 8-bit 4:4:4, so its constants never depend on what format
  // the frames reach this branch in (a 10-bit source may arrive as 8-bit after format negotiation).
  const full = target.colourRange === 'full';
  const black = full ? 0 : 16;
  const span = full ? 255 : 219;
  const mid = 128;
  const lo = (255 * (0.25 + 0.5 * (gamut.lowPercent / 100))).toFixed(3);
  const hi = (255 * (0.25 + 0.5 * (gamut.highPercent / 100))).toFixed(3);
  const amount = Math.min(100, Math.floor(gamut.maxPixelShare * 100) + 1);
  const inGamut = `'if(between(val,${lo},${hi}),255,0)'`;
  return [
    `format=${full ? 'yuvj444p' : 'yuv444p'}`,
    `lutyuv=y='(val-${black})*0.5+${black}+${span / 4}':u='(val-${mid})*0.5+${mid}':v='(val-${mid})*0.5+${mid}'`,
    `scale=in_color_matrix=${swsMatrix(target)}:in_range=${full ? 'full' : 'limited'}:out_range=full:flags=accurate_rnd`,
    'format=gbrp',
    `lutrgb=r=${inGamut}:g=${inGamut}:b=${inGamut}`,
    'extractplanes=r+g+b[qcgr][qcgg][qcgb]',
    '[qcgr][qcgg]blend=all_mode=darken[qcgrg]',
    `[qcgrg][qcgb]blend=all_mode=darken,${INSTANCE.gamut}=amount=${amount}:threshold=128[qcgo]`,
  ];
}

const dB = (db: number) => 10 ** (db / 20);

/**
 * The ffmpeg arguments of the single QC decode: every video analysis chained on the first video
 * stream (blackdetect with the frames that end black runs, freezedetect, scdet, each frame's
 * timestamp printed), then split into the legal-level counters (a LUT classifying each sample,
 * blackframe counting per plane; not for full-range video) and the RGB gamut counter; per audio
 * programme ebur128 (true peak, frame log) over its channels (mono tracks joined into the
 * programme's layout, so BS.1770 weights apply: LFE out, surrounds ×1.41), and per track
 * silencedetect; each branch ends in a null output. The file is decoded once, whatever the number of checks.
 */
export function qcGraphArgs(input: string, target: MeasureTarget, policy: QcPolicy): string[] {
  const file = safeMediaPath(input);
  const chains: string[] = [];
  const outputs: string[] = [];
  if (target.hasVideo) {
    const video: string[] = [];
    // Every black run is reported (d=0) and the minimum duration applied when judging: blackdetect
    // ends a run still open at the end of the file on its last frame's start, one frame short, so
    // the frames that end a run are printed too and a run without one is extended to the file's end.
    if (policy.black !== false)
      video.push(
        `blackdetect=d=0:pic_th=${policy.black.pictureThreshold}:pix_th=${policy.black.pixelThreshold}`,
        `${INSTANCE.blackEnds}=mode=print:key=lavfi.black_end`,
      );
    if (policy.freeze !== false)
      video.push(`freezedetect=n=${dB(policy.freeze.noiseDb).toFixed(6)}:d=${policy.freeze.minSeconds}`);
    if (policy.scenes !== false) video.push(`scdet=threshold=${policy.scenes.threshold}`);
    // Every frame's timestamp (for gaps and repeats): a key added to each frame, then printed.
    video.push('metadata=mode=add:key=qc.frame:value=1', `${INSTANCE.frames}=mode=print:key=qc.frame`);
    const levels = policy.levels !== false && target.colourRange !== 'full';
    const gamut = policy.gamut !== false;
    const branches = [levels ? '[qcl]' : '', gamut ? '[qcg]' : ''].filter(Boolean);
    if (branches.length === 0) {
      chains.push(`[0:v:0]${video.join(',')}[qcv]`);
      outputs.push('[qcv]');
    } else {
      chains.push(`[0:v:0]${video.join(',')}${branches.length === 1 ? branches[0] : `,split=2${branches.join('')}`}`);
    }
    if (levels && policy.levels !== false) {
      // Legal levels: a LUT turns each sample into legal (`maxval`, the top of the legal range),
      // below (0) or above (0.4 × maxval); blackframe then counts, per plane, the share of samples
      // under a threshold (at 8 bits: legal 235, above 94, below 0; 128 counts both, 50 below).
      const scale = 2 ** ((target.bitDepth ?? 8) - 8);
      const lut = (low: number, high: number) =>
        `'if(between(val,${low * scale},${high * scale}),maxval,if(lt(val,${low * scale}),0,0.4*maxval))'`;
      const amount = Math.min(100, Math.floor(policy.levels.maxPixelShare * 100) + 1);
      chains.push(
        `[qcl]lutyuv=y=${lut(16, 235)}:u=${lut(16, 240)}:v=${lut(16, 240)},extractplanes=y+u+v[qcy][qcu][qcv]`,
        '[qcy]split[qcy1][qcy2]',
        `[qcy1]${INSTANCE.lumaOut}=amount=${amount}:threshold=128[qcyo]`,
        `[qcy2]${INSTANCE.lumaBelow}=amount=1:threshold=50[qcyl]`,
        `[qcu]${INSTANCE.cbOut}=amount=${amount}:threshold=128[qcuo]`,
        `[qcv]${INSTANCE.crOut}=amount=${amount}:threshold=128[qcvo]`,
      );
      outputs.push('[qcyo]', '[qcyl]', '[qcuo]', '[qcvo]');
    }
    if (gamut && policy.gamut !== false) {
      const [first, ...rest] = gamutChain(target, policy.gamut);
      // The first elements are one chain from [qcg]; the last two are their own chains.
      const extract = rest.findIndex((f) => f.startsWith('extractplanes'));
      chains.push(`[qcg]${[first, ...rest.slice(0, extract + 1)].join(',')}`, ...rest.slice(extract + 1));
      outputs.push('[qcgo]');
    }
  }
  const silenceFilters = (i: number) =>
    policy.silence === false
      ? []
      : [
          `silencedetect=n=${policy.silence.thresholdDb}dB:d=${policy.silence.minSeconds}`,
          `${INSTANCE.silenceStart(i)}=mode=print:key=lavfi.silence_start`,
          `${INSTANCE.silenceEnd(i)}=mode=print:key=lavfi.silence_end`,
        ];
  programmesOf(target).forEach((programme, p) => {
    const loudness = `${INSTANCE.loudness(p)}=peak=true:framelog=info`;
    if (programme.tracks.length === 1) {
      // One track: loudness then silence on the same chain (ebur128 passes the audio through).
      const i = programme.tracks[0] as number;
      chains.push(`[0:a:${i}]${[loudness, ...silenceFilters(i)].join(',')}[qca${i}]`);
      outputs.push(`[qca${i}]`);
      return;
    }
    // Mono tracks of one programme: each track's silence on its own, their loudness together.
    const pads = programme.tracks.map((i) => {
      if (policy.silence === false) return `[0:a:${i}]`;
      chains.push(`[0:a:${i}]asplit=2[qcj${i}][qcs${i}]`, `[qcs${i}]${silenceFilters(i).join(',')}[qca${i}]`);
      outputs.push(`[qca${i}]`);
      return `[qcj${i}]`;
    });
    chains.push(`${programmeSource(programme, pads)},${loudness}[qcp${p}]`);
    outputs.push(`[qcp${p}]`);
  });
  if (outputs.length === 0)
    throw new FramewiseError('INVALID_INPUT', `${JSON.stringify(input)} has no video or audio stream to check`, {
      details: { path: input },
    });
  const argv = ['-loglevel', 'level+info', '-i', file, '-filter_complex', chains.join(';')];
  for (const out of outputs) argv.push('-map', out, '-f', 'null', '-');
  return argv;
}

/**
 * Decode a file once and measure everything the policy checks. Decode errors do not make this
 * fail: they are measurements (a damaged file is a QC result, not an exception).
 *
 * @throws `INVALID_INPUT` when ffmpeg cannot read the file at all; `CANCELLED` when aborted.
 */
export async function measureMedia(
  input: string,
  target: MeasureTarget,
  policy: QcPolicy,
  options: MeasureOptions = {},
): Promise<QcMeasurements> {
  const parser = new QcLogParser(
    target.audioTracks,
    programmesOf(target).map((p) => ({ id: p.id, tracks: p.tracks, layout: p.layout })),
  );
  await runFfmpeg(qcGraphArgs(input, target, policy), {
    ...options,
    label: `QC of ${JSON.stringify(input)}`,
    onStderrLine: (line) => parser.push(line),
  });
  return parser.end();
}
