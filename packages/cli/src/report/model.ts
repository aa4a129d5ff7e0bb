import type { QcReport } from '@framewise/core/qc';

/** A loudness target as the report draws it: the integrated target, its tolerance and the true-peak ceiling. */
export interface ReportLoudnessTarget {
  readonly name: string;
  /** LUFS. */
  readonly integrated: number;
  /** ± LU around `integrated`. */
  readonly tolerance: number;
  /** dBTP. */
  readonly truePeakMax: number;
}

/** One QC report in the report, with the loudness target it was judged against (when known). */
export interface ReportQc {
  readonly report: QcReport;
  readonly target?: ReportLoudnessTarget;
}

/** What a span of a rights row is: available (exclusive or not), held back, sold exclusively elsewhere, or not held. */
export type RightsSpanState = 'available' | 'exclusive' | 'holdback' | 'blocked' | 'unavailable';

/** A span of one territory × license type row of the rights timeline. */
export interface RightsSpan {
  /** ISO 8601; the timeline's start when the span began before it. */
  readonly start: string;
  /** ISO 8601; the timeline's end when the span runs past it. */
  readonly end: string;
  readonly state: RightsSpanState;
  /** Grant, holdback or sale ids behind the state, for the tooltip and the table. */
  readonly rules: readonly string[];
}

/** One row of the rights Gantt: a territory and a license type. */
export interface RightsRow {
  readonly territory: string;
  readonly channel: string;
  readonly spans: readonly RightsSpan[];
}

/** The rights availability timeline of one title. */
export interface ReportRights {
  readonly assetId: string;
  /** ISO 8601 bounds of the timeline. */
  readonly from: string;
  readonly to: string;
  readonly rows: readonly RightsRow[];
  /** Windows opening and closing within the bounds (where a row changes between available and not). */
  readonly transitions: readonly {
    readonly at: string;
    readonly territory: string;
    readonly channel: string;
    readonly change: 'open' | 'close';
  }[];
}

/** One distribution record as the report shows it. */
export interface ReportDistribution {
  readonly endpointId: string;
  readonly assetId: string;
  readonly versionId: string;
  readonly state: string;
  readonly sunrise?: string;
  readonly sunset?: string;
  readonly lastError?: { readonly code: string; readonly message: string };
  readonly history: readonly {
    readonly at: string;
    readonly from: string;
    readonly to: string;
    readonly event: string;
    readonly note?: string;
  }[];
}

/** A storage location as the archive section names it. */
export interface ReportLocation {
  readonly id: string;
  readonly name?: string;
  readonly tier?: string;
  readonly media?: string;
  readonly site?: string;
}

/** One copy of one file at one location. */
export interface ReportCopy {
  readonly fileKey: string;
  readonly locationId: string;
  readonly status: string;
  readonly sizeBytes?: number;
  /** When the copy was last read back and matched, ISO 8601. */
  readonly verifiedAt?: string;
}

/** Everything one report page shows about one asset version. Every string in it is escaped when rendered. */
export interface ReportData {
  /** The page heading: the asset's title. */
  readonly title: string;
  readonly assetId: string;
  readonly versionId?: string;
  readonly versionName?: string;
  /** When the report was made, ISO 8601. */
  readonly generatedAt: string;
  /** The "now" line of the timelines and the reference of fixity ages, ISO 8601 (default `generatedAt`). */
  readonly now?: string;
  readonly qc?: readonly ReportQc[];
  readonly rights?: ReportRights;
  readonly distribution?: readonly ReportDistribution[];
  readonly archive?: { readonly copies: readonly ReportCopy[]; readonly locations?: readonly ReportLocation[] };
}
