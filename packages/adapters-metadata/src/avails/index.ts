/**
 * EMA Avails (spreadsheet version 1.9, the latest published layout, and Avails XML 2.x) in and out: read avails from
 * XLSX (the official templates as they are) or CSV into validated rows with an issue per bad
 * cell naming the row and the column, map them to rights-engine deals, and write the engine's
 * rights back out in the same layout. See docs/adapters/avails.md.
 *
 * @module
 */
export {
  AVAILS_MOVIE_COLUMNS,
  AVAILS_SPREADSHEET_VERSION,
  AVAILS_TV_COLUMNS,
  type AvailsColumn,
} from './columns.js';
export { type CsvLimits, DEFAULT_CSV_LIMITS, neutraliseCell, parseCsv, unneutraliseCell, writeCsv } from './csv.js';
export {
  type RightsAvails,
  type RightsExportIssue,
  type RightsToAvailsOptions,
  RightsToAvailsOptionsSchema,
  rightsToAvails,
} from './from-rights.js';
export {
  type AvailsReadOptions,
  AvailsReadOptionsSchema,
  type AvailsReadResult,
  readAvailsCsv,
  readAvailsXlsx,
} from './read.js';
export {
  AVAILS_CONDITIONS,
  AVAILS_ENTRY_TYPES,
  AVAILS_FORMAT_PROFILES,
  AVAILS_LICENSE_TYPES,
  AVAILS_LOCALIZATION_TYPES,
  type Avail,
  type AvailsBound,
  type AvailsCondition,
  type AvailsEntryType,
  type AvailsFormatProfile,
  type AvailsIssue,
  type AvailsLicenseType,
  type AvailsLocalizationType,
} from './row.js';
export type { AvailsCell } from './sheet.js';
export {
  AVAILS_MEDIA,
  type AvailsRights,
  type AvailsToRightsOptions,
  AvailsToRightsOptionsSchema,
  type AvailsWithdrawal,
  availsToRights,
  conditionEvent,
} from './to-rights.js';
export {
  type AvailsWriteOptions,
  AvailsWriteOptionsSchema,
  availsSheetRows,
  writeAvailsCsv,
  writeAvailsXlsx,
} from './write.js';
export { DEFAULT_XLSX_LIMITS, type XlsxCell, type XlsxLimits } from './xlsx.js';
export { type AvailsXmlReadOptions, AvailsXmlReadOptionsSchema, readAvailsXml } from './xml-read.js';
export {
  AVAILS_MD_NAMESPACE,
  AVAILS_MDMEC_NAMESPACE,
  AVAILS_XML_NAMESPACE,
  AVAILS_XML_VERSION,
  writeAvailsXml,
} from './xml-write.js';
