import { addAbortSignal, type Readable } from 'node:stream';
import type { Logger } from '@framewise/core/adapter-kit';
import type { DeliveryFile, DistributionContext } from '@framewise/core/delivery';
import { FramewiseError } from '@framewise/core/errors';
import type { DropTransport } from './transport.js';

/** How a delivered file is proven at the receiver before it is renamed into place. */
export type DropVerification = 'auto' | 'checksum' | 'read-back' | 'size';

/**
 * The resume record a drop folder keeps in the record's `progress`: for each path of the package
 * folder being delivered, the SHA-256 of the file whose bytes are (or will be) under its
 * temporary name, and whether it was renamed into place. A `.part` is resumed, and a file in place
 * kept, only when this record says they hold the same file; anything else is sent again.
 */
export interface DropProgress {
  readonly kind: 'drop-folder';
  readonly dir: string;
  readonly files: Readonly<Record<string, { readonly sha256: string; readonly done: boolean }>>;
}

/** The drop-folder resume record in `progress`, if any. */
export function dropProgress(progress: unknown): DropProgress | undefined {
  const p = progress as Partial<DropProgress> | undefined;
  if (p?.kind !== 'drop-folder' || typeof p.dir !== 'string' || typeof p.files !== 'object' || p.files === null)
    return undefined;
  return p as DropProgress;
}

/** The package folder a submission saved before writing, from either progress shape. */
export function progressDir(progress: unknown): string | undefined {
  const dir = (progress as { dir?: unknown } | undefined)?.dir;
  return typeof dir === 'string' ? dir : undefined;
}

/** The temporary name of a file: `.name.part` beside it. */
export function tempName(path: string): string {
  const slash = path.lastIndexOf('/');
  return `${path.slice(0, slash + 1)}.${path.slice(slash + 1)}.part`;
}

/** Fail `CANCELLED` when the call was aborted (its lease lost): before any further side effect. */
export function checkSignal(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true)
    throw signal.reason instanceof FramewiseError
      ? new FramewiseError('CANCELLED', signal.reason.message, { cause: signal.reason })
      : new FramewiseError('CANCELLED', 'The delivery was aborted');
}

/** Uploads files of one package folder, proving each at the receiver. */
export class DropUploader {
  readonly #t: DropTransport;
  readonly #verify: DropVerification;
  readonly #log: Logger;
  readonly #ctx: DistributionContext;
  #files: Record<string, { sha256: string; done: boolean }>;
  readonly #dir: string;

  constructor(
    transport: DropTransport,
    verify: DropVerification,
    logger: Logger,
    ctx: DistributionContext,
    dir: string,
  ) {
    this.#t = transport;
    this.#verify = verify;
    this.#log = logger;
    this.#ctx = ctx;
    this.#dir = dir;
    const saved = dropProgress(ctx.progress);
    this.#files = saved?.dir === dir ? { ...saved.files } : {};
  }

  #trusted(path: string, file: DeliveryFile): { readonly part: boolean; readonly done: boolean } {
    const entry = this.#files[path];
    const same = file.sha256 !== undefined && entry?.sha256 === file.sha256;
    return { part: same, done: same && entry?.done === true };
  }

  /**
   * Before any byte is written: remove the temporary files the resume record does not vouch for
   * (another file's bytes, or a name planted by someone else), then save the record for these
   * files, so a `.part` found later is always one of them.
   */
  async prepare(files: readonly { readonly path: string; readonly file: DeliveryFile }[]): Promise<void> {
    const next: Record<string, { sha256: string; done: boolean }> = {};
    for (const { path, file } of files) {
      const trusted = this.#trusted(path, file);
      if (!trusted.part) await this.#t.remove(tempName(path));
      if (file.sha256 !== undefined) next[path] = { sha256: file.sha256, done: trusted.done };
    }
    this.#files = next;
    await this.#save();
  }

  async #save(): Promise<void> {
    checkSignal(this.#ctx.signal);
    const progress: DropProgress = { kind: 'drop-folder', dir: this.#dir, files: this.#files };
    await this.#ctx.save({ progress });
  }

  /**
   * Deliver one file: kept when the record says it is in place and the receiver still proves it;
   * else resumed from its `.part` when the record vouches for it, or sent from byte 0 under a
   * temporary name created exclusively; checked for size and (as `verify` says) digest at the
   * receiver; renamed into place only then.
   */
  async upload(path: string, file: DeliveryFile): Promise<void> {
    const temp = tempName(path);
    const trusted = this.#trusted(path, file);
    const fields = { transport: this.#t.name, path, sizeBytes: file.sizeBytes };
    if (trusted.done && (await this.#t.size(path)) === file.sizeBytes && (await this.#proves(path, file)) !== false)
      return;
    let offset = trusted.part ? ((await this.#t.size(temp)) ?? 0) : 0;
    if (offset > file.sizeBytes) offset = 0;
    if (offset === 0) await this.#t.remove(temp); // whatever is there, a planted link included, goes
    if (offset > 0 && offset < file.sizeBytes)
      this.#log.info({ ...fields, offset }, `framewise ${this.#t.name}: resuming upload`);
    else this.#log.debug(fields, `framewise ${this.#t.name}: uploading`);
    checkSignal(this.#ctx.signal);
    if (offset < file.sizeBytes || file.sizeBytes === 0)
      await this.#t.write(temp, this.#body(await file.open(offset)), offset);
    const written = await this.#t.size(temp);
    if (written !== file.sizeBytes)
      throw new FramewiseError(
        'TRANSIENT',
        `${this.#t.name} has ${written ?? 'no'} bytes of "${temp}", expected ${file.sizeBytes}; resuming next time`,
        { details: { path: temp, written, expected: file.sizeBytes } },
      );
    if ((await this.#proves(temp, file)) === false) {
      await this.#t.remove(temp);
      throw new FramewiseError(
        'TRANSIENT',
        `${this.#t.name} holds other bytes under "${temp}" than were sent (SHA-256 differs from ${file.sha256}); it is sent again`,
        { details: { path: temp, expected: file.sha256 } },
      );
    }
    checkSignal(this.#ctx.signal);
    await this.#t.rename(temp, path);
    const entry = this.#files[path];
    if (entry !== undefined) {
      this.#files[path] = { ...entry, done: true };
      await this.#save();
    }
  }

  /** A small file (sidecar, marker): written whole under an exclusive temporary name, then renamed. */
  async small(path: string, body: Readable): Promise<void> {
    const temp = tempName(path);
    await this.#t.remove(temp);
    checkSignal(this.#ctx.signal);
    await this.#t.write(temp, this.#body(body), 0);
    checkSignal(this.#ctx.signal);
    await this.#t.rename(temp, path);
  }

  #body(stream: Readable): Readable {
    return this.#ctx.signal === undefined ? stream : addAbortSignal(this.#ctx.signal, stream);
  }

  /**
   * Whether the receiver proves it holds `file` at `path` (true), holds something else (false),
   * or cannot say (undefined: no digest known, or `verify` is `size`, or `auto` and the server has
   * no checksum).
   */
  async #proves(path: string, file: DeliveryFile): Promise<boolean | undefined> {
    if (file.sha256 === undefined || this.#verify === 'size') return undefined;
    let digest: string | undefined;
    if (this.#verify !== 'read-back') digest = await this.#t.digest(path, 'server');
    if (digest === undefined && (this.#verify === 'checksum' || this.#verify === 'read-back'))
      digest = await this.#t.digest(path, 'read-back');
    return digest === undefined ? undefined : digest.toLowerCase() === file.sha256.toLowerCase();
  }
}
