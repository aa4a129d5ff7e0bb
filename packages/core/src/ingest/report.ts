import type { FileLocation, Version } from '../assets/index.js';
import type { QcReport } from '../qc/index.js';
import type { IdentifiedFormat } from './identify.js';

/** The steps of an ingest, in the order they run. */
export type IngestStepName =
  | 'check'
  | 'identify'
  | 'probe'
  | 'store'
  | 'dedupe'
  | 'qc'
  | 'catalog'
  | 'record-qc'
  | 'derivatives';

/** One step of an ingest, as it went. */
export interface IngestStep {
  readonly step: IngestStepName;
  readonly status: 'done' | 'skipped' | 'failed';
  /** Wall time of the step in ms. */
  readonly ms: number;
  /** What it did (`stored 12.3 MB at ingest/…`), why it was skipped, or why it failed. */
  readonly detail: string;
  /** The error of a failed step: its code and message. */
  readonly error?: { readonly code: string; readonly message: string };
}

/** Progress of an ingest: the step running and the whole ingest's percentage. */
export interface IngestProgress {
  readonly step: IngestStepName;
  /** 0-100 for the whole ingest. */
  readonly percent: number;
}

/** A file an ingest made from the source (a proxy, a poster, a sprite sheet) and where it went. */
export interface IngestDerivative {
  /** `proxy`, `poster`, `thumbnail`, `sprite`, `sprite-vtt`. */
  readonly kind: string;
  /** The profile it was made with (`proxy-h264-540p`, `thumbnail-320x180`, …). */
  readonly profile: string;
  readonly location: FileLocation;
  /** The catalog id it was registered under (rendition or related asset). */
  readonly registeredId?: string;
  readonly width?: number;
  readonly height?: number;
}

/**
 * What an ingest did. `outcome` is `ingested` (a new version), `existing` (the same bytes were
 * already a version of the asset: nothing new was written) or `failed` (then the report travels as
 * `details.report` of the `FramewiseError` thrown, and nothing half-created is left: no version,
 * no stored object).
 */
export interface IngestReport {
  readonly source: string;
  /** The file name it was stored and catalogued under. */
  readonly name: string;
  readonly outcome: 'ingested' | 'existing' | 'failed';
  readonly format?: IdentifiedFormat;
  readonly digests?: {
    readonly sha256: string;
    readonly md5: string;
    readonly xxh64?: string;
    readonly sizeBytes: number;
  };
  readonly assetId?: string;
  readonly version?: Version;
  /** Where the original is stored (as on the version). */
  readonly location?: FileLocation;
  /** The QC report, when a QC policy ran (or the file could not be read at all). */
  readonly qc?: QcReport;
  readonly derivatives: readonly IngestDerivative[];
  readonly steps: readonly IngestStep[];
  /** Things worth a look that did not stop the ingest (a signature/extension mismatch, an unmappable timecode). */
  readonly warnings: readonly string[];
}
