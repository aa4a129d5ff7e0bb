import { Readable } from 'node:stream';
import { LoggerSchema, parseOptions, silentLogger } from '@framewise/core/adapter-kit';
import {
  type DeliveryPackage,
  type DistributionAdapter,
  type DistributionContext,
  type DistributionOutcome,
  outcomeOf,
} from '@framewise/core/delivery';
import { FramewiseError } from '@framewise/core/errors';
import { z } from 'zod';
import { checkRelativePath, checkTemplate, extensionOf, fillTemplate } from './naming.js';
import type { DropTransport } from './transport.js';

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
 * uploaded under a temporary name (`.name.part`), resumed from the size already on the server
 * after an interruption, checked for size, then renamed into place; a file already complete is not
 * sent again. A changed delivery is a new revision in its own folder (earlier ones are removed once
 * it is complete, unless `keepRevisions`). Removal deletes every revision's folder.
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

  async function upload(path: string, file: DeliveryPackage['files'][number]): Promise<void> {
    const slash = path.lastIndexOf('/');
    const temp = `${path.slice(0, slash + 1)}.${path.slice(slash + 1)}.part`;
    if ((await transport.size(path)) === file.sizeBytes) return; // complete already (a resumed delivery)
    let offset = (await transport.size(temp)) ?? 0;
    if (offset > file.sizeBytes) offset = 0;
    const fields = { transport: transport.name, path, sizeBytes: file.sizeBytes };
    if (offset > 0 && offset < file.sizeBytes)
      logger.info({ ...fields, offset }, `framewise ${transport.name}: resuming upload`);
    else logger.debug(fields, `framewise ${transport.name}: uploading`);
    if (offset < file.sizeBytes || file.sizeBytes === 0) await transport.write(temp, await file.open(offset), offset);
    const written = await transport.size(temp);
    if (written !== file.sizeBytes)
      throw new FramewiseError(
        'TRANSIENT',
        `${transport.name} has ${written ?? 'no'} bytes of "${temp}", expected ${file.sizeBytes}; resuming next time`,
        { details: { path: temp, written, expected: file.sizeBytes } },
      );
    await transport.rename(temp, path);
  }

  async function small(path: string, text: string): Promise<void> {
    const slash = path.lastIndexOf('/');
    const temp = `${path.slice(0, slash + 1)}.${path.slice(slash + 1)}.part`;
    await transport.write(temp, Readable.from([Buffer.from(text)]), 0);
    await transport.rename(temp, path);
  }

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
      try {
        await ctx.save({ progress: { dir } });
        await transport.mkdirs(dir);
        for (const { file, path } of names) await upload(path, file);
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
          await small(`${dir}/${fillTemplate(o.sidecar, values)}`, `${JSON.stringify(sidecar, null, 2)}\n`);
        }
        if (o.marker !== false) await small(`${dir}/${fillTemplate(o.marker, values)}`, '');
        const earlier = revisionsOf(ctx).filter((d) => d !== dir);
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
        return transportOutcome(error, `${transport.name} delivery to "${dir}"`);
      }
    },

    async update() {
      return { kind: 'failed', code: 'UNSUPPORTED', message: 'A drop folder is updated by a new revision (submit)' };
    },

    async remove(mode, ctx) {
      if (mode !== 'delete')
        return { kind: 'failed', code: 'UNSUPPORTED', message: 'A drop folder can only delete a delivery' };
      try {
        const dirs = new Set([
          ...revisionsOf(ctx),
          ...(ctx.remoteId === undefined ? [] : [checkRelativePath(ctx.remoteId)]),
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
      if (ctx.remoteId === undefined) return { kind: 'success', remoteState: 'removed' };
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
