/**
 * The third-party libraries of this package's subpaths: optional peer dependencies, imported on
 * first use, so installing the package for `/ebucore` or `/bxf`, or reading Avails from CSV,
 * downloads none of them. Each `import()` is written here, in this package, so it resolves from
 * this package's location.
 */
import { type OptionalPeer, optionalPeer } from '@framewise/core/adapter-kit';

type ReadExcelModule = typeof import('read-excel-file/universal');
type WriteExcelModule = typeof import('write-excel-file/universal');

/** `read-excel-file`, for reading Avails from XLSX (`/avails` `readAvailsXlsx`). */
export const READ_EXCEL_PEER: OptionalPeer<ReadExcelModule> = {
  name: 'read-excel-file',
  subpath: '@framewise/adapters-metadata/avails readAvailsXlsx()',
  range: '^9.3.17',
  load: () => import('read-excel-file/universal'),
};

/** `write-excel-file`, for writing Avails as XLSX (`/avails` `writeAvailsXlsx`). */
export const WRITE_EXCEL_PEER: OptionalPeer<WriteExcelModule> = {
  name: 'write-excel-file',
  subpath: '@framewise/adapters-metadata/avails writeAvailsXlsx()',
  range: '^4.1.1',
  load: () => import('write-excel-file/universal'),
};

/** Every optional peer of this package (a test checks them against `peerDependencies`). */
export const OPTIONAL_PEERS: readonly OptionalPeer<unknown>[] = [READ_EXCEL_PEER, WRITE_EXCEL_PEER];

/** `read-excel-file`, loaded once. */
export const loadReadExcel: () => Promise<ReadExcelModule> = optionalPeer(READ_EXCEL_PEER);
/** `write-excel-file`, loaded once. */
export const loadWriteExcel: () => Promise<WriteExcelModule> = optionalPeer(WRITE_EXCEL_PEER);
