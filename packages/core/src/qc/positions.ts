import type { TechnicalMetadata } from '../assets/index.js';
import { FrameRate, Timecode } from '../time/index.js';
import type { Severity } from './policy.js';
import type { QcFinding } from './report.js';

/** Positions at the file's rate, shown as timecode from its start timecode. */
export class Positions {
  readonly rate: FrameRate;
  readonly fps: number;
  /** Undefined for rates without SMPTE timecode: positions are then shown as frame numbers. */
  readonly #start: Timecode | undefined;
  durationFrames = 0;

  constructor(technical: TechnicalMetadata) {
    const video = technical.video[0];
    this.rate = video === undefined ? FrameRate.FPS_25 : FrameRate.parse(video.frameRate);
    this.fps = this.rate.num / this.rate.den;
    for (const start of [
      () => Timecode.parse(technical.startTimecode ?? '', this.rate),
      () => Timecode.fromFrames(0, this.rate),
    ]) {
      try {
        this.#start = start();
        break;
      } catch {
        // no start timecode, or no timecode at this rate
      }
    }
  }

  frame(seconds: number): number {
    return Math.max(0, Math.round(seconds * this.fps));
  }

  timecode(frame: number): string {
    return this.#start?.add(frame, { overflow: 'wrap' }).toString() ?? String(frame);
  }

  finding(
    rule: string,
    severity: Severity,
    start: number,
    end: number,
    message: string,
    extra: Pick<QcFinding, 'track' | 'measured' | 'expected'> = {},
  ): QcFinding {
    const duration = Math.max(0, end - start);
    return {
      rule,
      severity,
      start,
      duration,
      timecodeIn: this.timecode(start),
      timecodeOut: this.timecode(start + duration),
      message,
      ...extra,
    };
  }
}
