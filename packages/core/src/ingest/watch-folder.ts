import { mkdir, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { FramewiseError, isFramewiseError, messageOf } from '../errors/index.js';
import { type Logger, LoggerSchema, parseOptions, silentLogger, TypedEvents } from '../support/index.js';
import { checkIngestName } from './source-name.js';

/** Names a watch folder never takes: hidden files and the temporary names of copy tools and editors. */
export const TEMPORARY_NAME =
  /^\.|^~|\.(?:tmp|temp|part|partial|crdownload|filepart|download|swp|lock|!sync|aspera-ckpt)$/i;

/** Options of {@link createWatchFolder}. */
export const WatchFolderOptionsSchema = z.strictObject({
  /** The drop folder (local path). `processing/`, `processed/` and `failed/` are made inside it. */
  root: z.string().min(1).max(4096),
  /**
   * Ingest one file (claimed into `processing/`); resolve when done, throw to fail it. It must be
   * idempotent by content (as `ingest` is): after a crash, a file found in `processing/` is handed
   * over again.
   */
  ingest: z.custom<(path: string, name: string) => Promise<unknown>>(
    (v) => typeof v === 'function',
    'must be a function',
  ),
  /** A file is taken once its size and mtime have not changed for this long, in ms (default 5000). */
  stableMs: z.number().int().min(0).max(86_400_000).default(5000),
  /** How often the folder is listed, in ms (default 1000). */
  pollMs: z.number().int().min(10).max(3_600_000).default(1000),
  /**
   * A completion marker suffix (e.g. `.done`): when set, `clip.mxf` is taken only once
   * `clip.mxf.done` exists (and the marker is then removed); stability is not waited for.
   */
  completionMarker: z
    .string()
    .regex(/^\.[A-Za-z0-9._-]{1,32}$/, 'must be a suffix like ".done"')
    .optional(),
  /** Files ingested at once (default 1); more files wait in the folder (back-pressure). */
  concurrency: z.number().int().min(1).max(64).default(1),
  logger: LoggerSchema.optional(),
});
/** Options of {@link createWatchFolder}. */
export type WatchFolderOptions = z.input<typeof WatchFolderOptionsSchema>;

/** Events of a {@link WatchFolder}. */
export interface WatchFolderEvents {
  /** A stable file was claimed (moved into `processing/`). */
  taken: { readonly name: string };
  /** Ingested and moved to `processed/`. */
  processed: { readonly name: string; readonly result: unknown };
  /** Refused or failed and moved to `failed/` with a reason file. */
  failed: { readonly name: string; readonly code: string; readonly message: string };
}

interface Seen {
  readonly size: number;
  readonly mtimeMs: number;
  readonly since: number;
}

/**
 * A watch folder on a local path, polled (see {@link createWatchFolder}).
 */
export class WatchFolder {
  readonly #o: z.output<typeof WatchFolderOptionsSchema>;
  readonly #logger: Logger;
  readonly #events = new TypedEvents<WatchFolderEvents>();
  readonly #seen = new Map<string, Seen>();
  readonly #running = new Set<Promise<void>>();
  readonly #busy = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;
  #stopped = true;
  #inPoll: Promise<void> | undefined;
  #again = false;

  /** @hidden use {@link createWatchFolder}. */
  constructor(options: z.output<typeof WatchFolderOptionsSchema>) {
    this.#o = options;
    this.#logger = options.logger ?? silentLogger;
  }

  /** The folder's `processing/`, `processed/` and `failed/` paths. */
  get folders(): { readonly processing: string; readonly processed: string; readonly failed: string } {
    const root = this.#o.root;
    return { processing: join(root, 'processing'), processed: join(root, 'processed'), failed: join(root, 'failed') };
  }

  /** Listen to an event; returns a function that stops listening. */
  on<E extends keyof WatchFolderEvents>(event: E, listener: (payload: WatchFolderEvents[E]) => void): () => void {
    return this.#events.on(event, listener);
  }

  /**
   * Start watching: make the sub-folders, hand over what a crash left in `processing/` again, then
   * poll. Resolves once the first poll has run.
   */
  async start(): Promise<void> {
    if (!this.#stopped) return;
    const { processing, processed, failed } = this.folders;
    const info = await stat(this.#o.root).catch((error: unknown) => {
      throw new FramewiseError('NOT_FOUND', `Watch folder ${JSON.stringify(this.#o.root)} does not exist`, {
        cause: error,
        details: { root: this.#o.root },
      });
    });
    if (!info.isDirectory())
      throw new FramewiseError('INVALID_INPUT', `Watch folder ${JSON.stringify(this.#o.root)} is not a directory`, {
        details: { root: this.#o.root },
      });
    for (const dir of [processing, processed, failed]) await mkdir(dir, { recursive: true });
    this.#stopped = false;
    // Files claimed before a crash: ingest is idempotent by content, so handing them over again
    // finishes them without a second version.
    for (const name of (await readdir(processing)).sort()) this.#launch(name);
    await this.poll();
    this.#schedule();
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#polling = this.poll()
        .catch((error: unknown) =>
          this.#logger.warn({ message: messageOf(error) }, 'framewise watch folder: poll failed'),
        )
        .finally(() => this.#schedule());
    }, this.#o.pollMs);
  }

  /**
   * List the folder once: note sizes and mtimes, and claim each file that is stable (or has its
   * completion marker), as far as `concurrency` allows. Polls never overlap: a call during a poll
   * waits for it and runs one more.
   */
  async poll(): Promise<void> {
    if (this.#inPoll !== undefined) {
      this.#again = true;
      return this.#inPoll;
    }
    this.#inPoll = (async () => {
      try {
        do {
          this.#again = false;
          await this.#listOnce();
        } while (this.#again && !this.#stopped);
      } finally {
        this.#inPoll = undefined;
      }
    })();
    return this.#inPoll;
  }

  async #listOnce(): Promise<void> {
    const now = Date.now();
    const entries = await readdir(this.#o.root, { withFileTypes: true });
    const names = new Set(entries.filter((e) => e.isFile()).map((e) => e.name));
    for (const name of [...this.#seen.keys()]) if (!names.has(name)) this.#seen.delete(name);
    const marker = this.#o.completionMarker;
    for (const name of [...names].sort()) {
      if (this.#stopped) return;
      if (marker !== undefined && name.endsWith(marker)) continue;
      if (TEMPORARY_NAME.test(name)) continue;
      if (this.#busy.has(name)) continue;
      let ready: boolean;
      if (marker !== undefined) ready = names.has(`${name}${marker}`);
      else {
        const s = await stat(join(this.#o.root, name)).catch(() => undefined);
        if (s === undefined) continue;
        const seen = this.#seen.get(name);
        if (seen === undefined || seen.size !== s.size || seen.mtimeMs !== s.mtimeMs) {
          this.#seen.set(name, { size: s.size, mtimeMs: s.mtimeMs, since: now });
          ready = false; // changed (or new) since the last listing: not stable yet
        } else ready = now - seen.since >= this.#o.stableMs;
      }
      if (!ready || this.#running.size >= this.#o.concurrency) continue;
      if (!(await this.#claim(name))) continue;
      if (marker !== undefined) await unlink(join(this.#o.root, `${name}${marker}`)).catch(() => undefined);
      this.#launch(name);
    }
  }

  /** Move a file into `processing/` (one rename: whoever renames first has it). */
  async #claim(name: string): Promise<boolean> {
    try {
      await rename(join(this.#o.root, name), join(this.folders.processing, name));
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return false; // taken or removed meanwhile
      throw error;
    }
    this.#seen.delete(name);
    this.#events.emit('taken', { name });
    return true;
  }

  #launch(name: string): void {
    this.#busy.add(name);
    const task = this.#process(name).finally(() => {
      this.#running.delete(task);
      this.#busy.delete(name);
      // A slot came free: take the next stable file now rather than at the next tick.
      if (!this.#stopped)
        this.poll().catch((error: unknown) =>
          this.#logger.warn({ message: messageOf(error) }, 'framewise watch folder: poll failed'),
        );
    });
    this.#running.add(task);
  }

  async #process(name: string): Promise<void> {
    const from = join(this.folders.processing, name);
    try {
      checkIngestName(name);
      const result = await this.#o.ingest(from, name);
      const to = await this.#free(this.folders.processed, name);
      await writeFile(`${to}.report.json`, `${JSON.stringify(result ?? null, null, 2)}\n`).catch(() => undefined);
      await rename(from, to);
      this.#events.emit('processed', { name, result });
    } catch (error) {
      const code = isFramewiseError(error) ? error.code : 'INTERNAL';
      const message = messageOf(error);
      this.#logger.warn({ name: JSON.stringify(name), code, message }, 'framewise watch folder: file failed');
      try {
        const to = await this.#free(this.folders.failed, name);
        const details = isFramewiseError(error) ? error.details : undefined;
        // The reason file is named safely even when the file's own name is refused.
        const reasonPath = join(
          this.folders.failed,
          `${encodeURIComponent(to.slice(this.folders.failed.length + 1))}.reason.json`,
        );
        await writeFile(
          reasonPath,
          `${JSON.stringify({ name, code, message, at: new Date().toISOString(), report: details?.report ?? null }, null, 2)}\n`,
        );
        await rename(from, to);
      } catch (moveError) {
        this.#logger.error(
          { name: JSON.stringify(name), message: messageOf(moveError) },
          'framewise watch folder: could not move to failed/',
        );
        return; // stays in processing/: handed over again on the next start
      }
      this.#events.emit('failed', { name, code, message });
    }
  }

  /** A path in `dir` for `name` that is not taken (`name`, then `name.1`, `name.2`, …). */
  async #free(dir: string, name: string): Promise<string> {
    for (let i = 0; ; i++) {
      const candidate = join(dir, i === 0 ? name : `${name}.${i}`);
      if ((await stat(candidate).catch(() => undefined)) === undefined) return candidate;
    }
  }

  /** Wait until no file is being ingested (and the folder has been polled since). */
  async idle(): Promise<void> {
    while (this.#running.size > 0 || this.#inPoll !== undefined)
      await Promise.allSettled([...this.#running, ...(this.#inPoll ? [this.#inPoll] : [])]);
  }

  /** Stop polling and wait for the files being ingested to finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    await this.#polling;
    await this.idle();
    await this.#inPoll;
  }
}

/**
 * A watch folder on a local path. It is polled (a listing every `pollMs`), not watched with
 * inotify: drop folders are usually network shares (SMB, NFS) where another host's writes raise no
 * local events, and telling a finished file from one still being written needs the same size/mtime
 * polling anyway. A file is taken when stable — size and mtime unchanged for `stableMs` — or, with
 * `completionMarker`, once its marker exists; hidden and temporary names are ignored
 * ({@link TEMPORARY_NAME}). Taking is a rename into `processing/`; a file then goes to `processed/`
 * (with its `.report.json`) or `failed/` (with a `.reason.json`: code, message, ingest report).
 * Restart-safe: nothing is lost (a file is always in the folder, `processing/`, `processed/` or
 * `failed/`), and what a crash left in `processing/` is handed over again on `start`, where an
 * idempotent ingest finds the version it already made. No I/O happens here.
 *
 * @throws `INVALID_CONFIG` naming the bad option.
 */
export function createWatchFolder(options: WatchFolderOptions): WatchFolder {
  return new WatchFolder(parseOptions(WatchFolderOptionsSchema, options, 'Watch folder options'));
}
