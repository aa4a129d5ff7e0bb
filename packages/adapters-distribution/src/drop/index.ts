export {
  createDropFolderAdapter,
  DropFolderAdapterOptionsSchema,
  type DropFolderOptions,
  DropFolderOptionsSchema,
  transportOutcome,
} from './adapter.js';
export { checkRelativePath, checkTemplate, extensionOf, fillTemplate, type NamingValues } from './naming.js';
export type { DigestSource, DropTransport } from './transport.js';
