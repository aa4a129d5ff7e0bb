import type { Readable } from 'node:stream';
import type { ConnectionOptions } from 'node:tls';
import { FramewiseError, messageOf } from '@framewise/core/errors';
import type { Client, FTPError } from 'basic-ftp';
import { checkRelativePath } from '../drop/naming.js';
import type { DropTransport } from '../drop/transport.js';
import { loadBasicFtp } from '../peers.js';

/**
 * basic-ftp's `FTPError`, once basic-ftp is loaded (it is an optional peer, imported on first use:
 * before that, no error can have come from it).
 */
let FtpErrorClass: typeof FTPError | undefined;
const isFtpError = (error: unknown): error is FTPError => FtpErrorClass !== undefined && error instanceof FtpErrorClass;

/** How to reach an FTP server. */
export interface FtpConnection {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** `explicit`: AUTH TLS on the control connection, TLS on data connections (FTPS, RFC 4217); `none`: plain FTP. */
  readonly tls: 'explicit' | 'none';
  /** CA certificate(s) (PEM) trusted for the server's certificate, e.g. a self-signed one pinned. */
  readonly ca?: string | undefined;
  /** Absolute remote directory of the drop folder. */
  readonly root: string;
  readonly timeoutMs: number;
}

/** Map a basic-ftp or socket error to a typed one. */
function ftpError(error: unknown, what: string): FramewiseError {
  if (error instanceof FramewiseError) return error;
  const message = `${what}: ${messageOf(error)}`;
  if (isFtpError(error)) {
    if (error.code === 530 || error.code === 331 || error.code === 332)
      return new FramewiseError('AUTH', message, { cause: error });
    if (error.code >= 400 && error.code < 500)
      return new FramewiseError('TRANSIENT', message, { cause: error, retryAfterMs: 5_000 });
    if (error.code === 553 || error.code === 550) return new FramewiseError('FORBIDDEN', message, { cause: error });
    return new FramewiseError('INVALID_INPUT', message, { cause: error });
  }
  return new FramewiseError('TRANSIENT', message, { cause: error, retryAfterMs: 5_000 });
}

/**
 * FTP or FTPS (explicit TLS) as a drop-folder transport, over basic-ftp. One control connection,
 * opened on first use and again after it drops; operations are serialised on it (FTP does one
 * thing at a time per connection). Resume uses `APPE` from the size on the server; a rename
 * replaces the target by deleting it first (FTP has no atomic replace — the temporary name keeps
 * a partial file from ever being visible under the final one). basic-ftp is an optional peer,
 * imported on the first operation: without it, that fails `INVALID_CONFIG` naming it.
 */
export function ftpTransport(c: FtpConnection): DropTransport {
  let client: Client | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  const base = c.root.replace(/\/+$/, '');
  const full = (path: string) => `${base}/${checkRelativePath(path)}`;

  const connected = async (): Promise<Client> => {
    if (client !== undefined && !client.closed) return client;
    const ftp = await loadBasicFtp();
    FtpErrorClass = ftp.FTPError;
    const next = new ftp.Client(c.timeoutMs);
    const secureOptions: ConnectionOptions = { ...(c.ca === undefined ? {} : { ca: c.ca }), minVersion: 'TLSv1.2' };
    try {
      await next.access({
        host: c.host,
        port: c.port,
        user: c.user,
        password: c.password,
        secure: c.tls === 'explicit',
        ...(c.tls === 'explicit' ? { secureOptions } : {}),
      });
    } catch (error) {
      next.close();
      throw error;
    }
    client = next;
    return next;
  };

  /** Run one operation on the connection, after the ones before it. */
  const op = <T>(what: string, run: (ftp: Client) => Promise<T>): Promise<T> => {
    const result = queue.then(async () => {
      try {
        return await run(await connected());
      } catch (error) {
        // Anything but a file-level refusal may have left the connection unusable (a 421 from a
        // server going down, a socket error): the next operation opens a new one.
        if (!(isFtpError(error) && (error.code === 550 || error.code === 553))) {
          client?.close();
          client = undefined;
        }
        throw ftpError(error, what);
      }
    });
    queue = result.catch(() => undefined);
    return result;
  };
  const missing = (error: unknown) => isFtpError(error) && error.code === 550;

  return {
    name: 'ftp',
    write: (path, body: Readable, offset) =>
      op(`FTP upload of "${path}"`, async (ftp) => {
        if (offset > 0) await ftp.appendFrom(body, full(path));
        else await ftp.uploadFrom(body, full(path));
      }),
    size: (path) =>
      op(`FTP size of "${path}"`, async (ftp) => {
        try {
          return await ftp.size(full(path));
        } catch (error) {
          if (missing(error)) return undefined;
          throw error;
        }
      }),
    rename: (from, to) =>
      op(`FTP rename of "${from}"`, async (ftp) => {
        try {
          await ftp.remove(full(to));
        } catch (error) {
          if (!missing(error)) throw error;
        }
        await ftp.rename(full(from), full(to));
      }),
    mkdirs: (path) =>
      op(`FTP mkdir "${path}"`, async (ftp) => {
        await ftp.ensureDir(full(path));
        await ftp.cd('/');
      }),
    list: (path) =>
      op(`FTP list of "${path}"`, async (ftp) => {
        try {
          return (await ftp.list(full(path)))
            .map((f) => f.name)
            .filter((n) => n !== '.' && n !== '..')
            .sort();
        } catch (error) {
          if (missing(error)) return [];
          throw error;
        }
      }),
    removeTree: (path) =>
      op(`FTP removal of "${path}"`, async (ftp) => {
        try {
          await ftp.removeDir(full(path));
        } catch (error) {
          if (!missing(error)) throw error;
        } finally {
          await ftp.cd('/').catch(() => undefined);
        }
      }),
    async close() {
      client?.close();
      client = undefined;
    },
  };
}
