/**
 * `@framewise/cli`: the `framewise` command (see docs/cli.md) and, as a library, the HTML report
 * of an asset version (see docs/report.md): collect what the catalog and the stores know about the
 * version with {@link collectReportData}, or build a {@link ReportData} yourself, and render one
 * self-contained page with {@link renderReportHtml}.
 *
 * @packageDocumentation
 */
export { EXIT, type ExitCode } from './cli/exit-codes.js';
export { type CollectReportOptions, collectReportData } from './report/collect.js';
export type {
  ReportCopy,
  ReportData,
  ReportDistribution,
  ReportLocation,
  ReportLoudnessTarget,
  ReportQc,
  ReportRights,
  RightsRow,
  RightsSpan,
  RightsSpanState,
} from './report/model.js';
export { renderReportHtml } from './report/render.js';
export { type RightsTimelineOptions, rightsTimeline } from './report/rights-timeline.js';
export { loudnessTargetOfPolicy } from './report/targets.js';
export { type WriteReportOptions, writeReport } from './report/write.js';
