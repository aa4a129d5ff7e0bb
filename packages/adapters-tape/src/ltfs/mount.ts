import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir, readFile, rm, statfs, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DigestStream, type HashWorker, type Logger, loadXxh64 } from '@framewise/core/adapter-kit';
import { FramewiseError, isFramewiseError } from '@framewise/core/errors';
import { type LtfsTool, runCommand } from './binaries.js';
import { tapeError } from './errors.js';
import type { LtfsIndex, TapePosition } from './index-model.js';
import { parseLtfsIndex } from './index-parse.js';
import { mountAt } from './mountinfo.js';
import { volumePathParts } from './paths.js';
import { readXattr } from './xattrs.js';

/** Where a file written to an LTFS volume landed, and its digests computed while writing. */
export interface LtfsWrittenFile {
  readonly path: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly md5: string;
  /** XXH64 (hex), when asked for. */
  readonly xxh64?: string;
  /**
   * Partition and block of the file's first extent (from `user.ltfs.partition` /
   * `user.ltfs.startblock`); `undefined` for an empty file, which occupies no block.
   */
  readonly position: TapePosition | undefined;
  /** The file's LTFS UID (`user.ltfs.fileUID`). */
  readonly fileUid: number;
}

/** A file's LTFS extended attributes. */
export interface LtfsFileAttributes {
  /** Partition and start block of the first extent; `undefined` for an empty file. */
  readonly position: TapePosition | undefined;
  readonly fileUid: number;
}

/** The mounted volume's identity and space. */
export interface LtfsVolumeInfo {
  /** Tape serial (barcode), `user.ltfs.volumeSerial`. */
  readonly serial: string;
  /** Volume name, `user.ltfs.volumeName` ('' when unnamed). */
  readonly volumeName: string;
  /** Volume UUID, `user.ltfs.volumeUUID`. */
  readonly volumeUuid: string;
  /** Generation of the latest index, `user.ltfs.indexGeneration`. */
  readonly indexGeneration: number;
  /** Data space of the volume in bytes (statfs). */
  readonly capacityBytes: number;
  /** Bytes still writable (statfs). */
  readonly freeBytes: number;
  readonly readOnly: boolean;
  readonly writeProtected: boolean;
}

/** An entry of {@link LtfsMount.list}. */
export interface LtfsListEntry {
  /** Path from the volume root. */
  readonly path: string;
  readonly kind: 'file' | 'directory' | 'symlink';
  readonly sizeBytes: number;
}

/** What {@link LtfsMount.unmount} hands back: the final index LTFS wrote (captured at unmount). */
export interface LtfsUnmountResult {
  /** The index written at unmount, `undefined` for a read-only mount (none is written). */
  readonly index: LtfsIndex | undefined;
  /** Its XML, as LTFS wrote it. */
  readonly indexXml: string | undefined;
}

/** Options of {@link LtfsMount.writeFile}. */
export interface LtfsWriteOptions {
  /** Also compute XXH64 (for ASC MHL). */
  readonly xxh64?: boolean;
  /** Bytes written so far, after each chunk. */
  readonly onProgress?: (bytes: number) => void;
  readonly signal?: AbortSignal;
}

/** @internal What the driver hands a new mount. */
export interface LtfsMountInit {
  readonly device: string;
  readonly mountPoint: string;
  readonly workDirectory: string;
  readonly readOnly: boolean;
  readonly writeProtected: boolean;
  readonly full: boolean;
  readonly tools: Readonly<Record<LtfsTool, string>>;
  readonly exited: Promise<number | null>;
  readonly output: () => string;
  readonly hashWorker: HashWorker | undefined;
  readonly unmountTimeoutMs: number;
  readonly onClosed: (mount: LtfsMount) => void;
  readonly logger: Logger;
}

const intAttr = (value: string | undefined): number | undefined =>
  value !== undefined && /^\d{1,16}$/.test(value.trim()) ? Number(value.trim()) : undefined;

/**
 * A mounted LTFS volume: write files (digests computed in the same pass), read files and byte
 * ranges, list, read the LTFS extended attributes, and unmount (which writes the index). Made by
 * {@link LtfsVolumeDriver.mount}.
 */
export class LtfsMount {
  /** The cartridge (device) mounted. */
  readonly device: string;
  /** Where it is mounted. */
  readonly mountPoint: string;
  /** True when writes are refused (read-only mount or write-protected cartridge). */
  readonly readOnly: boolean;
  /** True when LTFS found the cartridge write-protected and mounted it read-only. */
  readonly writeProtected: boolean;
  readonly #init: LtfsMountInit;
  #closed = false;
  #serial: string | undefined;

  /** @internal */
  constructor(init: LtfsMountInit) {
    this.#init = init;
    this.device = init.device;
    this.mountPoint = init.mountPoint;
    this.readOnly = init.readOnly;
    this.writeProtected = init.writeProtected;
  }

  #open(): void {
    if (this.#closed)
      throw new FramewiseError('CONFLICT', `LTFS mount of "${this.device}" on "${this.mountPoint}" is closed`, {
        details: { device: this.device, mountPoint: this.mountPoint },
      });
  }

  /** The absolute path of a volume path (checked: it cannot leave the mount point). */
  resolve(path: string): string {
    return join(this.mountPoint, ...volumePathParts(path));
  }

  #writeFailure(path: string, error: unknown): FramewiseError {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || (code === 'EROFS' && this.#init.full))
      return tapeError(
        'tape-full',
        `Cartridge "${this.device}" is full: "${path}" did not fit`,
        { device: this.device, path },
        error,
      );
    if (code === 'EROFS' || (code === 'EACCES' && this.readOnly) || (code === 'EPERM' && this.readOnly))
      return tapeError(
        'write-protected',
        `Cartridge "${this.device}" is ${this.writeProtected ? 'write-protected' : 'mounted read-only'}: cannot write "${path}"`,
        { device: this.device, path },
        error,
      );
    if (code === 'EEXIST')
      return new FramewiseError('CONFLICT', `"${path}" already exists on "${this.device}"`, {
        details: { device: this.device, path },
        cause: error,
      });
    if (isFramewiseError(error)) return error;
    if ((error as Error).name === 'AbortError')
      return new FramewiseError('CANCELLED', `Writing "${path}" to "${this.device}" was cancelled`, {
        details: { device: this.device, path },
        cause: error,
      });
    return tapeError(
      'ltfs-failed',
      `Writing "${path}" to "${this.device}" failed: ${(error as Error).message}`,
      { device: this.device, path },
      error,
    );
  }

  /**
   * Write a new file (never overwrites: `CONFLICT` when it exists) from a stream, computing
   * SHA-256 and MD5 (and XXH64 when asked) of the bytes in the same pass, then read back where
   * LTFS put it. A failed or cancelled write leaves no file behind. Memory: the stream's buffers
   * and the hashing ring (4 MiB).
   *
   * @throws `CONFLICT` (`tape-full`) when the cartridge fills up; `FORBIDDEN` (`write-protected`)
   *   on a write-protected or read-only volume; `CANCELLED` on abort.
   */
  async writeFile(
    path: string,
    source: Readable | AsyncIterable<Uint8Array>,
    options: LtfsWriteOptions = {},
  ): Promise<LtfsWrittenFile> {
    this.#open();
    const target = this.resolve(path);
    const parts = volumePathParts(path);
    if (this.readOnly) throw this.#writeFailure(path, Object.assign(new Error('read-only'), { code: 'EROFS' }));
    const xxh = options.xxh64 === true ? (this.#init.hashWorker === undefined ? await loadXxh64() : true) : undefined;
    const digest = new DigestStream(this.#init.hashWorker, options.onProgress, xxh);
    let created = false;
    try {
      if (parts.length > 1) await mkdir(join(this.mountPoint, ...parts.slice(0, -1)), { recursive: true });
      const out = createWriteStream(target, { flags: 'wx', highWaterMark: 1024 * 1024 });
      out.once('open', () => {
        created = true;
      });
      await pipeline(source, digest, out, options.signal === undefined ? {} : { signal: options.signal });
    } catch (error) {
      if (created) await unlink(target).catch(() => undefined);
      throw this.#writeFailure(path, error);
    }
    const d = digest.digests;
    const attributes = await this.attributes(path);
    return {
      path: parts.join('/'),
      sizeBytes: d.sizeBytes,
      sha256: d.sha256,
      md5: d.md5,
      ...(d.xxh64 === undefined ? {} : { xxh64: d.xxh64 }),
      position: attributes.position,
      fileUid: attributes.fileUid,
    };
  }

  /**
   * Read a file, or the byte range `[start, end]` (inclusive, as `fs.createReadStream`).
   *
   * @throws `NOT_FOUND` when the file does not exist; `INVALID_INPUT` for a bad range.
   */
  async readFile(path: string, range: { readonly start?: number; readonly end?: number } = {}): Promise<Readable> {
    this.#open();
    const target = this.resolve(path);
    const info = await lstat(target).catch(() => undefined);
    if (info === undefined || !info.isFile())
      throw new FramewiseError('NOT_FOUND', `No file "${path}" on "${this.device}"`, {
        details: { device: this.device, path },
      });
    const { start, end } = range;
    if (
      (start !== undefined && (!Number.isSafeInteger(start) || start < 0)) ||
      (end !== undefined && (!Number.isSafeInteger(end) || end < (start ?? 0) || end >= info.size))
    )
      throw new FramewiseError(
        'INVALID_INPUT',
        `Byte range ${start ?? 0}-${end ?? ''} is outside "${path}" (${info.size} bytes)`,
        {
          details: { path, start, end, size: info.size },
        },
      );
    return createReadStream(target, {
      highWaterMark: 1024 * 1024,
      ...(start === undefined ? {} : { start }),
      ...(end === undefined ? {} : { end }),
    });
  }

  /** Every file, directory and symlink under `dir` (the whole volume by default), depth first. */
  async list(dir = ''): Promise<LtfsListEntry[]> {
    this.#open();
    const out: LtfsListEntry[] = [];
    const walk = async (rel: string): Promise<void> => {
      const abs = rel === '' ? this.mountPoint : this.resolve(rel);
      const entries = await readdir(abs, { withFileTypes: true });
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) {
        const path = rel === '' ? e.name : `${rel}/${e.name}`;
        if (e.isDirectory()) {
          out.push({ path, kind: 'directory', sizeBytes: 0 });
          await walk(path);
        } else {
          const info = await lstat(join(abs, e.name));
          out.push({ path, kind: e.isSymbolicLink() ? 'symlink' : 'file', sizeBytes: info.size });
        }
      }
    };
    await walk(dir === '' ? '' : volumePathParts(dir).join('/'));
    return out;
  }

  /**
   * A file's LTFS extended attributes: `user.ltfs.partition`, `user.ltfs.startblock`,
   * `user.ltfs.fileUID`. LTFS answers the position once the file's data has reached tape.
   */
  async attributes(path: string): Promise<LtfsFileAttributes> {
    this.#open();
    const target = this.resolve(path);
    const get = (name: string) => readXattr(this.#init.tools.getfattr, target, name);
    const [partition, startBlock, fileUid] = await Promise.all([
      get('user.ltfs.partition'),
      get('user.ltfs.startblock'),
      get('user.ltfs.fileUID'),
    ]);
    const uid = intAttr(fileUid);
    if (uid === undefined)
      throw new FramewiseError('NOT_FOUND', `No LTFS file "${path}" on "${this.device}" (no user.ltfs.fileUID)`, {
        details: { device: this.device, path },
      });
    const block = intAttr(startBlock);
    const part = partition?.trim();
    return {
      fileUid: uid,
      position:
        block !== undefined && part !== undefined && /^[a-z]$/.test(part)
          ? { partition: part, startBlock: block }
          : undefined,
    };
  }

  /**
   * Verify after write: commit the index (so the file's extents are on tape), read the whole file
   * back through LTFS and compare its SHA-256 (and size) with what was written. Resolves with the
   * digest read back.
   *
   * @throws `INTEGRITY` naming the file when the bytes read back differ; `NOT_FOUND` when it is missing.
   */
  async verifyFile(
    path: string,
    expected: { readonly sha256: string; readonly sizeBytes: number },
    options: { readonly signal?: AbortSignal } = {},
  ): Promise<{ readonly sha256: string; readonly sizeBytes: number }> {
    this.#open();
    if (!this.readOnly) await this.sync();
    const hash = createHash('sha256');
    let size = 0;
    const stream = await this.readFile(path);
    for await (const chunk of stream) {
      if (options.signal?.aborted) {
        stream.destroy();
        throw new FramewiseError('CANCELLED', `Verifying "${path}" on "${this.device}" was cancelled`, {
          details: { device: this.device, path },
        });
      }
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    const sha256 = hash.digest('hex');
    if (sha256 !== expected.sha256 || size !== expected.sizeBytes)
      throw new FramewiseError(
        'INTEGRITY',
        `"${path}" on "${this.device}" reads back as ${size} bytes sha256 ${sha256.slice(0, 16)}…, not ${expected.sizeBytes} bytes ${expected.sha256.slice(0, 16)}…`,
        { details: { device: this.device, path, expected, actual: { sha256, sizeBytes: size } } },
      );
    return { sha256, sizeBytes: size };
  }

  /** Force LTFS to write the current index to tape now (`user.ltfs.sync`). */
  async sync(): Promise<void> {
    this.#open();
    const result = await runCommand(
      this.#init.tools.setfattr,
      ['-n', 'user.ltfs.sync', '-v', '1', '--', this.mountPoint],
      {
        timeoutMs: this.#init.unmountTimeoutMs,
      },
    );
    if (result.exitCode !== 0)
      throw tapeError('ltfs-failed', `Index sync of "${this.device}" failed: ${result.stderr.trim().slice(0, 300)}`, {
        device: this.device,
      });
  }

  /** The volume's identity (serial, name, UUID, index generation) and space. */
  async volume(): Promise<LtfsVolumeInfo> {
    this.#open();
    const get = (name: string) => readXattr(this.#init.tools.getfattr, this.mountPoint, name);
    const [serial, volumeName, volumeUuid, generation, fs] = await Promise.all([
      get('user.ltfs.volumeSerial'),
      get('user.ltfs.volumeName'),
      get('user.ltfs.volumeUUID'),
      get('user.ltfs.indexGeneration'),
      statfs(this.mountPoint),
    ]);
    if (serial === undefined)
      throw tapeError('not-ltfs', `"${this.mountPoint}" does not answer user.ltfs.volumeSerial: not an LTFS mount`, {
        mountPoint: this.mountPoint,
      });
    this.#serial = serial.trim();
    return {
      serial: this.#serial,
      volumeName: volumeName ?? '',
      volumeUuid: (volumeUuid ?? '').trim(),
      indexGeneration: intAttr(generation) ?? 0,
      capacityBytes: fs.blocks * fs.bsize,
      freeBytes: fs.bavail * fs.bsize,
      readOnly: this.readOnly,
      writeProtected: this.writeProtected,
    };
  }

  /**
   * Unmount: `fusermount -u`, then wait for the LTFS process to write the index and exit. Returns
   * the index LTFS captured at unmount (parsed). Calling it again does nothing.
   *
   * @throws `CONFLICT` (`mount-busy`) when files on the volume are still open (the volume stays
   *   mounted); `INTEGRITY` (`index-unreadable`) when the captured index cannot be parsed.
   */
  async unmount(): Promise<LtfsUnmountResult> {
    if (this.#closed) return { index: undefined, indexXml: undefined };
    const serial =
      this.#serial ??
      (await this.volume()
        .then((v) => v.serial)
        .catch(() => undefined));
    // A file closed just now may still be released asynchronously by the kernel: retry "busy" briefly.
    let result = await runCommand(this.#init.tools.fusermount, ['-u', '--', this.mountPoint], { timeoutMs: 60_000 });
    for (let attempt = 0; attempt < 5 && result.exitCode !== 0 && /busy/i.test(result.stderr); attempt++) {
      await new Promise((r) => setTimeout(r, 200));
      result = await runCommand(this.#init.tools.fusermount, ['-u', '--', this.mountPoint], { timeoutMs: 60_000 });
    }
    if (result.exitCode !== 0 && (await mountAt(this.mountPoint)) !== undefined) {
      if (/busy/i.test(result.stderr))
        throw tapeError('mount-busy', `Cannot unmount "${this.mountPoint}": files on it are in use`, {
          mountPoint: this.mountPoint,
        });
      throw tapeError('ltfs-failed', `Cannot unmount "${this.mountPoint}": ${result.stderr.trim().slice(0, 300)}`, {
        mountPoint: this.mountPoint,
      });
    }
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      this.#init.exited,
      new Promise<'timeout'>((r) => {
        timer = setTimeout(() => r('timeout'), this.#init.unmountTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    this.#closed = true;
    this.#init.onClosed(this);
    try {
      if (code === 'timeout')
        throw tapeError(
          'ltfs-failed',
          `LTFS did not finish unmounting "${this.device}" within ${this.#init.unmountTimeoutMs} ms`,
          {
            device: this.device,
          },
        );
      if (this.readOnly || serial === undefined) return { index: undefined, indexXml: undefined };
      const file = join(this.#init.workDirectory, `${serial}.schema`);
      const xml = await readFile(file, 'utf8').catch(() => undefined);
      if (xml === undefined)
        throw tapeError(
          'index-unreadable',
          `LTFS wrote no index for "${this.device}" at unmount (exit ${code}): ${this.#init.output().slice(-400)}`,
          {
            device: this.device,
          },
        );
      return { index: parseLtfsIndex(xml, `${serial} index`), indexXml: xml };
    } finally {
      await rm(this.#init.workDirectory, { recursive: true, force: true });
    }
  }
}
