import { Readable } from 'node:stream';
import { z } from 'zod';
import { FramewiseError, isFramewiseError, messageOf } from '../errors/index.js';
import { parseOptions } from '../support/index.js';
import type { ByteRange, DriverPutOptions, ObjectInfo, StorageDriver } from './port.js';

/** Options of {@link createMemoryStorage}. */
export const MemoryStorageOptionsSchema = z.strictObject({
  /** Storage classes objects may have (new ones get the first); none by default. */
  storageClasses: z.array(z.string().min(1).max(100)).max(50).readonly().optional(),
});
/** Options of {@link createMemoryStorage}. */
export type MemoryStorageOptions = z.input<typeof MemoryStorageOptionsSchema>;

/**
 * A storage driver that keeps objects in memory: for tests and embedded use. Puts are atomic and
 * verified (the object appears when its stream has ended and the caller's check passed); memory holds every object in full. With
 * `storageClasses`, objects carry a storage class (new ones get the first) that
 * `setStorageClass` changes in place, as an object store's tiers do.
 */
export function createMemoryStorage(options: MemoryStorageOptions = {}): StorageDriver {
  const classes = parseOptions(MemoryStorageOptionsSchema, options, 'Memory storage options').storageClasses ?? [];
  const objects = new Map<string, { data: Buffer; info: ObjectInfo }>();
  return {
    name: 'memory',
    capabilities: {
      rangeReads: true,
      resumableUpload: false,
      atomicPut: true,
      serverSideCopy: true,
      userMetadata: true,
      storageClasses: classes.length > 0,
      verifiedPut: true,
      createOnly: true,
    },
    async put(key: string, body: Readable, options: DriverPutOptions) {
      const chunks: Buffer[] = [];
      try {
        for await (const chunk of body) {
          if (options.signal?.aborted)
            throw new FramewiseError('CANCELLED', `Upload of ${JSON.stringify(key)} was cancelled`, {
              details: { key },
            });
          chunks.push(chunk as Buffer);
        }
      } catch (error) {
        body.destroy();
        if (isFramewiseError(error)) throw error;
        const missing = (error as { code?: unknown } | null)?.code === 'ENOENT';
        // A source that is not there stays missing; a source that broke off may be read again.
        throw new FramewiseError(
          missing ? 'NOT_FOUND' : 'TRANSIENT',
          `Upload of ${JSON.stringify(key)} failed: ${messageOf(error)}`,
          { cause: error, details: { key } },
        );
      }
      if (options.signal?.aborted)
        throw new FramewiseError('CANCELLED', `Upload of ${JSON.stringify(key)} was cancelled`, { details: { key } });
      const data = Buffer.concat(chunks);
      // The bytes are held aside until the check passes: a failed check leaves the key as it was.
      await options.verify?.({ sizeBytes: data.length });
      if (options.createOnly === true && objects.has(key))
        throw new FramewiseError(
          'CONFLICT',
          `An object already exists under ${JSON.stringify(key)} and the put was create-only: nothing was written`,
          { details: { key, reason: 'exists' } },
        );
      objects.set(key, {
        data,
        info: {
          key,
          sizeBytes: data.length,
          modifiedAt: new Date().toISOString(),
          ...(options.contentType ? { contentType: options.contentType } : {}),
          metadata: { ...(options.metadata ?? {}) },
          ...(classes[0] === undefined ? {} : { storageClass: classes[0] }),
        },
      });
      return { sizeBytes: data.length };
    },
    async get(key: string, options: { range?: ByteRange }) {
      const entry = objects.get(key);
      if (entry === undefined)
        throw new FramewiseError('NOT_FOUND', `No object at ${JSON.stringify(key)}`, { details: { key } });
      const r = options.range;
      if (r !== undefined && r.start >= entry.data.length)
        throw new FramewiseError(
          'INVALID_INPUT',
          `Byte range ${r.start}-${r.end} starts past the end of ${JSON.stringify(key)}`,
          { details: { key } },
        );
      return Readable.from([r === undefined ? entry.data : entry.data.subarray(r.start, r.end + 1)]);
    },
    async head(key: string) {
      return objects.get(key)?.info;
    },
    async list(prefix: string, options: { cursor?: string; limit: number }) {
      const keys = [...objects.keys()]
        .filter((k) => k.startsWith(prefix) && (options.cursor === undefined || k > options.cursor))
        .sort();
      const page = keys.slice(0, options.limit);
      const items = page.map((k) => objects.get(k)?.info as ObjectInfo);
      return keys.length > options.limit ? { items, cursor: page[page.length - 1] as string } : { items };
    },
    async delete(key: string) {
      return objects.delete(key);
    },
    async copy(from: string, to: string) {
      const entry = objects.get(from);
      if (entry === undefined)
        throw new FramewiseError('NOT_FOUND', `No object at ${JSON.stringify(from)}`, { details: { key: from } });
      objects.set(to, { data: entry.data, info: { ...entry.info, key: to, modifiedAt: new Date().toISOString() } });
    },
    ...(classes.length === 0
      ? {}
      : {
          async setStorageClass(key: string, storageClass: string) {
            const entry = objects.get(key);
            if (entry === undefined)
              throw new FramewiseError('NOT_FOUND', `No object at ${JSON.stringify(key)}`, { details: { key } });
            if (!classes.includes(storageClass))
              throw new FramewiseError('INVALID_INPUT', `Unknown storage class ${JSON.stringify(storageClass)}`, {
                details: { storageClass, classes },
              });
            entry.info = { ...entry.info, storageClass, modifiedAt: new Date().toISOString() };
          },
        }),
    async close() {},
  };
}
