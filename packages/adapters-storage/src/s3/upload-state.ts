import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** One uploaded part of a multipart upload. */
export interface UploadedPart {
  readonly etag: string;
  /** MD5 of the part, hex (uploads checked by MD5): a resumed upload skips a part whose bytes hash the same. */
  readonly md5?: string;
  /** SHA-256 of the part, hex (uploads checked by SHA-256), likewise. */
  readonly sha256?: string;
  readonly sizeBytes: number;
}

/** What is known about an interrupted multipart upload of one key. */
export interface UploadState {
  readonly uploadId: string;
  readonly partSizeBytes: number;
  /** How its parts are checked: `md5` (also when absent, as in states written before this field) or `sha256`. */
  readonly checksum?: 'md5' | 'sha256';
  /** By part number (1-based). */
  readonly parts: Readonly<Record<number, UploadedPart>>;
  /**
   * When the upload was created, ISO 8601 (absent in states written before this field). An object
   * under the key written after it means the upload completed (or another writer came since): the
   * next put adopts that object when its content is this upload's and the object checks out,
   * else drops the state and starts afresh.
   */
  readonly startedAt?: string;
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

/**
 * Upload state as JSON files in a directory (resumes across restarts), written atomically (temp
 * file, fsync, rename). Writes of one id are applied in call order — parts finish in parallel, and
 * an older state must never land after a newer one — and a delete waits for them.
 */
export function createFileUploadStateStore(directory: string): UploadStateStore {
  const file = (id: string) => join(directory, `${createHash('sha256').update(id).digest('hex')}.json`);
  const pending = new Map<string, Promise<void>>();
  let writes = 0;
  const inOrder = (id: string, write: () => Promise<void>): Promise<void> => {
    const previous = pending.get(id) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(write);
    const settled = next.catch(() => undefined);
    pending.set(id, settled);
    void settled.then(() => {
      if (pending.get(id) === settled) pending.delete(id);
    });
    return next;
  };
  const writeAtomically = async (target: string, text: string) => {
    await mkdir(directory, { recursive: true });
    writes += 1;
    const temp = `${target}.${process.pid}.${writes}.tmp`;
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  };
  return {
    async get(id) {
      await pending.get(id);
      try {
        return JSON.parse(await readFile(file(id), 'utf8')) as UploadState;
      } catch (error) {
        if ((error as { code?: string }).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    put: (id, state) => inOrder(id, () => writeAtomically(file(id), JSON.stringify(state))),
    delete: (id) => inOrder(id, () => rm(file(id), { force: true })),
  };
}
