import { FramewiseError } from '../errors/index.js';
import type { CaptionTrack } from './model.js';

/** The caption file formats Framewise reads and writes. */
export type CaptionFormat = 'srt' | 'webvtt' | 'scc';

/**
 * Something a reader met in a file that the model does not hold (and dropped), or that it had to
 * repair; or something a writer had to leave out because its format cannot hold it.
 */
export interface CaptionIssue {
  /** A stable code to branch on, e.g. `timestamp.invalid`, `tag.unknown`, `placement.dropped`. */
  readonly code: string;
  /** What happened, naming the input. */
  readonly message: string;
  /** 1-based line of the file (readers). */
  readonly line?: number;
  /** Index of the cue in the track (writers, and readers once the cue exists). */
  readonly cue?: number;
}

/** What a reader returns: the track and what it could not represent. */
export interface CaptionReadResult {
  readonly track: CaptionTrack;
  /** Everything dropped or repaired, in file order. Empty when the file fit the model exactly. */
  readonly issues: readonly CaptionIssue[];
}

/** What a writer returns: the file text and what it left out. */
export interface CaptionWriteResult {
  readonly text: string;
  /** What the format could not hold and was dropped (only with `degrade: true`). */
  readonly losses: readonly CaptionIssue[];
}

/** Options every writer takes. */
export interface CaptionWriteOptions {
  /**
   * `false` (the default): refuse a track that holds something the format cannot (an
   * `UNSUPPORTED` error naming the first cue and what). `true`: write what fits and list the rest
   * in {@link CaptionWriteResult.losses}.
   */
  readonly degrade?: boolean;
}

/** Collects a writer's losses, or throws on the first one when degrading is not allowed. */
export class LossLog {
  readonly losses: CaptionIssue[] = [];
  readonly #format: string;
  readonly #degrade: boolean;
  constructor(format: string, options: CaptionWriteOptions | undefined) {
    this.#format = format;
    this.#degrade = options?.degrade === true;
  }

  /** Record a loss (or throw `UNSUPPORTED` unless degrading). */
  lose(code: string, message: string, cue?: number): void {
    if (!this.#degrade) {
      throw new FramewiseError(
        'UNSUPPORTED',
        `${this.#format} cannot hold ${message}${cue === undefined ? '' : ` (cue ${cue})`}; pass degrade: true to drop it`,
        { details: { format: this.#format, code, ...(cue === undefined ? {} : { cue }) } },
      );
    }
    this.losses.push(cue === undefined ? { code, message } : { code, message, cue });
  }
}

/** The `INVALID_INPUT` error a reader throws for input it cannot read at all. */
export function unreadable(format: string, why: string, line?: number): FramewiseError {
  return new FramewiseError('INVALID_INPUT', `${format} input ${why}${line === undefined ? '' : ` (line ${line})`}`, {
    details: { format, ...(line === undefined ? {} : { line }) },
  });
}
