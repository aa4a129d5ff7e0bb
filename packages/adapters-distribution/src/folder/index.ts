/**
 * A drop folder on the local filesystem (or a mounted share): packages of media, a JSON metadata
 * sidecar and a completion marker, uploaded under temporary names and renamed into place, resumed
 * after an interruption, one folder per revision. The FTP/FTPS and SFTP endpoints use the same
 * layout over their protocols.
 *
 * @module
 */

import { parseOptions } from '@framewise/core/adapter-kit';
import type { DistributionAdapter } from '@framewise/core/delivery';
import { z } from 'zod';
import { createDropFolderAdapter, DropFolderOptionsSchema } from '../drop/adapter.js';
import { localTransport } from './transport.js';

export {
  checkRelativePath,
  createDropFolderAdapter,
  type DigestSource,
  DropFolderAdapterOptionsSchema,
  type DropFolderOptions,
  DropFolderOptionsSchema,
  type DropTransport,
  extensionOf,
  fillTemplate,
  type NamingValues,
  transportOutcome,
} from '../drop/index.js';
export { localTransport } from './transport.js';

/** Options of {@link createFolderEndpoint}: the folder and the drop-folder layout. */
export const FolderEndpointOptionsSchema = DropFolderOptionsSchema.extend({
  /** The drop folder (created when missing). */
  root: z.string().min(1),
});
/** Options of {@link createFolderEndpoint}. */
export type FolderEndpointOptions = z.input<typeof FolderEndpointOptionsSchema>;

/**
 * A drop-folder endpoint on the local filesystem.
 *
 * @example
 * ```ts
 * const adapter = createFolderEndpoint({ root: '/mnt/playout-drop', packagePath: '{field:houseNumber}/v{revision}' });
 * ```
 */
export function createFolderEndpoint(options: FolderEndpointOptions): DistributionAdapter {
  const { root, ...layout } = parseOptions(FolderEndpointOptionsSchema, options, 'Folder endpoint options');
  return createDropFolderAdapter(localTransport(root), layout);
}
