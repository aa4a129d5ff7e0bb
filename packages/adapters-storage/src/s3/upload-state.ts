import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One uploaded part of a multipart upload. */
export interface UploadedPart {
  readonly etag: string;
  /** MD5 of the part, hex: a resumed upload skips a part whose bytes hash the same. */
  readonly md5: string;
  readonly sizeBytes: number;
}

/** What is known about an interrupted multipart upload of one key. */
export interface UploadState {
  readonly uploadId: string;
  readonly partSizeBytes: number;
  /** By part number (1-based). */
  readonly parts: Readonly<Record<number, UploadedPart>>;
}

/**
 * Where multipart upload state is persisted, per bucket and key, after every part: resuming an
 * interrupted upload reads it instead of relying on ListParts (which some S3-compatible stores
 * lack).
 */
export interface UploadStateStore {
  get(id: string): Promise<UploadState | undefined>;
  put(id: string, state: UploadState): Promise<void>;
  delete(id: string): Promise<void>;
}

/** Upload state in memory (resumes within one process). */
export function createMemoryUploadStateStore(): UploadStateStore {
  const states = new Map<string, UploadState>();
  return {
    get: async (id) => states.get(id),
    put: async (id, state) => void states.set(id, state),
    delete: async (id) => void states.delete(id),
  };
}

/** Upload state as JSON files in a directory (resumes across restarts), written atomically. */
export function createFileUploadStateStore(directory: string): UploadStateStore {
  const file = (id: string) => join(directory, `${createHash('sha256').update(id).digest('hex')}.json`);
  return {
    async get(id) {
      try {
        return JSON.parse(await readFile(file(id), 'utf8')) as UploadState;
      } catch (error) {
        if ((error as { code?: string }).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async put(id, state) {
      await mkdir(directory, { recursive: true });
      const temp = `${file(id)}.${process.pid}.tmp`;
      await writeFile(temp, JSON.stringify(state));
      await rename(temp, file(id));
    },
    async delete(id) {
      await rm(file(id), { force: true });
    },
  };
}
