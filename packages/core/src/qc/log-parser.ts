/**
 * Reads the log of the single QC decode (ffmpeg at `-loglevel level+info`) into measurements:
 * what blackdetect, freezedetect, scdet, the legal-level counters, ebur128 and silencedetect
 * report, the timestamp of every decoded frame, and the errors of the demuxer and decoders.
 */

/** A span of seconds; `end` is undefined while still open at the end of the file. */
export interface SecondsInterval {
  readonly start: number;
  end?: number;
}

/** One frame with pixels outside the legal range: shares of its pixels (0-1, in 1 % steps). */
export interface FrameLevels {
  readonly seconds: number;
  /** Luma samples outside the legal range. */
  lumaShare: number;
  /** Luma samples below it (the rest of `lumaShare` is above). */
  lumaBelowShare: number;
  /** Chroma samples outside the legal range (the worse of Cb and Cr). */
  chromaShare: number;
}

/** One frame with pixels outside the RGB gamut: the share of its pixels (0-1, in 1 % steps). */
export interface FrameGamut {
  readonly seconds: number;
  readonly share: number;
}

/** Loudness of one audio programme (ITU-R BS.1770): one track, or mono tracks measured together. */
export interface TrackLoudness {
  /** Integrated loudness, LUFS (undefined when the track is too short or silent). */
  integrated?: number;
  /** Gating threshold of the integrated loudness, LUFS. */
  threshold?: number;
  /** Loudness range, LU. */
  range?: number;
  /** Maximum true peak, dBTP. */
  truePeak?: number;
  /** Momentary loudness (400 ms window) every 100 ms: `[seconds, LUFS]`. */
  readonly momentary: [number, number][];
  /** Short-term loudness (3 s window) every 100 ms: `[seconds, LUFS]`. */
  readonly shortTerm: [number, number][];
}

/** Everything one QC decode measured. */
export interface QcMeasurements {
  /** Presentation time of every decoded video frame, seconds, in decode output order. */
  readonly frameTimes: number[];
  readonly black: SecondsInterval[];
  readonly freeze: SecondsInterval[];
  readonly scenes: { readonly seconds: number; readonly score: number }[];
  /** Frames with any pixel outside the legal range. */
  readonly levels: FrameLevels[];
  /** Frames with more than the policy's share of pixels outside the RGB gamut. */
  readonly gamut: FrameGamut[];
  /**
   * Times of the frames where a black run ended (the first frame after it). A black run reported
   * without one here ran to the end of the file.
   */
  readonly blackEnds: number[];
  /** Per audio track, in stream order: silence. */
  readonly audio: { readonly silence: SecondsInterval[] }[];
  /**
   * Per audio programme (see {@link detectProgrammes}), in the order measured: its tracks and
   * layout, and its loudness measured over all its channels with their BS.1770 weights.
   */
  readonly programmes: {
    readonly id: string;
    readonly tracks: readonly number[];
    readonly layout: string;
    readonly loudness: TrackLoudness;
  }[];
  /** Error lines of the demuxer and decoders (at most 200 kept). */
  readonly errors: { readonly source: string; readonly message: string }[];
  /** The demuxer reported a partial (cut short) file. */
  truncated: boolean;
  /** Decoded duration of the longest stream, seconds. */
  decodedSeconds: number;
}

/** Names the QC graph gives its filter instances (their log lines carry them). */
export const INSTANCE = {
  frames: 'metadata@qc_frames',
  lumaOut: 'blackframe@qc_y_out',
  lumaBelow: 'blackframe@qc_y_low',
  cbOut: 'blackframe@qc_u_out',
  crOut: 'blackframe@qc_v_out',
  gamut: 'blackframe@qc_gamut',
  blackEnds: 'metadata@qc_black_end',
  loudness: (programme: number) => `ebur128@qc_loud_${programme}`,
  silenceStart: (track: number) => `ametadata@qc_ss_${track}`,
  silenceEnd: (track: number) => `ametadata@qc_se_${track}`,
} as const;

const LINE = /^(?:\[([^\]]+?) @ 0x[0-9a-f]+\] )?\[(\w+)\] (.*)$/;
const KEY_VALUE = /^lavfi\.([\w.]+)=(.*)$/;
const FRAME = /^frame:\s*\d+\s+pts:\s*-?\d+\s+pts_time:\s*(-?[\d.e+-]+)/;
const BLACKFRAME = /^frame:(\d+) pblack:(\d+) pts:-?\d+ t:(-?[\d.]+)/;
const EBUR128_FRAME = /^t:\s*([\d.]+)\s+TARGET:.*?M:\s*(-?[\d.]+|-inf)\s+S:\s*(-?[\d.]+|-inf)/;
const QC_FILTERS = new Set(['blackdetect', 'freezedetect', 'scdet', 'silencedetect']);

/** Measurements of nothing yet (or of a file that could not be decoded). */
export function emptyMeasurements(): QcMeasurements {
  return {
    frameTimes: [],
    black: [],
    freeze: [],
    scenes: [],
    levels: [],
    gamut: [],
    blackEnds: [],
    audio: [],
    programmes: [],
    errors: [],
    truncated: false,
    decodedSeconds: 0,
  };
}

/** Parses the log line by line; read the result from {@link QcLogParser.measurements}. */
export class QcLogParser {
  readonly measurements: QcMeasurements = emptyMeasurements();
  /** Frames with out-of-range pixels, by frame number, as the blackframe instances report them. */
  readonly #levels = new Map<number, FrameLevels>();
  /** The ebur128 instance whose multi-line summary is being read. */
  #summary: { track: TrackLoudness; section: string } | undefined;
  readonly #tracks: number;

  /**
   * @param programmes the programmes measured, in graph order (default: each track on its own).
   */
  constructor(
    audioTracks: number,
    programmes: readonly { readonly id: string; readonly tracks: readonly number[]; readonly layout: string }[] = [
      ...Array(audioTracks).keys(),
    ].map((i) => ({ id: `audio:${i}`, tracks: [i], layout: 'track' })),
  ) {
    this.#tracks = programmes.length;
    for (let i = 0; i < audioTracks; i++) this.measurements.audio.push({ silence: [] });
    for (const p of programmes)
      this.measurements.programmes.push({
        id: p.id,
        tracks: p.tracks,
        layout: p.layout,
        loudness: { momentary: [], shortTerm: [] },
      });
  }

  push(line: string): void {
    const match = LINE.exec(line);
    if (match === null) {
      if (this.#summary !== undefined) this.#summaryLine(line.trim());
      return;
    }
    this.#summary = undefined;
    const [, source = '', level = '', message = ''] = match;
    if (source === INSTANCE.frames) this.#frame(message);
    else if (source === INSTANCE.gamut) this.#gamut(message);
    else if (source === INSTANCE.blackEnds) {
      const frame = FRAME.exec(message);
      if (frame !== null) this.measurements.blackEnds.push(Number(frame[1]));
    } else if (source.startsWith('blackframe@qc_')) this.#level(source, message);
    else if (source.startsWith('ebur128@qc_loud_')) this.#loudness(Number(source.slice(16)), message);
    else if (source.startsWith('ametadata@qc_s')) this.#silence(source, message);
    else if (source === 'blackdetect') this.#black(message);
    else if (source === 'freezedetect') this.#freeze(message);
    else if (source === 'scdet') this.#scene(message);
    else if ((level === 'error' || level === 'fatal') && !QC_FILTERS.has(source)) {
      if (/partial file/i.test(message)) this.measurements.truncated = true;
      if (this.measurements.errors.length < 200) this.measurements.errors.push({ source, message });
    }
  }

  /** Call once the log has ended. */
  end(): QcMeasurements {
    this.measurements.levels.push(...[...this.#levels.values()].sort((a, b) => a.seconds - b.seconds));
    const last = this.measurements.frameTimes.at(-1);
    if (last !== undefined) this.measurements.decodedSeconds = Math.max(this.measurements.decodedSeconds, last);
    return this.measurements;
  }

  #frame(message: string): void {
    const frame = FRAME.exec(message);
    if (frame !== null) this.measurements.frameTimes.push(Number(frame[1]));
  }

  #level(source: string, message: string): void {
    const m = BLACKFRAME.exec(message);
    if (m === null) return;
    const n = Number(m[1]);
    const share = Number(m[2]) / 100;
    let frame = this.#levels.get(n);
    if (frame === undefined) {
      frame = { seconds: Number(m[3]), lumaShare: 0, lumaBelowShare: 0, chromaShare: 0 };
      this.#levels.set(n, frame);
    }
    if (source === INSTANCE.lumaOut) frame.lumaShare = share;
    else if (source === INSTANCE.lumaBelow) frame.lumaBelowShare = share;
    else frame.chromaShare = Math.max(frame.chromaShare, share);
  }

  #gamut(message: string): void {
    const m = BLACKFRAME.exec(message);
    if (m !== null) this.measurements.gamut.push({ seconds: Number(m[3]), share: Number(m[2]) / 100 });
  }

  #black(message: string): void {
    const m = /black_start:\s*([\d.]+)\s+black_end:\s*([\d.]+)/.exec(message);
    if (m !== null) this.measurements.black.push({ start: Number(m[1]), end: Number(m[2]) });
  }

  #freeze(message: string): void {
    const start = /freeze_start:\s*([\d.]+)/.exec(message);
    if (start !== null) {
      this.measurements.freeze.push({ start: Number(start[1]) });
      return;
    }
    const end = /freeze_end:\s*([\d.]+)/.exec(message);
    const open = this.measurements.freeze.at(-1);
    if (end !== null && open !== undefined && open.end === undefined) open.end = Number(end[1]);
  }

  #scene(message: string): void {
    const m = /scd\.score:\s*([\d.]+),\s*lavfi\.scd\.time:\s*([\d.]+)/.exec(message);
    if (m !== null) this.measurements.scenes.push({ seconds: Number(m[2]), score: Number(m[1]) });
  }

  #loudness(programme: number, message: string): void {
    const entry = this.measurements.programmes[programme];
    if (entry === undefined || programme >= this.#tracks) return;
    const frame = EBUR128_FRAME.exec(message);
    if (frame !== null) {
      const t = Number(frame[1]);
      const m = frame[2] === '-inf' ? -120.7 : Number(frame[2]);
      const s = frame[3] === '-inf' ? -120.7 : Number(frame[3]);
      entry.loudness.momentary.push([t, m]);
      entry.loudness.shortTerm.push([t, s]);
      this.measurements.decodedSeconds = Math.max(this.measurements.decodedSeconds, t);
      return;
    }
    // Under -filter_complex the summary is printed twice; the last one is the valid one.
    if (message.startsWith('Summary:')) this.#summary = { track: entry.loudness, section: '' };
  }

  #summaryLine(line: string): void {
    const summary = this.#summary as { track: TrackLoudness; section: string };
    if (/^Integrated loudness:/.test(line)) summary.section = 'integrated';
    else if (/^Loudness range:/.test(line)) summary.section = 'range';
    else if (/^True peak:/.test(line)) summary.section = 'peak';
    const value = (re: RegExp) => {
      const m = re.exec(line);
      return m === null ? undefined : m[1] === '-inf' ? Number.NEGATIVE_INFINITY : Number(m[1]);
    };
    const t = summary.track;
    if (summary.section === 'integrated') {
      const i = value(/^I:\s*(-?[\d.]+|-inf)/);
      if (i !== undefined) t.integrated = i;
      const th = value(/^Threshold:\s*(-?[\d.]+|-inf)/);
      if (th !== undefined) t.threshold = th;
    } else if (summary.section === 'range') {
      const lra = value(/^LRA:\s*(-?[\d.]+)/);
      if (lra !== undefined) t.range = lra;
    } else if (summary.section === 'peak') {
      const peak = value(/^Peak:\s*(-?[\d.]+|-inf)/);
      if (peak !== undefined) t.truePeak = peak;
    }
  }

  #silence(source: string, message: string): void {
    const start = source.startsWith('ametadata@qc_ss_');
    const track = this.measurements.audio[Number(source.slice(16))];
    const kv = KEY_VALUE.exec(message);
    if (track === undefined || kv === null) return;
    if (start && kv[1] === 'silence_start') track.silence.push({ start: Number(kv[2]) });
    const open = track.silence.at(-1);
    if (!start && kv[1] === 'silence_end' && open !== undefined && open.end === undefined) open.end = Number(kv[2]);
  }
}
