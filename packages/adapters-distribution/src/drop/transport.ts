import type { Readable } from 'node:stream';

/** How a transport can prove what the receiver holds: its own checksum, or the bytes read back. */
export type DigestSource = 'server' | 'read-back';

/**
 * What a drop folder needs from a file transfer protocol: the local filesystem, FTP/FTPS or SFTP.
 * Paths are relative to the drop folder's root, `/`-separated, already checked.
 */
export interface DropTransport {
  /** Short name for logs (`folder`, `ftp`, `sftp`). */
  readonly name: string;
  /**
   * Write `body` to `path`. From `offset` 0 the file is created exclusively: the write fails when
   * anything is at `path` (a planted symbolic link included) and never writes through a link.
   * From an `offset` > 0 it appends to an existing regular file, never through a link.
   */
  write(path: string, body: Readable, offset: number): Promise<void>;
  /** Size of the regular file at `path` (a link is not followed), or undefined when there is none. */
  size(path: string): Promise<number | undefined>;
  /** Remove the file or link at `path` (never what a link points to); nothing when there is none. */
  remove(path: string): Promise<void>;
  /** Rename over an existing file, atomically where the protocol can (POSIX rename, SFTP posix-rename). */
  rename(from: string, to: string): Promise<void>;
  /** Create a directory and its parents. */
  mkdirs(path: string): Promise<void>;
  /** Names in a directory (empty when it does not exist). */
  list(path: string): Promise<string[]>;
  /** Remove a directory and everything in it (nothing when it does not exist). */
  removeTree(path: string): Promise<void>;
  /**
   * SHA-256 (hex) of the file at `path` as the receiver holds it: computed by the server
   * (`server`: undefined when the protocol or this server offers no checksum), or over the bytes
   * read back (`read-back`).
   */
  digest(path: string, source: DigestSource): Promise<string | undefined>;
  close(): Promise<void>;
}
