/** Progress of an ffmpeg run, parsed from `-progress pipe:1`. */
export interface FfmpegProgress {
  /** Frames written so far (of the first video output). */
  readonly frame: number;
  readonly fps: number;
  /** Encoding speed as a multiple of real time. */
  readonly speed: number;
  /** Output time written so far, in microseconds. */
  readonly outTimeUs: number;
  /** Percentage of the known input duration, 0-100, or undefined when the duration is unknown. */
  readonly percent: number | undefined;
  readonly totalSizeBytes: number;
  /** True on the last report. */
  readonly done: boolean;
}

/**
 * Parses ffmpeg's `-progress` output: blocks of `key=value` lines, each ending with
 * `progress=continue` or `progress=end`. Note: ffmpeg's `out_time_ms` is in microseconds, like
 * `out_time_us`.
 */
export class ProgressParser {
  private pending = '';
  private block = new Map<string, string>();

  constructor(private readonly durationUs?: number) {}

  /** Feed a chunk of stdout; returns the reports completed by it. */
  push(chunk: string): FfmpegProgress[] {
    this.pending += chunk;
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    const out: FfmpegProgress[] = [];
    for (const raw of lines) {
      const line = raw.trim();
      const eq = line.indexOf('=');
      if (eq <= 0) continue;
      const key = line.slice(0, eq);
      const value = line.slice(eq + 1).trim();
      if (key !== 'progress') {
        this.block.set(key, value);
        continue;
      }
      out.push(this.report(value === 'end'));
      this.block = new Map();
    }
    return out;
  }

  private report(done: boolean): FfmpegProgress {
    const num = (key: string) => {
      const v = Number.parseFloat(this.block.get(key) ?? '');
      return Number.isFinite(v) ? v : 0;
    };
    const us = num('out_time_us') || num('out_time_ms');
    const percent =
      this.durationUs !== undefined && this.durationUs > 0
        ? Math.min(100, done ? 100 : (us / this.durationUs) * 100)
        : undefined;
    return {
      frame: num('frame'),
      fps: num('fps'),
      speed: num('speed'),
      outTimeUs: us,
      percent,
      totalSizeBytes: num('total_size'),
      done,
    };
  }
}
