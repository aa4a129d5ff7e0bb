import { Readable } from 'node:stream';
import { LoggerSchema, parseOptions, silentLogger } from '@framewise/core/adapter-kit';
import {
  type DeliveryPackage,
  type DistributionAdapter,
  type DistributionContext,
  type DistributionOutcome,
  outcomeOf,
} from '@framewise/core/delivery';
import { z } from 'zod';
import { checkRelativePath, checkTemplate, extensionOf, fillTemplate } from './naming.js';
import type { DropTransport } from './transport.js';
import { DropUploader, progressDir } from './upload.js';

/** How a drop folder lays out a delivery. */
export const DropFolderOptionsSchema = z.strictObject({
  /**
   * Folder of one delivery, relative to the drop folder's root. Tokens: `{assetId}`,
   * `{versionId}`, `{revision}`, `{field:NAME}` (an endpoint field, e.g. a house number).
   */
  packagePath: z.string().min(1).max(500).default('{assetId}/v{revision}'),
  /** Name of each file in the package folder; adds `{name}` and `{ext}` (from the content type). */
  fileName: z.string().min(1).max(300).default('{name}{ext}'),
  /** Name of the JSON metadata sidecar in the package folder, or `false` for none. */
  sidecar: z.union([z.string().min(1).max(300), z.literal(false)]).default('{assetId}.json'),
  /** Name of the completion marker written last (empty), or `false` for none. */
  marker: z.union([z.string().min(1).max(300), z.literal(false)]).default('READY'),
  /** Keep earlier revisions when a new one is complete (default: remove them). */
  keepRevisions: z.boolean().default(false),
  /**
   * How each file is proven at the receiver before it is renamed into place (files with a SHA-256):
   * `auto` (default) the receiver's own checksum where the protocol offers one (FTP `HASH`), else
   * the size (the bytes sent were already verified against the catalog's digest while streaming); `checksum` the receiver's checksum, else the bytes read
   * back; `read-back` always the bytes read back; `size` the size only.
   */
  verify: z.enum(['auto', 'checksum', 'read-back', 'size']).default('auto'),
  /** Where uploads are logged: a resumed file at info, each file sent at debug (default: nowhere). */
  logger: LoggerSchema.optional(),
});
/** How a drop folder lays out a delivery. */
export type DropFolderOptions = z.input<typeof DropFolderOptionsSchema>;
/** Options of {@link createDropFolderAdapter}: the layout (and the logger) of {@link DropFolderOptionsSchema}. */
export const DropFolderAdapterOptionsSchema = DropFolderOptionsSchema;

const PACKAGE = 'package:';

/**
 * Turn what a transport threw into an outcome value: the one rule of `outcomeOf` (retryable codes
 * and network errors retry, refused credentials or permissions ask for them, the rest fail typed).
 */
export function transportOutcome(error: unknown, what: string): DistributionOutcome {
  return outcomeOf(error, what);
}

/**
 * A drop-folder endpoint over any transport: each delivery is a package folder holding the media
 * and other files, a JSON metadata sidecar and a completion marker written last. Every file is
 * uploaded under a temporary name (`.name.part`) created exclusively (never through a planted
 * link), resumed after an interruption only when the resume record in `progress` says the `.part`
 * holds the same file (its SHA-256), checked for size and — as `verify` says — digest at the
 * receiver, then renamed into place; a file is kept, not sent again, only when the record says it
 * was delivered with the same digest. A changed delivery is a new revision in its own folder
 * (earlier ones are removed once it is complete, unless `keepRevisions`). A submission that fails
 * for good removes the folder it wrote; removal deletes every revision's folder and whatever a
 * failed or interrupted submission left.
 */
export function createDropFolderAdapter(
  transport: DropTransport,
  options: DropFolderOptions = {},
): DistributionAdapter {
  const o = parseOptions(DropFolderAdapterOptionsSchema, options, 'Drop folder options');
  const logger = o.logger ?? silentLogger;
  for (const template of [o.packagePath, o.fileName, o.sidecar, o.marker])
    if (template !== false) checkTemplate(template);
  const revisionsOf = (ctx: DistributionContext) =>
    Object.entries(ctx.remoteFiles)
      .filter(([k]) => k.startsWith(PACKAGE))
      .map(([, v]) => checkRelativePath(v));

  /** Remove the now-empty folders above a removed package (never the drop folder itself). */
  async function pruneEmptyParents(dir: string): Promise<void> {
    const cut = (path: string) => (path.lastIndexOf('/') < 0 ? '' : path.slice(0, path.lastIndexOf('/')));
    for (let parent = cut(dir); parent !== ''; parent = cut(parent)) {
      if ((await transport.list(parent)).length > 0) return;
      await transport.removeTree(parent);
    }
  }

  const adapter: DistributionAdapter = {
    name: transport.name,
    capabilities: {
      update: false,
      remoteDelete: true,
      unpublish: false,
      asyncProcessing: false,
      confirmsRemoval: true,
      resumableUpload: true,
      scheduledPublish: false,
    },

    async submit(pkg, ctx) {
      const values = { assetId: pkg.assetId, versionId: pkg.versionId, revision: pkg.revision, fields: pkg.fields };
      let dir: string;
      let names: { file: DeliveryPackage['files'][number]; path: string }[];
      try {
        dir = fillTemplate(o.packagePath, values);
        names = pkg.files.map((file) => ({
          file,
          path: `${dir}/${fillTemplate(o.fileName, { ...values, name: file.name, ext: extensionOf(file.contentType) })}`,
        }));
      } catch (error) {
        return { kind: 'failed', code: 'INVALID_INPUT', message: (error as Error).message };
      }
      const earlier = revisionsOf(ctx).filter((d) => d !== dir);
      const ours = !revisionsOf(ctx).includes(dir);
      const uploader = new DropUploader(transport, o.verify, logger, ctx, dir);
      try {
        await uploader.prepare(names);
        await transport.mkdirs(dir);
        for (const { file, path } of names) await uploader.upload(path, file);
        if (o.sidecar !== false) {
          const sidecar = {
            format: 'framewise.delivery',
            assetId: pkg.assetId,
            versionId: pkg.versionId,
            revision: pkg.revision,
            ...(pkg.publishAt === undefined ? {} : { publishAt: pkg.publishAt }),
            fields: pkg.fields,
            files: names.map(({ file, path }) => ({
              name: file.name,
              role: file.role,
              file: path.slice(dir.length + 1),
              sizeBytes: file.sizeBytes,
              ...(file.sha256 === undefined ? {} : { sha256: file.sha256 }),
              ...(file.language === undefined ? {} : { language: file.language }),
            })),
          };
          const text = `${JSON.stringify(sidecar, null, 2)}\n`;
          await uploader.small(`${dir}/${fillTemplate(o.sidecar, values)}`, Readable.from([Buffer.from(text)]));
        }
        if (o.marker !== false)
          await uploader.small(`${dir}/${fillTemplate(o.marker, values)}`, Readable.from([Buffer.alloc(0)]));
        await ctx.save({
          remoteId: dir,
          remoteFiles: Object.fromEntries([
            ...names.map(({ file, path }) => [file.name, path]),
            [`${PACKAGE}${dir}`, dir],
          ]),
          progress: undefined,
        });
        if (!o.keepRevisions) for (const old of earlier) await transport.removeTree(old);
        return {
          kind: 'success',
          remoteId: dir,
          remoteState: 'live',
          response: { folder: dir, files: names.map((n) => n.path) },
        };
      } catch (error) {
        const outcome = transportOutcome(error, `${transport.name} delivery to "${dir}"`);
        // Failed for good (not to be resumed): what this submission wrote goes, unless the folder
        // is a revision already delivered. A retry keeps its `.part` files to resume.
        if (outcome.kind === 'failed' && outcome.code !== 'CANCELLED' && ours) {
          try {
            await transport.removeTree(dir);
            await pruneEmptyParents(dir);
          } catch (cleanup) {
            logger.warn(
              { transport: transport.name, dir, error: (cleanup as Error).message },
              `framewise ${transport.name}: a failed delivery could not be cleaned up; removal will`,
            );
          }
        }
        return outcome;
      }
    },

    async update() {
      return { kind: 'failed', code: 'UNSUPPORTED', message: 'A drop folder is updated by a new revision (submit)' };
    },

    async remove(mode, ctx) {
      if (mode !== 'delete')
        return { kind: 'failed', code: 'UNSUPPORTED', message: 'A drop folder can only delete a delivery' };
      try {
        // Every revision delivered, and whatever a failed or interrupted submission left.
        const partial = progressDir(ctx.progress);
        const dirs = new Set([
          ...revisionsOf(ctx),
          ...(ctx.remoteId === undefined ? [] : [checkRelativePath(ctx.remoteId)]),
          ...(partial === undefined ? [] : [checkRelativePath(partial)]),
        ]);
        for (const dir of dirs) {
          await transport.removeTree(dir);
          await pruneEmptyParents(dir);
        }
        return { kind: 'success', remoteState: 'removed', response: { removed: [...dirs] } };
      } catch (error) {
        return transportOutcome(error, `${transport.name} removal`);
      }
    },

    async poll(ctx) {
      if (ctx.remoteId === undefined) {
        // A failed submission's leftovers count as content until removed.
        const partial = progressDir(ctx.progress);
        if (partial === undefined) return { kind: 'success', remoteState: 'removed' };
        try {
          const there = await transport.list(checkRelativePath(partial));
          return { kind: 'success', remoteState: there.length > 0 ? 'live' : 'removed' };
        } catch (error) {
          return transportOutcome(error, `${transport.name} check of "${partial}"`);
        }
      }
      try {
        const there = await transport.list(checkRelativePath(ctx.remoteId));
        return { kind: 'success', remoteState: there.length > 0 ? 'live' : 'removed' };
      } catch (error) {
        return transportOutcome(error, `${transport.name} check of "${ctx.remoteId}"`);
      }
    },

    close: () => transport.close(),
  };
  return adapter;
}
