import type { Readable } from 'node:stream';

/**
 * What a drop folder needs from a file transfer protocol: the local filesystem, FTP/FTPS or SFTP.
 * Paths are relative to the drop folder's root, `/`-separated, already checked.
 */
export interface DropTransport {
  /** Short name for logs (`folder`, `ftp`, `sftp`). */
  readonly name: string;
  /** Write `body` to `path`, from byte `offset` (0: create or truncate; > 0: append to what is there). */
  write(path: string, body: Readable, offset: number): Promise<void>;
  /** Size of a file, or undefined when there is none. */
  size(path: string): Promise<number | undefined>;
  /** Rename over an existing file, atomically where the protocol can (POSIX rename, SFTP posix-rename). */
  rename(from: string, to: string): Promise<void>;
  /** Create a directory and its parents. */
  mkdirs(path: string): Promise<void>;
  /** Names in a directory (empty when it does not exist). */
  list(path: string): Promise<string[]>;
  /** Remove a directory and everything in it (nothing when it does not exist). */
  removeTree(path: string): Promise<void>;
  close(): Promise<void>;
}
