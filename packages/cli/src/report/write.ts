import { writeOutputFile } from '../cli/write-file.js';
import type { ReportData } from './model.js';
import { renderReportHtml } from './render.js';

/** Options of {@link writeReport}. */
export interface WriteReportOptions {
  /** Replace an existing file (default false: an existing file is a `CONFLICT`). */
  readonly force?: boolean;
}

/**
 * Render the report and write it to `path` whole or not at all (a temporary file beside it, then
 * renamed). Resolves to the path written.
 *
 * @throws `CONFLICT` when the file exists and `force` is not set; `INVALID_INPUT` when the path is a
 * directory or cannot be written.
 */
export async function writeReport(path: string, data: ReportData, options: WriteReportOptions = {}): Promise<string> {
  return writeOutputFile(path, renderReportHtml(data), { force: options.force === true, what: 'Report file' });
}
